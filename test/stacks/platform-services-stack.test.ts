import { Release } from '@cdktf/provider-helm/lib/release';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { environments, shared } from '../../environments';
import { ClusterStack } from '../../stacks/cluster-stack';
import { NetworkStack } from '../../stacks/network-stack';
import { type AirflowBackends, DATABASE_BOOTSTRAP_IMAGE, PLATFORM_CHARTS, PlatformServicesStack } from '../../stacks/platform-services-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const only = (resources: Json) => Object.values(resources ?? {}) as Json[];

const airflow: AirflowBackends = {
  databaseSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-1234-AbCdEf',
  databaseSecretKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/secret-key',
  databaseEndpoint: 'platform.abc.eu-west-1.rds.amazonaws.com:5432',
  databasePort: 5432,
  adminDatabaseName: 'platform',
  databaseSecurityGroupId: 'sg-database',
  logsBucketName: 'dev-airflow-logs',
  logsBucketArn: 'arn:aws:s3:::dev-airflow-logs',
  logsBucketKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/logs-key',
};

function build(envName: keyof typeof environments, backends: AirflowBackends = airflow) {
  const app = Testing.app();
  const environment = environments[envName];
  const network = new NetworkStack(app, shared, environment);
  const cluster = new ClusterStack(app, shared, environment, { network: network.network });
  const stack = new PlatformServicesStack(app, shared, environment, {
    cluster: cluster.cluster,
    airflow: backends,
    alerting: { alarmTopicArn: network.alarmTopic.topicArn, alarmTopicKeyArn: network.alarmTopic.encryptionKey.keyArn },
  });
  app.synth(); // resolves the cross-stack references to the cluster stack
  return { stack, synthesized: Testing.synth(stack, true) };
}

function releases(json: Json): Record<string, Json> {
  return Object.fromEntries(only(json.resource.helm_release).map((r) => [r.name, r]));
}
function policy(json: Json, prefix: string): Json {
  const key = Object.keys(json.data.aws_iam_policy_document).find((k) => k.startsWith(prefix));
  if (!key) throw new Error(`no policy document ${prefix}`);
  return json.data.aws_iam_policy_document[key];
}

