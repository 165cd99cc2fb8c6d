/**
 * The S3 REST API of the embedded server, path-style, over ./store.ts: what the SDK sends once
 * ./guard.ts has authenticated the request and checked its names. Each operation answers as the
 * S3 API reference documents it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html):
 *
 * - buckets: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation;
 * - objects: PutObject, GetObject (Range, If-Match/If-None-Match/If-(Un)Modified-Since), HeadObject,
 *   DeleteObject, DeleteObjects, CopyObject, ListObjectsV2 and ListObjects (prefix, delimiter,
 *   max-keys, continuation tokens / markers, start-after, encoding-type=url);
 * - multipart: CreateMultipartUpload, UploadPart, ListParts, CompleteMultipartUpload,
 *   AbortMultipartUpload, ListMultipartUploads.
 * Anything else (ACLs, policies, versioning, tagging, ...) is 501 NotImplemented, never a silent
 * success. Errors are S3's XML `<Error>` documents with S3's codes and statuses
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { copyFileSync } from "node:fs";
import { S3RequestError, type CheckedRequest } from "./guard";
import { completeUpload, type RequestedParts } from "./complete-upload";
import { noSuchUpload, type Uploads } from "./multipart";
import { readSmall, receiveBody, scratchName } from "./put-object";
import type { ObjectMeta, ObjectStore } from "./store";

const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** Objects at most this big are read in one call and sent with the headers; larger ones stream. */
const READ_WHOLE_BYTES = 256 * 1024;
/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html: "returns up to 1,000 key names". */
const MAX_KEYS = 1000;
/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html: "up to 1,000 keys". */
const MAX_DELETE_KEYS = 1000;
/** Headers stored with an object and given back on GET/HEAD (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html). */
const STORED_HEADERS = ["content-encoding", "content-disposition", "cache-control", "content-language", "expires"] as const;

const xmlEscape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;"));
const xmlUnescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_m, e: string) =>
    e === "amp"
      ? "&"
      : e === "lt"
        ? "<"
        : e === "gt"
          ? ">"
          : e === "quot"
            ? '"'
            : e === "apos"
              ? "'"
              : String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
const iso = (ms: number) => new Date(ms).toISOString();
const httpDate = (ms: number) => new Date(ms).toUTCString();

/** S3's Last-Modified has whole seconds; conditions compare at that precision. */
const seconds = (ms: number) => Math.floor(ms / 1000);

let requestCounter = 0;

export interface ApiContext {
  readonly store: ObjectStore;
  readonly uploads: Uploads;
  readonly region: string;
}

function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body?: string | Buffer): void {
  headers["x-amz-request-id"] = (++requestCounter).toString(16).toUpperCase().padStart(16, "0");
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  headers["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, headers);
  res.end(body);
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  send(res, status, { "content-type": "application/xml" }, XML_HEAD + xml);
}

/** An S3 error document; HEAD answers carry no body (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). */
export function sendError(res: ServerResponse, error: S3RequestError, resource: string, head: boolean, keepAlive: boolean): void {
  const headers: Record<string, string | number> = { "content-type": "application/xml" };
  if (!keepAlive) headers["connection"] = "close";
  if (head) {
    send(res, error.status, headers);
    return;
  }
  send(
    res,
    error.status,
    headers,
    `${XML_HEAD}<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message><Resource>${xmlEscape(resource)}</Resource></Error>`,
  );
}

/** Content-Type and the other stored headers, and `x-amz-meta-*`, of a PUT, CreateMultipartUpload or CopyObject with REPLACE. */
function metaOf(req: IncomingMessage): Omit<ObjectMeta, "size" | "etag" | "mtime"> {
  let headers: Record<string, string> | undefined;
  let user: Record<string, string> | undefined;
  for (const name of STORED_HEADERS) {
    const v = req.headers[name];
    if (typeof v === "string") (headers ??= {})[name] = v;
  }
  for (const [name, v] of Object.entries(req.headers)) {
    if (name.startsWith("x-amz-meta-") && v !== undefined) (user ??= {})[name.slice(11)] = Array.isArray(v) ? v.join(",") : v;
  }
  const contentType = req.headers["content-type"];
  return {
    // S3's default for an object stored without one.
    contentType: typeof contentType === "string" && contentType !== "" ? contentType : "binary/octet-stream",
    ...(headers ? { headers } : {}),
    ...(user ? { userMetadata: user } : {}),
  };
}

function objectHeaders(meta: ObjectMeta): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    "content-type": meta.contentType ?? "binary/octet-stream",
    etag: `"${meta.etag}"`,
    "last-modified": httpDate(meta.mtime),
    "accept-ranges": "bytes",
  };
  if (meta.headers) Object.assign(headers, meta.headers);
  if (meta.userMetadata) for (const [k, v] of Object.entries(meta.userMetadata)) headers[`x-amz-meta-${k}`] = v;
  return headers;
}

