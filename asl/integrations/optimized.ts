/**
 * The optimized integrations this project has no module for (it neither derives their IAM nor runs them
 * without a MockConfigFile response), kept so that the validator knows which resources and patterns
 * exist: each service's "Supported APIs" on its AWS page, under
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html (the table of which
 * patterns each service supports). The integrations with a module (index.ts INTEGRATIONS) are not
 * repeated here (test/integrations/table.test.ts checks the two never overlap).
 */
import type { IntegrationPattern } from "./types";

const RR: readonly IntegrationPattern[] = ["request-response"];
const RR_SYNC: readonly IntegrationPattern[] = ["request-response", "sync"];
const RR_TOKEN: readonly IntegrationPattern[] = ["request-response", "waitForTaskToken"];
const ALL3: readonly IntegrationPattern[] = ["request-response", "sync", "waitForTaskToken"];

export interface OptimizedService {
  docs: string;
  actions: Readonly<Record<string, readonly IntegrationPattern[]>>;
}

const page = (p: string) => `https://docs.aws.amazon.com/step-functions/latest/dg/${p}.html`;

export const OPTIMIZED_WITHOUT_ROW: Readonly<Record<string, OptimizedService>> = {
  apigateway: { docs: page("connect-api-gateway"), actions: { invoke: RR_TOKEN } },
  athena: {
    docs: page("connect-athena"),
    actions: { startQueryExecution: RR_SYNC, stopQueryExecution: RR, getQueryExecution: RR, getQueryResults: RR },
  },
  batch: { docs: page("connect-batch"), actions: { submitJob: RR_SYNC } },
  // The optimized-integrations table lists .sync and .waitForTaskToken for Bedrock (model customization jobs).
  bedrock: { docs: page("connect-bedrock"), actions: { invokeModel: RR, createModelCustomizationJob: ALL3 } },
  codebuild: {
    docs: page("connect-codebuild"),
    actions: {
      startBuild: RR_SYNC,
      stopBuild: RR,
      batchDeleteBuilds: RR,
      batchGetReports: RR,
      startBuildBatch: RR_SYNC,
      stopBuildBatch: RR,
      retryBuildBatch: RR_SYNC,
      deleteBuildBatch: RR,
    },
  },
  ecs: { docs: page("connect-ecs"), actions: { runTask: ALL3 } },
  eks: {
    docs: page("connect-eks"),
    actions: {
      createCluster: RR_SYNC,
      deleteCluster: RR_SYNC,
      createFargateProfile: RR_SYNC,
      deleteFargateProfile: RR_SYNC,
      createNodegroup: RR_SYNC,
      deleteNodegroup: RR_SYNC,
      runJob: RR_SYNC,
      call: RR,
    },
  },
  elasticmapreduce: {
    docs: page("connect-emr"),
    actions: {
      createCluster: RR_SYNC,
      terminateCluster: RR_SYNC,
      addStep: RR_SYNC,
      cancelStep: RR,
      setClusterTerminationProtection: RR,
      modifyInstanceFleetByName: RR,
      modifyInstanceGroupByName: RR,
    },
  },
  "emr-containers": {
    docs: page("connect-emr-eks"),
    actions: { createVirtualCluster: RR, deleteVirtualCluster: RR_SYNC, startJobRun: RR_SYNC },
  },
  "emr-serverless": {
    docs: page("connect-emr-serverless"),
    actions: {
      createApplication: RR_SYNC,
      startApplication: RR_SYNC,
      stopApplication: RR_SYNC,
      deleteApplication: RR_SYNC,
      startJobRun: RR_SYNC,
      cancelJobRun: RR_SYNC,
    },
  },
  databrew: { docs: page("connect-databrew"), actions: { startJobRun: RR_SYNC } },
  http: { docs: page("call-https-apis"), actions: { invoke: RR } },
  mediaconvert: { docs: page("connect-mediaconvert"), actions: { createJob: RR_SYNC } },
  sagemaker: {
    docs: page("connect-sagemaker"),
    actions: {
      createEndpoint: RR,
      createEndpointConfig: RR,
      createModel: RR,
      updateEndpoint: RR,
      createHyperParameterTuningJob: RR_SYNC,
      createLabelingJob: RR_SYNC,
      createProcessingJob: RR_SYNC,
      createTrainingJob: RR_SYNC,
      createTransformJob: RR_SYNC,
    },
  },
};
