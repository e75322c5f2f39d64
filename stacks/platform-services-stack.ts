import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, type TerraformResource, Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { KubernetesCluster } from '../constructs/cluster/kubernetes-cluster';
import { pinnedRelease } from '../constructs/cluster/helm-release';
import { kmsViaService } from '../constructs/core/grants';
import { loadBalancerControllerStatements } from '../constructs/cluster/load-balancer-controller-policy';
import { SecretsManagerSync } from '../constructs/cluster/secrets-manager-sync';
import { ClusterObservability } from '../constructs/observability/cluster-observability';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { stackName } from './names';
import { clusterConnection } from './cluster-connection';
import { PlatformStack } from './platform-stack';
import { recordSuppression } from '../constructs/core/policy-suppression';

/**
 * Every Helm chart this stack installs, pinned. Bump a version here, read the chart's upgrade notes,
 * and review the plan: the chart version is the only thing that moves a release.
 */
export const PLATFORM_CHARTS = {
  metricsServer: { repository: 'https://kubernetes-sigs.github.io/metrics-server', chart: 'metrics-server', version: '3.13.0' },
  clusterAutoscaler: { repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.56.0' },
  awsLoadBalancerController: { repository: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '3.5.0' },
  externalSecrets: { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.6.0' },
  /** Plain manifests (the SecretStore and ExternalSecret) applied after the operator's CRDs exist. */
  raw: { repository: 'https://bedag.github.io/helm-charts', chart: 'raw', version: '1.1.0' },
  airflow: { repository: 'https://airflow.apache.org', chart: 'airflow', version: '1.22.0' },
} as const;

/**
 * One database per application on the shared instance: Airflow and MLflow both version their schema
 * in an `alembic_version` table, so sharing one database makes the second migration fail.
 */
export const APPLICATION_DATABASES = { airflow: 'airflow', mlflow: 'mlflow' } as const;

/** Image of the Job that creates the application databases (psql; an immutable version tag). */
export const DATABASE_BOOTSTRAP_IMAGE = 'postgres:17.4-alpine';

/** Where Airflow's backends live; the data stack provides every value. */
export interface AirflowBackends {
  /** Secrets Manager secret RDS manages for the master user (JSON with `username` and `password`). */
  readonly databaseSecretArn: string;
  /** KMS key of that secret. @default - the AWS-managed `aws/secretsmanager` key (no grant needed) */
  readonly databaseSecretKmsKeyArn?: string;
  /** Database host; a `host:port` endpoint is accepted and its port dropped. */
  readonly databaseEndpoint: string;
  readonly databasePort: number;
  /** Database the instance was created with; the bootstrap Job connects to it to create the others. */
  readonly adminDatabaseName: string;
  /** The security group: this stack lets the cluster's nodes in on `databasePort`. */
  readonly databaseSecurityGroupId: string;
  readonly logsBucketName: string;
  readonly logsBucketArn: string;
  readonly logsBucketKmsKeyArn: string;
}

/** Where alerts go: the environment's alarm topic (from the network stack). */
export interface AlertingTarget {
  readonly alarmTopicArn: string;
  readonly alarmTopicKeyArn: string;
}

export interface PlatformServicesDependencies {
  readonly cluster: KubernetesCluster;
  readonly airflow: AirflowBackends;
  readonly alerting: AlertingTarget;
}

const AIRFLOW_NAMESPACE = 'airflow';
const EXTERNAL_SECRETS_NAMESPACE = 'external-secrets';
/** Kubernetes secret the ExternalSecret writes and the Airflow chart reads (`data.metadataSecretName`). */
export const AIRFLOW_METADATA_SECRET = 'airflow-metadata';
const AIRFLOW_SECRETS_READER_SA = 'airflow-secrets-reader';
/** Prefix of Airflow's task logs in the logs bucket. */
export const AIRFLOW_LOG_PREFIX = 'airflow/logs';

/** Airflow components that get a service account annotated with the logs role. */
const AIRFLOW_COMPONENTS = ['scheduler', 'workers', 'apiServer', 'webserver', 'triggerer', 'dagProcessor'] as const;

type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
const res = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Airflow sizing by tier; the environment schema has no Airflow sizing yet. */
const AIRFLOW_SIZING: Record<EnvironmentConfig['tier'], { replicas: number; scheduler: Resources; web: Resources; workers: Resources }> = {
  development: { replicas: 1, scheduler: res('250m', '512Mi', '1', '1Gi'), web: res('250m', '512Mi', '1', '1Gi'), workers: res('250m', '512Mi', '1', '1Gi') },
  staging: { replicas: 2, scheduler: res('500m', '1Gi', '1', '2Gi'), web: res('250m', '1Gi', '1', '2Gi'), workers: res('500m', '1Gi', '2', '2Gi') },
  production: { replicas: 2, scheduler: res('1', '2Gi', '2', '4Gi'), web: res('500m', '1Gi', '1', '2Gi'), workers: res('1', '2Gi', '2', '4Gi') },
};

/**
 * `<env>-platform`: cluster services installed with Helm (metrics-server, cluster-autoscaler, the AWS
 * Load Balancer Controller, External Secrets Operator, Airflow, kube-prometheus-stack and Fluent Bit)
 * and their IRSA roles.
 *
 * This stack talks to the cluster's API at plan time, so it is planned only after `<env>-cluster`
 * has been applied: on a brand-new environment, `cdktf deploy 'dev-*'` applies the cluster first and
 * a pull-request plan says that this stack is planned after the cluster exists.
 */
export class PlatformServicesStack extends PlatformStack {
  /** kube-prometheus-stack, Fluent Bit and what they need (roles, log group, Grafana admin secret). */
  readonly observability: ClusterObservability;
  readonly releases: Record<'metricsServer' | 'clusterAutoscaler' | 'awsLoadBalancerController' | 'externalSecrets' | 'airflowSecrets' | 'airflow', Release>;

  constructor(scope: Construct, shared: SharedConfig, environment: EnvironmentConfig, dependencies: PlatformServicesDependencies) {
    super(scope, stackName(environment.name, 'platform'), { shared, environment, backend: 's3' });
    const { cluster, airflow } = dependencies;
    const region = this.region;
    const production = environment.tier === 'production';
    const partition = 'aws'; // AWS_REGIONS holds commercial regions only

    const { host, clusterCaCertificate, exec, cluster: eks } = clusterConnection(this, cluster.clusterName);
    new KubernetesProvider(this, 'kubernetes', { host, clusterCaCertificate, exec: [exec] });
    new HelmProvider(this, 'helm', { kubernetes: { host, clusterCaCertificate, exec } });

    const releaseId = (id: keyof typeof PLATFORM_CHARTS) => `${id.charAt(0).toUpperCase()}${id.slice(1)}Release`;
    const roleAnnotation = (arn: string) => ({ 'eks.amazonaws.com/role-arn': arn });
    const criticalAddon = { priorityClassName: 'system-cluster-critical' };

    // AWS Load Balancer Controller first: its webhook intercepts every Service the other charts create
    // and fails closed until the controller is ready, so every other release waits for it.
    const lbcRole = cluster.irsaRole('AwsLoadBalancerController', {
      scope: this,
      namespace: 'kube-system',
      serviceAccount: 'aws-load-balancer-controller',
      policyStatements: loadBalancerControllerStatements({ clusterName: cluster.clusterName, partition, region, accountId: this.accountId }),
    });
    // The controller's published policy (load-balancer-controller-policy.ts): it creates load balancers,
    // target groups and security groups it cannot name in advance; its writes are conditioned on the cluster tag.
    const lbcPolicy = 'the AWS Load Balancer Controller\'s published IAM policy: resources it creates cannot be named in advance, and its writes to them are conditioned on the elbv2.k8s.aws/cluster tag';
    for (const check of ['CKV_AWS_111', 'CKV_AWS_356']) recordSuppression(lbcRole.node.scope as Construct, check, lbcPolicy);
    const awsLoadBalancerController = pinnedRelease(this, releaseId('awsLoadBalancerController'), {
      name: 'aws-load-balancer-controller',
      namespace: 'kube-system',
      chart: PLATFORM_CHARTS.awsLoadBalancerController,
      values: {
        clusterName: cluster.clusterName,
        region,
        vpcId: eks.vpcConfig.get(0).vpcId,
        replicaCount: 2,
        serviceAccount: { create: true, name: 'aws-load-balancer-controller', annotations: roleAnnotation(lbcRole.arn) },
        resources: res('100m', '128Mi', '500m', '256Mi'),
        ...criticalAddon,
      },
    });
    const release = (
      id: keyof typeof PLATFORM_CHARTS,
      name: string,
      namespace: string,
      values: unknown,
      dependsOn: TerraformResource[] = [],
      options: { releaseId?: string; waitForJobs?: boolean } = {},
    ) =>
      pinnedRelease(this, options.releaseId ?? releaseId(id), {
        name,
        namespace,
        chart: PLATFORM_CHARTS[id],
        values,
        dependsOn: [awsLoadBalancerController, ...dependsOn],
        waitForJobs: options.waitForJobs,
      });

    // metrics-server: no AWS permissions.
    const metricsServer = release('metricsServer', 'metrics-server', 'kube-system', {
      replicas: production ? 2 : 1,
      podDisruptionBudget: { enabled: production, minAvailable: 1 },
      resources: res('100m', '200Mi', '500m', '400Mi'),
      ...criticalAddon,
    });

    // cluster-autoscaler: scales only the Auto Scaling groups EKS tagged as this cluster's.
    const autoscalerRole = cluster.irsaRole('ClusterAutoscaler', {
      scope: this,
      namespace: 'kube-system',
      serviceAccount: 'cluster-autoscaler',
      policyStatements: [
        {
          sid: 'ScaleThisClustersNodeGroups',
          actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
          resources: ['*'],
          condition: [{ test: 'StringEquals', variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster.clusterName}`, values: ['owned'] }],
        },
        {
          sid: 'ReadNodeGroupTemplates',
          actions: ['eks:DescribeNodegroup'],
          resources: cluster.nodeGroupArns,
        },
        {
          sid: 'Describe',
          actions: [
            'autoscaling:DescribeAutoScalingGroups',
            'autoscaling:DescribeAutoScalingInstances',
            'autoscaling:DescribeLaunchConfigurations',
            'autoscaling:DescribeScalingActivities',
            'autoscaling:DescribeTags',
            'ec2:DescribeImages',
            'ec2:DescribeInstanceTypes',
            'ec2:DescribeLaunchTemplateVersions',
            'ec2:GetInstanceTypesFromInstanceRequirements',
          ],
          resources: ['*'],
        },
      ],
    });
    const clusterAutoscaler = release('clusterAutoscaler', 'cluster-autoscaler', 'kube-system', {
      cloudProvider: 'aws',
      awsRegion: region,
      autoDiscovery: { clusterName: cluster.clusterName },
      rbac: { serviceAccount: { create: true, name: 'cluster-autoscaler', annotations: roleAnnotation(autoscalerRole.arn) } },
      // Workloads keep only scratch data in emptyDirs (/tmp), which must not pin a node.
      extraArgs: { 'balance-similar-node-groups': true, 'skip-nodes-with-system-pods': false, 'skip-nodes-with-local-storage': false, expander: 'least-waste' },
      resources: res('100m', '300Mi', '500m', '600Mi'),
      ...criticalAddon,
    });

    // External Secrets Operator. The controller has no AWS permissions of its own: each SecretStore
    // names a service account whose IRSA role reads exactly the secrets of its namespace.
    const esoNamespace = new NamespaceV1(this, 'ExternalSecretsNamespace', { metadata: { name: EXTERNAL_SECRETS_NAMESPACE } });
    const externalSecrets = release(
      'externalSecrets',
      'external-secrets',
      EXTERNAL_SECRETS_NAMESPACE,
      // Two controllers reconcile the same objects unless one leads.
      { installCRDs: true, replicaCount: production ? 2 : 1, leaderElect: production, podDisruptionBudget: { enabled: production, minAvailable: 1 } },
      [esoNamespace],
    );

    // Airflow.
    const airflowNamespace = new NamespaceV1(this, 'AirflowNamespace', {
      metadata: {
        name: AIRFLOW_NAMESPACE,
        labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' },
      },
    });
    // Connection URIs are assembled in the cluster from the RDS-managed secret: the password never
    // passes through Terraform (not in config, not in state, not in the Helm values).
    const dbHost = Fn.element(Fn.split(':', airflow.databaseEndpoint), 0) as string;
    const uri = (database: string) =>
      `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${dbHost}:${Token.asString(airflow.databasePort)}/${database}?sslmode=require`;
    const airflowSecrets = new SecretsManagerSync(this, 'AirflowSecrets', {
      cluster,
      namespace: AIRFLOW_NAMESPACE,
      serviceAccount: AIRFLOW_SECRETS_READER_SA,
      secretArn: airflow.databaseSecretArn,
      kmsKeyArn: airflow.databaseSecretKmsKeyArn,
      region,
      targetSecretName: AIRFLOW_METADATA_SECRET,
      properties: ['username', 'password'],
      template: { connection: uri(APPLICATION_DATABASES.airflow), 'admin-connection': uri(airflow.adminDatabaseName) },
      manifestsChart: PLATFORM_CHARTS.raw,
      releaseName: 'airflow-secrets',
      dependsOn: [externalSecrets, airflowNamespace],
    }).release;

    // Pods reach the database through the nodes' (the cluster's) security group.
    const databaseAccess = new VpcSecurityGroupIngressRule(this, 'DatabaseFromCluster', {
      securityGroupId: airflow.databaseSecurityGroupId,
      description: 'PostgreSQL from the EKS nodes (cluster security group)',
      ipProtocol: 'tcp',
      fromPort: airflow.databasePort,
      toPort: airflow.databasePort,
      referencedSecurityGroupId: cluster.clusterSecurityGroupId,
    });

    // Creates each application's database once, before Airflow migrates its own (idempotent: a Job that
    // finds the databases does nothing). Helm waits for it; a failure fails and rolls back the release.
    const databaseBootstrap = release(
      'raw',
      'database-bootstrap',
      AIRFLOW_NAMESPACE,
      { resources: [databaseBootstrapJob(Object.values(APPLICATION_DATABASES))] },
      [airflowSecrets, databaseAccess],
      { releaseId: 'DatabaseBootstrapRelease', waitForJobs: true },
    );

    const serviceAccountNames = AIRFLOW_COMPONENTS.map((c) => `airflow-${kebab(c)}`);
    const logsRole = cluster.irsaRole('AirflowLogs', {
      scope: this,
      namespace: AIRFLOW_NAMESPACE,
      serviceAccount: serviceAccountNames,
      policyStatements: [
        {
          sid: 'ListTheLogPrefix',
          actions: ['s3:ListBucket'],
          resources: [airflow.logsBucketArn],
          // The prefix itself too: without it a missing log key answers 403 instead of 404.
          condition: [{ test: 'StringLike', variable: 's3:prefix', values: [AIRFLOW_LOG_PREFIX, `${AIRFLOW_LOG_PREFIX}/`, `${AIRFLOW_LOG_PREFIX}/*`] }],
        },
        {
          sid: 'ReadAndWriteTaskLogs',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [`${airflow.logsBucketArn}/${AIRFLOW_LOG_PREFIX}/*`],
        },
        kmsViaService('UseTheLogsBucketKey', ['kms:Decrypt', 'kms:GenerateDataKey'], airflow.logsBucketKmsKeyArn, `s3.${region}.amazonaws.com`),
      ],
    });

    const sizing = AIRFLOW_SIZING[environment.tier];
    const { dagsRepository, dagsBranch, dagsSubPath } = environment.platform.airflow;
    const componentAccounts = Object.fromEntries(
      AIRFLOW_COMPONENTS.map((c, i) => [c, { serviceAccount: { create: true, name: serviceAccountNames[i], annotations: roleAnnotation(logsRole.arn) } }]),
    ) as Record<(typeof AIRFLOW_COMPONENTS)[number], object>;
    const airflowValues = {
      executor: 'KubernetesExecutor',
      postgresql: { enabled: false },
      redis: { enabled: false },
      pgbouncer: { enabled: false },
      data: { metadataSecretName: AIRFLOW_METADATA_SECRET },
      // Terraform waits for the release; Helm hooks would wait for a secret that is created async.
      migrateDatabaseJob: { useHelmHooks: false },
      createUserJob: { useHelmHooks: false },
      dags: {
        persistence: { enabled: false },
        gitSync: { enabled: true, repo: dagsRepository, branch: dagsBranch, subPath: dagsSubPath, depth: 1 },
      },
      config: {
        logging: {
          remote_logging: 'True',
          remote_base_log_folder: `s3://${airflow.logsBucketName}/${AIRFLOW_LOG_PREFIX}`,
          remote_log_conn_id: 'aws_default',
          // The bucket's default SSE-KMS encrypts; Airflow's own flag would ask for SSE-S3 instead.
          encrypt_s3_logs: 'False',
        },
      },
      // IRSA credentials come from the pod's web identity; the connection only names the region.
      env: [{ name: 'AIRFLOW_CONN_AWS_DEFAULT', value: JSON.stringify({ conn_type: 'aws', extra: { region_name: region } }) }],
      scheduler: { ...componentAccounts.scheduler, replicas: sizing.replicas, resources: sizing.scheduler },
      apiServer: { ...componentAccounts.apiServer, replicas: sizing.replicas, resources: sizing.web },
      webserver: { ...componentAccounts.webserver, replicas: sizing.replicas, resources: sizing.web, defaultUser: { enabled: false } },
      workers: { ...componentAccounts.workers, resources: sizing.workers },
      triggerer: { ...componentAccounts.triggerer, resources: sizing.scheduler },
      dagProcessor: { ...componentAccounts.dagProcessor, resources: sizing.scheduler },
    };
    const airflowRelease = release('airflow', 'airflow', AIRFLOW_NAMESPACE, airflowValues, [airflowSecrets, airflowNamespace, databaseAccess, databaseBootstrap]);
    const { observability } = environment;
    this.observability = new ClusterObservability(this, 'Observability', {
      cluster,
      environmentName: environment.name,
      region,
      prometheusRetentionDays: observability.prometheusRetentionDays,
      prometheusStorageGiB: observability.prometheusStorageGiB,
      logRetentionDays: observability.logRetentionDays,
      paging: observability.paging,
      alarmTopicArn: dependencies.alerting.alarmTopicArn,
      alarmTopicKeyArn: dependencies.alerting.alarmTopicKeyArn,
      highAvailability: production,
      // Environments other than production are torn down and rebuilt: free the secret's name at once.
      secretRecoveryWindowDays: production ? 30 : 0,
      externalSecrets,
      manifestsChart: PLATFORM_CHARTS.raw,
    });

    this.releases = { metricsServer, clusterAutoscaler, awsLoadBalancerController, externalSecrets, airflowSecrets, airflow: airflowRelease };
  }
}

function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * A Job creating the named databases if missing, as the master user (`admin-connection` of the
 * Airflow metadata secret). Restricted-profile security context; psql only reads, so the root
 * filesystem stays read-only.
 */
export function databaseBootstrapJob(databases: readonly string[]): Record<string, unknown> {
  const script = [
    'set -eu',
    `for db in ${databases.join(' ')}; do`,
    `  if [ "$(psql "$ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then`,
    `    psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -c "CREATE DATABASE \\"$db\\""`,
    '    echo "created database $db"',
    '  fi',
    'done',
  ].join('\n');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'database-bootstrap', namespace: AIRFLOW_NAMESPACE },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 86400,
      template: {
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'create-databases',
              image: DATABASE_BOOTSTRAP_IMAGE,
              command: ['/bin/sh', '-c', script],
              env: [{ name: 'ADMIN_URL', valueFrom: { secretKeyRef: { name: AIRFLOW_METADATA_SECRET, key: 'admin-connection' } } }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}
