import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';
import type { KubernetesCluster } from '../constructs/cluster/kubernetes-cluster';
import { pinnedRelease } from '../constructs/cluster/helm-release';
import { loadBalancerControllerStatements } from '../constructs/cluster/load-balancer-controller-policy';
import { DatabaseBootstrap } from '../constructs/database/database-bootstrap';
import { ClusterObservability } from '../constructs/observability/cluster-observability';
import { Airflow, type AirflowSizing } from '../constructs/orchestration/airflow';
import { ecrRepositoryUrl } from '../constructs/registry';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { APPLICATION_DATABASES, type ApplicationKey } from './data-stack';
import { stackName } from './names';
import { clusterConnection } from './cluster-connection';
import { PlatformStack } from './platform-stack';
import { recordSuppression } from '../constructs/core/policy-suppression';

/**
 * The hashicorp/helm provider version @cdktf/provider-helm 12.1.2 is generated for, and the Helm library
 * it embeds (its go.mod at tag v3.1.1: helm.sh/helm/v3 v3.18.4). The newest provider, v3.1.2, embeds
 * v3.18.5 (checked in hashicorp/terraform-provider-helm at that tag): no provider runs Helm 3.19 yet.
 */
export const HELM_PROVIDER = { version: '3.1.1', embeddedHelm: '3.18.4' } as const;

/**
 * Every Helm chart this stack installs, pinned. Bump a version here, read the chart's upgrade notes,
 * and review the plan: the chart version is the only thing that moves a release. Every version needs
 * its key tree (tools/chart-values) or typed values, and must run on `HELM_PROVIDER.embeddedHelm`.
 */
