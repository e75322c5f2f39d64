import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup, type DbParameterGroupParameter } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformResource, TerraformStack, Token } from 'cdktf';
import { Construct, type Node } from 'constructs';
import { GeneratedSecret } from '../core/generated-secret';
import { grantId, grantStatements, kmsViaService, type Grant, type IRoleReference } from '../core/grants';
import { acceptLogRetention } from '../core/policy-suppression';
import { RANDOM_PROVIDER } from '../core/random-provider';
import { nameTags } from '../core/tags';
import { EncryptionKey } from '../encryption/encryption-key';
import { AlarmTopic } from '../observability/alarm-topic';
import { requireProps } from '../core/props';

/** PostgreSQL's port; RDS uses it unless told otherwise, and so do the security group rules. */
export const POSTGRES_PORT = 5432;

/** The RDS log types exported to CloudWatch Logs (each gets a KMS-encrypted group with retention first). */
export const POSTGRES_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

/** Enhanced monitoring intervals RDS accepts; 0 turns enhanced monitoring off. */
export const MONITORING_INTERVALS_SECONDS = [0, 1, 5, 10, 15, 30, 60] as const;

/** Something that has a security group: `db.allowFrom(cluster)` reads its `securityGroupId`. */
export interface ISecurityGroupReference {
  readonly securityGroupId: string;
  readonly node?: Node;
}

export interface PostgresAlarmThresholds {
  /** @default 80 */
  readonly cpuPercent?: number;
  /** @default 10 */
  readonly freeStorageGiB?: number;
  /** @default 200 */
  readonly maxConnections?: number;
}

export interface PostgresDatabaseProps {
  /** RDS instance identifier, e.g. `prod-platform`; also names the security group, key alias, log groups and alarms. */
  readonly identifier: string;
  /** VPC of the database subnets; the database's security group lives here. */
  readonly vpcId: string;
  /** Subnets of the DB subnet group (isolated database subnets in at least two AZs). */
  readonly subnetIds: string[];
  /** PostgreSQL version: a major (`17`) follows RDS's default minor with automatic minor upgrades; `17.6` pins it. */
  readonly engineVersion: string;
  /** e.g. `db.t4g.medium`. */
  readonly instanceClass: string;
  /**
   * Parameter group family; must match the engine major.
   * @default - `postgres<major of engineVersion>`
   */
  readonly parameterGroupFamily?: string;
  /** @default 20 */
  readonly allocatedStorageGiB?: number;
  /**
   * Upper bound for storage autoscaling; equal to `allocatedStorageGiB` turns autoscaling off.
   * @default - 5 x allocatedStorageGiB (at most 65536)
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * Name of the database created with the instance; further databases are created by the applications' migrations.
   * @default 'platform'
   */
  readonly databaseName?: string;
  /**
   * Master user; its password is generated and rotated by RDS in Secrets Manager and never appears in state.
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;
  /** @default true */
  readonly multiAz?: boolean;
  /** Days of automated backups (1-35). @default 7 */
  readonly backupRetentionDays?: number;
  /** @default true */
  readonly deletionProtection?: boolean;
  /**
   * `lifecycle.prevent_destroy` on the instance and on the key that encrypts it and its snapshots.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /** 7, 731, or a multiple of 31 up to 713. @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /** Enhanced monitoring interval; 0 turns it off. @default 60 */
  readonly monitoringIntervalSeconds?: number;
  /** Retention of the exported PostgreSQL and upgrade logs. @default 30 */
  readonly logRetentionDays?: number;
  /** Statements slower than this are logged with their duration (`log_min_duration_statement`). @default 1000 */
  readonly slowStatementThresholdMs?: number;
  /**
   * Further parameters, or overrides of the defaults. Applied with `pending-reboot` (valid for static and
   * dynamic parameters alike) unless the parameter is one of the defaults.
   * @default {}
   */
  readonly parameters?: Record<string, string>;
  /** Daily backup window (UTC), must not overlap the maintenance window. @default '02:00-03:00' */
  readonly backupWindow?: string;
  /** Weekly maintenance window (UTC). @default 'sun:03:30-sun:04:30' */
  readonly maintenanceWindow?: string;
  /**
   * Apply changes now rather than in the next maintenance window (a class change then restarts the instance now).
   * @default false
   */
  readonly applyImmediately?: boolean;
  /** @default 'rds-ca-rsa2048-g1' */
  readonly caCertIdentifier?: string;
  /**
   * SNS topic the alarms notify.
   * @default - a new KMS-encrypted topic named `<identifier>-alarms` without subscriptions
   */
  readonly alarmTopicArn?: string;
  /** @default - 80% CPU, 10 GiB free storage, 200 connections */
  readonly alarmThresholds?: PostgresAlarmThresholds;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

interface ParameterDefault {
  readonly value: string;
  readonly applyMethod: 'immediate' | 'pending-reboot';
}

/** An application's own database user (see `PostgresDatabase.addApplicationUser`). */
export interface ApplicationUser {
  readonly username: string;
  /** Secrets Manager secret with JSON keys `username` and `password`. */
  readonly secretArn: string;
  /** KMS key of that secret (the database's key). */
  readonly kmsKeyArn: string;
  /** Version of the generated password; pods using it carry it so that a new password rolls them. */
  readonly passwordVersion: number;
  /** Read the secret and decrypt it through Secrets Manager only (for an IRSA role in a later stack). */
  readSecretStatements(sidPrefix?: string): DataAwsIamPolicyDocumentStatement[];
}

/**
 * An RDS PostgreSQL instance that is private, encrypted and observable by default:
 *
 * - isolated in its own security group that admits nothing until `allowFrom` names a peer group;
 * - storage, Performance Insights and the Secrets Manager master secret encrypted with its own KMS key;
 * - no password in configuration or state (`manage_master_user_password`), IAM authentication on;
 * - TLS enforced (`rds.force_ssl`), slow statements, connections and lock waits logged to KMS-encrypted
 *   log groups with retention, `pg_stat_statements` loaded;
 * - automated backups, a final snapshot, storage autoscaling on gp3, enhanced monitoring, and CloudWatch
 *   alarms on CPU, free storage and connections.
 */
export class PostgresDatabase extends Construct {
  readonly instance: DbInstance;
  readonly encryptionKey: EncryptionKey;
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: DbSubnetGroup;
  readonly parameterGroup: DbParameterGroup;
  readonly logGroups: Record<(typeof POSTGRES_LOG_EXPORTS)[number], CloudwatchLogGroup>;
  readonly monitoringRole?: IamRole;
  /** Created only when no `alarmTopicArn` was given. */
  readonly alarmTopic?: AlarmTopic;
  readonly alarms: CloudwatchMetricAlarm[];

