import { setMaxListeners } from "node:events";

/** An AbortController that also aborts when `parent` does; `release` unhooks it from the parent. */
export function linkedAbort(parent: AbortSignal): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  // Every running task of a Map/Parallel listens on this signal; thousands are expected, not a leak.
  setMaxListeners(0, controller.signal);
  if (parent.aborted) controller.abort();
  const onAbort = () => controller.abort();
  parent.addEventListener("abort", onAbort, { once: true });
  return { controller, release: () => parent.removeEventListener("abort", onAbort) };
}
