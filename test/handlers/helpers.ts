/**
 * Mocha hooks that run the handlers against a fresh embedded S3 server over real HTTP: the server's
 * SDK environment and PAYLOAD_* are set on process.env for the suite and restored after it.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { disposePayloadS3Client } from "../../handlers/shared/s3-client";
import { startEmbeddedS3, type EmbeddedS3 } from "../../emulators/s3/server";

export const BUCKET = "payloads-test";

export interface S3Fixture {
  s3: EmbeddedS3;
  client: S3Client;
}

/** Sets variables on process.env; returns a function that restores what was there. */
export function setEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply({ ...vars });
  return () => apply(saved);
}

export function useEmbeddedS3(extraEnv: Readonly<Record<string, string | undefined>> = {}): S3Fixture {
  const fixture = {} as S3Fixture;
  let restore: () => void = () => {};
  before(async () => {
    fixture.s3 = await startEmbeddedS3({ buckets: [BUCKET] });
    fixture.client = fixture.s3.client();
    restore = setEnv({
      ...fixture.s3.env,
      PAYLOAD_BUCKET: BUCKET,
      PAYLOAD_PREFIX: undefined,
      PAYLOAD_FORMAT: undefined,
      ...extraEnv,
    });
  });
  after(async () => {
    restore();
    disposePayloadS3Client();
    await fixture.s3.stop();
  });
  return fixture;
}

export async function listKeys(client: S3Client, bucket = BUCKET, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

export async function readText(client: S3Client, key: string, bucket = BUCKET): Promise<string> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return res.Body!.transformToString();
}

export async function pendingUploads(client: S3Client, bucket = BUCKET): Promise<string[]> {
  const res = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (res.Uploads ?? []).map((u) => `${u.Key}#${u.UploadId}`);
}

/** Deletes every object, so each test starts from an empty bucket. */
export async function emptyBucket(fixture: S3Fixture): Promise<void> {
  for (const key of await listKeys(fixture.client)) {
    await fixture.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  }
}