describe.each(Object.keys(environments) as (keyof typeof environments)[])('PlatformServicesStack (%s)', (envName) => {
  const environment = environments[envName];
  const { stack, synthesized } = build(envName);
  const json = JSON.parse(synthesized);
  const byName = releases(json);

  it('is the <env>-platform stack and reads the cluster from the cluster stack\'s state', () => {
    expect(stack.node.id).toBe(`${envName}-platform`);
    expect(json.terraform.backend.s3.key).toBe(`${envName}-platform/terraform.tfstate`);
    expect(json.data.terraform_remote_state[`cross-stack-reference-input-${envName}-cluster`].config.key).toBe(`${envName}-cluster/terraform.tfstate`);
  });

  it('authenticates to the cluster with aws eks get-token, as the deploying role', () => {
    const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', '${data.aws_eks_cluster.Cluster.name}', '--region', environment.account.region, '--role-arn', '${var.aws_role_arn}'] };
    expect(json.provider.kubernetes[0].exec).toEqual([exec]);
    expect(json.provider.helm[0].kubernetes.exec).toEqual(exec);
    expect(json.provider.helm[0].kubernetes.host).toBe('${data.aws_eks_cluster.Cluster.endpoint}');
    expect(json.provider.kubernetes[0].token).toBeUndefined();
    expect(json.data.aws_eks_cluster_auth).toBeUndefined();
  });

  it('installs metrics-server, the cluster autoscaler, the load balancer controller and Airflow at pinned versions', () => {
    for (const [name, chart] of [
      ['metrics-server', PLATFORM_CHARTS.metricsServer],
      ['cluster-autoscaler', PLATFORM_CHARTS.clusterAutoscaler],
      ['aws-load-balancer-controller', PLATFORM_CHARTS.awsLoadBalancerController],
      ['external-secrets', PLATFORM_CHARTS.externalSecrets],
      ['airflow-secrets', PLATFORM_CHARTS.raw],
      ['airflow', PLATFORM_CHARTS.airflow],
    ] as const) {
      expect(synthesized).toHaveResourceWithProperties(Release, { name, chart: chart.chart, repository: chart.repository, version: chart.version, atomic: true });
    }
    for (const chart of Object.values(PLATFORM_CHARTS)) expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('installs every other release after the load balancer controller, whose webhook intercepts Services', () => {
    const lbc = Object.keys(json.resource.helm_release).find((k) => json.resource.helm_release[k].name === 'aws-load-balancer-controller')!;
    for (const name of ['metrics-server', 'cluster-autoscaler', 'external-secrets']) {
      expect(byName[name].depends_on).toContain(`helm_release.${lbc}`);
    }
    expect(byName['aws-load-balancer-controller'].depends_on ?? []).not.toContain(`helm_release.${lbc}`);
  });

  it('lets the autoscaler drain nodes whose pods only keep scratch data, and one External Secrets controller lead', () => {
    expect(parse(byName['cluster-autoscaler'].values[0]).extraArgs['skip-nodes-with-local-storage']).toBe(false);
    expect(parse(byName['external-secrets'].values[0]).leaderElect).toBe(environment.tier === 'production');
  });

  it('scopes the autoscaler to this cluster\'s node groups by tag', () => {
    const doc = policy(json, 'ClusterAutoscaler_Permissions');
    const scale = doc.statement.find((s: Json) => s.sid === 'ScaleThisClustersNodeGroups');
    expect(scale.condition[0]).toMatchObject({ test: 'StringEquals', values: ['owned'] });
    expect(scale.condition[0].variable).toMatch(/^aws:ResourceTag\/k8s\.io\/cluster-autoscaler\/\$\{data\.terraform_remote_state/);
    const values = parse(byName['cluster-autoscaler'].values[0]);
    expect(values.autoDiscovery.clusterName).toContain('cross-stack-output-aws_eks_cluster');
    expect(values.rbac.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toContain('aws_iam_role.ClusterAutoscaler');
    const trust = policy(json, 'ClusterAutoscaler_Trust');
    expect(trust.statement[0].condition[0].values).toEqual(['system:serviceaccount:kube-system:cluster-autoscaler']);
  });

  it('grants no wildcard actions to any service', () => {
    // Every policy attached to a role; key policies (the account's `kms:*` delegation) are not grants.
    const attached = only(json.resource.aws_iam_role_policy).map((p) => /data\.aws_iam_policy_document\.([\w-]+)\.json/.exec(p.policy)![1]);
    expect(attached.length).toBeGreaterThan(5);
    for (const name of attached) {
      for (const s of json.data.aws_iam_policy_document[name].statement) for (const a of s.actions ?? []) expect(a).not.toMatch(/(^\*$|:\*$)/);
    }
  });

  it('ties the load balancer controller\'s mutating permissions to this cluster\'s tag', () => {
    const doc = policy(json, 'AwsLoadBalancerController_Permissions');
    const manage = doc.statement.find((s: Json) => s.sid === 'ManageOwnLoadBalancers');
    expect(manage.condition).toEqual([{ test: 'StringEquals', variable: 'aws:ResourceTag/elbv2.k8s.aws/cluster', values: [expect.stringContaining('cross-stack-output-aws_eks_cluster')] }]);
    const values = parse(byName['aws-load-balancer-controller'].values[0]);
    expect(values.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toContain('AwsLoadBalancerController');
  });

  it('runs Airflow with the KubernetesExecutor on RDS, S3 remote logs and git-synced DAGs', () => {
    const values = parse(byName.airflow.values[0]);
    expect(values.executor).toBe('KubernetesExecutor');
    expect(values.postgresql.enabled).toBe(false);
    expect(values.redis.enabled).toBe(false);
    expect(values.data).toEqual({ metadataSecretName: 'airflow-metadata' });
    expect(values.config.logging).toMatchObject({ remote_logging: 'True', remote_base_log_folder: 's3://dev-airflow-logs/airflow/logs' });
    expect(values.dags.gitSync).toMatchObject({
      enabled: true,
      repo: environment.platform.airflow.dagsRepository,
      branch: environment.platform.airflow.dagsBranch,
      subPath: environment.platform.airflow.dagsSubPath,
    });
    expect(values.scheduler.resources.requests.cpu).toBeDefined();
    expect(values.webserver.resources.limits.memory).toBeDefined();
    expect(values.workers.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toContain('aws_iam_role.AirflowLogs');
    expect(byName.airflow.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('helm_release.AirflowSecrets_Release')]));
  });

  it('gives Airflow and MLflow databases of their own, created by a Job Helm waits for before Airflow', () => {
    const manifests = parse(byName['airflow-secrets'].values[0]).resources as Json[];
    const template = manifests.find((m) => m.kind === 'ExternalSecret')!.spec.target.template.data;
    expect(template.connection).toMatch(/\/airflow\?sslmode=require$/);
    expect(template['admin-connection']).toMatch(/\/platform\?sslmode=require$/);
    const bootstrap = byName['database-bootstrap'];
    expect(bootstrap).toMatchObject({ namespace: 'airflow', wait_for_jobs: true, atomic: true });
    const [job] = parse(bootstrap.values[0]).resources as Json[];
    expect(job.kind).toBe('Job');
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe(DATABASE_BOOTSTRAP_IMAGE);
    expect(container.command[2]).toContain('for db in airflow mlflow; do');
    expect(container.command[2]).toContain('CREATE DATABASE');
    expect(container.env).toEqual([{ name: 'ADMIN_URL', valueFrom: { secretKeyRef: { name: 'airflow-metadata', key: 'admin-connection' } } }]);
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.limits).toBeDefined();
    const bootstrapKey = Object.keys(json.resource.helm_release).find((k) => json.resource.helm_release[k].name === 'database-bootstrap');
    expect(byName.airflow.depends_on).toContain(`helm_release.${bootstrapKey}`);
  });

  it('delivers the database connection through External Secrets, never through Terraform', () => {
    expect(synthesized).not.toMatch(/password\s*[:=]\s*"?[^{"\s]/i);
    expect(json.data.aws_secretsmanager_secret_version).toBeUndefined();
    const manifests = parse(byName['airflow-secrets'].values[0]).resources as Json[];
    const external = manifests.find((m) => m.kind === 'ExternalSecret')!;
    expect(external.spec.target.name).toBe('airflow-metadata');
    expect(external.spec.target.template.data.connection).toMatch(/^postgresql:\/\/\{\{ \.username \| urlquery \}\}:\{\{ \.password \| urlquery \}\}@\$\{element\(split\(":", "platform\.abc.*"\), 0\)\}:5432\/airflow\?sslmode=require$/);
    expect(external.spec.data.map((d: Json) => d.remoteRef)).toEqual([
      { key: airflow.databaseSecretArn, property: 'username' },
      { key: airflow.databaseSecretArn, property: 'password' },
    ]);
    const store = manifests.find((m) => m.kind === 'SecretStore')!;
    expect(store.spec.provider.aws.auth.jwt.serviceAccountRef.name).toBe('airflow-secrets-reader');
    const reader = policy(json, 'AirflowSecrets_AirflowSecretsReader_Permissions');
    expect(reader.statement[0]).toMatchObject({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [airflow.databaseSecretArn] });
    expect(reader.statement[1]).toMatchObject({ actions: ['kms:Decrypt'], resources: [airflow.databaseSecretKmsKeyArn] });
  });

  it('limits Airflow\'s S3 access to its log prefix and lets the nodes reach the database', () => {
    const doc = policy(json, 'AirflowLogs_Permissions');
    const list = doc.statement.find((s: Json) => s.sid === 'ListTheLogPrefix');
    expect(list.condition[0].values).toEqual(['airflow/logs', 'airflow/logs/', 'airflow/logs/*']);
    const rw = doc.statement.find((s: Json) => s.sid === 'ReadAndWriteTaskLogs');
    expect(rw.resources).toEqual([`${airflow.logsBucketArn}/airflow/logs/*`]);
    const trust = policy(json, 'AirflowLogs_Trust');
    expect(trust.statement[0].condition[0].values).toContain('system:serviceaccount:airflow:airflow-workers');
    const rule = only(json.resource.aws_vpc_security_group_ingress_rule)[0];
    expect(rule).toMatchObject({ security_group_id: 'sg-database', from_port: 5432, to_port: 5432 });
    expect(rule.referenced_security_group_id).toContain('cluster_security_group_id');
  });
});

describe('PlatformServicesStack options', () => {
  it('asks for no KMS grant when the database secret uses the AWS-managed key', () => {
    const withoutKey: AirflowBackends = { ...airflow, databaseSecretKmsKeyArn: undefined };
    const json = JSON.parse(build('dev', withoutKey).synthesized);
    expect(policy(json, 'AirflowSecrets_AirflowSecretsReader_Permissions').statement).toHaveLength(1);
  });
});

// Nodes answer IMDS on one hop only (constructs/cluster/kubernetes-cluster.ts), so no pod can read the
// node's region, VPC or credentials from it: each controller that would look them up there is told them.
// Chart keys checked at the pinned tags: aws-load-balancer-controller v3.5.0 values.yaml `region`, `vpcId`
// (passed as --aws-region/--aws-vpc-id by templates/deployment.yaml); cluster-autoscaler chart 9.56.0
// values.yaml `awsRegion` (AWS_REGION env in templates/deployment.yaml).
describe('PlatformServicesStack without IMDS for pods', () => {
  // prod: the environment that pages, so Alertmanager publishes to SNS.
  const { synthesized } = build('prod');
  const json = JSON.parse(synthesized);
  const byName = releases(json);
  const region = environments.prod.account.region;
  const values = (name: string) => parse(byName[name].values[0]) as Json;

  it('gives the load balancer controller its region and VPC', () => {
    expect(values('aws-load-balancer-controller')).toMatchObject({ region, vpcId: expect.stringMatching(/vpc_config\[0\]\.vpc_id|vpcConfig/) });
  });

  it('gives the cluster autoscaler its region', () => {
    expect(values('cluster-autoscaler')).toMatchObject({ cloudProvider: 'aws', awsRegion: region });
  });

  it('gives every External Secrets store its region', () => {
    const stores = (values('airflow-secrets').resources as Json[]).filter((m) => m.kind === 'SecretStore');
    expect(stores.length).toBeGreaterThan(0);
    for (const store of stores) expect(store.spec.provider.aws.region).toBe(region);
  });

  it('gives Fluent Bit\'s CloudWatch output and Alertmanager\'s SNS sigv4 their region', () => {
    expect(values('fluent-bit').config.outputs).toMatch(new RegExp(`\\n\\s+region\\s+${region}\\n`));
    expect(JSON.stringify(values('kube-prometheus-stack').alertmanager)).toContain(`"sigv4":{"region":"${region}"}`);
  });
});
