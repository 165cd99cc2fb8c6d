/**
 * The gate in front of the embedded S3 (./api.ts): every request is authenticated and its bucket, key and file-naming
 * parameters are checked before the store (which turns them into file paths) sees them.
 *
 * - **Authentication** (AWS Signature Version 4, header form, what the SDK sends): the signature is
 *   recomputed with `@smithy/signature-v4` (the SDK's own signer) over exactly the headers the
 *   request says it signed, for this server's random credentials. Failures answer as S3 does
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html): no signature
 *   `AccessDenied`, an unknown key id `InvalidAccessKeyId`, a wrong signature `SignatureDoesNotMatch`,
 *   a clock more than 15 minutes off `RequestTimeTooSkewed`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html).
 *   Query-string (presigned) authentication is refused: nothing here uses it.
 * - **Names**: the path is parsed from the raw request line (no URL normalization, which would fold
 *   `/b/x/../../y` into a different bucket than the store would see), decoded once, and the bucket must be a
 *   plain folder name; a key is refused (`InvalidArgument`) if a `/`-separated segment is empty, `.`
 *   or `..`, or if it holds a backslash or NUL. S3 itself stores such keys as plain characters
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html lists `..` among the
 *   characters "that might require special handling"); the store turns a key into a file path, so here
 *   they are refused rather than allowed to name a file outside the bucket's folder.
 *   `uploadId`, `partNumber` and `x-amz-copy-source`, which also name files, are checked
 *   the same way. What was checked (the decoded bucket, key and query) is exactly what ./api.ts
 *   then acts on.
 */
import { timingSafeEqual } from "node:crypto";
import { Sha256 } from "../../engine/model/sha256";
import type { IncomingMessage } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";

/** What a request can be refused with: the S3 error code, its HTTP status and a message. */
export class S3RequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * A bucket name this server will use: one safe folder name. Looser than S3's rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html: 3-63 lowercase
 * letters, digits, dots, hyphens) so that short test names like "b1" work.
 */
export const BUCKET_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]{1,255}$/;

/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html: "up to 1,024 bytes long". */
const MAX_KEY_BYTES = 1024;
/** A key segment becomes a file name ; Linux allows 255 bytes (a margin kept for scratch names). */
const MAX_SEGMENT_BYTES = 200;
/** Upload ids (./multipart.ts): 16 random bytes in hex. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html: "a positive integer between 1 and 10,000". */
const PART_NUMBER = /^(?:[1-9][0-9]{0,3}|10000)$/;
/** https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html: requests more than 15 minutes off are refused. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** Why a key cannot be stored here, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `the key is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.includes("\\")) return "the key contains a backslash";
  if (key.includes("\0")) return "the key contains a NUL character";
  for (const segment of key.split("/")) {
    if (segment === "") return 'the key has an empty path segment (a leading "/" or "//")';
    if (segment === "." || segment === "..") return `the key has a "${segment}" path segment`;
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `a path segment of the key is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}

function checkBucket(bucket: string): void {
  if (!BUCKET_NAME.test(bucket)) {
    throw new S3RequestError("InvalidBucketName", 400, `The specified bucket is not valid: ${JSON.stringify(bucket)}`);
  }
}

function checkKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3RequestError("KeyTooLongError", 400, "Your key is too long");
  const problem = keyProblem(key);
  if (problem) {
    throw new S3RequestError(
      "InvalidArgument",
      400,
      `The local S3 server refuses key ${JSON.stringify(key)}: ${problem} (it would not name one file inside the bucket's folder)`,
    );
  }
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3RequestError("InvalidURI", 400, "Couldn't parse the specified URI.");
  }
}

/** RFC 3986 encoding, as the SDK encodes path segments. */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface CheckedRequest {
  readonly bucket?: string;
  readonly key?: string;
  /** The canonical URL: re-encoded path, the query without authentication parameters. */
  readonly url: string;
  /** The query's parameters, decoded, without authentication parameters (the first of repeated ones). */
  readonly params: ReadonlyMap<string, string>;
}

interface RawQuery {
  readonly pairs: Array<[string, string]>;
  readonly values: Record<string, string | string[]>;
}

