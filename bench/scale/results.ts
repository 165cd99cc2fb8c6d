/** The shape of bench/scale/results.json: what scale.bench.ts writes and chart.ts draws. */
export interface ScaleResults {
  date: string;
  loadAverageAtStart: number[];
  /** One line per figure: its value, what it is compared with, MET / MISSED ("-" when not a target). */
  summary: Array<{ what: string; value: string; comparison: string; verdict: string }>;
  s3?: { requests: number; runs: number; concurrency: number; ops: Array<{ op: string; perS: number; floorPerS: number }> };
  dynamodb?: { children: number; lambdaOnlyPerS: number; dynamoDbMapPerS: number; emulatorPutsPerS: number; bareFloorPutsPerS: number };
  engine?: {
    runs: number;
    cases: Array<{ name: string; items: number; oursMs: number; awsLocalMs: number; bareMs: number; vsAwsLocal: number; vsBare: number }>;
  };
  /** The prefix path (seed 002's map-reduce). */
  objects?: Array<{
    objects: number;
    datasetS: number;
    mapS: number;
    objectsPerS: number;
    wallS: number;
    cpuS: number;
    peakRssBytes: number;
    passed: boolean;
  }>;
  /** The JSONL ItemReader → ResultWriter path. */
  jsonl?: Array<{ items: number; runS: number; itemsPerS: number; peakRssBytes: number; setupS: number }>;
}
