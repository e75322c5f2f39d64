import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformOutput, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { POSTGRES_PORT, PostgresDatabase, type PostgresDatabaseProps } from '../../../constructs/database';
import { onlyResource, policyStatements, resourcesOf, synthConstruct, testStack, type TerraformJson } from '../../helpers';

const base: PostgresDatabaseProps = {
  identifier: 'dev-platform',
  vpcId: 'vpc-123',
  subnetIds: ['subnet-a', 'subnet-b'],
  engineVersion: '17',
  instanceClass: 'db.t4g.medium',
};

function database(overrides: Partial<PostgresDatabaseProps> = {}, extra?: (db: PostgresDatabase, scope: Construct) => void): TerraformJson {
  return synthConstruct((scope) => {
    const db = new PostgresDatabase(scope, 'Database', { ...base, ...overrides });
    extra?.(db, scope);
  });
}

function build(overrides: Partial<PostgresDatabaseProps>): () => void {
  return () => new PostgresDatabase(testStack(), 'Database', { ...base, ...overrides });
}

/** The one resource of `type` whose Terraform name starts with `prefix`. */
function named(json: TerraformJson, type: string, prefix: string): Record<string, unknown> {
  const found = Object.entries(json.resource[type] ?? {}).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${found.length}`);
  return found[0][1];
}

/** Alarms in the order they are declared (Terraform JSON sorts them by name). */
function alarmsOf(json: TerraformJson): Record<string, unknown>[] {
  const order = ['cpu-utilization', 'free-storage-space', 'database-connections'];
  return resourcesOf(json, 'aws_cloudwatch_metric_alarm').sort(
    (a, b) => order.findIndex((o) => String(a.alarm_name).endsWith(o)) - order.findIndex((o) => String(b.alarm_name).endsWith(o)),
  );
}

/** Every key anywhere in the JSON, with its path. */
function keysOf(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keysOf(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keysOf(v, `${path}.${k}`)]);
  }
  return [];
}

describe('PostgresDatabase', () => {
  const json = database();
  const instance = onlyResource(json, 'aws_db_instance');

  it('names its final snapshot uniquely per instance lifetime, so a second destroy does not collide', () => {
    // Was the fixed `dev-platform-final`: the snapshot of the first destroy still holds that name.
    expect(instance.final_snapshot_identifier).not.toBe('dev-platform-final');
    const suffix = named(json, 'random_id', 'Database_FinalSnapshotSuffix');
    // Generated once with the instance and stable across plans: keepers change only with the identifier.
    expect(suffix).toEqual({ byte_length: 4, keepers: { identifier: 'dev-platform' } });
    expect((json as unknown as { terraform: { required_providers: Record<string, unknown> } }).terraform.required_providers.random).toEqual({ source: 'hashicorp/random', version: '3.7.2' });
  });

  it('creates a private, encrypted PostgreSQL instance with secure defaults', () => {
    const synth = Testing.synthScope((scope) => new PostgresDatabase(scope, 'Database', base));
    expect(synth).toHaveResourceWithProperties(DbInstance, {
      engine: 'postgres',
      engine_version: '17',
      auto_minor_version_upgrade: true,
      allow_major_version_upgrade: false,
      instance_class: 'db.t4g.medium',
      storage_encrypted: true,
      publicly_accessible: false,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
      multi_az: true,
      backup_retention_period: 7,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: expect.stringMatching(/^dev-platform-final-\$\{random_id\.Database_FinalSnapshotSuffix_\w+\.hex\}$/),
      copy_tags_to_snapshot: true,
      delete_automated_backups: false,
      storage_type: 'gp3',
      allocated_storage: 20,
      max_allocated_storage: 100,
      ca_cert_identifier: 'rds-ca-rsa2048-g1',
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
      monitoring_interval: 60,
      port: 5432,
      db_name: 'platform',
      username: 'dbadmin',
      apply_immediately: false,
    });
    expect(instance.lifecycle).toBeUndefined();
  });

  it('encrypts storage, Performance Insights and the master secret with its own key', () => {
    const keyRef = expect.stringMatching(/^\$\{aws_kms_key\.Database_Key_\w+\.arn\}$/);
    expect(instance).toMatchObject({ kms_key_id: keyRef, performance_insights_kms_key_id: keyRef, master_user_secret_kms_key_id: keyRef });
    expect(new Set([instance.kms_key_id, instance.performance_insights_kms_key_id, instance.master_user_secret_kms_key_id]).size).toBe(1);
    expect(named(json, 'aws_kms_key', 'Database_Key')).toMatchObject({ enable_key_rotation: true });
    expect(named(json, 'aws_kms_alias', 'Database_Key')).toMatchObject({ name: 'alias/dev-platform/rds' });
  });

  it('never puts a password in configuration', () => {
    const passwordKeys = keysOf(json).filter((k) => /password/i.test(k.split('.').pop()!));
    expect(passwordKeys).toEqual(['.resource.aws_db_instance.Database_B269D8BB.manage_master_user_password']);
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/master_password|"password"|password_wo/);
  });

  it('places the instance in a subnet group on the given subnets and its own security group without rules', () => {
    expect(onlyResource(json, 'aws_db_subnet_group')).toMatchObject({ name: 'dev-platform', subnet_ids: ['subnet-a', 'subnet-b'] });
    const group = onlyResource(json, 'aws_security_group');
    expect(group).toMatchObject({ name: 'dev-platform-postgres', vpc_id: 'vpc-123', revoke_rules_on_delete: true });
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
    expect(json.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    expect(instance.vpc_security_group_ids).toEqual([expect.stringContaining('aws_security_group.Database_SecurityGroup')]);
    expect(instance.db_subnet_group_name).toEqual(expect.stringContaining('aws_db_subnet_group.Database_SubnetGroup'));
  });

  it('enforces TLS and logs slow statements, connections and lock waits, with pg_stat_statements loaded at reboot', () => {
    const synth = Testing.synthScope((scope) => new PostgresDatabase(scope, 'Database', base));
    expect(synth).toHaveResourceWithProperties(DbParameterGroup, { family: 'postgres17', name_prefix: 'dev-platform-postgres17-' });
    const group = onlyResource(json, 'aws_db_parameter_group');
    expect(group.lifecycle).toEqual({ create_before_destroy: true });
    expect(group.parameter).toEqual([
      { name: 'rds.force_ssl', value: '1', apply_method: 'immediate' },
      { name: 'log_min_duration_statement', value: '1000', apply_method: 'immediate' },
      { name: 'log_connections', value: '1', apply_method: 'immediate' },
      { name: 'log_disconnections', value: '1', apply_method: 'immediate' },
      { name: 'log_lock_waits', value: '1', apply_method: 'immediate' },
      { name: 'shared_preload_libraries', value: 'pg_stat_statements', apply_method: 'pending-reboot' },
    ]);
    expect(instance.parameter_group_name).toEqual(expect.stringContaining('aws_db_parameter_group.Database_ParameterGroup'));
  });

  it('takes further parameters and overrides, keeping the apply method of defaults', () => {
    const group = onlyResource(
      database({ engineVersion: '16.4', slowStatementThresholdMs: 250, parameters: { shared_preload_libraries: 'pg_stat_statements,pg_cron', work_mem: '65536' } }),
      'aws_db_parameter_group',
    );
    expect(group.family).toBe('postgres16');
    expect(group.parameter).toEqual(
      expect.arrayContaining([
        { name: 'log_min_duration_statement', value: '250', apply_method: 'immediate' },
        { name: 'shared_preload_libraries', value: 'pg_stat_statements,pg_cron', apply_method: 'pending-reboot' },
        { name: 'work_mem', value: '65536', apply_method: 'pending-reboot' },
      ]),
    );
  });

  it('creates the exported log groups first, KMS-encrypted with retention, and lets CloudWatch Logs use the key only for them', () => {
    const synth = Testing.synthScope((scope) => new PostgresDatabase(scope, 'Database', base));
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/rds/instance/dev-platform/postgresql', retention_in_days: 30 });
    const groups = resourcesOf(json, 'aws_cloudwatch_log_group');
    expect(groups.map((g) => g.name)).toEqual(['/aws/rds/instance/dev-platform/postgresql', '/aws/rds/instance/dev-platform/upgrade']);
    expect(groups.every((g) => g.retention_in_days === 30 && String(g.kms_key_id).includes('aws_kms_key.Database_Key'))).toBe(true);
    expect(instance.depends_on).toEqual([
      expect.stringMatching(/^aws_cloudwatch_log_group\.Database_LogGroup-postgresql_/),
      expect.stringMatching(/^aws_cloudwatch_log_group\.Database_LogGroup-upgrade_/),
      // RDS checks the enhanced-monitoring role's permissions at creation.
      expect.stringMatching(/^aws_iam_role_policy_attachment\.Database_MonitoringRolePolicy_/),
    ]);
    const statements = policyStatements(json, named(json, 'aws_kms_key', 'Database_Key').policy);
    const logs = statements.find((s) => s.sid === 'CloudWatchLogsEncryptsTheDatabaseLogGroups')!;
    expect(logs.principals).toEqual([{ type: 'Service', identifiers: [expect.stringMatching(/^logs\.\$\{data\.aws_region\.\w+\.region\}\.amazonaws\.com$/)] }]);
    expect(logs.condition).toEqual([
      { test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: [expect.stringMatching(/:log-group:\/aws\/rds\/instance\/dev-platform\/\*$/)] },
    ]);
  });

  it('publishes enhanced monitoring through a role only RDS monitoring of this account can assume', () => {
    const synth = Testing.synthScope((scope) => new PostgresDatabase(scope, 'Database', base));
    expect(synth).toHaveResourceWithProperties(IamRole, { name: 'dev-platform-rds-monitoring' });
    const role = onlyResource(json, 'aws_iam_role');
    const [trust] = policyStatements(json, role.assume_role_policy);
    expect(trust).toMatchObject({
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['monitoring.rds.amazonaws.com'] }],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringContaining('data.aws_caller_identity.')] }],
    });
    expect(onlyResource(json, 'aws_iam_role_policy_attachment').policy_arn).toMatch(/:iam::aws:policy\/service-role\/AmazonRDSEnhancedMonitoringRole$/);
    expect(instance.monitoring_role_arn).toEqual(expect.stringContaining('aws_iam_role.Database_MonitoringRole'));
  });

  it('creates no monitoring role when enhanced monitoring is off', () => {
    const off = database({ monitoringIntervalSeconds: 0 });
    expect(onlyResource(off, 'aws_db_instance')).toMatchObject({ monitoring_interval: 0 });
    expect(onlyResource(off, 'aws_db_instance').monitoring_role_arn).toBeUndefined();
    expect(off.resource.aws_iam_role).toBeUndefined();
  });

  it('alarms on CPU, free storage and connections to a KMS-encrypted topic it creates', () => {
    const alarms = alarmsOf(json);
    const topic = onlyResource(json, 'aws_sns_topic');
    expect(topic).toMatchObject({ name: 'dev-platform-alarms', kms_master_key_id: expect.stringContaining('aws_kms_key.Database_AlarmTopic_Key') });
    expect(alarms.map((a) => [a.alarm_name, a.metric_name, a.comparison_operator, a.threshold])).toEqual([
      ['dev-platform-cpu-utilization', 'CPUUtilization', 'GreaterThanThreshold', 80],
      ['dev-platform-free-storage-space', 'FreeStorageSpace', 'LessThanThreshold', 10 * 1024 ** 3],
      ['dev-platform-database-connections', 'DatabaseConnections', 'GreaterThanThreshold', 200],
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        namespace: 'AWS/RDS',
        dimensions: { DBInstanceIdentifier: expect.stringContaining('aws_db_instance.Database') },
        alarm_actions: [expect.stringContaining('aws_sns_topic.Database_AlarmTopic')],
        ok_actions: [expect.stringContaining('aws_sns_topic.Database_AlarmTopic')],
      });
    }
  });

  it('notifies a given topic with given thresholds and creates none itself', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:dev-alarms';
    const given = database({ alarmTopicArn: topicArn, alarmThresholds: { cpuPercent: 90, freeStorageGiB: 25, maxConnections: 500 } });
    expect(given.resource.aws_sns_topic).toBeUndefined();
    const alarms = alarmsOf(given);
    expect(alarms.map((a) => a.threshold)).toEqual([90, 25 * 1024 ** 3, 500]);
    expect(alarms.every((a) => JSON.stringify(a.alarm_actions) === JSON.stringify([topicArn]))).toBe(true);
  });

  it('protects the instance and its key from destroy when asked', () => {
    const protectedJson = database({ preventDestroy: true, multiAz: false, deletionProtection: false, backupRetentionDays: 35 });
    expect(onlyResource(protectedJson, 'aws_db_instance')).toMatchObject({
      lifecycle: { prevent_destroy: true },
      multi_az: false,
      deletion_protection: false,
      backup_retention_period: 35,
    });
    const keys = Object.entries(protectedJson.resource.aws_kms_key).filter(([name]) => name.startsWith('Database_Key'));
    expect(keys.map(([, key]) => key.lifecycle)).toEqual([{ prevent_destroy: true }]);
  });

  it('exposes typed attributes that resolve to the instance, its secret and its group', () => {
    const stack = testStack();
    const db = new PostgresDatabase(stack, 'Database', base);
    new TerraformOutput(stack, 'endpoint', { value: db.endpoint });
    new TerraformOutput(stack, 'port', { value: db.port });
    new TerraformOutput(stack, 'secret', { value: db.secretArn });
    new TerraformOutput(stack, 'sg', { value: db.securityGroupId });
    new TerraformOutput(stack, 'resource_id', { value: db.resourceId });
    new TerraformOutput(stack, 'arn', { value: db.instanceArn });
    new TerraformOutput(stack, 'identifier', { value: db.instanceIdentifier });
    const outputs = (JSON.parse(Testing.synth(stack)) as TerraformJson).output!;
    expect(outputs.endpoint.value).toMatch(/^\$\{aws_db_instance\.Database_\w+\.address\}$/);
    expect(outputs.port.value).toBe(POSTGRES_PORT); // configured by the construct, so known before deployment
    expect(outputs.secret.value).toMatch(/^\$\{aws_db_instance\.Database_\w+\.master_user_secret\[0\]\.secret_arn\}$/);
    expect(outputs.sg.value).toMatch(/^\$\{aws_security_group\.Database_SecurityGroup_\w+\.id\}$/);
    expect(outputs.resource_id.value).toMatch(/\.resource_id\}$/);
    expect(outputs.arn.value).toMatch(/\.arn\}$/);
    expect(outputs.identifier.value).toMatch(/\.identifier\}$/);
    expect(db.databaseName).toBe('platform');
    expect(db).toMatchObject({ multiAz: true, backupRetentionDays: 7, deletionProtection: true, parameterGroupFamily: 'postgres17', maxAllocatedStorageGiB: 100 });
  });

  describe('allowFrom', () => {
    it('admits 5432 from a security group id or anything with a securityGroupId, never from a CIDR', () => {
      const withPeers = database({}, (db) => {
        db.allowFrom('sg-0123456789abcdef0', 'Bastion');
        db.allowFrom({ securityGroupId: 'sg-cluster' }, 'EKS nodes (MLflow, Airflow)');
      });
      const rules = resourcesOf(withPeers, 'aws_vpc_security_group_ingress_rule');
      expect(rules).toEqual([
        expect.objectContaining({ referenced_security_group_id: 'sg-0123456789abcdef0', description: 'Bastion' }),
        expect.objectContaining({ referenced_security_group_id: 'sg-cluster', description: 'EKS nodes (MLflow, Airflow)' }),
      ]);
      for (const rule of rules) {
        expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 5432, to_port: 5432, security_group_id: expect.stringContaining('aws_security_group.Database') });
        expect(rule.cidr_ipv4).toBeUndefined();
        expect(rule.cidr_ipv6).toBeUndefined();
      }
    });

    it('fails when the same description is used twice', () => {
      const db = new PostgresDatabase(testStack(), 'Database', base);
      db.allowFrom('sg-a', 'Workers');
      expect(() => db.allowFrom('sg-b', 'Workers')).toThrow(/already called with the description "Workers"/);
    });
  });

  describe('grants', () => {
    it('grantConnect allows rds-db:connect as one database user of this instance only', () => {
      const granted = database({}, (db, scope) => {
        db.grantConnect(new IamRole(scope, 'Mlflow', { name: 'mlflow', assumeRolePolicy: '{}' }), 'mlflow');
      });
      const statements = policyStatements(granted, onlyResource(granted, 'aws_iam_role_policy').policy);
      expect(statements).toEqual([
        {
          sid: 'ConnectWithIamAuthentication',
          actions: ['rds-db:connect'],
          resources: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:rds-db:\$\{data\.aws_region\.\w+\.region\}:\$\{data\.aws_caller_identity\.\w+\.account_id\}:dbuser:\$\{aws_db_instance\.Database_\w+\.resource_id\}\/mlflow$/)],
        },
      ]);
    });

    it('grantReadSecret reads only the master secret and decrypts only through Secrets Manager', () => {
      const granted = database({}, (db) => {
        db.grantReadSecret({ name: 'airflow-scheduler' });
      });
      const policy = onlyResource(granted, 'aws_iam_role_policy');
      expect(policy.role).toBe('airflow-scheduler');
      expect(policyStatements(granted, policy.policy)).toEqual([
        {
          sid: 'ReadMasterSecret',
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [expect.stringMatching(/master_user_secret\[0\]\.secret_arn\}$/)],
        },
        {
          sid: 'DecryptMasterSecret',
          actions: ['kms:Decrypt'],
          resources: [expect.stringContaining('aws_kms_key.Database_Key')],
          condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [expect.stringMatching(/^secretsmanager\..+\.amazonaws\.com$/)] }],
        },
      ]);
    });

    it('fails when the database user is not a PostgreSQL role name', () => {
      const db = new PostgresDatabase(testStack(), 'Database', base);
      expect(() => db.grantConnect({ name: 'app' }, '*')).toThrow(/dbUser \("\*"\)/);
    });
  });

  describe('validation', () => {
    it('fails when backupRetentionDays is outside 1..35', () => {
      expect(build({ backupRetentionDays: 0 })).toThrow(/Database: backupRetentionDays \(0\) must be a whole number from 1 to 35/);
      expect(build({ backupRetentionDays: 36 })).toThrow(/backupRetentionDays \(36\)/);
    });

    it('fails when maxAllocatedStorageGiB is below allocatedStorageGiB', () => {
      expect(build({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 })).toThrow(/maxAllocatedStorageGiB \(50\) must be a whole number >= allocatedStorageGiB \(100\)/);
    });

    it('fails when allocated storage is below the gp3 minimum', () => {
      expect(build({ allocatedStorageGiB: 10 })).toThrow(/allocatedStorageGiB \(10\)/);
    });

    it('fails when the parameter group family does not match the engine major', () => {
      expect(build({ engineVersion: '17.6', parameterGroupFamily: 'postgres16' })).toThrow(/parameterGroupFamily \("postgres16"\) does not match engineVersion "17.6"; expected "postgres17"/);
    });

    it('fails when engineVersion is not a PostgreSQL version', () => {
      expect(build({ engineVersion: 'latest' })).toThrow(/engineVersion \("latest"\)/);
    });

    it('fails when there are fewer than two subnets', () => {
      expect(build({ subnetIds: ['subnet-a'] })).toThrow(/subnetIds has 1 subnet/);
    });

    it('fails when Performance Insights retention or the monitoring interval is not one RDS accepts', () => {
      expect(build({ performanceInsightsRetentionDays: 30 })).toThrow(/performanceInsightsRetentionDays \(30\)/);
      expect(build({ monitoringIntervalSeconds: 7 })).toThrow(/monitoringIntervalSeconds \(7\) must be one of 0, 1, 5, 10, 15, 30, 60/);
    });

    it('fails when identifier, database name or master user are invalid', () => {
      expect(build({ identifier: 'Prod_DB' })).toThrow(/identifier \("Prod_DB"\)/);
      expect(build({ identifier: 'prod--db' })).toThrow(/identifier/);
      expect(build({ databaseName: 'my-db' })).toThrow(/databaseName \("my-db"\)/);
      expect(build({ masterUsername: 'rdsadmin' })).toThrow(/masterUsername \("rdsadmin"\)/);
    });

    it('fails when an alarm threshold is out of range', () => {
      expect(build({ alarmThresholds: { cpuPercent: 120 } })).toThrow(/alarmThresholds.cpuPercent \(120\)/);
      expect(build({ alarmThresholds: { maxConnections: 0 } })).toThrow(/alarmThresholds.maxConnections \(0\)/);
    });
  });
});
