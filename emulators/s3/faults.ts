/**
 * A fault layer for the embedded S3 server, for tests and benchmarks: a function that sees each
 * authenticated request's operation and may answer it with an S3 error (500 InternalError,
 * 503 SlowDown: what throttling looks like) or delay it. The faults are real HTTP responses, so
 * the client's own retry strategy (the SDK's standard retry) deals with them as it would on AWS.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export type S3Operation =
  | "GetObject"
  | "HeadObject"
  | "PutObject"
  | "DeleteObject"
  | "ListObjectsV2"
  | "CreateMultipartUpload"
  | "UploadPart"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "Other";

export type S3Fault =
  | { readonly kind: "error"; readonly status: 500; readonly code: "InternalError" }
  | { readonly kind: "error"; readonly status: 503; readonly code: "SlowDown" | "ServiceUnavailable" }
  | { readonly kind: "delay"; readonly ms: number };

export interface S3Request {
  readonly operation: S3Operation;
  readonly bucket?: string;
  readonly key?: string;
}

export type S3FaultInjector = (request: S3Request) => S3Fault | undefined;

export const FAULT_MESSAGES: Record<string, string> = {
  InternalError: "We encountered an internal error. Please try again.",
  SlowDown: "Please reduce your request rate.",
  ServiceUnavailable: "Service is unable to handle request.",
};

/** The S3 operation a path-style request is. */
export function operationOf(method: string | undefined, key: string | undefined, query: URLSearchParams): S3Operation {
  if (key === undefined) return method === "GET" && query.get("list-type") === "2" ? "ListObjectsV2" : "Other";
  switch (method) {
    case "GET":
      return query.has("uploadId") ? "Other" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      return query.has("uploadId") && query.has("partNumber") ? "UploadPart" : "PutObject";
    case "POST":
      return query.has("uploads") ? "CreateMultipartUpload" : query.has("uploadId") ? "CompleteMultipartUpload" : "Other";
    case "DELETE":
      return query.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    default:
      return "Other";
  }
}
