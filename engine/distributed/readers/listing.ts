/**
 * S3 listings (s3:listObjectsV2) as items, every page.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonValue } from "../../../asl/types";
import { s3Sdk } from "../s3-sdk";
import { readerFailed } from "./s3-object";

/** The item shape AWS passes for each listed object. */
export interface ListedObjectItem {
  [key: string]: JsonValue;
  Etag: string;
  Key: string;
  LastModified: number;
  Size: number;
  StorageClass: string;
}

/**
 * Every page of the listing (ContinuationToken), one item per object, in AWS's shape:
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html (S3 objects):
 * `{"Etag": "\"05704fbdccb224cb01c59005bebbad28\"", "Key": "processData/images/n02085620_1073.jpg",
 *   "LastModified": 1668699881, "Size": 34910, "StorageClass": "STANDARD"}` —
 * the ETag keeps its quotes and LastModified is epoch seconds.
 */
export async function* listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string | undefined,
  signal?: AbortSignal,
): AsyncGenerator<ListedObjectItem[]> {
  const { ListObjectsV2Command } = await s3Sdk();
  let token: string | undefined;
  do {
    let page;
    try {
      page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }), {
        abortSignal: signal,
      });
    } catch (err) {
      throw readerFailed({ bucket, key: prefix ? `${prefix}*` : undefined }, "Could not list the objects", err);
    }
    const items: ListedObjectItem[] = [];
    for (const obj of page.Contents ?? []) {
      if (obj.Key === undefined) continue;
      items.push({
        Etag: obj.ETag ?? "",
        Key: obj.Key,
        LastModified: obj.LastModified ? Math.floor(obj.LastModified.getTime() / 1000) : 0,
        Size: obj.Size ?? 0,
        StorageClass: obj.StorageClass ?? "STANDARD",
      });
    }
    yield items;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
