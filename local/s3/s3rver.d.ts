// s3rver ships no types; this declares the part of its API we use.
declare module "s3rver" {
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string; configs: Array<string | Buffer> }>;
  }
  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<import("node:net").AddressInfo | string | null>;
    close(): Promise<void>;
    reset(): void;
    store: { putBucket(name: string): Promise<unknown>; getBucket(name: string): Promise<unknown> };
  }
  export default S3rver;
}
