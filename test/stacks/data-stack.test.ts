import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { Testing } from 'cdktf';
import { environments, shared, type EnvironmentConfig } from '../../environments';
import { DataStack, dataBucketName } from '../../stacks/data-stack';
import { NetworkStack } from '../../stacks/network-stack';
import { onlyResource, policyStatements, resourcesOf, type TerraformJson } from '../helpers';

interface Built {
  readonly stack: DataStack;
  readonly json: TerraformJson;
  readonly synth: string;
}

/** Builds the data stack the way `buildPlatform` does, resolving cross-stack references as `app.synth()` would. */
function build(env: EnvironmentConfig): Built {
  const app = Testing.app();
  const net = new NetworkStack(app, shared, env);
  const stack = new DataStack(app, shared, env, { network: net.network, alarmTopic: net.alarmTopic });
  net.prepareStack();
  stack.prepareStack();
  const synth = Testing.synth(stack, true);
  return { stack, json: JSON.parse(synth) as TerraformJson, synth };
}

const built = { dev: build(environments.dev), staging: build(environments.staging), prod: build(environments.prod) };
const all = Object.entries(built) as Array<[keyof typeof built, Built]>;

function byName(json: TerraformJson, type: string, prefix: string): Record<string, unknown> {
  const found = Object.entries(json.resource[type] ?? {}).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${found.length}`);
  return found[0][1];
}

/** Resources of `type` belonging (by `bucket` reference) to the bucket whose Terraform name is `bucketResource`. */
function forBucket(json: TerraformJson, type: string, bucketResource: string): Record<string, unknown>[] {
  return resourcesOf(json, type).filter((r) => r.bucket === `\${aws_s3_bucket.${bucketResource}.id}`);
}

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keysOf(v));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

describe('DataStack', () => {
  describe.each(all)('%s', (name, { stack, json, synth }) => {
    const env = environments[name];

    it('is the <env>-data stack with its own state key', () => {
      expect(stack.node.id).toBe(`${name}-data`);
      expect(json.terraform).toMatchObject({ backend: { s3: { key: `${name}-data/terraform.tfstate`, use_lockfile: true } } });
    });

    it('encrypts the database with its own key, keeps it private, backed up and password-free', () => {
      expect(synth).toHaveResourceWithProperties(DbInstance, {
        storage_encrypted: true,
        publicly_accessible: false,
        manage_master_user_password: true,
        iam_database_authentication_enabled: true,
        skip_final_snapshot: false,
        ca_cert_identifier: 'rds-ca-rsa2048-g1',
      });
      for (const db of resourcesOf(json, 'aws_db_instance')) {
        expect(db.kms_key_id).toEqual(expect.stringContaining('aws_kms_key.Database_Key'));
        expect(db.backup_retention_period).toBeGreaterThan(0);
        expect(db.password).toBeUndefined();
      }
    });

    it('gives Airflow and MLflow database users of their own', () => {
      const names = (Object.values(json.resource.aws_secretsmanager_secret) as Record<string, unknown>[]).map((x) => x.name).sort();
      expect(names).toEqual([`${name}-platform/users/airflow`, `${name}-platform/users/mlflow`]);
    });

    it('contains no password anywhere', () => {
      // `random_password` is the ephemeral resource (never in plan or state), not a value.
      expect(keysOf(json).filter((k) => /password/i.test(k)).sort()).toEqual(['manage_master_user_password', 'random_password']);
      expect(Object.keys(json.resource)).not.toContain('random_password');
      expect(synth).not.toMatch(/master_password|"password"|password_wo/i);
      // The application users' passwords: generated during apply, written write-only.
      const versions = Object.values(json.resource.aws_secretsmanager_secret_version ?? {}) as Record<string, unknown>[];
      expect(versions).toHaveLength(2);
      for (const version of versions) {
        expect(version.secret_string).toBeUndefined();
        expect(version.secret_string_wo).toMatch(/"password" = ephemeral\.random_password\.\w+\.result/);
      }
      expect(Object.keys(json.output ?? {}).filter((k) => /password/i.test(k))).toEqual([]);
    });

    it('takes every database setting from the environment', () => {
      const db = env.data.database;
      expect(onlyResource(json, 'aws_db_instance')).toMatchObject({
        identifier: `${name}-platform`,
        engine: 'postgres',
        engine_version: db.engineVersion,
        instance_class: db.instanceClass,
        allocated_storage: db.allocatedStorageGiB,
        max_allocated_storage: db.maxAllocatedStorageGiB,
        multi_az: db.multiAz,
        backup_retention_period: db.backupRetentionDays,
        deletion_protection: db.deletionProtection,
        performance_insights_retention_period: db.performanceInsightsRetentionDays,
        monitoring_interval: db.monitoringIntervalSeconds,
      });
      expect(onlyResource(json, 'aws_db_parameter_group')).toMatchObject({ family: 'postgres17' });
      for (const group of resourcesOf(json, 'aws_cloudwatch_log_group')) {
        expect(group).toMatchObject({ retention_in_days: env.observability.logRetentionDays, kms_key_id: expect.stringContaining('aws_kms_key.') });
      }
    });

    it('puts the database in the network stack’s database subnets and VPC', () => {
      const remote = `data.terraform_remote_state.cross-stack-reference-input-${name}-network.outputs`;
      const subnets = onlyResource(json, 'aws_db_subnet_group').subnet_ids as string[];
      expect(subnets).toHaveLength(env.network.azCount);
      subnets.forEach((s, i) => expect(s).toMatch(new RegExp(`^\\$\\{${remote.replace(/\./g, '\\.')}\\.cross-stack-output-aws_subnetNetwork_DatabaseSubnet${i + 1}_`)));
      expect(onlyResource(json, 'aws_security_group').vpc_id).toMatch(/cross-stack-output-aws_vpcNetwork_\w+id\}$/);
      expect(json.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    });

    it('alarms with the environment’s thresholds to the environment’s topic from the network stack', () => {
      const t = env.observability.thresholds;
      const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm');
      const threshold = (metric: string) => alarms.find((a) => a.metric_name === metric)!.threshold;
      expect([threshold('CPUUtilization'), threshold('FreeStorageSpace'), threshold('DatabaseConnections')]).toEqual([
        t.rdsCpuPercent,
        t.rdsFreeStorageGiB * 1024 ** 3,
        t.rdsMaxConnections,
      ]);
      expect(json.resource.aws_sns_topic).toBeUndefined();
      expect(alarms.length).toBeGreaterThanOrEqual(3);
      expect(alarms.every((a) => /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-[\w-]+-network\.outputs\.[\w-]+\}$/.test((a.alarm_actions as string[])[0]))).toBe(true);
    });

    it('creates the access-log bucket and four data buckets with deterministic, account-unique names', () => {
      const account = env.account.id;
      expect(resourcesOf(json, 'aws_s3_bucket').map((b) => b.bucket).sort()).toEqual(
        ['access-logs', 'airflow-logs', 'mlflow-artifacts', 'processed', 'raw'].map((p) => `mlops-${name}-${p}-${account}`),
      );
      expect(stack.buckets.raw.bucketName).toBe(stack.buckets.raw.bucket.bucketName);
      expect(Object.keys(stack.buckets)).toEqual(['raw', 'processed', 'mlflowArtifacts', 'airflowLogs']);
      expect(dataBucketName(name, 'raw', account)).toBe(`mlops-${name}-raw-${account}`);
    });

    it('blocks public access, versions and encrypts every bucket: KMS for data, SSE-S3 for access logs', () => {
      for (const [resourceName, bucket] of Object.entries(json.resource.aws_s3_bucket)) {
        const [block] = forBucket(json, 'aws_s3_bucket_public_access_block', resourceName);
        expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
        expect(forBucket(json, 'aws_s3_bucket_versioning', resourceName)[0]).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
        const [encryption] = forBucket(json, 'aws_s3_bucket_server_side_encryption_configuration', resourceName);
        const rule = (encryption.rule as Array<Record<string, Record<string, unknown>>>)[0];
        if (String(bucket.bucket).includes('-access-logs-')) {
          expect(rule.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'AES256' });
          expect(forBucket(json, 'aws_s3_bucket_logging', resourceName)).toEqual([]);
        } else {
          expect(rule).toMatchObject({
            apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringContaining('aws_kms_key.DataKey') },
            bucket_key_enabled: true,
          });
          expect(forBucket(json, 'aws_s3_bucket_logging', resourceName)[0]).toMatchObject({
            target_bucket: expect.stringContaining('aws_s3_bucket.AccessLogBucket'),
            target_prefix: `${String(bucket.bucket)}/`,
          });
        }
      }
    });

    it('takes lifecycle days from the environment', () => {
      const storage = env.data.storage;
      const [lifecycle] = forBucket(json, 'aws_s3_bucket_lifecycle_configuration', Object.keys(json.resource.aws_s3_bucket).find((n) => n.startsWith('RawBucket'))!);
      const rules = lifecycle.rule as Array<Record<string, unknown>>;
      expect(rules.find((r) => r.id === 'tier-current-versions')!.transition).toEqual([
        { days: storage.transitionToInfrequentAccessDays, storage_class: 'STANDARD_IA' },
        { days: storage.transitionToGlacierDays, storage_class: 'GLACIER_IR' },
      ]);
      expect(rules.find((r) => r.id === 'expire-noncurrent-versions')!.noncurrent_version_expiration).toEqual([{ noncurrent_days: storage.noncurrentVersionExpirationDays }]);
      const [logLifecycle] = forBucket(json, 'aws_s3_bucket_lifecycle_configuration', Object.keys(json.resource.aws_s3_bucket).find((n) => n.startsWith('AccessLogBucket'))!);
      expect((logLifecycle.rule as Array<Record<string, unknown>>).find((r) => r.id === 'expire-access-logs')!.expiration).toEqual([
        { days: storage.accessLogRetentionDays },
      ]);
    });

    it('outputs the endpoint, port, secret ARN and bucket names', () => {
      const outputs = json.output!;
      expect(Object.keys(outputs).sort()).toEqual([
        'access_log_bucket_name',
        'airflow_logs_bucket_name',
        'data_kms_key_arn',
        'database_endpoint',
        'database_name',
        'database_port',
        'database_secret_arn',
        'database_security_group_id',
        'mlflow_artifacts_bucket_name',
        'processed_bucket_name',
        'raw_bucket_name',
      ]);
      expect(outputs.database_secret_arn.value).toMatch(/master_user_secret\[0\]\.secret_arn\}$/);
      expect(outputs.database_endpoint.value).toMatch(/\.address\}$/);
    });

    it('lets the data key be used by this account only through IAM (no service principals needed for S3)', () => {
      const statements = policyStatements(json, byName(json, 'aws_kms_key', 'DataKey').policy);
      expect(statements.map((s) => s.sid)).toEqual(['AccountAdministersThroughIam']);
      expect(byName(json, 'aws_kms_alias', 'DataKey')).toMatchObject({ name: `alias/${name}/data` });
    });
  });

  describe('differences between environments', () => {
    const db = (name: keyof typeof built) => onlyResource(built[name].json, 'aws_db_instance');

    it('makes staging and prod multi-AZ with deletion protection, dev neither', () => {
      expect([db('dev').multi_az, db('staging').multi_az, db('prod').multi_az]).toEqual([false, true, true]);
      expect([db('dev').deletion_protection, db('staging').deletion_protection, db('prod').deletion_protection]).toEqual([false, true, true]);
    });

    it('sizes, backs up and monitors prod more than dev', () => {
      expect(db('dev')).toMatchObject({ instance_class: 'db.t4g.medium', allocated_storage: 20, max_allocated_storage: 100, backup_retention_period: 3 });
      expect(db('staging')).toMatchObject({ instance_class: 'db.r7g.large', allocated_storage: 50, max_allocated_storage: 200, backup_retention_period: 7 });
      expect(db('prod')).toMatchObject({
        instance_class: 'db.r7g.xlarge',
        allocated_storage: 200,
        max_allocated_storage: 1000,
        backup_retention_period: 30,
        performance_insights_retention_period: 31,
        monitoring_interval: 15,
      });
      expect(db('dev')).toMatchObject({ performance_insights_retention_period: 7, monitoring_interval: 60 });
      const logRetention = (name: keyof typeof built) => resourcesOf(built[name].json, 'aws_cloudwatch_log_group')[0].retention_in_days;
      expect([logRetention('dev'), logRetention('staging'), logRetention('prod')]).toEqual([14, 30, 90]);
    });

    it('keeps old object versions a year in prod and 90 days elsewhere', () => {
      const noncurrent = (name: keyof typeof built) =>
        new Set(
          resourcesOf(built[name].json, 'aws_s3_bucket_lifecycle_configuration')
            .flatMap((l) => l.rule as Array<Record<string, unknown>>)
            .filter((r) => r.id === 'expire-noncurrent-versions')
            .map((r) => JSON.stringify(r.noncurrent_version_expiration)),
        );
      expect(noncurrent('dev')).toEqual(new Set([JSON.stringify([{ noncurrent_days: 90 }])]));
      expect(noncurrent('prod')).toEqual(new Set([JSON.stringify([{ noncurrent_days: 365 }])]));
    });

    it('protects the database, buckets and keys from destroy in production only', () => {
      const prod = built.prod.json;
      expect(db('prod').lifecycle).toEqual({ prevent_destroy: true });
      expect(resourcesOf(prod, 'aws_s3_bucket').map((b) => b.lifecycle)).toEqual(Array(5).fill({ prevent_destroy: true }));
      expect(byName(prod, 'aws_kms_key', 'DataKey').lifecycle).toEqual({ prevent_destroy: true });
      expect(byName(prod, 'aws_kms_key', 'Database_Key').lifecycle).toEqual({ prevent_destroy: true });
      for (const name of ['dev', 'staging'] as const) {
        const json = built[name].json;
        const protectedResources = Object.values(json.resource).flatMap((byResource) => Object.values(byResource)).filter((r) => r.lifecycle && (r.lifecycle as Record<string, unknown>).prevent_destroy);
        expect(protectedResources).toEqual([]);
      }
    });

    it('exposes typed fields for later stacks', () => {
      const { stack } = built.prod;
      expect(stack.alarmTopicArn).toBe(stack.alarmTopic.topicArn);
      expect(stack.database.databaseName).toBe('platform');
      expect(stack.database.multiAz).toBe(true);
      expect(stack.buckets.mlflowArtifacts.kmsKeyArn).toBe(stack.dataKey.keyArn);
      expect(typeof stack.buckets.airflowLogs.grantReadWrite).toBe('function');
      expect(typeof stack.database.grantConnect).toBe('function');
    });
  });
});