function parseQuery(raw: string): RawQuery {
  const pairs: Array<[string, string]> = [];
  const values: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const part of raw === "" ? [] : raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decode(part.slice(eq + 1));
    pairs.push([name, value]);
    const prior = values[name];
    values[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return { pairs, values };
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/s3\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** One signer per credentials and region: it caches its signing key (four HMACs) per day. */
const signers = new WeakMap<Credentials, Map<string, SignatureV4>>();
function signerFor(credentials: Credentials, region: string): SignatureV4 {
  let byRegion = signers.get(credentials);
  if (!byRegion) signers.set(credentials, (byRegion = new Map()));
  let signer = byRegion.get(region);
  if (!signer)
    byRegion.set(
      region,
      (signer = new SignatureV4({ credentials, region, service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: false })),
    );
  return signer;
}

const accessDenied = (message: string) => new S3RequestError("AccessDenied", 403, message);

async function verifySignature(
  req: IncomingMessage,
  rawPath: string,
  query: RawQuery,
  credentials: Credentials,
  now: number,
): Promise<void> {
  if ("X-Amz-Signature" in query.values || "X-Amz-Algorithm" in query.values || "Signature" in query.values) {
    throw accessDenied(
      "Query-string authentication (presigned URLs) is not supported by the local S3 server; sign the Authorization header",
    );
  }
  const header = req.headers.authorization;
  if (header === undefined) throw accessDenied("Access Denied");
  const match = AUTHORIZATION.exec(header);
  if (!match) {
    throw new S3RequestError(
      "AuthorizationHeaderMalformed",
      400,
      "The authorization header is malformed; only AWS4-HMAC-SHA256 for service s3 is accepted.",
    );
  }
  const [, accessKeyId, shortDate, region, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (accessKeyId !== credentials.accessKeyId) {
    throw new S3RequestError("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.");
  }
  const amzDate = req.headers["x-amz-date"];
  const date = typeof amzDate === "string" && amzDate.startsWith(shortDate) ? AMZ_DATE.exec(amzDate) : null;
  if (!date) throw accessDenied("AWS authentication requires a valid Date or x-amz-date header");
  const signingDate = new Date(Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!));
  if (Math.abs(signingDate.getTime() - now) > MAX_SKEW_MS) {
    throw new S3RequestError("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.");
  }
  if (typeof req.headers["x-amz-content-sha256"] !== "string") {
    throw new S3RequestError("InvalidRequest", 400, "Missing required header for this request: x-amz-content-sha256");
  }
  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("host")) throw accessDenied("The host header must be signed");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined)
      throw new S3RequestError(
        "SignatureDoesNotMatch",
        403,
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      );
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const signer = signerFor(credentials, region);
  const signed = await signer.sign(
    { method: req.method ?? "GET", protocol: "http:", hostname: "", path: rawPath, query: query.values, headers },
    { signingDate, signableHeaders: new Set(signedHeaders), unsignableHeaders: new Set() },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers["authorization"]))?.[1] ?? "";
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw new S3RequestError(
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  }
}

const AUTH_QUERY = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
  "X-Amz-Security-Token",
  "Signature",
  "AWSAccessKeyId",
  "Expires",
]);

/**
 * Authenticates and checks one request. Throws S3RequestError when it must be refused; otherwise
 * returns its bucket, key, query and canonical URL.
 */
export async function checkRequest(
  req: IncomingMessage,
  expectedHost: string,
  credentials: Credentials,
  now = Date.now(),
): Promise<CheckedRequest> {
  const url = req.url ?? "";
  // Origin-form only ("/bucket/key?query"): an absolute URL would be re-interpreted downstream.
  if (!url.startsWith("/")) throw new S3RequestError("InvalidURI", 400, "Couldn't parse the specified URI.");
  if (req.headers.host !== expectedHost) {
    // Another Host name would mean virtual-hosted style (the bucket in the Host); this server is path-style only.
    throw new S3RequestError("InvalidRequest", 400, `This local S3 server answers path-style requests to ${expectedHost} only`);
  }
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = parseQuery(q < 0 ? "" : url.slice(q + 1));
  await verifySignature(req, rawPath, query, credentials, now);

  const slash = rawPath.indexOf("/", 1);
  const bucket = decode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
  const key = slash < 0 ? "" : decode(rawPath.slice(slash + 1));
  if (bucket === "" && key !== "") throw new S3RequestError("InvalidBucketName", 400, 'The specified bucket is not valid: ""');
  if (bucket !== "") checkBucket(bucket);
  if (key !== "") checkKey(key);

  const uploadId = query.values["uploadId"];
  if (uploadId !== undefined && (typeof uploadId !== "string" || !UPLOAD_ID.test(uploadId))) {
    throw new S3RequestError("NoSuchUpload", 404, "The specified multipart upload does not exist.");
  }
  const partNumber = query.values["partNumber"];
  if (partNumber !== undefined && (typeof partNumber !== "string" || !PART_NUMBER.test(partNumber))) {
    throw new S3RequestError("InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive");
  }
  const copySource = req.headers["x-amz-copy-source"];
  if (copySource !== undefined) {
    const source = decode(String(copySource))
      .replace(/^\//, "")
      .replace(/\?versionId=.*$/, "");
    const cut = source.indexOf("/");
    if (cut < 0)
      throw new S3RequestError("InvalidArgument", 400, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
    checkBucket(source.slice(0, cut));
    checkKey(source.slice(cut + 1));
    req.headers["x-amz-copy-source"] = `/${encode(source.slice(0, cut))}/${source
      .slice(cut + 1)
      .split("/")
      .map(encode)
      .join("/")}`;
  }

  const path = bucket === "" ? "/" : `/${encode(bucket)}${slash < 0 ? "" : "/"}${key === "" ? "" : key.split("/").map(encode).join("/")}`;
  const params = new Map<string, string>();
  for (const [name, value] of query.pairs) if (!AUTH_QUERY.has(name) && !params.has(name)) params.set(name, value);
  const rest = query.pairs
    .filter(([name]) => !AUTH_QUERY.has(name))
    .map(([name, value]) => (value === "" && !url.includes(`${name}=`) ? encode(name) : `${encode(name)}=${encode(value)}`));
  return {
    ...(bucket !== "" ? { bucket } : {}),
    ...(key !== "" ? { key } : {}),
    url: rest.length > 0 ? `${path}?${rest.join("&")}` : path,
    params,
  };
}
