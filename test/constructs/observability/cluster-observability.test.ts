import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { environments, shared } from '../../../environments';
import { RANDOM_PROVIDER } from '../../../constructs/core/generated-secret';
import { alertmanagerConfig, OBSERVABILITY_CHARTS, PUSHGATEWAY_RELEASE } from '../../../constructs/observability/cluster-observability';
import { WORKLOAD_PORTS } from '../../../k8s/contract';
import { ClusterStack } from '../../../stacks/cluster-stack';
import { NetworkStack } from '../../../stacks/network-stack';
import { PlatformServicesStack } from '../../../stacks/platform-services-stack';
import type { TerraformJson } from '../../helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The platform stack of an environment, built the way `buildPlatform` builds it. */
function platformOf(envName: keyof typeof environments): { json: TerraformJson & Json; text: string } {
  const app = Testing.app();
  const environment = environments[envName];
  const network = new NetworkStack(app, shared, environment);
  const cluster = new ClusterStack(app, shared, environment, { network: network.network });
  const stack = new PlatformServicesStack(app, shared, environment, {
    cluster: cluster.cluster,
    airflow: {
      databaseSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds-db',
      databaseEndpoint: 'db.example:5432',
      databasePort: 5432,
      adminDatabaseName: 'platform',
      databaseSecurityGroupId: 'sg-1',
      logsBucketName: 'logs',
      logsBucketArn: 'arn:aws:s3:::logs',
      logsBucketKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k',
      databaseUsers: {
        airflow: { username: 'airflow', secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:users/airflow', passwordVersion: 1 },
        mlflow: { username: 'mlflow', secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:users/mlflow', passwordVersion: 1 },
      },
    },
    alerting: { alarmTopicArn: network.alarmTopic.topicArn, alarmTopicKeyArn: network.alarmTopic.encryptionKey.keyArn },
  });
  app.synth();
  const text = Testing.synth(stack, true);
  return { json: JSON.parse(text), text };
}

const built = { dev: platformOf('dev'), prod: platformOf('prod') };
const releaseNamed = (json: Json, name: string) => Object.values(json.resource.helm_release as Json).find((r: Json) => r.name === name) as Json;
const valuesOf = (release: Json) => parse(release.values[0]);
/** The statements of the inline policy of the role whose name ends with `suffix`. */
const policyOfRole = (json: Json, suffix: string): Json[] => {
  const roleKey = Object.keys(json.resource.aws_iam_role).find((k) => String(json.resource.aws_iam_role[k].name).endsWith(suffix));
  if (!roleKey) throw new Error(`no role named *${suffix}`);
  const attached = Object.values(json.resource.aws_iam_role_policy as Json).find((p: Json) => p.role === `\${aws_iam_role.${roleKey}.name}`) as Json;
  const doc = /data\.aws_iam_policy_document\.([\w-]+)\.json/.exec(attached.policy)![1];
  return json.data.aws_iam_policy_document[doc].statement as Json[];
};

describe.each(Object.entries(built))('observability in %s-platform', (envName, { json }) => {
  const environment = environments[envName as keyof typeof built];

  it('installs kube-prometheus-stack and Fluent Bit at pinned versions', () => {
    const prometheus = releaseNamed(json, 'kube-prometheus-stack');
    const fluentBit = releaseNamed(json, 'fluent-bit');
    expect(prometheus).toMatchObject({ namespace: 'monitoring', ...OBSERVABILITY_CHARTS.kubePrometheusStack, atomic: true });
    expect(fluentBit).toMatchObject({ namespace: 'logging', ...OBSERVABILITY_CHARTS.fluentBit, atomic: true });
    expect(prometheus.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fluentBit.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('installs a Pushgateway whose pushed job labels survive the scrape and whose state survives a restart', () => {
    const release = releaseNamed(json, PUSHGATEWAY_RELEASE);
    expect(release).toMatchObject({ namespace: 'monitoring', ...OBSERVABILITY_CHARTS.pushgateway, atomic: true });
    const values = valuesOf(release);
    // Keys of the chart's values.yaml at prometheus-pushgateway-3.8.0.
    expect(values.serviceMonitor).toEqual({ enabled: true, namespace: 'monitoring', honorLabels: true, additionalLabels: { release: 'kube-prometheus-stack' } });
    expect(values.service.port).toBe(WORKLOAD_PORTS.pushgateway);
    expect(values.persistentVolume).toMatchObject({ enabled: true, storageClass: 'gp3-encrypted', size: '1Gi' });
    expect(values.extraArgs).toContain('--persistence.file=/data/pushgateway.data');
    expect(values.containerSecurityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(release.depends_on.some((d: string) => d.includes('KubePrometheusStackRelease'))).toBe(true);
  });

  it('keeps metrics for the configured retention on an encrypted persistent volume', () => {
    const spec = valuesOf(releaseNamed(json, 'kube-prometheus-stack')).prometheus.prometheusSpec;
    expect(spec.retention).toBe(`${environment.observability.prometheusRetentionDays}d`);
    expect(spec.storageSpec.volumeClaimTemplate.spec).toMatchObject({
      storageClassName: 'gp3-encrypted',
      resources: { requests: { storage: `${environment.observability.prometheusStorageGiB}Gi` } },
    });
    const storageClass = Object.values(json.resource.kubernetes_storage_class_v1 as Json)[0] as Json;
    expect(storageClass).toMatchObject({ storage_provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true' } });
    expect(storageClass.parameters.kmsKeyId).toMatch(/^\$\{/);
    // EKS 1.30+ has no default class: without this, a claim naming no class stays Pending.
    expect(storageClass.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
  });

  it('gives every persistent volume an explicit class and size', () => {
    const values = valuesOf(releaseNamed(json, 'kube-prometheus-stack'));
    const claim = (spec: Json) => ({ storageClassName: spec.storageClassName, size: spec.resources.requests.storage });
    expect(claim(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec)).toEqual({ storageClassName: 'gp3-encrypted', size: expect.stringMatching(/^\d+Gi$/) });
    expect(claim(values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec)).toEqual({ storageClassName: 'gp3-encrypted', size: '5Gi' });
    expect(values.grafana.persistence).toMatchObject({ enabled: true, storageClassName: 'gp3-encrypted', size: '10Gi' });
  });

  it('gives every log Fluent Bit reads an output (the kubelet journal included), labelled for Prometheus by the selector key', () => {
    const values = valuesOf(releaseNamed(json, 'fluent-bit'));
    const field = (section: string, key: string) => [...section.matchAll(new RegExp(`^\\s+${key}\\s+(\\S+)`, 'gm'))].map((m) => m[1]);
    const tags = field(values.config.inputs, 'Tag');
    const matches = field(values.config.outputs, 'Match');
    expect(tags).toEqual(['kube.*', 'host.*']);
    const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
    for (const tag of tags) expect(matches.some((m) => glob(m).test(tag.replace('*', 'x')))).toBe(true);
    expect(values.serviceMonitor).toEqual({ enabled: true, selector: { release: 'kube-prometheus-stack' } });
  });

  it('takes the Grafana admin from Secrets Manager and never writes the password into the configuration', () => {
    const grafana = valuesOf(releaseNamed(json, 'kube-prometheus-stack')).grafana;
    expect(grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(grafana.adminPassword).toBeUndefined();
    const version = Object.values(json.resource.aws_secretsmanager_secret_version as Json).find((v: Json) => String(v.secret_string_wo).includes('admin-user')) as Json;
    expect(version.secret_string).toBeUndefined();
    const secret = Object.values(json.resource.aws_secretsmanager_secret as Json).find((x: Json) => String(x.name).endsWith('/grafana/admin')) as Json;
    expect(secret.recovery_window_in_days).toBe(environment.tier === 'production' ? 30 : 0);
    expect(version.secret_string_wo).toMatch(/ephemeral\.random_password\.\w+\.result/);
    expect(json.ephemeral.random_password).toMatchObject({ observability_grafanaadmin_0: { length: 32, special: false } });
    expect(version.secret_string_wo).toContain('"admin-user" = "admin"');
    expect(json.terraform!.required_providers).toMatchObject({ random: RANDOM_PROVIDER });
    expect(Object.keys(json.resource)).not.toContain('random_password');
  });

  it('ships container logs to a KMS-encrypted log group with the configured retention, through a scoped role', () => {
    const group = Object.values(json.resource.aws_cloudwatch_log_group as Json).find((g: Json) => String(g.name).endsWith('/containers')) as Json;
    expect(group).toMatchObject({ retention_in_days: environment.observability.logRetentionDays, kms_key_id: expect.stringContaining('aws_kms_key.') });
    const statements = policyOfRole(json, '-fluent-bit');
    expect(statements).toEqual([expect.objectContaining({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'] })]);
    expect(JSON.stringify(statements)).not.toContain('"*"');
    const output = valuesOf(releaseNamed(json, 'fluent-bit')).config.outputs;
    expect(output).toContain('Name                cloudwatch_logs');
    expect(group.name).toMatch(/^\/aws\/eks\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-[\w-]+-cluster\.outputs\.[\w-]+\}\/containers$/);
    expect(output).toContain(`log_group_name      ${group.name}`);
    expect(output).toContain('auto_create_group   Off');
  });

  it('lets Alertmanager publish to the alarm topic only', () => {
    const statements = policyOfRole(json, '-alertmanager');
    expect(statements[0]).toMatchObject({ actions: ['sns:Publish'], resources: [expect.stringMatching(/^\$\{data\.terraform_remote_state\./)] });
    expect(statements[1]).toMatchObject({ condition: [expect.objectContaining({ variable: 'kms:ViaService' })] });
  });

  it(environment.observability.paging ? 'pages: urgent alerts go to SNS, the rest is recorded' : 'records only: Alertmanager sends nothing', () => {
    const config = valuesOf(releaseNamed(json, 'kube-prometheus-stack')).alertmanager.config;
    expect(config.route.receiver).toBe('record-only');
    const snsRoutes = config.route.routes.filter((r: Json) => r.receiver === 'sns');
    expect(snsRoutes).toEqual(environment.observability.paging ? [{ receiver: 'sns', matchers: ['severity =~ "page|critical"'] }] : []);
    expect(config.receivers.some((r: Json) => r.sns_configs)).toBe(environment.observability.paging);
  });

  it('scrapes nothing EKS does not expose (control plane, kube-proxy)', () => {
    const values = valuesOf(releaseNamed(json, 'kube-prometheus-stack'));
    for (const component of ['kubeControllerManager', 'kubeScheduler', 'kubeEtcd', 'kubeProxy']) expect(values[component]).toEqual({ enabled: false });
  });

  it('installs Fluent Bit after kube-prometheus-stack, whose CRD its ServiceMonitor needs', () => {
    const prometheusKey = Object.keys(json.resource.helm_release).find((k) => json.resource.helm_release[k].name === 'kube-prometheus-stack');
    expect(releaseNamed(json, 'fluent-bit').depends_on).toContain(`helm_release.${prometheusKey}`);
  });
});

describe('alertmanagerConfig', () => {
  it('sends resolved notifications to SNS with SigV4 when paging', () => {
    const config = alertmanagerConfig({ paging: true, topicArn: 'arn:aws:sns:eu-west-1:1:t', region: 'eu-west-1', environment: 'prod' });
    expect(config.receivers).toEqual([
      { name: 'record-only' },
      { name: 'sns', sns_configs: [expect.objectContaining({ topic_arn: 'arn:aws:sns:eu-west-1:1:t', sigv4: { region: 'eu-west-1' }, send_resolved: true })] },
    ]);
  });

  it('pages only for page and critical alerts, never for the Watchdog heartbeat', () => {
    const config = alertmanagerConfig({ paging: true, topicArn: 't', region: 'r', environment: 'e' }) as Json;
    expect(config.route.receiver).toBe('record-only');
    expect(config.route.routes).toEqual([
      { receiver: 'record-only', matchers: ['alertname = "Watchdog"'] },
      { receiver: 'sns', matchers: ['severity =~ "page|critical"'] },
    ]);
  });

  it('has no SNS receiver at all when not paging', () => {
    const config = alertmanagerConfig({ paging: false, topicArn: 't', region: 'r', environment: 'e' }) as Json;
    expect(config.receivers).toEqual([{ name: 'record-only' }]);
    expect(config.route.routes).toEqual([{ receiver: 'record-only', matchers: ['alertname = "Watchdog"'] }]);
  });
});
