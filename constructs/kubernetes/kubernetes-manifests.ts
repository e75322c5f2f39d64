import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Construct } from 'constructs';
import { requireProps } from '../core/props';

/** What `Chart.toJson()` returns for each object: enough of a Kubernetes object to name it. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Anything holding Kubernetes objects, such as a cdk8s `Chart`. */
export interface IManifestSource {
  toJson(): unknown[];
}

export interface KubernetesManifestsProps {
  /** Charts (or other sources) whose objects are applied. */
  readonly sources: readonly IManifestSource[];
  /**
   * Provider for the target cluster.
   * @default - the stack's default kubernetes provider
   */
  readonly provider?: KubernetesProvider;
  /**
   * Field manager named in server-side apply; takes over fields another manager set (`forceConflicts`),
   * since Terraform is the source of truth for these objects.
   * @default 'cdktf-platform'
   */
  readonly fieldManager?: string;
  /**
   * How long an apply waits for a Deployment, StatefulSet or DaemonSet to finish rolling out before it fails
   * (the `kubernetes_manifest` create/update timeout; a Go duration).
   * @default '10m'
   */
  readonly rolloutTimeout?: string;
}

/**
 * Kinds `kubectl rollout status` understands: hashicorp/kubernetes 2.38.0 `wait { rollout = true }` polls their
 * status viewer (manifest/provider/waiter.go RolloutWaiter) until the rollout is done or the create/update
 * timeout passes, and then fails the apply. A Deployment whose image cannot be pulled never becomes available
 * (and passes its progress deadline), so its apply fails instead of "succeeding" with broken pods.
 */
export const ROLLOUT_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * Applies cdk8s charts through the Terraform kubernetes provider: one `kubernetes_manifest` per object,
 * named `<Kind>/<namespace>/<name>` so an object keeps its address for as long as it keeps its name.
 * Namespaces are applied before the objects in them. A small, dependency-free stand-in for
 * `cdktf-cdk8s`, whose pinned `yaml` and peer ranges lag the versions used here.
 */
export class KubernetesManifests extends Construct {
  /** The applied resources by `Kind/namespace/name`. */
  readonly manifests: Record<string, Manifest> = {};
  private readonly objectsBySource = new Map<IManifestSource, KubernetesObject[]>();

  constructor(scope: Construct, id: string, props: KubernetesManifestsProps) {
    super(scope, id);
    requireProps(this.node.path, props, { sources: 'array' });
    for (const source of props.sources) this.objectsBySource.set(source, source.toJson() as KubernetesObject[]);
    const objects = [...this.objectsBySource.values()].flat();
    const fieldManager = { name: props.fieldManager ?? 'cdktf-platform', forceConflicts: true };
    const rolloutTimeout = props.rolloutTimeout ?? '10m';
    if (!/^(\d+(\.\d+)?(h|m|s))+$/.test(rolloutTimeout)) {
      throw new Error(`${this.node.path}: rolloutTimeout "${rolloutTimeout}" must be a Go duration such as "10m" or "1h30m"`);
    }

    const namespaces: Manifest[] = [];
    const keyOf = (o: KubernetesObject) => `${o.kind}/${o.metadata.namespace ?? '_cluster'}/${o.metadata.name}`;
    for (const object of [...objects].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'))) {
      if (!object?.kind || !object.metadata?.name) {
        throw new Error(`${this.node.path}: every object needs a kind and metadata.name; got ${JSON.stringify(object).slice(0, 200)}`);
      }
      const key = keyOf(object);
      if (this.manifests[key]) throw new Error(`${this.node.path}: two objects are named ${key}`);
      const manifest = new Manifest(this, key, {
        manifest: object as unknown as Record<string, unknown>,
        provider: props.provider,
        fieldManager,
        // An image that cannot be pulled (a tag build-image.yml never pushed) fails the apply instead of leaving
        // pods in ImagePullBackOff behind a "successful" apply (ROLLOUT_KINDS).
        ...(ROLLOUT_KINDS.has(object.kind) ? { wait: { rollout: true }, timeouts: { create: rolloutTimeout, update: rolloutTimeout } } : {}),
        dependsOn: object.kind === 'Namespace' ? undefined : [...namespaces],
      });
      if (object.kind === 'Namespace') namespaces.push(manifest);
      this.manifests[key] = manifest;
    }
  }

  /** The objects applied from `source`, as its `toJson()` returned them; throws for a source not applied here. */
  objectsOf(source: IManifestSource): readonly unknown[] {
    const objects = this.objectsBySource.get(source);
    if (!objects) throw new Error(`${this.node.path}: objectsOf() was given a source that is not one of its sources`);
    return objects;
  }
}
