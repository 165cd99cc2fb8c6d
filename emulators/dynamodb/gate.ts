/**
 * The gate in front of the embedded DynamoDB: every request must carry a valid AWS Signature
 * Version 4 (header form, what the SDK sends) of the server's credentials, as the embedded S3's gate
 * (../s3/guard.ts) requires; dynalite itself checks only that an Authorization header is present.
 * The signature is recomputed with `@smithy/signature-v4` (the SDK's own signer) over the headers
 * the request says it signed and the SHA-256 of its body, which DynamoDB signs
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). Refusals answer
 * as DynamoDB does (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html):
 * no signature `MissingAuthenticationTokenException`, another key id `UnrecognizedClientException`,
 * a wrong signature `InvalidSignatureException`, a clock more than 15 minutes off
 * `InvalidSignatureException` ("Signature expired"), all 400.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../../engine/model/sha256";
import type { Credentials } from "../s3/guard";

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/dynamodb\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const MAX_SKEW_MS = 15 * 60 * 1000;
/** DynamoDB's largest request is far below this (an item is at most 400 KB; a batch 16 MB). */
export const MAX_BODY_BYTES = 32 << 20;

export class DynamoRequestError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendDynamoError(res: ServerResponse, error: DynamoRequestError): void {
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${error.type}`, message: error.message });
  res.writeHead(400, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const signers = new WeakMap<Credentials, Map<string, SignatureV4>>();
function signerFor(credentials: Credentials, region: string): SignatureV4 {
  let byRegion = signers.get(credentials);
  if (!byRegion) signers.set(credentials, (byRegion = new Map()));
  let signer = byRegion.get(region);
  if (!signer)
    byRegion.set(region, (signer = new SignatureV4({ credentials, region, service: "dynamodb", sha256: Sha256, applyChecksum: false })));
  return signer;
}

const mismatch = () =>
  new DynamoRequestError(
    "InvalidSignatureException",
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
  );

/** Throws DynamoRequestError unless `body` with `req`'s headers is signed with `credentials`. */
export async function verifyDynamoSignature(req: IncomingMessage, body: Buffer, credentials: Credentials, now = Date.now()): Promise<void> {
  const header = req.headers.authorization;
  const url = req.url ?? "/";
  if (header === undefined || url.includes("X-Amz-Signature")) {
    throw new DynamoRequestError("MissingAuthenticationTokenException", "Request is missing Authentication Token");
  }
  const match = AUTHORIZATION.exec(header);
  if (!match)
    throw new DynamoRequestError(
      "IncompleteSignatureException",
      "The authorization header is malformed; only AWS4-HMAC-SHA256 for service dynamodb is accepted.",
    );
  const [, accessKeyId, shortDate, region, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (accessKeyId !== credentials.accessKeyId)
    throw new DynamoRequestError("UnrecognizedClientException", "The security token included in the request is invalid.");
  const amzDate = req.headers["x-amz-date"];
  const date = typeof amzDate === "string" && amzDate.startsWith(shortDate) ? AMZ_DATE.exec(amzDate) : null;
  if (!date)
    throw new DynamoRequestError("IncompleteSignatureException", "Authorization header requires existence of a valid 'X-Amz-Date' header.");
  const signingDate = new Date(Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!));
  if (Math.abs(signingDate.getTime() - now) > MAX_SKEW_MS)
    throw new DynamoRequestError(
      "InvalidSignatureException",
      `Signature expired: ${amzDate} is more than 15 minutes from the server's time.`,
    );
  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("host"))
    throw new DynamoRequestError("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) throw mismatch();
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  // The SDK signs the body's hash as the x-amz-content-sha256 header, and the signer takes that
  // header as the payload's hash: the body must match it, or a body changed in flight would pass.
  const declared = req.headers["x-amz-content-sha256"];
  if (declared !== undefined && declared !== createHash("sha256").update(body).digest("hex")) throw mismatch();
  const q = url.indexOf("?");
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query[k] = v;
  const signed = await signerFor(credentials, region).sign(
    { method: req.method ?? "POST", protocol: "http:", hostname: "", path: q < 0 ? url : url.slice(0, q), query, headers, body },
    { signingDate, signableHeaders: new Set(signedHeaders), unsignableHeaders: new Set() },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers["authorization"]))?.[1] ?? "";
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) throw mismatch();
}
