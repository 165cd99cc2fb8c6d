/**
 * The worker thread's side of ./thread.ts: starts the embedded S3 with the options it was given,
 * says where it listens, then answers calls (ensureBucket, putObjects, stop) until stopped.
 */
import { parentPort, workerData } from "node:worker_threads";
import { S3RequestError } from "./guard";
import { InvalidBucketNameError, startEmbeddedS3 } from "./server";
import type { ThreadAnswer, ThreadCall, ThreadError, ThreadOptions } from "./thread";

const port = parentPort!;
const send = (answer: ThreadAnswer) => port.postMessage(answer);

function describe(error: unknown): ThreadError {
  if (error instanceof S3RequestError) return { name: "S3RequestError", message: error.message, code: error.code, status: error.status };
  if (error instanceof InvalidBucketNameError) return { name: error.name, message: error.message, bucket: error.bucket };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

async function main(): Promise<void> {
  // The thread's server is on this thread: `offThread` must not be asked again here.
  const s3 = await startEmbeddedS3({ ...(workerData as ThreadOptions), offThread: false });
  const { endpoint, region, dataDir, credentials } = s3;
  send({ kind: "listening", endpoint, region, dataDir, credentials });
  port.on("message", (call: ThreadCall) => {
    const answer = async (): Promise<number | undefined> => {
      switch (call.op) {
        case "putObjects":
          return s3.putObjects(call.bucket, call.objects);
        case "ensureBucket":
          return void (await s3.ensureBucket(call.name));
        case "stop":
          await s3.stop();
          // Nothing else keeps the thread: it ends once this answer is sent.
          port.close();
          return undefined;
      }
    };
    answer().then(
      (value) => send({ kind: "answer", id: call.id, value }),
      (error: unknown) => send({ kind: "answer", id: call.id, error: describe(error) }),
    );
  });
}

main().catch((error: unknown) => send({ kind: "failed", error: describe(error) }));