export const PLATFORM_CHARTS = {
  metricsServer: { repository: 'https://kubernetes-sigs.github.io/metrics-server', chart: 'metrics-server', version: '3.13.0' },
  clusterAutoscaler: { repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.56.0' },
  awsLoadBalancerController: { repository: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '3.5.0' },
  externalSecrets: { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.6.0' },
  /** Plain manifests (the SecretStore and ExternalSecret) applied after the operator's CRDs exist. */
  raw: { repository: 'https://bedag.github.io/helm-charts', chart: 'raw', version: '1.1.0' },
  /**
   * 1.21.0, not 1.22.0: 1.22.0 raised its minimum Helm to 3.19.0 (release notes of helm-chart/1.22.0,
   * apache/airflow#66970), above the Helm every helm provider embeds (`HELM_PROVIDER`); 1.21.0 is the
   * last release before that raise and already has Airflow 3's `apiServer`, `jwtSecretName`,
   * `apiSecretKeySecretName`, `createUserJob.defaultUser` and `workers.kubernetes.serviceAccount`.
   */
  airflow: { repository: 'https://airflow.apache.org', chart: 'airflow', version: '1.21.0' },
} as const;

/** Lowest Helm each pinned chart version declares it needs (the charts' docs and release notes). */
export const CHART_MINIMUM_HELM: Readonly<Record<string, string>> = {
  // Chart docs "Requirements: Helm 3.10+" (apache/airflow#48700); raised to 3.19.0 only in 1.22.0.
  'airflow@1.21.0': '3.10.0',
  'airflow@1.22.0': '3.19.0',
};

/** Shared ECR repository of the pipelines image (Airflow plus the DAGs' package). */
export const PIPELINES_REPOSITORY = 'data-pipeline';

/**
 * Airflow version of the pipelines image (the `apache-airflow` pin in workloads/pipelines/pyproject.toml, which a
 * test compares); the chart switches features by it (`airflowVersion`).
 */
export const AIRFLOW_VERSION = '3.3.2';

export { APPLICATION_DATABASES } from './data-stack';
export { AIRFLOW_LOG_PREFIX, AIRFLOW_METADATA_SECRET } from '../constructs/orchestration/airflow';
export { DATABASE_BOOTSTRAP_IMAGE, databaseBootstrapJob } from '../constructs/database/database-bootstrap';

/** Where Airflow's backends live; the data stack provides every value. */
export interface AirflowBackends {
  /** Secrets Manager secret RDS manages for the master user (JSON with `username` and `password`); only the bootstrap Job reads it. */
  readonly databaseSecretArn: string;
  /** KMS key of the database's secrets (master and application users). @default - the AWS-managed `aws/secretsmanager` key */
  readonly databaseSecretKmsKeyArn?: string;
  /** Each application's own database user (`DataStack.databaseUsers`). */
  readonly databaseUsers: Readonly<Record<ApplicationKey, { readonly username: string; readonly secretArn: string; readonly passwordVersion: number }>>;
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

const EXTERNAL_SECRETS_NAMESPACE = 'external-secrets';

type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
const res = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Airflow sizing by tier; the environment schema has no Airflow sizing yet. */
const AIRFLOW_SIZING: Record<EnvironmentConfig['tier'], AirflowSizing> = {
  development: { replicas: 1, scheduler: res('250m', '512Mi', '1', '1Gi'), apiServer: res('250m', '512Mi', '1', '1Gi'), workers: res('250m', '512Mi', '1', '1Gi') },
  staging: { replicas: 2, scheduler: res('500m', '1Gi', '1', '2Gi'), apiServer: res('250m', '1Gi', '1', '2Gi'), workers: res('500m', '1Gi', '2', '2Gi') },
  production: { replicas: 2, scheduler: res('1', '2Gi', '2', '4Gi'), apiServer: res('500m', '1Gi', '1', '2Gi'), workers: res('1', '2Gi', '2', '4Gi') },
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
  /** Airflow: chart, keys, database user, logs role. */
  readonly airflow: Airflow;
  readonly releases: Record<'metricsServer' | 'clusterAutoscaler' | 'awsLoadBalancerController' | 'externalSecrets' | 'databaseBootstrap' | 'airflow', Release>;

  constructor(scope: Construct, shared: SharedConfig, environment: EnvironmentConfig, dependencies: PlatformServicesDependencies) {
    super(scope, stackName(environment.name, 'platform'), { shared, environment, backend: 's3' });
    const { cluster, airflow } = dependencies;
    const region = this.region;
    const production = environment.tier === 'production';
    const partition = 'aws'; // AWS_REGIONS holds commercial regions only

    const { host, clusterCaCertificate, exec, cluster: eks } = clusterConnection(this, cluster.clusterName);
    new KubernetesProvider(this, 'kubernetes', { host, clusterCaCertificate, exec: [exec] });
    // Release state in ConfigMaps, not Secrets (hashicorp/helm 3.1.1 `helm_driver`), so the read-only planner
    // plans this stack without reading any Secret (its EKS access policy is AmazonEKSViewPolicy). Trade-off: a
    // release record (values and rendered manifests) is readable by whoever may view ConfigMaps in its namespace,
    // so credentials reach charts only through existing Secrets (External Secrets), never through values.
    new HelmProvider(this, 'helm', { kubernetes: { host, clusterCaCertificate, exec }, helmDriver: 'configmap' });

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

    // Pods reach the database through the nodes' (the cluster's) security group.
    const databaseAccess = new VpcSecurityGroupIngressRule(this, 'DatabaseFromCluster', {
      securityGroupId: airflow.databaseSecurityGroupId,
      description: 'PostgreSQL from the EKS nodes (cluster security group)',
      ipProtocol: 'tcp',
      fromPort: airflow.databasePort,
      toPort: airflow.databasePort,
      referencedSecurityGroupId: cluster.clusterSecurityGroupId,
    });

    // Each application's user and database, created as the master user before any application starts.
    const users = airflow.databaseUsers;
    const databaseBootstrap = new DatabaseBootstrap(this, 'DatabaseBootstrap', {
      cluster,
      region,
      endpoint: airflow.databaseEndpoint,
      port: airflow.databasePort,
      adminDatabaseName: airflow.adminDatabaseName,
      masterSecretArn: airflow.databaseSecretArn,
      masterSecretKmsKeyArn: airflow.databaseSecretKmsKeyArn,
      users: (Object.keys(APPLICATION_DATABASES) as ApplicationKey[]).map((app) => ({ ...users[app], kmsKeyArn: airflow.databaseSecretKmsKeyArn })),
      manifestsChart: PLATFORM_CHARTS.raw,
      dependsOn: [awsLoadBalancerController, externalSecrets, databaseAccess],
    });

    const airflowConfig = environment.platform.airflow;
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
    this.airflow = new Airflow(this, 'Airflow', {
      cluster,
      environmentName: environment.name,
      region,
      chart: PLATFORM_CHARTS.airflow,
      manifestsChart: PLATFORM_CHARTS.raw,
      externalSecrets,
      image: { repositoryUrl: ecrRepositoryUrl(shared.account.id, shared.account.region, PIPELINES_REPOSITORY), tag: airflowConfig.imageTag },
      airflowVersion: AIRFLOW_VERSION,
      dags: {
        repository: airflowConfig.dagsRepository ?? `https://github.com/${shared.github.repository}.git`,
        ref: airflowConfig.dagsRef,
        subPath: airflowConfig.dagsSubPath,
      },
      database: {
        endpoint: airflow.databaseEndpoint,
        port: airflow.databasePort,
        name: APPLICATION_DATABASES.airflow,
        userSecretArn: users.airflow.secretArn,
        userSecretKmsKeyArn: airflow.databaseSecretKmsKeyArn,
        passwordVersion: users.airflow.passwordVersion,
      },
      logs: { bucketName: airflow.logsBucketName, bucketArn: airflow.logsBucketArn, kmsKeyArn: airflow.logsBucketKmsKeyArn },
      sizing: AIRFLOW_SIZING[environment.tier],
      secretRecoveryWindowDays: production ? 30 : 0,
      dependsOn: [awsLoadBalancerController, databaseAccess, databaseBootstrap.release],
    });

    this.releases = { metricsServer, clusterAutoscaler, awsLoadBalancerController, externalSecrets, databaseBootstrap: databaseBootstrap.release, airflow: this.airflow.release };
  }
}