  /** DNS name of the instance (no port). */
  readonly endpoint: string;
  readonly port: number;
  /** ARN of the Secrets Manager secret holding the master user's credentials, managed and rotated by RDS. */
  readonly secretArn: string;
  readonly securityGroupId: string;
  readonly instanceIdentifier: string;
  readonly instanceArn: string;
  /** The instance's immutable resource id (`db-...`), which IAM database authentication ARNs name. */
  readonly resourceId: string;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly kmsKeyArn: string;
  readonly alarmTopicArn: string;

  readonly engineVersion: string;
  readonly parameterGroupFamily: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly performanceInsightsRetentionDays: number;
  readonly monitoringIntervalSeconds: number;
  readonly logRetentionDays: number;
  readonly alarmThresholds: Required<PostgresAlarmThresholds>;
  /** `<identifier>-final-<8 hex>`: the snapshot RDS takes when the instance is deleted. */
  readonly finalSnapshotIdentifier: string;

  /** The identifier as configured (known at synth), which names the users' secrets. */
  private readonly identifier: string;
  private readonly partition: DataAwsPartition;
  private readonly region: DataAwsRegion;
  private readonly account: DataAwsCallerIdentity;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    requireProps(this.node.path, props, { identifier: 'string', vpcId: 'string', subnetIds: 'array', engineVersion: 'string', instanceClass: 'string' });
    const path = this.node.path;
    const tags = props.tags ?? {};
    const identifier = props.identifier;
    this.identifier = identifier;

