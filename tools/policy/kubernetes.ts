/** Rules over Kubernetes objects, from YAML files or embedded in Terraform `kubernetes_manifest` resources. */
import {
  EMPTY_SUPPRESSIONS,
  SUPPRESSION_ANNOTATION,
  mergeSuppressions,
  parseSuppressionAnnotation,
  resolveFindings,
  type Subject,
  type SuppressionSet,
} from './suppressions';
import type { Finding, RawFinding } from './types';
import { isFalse, isRecord, isTrue, records, toNumber, type JsonObject } from '../lib/terraform-json';

export interface KubernetesEntry {
  readonly object: JsonObject;
  readonly file: string;
  /** `kubernetes_manifest.NAME` when the object is embedded in Terraform JSON. */
  readonly resource?: string;
  /** Suppressions recorded (with `suppress()`) on that `kubernetes_manifest` resource. */
  readonly resourceSuppressions?: SuppressionSet;
}

/** Objects that other objects refer to, across every input of one run. */
export interface KubernetesIndex {
  /** Namespace -> selectors of the PodDisruptionBudgets in it. */
  readonly pdbSelectors: ReadonlyMap<string, readonly unknown[]>;
  /** `namespace/Kind/name` of every HPA scale target. */
  readonly hpaTargets: ReadonlySet<string>;
}

/** Built-in kinds that hold a pod template; any other kind with a `spec.template.spec.containers` list is checked too. */
const POD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate']);
const RUN_TO_COMPLETION_KINDS = new Set(['Job', 'CronJob']);
const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet']);

function metadataOf(object: JsonObject): JsonObject {
  return isRecord(object.metadata) ? object.metadata : {};
}

function namespaceOf(object: JsonObject): string {
  const namespace = metadataOf(object).namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : 'default';
}

function nameOf(object: JsonObject): string {
  const name = metadataOf(object).name;
  return typeof name === 'string' && name !== '' ? name : '<unnamed>';
}

/** `Kind/namespace/name`, the address of Kubernetes findings. */
export function kubernetesAddress(object: JsonObject): string {
  return `${String(object.kind)}/${namespaceOf(object)}/${nameOf(object)}`;
}

/** Keeps Kubernetes objects (with a kind), unpacking `kind: List`; skips empty YAML documents. */
export function kubernetesObjects(documents: readonly unknown[]): JsonObject[] {
  const objects: JsonObject[] = [];
  for (const document of documents) {
    if (!isRecord(document) || typeof document.kind !== 'string') continue;
    if (document.kind === 'List' || document.kind.endsWith('List')) {
      if (Array.isArray(document.items)) objects.push(...kubernetesObjects(document.items));
      continue;
    }
    objects.push(document);
  }
  return objects;
}

interface PodTemplate {
  readonly spec: JsonObject;
  readonly labels: Readonly<Record<string, unknown>>;
  /** The pod's annotations (legacy seccomp and AppArmor settings live there). */
  readonly annotations: Readonly<Record<string, unknown>>;
}

