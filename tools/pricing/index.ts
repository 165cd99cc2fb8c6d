export { PRICE_TABLE, type LambdaArchitecture } from "./prices";
export {
  billedMs,
  estimateBill,
  nestedUsage,
  formatBill,
  formatUsd,
  ExecutionTypeSchema,
  type BillEstimate,
  type BillLine,
  type ExecutionType,
  type ExecutionUsage,
  type LambdaUsage,
  type RunUsage,
} from "./estimate";