    // ---- Resolve defaults once, then validate (skipping values only known at deploy time). ----
    this.engineVersion = props.engineVersion;
    const major = /^(\d+)(\.\d+)?$/.exec(props.engineVersion)?.[1];
    if (!Token.isUnresolved(props.engineVersion) && major === undefined) {
      throw new Error(`${path}: engineVersion ("${props.engineVersion}") must be a PostgreSQL version such as "17" or "17.6"`);
    }
    if (props.parameterGroupFamily === undefined && major === undefined) {
      throw new Error(`${path}: parameterGroupFamily is required when engineVersion is only known at deploy time`);
    }
    this.parameterGroupFamily = props.parameterGroupFamily ?? `postgres${major}`;
    if (major !== undefined && !Token.isUnresolved(this.parameterGroupFamily) && this.parameterGroupFamily !== `postgres${major}`) {
      throw new Error(
        `${path}: parameterGroupFamily ("${this.parameterGroupFamily}") does not match engineVersion "${props.engineVersion}"; expected "postgres${major}"`,
      );
    }
    this.allocatedStorageGiB = props.allocatedStorageGiB ?? 20;
    this.maxAllocatedStorageGiB = props.maxAllocatedStorageGiB ?? Math.min(this.allocatedStorageGiB * 5, 65536);
    this.databaseName = props.databaseName ?? 'platform';
    this.masterUsername = props.masterUsername ?? 'dbadmin';
    this.multiAz = props.multiAz ?? true;
    this.backupRetentionDays = props.backupRetentionDays ?? 7;
    this.deletionProtection = props.deletionProtection ?? true;
    this.performanceInsightsRetentionDays = props.performanceInsightsRetentionDays ?? 7;
    this.monitoringIntervalSeconds = props.monitoringIntervalSeconds ?? 60;
    this.logRetentionDays = props.logRetentionDays ?? 30;
    this.alarmThresholds = {
      cpuPercent: props.alarmThresholds?.cpuPercent ?? 80,
      freeStorageGiB: props.alarmThresholds?.freeStorageGiB ?? 10,
      maxConnections: props.alarmThresholds?.maxConnections ?? 200,
    };
    const slowStatementMs = props.slowStatementThresholdMs ?? 1000;
    validate(path, {
      identifier,
      subnetIds: props.subnetIds,
      allocated: this.allocatedStorageGiB,
      maxAllocated: this.maxAllocatedStorageGiB,
      backupRetentionDays: this.backupRetentionDays,
      performanceInsightsRetentionDays: this.performanceInsightsRetentionDays,
      monitoringIntervalSeconds: this.monitoringIntervalSeconds,
      logRetentionDays: this.logRetentionDays,
      databaseName: this.databaseName,
      masterUsername: this.masterUsername,
      slowStatementMs,
      thresholds: this.alarmThresholds,
    });

    this.account = new DataAwsCallerIdentity(this, 'Account');
    this.partition = new DataAwsPartition(this, 'Partition');
    this.region = new DataAwsRegion(this, 'Region');
    const arnPrefix = `arn:${this.partition.partition}`;

