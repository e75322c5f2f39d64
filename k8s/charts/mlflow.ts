import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { imageUri, type ImageReference, type ResourceRequirements } from '../container';
import { KubeExternalSecret, KubeSecretStore } from '../imports/external-secrets';
import { recordK8sSuppression } from '../policy-suppression';
import { WebService, type AutoscalingProps } from '../web-service';
import { WORKLOAD_CONTRACT, WORKLOAD_PATHS, WORKLOAD_PORTS } from '../contract';
import { checkCidr, checkDnsLabel, checkPort, isUnresolved, PropsProblems } from '../validation';
import { awsApiEgress, chartLabels, checkBucketName, setUpWorkloadChart, type WorkloadChartProps } from './common';
import { requireProps } from '../../constructs/core/props';

/** The PostgreSQL database MLflow keeps runs and the model registry in, and MLflow's own user on it. */
export interface MlflowDatabaseProps {
  /** Endpoint host name (RDS `address`). */
  readonly host: string;
  /**
   * @default 5432
   */
  readonly port?: number;
  /** Database name. */
  readonly name: string;
  /**
   * ARN of the Secrets Manager secret of MLflow's own database user (`username` and `password` keys;
   * `PostgresDatabase.addApplicationUser`), never the master user's, whose password RDS rotates weekly.
   * The MLflow IRSA role must allow `secretsmanager:GetSecretValue` on it (and `kms:Decrypt` on its key).
   */
  readonly secretArn: string;
  /**
   * Version of that password. It is part of the pod template (and of the ExternalSecret), so a new
   * password re-reads the secret at once and rolls the pods in the same apply.
   * @default 1
   */
  readonly passwordVersion?: number;
  /** Ranges of the database subnets, for the NetworkPolicy egress rule. */
  readonly cidrs: readonly string[];
  /**
   * Region of Secrets Manager.
   * @default - the region in `secretArn`
   */
  readonly region?: string;
}

export interface MlflowChartProps extends WorkloadChartProps {
  /** The MLflow server image; it must contain `mlflow[extras]` or at least psycopg2, boto3 and prometheus-flask-exporter. */
  readonly image: ImageReference;
  /** Replica bounds and scaling targets of the tracking server. */
  readonly autoscaling: AutoscalingProps;
  /** CPU and memory requests and limits of the tracking server. */
  readonly resources: ResourceRequirements;
  /** IRSA role: read/write on the artifacts bucket, read on the database secret. */
  readonly iamRoleArn: string;
  /** Bucket MLflow stores artifacts in, proxied by the server (`--serve-artifacts`). */
  readonly artifactsBucketName: string;
  /** The backend store: RDS endpoint, database, managed secret and subnet ranges. */
  readonly database: MlflowDatabaseProps;
  /**
   * Namespaces whose pods may call MLflow (model serving, Airflow training tasks).
   * @default ['model-serving', 'airflow']
   */
  readonly clientNamespaces?: readonly string[];
  /**
   * @default 'mlflow'
   */
  readonly namespace?: string;
}

const PASSWORD_VERSION_ANNOTATION = 'platform.mlops/database-password-version';

/** Port of the MLflow server (container and Service), as MLflow clients expect it (the workload contract's). */
export const MLFLOW_PORT = WORKLOAD_PORTS.mlflow;

/**
 * `--allowed-hosts` for a Service `name` in `namespace`: MLflow 3 answers 403 to any other Host header
 * (except on /health), and its default admits only localhost and private IPs, not the Service's DNS names
 * clients use (mlflow/server/security_utils.py and fastapi_security.py at 3.17.2; the image's test
 * starts the real server with this list and checks both sides). Templates from the workload contract.
 */
export function mlflowAllowedHosts(name: string, namespace: string, port: number = MLFLOW_PORT): string[] {
  return WORKLOAD_CONTRACT.mlflowServer.allowedHosts.map((template) =>
    template.replace(/\{service\}/g, name).replace(/\{namespace\}/g, namespace).replace(/\{port\}/g, String(port)),
  );
}

/**
 * The MLflow tracking server and model registry.
 *
 * Database credentials: an `ExternalSecret` (`external-secrets.io/v1`; `v1beta1` is no longer served by
 * External Secrets Operator 0.17+, and the platform installs chart 2.x) reads the RDS-managed secret
 * through a namespaced `SecretStore` that authenticates as MLflow's own ServiceAccount (IRSA), and
 * renders one Kubernetes Secret key, the full backend store URI with user and password URL-escaped.
 * MLflow reads it through a `secretKeyRef` env var that its args expand; no password is in any prop,
 * manifest or Terraform state. Chosen over a secrets-store CSI `SecretProviderClass` because its synced
 * Secret only exists while a pod mounts the volume, and env vars need the Secret to exist first.
 * Requires the External Secrets Operator in the cluster.
 */
export class MlflowChart extends Chart {
  public readonly service: WebService;
  public readonly externalSecret: KubeExternalSecret;
  public readonly secretStore: KubeSecretStore;
  /** The Kubernetes Secret the ExternalSecret writes. */
  public readonly credentialsSecretName: string;
  /** `http://mlflow.mlflow.svc.cluster.local:5000` */
  public readonly trackingUri: string;

