import { ApiObject, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ObjectMeta } from './prometheus-operator';

/**
 * Minimal typed models of the External Secrets Operator CRDs (`external-secrets.io/v1`; the operator
 * stopped serving `v1beta1` in 0.17, and the platform installs chart 2.x) this
 * library writes: a namespaced `SecretStore` for AWS Secrets Manager and an `ExternalSecret` that
 * renders a Kubernetes Secret from it.
 */

export interface SecretStoreRef {
  readonly name: string;
  readonly kind: 'SecretStore' | 'ClusterSecretStore';
}

/** AWS Secrets Manager, authenticated as a ServiceAccount's IRSA role (the controller asks for its token). */
export interface AwsSecretsManagerProvider {
  readonly aws: {
    readonly service: 'SecretsManager';
    readonly region: string;
    readonly auth: { readonly jwt: { readonly serviceAccountRef: { readonly name: string } } };
  };
}

export interface SecretStoreSpec {
  readonly provider: AwsSecretsManagerProvider;
}

export interface ExternalSecretData {
  /** Key in the rendered Kubernetes Secret (or the template's input when a template is used). */
  readonly secretKey: string;
  readonly remoteRef: { readonly key: string; readonly property?: string };
}

export interface ExternalSecretTarget {
  readonly name: string;
  readonly creationPolicy: 'Owner' | 'Orphan' | 'Merge' | 'None';
  /** @default 'Retain' (the operator's default) */
  readonly deletionPolicy?: 'Delete' | 'Merge' | 'Retain';
  /** @default - the Secret holds the fetched keys as they are */
  readonly template?: {
    readonly engineVersion: 'v2';
    /** @default 'Opaque' */
    readonly type?: string;
    /** @default - no extra labels or annotations */
    readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
    readonly data: Record<string, string>;
  };
}

export interface ExternalSecretSpec {
  readonly refreshInterval: string;
  readonly secretStoreRef: SecretStoreRef;
  readonly target: ExternalSecretTarget;
  readonly data: ExternalSecretData[];
}

/** Props of `KubeSecretStore`. */
export interface KubeSecretStoreProps {
  /** Name, namespace, labels and annotations of the object. */
  readonly metadata: ObjectMeta;
  /** The object's `spec`, as the custom resource definition describes it. */
  readonly spec: SecretStoreSpec;
}

/** An External Secrets `SecretStore` (`external-secrets.io/v1`): how one namespace reads an external secret manager. */
export class KubeSecretStore extends ApiObject {
  static readonly GVK: GroupVersionKind = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore' };

  constructor(scope: Construct, id: string, props: KubeSecretStoreProps) {
    super(scope, id, { ...KubeSecretStore.GVK, metadata: props.metadata, spec: props.spec });
  }
}

/** Props of `KubeExternalSecret`. */
export interface KubeExternalSecretProps {
  /** Name, namespace, labels and annotations of the object. */
  readonly metadata: ObjectMeta;
  /** The object's `spec`, as the custom resource definition describes it. */
  readonly spec: ExternalSecretSpec;
}

/** An External Secrets `ExternalSecret` (`external-secrets.io/v1`): which external values become which Kubernetes Secret. */
export class KubeExternalSecret extends ApiObject {
  static readonly GVK: GroupVersionKind = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' };

  constructor(scope: Construct, id: string, props: KubeExternalSecretProps) {
    super(scope, id, { ...KubeExternalSecret.GVK, metadata: props.metadata, spec: props.spec });
  }
}
