/**
 * The Map Run's label and ARN. Map Run ARN as AWS forms it from the state machine ARN, e.g.
 * `arn:aws:states:us-east-2:123456789012:mapRun:csvProcess/Map:ad9b5f27-090b-3ac6-9beb-243cd77144a7`
 * (the ResultWriter page's example output): `mapRun:<machine>/<label>:<uuid>`.
 */
import { createHash } from "node:crypto";
import { ACCOUNT, REGION } from "../model/local-account";

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — Label: "For
 * each Map Run, Step Functions adds the label to the Map Run ARN ... If you don't specify a label,
 * Step Functions automatically generates a unique label." Exported results show such labels as
 * UUIDs (`stateMachine:my-machine/8c9dd6c6-f907-3584-9153-f8a2f1bfe7ce`). Here the generated
 * label is a UUID derived from the machine ARN and the state's name: unique per Map state, and
 * the same on every run, so local ARNs are reproducible.
 */
export function mapRunLabel(stateMachineArn: string, stateName: string, label?: string): string {
  if (label !== undefined) return label;
  const h = createHash("sha1").update(`${stateMachineArn}#${stateName}`).digest("hex");
  // RFC 4122 layout, version 5 (name-based, SHA-1), variant 10xx.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function mapRunArnFor(stateMachineArn: string, label: string, id: string): string {
  const m = /^(arn:[^:]+:states:[^:]*:[^:]*):stateMachine:(.+)$/.exec(stateMachineArn);
  const head = m ? m[1] : `arn:aws:states:${REGION}:${ACCOUNT}`;
  const machine = m ? m[2] : stateMachineArn;
  return `${head}:mapRun:${machine}/${label}:${id}`;
}