function recordOf(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

function templateOf(template: unknown): PodTemplate | undefined {
  if (!isRecord(template) || !isRecord(template.spec)) return undefined;
  const metadata = recordOf(template.metadata);
  return { spec: template.spec, labels: recordOf(metadata.labels), annotations: recordOf(metadata.annotations) };
}

function podTemplateOf(object: JsonObject): PodTemplate | undefined {
  // A PodTemplate object holds its template at the top level.
  if (object.kind === 'PodTemplate') return templateOf(object.template);
  if (!isRecord(object.spec)) return undefined;
  if (!POD_KINDS.has(String(object.kind))) {
    // Custom pod-template holders (Argo Rollouts, operators' CRDs) use the Deployment shape.
    const custom = templateOf(object.spec.template);
    return custom && Array.isArray(custom.spec.containers) ? custom : undefined;
  }
  if (object.kind === 'Pod') return templateOf(object);
  let owner: JsonObject = object.spec;
  if (object.kind === 'CronJob') {
    const jobTemplate = owner.jobTemplate;
    if (!isRecord(jobTemplate) || !isRecord(jobTemplate.spec)) return undefined;
    owner = jobTemplate.spec;
  }
  return templateOf(owner.template);
}

/** Label selector semantics of `metav1.LabelSelector`: null selects nothing, `{}` selects everything. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, unknown>>): boolean {
  if (!isRecord(selector)) return false;
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(labels, key);
  if (isRecord(selector.matchLabels)) {
    for (const [key, value] of Object.entries(selector.matchLabels)) {
      if (!has(key) || labels[key] !== value) return false;
    }
  }
  for (const expression of records(selector.matchExpressions)) {
    const key = String(expression.key);
    const values = Array.isArray(expression.values) ? expression.values : [];
    const inValues = has(key) && values.includes(labels[key]);
    switch (expression.operator) {
      case 'In':
        if (!inValues) return false;
        break;
      case 'NotIn':
        if (inValues) return false;
        break;
      case 'Exists':
        if (!has(key)) return false;
        break;
      case 'DoesNotExist':
        if (has(key)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function buildKubernetesIndex(entries: readonly KubernetesEntry[]): KubernetesIndex {
  const pdbSelectors = new Map<string, unknown[]>();
  const hpaTargets = new Set<string>();
  for (const { object } of entries) {
    const spec = isRecord(object.spec) ? object.spec : {};
    if (object.kind === 'PodDisruptionBudget') {
      const namespace = namespaceOf(object);
      const list = pdbSelectors.get(namespace);
      if (list) list.push(spec.selector);
      else pdbSelectors.set(namespace, [spec.selector]);
    } else if (object.kind === 'HorizontalPodAutoscaler' && isRecord(spec.scaleTargetRef)) {
      hpaTargets.add(`${namespaceOf(object)}/${String(spec.scaleTargetRef.kind)}/${String(spec.scaleTargetRef.name)}`);
    }
  }
  return { pdbSelectors, hpaTargets };
}

/** `repo:1.2`, `repo@sha256:...` pass; `repo`, `repo:latest` do not. Registry ports (`host:5000/repo`) are not tags. */
function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image.trim() === '') return 'has no image';
  if (image.includes('@sha256:')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0 || colon === lastSegment.length - 1) return `image "${image}" has no tag`;
  if (lastSegment.slice(colon + 1) === 'latest') return `image "${image}" uses the mutable tag "latest"`;
  return undefined;
}

function missingResources(container: JsonObject, resource: 'cpu' | 'memory'): string[] {
  const resources = isRecord(container.resources) ? container.resources : {};
  const missing: string[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    const values = resources[kind];
    if (!isRecord(values) || values[resource] === undefined || values[resource] === null || values[resource] === '') {
      missing.push(`resources.${kind}.${resource}`);
    }
  }
  return missing;
}

/** Host paths that hand a container the node: kube-linter's sensitive-host-mounts and docker-sock, and the other runtime sockets. */
const SENSITIVE_HOST_PATH = /^\/(?:boot|dev|etc|lib|proc|sys|usr)?\/?$|(?:docker|containerd|crio|cri-dockerd)\.sock$|^\/var\/run\/?$|^\/run\/?$|^\/var\/lib\/kubelet\/?$/;

/** The only capability Pod Security "restricted" lets a container add. */
const ALLOWED_ADDED_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

function capabilityName(value: unknown): string {
  return String(value).toUpperCase().replace(/^CAP_/, '');
}

