import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { kmsViaService } from '../core/grants';
import { pinnedRelease, type PinnedChart } from './helm-release';
import type { KubernetesCluster } from './kubernetes-cluster';
import { requireProps } from '../core/props';

export interface SecretsManagerSyncProps {
  /** The cluster whose OIDC provider the reader role trusts. */
  readonly cluster: KubernetesCluster;
  /** Namespace of the SecretStore, the ExternalSecret and the Kubernetes Secret it writes. */
  readonly namespace: string;
  /** Service account the SecretStore authenticates as; its IRSA role reads only `secretArn`. */
  readonly serviceAccount: string;
  /** The Secrets Manager secret (a JSON object). */
  readonly secretArn: string;
  /**
   * Customer-managed KMS key of the secret; the role may decrypt with it through Secrets Manager only.
   * @default - the AWS-managed `aws/secretsmanager` key (no grant needed)
   */
  readonly kmsKeyArn?: string;
  /** Region of the secret (Secrets Manager endpoint the SecretStore calls). */
  readonly region: string;
  /** Name of the Kubernetes Secret to write. */
  readonly targetSecretName: string;
  /** JSON keys of the secret copied into the Kubernetes Secret under the same names. */
  readonly properties: readonly string[];
  /**
   * External Secrets template of the Kubernetes Secret's data (e.g. a connection URI built from the
   * properties, `{{ .password | urlquery }}`), so derived values are assembled in the cluster.
   * @default - the properties as they are
   */
  readonly template?: Readonly<Record<string, string>>;
  /** Chart that applies plain manifests (the SecretStore and ExternalSecret). */
  readonly manifestsChart: PinnedChart;
  /** Helm release name of those manifests. */
  readonly releaseName: string;
  /** The External Secrets Operator release (its CRDs) and the namespace. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Copies one Secrets Manager secret into a Kubernetes Secret with External Secrets: a SecretStore that
 * authenticates through an IRSA role allowed to read exactly that secret, and an ExternalSecret. The
 * value passes through no Terraform configuration, plan or state.
 */
export class SecretsManagerSync extends Construct {
  readonly role: IamRole;
  readonly serviceAccount: ServiceAccountV1;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: SecretsManagerSyncProps) {
    super(scope, id);
    requireProps(this.node.path, props, { cluster: 'object', namespace: 'string', serviceAccount: 'string', secretArn: 'string', region: 'string', targetSecretName: 'string', properties: 'array', manifestsChart: 'object', releaseName: 'string', dependsOn: 'array' });
    const { namespace } = props;
    this.role = props.cluster.irsaRole(`${id}Reader`, {
      scope: this,
      namespace,
      serviceAccount: props.serviceAccount,
      policyStatements: [
        { sid: 'ReadTheSecret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [props.secretArn] },
        ...(props.kmsKeyArn ? [kmsViaService('DecryptTheSecret', ['kms:Decrypt'], props.kmsKeyArn, `secretsmanager.${props.region}.amazonaws.com`)] : []),
      ],
    });
    this.serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: props.serviceAccount, namespace, annotations: { 'eks.amazonaws.com/role-arn': this.role.arn } },
      automountServiceAccountToken: false,
      dependsOn: props.dependsOn,
    });
    const store = `${props.targetSecretName}-secrets-manager`;
    this.release = pinnedRelease(this, 'Release', {
      name: props.releaseName,
      namespace,
      chart: props.manifestsChart,
      values: {
        resources: [
          {
            apiVersion: 'external-secrets.io/v1',
            kind: 'SecretStore',
            metadata: { name: store, namespace },
            spec: { provider: { aws: { service: 'SecretsManager', region: props.region, auth: { jwt: { serviceAccountRef: { name: props.serviceAccount } } } } } },
          },
          {
            apiVersion: 'external-secrets.io/v1',
            kind: 'ExternalSecret',
            metadata: { name: props.targetSecretName, namespace },
            spec: {
              refreshInterval: '1h',
              secretStoreRef: { name: store, kind: 'SecretStore' },
              target: {
                name: props.targetSecretName,
                creationPolicy: 'Owner',
                ...(props.template ? { template: { engineVersion: 'v2', data: props.template } } : {}),
              },
              data: props.properties.map((property) => ({ secretKey: property, remoteRef: { key: props.secretArn, property } })),
            },
          },
        ],
      },
      dependsOn: [...props.dependsOn, this.serviceAccount],
    });
  }
}
