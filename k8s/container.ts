import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28/lib/container';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { WORKLOAD_CONTRACT } from './contract';
import { isUnresolved, type PropsProblems } from './validation';

/**
 * Container building blocks shared by `WebService` and `ScheduledJob`: image references, resources,
 * the restricted security context and environment variables.
 */

// ---------------------------------------------------------------------------------------------------
// Images

/** Tags that move by convention; an image pinned to one of them is not reproducible. */
export const MUTABLE_IMAGE_TAGS: readonly string[] = ['latest', 'stable', 'main', 'master', 'dev', 'develop', 'edge', 'nightly'];

/** An image in a registry, pinned by an immutable tag or a digest (exactly one of the two). */
export interface ImageReference {
  /** Registry and repository, e.g. an ECR repository URL `123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlflow`. */
  readonly repositoryUrl: string;
  /**
   * An immutable tag (a version or git SHA; the platform's ECR repositories reject tag overwrites).
   * @default - none; `digest` must be given
   */
  readonly tag?: string;
  /**
   * An image digest, `sha256:<64 hex digits>`.
   * @default - none; `tag` must be given
   */
  readonly digest?: string;
}

/** `repo:tag` or `repo@sha256:...` from an `ImageReference`; `imageProblem` checks the result. */
export function imageUri(image: ImageReference): string {
  if (image.digest !== undefined && image.tag !== undefined) {
    throw new Error(`image ${image.repositoryUrl}: give either tag ("${image.tag}") or digest ("${image.digest}"), not both`);
  }
  if (image.digest !== undefined) return `${image.repositoryUrl}@${image.digest}`;
  if (image.tag !== undefined) return `${image.repositoryUrl}:${image.tag}`;
  return image.repositoryUrl;
}

/**
 * Why `image` is not pinned, or undefined when it is: a digest (`repo@sha256:<64 hex>`) or an immutable tag.
 * `latest` and the other `MUTABLE_IMAGE_TAGS`, an empty tag and no tag are rejected. A registry port
 * (`host:5000/repo`) is not a tag.
 */
export function imageProblem(image: string): string | undefined {
  if (typeof image !== 'string' || image.trim() === '') return 'is empty; give repo:tag or repo@sha256:<digest>';
  if (isUnresolved(image)) return undefined;
  const at = image.indexOf('@');
  if (at >= 0) {
    const digest = image.slice(at + 1);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) return `("${image}") has a malformed digest "${digest}"; expected sha256:<64 hex digits>`;
    return at === 0 ? `("${image}") has no repository` : undefined;
  }
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const why = 'use an immutable tag (a version or git SHA) or a digest (repo@sha256:...)';
  if (colon < 0) return `("${image}") has no tag; ${why}`;
  const tag = lastSegment.slice(colon + 1);
  if (tag === '') return `("${image}") has an empty tag; ${why}`;
  if (MUTABLE_IMAGE_TAGS.includes(tag.toLowerCase())) return `("${image}") uses the mutable tag "${tag}"; ${why}`;
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) return `("${image}") has an invalid tag "${tag}"`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Resources

/** CPU and memory requests and limits of a container; all four are required. */
export interface ResourceRequirements {
  readonly cpu: { readonly request: Cpu; readonly limit: Cpu };
  readonly memory: { readonly request: Size; readonly limit: Size };
}

/** The same quantities as strings, as `environments/` holds them (`"250m"`, `"1"`, `"512Mi"`, `"1Gi"`). */
export interface ResourceQuantities {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

/** Parses a CPU quantity (`"250m"`, `"0.5"`, `"2"`). */
export function parseCpu(quantity: string): Cpu {
  const milli = /^(\d+)m$/.exec(quantity);
  if (milli) return Cpu.millis(Number(milli[1]));
  if (/^\d+(\.\d+)?$/.test(quantity)) return Cpu.units(Number(quantity));
  throw new Error(`"${quantity}" is not a CPU quantity such as "250m" or "1"`);
}

/** Parses a binary memory quantity (`"512Mi"`, `"2Gi"`). */
export function parseMemory(quantity: string): Size {
  const match = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`"${quantity}" is not a memory quantity such as "512Mi" or "1Gi"`);
  const amount = Number(match[1]);
  switch (match[2]) {
    case 'Ki':
      return Size.kibibytes(amount);
    case 'Mi':
      return Size.mebibytes(amount);
    case 'Gi':
      return Size.gibibytes(amount);
    default:
      return Size.tebibytes(amount);
  }
}

/** Converts the quantities of an environment's config into typed `ResourceRequirements`. */
export function resourcesFromQuantities(quantities: ResourceQuantities): ResourceRequirements {
  return {
    cpu: { request: parseCpu(quantities.cpuRequest), limit: parseCpu(quantities.cpuLimit) },
    memory: { request: parseMemory(quantities.memoryRequest), limit: parseMemory(quantities.memoryLimit) },
  };
}

