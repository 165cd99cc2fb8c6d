/**
 * The result spools' 1 MiB buffers, reused across chunks and Map Runs. Each buffer is memory
 * outside V8's heap, and V8 starts a full collection of its heap for every 64 MB or so of such
 * memory allocated: a Map Run of 100,000 children writes 65 MB of results, and the two or three
 * full collections that caused took a third of the end of its run (measured with --trace-gc,
 * "external memory pressure"). Reused, the buffers of one run serve the next.
 *
 * At most POOLED_MAX buffers wait here, and they are dropped after a second unused, so an idle
 * process keeps none.
 */

export const CHUNK_BYTES = 1 << 20;

/** As many as one process's spools hold in memory before spilling (SPOOL_MEMORY_BYTES). */
const POOLED_MAX = 64;
const DROP_AFTER_MS = 1000;

const free: Buffer[] = [];
let dropTimer: NodeJS.Timeout | undefined;

/** A buffer of CHUNK_BYTES, reused when one is free. */
export function takeChunk(): Buffer {
  // allocUnsafeSlow: a buffer of its own (never a slice of Node's shared pool), so it can be
  // recognised and reused whole.
  return free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
}

/**
 * Gives back a buffer from takeChunk (or a view of one): its content will be overwritten, so
 * nothing may read it after this. Other buffers are left to the garbage collector.
 */
export function giveBackChunk(chunk: Buffer): void {
  const whole = chunk.buffer;
  if (chunk.byteOffset !== 0 || whole.byteLength !== CHUNK_BYTES || free.length >= POOLED_MAX) return;
  free.push(chunk.length === CHUNK_BYTES ? chunk : Buffer.from(whole));
  if (dropTimer) dropTimer.refresh();
  else dropTimer = setTimeout(dropFree, DROP_AFTER_MS).unref();
}

function dropFree(): void {
  free.length = 0;
  dropTimer = undefined;
}

/** Buffers waiting to be reused (for tests). */
export function pooledChunks(): number {
  return free.length;
}