/** Problems with the volumes of a pod: every hostPath is one (Pod Security "baseline" forbids them). */
function hostPathProblems(spec: JsonObject): string[] {
  const containers = [...records(spec.initContainers), ...records(spec.containers), ...records(spec.ephemeralContainers)];
  return records(spec.volumes).flatMap((volume) => {
    if (!isRecord(volume.hostPath)) return [];
    const hostPath = String(volume.hostPath.path);
    const writable = containers
      .filter((container) => records(container.volumeMounts).some((mount) => mount.name === volume.name && !isTrue(mount.readOnly)))
      .map((container) => `"${String(container.name)}"`);
    const sensitive = SENSITIVE_HOST_PATH.test(hostPath) ? ' (a sensitive host path: it gives the container the node)' : '';
    const mode = writable.length > 0 ? `, mounted writable by ${writable.join(', ')}` : '';
    return [`volume "${String(volume.name)}" mounts the host path ${hostPath}${sensitive}${mode}`];
  });
}

/** Unconfined seccomp or AppArmor for one container (its own settings, else the pod's); undefined when confined. */
function confinementProblems(container: JsonObject, podSecurity: JsonObject, annotations: Readonly<Record<string, unknown>>, label: string): string[] {
  const problems: string[] = [];
  const security = recordOf(container.securityContext);
  const name = String(container.name);
  const seccomp = recordOf(security.seccompProfile).type ?? recordOf(podSecurity.seccompProfile).type;
  const legacySeccomp = annotations[`container.seccomp.security.alpha.kubernetes.io/${name}`] ?? annotations['seccomp.security.alpha.kubernetes.io/pod'];
  if (seccomp === 'Unconfined' || (seccomp === undefined && legacySeccomp === 'unconfined')) {
    problems.push(`${label} runs with seccompProfile Unconfined`);
  } else if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost' && legacySeccomp !== 'runtime/default' && legacySeccomp !== 'docker/default') {
    problems.push(`${label} does not set seccompProfile.type: RuntimeDefault (pod or container securityContext)`);
  }
  const appArmor = recordOf(security.appArmorProfile).type ?? recordOf(podSecurity.appArmorProfile).type;
  const legacyAppArmor = annotations[`container.apparmor.security.beta.kubernetes.io/${name}`];
  if (appArmor === 'Unconfined' || (appArmor === undefined && legacyAppArmor === 'unconfined')) {
    problems.push(`${label} runs with AppArmor unconfined`);
  }
  return problems;
}

/** A pod on the `default` service account that mounts its token: any pod of the namespace has the same identity. */
function serviceAccountProblem(spec: JsonObject): string | undefined {
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  if (account !== undefined && account !== '' && account !== 'default') return undefined;
  if (isFalse(spec.automountServiceAccountToken)) return undefined;
  return `pod runs as the default service account and ${spec.automountServiceAccountToken === undefined ? 'does not set automountServiceAccountToken: false' : 'mounts its token'}`;
}

