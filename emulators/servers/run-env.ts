/**
 * The SDK environment of one local run, seen only by that run: never written to the process.
 *
 * Handlers make their SDK clients the way they do on Lambda, `new S3Client({})`, and the SDK reads
 * its endpoint, region and credentials from `process.env` when it builds the client and when it
 * signs (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). Setting them in
 * `process.env` for a run let two runs in one process (mocha's parallel mode, a user's
 * `Promise.all`) see each other's servers, and, once one of them put the environment back, the
 * user's own credentials with no local endpoint: a request would have gone to AWS.
 *
 * Instead, `process.env` is overlaid, once, by a view that reads the running run's variables from
 * an AsyncLocalStorage: inside `withRunEnvironment(vars, body)` (and everything `body` starts:
 * handlers, timers, promises) every `AWS_*` variable is the run's or absent, whatever the process
 * holds; outside any run, `process.env` is exactly the process's. Each run's variables include:
 *   - AWS_ENDPOINT_URL pointing at a closed local port, so a client of a service with no local
 *     server fails at once instead of reaching AWS;
 *   - credentials of the run's own (the embedded S3's keys) or placeholder ones, and shared config
 *     files that do not exist and no instance metadata, so the SDK's credential chain cannot find
 *     the user's profile, SSO session or role.
 * A write to an `AWS_*` variable inside a run changes that run's view only.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { join } from "node:path";

type Vars = Record<string, string>;

const runs = new AsyncLocalStorage<Vars>();

/** Port 9 (discard) on the loopback address: nothing listens there; a request fails at connect. */
export const NOWHERE_ENDPOINT = "http://127.0.0.1:9";

/** What every run sees besides its servers' own variables. */
function baseEnvironment(): Vars {
  const missing = join("/nonexistent", "sfn-local-run");
  return {
    AWS_ENDPOINT_URL: NOWHERE_ENDPOINT,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local-run",
    AWS_SECRET_ACCESS_KEY: "local-run",
    AWS_CONFIG_FILE: join(missing, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(missing, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    // This toolchain runs on Node 20 on purpose (see README); the SDK's notice that releases after
    // January 2027 need Node 22 would otherwise print on every local run (@aws-sdk/core
    // emitWarningIfUnsupportedVersion reads this switch once, at the first client). A user's own
    // setting wins.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: realEnv()["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ?? "true",
  };
}

/**
 * Variables a run never takes from the process: the whole `AWS_` namespace, and the names the run
 * sets itself (PAYLOAD_*).
 */
const isRunOwned = (vars: Vars, key: string | symbol): key is string =>
  typeof key === "string" && (key.startsWith("AWS_") || Object.hasOwn(vars, key));

let installed: NodeJS.ProcessEnv | undefined;
/** The process's own environment (not the per-run view). */
const realEnv = (): NodeJS.ProcessEnv => installed ?? process.env;

/** Overlays `process.env` with the per-run view (once per process). */
function install(): void {
  if (installed) return;
  const real = (installed = process.env);
  const view = new Proxy(real, {
    get(target, key) {
      const vars = runs.getStore();
      if (vars && isRunOwned(vars, key)) return Object.hasOwn(vars, key) ? vars[key] : undefined;
      return Reflect.get(target, key);
    },
    has(target, key) {
      const vars = runs.getStore();
      if (vars && isRunOwned(vars, key)) return Object.hasOwn(vars, key);
      return Reflect.has(target, key);
    },
    set(target, key, value) {
      const vars = runs.getStore();
      if (vars && typeof key === "string" && key.startsWith("AWS_")) {
        vars[key] = String(value);
        return true;
      }
      return Reflect.set(target, key, value);
    },
    deleteProperty(target, key) {
      const vars = runs.getStore();
      if (vars && isRunOwned(vars, key)) {
        delete vars[key];
        return true;
      }
      return Reflect.deleteProperty(target, key);
    },
    ownKeys(target) {
      const vars = runs.getStore();
      const keys = Reflect.ownKeys(target);
      return vars ? [...keys.filter((k) => !isRunOwned(vars, k)), ...Object.keys(vars)] : keys;
    },
    getOwnPropertyDescriptor(target, key) {
      const vars = runs.getStore();
      if (vars && isRunOwned(vars, key))
        return Object.hasOwn(vars, key) ? { value: vars[key], writable: true, enumerable: true, configurable: true } : undefined;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  process.env = view;
}

/** The environment a run's handlers see: the base, then `vars` (the servers' endpoints and keys, PAYLOAD_*). */
export function runEnvironment(vars: Readonly<Record<string, string>> = {}): Vars {
  return { ...baseEnvironment(), ...vars };
}

/**
 * Runs `body` (and everything it starts) with `process.env` showing the run's environment,
 * runEnvironment(vars), for every `AWS_*` variable and every name in `vars`. Nothing is written to
 * the process's environment; runs side by side each see their own.
 */
export function withRunEnvironment<T>(vars: Readonly<Record<string, string>>, body: () => T): T {
  install();
  return runs.run(runEnvironment(vars), body);
}
