import { ApiObject, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';

/**
 * Minimal typed models of the prometheus-operator CRDs (`monitoring.coreos.com/v1`) this library
 * writes: only the fields it sets. Tests validate the synthesized objects against the full schemas
 * of `@kubernetes-models/prometheus-operator`.
 */

export interface ObjectMeta {
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** @default - none */
  readonly labels?: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
}

export interface LabelSelector {
  readonly matchLabels: Record<string, string>;
}

export interface NamespaceSelector {
  readonly matchNames: string[];
}

/** `ServiceMonitor.spec.endpoints[]`: a named Service port to scrape. */
export interface ServiceMonitorEndpoint {
  readonly port: string;
  readonly path: string;
  readonly interval: string;
  /** @default - Prometheus' global scrape timeout */
  readonly scrapeTimeout?: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
}

export interface ServiceMonitorSpec {
  readonly selector: LabelSelector;
  readonly namespaceSelector: NamespaceSelector;
  readonly endpoints: ServiceMonitorEndpoint[];
  /**
   * Service label whose value becomes the `job` label.
   * @default - the Service's name is the job
   */
  readonly jobLabel?: string;
}

/** `PodMonitor.spec.podMetricsEndpoints[]`: a named container port to scrape. */
export interface PodMetricsEndpoint {
  readonly port: string;
  readonly path: string;
  readonly interval: string;
  /** @default - Prometheus' global scrape timeout */
  readonly scrapeTimeout?: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
}

export interface PodMonitorSpec {
  readonly selector: LabelSelector;
  readonly namespaceSelector: NamespaceSelector;
  readonly podMetricsEndpoints: PodMetricsEndpoint[];
  /** @default - the PodMonitor's namespace and name make the job */
  readonly jobLabel?: string;
}

/** One alerting or recording rule. */
export interface PrometheusRuleEntry {
  /** @default - none; a recording rule sets `record` */
  readonly alert?: string;
  /** @default - none; an alerting rule sets `alert` */
  readonly record?: string;
  readonly expr: string;
  /** @default '0s' (fire on the first evaluation) */
  readonly for?: string;
  /** @default - none */
  readonly labels?: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
}

export interface PrometheusRuleGroup {
  readonly name: string;
  /** @default - Prometheus' global evaluation interval */
  readonly interval?: string;
  readonly rules: PrometheusRuleEntry[];
}

export interface PrometheusRuleSpec {
  readonly groups: PrometheusRuleGroup[];
}

/** Props of `KubeServiceMonitor`. */
export interface KubeServiceMonitorProps {
  /** Name, namespace, labels and annotations of the object. */
  readonly metadata: ObjectMeta;
  /** The object's `spec`, as the custom resource definition describes it. */
  readonly spec: ServiceMonitorSpec;
}

/** A prometheus-operator `ServiceMonitor` (`monitoring.coreos.com/v1`): which Services Prometheus scrapes. */
export class KubeServiceMonitor extends ApiObject {
  static readonly GVK: GroupVersionKind = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' };

  constructor(scope: Construct, id: string, props: KubeServiceMonitorProps) {
    super(scope, id, { ...KubeServiceMonitor.GVK, metadata: props.metadata, spec: props.spec });
  }
}

/** Props of `KubePodMonitor`. */
export interface KubePodMonitorProps {
  /** Name, namespace, labels and annotations of the object. */
  readonly metadata: ObjectMeta;
  /** The object's `spec`, as the custom resource definition describes it. */
  readonly spec: PodMonitorSpec;
}

/** A prometheus-operator `PodMonitor` (`monitoring.coreos.com/v1`): which pods Prometheus scrapes directly. */
export class KubePodMonitor extends ApiObject {
  static readonly GVK: GroupVersionKind = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' };

  constructor(scope: Construct, id: string, props: KubePodMonitorProps) {
    super(scope, id, { ...KubePodMonitor.GVK, metadata: props.metadata, spec: props.spec });
  }
}

/** Props of `KubePrometheusRule`. */
export interface KubePrometheusRuleProps {
  /** Name, namespace, labels and annotations of the object. */
  readonly metadata: ObjectMeta;
  /** The object's `spec`, as the custom resource definition describes it. */
  readonly spec: PrometheusRuleSpec;
}

/** A prometheus-operator `PrometheusRule` (`monitoring.coreos.com/v1`): alerting and recording rules. */
export class KubePrometheusRule extends ApiObject {
  static readonly GVK: GroupVersionKind = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' };

  constructor(scope: Construct, id: string, props: KubePrometheusRuleProps) {
    super(scope, id, { ...KubePrometheusRule.GVK, metadata: props.metadata, spec: props.spec });
  }
}
