/**
 * Where each pinned chart version's files live upstream: the GitHub repository, the release tag and
 * the chart's folder at that tag. `cli.ts` reads them from a local clone or mirror and writes the
 * key tree `trees/<chart>-<version>.json`. A chart version pinned by a stack needs an entry here.
 */
export interface ChartSource {
  readonly chart: string;
  readonly version: string;
  /** `owner/name` on GitHub. */
  readonly repository: string;
  readonly tag: string;
  /** Folder of the chart (Chart.yaml, values.yaml, templates/) at `tag`. */
  readonly path: string;
}

export const CHART_SOURCES: readonly ChartSource[] = [
  { chart: 'metrics-server', version: '3.13.0', repository: 'kubernetes-sigs/metrics-server', tag: 'metrics-server-helm-chart-3.13.0', path: 'charts/metrics-server' },
  { chart: 'cluster-autoscaler', version: '9.56.0', repository: 'kubernetes/autoscaler', tag: 'cluster-autoscaler-chart-9.56.0', path: 'cluster-autoscaler/charts/cluster-autoscaler' },
  { chart: 'aws-load-balancer-controller', version: '3.5.0', repository: 'kubernetes-sigs/aws-load-balancer-controller', tag: 'v3.5.0', path: 'helm/aws-load-balancer-controller' },
  { chart: 'external-secrets', version: '2.6.0', repository: 'external-secrets/external-secrets', tag: 'helm-chart-2.6.0', path: 'deploy/charts/external-secrets' },
  { chart: 'raw', version: '1.1.0', repository: 'bedag/helm-charts', tag: 'raw-1.1.0', path: 'charts/raw' },
  { chart: 'kube-prometheus-stack', version: '82.6.0', repository: 'prometheus-community/helm-charts', tag: 'kube-prometheus-stack-82.6.0', path: 'charts/kube-prometheus-stack' },
  { chart: 'kube-state-metrics', version: '7.2.0', repository: 'prometheus-community/helm-charts', tag: 'kube-state-metrics-7.2.0', path: 'charts/kube-state-metrics' },
  { chart: 'prometheus-node-exporter', version: '4.52.0', repository: 'prometheus-community/helm-charts', tag: 'prometheus-node-exporter-4.52.0', path: 'charts/prometheus-node-exporter' },
  { chart: 'grafana', version: '11.2.2', repository: 'grafana-community/helm-charts', tag: 'grafana-11.2.2', path: 'charts/grafana' },
  { chart: 'prometheus-pushgateway', version: '3.8.0', repository: 'prometheus-community/helm-charts', tag: 'prometheus-pushgateway-3.8.0', path: 'charts/prometheus-pushgateway' },
  { chart: 'fluent-bit', version: '0.50.0', repository: 'fluent/helm-charts', tag: 'fluent-bit-0.50.0', path: 'charts/fluent-bit' },
  { chart: 'airflow', version: '1.21.0', repository: 'apache/airflow', tag: 'helm-chart/1.21.0', path: 'chart' },
];

export const treeFileName = (chart: string, version: string): string => `${chart}-${version}.json`;
