import type { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Fn, type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { pinnedRelease, type PinnedChart } from '../cluster/helm-release';
import type { KubernetesCluster } from '../cluster/kubernetes-cluster';
import { SecretsManagerSync } from '../cluster/secrets-manager-sync';
import { GeneratedSecret } from '../core/generated-secret';
import { kmsViaService } from '../core/grants';
import { EncryptionKey } from '../encryption/encryption-key';
import type { AirflowChartValues, AirflowResources } from './airflow-values';
import { requireProps } from '../core/props';
import { WORKLOAD_CONTRACT } from '../../k8s/contract';

/** Kubernetes Secret the chart reads the metadata connection from (`data.metadataSecretName`, key `connection`). */
export const AIRFLOW_METADATA_SECRET = 'airflow-metadata';
/**
 * Kubernetes Secret with the keys the chart would otherwise generate on every render (`fernet-key`,
 * `api-secret-key`, `jwt-secret`: the key names `fernetKeySecretName`, `apiSecretKeySecretName` and
 * `jwtSecretName` expect) and the admin's password.
 */
export const AIRFLOW_KEYS_SECRET = 'airflow-keys';
/** Prefix of Airflow's task logs in the logs bucket. */
export const AIRFLOW_LOG_PREFIX = 'airflow/logs';
/** Airflow's FAB auth manager (apache-airflow-providers-fab): users and roles in the metadata database. */
export const FAB_AUTH_MANAGER = 'airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager';
/** The admin user the create-user Job keeps in step with Secrets Manager. */
export const AIRFLOW_ADMIN_USER = 'admin';
const PASSWORD_VERSION_ANNOTATION = 'platform.mlops/database-password-version';

/**
 * Components that get a service account of their own, annotated with the logs role (keys of the
 * chart's values). Airflow 3 has no webserver (the API server serves the UI); task pods of the
 * KubernetesExecutor use `workers.kubernetes.serviceAccount` (chart 1.21.0; `workers.serviceAccount`
 * is deprecated there).
 */
export const AIRFLOW_SERVICE_ACCOUNTS = {
  scheduler: 'airflow-scheduler',
  apiServer: 'airflow-api-server',
  triggerer: 'airflow-triggerer',
  dagProcessor: 'airflow-dag-processor',
  workers: 'airflow-worker',
} as const;

export interface AirflowSizing {
  readonly replicas: number;
  readonly scheduler: AirflowResources;
  readonly apiServer: AirflowResources;
  readonly workers: AirflowResources;
}

export interface AirflowProps {
  /** The cluster whose OIDC provider the IRSA roles trust. */
  readonly cluster: KubernetesCluster;
  /** Environment name, prefix of the keys secret's name. */
  readonly environmentName: string;
  /** Region of Secrets Manager, S3 and the AWS connection. */
  readonly region: string;
  /** The Airflow chart, pinned. */
  readonly chart: PinnedChart;
  /** Chart that applies plain manifests (SecretStores and ExternalSecrets). */
  readonly manifestsChart: PinnedChart;
  /** The External Secrets Operator release: its CRDs must exist before the secret syncs. */
  readonly externalSecrets: ITerraformDependable;
  /** Image Airflow and every task run (the pipelines image, with the DAGs' package). */
  readonly image: { readonly repositoryUrl: string; readonly tag: string };
  /** Airflow version inside `image`: the chart switches features by it (`airflowVersion`). */
  readonly airflowVersion: string;
  /** The DAGs: git-sync clones `repository` at `ref` and serves `subPath`. */
  readonly dags: { readonly repository: string; readonly ref: string; readonly subPath: string };
  /** Airflow's own database user and database (see `PostgresDatabase.addApplicationUser`). */
  readonly database: {
    /** Host; a `host:port` endpoint is accepted and its port dropped. */
    readonly endpoint: string;
    readonly port: number;
    readonly name: string;
    /** Secret with JSON keys `username` and `password`. */
    readonly userSecretArn: string;
    readonly userSecretKmsKeyArn?: string;
    /** Version of that password: a new one rolls every Airflow pod in the same apply. */
    readonly passwordVersion: number;
  };
  /** Bucket for remote task logs (under `AIRFLOW_LOG_PREFIX`). */
  readonly logs: { readonly bucketName: string; readonly bucketArn: string; readonly kmsKeyArn: string };
  /** Replicas, requests and limits of the components. */
  readonly sizing: AirflowSizing;
  /** Days a deleted keys secret can be restored; 0 frees the name at once. @default 30 */
  readonly secretRecoveryWindowDays?: number;
  /** What must exist before the Airflow release (the database bootstrap, database access). @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /** @default 'airflow' */
  readonly namespace?: string;
}

/**
 * Apache Airflow 3 on the official chart, KubernetesExecutor, on the platform's own pieces:
 * - metadata in its own PostgreSQL database as its own user (never the rotating master user);
 * - Fernet, API and JWT keys generated once into Secrets Manager and synced by External Secrets, so
 *   renders are stable (the chart otherwise generates new ones on every render, restarting pods and
 *   invalidating running tasks' tokens);
 * - FAB auth manager with an admin whose password lives in Secrets Manager;
 * - DAGs from git at a pinned ref, remote task logs in S3 through an IRSA role limited to the prefix.
 */
export class Airflow extends Construct {
  readonly release: Release;
  readonly namespace: NamespaceV1;
  readonly keysSecretArn: string;
  readonly logsRoleArn: string;
  /** The values given to the chart (typed against chart 1.21.0's keys). */
  readonly values: AirflowChartValues;

  constructor(scope: Construct, id: string, props: AirflowProps) {
    super(scope, id);
    requireProps(this.node.path, props, {
      cluster: 'object', environmentName: 'string', region: 'string', chart: 'object', manifestsChart: 'object',
      externalSecrets: 'object', image: 'object', airflowVersion: 'string', dags: 'object', database: 'object', logs: 'object', sizing: 'object',
    });
    const name = props.namespace ?? 'airflow';
    const { region, cluster, database } = props;
    validate(this.node.path, props);

    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' } },
    });

    const keysKey = new EncryptionKey(this, 'KeysKey', {
      alias: `${props.environmentName}/airflow`,
      description: `Encrypts the ${props.environmentName} Airflow keys and admin password`,
    });
    const keys = new GeneratedSecret(this, 'Keys', {
      secretName: `${props.environmentName}/airflow/keys`,
      description: `Airflow keys and admin password of ${props.environmentName}; generated by Terraform, read by External Secrets`,
      kmsKeyArn: keysKey.keyArn,
      recoveryWindowDays: props.secretRecoveryWindowDays,
      generated: { 'fernet-key': 'fernet-key', 'api-secret-key': 'password', 'jwt-secret': 'password', 'admin-password': 'password' },
    });
    this.keysSecretArn = keys.secretArn;
    const keysSync = new SecretsManagerSync(this, 'KeysSync', {
      cluster,
      namespace: name,
      serviceAccount: 'airflow-keys-reader',
      secretArn: keys.secretArn,
      kmsKeyArn: keysKey.keyArn,
      region,
      targetSecretName: AIRFLOW_KEYS_SECRET,
      properties: ['fernet-key', 'api-secret-key', 'jwt-secret', 'admin-password'],
      manifestsChart: props.manifestsChart,
      releaseName: 'airflow-keys',
      dependsOn: [props.externalSecrets, this.namespace],
    });

    // The connection URI is assembled in the cluster from Airflow's own user secret: the password
    // passes through no Terraform configuration, state or Helm values.
    const host = Fn.element(Fn.split(':', database.endpoint), 0) as string;
    const metadataSync = new SecretsManagerSync(this, 'MetadataSync', {
      cluster,
      namespace: name,
      serviceAccount: 'airflow-metadata-reader',
      secretArn: database.userSecretArn,
      kmsKeyArn: database.userSecretKmsKeyArn,
      region,
      targetSecretName: AIRFLOW_METADATA_SECRET,
      properties: ['username', 'password'],
      template: {
        connection: `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${host}:${Token.asString(database.port)}/${database.name}?sslmode=require`,
      },
      // A new password version is re-read at once (a spec change), not at the next hourly refresh.
      secretAnnotations: { [PASSWORD_VERSION_ANNOTATION]: String(database.passwordVersion) },
      manifestsChart: props.manifestsChart,
      releaseName: 'airflow-metadata',
      dependsOn: [props.externalSecrets, this.namespace],
    });

    const logsRole = cluster.irsaRole('AirflowLogs', {
      scope: this,
      namespace: name,
      serviceAccount: Object.values(AIRFLOW_SERVICE_ACCOUNTS),
      policyStatements: [
        {
          sid: 'ListTheLogPrefix',
          actions: ['s3:ListBucket'],
          resources: [props.logs.bucketArn],
          // The prefix itself too: without it a missing log key answers 403 instead of 404.
          condition: [{ test: 'StringLike', variable: 's3:prefix', values: [AIRFLOW_LOG_PREFIX, `${AIRFLOW_LOG_PREFIX}/`, `${AIRFLOW_LOG_PREFIX}/*`] }],
        },
        {
          sid: 'ReadAndWriteTaskLogs',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [`${props.logs.bucketArn}/${AIRFLOW_LOG_PREFIX}/*`],
        },
        kmsViaService('UseTheLogsBucketKey', ['kms:Decrypt', 'kms:GenerateDataKey'], props.logs.kmsKeyArn, `s3.${region}.amazonaws.com`),
      ],
    });
    this.logsRoleArn = logsRole.arn;
    const account = (component: keyof typeof AIRFLOW_SERVICE_ACCOUNTS) => ({
      create: true,
      name: AIRFLOW_SERVICE_ACCOUNTS[component],
      annotations: { 'eks.amazonaws.com/role-arn': logsRole.arn },
    });
    const { sizing } = props;

    this.values = {
      airflowVersion: props.airflowVersion,
      // workloads/pipelines/Dockerfile runs as the workload contract's runAsUser, in a group of the same number (not root's).
      uid: WORKLOAD_CONTRACT.runAsUser,
      gid: WORKLOAD_CONTRACT.runAsUser,
      images: { airflow: { repository: props.image.repositoryUrl, tag: props.image.tag, pullPolicy: 'IfNotPresent' } },
      executor: 'KubernetesExecutor',
      postgresql: { enabled: false },
      redis: { enabled: false },
      pgbouncer: { enabled: false },
      data: { metadataSecretName: AIRFLOW_METADATA_SECRET },
      fernetKeySecretName: AIRFLOW_KEYS_SECRET,
      apiSecretKeySecretName: AIRFLOW_KEYS_SECRET,
      jwtSecretName: AIRFLOW_KEYS_SECRET,
      // A new database password changes every pod template: the release rolls them in the same apply.
      airflowPodAnnotations: { [PASSWORD_VERSION_ANNOTATION]: String(database.passwordVersion) },
      // Terraform waits for the release; Helm hooks would wait for secrets that are created async.
      migrateDatabaseJob: { useHelmHooks: false },
      createUserJob: {
        useHelmHooks: false,
        defaultUser: { enabled: true, role: 'Admin', username: AIRFLOW_ADMIN_USER, email: `${AIRFLOW_ADMIN_USER}@${props.environmentName}.airflow.invalid`, firstName: 'Platform', lastName: 'Admin' },
        env: [{ name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: AIRFLOW_KEYS_SECRET, key: 'admin-password' } } }],
        // The chart's own args would put `defaultUser.password` (plain text in the values) on the command
        // line. `users create` leaves an existing user alone; `reset-password` then sets the password from
        // Secrets Manager on every run, so the two never drift.
        args: [
          'bash',
          '-c',
          [
            `airflow users create --role Admin --username ${AIRFLOW_ADMIN_USER} --email ${AIRFLOW_ADMIN_USER}@${props.environmentName}.airflow.invalid --firstname Platform --lastname Admin --password "$ADMIN_PASSWORD" || true`,
            `exec airflow users reset-password --username ${AIRFLOW_ADMIN_USER} --password "$ADMIN_PASSWORD"`,
          ].join('\n'),
        ],
      },
      dags: {
        persistence: { enabled: false },
        // git-sync v4 checks out `ref` (a tag or commit); `branch` is only its v3 fallback.
        gitSync: { enabled: true, repo: props.dags.repository, ref: props.dags.ref, subPath: props.dags.subPath, depth: 1 },
      },
      config: {
        core: { auth_manager: FAB_AUTH_MANAGER },
        logging: {
          remote_logging: 'True',
          remote_base_log_folder: `s3://${props.logs.bucketName}/${AIRFLOW_LOG_PREFIX}`,
          remote_log_conn_id: 'aws_default',
          // The bucket's default SSE-KMS encrypts; Airflow's own flag would ask for SSE-S3 instead.
          encrypt_s3_logs: 'False',
        },
      },
      // IRSA credentials come from the pod's web identity; the connection only names the region.
      env: [{ name: 'AIRFLOW_CONN_AWS_DEFAULT', value: JSON.stringify({ conn_type: 'aws', extra: { region_name: region } }) }],
      scheduler: { serviceAccount: account('scheduler'), replicas: sizing.replicas, resources: sizing.scheduler },
      apiServer: { serviceAccount: account('apiServer'), replicas: sizing.replicas, resources: sizing.apiServer },
      // Task logs go to S3: no volume, so no claim to bind (the chart's default is a 100Gi claim).
      triggerer: { serviceAccount: account('triggerer'), resources: sizing.scheduler, persistence: { enabled: false } },
      dagProcessor: { serviceAccount: account('dagProcessor'), resources: sizing.scheduler },
      workers: { resources: sizing.workers, persistence: { enabled: false }, kubernetes: { serviceAccount: account('workers') } },
    };
    this.release = pinnedRelease(this, 'Release', {
      name: 'airflow',
      namespace: name,
      chart: props.chart,
      values: this.values,
      dependsOn: [keysSync.release, metadataSync.release, this.namespace, ...(props.dependsOn ?? [])],
    });
  }
}

function validate(path: string, props: AirflowProps): void {
  const problems: string[] = [];
  const known = (v: unknown) => !Token.isUnresolved(v);
  if (!props.image?.repositoryUrl || !props.image?.tag) problems.push('image: repositoryUrl and tag are required');
  if (known(props.airflowVersion) && !/^[23]\.\d+\.\d+$/.test(props.airflowVersion ?? '')) problems.push(`airflowVersion ("${props.airflowVersion}") must be an Airflow version such as "3.2.0"`);
  if (!props.dags?.repository || !props.dags?.ref) problems.push('dags: repository and ref are required');
  if (!props.database?.userSecretArn) problems.push('database.userSecretArn is required (Airflow logs in as its own user, never the master user)');
  if (props.database && (!Number.isInteger(props.database.passwordVersion) || props.database.passwordVersion < 1)) {
    problems.push(`database.passwordVersion (${props.database.passwordVersion}) must be a positive whole number`);
  }
  if (props.sizing && (!Number.isInteger(props.sizing.replicas) || props.sizing.replicas < 1)) problems.push(`sizing.replicas (${props.sizing.replicas}) must be a positive whole number`);
  if (!props.sizing) problems.push('sizing is required');
  if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`);
}