    // ---- Encryption: one key for storage, snapshots, Performance Insights, the master secret and the logs. ----
    const logGroupPrefix = `/aws/rds/instance/${identifier}`;
    this.encryptionKey = new EncryptionKey(this, 'Key', {
      alias: `${identifier}/rds`,
      description: `Encrypts the ${identifier} PostgreSQL instance, its snapshots, master secret and logs`,
      additionalStatements: [
        {
          sid: 'CloudWatchLogsEncryptsTheDatabaseLogGroups',
          principals: [{ type: 'Service', identifiers: [`logs.${this.region.region}.amazonaws.com`] }],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`${arnPrefix}:logs:${this.region.region}:${this.account.accountId}:log-group:${logGroupPrefix}/*`],
            },
          ],
        },
      ],
      // Losing the key loses every snapshot with it: protect it whenever the instance is protected.
      preventDestroy: props.preventDestroy,
      tags,
    });
    this.kmsKeyArn = this.encryptionKey.keyArn;

    // ---- Network: a subnet group on the isolated subnets and a group that admits nothing by itself. ----
    this.subnetGroup = new DbSubnetGroup(this, 'SubnetGroup', {
      name: identifier,
      description: `Database subnets of ${identifier}`,
      subnetIds: props.subnetIds,
      tags: nameTags(identifier, tags),
    });
    // No inline rules (they would fight the separate rule resources) and no egress: PostgreSQL only answers.
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${identifier}-postgres`,
      description: `PostgreSQL ${identifier}: ingress only from named security groups`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: nameTags(`${identifier}-postgres`, tags),
    });
    this.securityGroupId = this.securityGroup.id;

    // ---- Parameters. Named by prefix and replaced before destroy, so a major upgrade can swap families. ----
    const defaults: Record<string, ParameterDefault> = {
      'rds.force_ssl': { value: '1', applyMethod: 'immediate' },
      log_min_duration_statement: { value: String(slowStatementMs), applyMethod: 'immediate' },
      log_connections: { value: '1', applyMethod: 'immediate' },
      log_disconnections: { value: '1', applyMethod: 'immediate' },
      log_lock_waits: { value: '1', applyMethod: 'immediate' },
      // Static: takes effect at the next reboot.
      shared_preload_libraries: { value: 'pg_stat_statements', applyMethod: 'pending-reboot' },
    };
    const parameters: DbParameterGroupParameter[] = Object.entries(defaults).map(([name, p]) => ({
      name,
      value: props.parameters?.[name] ?? p.value,
      applyMethod: p.applyMethod,
    }));
    for (const [name, value] of Object.entries(props.parameters ?? {})) {
      if (!(name in defaults)) parameters.push({ name, value, applyMethod: 'pending-reboot' });
    }
    this.parameterGroup = new DbParameterGroup(this, 'ParameterGroup', {
      namePrefix: `${identifier}-${this.parameterGroupFamily}-`,
      family: this.parameterGroupFamily,
      description: `Parameters of ${identifier}: TLS only, slow-statement and connection logging, pg_stat_statements`,
      parameter: parameters,
      lifecycle: { createBeforeDestroy: true },
      tags: nameTags(identifier, tags),
    });

    // ---- Logs: created before the instance, or RDS creates them unencrypted and kept forever. ----
    const logGroups = {} as Record<(typeof POSTGRES_LOG_EXPORTS)[number], CloudwatchLogGroup>;
    for (const logType of POSTGRES_LOG_EXPORTS) {
      logGroups[logType] = new CloudwatchLogGroup(this, `LogGroup-${logType}`, {
        name: `${logGroupPrefix}/${logType}`,
        retentionInDays: this.logRetentionDays,
        kmsKeyId: this.encryptionKey.keyArn,
        tags: nameTags(`${logGroupPrefix}/${logType}`, tags),
      });
      acceptLogRetention(logGroups[logType], this.logRetentionDays, 'the logRetentionDays prop');
    }
    this.logGroups = logGroups;

    // ---- Enhanced monitoring. ----
    // RDS checks the monitoring role's permissions when the instance is created: attach them first.
    let monitoringPolicy: IamRolePolicyAttachment | undefined;
    if (this.monitoringIntervalSeconds > 0) {
      const trust = new DataAwsIamPolicyDocument(this, 'MonitoringTrust', {
        statement: [
          {
            actions: ['sts:AssumeRole'],
            principals: [{ type: 'Service', identifiers: ['monitoring.rds.amazonaws.com'] }],
            condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.account.accountId] }],
          },
        ],
      });
      this.monitoringRole = new IamRole(this, 'MonitoringRole', {
        name: `${identifier}-rds-monitoring`,
        description: `Publishes enhanced monitoring metrics of ${identifier} to CloudWatch Logs`,
        assumeRolePolicy: trust.json,
        tags,
      });
      monitoringPolicy = new IamRolePolicyAttachment(this, 'MonitoringRolePolicy', {
        role: this.monitoringRole.name,
        policyArn: `${arnPrefix}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
      });
    }

    // ---- The final snapshot's name: unique per instance lifetime. ----
    // A fixed `<identifier>-final` collides with the snapshot the previous destroy left behind, so the
    // second destroy of a rebuilt environment fails. A random_id (hashicorp/random 3.7.2, `keepers`
    // force a new value only when the identifier changes) is generated once with the instance and
    // destroyed with it: stable across plans, new for each rebuild, and no clock in the constructor.
    TerraformStack.of(this).addOverride('terraform.required_providers.random', RANDOM_PROVIDER);
    const suffix = new TerraformResource(this, 'FinalSnapshotSuffix', { terraformResourceType: 'random_id' });
    suffix.addOverride('byte_length', 4);
    suffix.addOverride('keepers', { identifier });
    this.finalSnapshotIdentifier = `${identifier}-final-${suffix.getStringAttribute('hex')}`;

    // ---- The instance. ----
    this.instance = new DbInstance(this, 'Resource', {
      identifier,
      engine: 'postgres',
      engineVersion: props.engineVersion,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      instanceClass: props.instanceClass,
      dbName: this.databaseName,
      username: this.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.encryptionKey.keyArn,
      iamDatabaseAuthenticationEnabled: true,
      port: POSTGRES_PORT,

      storageType: 'gp3',
      allocatedStorage: this.allocatedStorageGiB,
      maxAllocatedStorage: this.maxAllocatedStorageGiB,
      storageEncrypted: true,
      kmsKeyId: this.encryptionKey.keyArn,

      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      multiAz: this.multiAz,
      caCertIdentifier: props.caCertIdentifier ?? 'rds-ca-rsa2048-g1',
      parameterGroupName: this.parameterGroup.name,

      backupRetentionPeriod: this.backupRetentionDays,
      backupWindow: props.backupWindow ?? '02:00-03:00',
      maintenanceWindow: props.maintenanceWindow ?? 'sun:03:30-sun:04:30',
      copyTagsToSnapshot: true,
      // Keep automated backups after the instance is deleted; they expire with their retention.
      deleteAutomatedBackups: false,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: this.finalSnapshotIdentifier,
      deletionProtection: this.deletionProtection,
      applyImmediately: props.applyImmediately ?? false,

      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: this.encryptionKey.keyArn,
      performanceInsightsRetentionPeriod: this.performanceInsightsRetentionDays,
      monitoringInterval: this.monitoringIntervalSeconds,
      monitoringRoleArn: this.monitoringRole?.arn,
      enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],

      tags: nameTags(identifier, tags),
      // Log groups first (or RDS creates them unencrypted, without retention), and the monitoring role's permissions.
      dependsOn: [...Object.values(this.logGroups), ...(monitoringPolicy ? [monitoringPolicy] : [])],
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });

    this.endpoint = this.instance.address;
    // The port is set here, so it is known before deployment: no reference to wait for.
    this.port = POSTGRES_PORT;
    this.secretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.instanceIdentifier = this.instance.identifier;
    this.instanceArn = this.instance.arn;
    this.resourceId = this.instance.resourceId;

    // ---- Alarms. ----
    if (props.alarmTopicArn === undefined) {
      this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { topicName: `${identifier}-alarms`, tags });
    }
    this.alarmTopicArn = props.alarmTopicArn ?? this.alarmTopic!.topicArn;
    const alarm = (name: string, config: Omit<CloudwatchMetricAlarmConfig, 'alarmName' | 'namespace' | 'dimensions'>) =>
      new CloudwatchMetricAlarm(this, `Alarm-${name}`, {
        alarmName: `${identifier}-${name}`,
        namespace: 'AWS/RDS',
        dimensions: { DBInstanceIdentifier: this.instance.identifier },
        alarmActions: [this.alarmTopicArn],
        okActions: [this.alarmTopicArn],
        tags,
        ...config,
      });
    this.alarms = [
      alarm('cpu-utilization', {
        alarmDescription: `${identifier}: average CPU above ${this.alarmThresholds.cpuPercent}% for 15 minutes`,
        metricName: 'CPUUtilization',
        statistic: 'Average',
        period: 300,
        evaluationPeriods: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: this.alarmThresholds.cpuPercent,
      }),
      alarm('free-storage-space', {
        alarmDescription: `${identifier}: less than ${this.alarmThresholds.freeStorageGiB} GiB of free storage`,
        metricName: 'FreeStorageSpace',
        statistic: 'Minimum',
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'LessThanThreshold',
        threshold: this.alarmThresholds.freeStorageGiB * 1024 ** 3,
      }),
      alarm('database-connections', {
        alarmDescription: `${identifier}: more than ${this.alarmThresholds.maxConnections} connections for 10 minutes`,
        metricName: 'DatabaseConnections',
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 2,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: this.alarmThresholds.maxConnections,
      }),
    ];
  }

  /**
   * Admits PostgreSQL connections (TCP 5432) from a security group; never from a CIDR.
   * The rule's construct id comes from `description`, so each description must be unique on this database.
   */
  allowFrom(peer: string | ISecurityGroupReference, description: string): VpcSecurityGroupIngressRule {
    const slug = description.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
    if (slug === '') throw new Error(`${this.node.path}: allowFrom needs a description that names the peer`);
    const id = `AllowFrom-${slug}`;
    if (this.node.tryFindChild(id)) {
      throw new Error(`${this.node.path}: allowFrom was already called with the description "${description}"; descriptions name the rules and must be unique`);
    }
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: typeof peer === 'string' ? peer : peer.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description,
    });
  }

  /**
   * Lets `role` log in as the database user `dbUser` with an IAM authentication token (`rds-db:connect`
   * on that one user of this one instance). The user must exist and be granted `rds_iam` in PostgreSQL.
   */
  grantConnect(role: IRoleReference, dbUser: string): Grant {
    if (!Token.isUnresolved(dbUser) && !/^[a-z_][a-z0-9_]{0,62}$/.test(dbUser)) {
      throw new Error(`${this.node.path}: grantConnect dbUser ("${dbUser}") must be a lowercase PostgreSQL role name (letters, digits, underscores)`);
    }
    const userArn = `arn:${this.partition.partition}:rds-db:${this.region.region}:${this.account.accountId}:dbuser:${this.resourceId}/${dbUser}`;
    return grantStatements(this, grantId(`ConnectGrant-${dbUser}-`, role), role, [
      { sid: 'ConnectWithIamAuthentication', actions: ['rds-db:connect'], resources: [userArn] },
    ]);
  }

  /**
   * A database user of one application, with its own password in its own Secrets Manager secret
   * (JSON `username`, `password`), generated during apply and never in plan or state. Applications log
   * in as it instead of the master user: RDS rotates the master password every 7 days, and a running
   * application that read it once at start fails its next connections after a rotation. This password
   * changes only when `passwordVersion` is bumped, in the same apply that rolls the pods using it.
   * The role itself is created in PostgreSQL by the platform's bootstrap Job (as the master user).
   */
  addApplicationUser(username: string, options: { recoveryWindowDays?: number; passwordVersion?: number } = {}): ApplicationUser {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(username) || /^(rds|pg_)/.test(username) || username === this.masterUsername) {
      throw new Error(`${this.node.path}: application user "${username}" must be a lowercase PostgreSQL role name, not reserved (rds*, pg_*) and not the master user`);
    }
    const id = `User-${username}`;
    if (this.node.tryFindChild(id)) throw new Error(`${this.node.path}: application user "${username}" was already added`);
    const secret = new GeneratedSecret(this, id, {
      secretName: `${this.identifier}/users/${username}`,
      description: `PostgreSQL user ${username} of ${this.identifier}; generated by Terraform, read by External Secrets`,
      kmsKeyArn: this.encryptionKey.keyArn,
      recoveryWindowDays: options.recoveryWindowDays,
      fixed: { username },
      generated: { password: 'password' },
      version: options.passwordVersion,
    });
    const keyArn = this.encryptionKey.keyArn;
    const region = this.region.region;
    return {
      username,
      secretArn: secret.secretArn,
      kmsKeyArn: keyArn,
      passwordVersion: secret.version,
      readSecretStatements: (sidPrefix = '') => [
        { sid: `${sidPrefix}ReadUserSecret`, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [secret.secretArn] },
        kmsViaService(`${sidPrefix}DecryptUserSecret`, ['kms:Decrypt'], keyArn, `secretsmanager.${region}.amazonaws.com`),
      ],
    };
  }

  /** Lets `role` read the master user's secret (and decrypt it, only through Secrets Manager). */
  grantReadSecret(role: IRoleReference): Grant {
    return grantStatements(this, grantId('ReadSecretGrant', role), role, this.readSecretStatements());
  }

  /**
   * The statements behind `grantReadSecret`, for a role whose policy lives elsewhere (an IRSA role in a
   * later stack). `sidPrefix` keeps statement ids unique when combined with others.
   */
  readSecretStatements(sidPrefix = ''): DataAwsIamPolicyDocumentStatement[] {
    return [
      { sid: `${sidPrefix}ReadMasterSecret`, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.secretArn] },
      kmsViaService(`${sidPrefix}DecryptMasterSecret`, ['kms:Decrypt'], this.encryptionKey.keyArn, `secretsmanager.${this.region.region}.amazonaws.com`),
    ];
  }
}

