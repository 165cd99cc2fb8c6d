/**
 * The process environment a run's handlers read (the SDK's S3 endpoint and credentials, PAYLOAD_*):
 * one process holds one environment, so a run sets it and puts it back when done.
 */

/** Sets variables for the duration of the run; returns the undo. */
export function setEnv(vars: Readonly<Record<string, string>>): () => void {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