const parseDate = (v: string | undefined) => {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
};

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (If-Match, If-None-Match,
 * If-Modified-Since, If-Unmodified-Since; their precedence as RFC 7232 section 6, which S3 follows):
 * 412 PreconditionFailed, or 304 Not Modified (no body), or undefined to serve.
 */
function preconditions(req: IncomingMessage, meta: ObjectMeta): 304 | 412 | undefined {
  const etag = `"${meta.etag}"`;
  const matches = (list: string) => list.split(",").some((t) => t.trim() === "*" || t.trim() === etag || t.trim() === meta.etag);
  const ifMatch = req.headers["if-match"];
  if (typeof ifMatch === "string") {
    if (!matches(ifMatch)) return 412;
  } else {
    const since = parseDate(req.headers["if-unmodified-since"]);
    if (since !== undefined && seconds(meta.mtime) > seconds(since)) return 412;
  }
  const ifNoneMatch = req.headers["if-none-match"];
  if (typeof ifNoneMatch === "string") {
    if (matches(ifNoneMatch)) return 304;
  } else {
    const since = parseDate(req.headers["if-modified-since"]);
    if (since !== undefined && seconds(meta.mtime) <= seconds(since)) return 304;
  }
  return undefined;
}

/** A single `bytes=` range (https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2); undefined for the whole object. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or not a bytes range: S3 serves the whole object.
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) throw invalidRange(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) return undefined;
  }
  if (start >= size) throw invalidRange(size);
  return { start, end };
}

const invalidRange = (size: number) =>
  Object.assign(new S3RequestError("InvalidRange", 416, "The requested range is not satisfiable"), { size });

function getObject(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, bucket: string, key: string, head: boolean): void {
  const meta = ctx.store.head(bucket, key);
  if (!meta) throw new S3RequestError("NoSuchKey", 404, "The specified key does not exist.");
  const condition = preconditions(req, meta);
  if (condition === 412)
    throw new S3RequestError("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
  const headers = objectHeaders(meta);
  if (condition === 304) {
    send(res, 304, { etag: headers["etag"]!, "last-modified": headers["last-modified"]! });
    return;
  }
  let range: { start: number; end: number } | undefined;
  try {
    range = rangeOf(req.headers.range, meta.size);
  } catch (error) {
    if (error instanceof S3RequestError) res.setHeader("content-range", `bytes */${meta.size}`);
    throw error;
  }
  const status = range ? 206 : 200;
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${meta.size}`;
  const length = range ? range.end - range.start + 1 : meta.size;
  if (head) {
    headers["content-length"] = length;
    send(res, status, headers);
    return;
  }
  const path = ctx.store.objectPath(bucket, key);
  if (meta.size <= READ_WHOLE_BYTES) {
    const body = ctx.store.read(bucket, key);
    send(res, status, headers, range ? body.subarray(range.start, range.end + 1) : body);
    return;
  }
  headers["content-length"] = length;
  headers["x-amz-request-id"] = (++requestCounter).toString(16).toUpperCase().padStart(16, "0");
  res.writeHead(status, headers);
  const stream = createReadStream(
    path,
    range ? { start: range.start, end: range.end, highWaterMark: 1 << 20 } : { highWaterMark: 1 << 20 },
  );
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