function cpuMillis(cpu: Cpu): number | undefined {
  const milli = /^(\d+)m$/.exec(cpu.amount);
  if (milli) return Number(milli[1]);
  return /^\d+(\.\d+)?$/.test(cpu.amount) ? Number(cpu.amount) * 1000 : undefined;
}

function memoryKibibytes(size: Size): number | undefined {
  try {
    return size.toKibibytes();
  } catch {
    return undefined;
  }
}

/** Memory as a Kubernetes quantity in the largest binary unit that represents it exactly. */
function memoryQuantity(size: Size): string {
  const kib = size.toKibibytes();
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}Gi`;
  if (kib % 1024 === 0) return `${kib / 1024}Mi`;
  return `${kib}Ki`;
}

/** Records every missing, malformed or inconsistent quantity under `field`. */
export function checkResources(problems: PropsProblems, field: string, resources: ResourceRequirements | undefined): void {
  if (resources === undefined || resources === null) {
    problems.add(field, 'is required: set cpu and memory requests and limits');
    return;
  }
  for (const kind of ['cpu', 'memory'] as const) {
    for (const end of ['request', 'limit'] as const) {
      if (resources[kind]?.[end] === undefined) problems.add(`${field}.${kind}.${end}`, 'is required');
    }
  }
  const cpu = resources.cpu;
  if (cpu?.request !== undefined && cpu.limit !== undefined) {
    const [request, limit] = [cpuMillis(cpu.request), cpuMillis(cpu.limit)];
    problems.check(request !== undefined && request > 0, `${field}.cpu.request`, `("${cpu.request.amount}") must be a positive CPU quantity`);
    problems.check(limit !== undefined && limit > 0, `${field}.cpu.limit`, `("${cpu.limit.amount}") must be a positive CPU quantity`);
    if (request !== undefined && limit !== undefined) {
      problems.check(request <= limit, `${field}.cpu.request`, `(${cpu.request.amount}) must be <= cpu.limit (${cpu.limit.amount})`);
    }
  }
  const memory = resources.memory;
  if (memory?.request !== undefined && memory.limit !== undefined) {
    const [request, limit] = [memoryKibibytes(memory.request), memoryKibibytes(memory.limit)];
    problems.check(request !== undefined && request >= 1024, `${field}.memory.request`, 'must be a whole number of KiB and at least 1Mi');
    problems.check(limit !== undefined && limit >= 1024, `${field}.memory.limit`, 'must be a whole number of KiB and at least 1Mi');
    if (request !== undefined && limit !== undefined) {
      problems.check(
        request <= limit,
        `${field}.memory.request`,
        `(${memoryQuantity(memory.request)}) must be <= memory.limit (${memoryQuantity(memory.limit)})`,
      );
    }
  }
}

/** Renders validated requirements; call `checkResources` first. */
export function renderResources(resources: ResourceRequirements): k8s.ResourceRequirements {
  return {
    requests: {
      cpu: k8s.Quantity.fromString(resources.cpu.request.amount),
      memory: k8s.Quantity.fromString(memoryQuantity(resources.memory.request)),
    },
    limits: {
      cpu: k8s.Quantity.fromString(resources.cpu.limit.amount),
      memory: k8s.Quantity.fromString(memoryQuantity(resources.memory.limit)),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Security

/** Identity the pod's processes run as; all non-zero. */
export interface PodIdentityProps {
  /**
   * UID of every container's processes.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Primary GID of every container's processes.
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes (the `/tmp` emptyDir).
   * @default 10001
   */
  readonly fsGroup?: number;
}

/** The workload images' numeric USER (their Dockerfiles and the contract say the same). */
export const DEFAULT_RUN_AS_ID = WORKLOAD_CONTRACT.runAsUser;

export function checkPodIdentity(problems: PropsProblems, field: string, identity: PodIdentityProps | undefined): void {
  for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
    const value = identity?.[key];
    if (value === undefined) continue;
    problems.check(Number.isInteger(value) && value > 0, `${field}.${key}`, `(${String(value)}) must be a positive integer: containers never run as root (0)`);
  }
}

/** Pod-level context of the Pod Security Standards' `restricted` profile. */
export function podSecurityContext(identity: PodIdentityProps | undefined): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: identity?.runAsUser ?? DEFAULT_RUN_AS_ID,
    runAsGroup: identity?.runAsGroup ?? DEFAULT_RUN_AS_ID,
    fsGroup: identity?.fsGroup ?? DEFAULT_RUN_AS_ID,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level context: non-root, read-only root filesystem, no privilege escalation, no capabilities. */
export function containerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The writable scratch space a read-only root filesystem still needs. */
export const TMP_VOLUME_NAME = 'tmp';
export const TMP_MOUNT_PATH = '/tmp';

export function tmpVolume(sizeLimit: Size): k8s.Volume {
  return { name: TMP_VOLUME_NAME, emptyDir: { sizeLimit: k8s.Quantity.fromString(memoryQuantity(sizeLimit)) } };
}

export function tmpVolumeMount(): k8s.VolumeMount {
  return { name: TMP_VOLUME_NAME, mountPath: TMP_MOUNT_PATH };
}

// ---------------------------------------------------------------------------------------------------
// Environment

/** A key of a Kubernetes Secret in the workload's namespace. */
export interface SecretKeyReference {
  readonly secretKeyRef: { readonly name: string; readonly key: string };
}

/** A literal value, or a reference to a Secret key (never a secret literal). */
export type EnvValue = string | SecretKeyReference;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkEnv(problems: PropsProblems, field: string, env: Readonly<Record<string, EnvValue>> | undefined): void {
  for (const [name, value] of Object.entries(env ?? {})) {
    problems.check(ENV_NAME.test(name), `${field}["${name}"]`, 'is not a valid environment variable name');
    if (typeof value !== 'string') {
      problems.check(
        typeof value?.secretKeyRef?.name === 'string' && typeof value.secretKeyRef.key === 'string',
        `${field}["${name}"]`,
        'must be a string or { secretKeyRef: { name, key } }',
      );
    }
  }
}

/** Sorted by name so the synthesized manifest does not depend on the order props were written in. */
export function renderEnv(env: Readonly<Record<string, EnvValue>> | undefined): k8s.EnvVar[] | undefined {
  const entries = Object.entries(env ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return undefined;
  return entries.map(([name, value]) =>
    typeof value === 'string'
      ? { name, value }
      : { name, valueFrom: { secretKeyRef: { name: value.secretKeyRef.name, key: value.secretKeyRef.key, optional: false } } },
  );
}

// ---------------------------------------------------------------------------------------------------
// Labels

export const PART_OF = 'mlops-platform';

/** The labels that select a workload's pods; they never change over the workload's life. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
}

/** Every object of a workload carries these (plus the caller's). */
export function commonLabels(name: string, component: string, extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return {
    ...extra,
    ...selectorLabels(name),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** What every workload construct (`WebService`, `ScheduledJob`) takes for its one container and its pods. */
export interface ContainerWorkloadProps {
  /** Image pinned by digest (`repo@sha256:...`) or an immutable tag; `latest` and untagged images are rejected. */
  readonly image: string;
  /** CPU and memory requests and limits; required. */
  readonly resources: ResourceRequirements;
  /**
   * Entry point override.
   * @default - the image's entrypoint
   */
  readonly command?: readonly string[];
  /**
   * Arguments.
   * @default - the image's command
   */
  readonly args?: readonly string[];
  /**
   * Environment variables: literals or Secret key references (never secret literals).
   * @default {}
   */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /**
   * IAM role the pods assume through IRSA (annotated on the ServiceAccount).
   * @default - no AWS credentials
   */
  readonly iamRoleArn?: string;
  /**
   * Mount a Kubernetes API token; only for workloads that call the Kubernetes API (IRSA does not need it).
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * UID, GID and fsGroup of the pods; never 0.
   * @default - 10001 for all three
   */
  readonly securityContext?: PodIdentityProps;
  /**
   * Size of the writable emptyDir mounted at /tmp (the root filesystem is read-only).
   * @default - 256 MiB for a WebService, 512 MiB for a ScheduledJob
   */
  readonly tmpSize?: Size;
  /**
   * Labels added to every object and pod.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What differs between workloads around the shared pod spec (`workloadPodSpec`). */
export interface WorkloadPodOptions {
  /** ServiceAccount (IRSA) the pods run as. */
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: boolean;
  /** Name of the one container. */
  readonly containerName: string;
  /** Size of /tmp when `tmpSize` is not given. */
  readonly defaultTmpSize: Size;
  /** Further container fields (ports, probes). */
  readonly container?: Partial<k8s.Container>;
  /** Further pod fields (restart policy, topology spread, grace period). */
  readonly pod?: Partial<k8s.PodSpec>;
}

/**
 * The pod spec every workload here shares: its own ServiceAccount, the restricted security context,
 * one container with requests and limits, and a writable emptyDir at /tmp beside a read-only root.
 */
export function workloadPodSpec(props: ContainerWorkloadProps, options: WorkloadPodOptions): k8s.PodSpec {
  return {
    serviceAccountName: options.serviceAccountName,
    automountServiceAccountToken: options.automountServiceAccountToken,
    enableServiceLinks: false,
    securityContext: podSecurityContext(props.securityContext),
    ...options.pod,
    containers: [
      {
        name: options.containerName,
        image: props.image,
        imagePullPolicy: 'IfNotPresent',
        command: props.command ? [...props.command] : undefined,
        args: props.args ? [...props.args] : undefined,
        env: renderEnv(props.env),
        resources: renderResources(props.resources),
        securityContext: containerSecurityContext(),
        volumeMounts: [tmpVolumeMount()],
        ...options.container,
      },
    ],
    volumes: [tmpVolume(props.tmpSize ?? options.defaultTmpSize)],
  };
}
