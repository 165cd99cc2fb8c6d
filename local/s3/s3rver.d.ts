// s3rver ships no types; this declares the part of its API we use (s3rver 3.7, a Koa application).
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory: string;
    silent?: boolean;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string; configs: Array<string | Buffer> }>;
  }
  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<import("node:net").AddressInfo | string | null>;
    close(): Promise<void>;
    reset(): void;
    /** Creates the buckets given in `configureBuckets` (what `run()` does before listening). */
    configureBuckets(): Promise<unknown>;
    /** The Koa request listener, for mounting the server in an http.Server of one's own. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    logger: { close(): void; silent: boolean };
    store: {
      putBucket(name: string): Promise<unknown>;
      getBucket(name: string): Promise<unknown>;
      /** `<root>/<bucket>/<key dirs>/<last key segment>._S3rver_<resource>` */
      getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    };
  }
  export default S3rver;
}

declare module "s3rver/lib/models/error" {
  /** s3rver's error: its Koa error handler answers it as an S3 `<Error>` with the code's status. */
  class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, unknown>);
    readonly code: string;
  }
  export default S3Error;
}
