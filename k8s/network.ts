import type { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { checkCidr, checkLabels, checkPort, type PropsProblems } from './validation';

/**
 * NetworkPolicy building blocks. Every workload gets one policy that selects its pods and lists both
 * policy types, so anything not allowed here is denied:
 * - ingress: only from the peers given, on the workload's ports (and from the metrics scraper on the
 *   metrics port when monitoring is on). Kubelet probes are not subject to NetworkPolicy.
 * - egress: DNS to CoreDNS in `kube-system` (on by default) and the rules given; nothing else.
 */

/**
 * Pods a rule allows traffic from or to: either pods (by namespace and/or labels) or an IP range.
 * Namespaces are matched by the `kubernetes.io/metadata.name` label Kubernetes sets on every namespace.
 */
export interface NetworkPeer {
  /**
   * Name of the namespace the pods run in.
   * @default - the policy's own namespace when only `podLabels` is given
   */
  readonly namespace?: string;
  /**
   * Labels of the pods; with `namespace`, pods with these labels in that namespace.
   * @default - every pod of `namespace`
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * An IPv4 range instead of pods (for traffic leaving the cluster, e.g. the database subnets).
   * @default - none; the peer is pods
   */
  readonly cidr?: string;
  /**
   * Ranges inside `cidr` that stay denied.
   * @default []
   */
  readonly except?: readonly string[];
}

/** Traffic to or from a peer on some TCP ports. */
export interface NetworkRule {
  readonly peer: NetworkPeer;
  /** TCP ports (of the pods, not of a Service in front of them: policies see traffic after DNAT). */
  readonly ports: readonly number[];
}

/** The Prometheus pods of kube-prometheus-stack, which scrape every ServiceMonitor and PodMonitor. */
export const DEFAULT_METRICS_SCRAPER: NetworkPeer = {
  namespace: 'monitoring',
  podLabels: { 'app.kubernetes.io/name': 'prometheus' },
};

/** CoreDNS in kube-system, as EKS labels it. */
const DNS_PEER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

export function checkPeer(problems: PropsProblems, field: string, peer: NetworkPeer | undefined): void {
  if (peer === undefined || peer === null) {
    problems.add(field, 'is required');
    return;
  }
  const selectsPods = peer.namespace !== undefined || peer.podLabels !== undefined;
  if (peer.cidr !== undefined) {
    problems.check(!selectsPods, field, 'must give either cidr or namespace/podLabels, not both');
    checkCidr(problems, `${field}.cidr`, peer.cidr);
    (peer.except ?? []).forEach((cidr, i) => checkCidr(problems, `${field}.except[${i}]`, cidr));
  } else {
    problems.check(selectsPods, field, 'must give cidr, namespace or podLabels (an empty peer would allow everything)');
    problems.check(peer.except === undefined, `${field}.except`, 'is only valid with cidr');
  }
  checkLabels(problems, `${field}.podLabels`, peer.podLabels);
}

/** The address range of an IPv4 CIDR as [first, last], or undefined when it is not one. */
function cidrRange(cidr: string): [number, number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const base = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(match[5]));
  const first = Math.floor(base / size) * size;
  return [first, first + size - 1];
}

/** Whether two IPv4 CIDRs share any address (false when either is not a literal CIDR). */
export function cidrsOverlap(a: string, b: string): boolean {
  const [x, y] = [cidrRange(a), cidrRange(b)];
  return x !== undefined && y !== undefined && x[0] <= y[1] && y[0] <= x[1];
}

export function checkRules(problems: PropsProblems, field: string, rules: readonly NetworkRule[] | undefined): void {
  (rules ?? []).forEach((rule, i) => {
    checkPeer(problems, `${field}[${i}].peer`, rule.peer);
    problems.check(Array.isArray(rule.ports) && rule.ports.length > 0, `${field}[${i}].ports`, 'must list at least one port');
    (rule.ports ?? []).forEach((port, j) => checkPort(problems, `${field}[${i}].ports[${j}]`, port));
  });
}

export function renderPeer(peer: NetworkPeer): k8s.NetworkPolicyPeer {
  if (peer.cidr !== undefined) {
    return { ipBlock: { cidr: peer.cidr, except: peer.except && peer.except.length > 0 ? [...peer.except] : undefined } };
  }
  return {
    namespaceSelector: peer.namespace !== undefined ? { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } } : undefined,
    podSelector: peer.podLabels !== undefined ? { matchLabels: { ...peer.podLabels } } : undefined,
  };
}

function tcpPorts(ports: readonly number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}

export interface WorkloadNetworkPolicyOptions {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly podSelector: Record<string, string>;
  readonly ingress: readonly NetworkRule[];
  readonly egress: readonly NetworkRule[];
  readonly allowDns: boolean;
}

/** One policy for a workload's pods, denying what `options` does not allow (see the file comment). */
export function createWorkloadNetworkPolicy(scope: Construct, id: string, options: WorkloadNetworkPolicyOptions): k8s.KubeNetworkPolicy {
  const egress: k8s.NetworkPolicyEgressRule[] = [];
  if (options.allowDns) {
    egress.push({
      to: [DNS_PEER],
      ports: [
        { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
        { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
      ],
    });
  }
  for (const rule of options.egress) egress.push({ to: [renderPeer(rule.peer)], ports: tcpPorts(rule.ports) });
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: options.name, labels: options.labels },
    spec: {
      podSelector: { matchLabels: options.podSelector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: options.ingress.map((rule) => ({ from: [renderPeer(rule.peer)], ports: tcpPorts(rule.ports) })),
      egress,
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// Service accounts

/** Annotation the EKS pod identity webhook reads to inject web-identity credentials for IRSA. */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * A workload's own ServiceAccount. IRSA works without the API token: the EKS webhook projects its own
 * `sts.amazonaws.com` token, so `automountServiceAccountToken` stays false unless the workload talks to
 * the Kubernetes API.
 */
export function createServiceAccount(
  scope: Construct,
  id: string,
  options: { name: string; labels: Record<string, string>; iamRoleArn?: string; automountToken: boolean },
): k8s.KubeServiceAccount {
  return new k8s.KubeServiceAccount(scope, id, {
    metadata: {
      name: options.name,
      labels: options.labels,
      annotations: options.iamRoleArn !== undefined ? { [IRSA_ROLE_ANNOTATION]: options.iamRoleArn } : undefined,
    },
    automountServiceAccountToken: options.automountToken,
  });
}
