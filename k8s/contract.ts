/**
 * The contract between the charts and alert rules here and the Python workloads in `workloads/`: env var
 * names, ports, HTTP paths and metric names. One JSON file holds them; the workloads read the same file
 * through their `platform_contract` package, so a rename on one side fails the other side's tests.
 */
import contract from '../workloads/contract/src/platform_contract/contract.json';

export interface MetricSpec {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
  readonly labels: readonly string[];
}

export const WORKLOAD_CONTRACT = contract as {
  readonly runAsUser: number;
  /** The model URIs the model API loads: `models:/<name>@<alias>`, `models:/<name>/<version>`, `runs:/<id>/<path>`. */
  readonly modelUriPattern: string;
  /** `mlflow server --allowed-hosts` templates: `{service}`, `{namespace}` and `{port}` are filled in by the chart. */
  readonly mlflowServer: { readonly allowedHosts: readonly string[] };
  readonly env: Readonly<typeof contract.env>;
  readonly ports: Readonly<typeof contract.ports>;
  readonly paths: Readonly<typeof contract.paths>;
  readonly metrics: { readonly [group in keyof typeof contract.metrics]: { readonly [key in keyof (typeof contract.metrics)[group]]: MetricSpec } };
  readonly pipelines: Readonly<Omit<typeof contract.pipelines, '$comment'>>;
  readonly registry: Readonly<Omit<typeof contract.registry, '$comment'>>;
};

export const WORKLOAD_ENV = WORKLOAD_CONTRACT.env;
export const WORKLOAD_PORTS = WORKLOAD_CONTRACT.ports;
export const WORKLOAD_PATHS = WORKLOAD_CONTRACT.paths;
export const WORKLOAD_METRICS = WORKLOAD_CONTRACT.metrics;
/** `pipeline` label values (and Pushgateway `job` groups) of the platform's pipelines. */
export const WORKLOAD_PIPELINES = WORKLOAD_CONTRACT.pipelines;
/** The registered model the model DAG promotes and the model API serves. */
export const WORKLOAD_REGISTRY = WORKLOAD_CONTRACT.registry;

/** `WORKLOAD_CONTRACT.modelUriPattern` as a RegExp (MLflow 3 deprecates stage URIs such as `models:/x/Production`). */
export const MODEL_URI_PATTERN = new RegExp(WORKLOAD_CONTRACT.modelUriPattern);
