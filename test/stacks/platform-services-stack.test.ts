import { WORKLOAD_CONTRACT } from '../../k8s/contract';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { environments, shared } from '../../environments';
import { ClusterStack } from '../../stacks/cluster-stack';
import { NetworkStack } from '../../stacks/network-stack';
import * as fs from 'fs';
import * as path from 'path';
import {
  AIRFLOW_VERSION,
  type AirflowBackends,
  CHART_MINIMUM_HELM,
  DATABASE_BOOTSTRAP_IMAGE,
  HELM_PROVIDER,
  PIPELINES_REPOSITORY,
  PLATFORM_CHARTS,
  PlatformServicesStack,
} from '../../stacks/platform-services-stack';

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
  databaseUsers: {
    airflow: { username: 'airflow', secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:platform/users/airflow-AbCdEf', passwordVersion: 1 },
    mlflow: { username: 'mlflow', secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:platform/users/mlflow-AbCdEf', passwordVersion: 3 },
  },
};

const defaultBuilds = new Map<keyof typeof environments, ReturnType<typeof synthesize>>();

/**
 * An environment's platform stack, synthesized; with the default backends each environment is built once
 * per file (the tests only read the result), a test that changes the backends gets a build of its own.
 */
function build(envName: keyof typeof environments, backends: AirflowBackends = airflow) {
  if (backends !== airflow) return synthesize(envName, backends);
  if (!defaultBuilds.has(envName)) defaultBuilds.set(envName, synthesize(envName, backends));
  return defaultBuilds.get(envName)!;
}

function synthesize(envName: keyof typeof environments, backends: AirflowBackends) {
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
      ['airflow-keys', PLATFORM_CHARTS.raw],
      ['airflow-metadata', PLATFORM_CHARTS.raw],
      ['database-bootstrap', PLATFORM_CHARTS.raw],
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

  it('runs Airflow 3 with the KubernetesExecutor on the pipelines image, S3 remote logs and DAGs git-synced at a pinned ref', () => {
    const values = parse(byName.airflow.values[0]);
    const config = environment.platform.airflow;
    expect(values.executor).toBe('KubernetesExecutor');
    expect(values.postgresql.enabled).toBe(false);
    expect(values.redis.enabled).toBe(false);
    expect(values.data).toEqual({ metadataSecretName: 'airflow-metadata' });
    expect(values.config.logging).toMatchObject({ remote_logging: 'True', remote_base_log_folder: 's3://dev-airflow-logs/airflow/logs' });
    expect(values.images.airflow).toEqual({
      repository: `${shared.account.id}.dkr.ecr.${shared.account.region}.amazonaws.com/${PIPELINES_REPOSITORY}`,
      tag: config.imageTag,
      pullPolicy: 'IfNotPresent',
    });
    expect(shared.registry.repositories).toContain(PIPELINES_REPOSITORY);
    // git-sync v4 `ref`; `branch` is the v3 fallback. The DAGs live in this repository by default.
    expect(values.dags.gitSync).toEqual({
      enabled: true,
      repo: `https://github.com/${shared.github.repository}.git`,
      ref: config.dagsRef,
      subPath: 'workloads/pipelines/dags',
      depth: 1,
    });
    expect(values.scheduler.resources.requests.cpu).toBeDefined();
    expect(values.apiServer.resources.limits.memory).toBeDefined();
  });

  it('sets nothing under webserver (ignored by Airflow 3) and no deprecated workers.serviceAccount; task pods use workers.kubernetes', () => {
    const values = parse(byName.airflow.values[0]);
    expect(values.webserver).toBeUndefined();
    expect(values.workers.serviceAccount).toBeUndefined();
    expect(values.workers.kubernetes.serviceAccount).toMatchObject({ create: true, name: 'airflow-worker' });
    expect(values.workers.kubernetes.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toContain('aws_iam_role.Airflow_AirflowLogs');
    const trusted = policy(json, 'Airflow_AirflowLogs_Trust').statement[0].condition[0].values as string[];
    expect(trusted).not.toContain('system:serviceaccount:airflow:airflow-webserver');
    expect(trusted.sort()).toEqual(
      ['airflow-api-server', 'airflow-dag-processor', 'airflow-scheduler', 'airflow-triggerer', 'airflow-worker'].map((sa) => `system:serviceaccount:airflow:${sa}`),
    );
  });

  it('keeps the triggerer off persistent volumes (logs go to S3): no claim without a class can stay Pending', () => {
    const values = parse(byName.airflow.values[0]);
    expect(values.triggerer.persistence).toEqual({ enabled: false });
    expect(values.workers.persistence).toEqual({ enabled: false });
    expect(values.dags.persistence).toEqual({ enabled: false });
  });

  it('reads stable Fernet, API and JWT keys from Secrets Manager instead of letting the chart generate them per render', () => {
    const values = parse(byName.airflow.values[0]);
    expect(values).toMatchObject({ fernetKeySecretName: 'airflow-keys', apiSecretKeySecretName: 'airflow-keys', jwtSecretName: 'airflow-keys' });
    expect(values.fernetKey).toBeUndefined();
    expect(values.jwtSecret).toBeUndefined();
    const external = (parse(byName['airflow-keys'].values[0]).resources as Json[]).find((m) => m.kind === 'ExternalSecret')!;
    expect(external.spec.target.name).toBe('airflow-keys');
    expect(external.spec.data.map((d: Json) => d.secretKey)).toEqual(['fernet-key', 'api-secret-key', 'jwt-secret', 'admin-password']);
    const secret = only(json.resource.aws_secretsmanager_secret).find((x) => x.name === `${envName}/airflow/keys`)!;
    expect(secret.kms_key_id).toContain('aws_kms_key.Airflow_KeysKey');
    const version = only(json.resource.aws_secretsmanager_secret_version).find((v) => String(v.secret_string_wo).includes('fernet-key'))!;
    // URL-safe base64 of 32 random bytes: what Fernet accepts.
    expect(version.secret_string_wo).toMatch(/"fernet-key" = replace\(replace\(base64encode\(ephemeral\.random_password\.\w+\.result\), "\+", "-"\), "\/", "_"\)/);
    expect(version.secret_string).toBeUndefined();
  });

  it('logs in through the FAB auth manager as an admin whose password comes from Secrets Manager', () => {
    const values = parse(byName.airflow.values[0]);
    expect(values.config.core.auth_manager).toBe('airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager');
    const job = values.createUserJob;
    expect(job.defaultUser).toMatchObject({ enabled: true, username: 'admin', role: 'Admin' });
    expect(job.defaultUser.password).toBeUndefined();
    expect(job.env).toEqual([{ name: 'ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'airflow-keys', key: 'admin-password' } } }]);
    expect(job.args[2]).toContain('exec airflow users reset-password --username admin --password "$ADMIN_PASSWORD"');
  });

  it('connects Airflow as its own database user, never the master user', () => {
    const manifests = parse(byName['airflow-metadata'].values[0]).resources as Json[];
    const external = manifests.find((m) => m.kind === 'ExternalSecret')!;
    expect(external.spec.target.template.data.connection).toMatch(/^postgresql:\/\/\{\{ \.username \| urlquery \}\}:\{\{ \.password \| urlquery \}\}@\$\{element\(split\(":", "platform\.abc.*"\), 0\)\}:5432\/airflow\?sslmode=require$/);
    expect(external.spec.data.map((d: Json) => d.remoteRef.key)).toEqual([airflow.databaseUsers.airflow.secretArn, airflow.databaseUsers.airflow.secretArn]);
    expect(external.spec.target.template.metadata.annotations).toEqual({ 'platform.mlops/database-password-version': '1' });
    const reader = policy(json, 'Airflow_MetadataSync_MetadataSyncReader_Permissions');
    expect(reader.statement[0].resources).toEqual([airflow.databaseUsers.airflow.secretArn]);
    expect(JSON.stringify(reader)).not.toContain(airflow.databaseSecretArn);
    // A new password version changes every pod template, so the release rolls the pods.
    expect(parse(byName.airflow.values[0]).airflowPodAnnotations).toEqual({ 'platform.mlops/database-password-version': '1' });
  });

  it('uses the master user only in the bootstrap Job, which creates each application\'s user and database before Airflow', () => {
    const bootstrap = byName['database-bootstrap'];
    expect(bootstrap).toMatchObject({ namespace: 'database-bootstrap', wait_for_jobs: true, atomic: true });
    const [job] = parse(bootstrap.values[0]).resources as Json[];
    expect(job.metadata.name).toMatch(/^database-bootstrap-[0-9a-f]{10}$/);
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe(DATABASE_BOOTSTRAP_IMAGE);
    expect(container.command[2]).toContain('for app in airflow mlflow; do');
    expect(container.env).toEqual([{ name: 'ADMIN_URL', valueFrom: { secretKeyRef: { name: 'database-bootstrap', key: 'admin-connection' } } }]);
    const secrets = (parse(byName['database-bootstrap-secrets'].values[0]).resources as Json[]).find((m) => m.kind === 'ExternalSecret')!;
    expect(secrets.spec.data.map((d: Json) => d.remoteRef.key)).toEqual([
      airflow.databaseSecretArn,
      airflow.databaseSecretArn,
      airflow.databaseUsers.airflow.secretArn,
      airflow.databaseUsers.mlflow.secretArn,
    ]);
    expect(secrets.spec.target.template.metadata.annotations).toEqual({ 'platform.mlops/password-versions': 'airflow=1,mlflow=3' });
    // Nothing else in the stack reads the master secret.
    const masterReaders = Object.entries(json.data.aws_iam_policy_document as Json).filter(([, doc]) => JSON.stringify(doc).includes(airflow.databaseSecretArn));
    expect(masterReaders.map(([name]) => name)).toEqual([expect.stringMatching(/^DatabaseBootstrap_Secrets_SecretsReader_Permissions/)]);
    const bootstrapKey = Object.keys(json.resource.helm_release).find((k) => json.resource.helm_release[k].name === 'database-bootstrap');
    expect(byName.airflow.depends_on).toContain(`helm_release.${bootstrapKey}`);
  });

  it('writes no password into the configuration', () => {
    // Passwords appear only as templates ({{ }}), ephemeral references, secret references or psql variables (:'pw').
    const literal = /password\s*[:=]\s*(\\*")?(?!ephemeral\.)[^{"\s$:'\\]/i;
    expect(JSON.stringify({ values: ['createUserJob:\n  defaultUser:\n    password: admin\n'] })).toMatch(literal);
    expect(synthesized).not.toMatch(literal);
    for (const version of only(json.resource.aws_secretsmanager_secret_version)) expect(version.secret_string).toBeUndefined();
  });

  it('limits Airflow\'s S3 access to its log prefix and lets the nodes reach the database', () => {
    const doc = policy(json, 'Airflow_AirflowLogs_Permissions');
    const list = doc.statement.find((s: Json) => s.sid === 'ListTheLogPrefix');
    expect(list.condition[0].values).toEqual(['airflow/logs', 'airflow/logs/', 'airflow/logs/*']);
    const rw = doc.statement.find((s: Json) => s.sid === 'ReadAndWriteTaskLogs');
    expect(rw.resources).toEqual([`${airflow.logsBucketArn}/airflow/logs/*`]);
    const rule = only(json.resource.aws_vpc_security_group_ingress_rule)[0];
    expect(rule).toMatchObject({ security_group_id: 'sg-database', from_port: 5432, to_port: 5432 });
    expect(rule.referenced_security_group_id).toContain('cluster_security_group_id');
  });
});

describe('PlatformServicesStack options', () => {
  it('runs the bootstrap Job again (a new name) when a password version changes, and rolls Airflow\'s pods', () => {
    const jobOf = (backends: AirflowBackends) => {
      const json = JSON.parse(build('dev', backends).synthesized);
      const rels = releases(json);
      return { job: (parse(rels['database-bootstrap'].values[0]).resources as Json[])[0].metadata.name, pods: parse(rels.airflow.values[0]).airflowPodAnnotations };
    };
    const before = jobOf(airflow);
    const after = jobOf({ ...airflow, databaseUsers: { ...airflow.databaseUsers, airflow: { ...airflow.databaseUsers.airflow, passwordVersion: 2 } } });
    expect(after.job).not.toBe(before.job);
    expect([before.pods, after.pods]).toEqual([{ 'platform.mlops/database-password-version': '1' }, { 'platform.mlops/database-password-version': '2' }]);
  });

  it('asks for no KMS grant when the database secret uses the AWS-managed key', () => {
    const withoutKey: AirflowBackends = { ...airflow, databaseSecretKmsKeyArn: undefined };
    const json = JSON.parse(build('dev', withoutKey).synthesized);
    expect(policy(json, 'DatabaseBootstrap_Secrets_SecretsReader_Permissions').statement).toHaveLength(1);
  });
});

describe('Helm versions', () => {
  it('pins chart versions whose minimum Helm the helm provider\'s embedded Helm meets (Airflow 1.22.0 needs 3.19.0)', () => {
    const semver = (v: string) => v.split('.').map(Number).reduce((acc, n) => acc * 1000 + n, 0);
    const generated = JSON.parse(fs.readFileSync(path.join(require.resolve('@cdktf/provider-helm/package.json'), '..', 'package.json'), 'utf8'));
    expect(generated.cdktf.provider.version).toBe(HELM_PROVIDER.version);
    const airflowMinimum = CHART_MINIMUM_HELM[`airflow@${PLATFORM_CHARTS.airflow.version}`];
    expect(airflowMinimum).toBeDefined();
    expect(semver(airflowMinimum)).toBeLessThanOrEqual(semver(HELM_PROVIDER.embeddedHelm));
    expect(semver(CHART_MINIMUM_HELM['airflow@1.22.0'])).toBeGreaterThan(semver(HELM_PROVIDER.embeddedHelm));
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
    const syncs = ['airflow-keys', 'airflow-metadata', 'database-bootstrap-secrets'];
    const stores = syncs.flatMap((name) => (values(name).resources as Json[]).filter((m) => m.kind === 'SecretStore'));
    expect(stores.length).toBeGreaterThanOrEqual(syncs.length);
    for (const store of stores) expect(store.spec.provider.aws.region).toBe(region);
  });

  it('gives Fluent Bit\'s CloudWatch output and Alertmanager\'s SNS sigv4 their region', () => {
    expect(values('fluent-bit').config.outputs).toMatch(new RegExp(`\\n\\s+region\\s+${region}\\n`));
    expect(JSON.stringify(values('kube-prometheus-stack').alertmanager)).toContain(`"sigv4":{"region":"${region}"}`);
  });
});

describe('Airflow runs the pipelines image as built', () => {
  it('names the Airflow version the pipelines image pins, and the image\'s numeric user', () => {
    const pyproject = fs.readFileSync(path.join(__dirname, '../../workloads/pipelines/pyproject.toml'), 'utf8');
    expect(pyproject).toContain(`"apache-airflow==${AIRFLOW_VERSION}"`);
    const dockerfile = fs.readFileSync(path.join(__dirname, '../../workloads/pipelines/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(new RegExp(`^USER ${WORKLOAD_CONTRACT.runAsUser}(:${WORKLOAD_CONTRACT.runAsUser})?$`, 'm'));
  });
});