  constructor(scope: Construct, id: string, props: MlflowChartProps) {
    // Before super(): the chart's namespace and labels come from props.
    requireProps(`${scope.node.path}/${id}`, props, { image: 'object', autoscaling: 'object', resources: 'object', iamRoleArn: 'string', artifactsBucketName: 'string', database: 'object', environment: 'string' });
    const namespace = props.namespace ?? 'mlflow';
    super(scope, id, { namespace, labels: chartLabels(props.environment) });
    setUpWorkloadChart(this, props);

    const db = props.database ?? ({} as MlflowDatabaseProps);
    const dbPort = db.port ?? 5432;
    const passwordVersion = String(db.passwordVersion ?? 1);
    const region = db.region ?? /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(db.secretArn ?? '')?.[1];
    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'namespace', namespace);
    checkBucketName(problems, 'artifactsBucketName', props.artifactsBucketName);
    problems.check(typeof db.host === 'string' && db.host.length > 0, 'database.host', 'is required');
    checkPort(problems, 'database.port', dbPort);
    problems.check(isUnresolved(db.name) || /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(db.name ?? ''), 'database.name', `("${db.name}") must be a PostgreSQL identifier`);
    problems.check(
      isUnresolved(db.secretArn) || /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(db.secretArn ?? ''),
      'database.secretArn',
      `("${db.secretArn}") must be a Secrets Manager secret ARN`,
    );
    problems.check(region !== undefined, 'database.region', 'is required when database.secretArn is not a resolved ARN');
    problems.check(Array.isArray(db.cidrs) && db.cidrs.length > 0, 'database.cidrs', 'must list the database subnets');
    (db.cidrs ?? []).forEach((cidr, i) => checkCidr(problems, `database.cidrs[${i}]`, cidr));
    (props.clientNamespaces ?? []).forEach((ns, i) => checkDnsLabel(problems, `clientNamespaces[${i}]`, ns));
    problems.throwIfAny();

    const name = 'mlflow';
    this.credentialsSecretName = `${name}-backend-store`;
    this.secretStore = new KubeSecretStore(this, 'SecretStore', {
      metadata: { name: `${name}-secrets-manager` },
      spec: { provider: { aws: { service: 'SecretsManager', region: region as string, auth: { jwt: { serviceAccountRef: { name } } } } } },
    });
    const uri = `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${db.host}:${dbPort}/${db.name}?sslmode=require`;
    this.externalSecret = new KubeExternalSecret(this, 'ExternalSecret', {
      metadata: { name: this.credentialsSecretName },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: `${name}-secrets-manager`, kind: 'SecretStore' },
        target: {
          name: this.credentialsSecretName,
          creationPolicy: 'Owner',
          template: {
            engineVersion: 'v2',
            type: 'Opaque',
            // A spec change: External Secrets re-reads at once instead of at the next refresh.
            metadata: { annotations: { [PASSWORD_VERSION_ANNOTATION]: passwordVersion } },
            data: { 'backend-store-uri': uri },
          },
        },
        data: [
          { secretKey: 'username', remoteRef: { key: db.secretArn, property: 'username' } },
          { secretKey: 'password', remoteRef: { key: db.secretArn, property: 'password' } },
        ],
      },
    });

    this.service = new WebService(this, 'Mlflow', {
      name,
      image: imageUri(props.image),
      resources: props.resources,
      autoscaling: props.autoscaling,
      port: MLFLOW_PORT,
      servicePort: MLFLOW_PORT,
      iamRoleArn: props.iamRoleArn,
      command: ['mlflow'],
      args: [
        'server',
        '--host', '0.0.0.0',
        '--port', String(MLFLOW_PORT),
        // Expanded by the kubelet from the Secret-backed env var below; the manifest holds only the reference.
        '--backend-store-uri', '$(MLFLOW_BACKEND_STORE_URI)',
        '--artifacts-destination', `s3://${props.artifactsBucketName}/`,
        '--serve-artifacts',
        // Prometheus metrics on /metrics (mlflow_http_request_*); the multiprocess directory must be writable
        // (/tmp is the emptyDir).
        '--expose-prometheus', '/tmp/mlflow-metrics',
        // Service DNS names, pod IPs (scrapes) and localhost (port-forward); see mlflowAllowedHosts.
        '--allowed-hosts', mlflowAllowedHosts(name, namespace).join(','),
      ],
      env: {
        MLFLOW_BACKEND_STORE_URI: { secretKeyRef: { name: this.credentialsSecretName, key: 'backend-store-uri' } },
        // Not read by MLflow: a new password changes the pod template, so the Deployment rolls.
        MLFLOW_DATABASE_PASSWORD_VERSION: passwordVersion,
        AWS_REGION: region as string,
        HOME: '/tmp',
      },
      probes: { startupPath: WORKLOAD_PATHS.mlflowHealth, readinessPath: WORKLOAD_PATHS.mlflowHealth, livenessPath: WORKLOAD_PATHS.mlflowHealth },
      networkPolicy: {
        ingressFrom: (props.clientNamespaces ?? ['model-serving', 'airflow']).map((ns) => ({ namespace: ns })),
        egressTo: [...db.cidrs.map((cidr) => ({ peer: { cidr }, ports: [dbPort] })), ...awsApiEgress(props)],
      },
      monitoring: { prometheusSelectorLabels: props.prometheusSelectorLabels },
    });
    recordK8sSuppression(this.service.deployment, 'CKV_K8S_35', 'mlflow server takes its backend store URI only as a flag or an environment variable, whose value comes from a Secret synced by External Secrets and is never in a manifest');
    this.trackingUri = this.service.url;
  }
}
