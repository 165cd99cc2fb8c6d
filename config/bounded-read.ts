/**
 * Reading a file a user names (a definition, an input, a stack file, a data file to upload) without
 * letting the file decide how long or how much: a FIFO would block the read for ever, a device such
 * as /dev/zero never ends, and a huge file would be read whole into memory before any size check.
 * Only regular files are read (opened non-blocking, then fstat), at most `maxBytes` of them.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

export class FileReadError extends Error {
  override readonly name = "FileReadError";
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** The file's bytes; throws FileReadError when it is not a regular file or holds more than `maxBytes`. */
export function readBoundedFile(file: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError(`cannot read ${what} '${file}': ${code === "ENOENT" ? "file not found" : (code ?? (e as Error).message)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileReadError(`${what} '${file}' is ${kindOf(st)}; give a regular file`);
    const tooLarge = () =>
      new FileReadError(`${what} '${file}' is larger than ${maxBytes.toLocaleString("en-US")} bytes, the most it may hold`);
    if (st.size > maxBytes) throw tooLarge();
    // The size can grow while reading: read at most one byte more than allowed, to tell.
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(st.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw tooLarge();
        break;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw tooLarge();
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Throws FileReadError unless `file` is a regular file (before it is streamed: a FIFO or device never ends). */
export function assertRegularFile(file: string, what: string): void {
  const st = statSync(file);
  if (!st.isFile()) throw new FileReadError(`${what} '${file}' is ${kindOf(st)}; give a regular file`);
}