async function putObject(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, bucket: string, key: string): Promise<void> {
  ctx.store.bucket(bucket); // NoSuchBucket before reading a body
  const meta = metaOf(req);
  const body = await receiveBody(req, () => ctx.store.scratch(scratchName()));
  const stored =
    body.kind === "memory"
      ? ctx.store.putBuffer(bucket, key, body.body, meta, body.md5)
      : ctx.store.putFile(bucket, key, body.path, body.size, body.md5, meta);
  send(res, 200, { etag: `"${stored.etag}"` });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (x-amz-metadata-directive COPY or REPLACE). */
async function copyObject(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  key: string,
  source: string,
): Promise<void> {
  req.resume();
  const at = source.indexOf("/", 1);
  const srcBucket = decodeURIComponent(source.slice(1, at));
  const srcKey = decodeURIComponent(source.slice(at + 1));
  const meta = ctx.store.head(srcBucket, srcKey);
  if (!meta) throw new S3RequestError("NoSuchKey", 404, "The specified key does not exist.");
  ctx.store.bucket(bucket);
  const directive = req.headers["x-amz-metadata-directive"] ?? "COPY";
  if (directive !== "COPY" && directive !== "REPLACE") throw new S3RequestError("InvalidArgument", 400, "Unknown metadata directive.");
  if (directive === "COPY" && srcBucket === bucket && srcKey === key) {
    throw new S3RequestError(
      "InvalidRequest",
      400,
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const scratch = ctx.store.scratch(scratchName());
  copyFileSync(ctx.store.objectPath(srcBucket, srcKey), scratch);
  const kept: Omit<ObjectMeta, "size" | "etag" | "mtime"> =
    directive === "REPLACE"
      ? metaOf(req)
      : {
          ...(meta.contentType ? { contentType: meta.contentType } : {}),
          ...(meta.headers ? { headers: meta.headers } : {}),
          ...(meta.userMetadata ? { userMetadata: meta.userMetadata } : {}),
        };
  const stored = ctx.store.putFile(bucket, key, scratch, meta.size, meta.etag, kept);
  sendXml(
    res,
    200,
    `<CopyObjectResult ${XMLNS}><LastModified>${iso(stored.mtime)}</LastModified><ETag>"${stored.etag}"</ETag></CopyObjectResult>`,
  );
}

function maxKeysOf(params: ReadonlyMap<string, string>): number {
  const raw = params.get("max-keys");
  if (raw === undefined) return MAX_KEYS;
  if (!/^\d+$/.test(raw)) throw new S3RequestError("InvalidArgument", 400, "Provided max-keys not an integer or within integer range");
  return Math.min(Number(raw), MAX_KEYS);
}

const tokenOf = (last: { value: string; isPrefix: boolean }) =>
  Buffer.from(`${last.isPrefix ? "p" : "k"}${last.value}`, "utf8").toString("base64");

function fromToken(token: string): { after: string; afterPrefix?: string } {
  const raw = Buffer.from(token, "base64").toString("utf8");
  if ((raw[0] !== "p" && raw[0] !== "k") || Buffer.from(raw, "utf8").toString("base64") !== token) {
    throw new S3RequestError("InvalidArgument", 400, "The continuation token provided is incorrect");
  }
  const value = raw.slice(1);
  return raw[0] === "p" ? { after: value, afterPrefix: value } : { after: value };
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html and API_ListObjects.html. */
function listObjects(ctx: ApiContext, res: ServerResponse, bucket: string, params: ReadonlyMap<string, string>): void {
  const v2 = params.get("list-type") === "2";
  const prefix = params.get("prefix") ?? "";
  const delimiter = params.get("delimiter") || undefined;
  const maxKeys = maxKeysOf(params);
  const encoding = params.get("encoding-type");
  if (encoding !== undefined && encoding !== "url")
    throw new S3RequestError("InvalidArgument", 400, "Invalid Encoding Method specified in Request");
  const enc = encoding === "url" ? (s: string) => xmlEscape(encodeURIComponent(s).replace(/%2F/g, "/")) : xmlEscape;
  const token = v2 ? params.get("continuation-token") : undefined;
  const startAfter = v2 ? params.get("start-after") : params.get("marker");
  const resume = token !== undefined ? fromToken(token) : startAfter ? { after: startAfter } : {};
  const page = ctx.store.list(bucket, { prefix, delimiter, maxKeys, ...resume });
  const parts: string[] = [`<ListBucketResult ${XMLNS}><Name>${xmlEscape(bucket)}</Name><Prefix>${enc(prefix)}</Prefix>`];
  if (v2) {
    if (startAfter !== undefined) parts.push(`<StartAfter>${enc(startAfter)}</StartAfter>`);
    if (token !== undefined) parts.push(`<ContinuationToken>${xmlEscape(token)}</ContinuationToken>`);
    parts.push(`<KeyCount>${page.contents.length + page.commonPrefixes.length}</KeyCount>`);
  } else parts.push(`<Marker>${enc(startAfter ?? "")}</Marker>`);
  parts.push(`<MaxKeys>${maxKeys}</MaxKeys>`);
  if (delimiter) parts.push(`<Delimiter>${enc(delimiter)}</Delimiter>`);
  parts.push(`<IsTruncated>${page.truncated}</IsTruncated>`);
  if (page.truncated && page.last) {
    if (v2) parts.push(`<NextContinuationToken>${tokenOf(page.last)}</NextContinuationToken>`);
    // "This element is returned only if you have the delimiter request parameter specified."
    else if (delimiter) parts.push(`<NextMarker>${enc(page.last.value)}</NextMarker>`);
  }
  if (encoding) parts.push(`<EncodingType>url</EncodingType>`);
  for (const { key, meta } of page.contents) {
    parts.push(
      `<Contents><Key>${enc(key)}</Key><LastModified>${iso(meta.mtime)}</LastModified><ETag>&quot;${meta.etag}&quot;</ETag><Size>${meta.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    );
  }
  for (const p of page.commonPrefixes) parts.push(`<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`);
  parts.push("</ListBucketResult>");
  sendXml(res, 200, parts.join(""));
}

/** The values of `<tag>` elements in a small request document, in order. */
function elements(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g");
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(m[1]!);
  return out;
}

async function deleteObjects(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, bucket: string): Promise<void> {
  const xml = (await readSmall(req, 2 << 20)).toString("utf8");
  ctx.store.bucket(bucket);
  const objects = elements(xml, "Object");
  if (!xml.includes("<Delete") || objects.length === 0 || objects.length > MAX_DELETE_KEYS)
    throw new S3RequestError(
      "MalformedXML",
      400,
      "The XML you provided was not well-formed or did not validate against our published schema.",
    );
  const quiet = elements(xml, "Quiet")[0]?.trim() === "true";
  const parts: string[] = [`<DeleteResult ${XMLNS}>`];
  for (const o of objects) {
    const key = xmlUnescape(elements(o, "Key")[0] ?? "");
    try {
      ctx.store.deleteObject(bucket, key);
      if (!quiet) parts.push(`<Deleted><Key>${xmlEscape(key)}</Key></Deleted>`);
    } catch (error) {
      const e = error instanceof S3RequestError ? error : new S3RequestError("InternalError", 500, String(error));
      parts.push(`<Error><Key>${xmlEscape(key)}</Key><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error>`);
    }
  }
  parts.push("</DeleteResult>");
  sendXml(res, 200, parts.join(""));
}

function listUploads(ctx: ApiContext, res: ServerResponse, bucket: string, params: ReadonlyMap<string, string>): void {
  ctx.store.bucket(bucket);
  const prefix = params.get("prefix") ?? "";
  const uploads = ctx.uploads.of(bucket, prefix);
  const body = uploads
    .map(
      (u) =>
        `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.id}</UploadId><Initiated>${iso(u.initiated)}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    )
    .join("");
  sendXml(
    res,
    200,
    `<ListMultipartUploadsResult ${XMLNS}><Bucket>${xmlEscape(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${body}</ListMultipartUploadsResult>`,
  );
}

function listParts(ctx: ApiContext, res: ServerResponse, bucket: string, key: string, id: string): void {
  const upload = ctx.uploads.get(bucket, key, id);
  const parts = [...upload.parts.values()].sort((a, b) => a.number - b.number);
  const body = parts
    .map(
      (p) =>
        `<Part><PartNumber>${p.number}</PartNumber><LastModified>${iso(p.mtime)}</LastModified><ETag>&quot;${p.etag}&quot;</ETag><Size>${p.size}</Size></Part>`,
    )
    .join("");
  sendXml(
    res,
    200,
    `<ListPartsResult ${XMLNS}><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId><StorageClass>STANDARD</StorageClass><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>${body}</ListPartsResult>`,
  );
}

async function completeMultipart(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  key: string,
  id: string,
): Promise<void> {
  const xml = (await readSmall(req, 2 << 20)).toString("utf8");
  const upload = ctx.uploads.get(bucket, key, id);
  const requested: RequestedParts = elements(xml, "Part").map((p) => ({
    number: Number(elements(p, "PartNumber")[0]),
    etag: xmlUnescape(elements(p, "ETag")[0] ?? "").trim(),
  }));
  if (requested.some((p) => !Number.isInteger(p.number)))
    throw new S3RequestError(
      "MalformedXML",
      400,
      "The XML you provided was not well-formed or did not validate against our published schema.",
    );
  const stored = await completeUpload(ctx.store, ctx.uploads, upload, requested);
  sendXml(
    res,
    200,
    `<CompleteMultipartUploadResult ${XMLNS}><Location>/${xmlEscape(bucket)}/${xmlEscape(key)}</Location><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>&quot;${stored.etag}&quot;</ETag></CompleteMultipartUploadResult>`,
  );
}

const notImplemented = (what: string) =>
  new S3RequestError(
    "NotImplemented",
    501,
    `A header or query you provided implies functionality that is not implemented by the local S3 server: ${what}`,
  );

/** Subresources of a bucket or object this server answers; any other one is NotImplemented. */
const BUCKET_PARAMS = new Set([
  "list-type",
  "prefix",
  "delimiter",
  "max-keys",
  "continuation-token",
  "start-after",
  "marker",
  "encoding-type",
  "fetch-owner",
  "uploads",
  "location",
  "delete",
  "x-id",
  "key-marker",
  "upload-id-marker",
  "max-uploads",
]);
const OBJECT_PARAMS = new Set([
  "uploads",
  "uploadId",
  "partNumber",
  "x-id",
  "max-parts",
  "part-number-marker",
  "response-content-type",
  "versionId",
]);

function checkParams(params: ReadonlyMap<string, string>, allowed: ReadonlySet<string>): void {
  for (const name of params.keys()) if (!allowed.has(name)) throw notImplemented(`?${name}`);
}

/** Answers one checked request. */
export async function handle(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, target: CheckedRequest): Promise<void> {
  const { bucket, key, params } = target;
  const method = req.method ?? "GET";
  if (bucket === undefined) {
    if (method !== "GET") throw new S3RequestError("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");
    const buckets = ctx.store
      .bucketNames()
      .map((b) => `<Bucket><Name>${xmlEscape(b.name)}</Name><CreationDate>${iso(b.created)}</CreationDate></Bucket>`);
    sendXml(
      res,
      200,
      `<ListAllMyBucketsResult ${XMLNS}><Owner><ID>local</ID><DisplayName>local</DisplayName></Owner><Buckets>${buckets.join("")}</Buckets></ListAllMyBucketsResult>`,
    );
    return;
  }
  if (key === undefined) {
    checkParams(params, BUCKET_PARAMS);
    switch (method) {
      case "GET":
        if (params.has("uploads")) return listUploads(ctx, res, bucket, params);
        if (params.has("location")) {
          ctx.store.bucket(bucket);
          // us-east-1 is the empty LocationConstraint (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
          return sendXml(
            res,
            200,
            `<LocationConstraint ${XMLNS}>${ctx.region === "us-east-1" ? "" : xmlEscape(ctx.region)}</LocationConstraint>`,
          );
        }
        return listObjects(ctx, res, bucket, params);
      case "HEAD":
        ctx.store.bucket(bucket);
        return send(res, 200, { "x-amz-bucket-region": ctx.region });
      case "PUT":
        req.resume();
        ctx.store.createBucket(bucket);
        return send(res, 200, { location: `/${bucket}` });
      case "DELETE":
        ctx.store.deleteBucket(bucket, ctx.uploads.has(bucket));
        return send(res, 204, {});
      case "POST":
        if (params.has("delete")) return deleteObjects(ctx, req, res, bucket);
        break;
    }
    throw new S3RequestError("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");
  }
  checkParams(params, OBJECT_PARAMS);
  if (params.has("versionId") && params.get("versionId") !== "null") throw notImplemented("versioning");
  const uploadId = params.get("uploadId");
  switch (method) {
    case "GET":
      if (uploadId !== undefined) return listParts(ctx, res, bucket, key, uploadId);
      return getObject(ctx, req, res, bucket, key, false);
    case "HEAD":
      return getObject(ctx, req, res, bucket, key, true);
    case "PUT": {
      if (uploadId !== undefined) {
        if (req.headers["x-amz-copy-source"] !== undefined) throw notImplemented("UploadPartCopy");
        const upload = ctx.uploads.get(bucket, key, uploadId);
        const number = Number(params.get("partNumber"));
        if (!Number.isInteger(number))
          throw new S3RequestError("InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive");
        const body = await receiveBody(req, () => ctx.store.scratch(scratchName()));
        const part = ctx.uploads.putPart(upload, number, body);
        return send(res, 200, { etag: `"${part.etag}"` });
      }
      const source = req.headers["x-amz-copy-source"];
      if (typeof source === "string") return copyObject(ctx, req, res, bucket, key, source);
      return putObject(ctx, req, res, bucket, key);
    }
    case "POST":
      if (params.has("uploads")) {
        req.resume();
        ctx.store.objectPath(bucket, key);
        const upload = ctx.uploads.create(bucket, key, metaOf(req));
        return sendXml(
          res,
          200,
          `<InitiateMultipartUploadResult ${XMLNS}><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${upload.id}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      if (uploadId !== undefined) return completeMultipart(ctx, req, res, bucket, key, uploadId);
      break;
    case "DELETE":
      if (uploadId !== undefined) {
        ctx.uploads.remove(ctx.uploads.get(bucket, key, uploadId));
        return send(res, 204, {});
      }
      ctx.store.deleteObject(bucket, key);
      return send(res, 204, {});
  }
  if (uploadId !== undefined) throw noSuchUpload();
  throw new S3RequestError("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");
}