interface Checked {
  identifier: string;
  subnetIds: string[];
  allocated: number;
  maxAllocated: number;
  backupRetentionDays: number;
  performanceInsightsRetentionDays: number;
  monitoringIntervalSeconds: number;
  logRetentionDays: number;
  databaseName: string;
  masterUsername: string;
  slowStatementMs: number;
  thresholds: Required<PostgresAlarmThresholds>;
}

const known = (value: unknown) => !Token.isUnresolved(value);
const isInt = (value: number) => Number.isInteger(value);

function validate(path: string, c: Checked): void {
  const fail = (message: string) => {
    throw new Error(`${path}: ${message}`);
  };
  if (known(c.identifier) && (!/^[a-z](?!.*--)[a-z0-9-]{0,62}$/.test(c.identifier) || c.identifier.endsWith('-'))) {
    fail(`identifier ("${c.identifier}") must be 1-63 lowercase letters, digits or single hyphens, start with a letter and not end with a hyphen`);
  }
  if (known(c.subnetIds) && c.subnetIds.length < 2) {
    fail(`subnetIds has ${c.subnetIds.length} subnet(s); a DB subnet group needs subnets in at least two AZs`);
  }
  if (known(c.allocated) && (!isInt(c.allocated) || c.allocated < 20 || c.allocated > 65536)) {
    fail(`allocatedStorageGiB (${c.allocated}) must be a whole number from 20 (the gp3 minimum) to 65536`);
  }
  if (known(c.maxAllocated) && known(c.allocated) && (!isInt(c.maxAllocated) || c.maxAllocated < c.allocated || c.maxAllocated > 65536)) {
    fail(`maxAllocatedStorageGiB (${c.maxAllocated}) must be a whole number >= allocatedStorageGiB (${c.allocated}) and <= 65536`);
  }
  if (known(c.backupRetentionDays) && (!isInt(c.backupRetentionDays) || c.backupRetentionDays < 1 || c.backupRetentionDays > 35)) {
    fail(`backupRetentionDays (${c.backupRetentionDays}) must be a whole number from 1 to 35 (0 would turn backups off)`);
  }
  const pi = c.performanceInsightsRetentionDays;
  if (known(pi) && !(pi === 7 || pi === 731 || (isInt(pi) && pi > 0 && pi % 31 === 0 && pi <= 713))) {
    fail(`performanceInsightsRetentionDays (${pi}) must be 7, 731 or a multiple of 31 up to 713`);
  }
  if (known(c.monitoringIntervalSeconds) && !(MONITORING_INTERVALS_SECONDS as readonly number[]).includes(c.monitoringIntervalSeconds)) {
    fail(`monitoringIntervalSeconds (${c.monitoringIntervalSeconds}) must be one of ${MONITORING_INTERVALS_SECONDS.join(', ')}`);
  }
  if (known(c.logRetentionDays) && (!isInt(c.logRetentionDays) || c.logRetentionDays < 1)) {
    fail(`logRetentionDays (${c.logRetentionDays}) must be a positive whole number`);
  }
  if (known(c.databaseName) && !/^[a-z][a-z0-9_]{0,62}$/.test(c.databaseName)) {
    fail(`databaseName ("${c.databaseName}") must be 1-63 lowercase letters, digits or underscores, starting with a letter`);
  }
  if (known(c.masterUsername) && (!/^[a-z][a-z0-9_]{0,62}$/.test(c.masterUsername) || /^(rds|pg_)/.test(c.masterUsername))) {
    fail(`masterUsername ("${c.masterUsername}") must be 1-63 lowercase letters, digits or underscores, not starting with "rds" or "pg_" (reserved)`);
  }
  if (known(c.slowStatementMs) && (!isInt(c.slowStatementMs) || c.slowStatementMs < 0)) {
    fail(`slowStatementThresholdMs (${c.slowStatementMs}) must be a whole number of milliseconds >= 0`);
  }
  const t = c.thresholds;
  if (known(t.cpuPercent) && !(t.cpuPercent > 0 && t.cpuPercent <= 100)) fail(`alarmThresholds.cpuPercent (${t.cpuPercent}) must be above 0 and at most 100`);
  if (known(t.freeStorageGiB) && !(t.freeStorageGiB > 0)) fail(`alarmThresholds.freeStorageGiB (${t.freeStorageGiB}) must be above 0`);
  if (known(t.maxConnections) && !(isInt(t.maxConnections) && t.maxConnections > 0)) {
    fail(`alarmThresholds.maxConnections (${t.maxConnections}) must be a positive whole number`);
  }
}