function checkPod(object: JsonObject, template: PodTemplate, address: string): RawFinding[] {
  const found: RawFinding[] = [];
  const add = (ruleId: string, message: string): void => {
    found.push({ ruleId, address, message });
  };
  const spec = template.spec;
  const hostNamespaces = ['hostNetwork', 'hostPID', 'hostIPC'].filter((key) => isTrue(spec[key]));
  if (hostNamespaces.length > 0) add('K8S-SEC-005', `pod sets ${hostNamespaces.map((key) => `${key}: true`).join(', ')}`);

  for (const problem of hostPathProblems(spec)) add('K8S-SEC-006', problem);
  const serviceAccount = serviceAccountProblem(spec);
  if (serviceAccount) add('K8S-SEC-008', serviceAccount);

  const podSecurity = isRecord(spec.securityContext) ? spec.securityContext : {};
  const runsToCompletion =
    RUN_TO_COMPLETION_KINDS.has(String(object.kind)) ||
    (object.kind === 'Pod' && (spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure'));

  const containers = [
    ...records(spec.initContainers).map((container) => ({ container, init: true })),
    ...records(spec.containers).map((container) => ({ container, init: false })),
  ];
  for (const { container, init } of containers) {
    const label = `${init ? 'init container' : 'container'} "${typeof container.name === 'string' ? container.name : '?'}"`;
    const security = isRecord(container.securityContext) ? container.securityContext : {};
    if (isTrue(security.privileged)) add('K8S-SEC-001', `${label} sets securityContext.privileged: true`);

    const runAsUser = toNumber(security.runAsUser ?? podSecurity.runAsUser);
    const runAsNonRoot = security.runAsNonRoot ?? podSecurity.runAsNonRoot;
    if (runAsUser === 0) add('K8S-SEC-002', `${label} runs as UID 0 (runAsUser: 0)`);
    else if (!isTrue(runAsNonRoot)) add('K8S-SEC-002', `${label} does not set runAsNonRoot: true (pod or container securityContext)`);
    // GID 0 owns much of a container image's file system: root's group is root in all but name.
    if (toNumber(security.runAsGroup ?? podSecurity.runAsGroup) === 0) add('K8S-SEC-002', `${label} runs with GID 0 (runAsGroup: 0)`);

    const capabilities = recordOf(security.capabilities);
    const added = Array.isArray(capabilities.add) ? capabilities.add.map(capabilityName) : [];
    const forbidden = added.filter((capability) => !ALLOWED_ADDED_CAPABILITIES.has(capability));
    if (forbidden.length > 0) add('K8S-SEC-007', `${label} adds capabilities ${forbidden.join(', ')}`);
    const dropped = Array.isArray(capabilities.drop) ? capabilities.drop.map(capabilityName) : [];
    if (!dropped.includes('ALL')) add('K8S-SEC-007', `${label} does not drop ALL capabilities (securityContext.capabilities.drop)`);

    for (const problem of confinementProblems(container, podSecurity, template.annotations, label)) add('K8S-SEC-009', problem);
    if (security.procMount === 'Unmasked') add('K8S-SEC-010', `${label} sets procMount: Unmasked`);

    if (!isTrue(security.readOnlyRootFilesystem)) {
      add('K8S-SEC-003', `${label} does not set securityContext.readOnlyRootFilesystem: true`);
    }
    if (!isFalse(security.allowPrivilegeEscalation)) {
      add('K8S-SEC-004', `${label} does not set securityContext.allowPrivilegeEscalation: false`);
    }
    const cpu = missingResources(container, 'cpu');
    if (cpu.length > 0) add('K8S-RES-001', `${label} has no ${cpu.join(' or ')}`);
    const memory = missingResources(container, 'memory');
    if (memory.length > 0) add('K8S-RES-002', `${label} has no ${memory.join(' or ')}`);

    const image = imageProblem(container.image);
    if (image) add('K8S-IMG-001', `${label} ${image}`);

    // Init containers run to completion and cannot have these probes.
    if (!init && !runsToCompletion) {
      if (!isRecord(container.readinessProbe)) add('K8S-PRB-001', `${label} has no readinessProbe`);
      if (!isRecord(container.livenessProbe)) add('K8S-PRB-002', `${label} has no livenessProbe`);
    }
  }
  return found;
}

function checkReplication(object: JsonObject, template: PodTemplate, address: string, index: KubernetesIndex): RawFinding[] {
  if (!REPLICATED_KINDS.has(String(object.kind)) || !isRecord(object.spec)) return [];
  const found: RawFinding[] = [];
  const namespace = namespaceOf(object);
  const scaledByHpa = index.hpaTargets.has(`${namespace}/${String(object.kind)}/${nameOf(object)}`);
  const replicasSet = object.spec.replicas !== undefined && object.spec.replicas !== null;
  if (scaledByHpa && replicasSet) {
    found.push({
      ruleId: 'K8S-HPA-001',
      address,
      message: `sets spec.replicas: ${String(object.spec.replicas)} while a HorizontalPodAutoscaler scales it`,
    });
  }
  const replicas = toNumber(object.spec.replicas) ?? 1;
  if (replicas > 1 || scaledByHpa) {
    const covered = (index.pdbSelectors.get(namespace) ?? []).some((selector) => selectorMatches(selector, template.labels));
    if (!covered) {
      const why = scaledByHpa ? 'is scaled by a HorizontalPodAutoscaler' : `has replicas: ${replicas}`;
      const labels = Object.entries(template.labels).map(([key, value]) => `${key}=${String(value)}`).join(',');
      found.push({
        ruleId: 'K8S-AVL-001',
        address,
        message: `${why} but no PodDisruptionBudget in namespace "${namespace}" selects its pods (${labels || 'no labels'})`,
      });
    }
  }
  return found;
}

/** Raw findings for one object; the index answers questions about other objects of the run. */
function checkObject(object: JsonObject, index: KubernetesIndex): RawFinding[] {
  const template = podTemplateOf(object);
  if (!template) return [];
  const address = kubernetesAddress(object);
  return [...checkPod(object, template, address), ...checkReplication(object, template, address, index)];
}

/** Checks entries against an index built from every input of the run; groups findings per file. */
export function checkKubernetesEntries(entries: readonly KubernetesEntry[], index: KubernetesIndex): Finding[] {
  const perFile = new Map<string, { raw: RawFinding[]; subjects: Map<string, Subject> }>();
  for (const entry of entries) {
    const group = perFile.get(entry.file) ?? { raw: [], subjects: new Map<string, Subject>() };
    perFile.set(entry.file, group);
    const address = kubernetesAddress(entry.object);
    const annotations = metadataOf(entry.object).annotations;
    const fromAnnotation = isRecord(annotations) ? parseSuppressionAnnotation(annotations[SUPPRESSION_ANNOTATION]) : EMPTY_SUPPRESSIONS;
    const previous = group.subjects.get(address)?.suppressions ?? EMPTY_SUPPRESSIONS;
    const suppressions = mergeSuppressions(previous, mergeSuppressions(entry.resourceSuppressions ?? EMPTY_SUPPRESSIONS, fromAnnotation));
    group.subjects.set(address, { suppressions, ...(entry.resource ? { resource: entry.resource } : {}) });
    group.raw.push(...checkObject(entry.object, index));
  }
  return [...perFile].flatMap(([file, group]) => resolveFindings(group.raw, file, group.subjects));
}

/**
 * Checks Kubernetes objects of one file (YAML documents already parsed; `List`s are unpacked).
 * PodDisruptionBudgets and HPAs are looked up among these objects only; `runPolicy` looks across all inputs.
 */
export function checkKubernetes(objects: readonly unknown[], file: string): Finding[] {
  const entries = kubernetesObjects(objects).map((object) => ({ object, file }));
  return checkKubernetesEntries(entries, buildKubernetesIndex(entries));
}

/**
 * One finding per (rule, `Kind/namespace/name`, message, suppression): the same object read from
 * several files of one run (its YAML under `dist/k8s` and its `kubernetes_manifest` in Terraform JSON)
 * is reported once, naming every file (`file` joined with `, `, and `files`). Copies that differ in
 * suppression stay apart, so a suppression on one copy never hides the other.
 */
export function mergeDuplicateFindings(findings: readonly Finding[]): Finding[] {
  const merged = new Map<string, { finding: Finding; files: Set<string> }>();
  for (const finding of findings) {
    const key = JSON.stringify([finding.ruleId, finding.address, finding.message, finding.suppressed, finding.suppressionReason ?? null]);
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { finding, files: new Set(finding.files ?? [finding.file]) });
      continue;
    }
    for (const file of finding.files ?? [finding.file]) seen.files.add(file);
    if (seen.finding.resource === undefined && finding.resource !== undefined) seen.finding = { ...seen.finding, resource: finding.resource };
  }
  return [...merged.values()].map(({ finding, files }) => {
    if (files.size < 2) return finding;
    const sorted = [...files].sort();
    return { ...finding, file: sorted.join(', '), files: sorted };
  });
}
