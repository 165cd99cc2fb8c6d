/**
 * Bytes an ItemReader has read, for the Map Run's progress (`readerBytes`): the Map Run registers a
 * meter under its abort signal, which every reader already receives, so no reader signature
 * changes to carry it.
 */
const meters = new WeakMap<AbortSignal, (bytes: number) => void>();

export function meterReaderBytes(signal: AbortSignal, onBytes: (bytes: number) => void): void {
  meters.set(signal, onBytes);
}

export function countReaderBytes(signal: AbortSignal | undefined, bytes: number): void {
  if (signal) meters.get(signal)?.(bytes);
}
