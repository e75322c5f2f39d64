import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { type ApplicationUser, PostgresDatabase } from '../constructs/database';
import { EncryptionKey } from '../constructs/encryption';
import type { Network } from '../constructs/network';
import type { AlarmTopic } from '../constructs/observability';
import { recordSuppression } from '../constructs/core/policy-suppression';
import { AccessLogBucket, DataBucket } from '../constructs/storage';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { stackName } from './names';
import { PlatformStack } from './platform-stack';

/** Prefix of every data bucket name; bucket names are global, so the account id makes them unique. */
export const DATA_BUCKET_PREFIX = 'mlops';

/** Purposes of the data buckets, which name them: `<prefix>-<env>-<purpose>-<account>`. */
export const DATA_BUCKET_PURPOSES = {
  raw: 'raw',
  processed: 'processed',
  mlflowArtifacts: 'mlflow-artifacts',
  airflowLogs: 'airflow-logs',
} as const;
export type DataBucketKey = keyof typeof DATA_BUCKET_PURPOSES;

/** The globally unique, deterministic name of one of an environment's buckets. */
export function dataBucketName(environment: string, purpose: string, accountId: string): string {
  return `${DATA_BUCKET_PREFIX}-${environment}-${purpose}-${accountId}`;
}

/**
 * One database and one database user per application on the shared instance: Airflow and MLflow both
 * version their schema in an `alembic_version` table, so sharing one database makes the second
 * migration fail; and neither logs in as the master user, whose password RDS rotates.
 */
export const APPLICATION_DATABASES = { airflow: 'airflow', mlflow: 'mlflow' } as const;
export type ApplicationKey = keyof typeof APPLICATION_DATABASES;

/** Bump an application's number to give it a new database password (rolled out in the same apply). */
export const DATABASE_PASSWORD_VERSIONS: Record<ApplicationKey, number> = { airflow: 1, mlflow: 1 };

export interface DataStackProps {
  /** The environment's network (from `NetworkStack`); the database goes into its database subnets. */
  readonly network: Network;
  /** The environment's alarm topic (from `NetworkStack`); the database alarms notify it. */
  readonly alarmTopic: AlarmTopic;
}

/**
 * `<env>-data`: the state the platform keeps. The PostgreSQL instance holding MLflow's and Airflow's
 * metadata, the buckets for raw and processed data, model artifacts and pipeline logs, the key that
 * encrypts the buckets, and the topic alarms notify. In production every stateful resource is
 * protected with `prevent_destroy`.
 */
export class DataStack extends PlatformStack {
  /** Encrypts the data buckets (the database has its own key). */
  readonly dataKey: EncryptionKey;
  readonly accessLogBucket: AccessLogBucket;
  readonly buckets: Readonly<Record<DataBucketKey, DataBucket>>;
  readonly database: PostgresDatabase;
  /** Each application's own database user (named like its database). */
  readonly databaseUsers: Readonly<Record<ApplicationKey, ApplicationUser>>;
  readonly alarmTopic: AlarmTopic;
  readonly alarmTopicArn: string;

  constructor(scope: Construct, shared: SharedConfig, environment: EnvironmentConfig, props: DataStackProps) {
    super(scope, stackName(environment.name, 'data'), { shared, environment, backend: 's3' });
    const env = environment.name;
    const { database, storage } = environment.data;
    const { thresholds } = environment.observability;
    const preventDestroy = environment.tier === 'production';

    this.alarmTopic = props.alarmTopic;
    this.alarmTopicArn = this.alarmTopic.topicArn;

    this.dataKey = new EncryptionKey(this, 'DataKey', {
      alias: `${env}/data`,
      description: `Encrypts the ${env} data buckets`,
      preventDestroy,
    });
    this.accessLogBucket = new AccessLogBucket(this, 'AccessLogBucket', {
      bucketName: dataBucketName(env, 'access-logs', environment.account.id),
      retentionDays: storage.accessLogRetentionDays,
      preventDestroy,
    });
    const bucket = (key: DataBucketKey) =>
      new DataBucket(this, `${key.charAt(0).toUpperCase()}${key.slice(1)}Bucket`, {
        bucketName: dataBucketName(env, DATA_BUCKET_PURPOSES[key], environment.account.id),
        kmsKeyArn: this.dataKey.keyArn,
        accessLogBucket: this.accessLogBucket,
        transitionToInfrequentAccessDays: storage.transitionToInfrequentAccessDays,
        transitionToGlacierDays: storage.transitionToGlacierDays,
        noncurrentVersionExpirationDays: storage.noncurrentVersionExpirationDays,
        preventDestroy,
      });
    this.buckets = {
      raw: bucket('raw'),
      processed: bucket('processed'),
      mlflowArtifacts: bucket('mlflowArtifacts'),
      airflowLogs: bucket('airflowLogs'),
    };

    this.database = new PostgresDatabase(this, 'Database', {
      identifier: `${env}-platform`,
      vpcId: props.network.vpcId,
      subnetIds: props.network.databaseSubnetIds,
      engineVersion: database.engineVersion,
      instanceClass: database.instanceClass,
      allocatedStorageGiB: database.allocatedStorageGiB,
      maxAllocatedStorageGiB: database.maxAllocatedStorageGiB,
      multiAz: database.multiAz,
      backupRetentionDays: database.backupRetentionDays,
      deletionProtection: database.deletionProtection,
      performanceInsightsRetentionDays: database.performanceInsightsRetentionDays,
      monitoringIntervalSeconds: database.monitoringIntervalSeconds,
      // The schema has no database log retention of its own yet; the environment's log retention fits.
      logRetentionDays: environment.observability.logRetentionDays,
      preventDestroy,
      alarmTopicArn: this.alarmTopic.topicArn,
      alarmThresholds: {
        cpuPercent: thresholds.rdsCpuPercent,
        freeStorageGiB: thresholds.rdsFreeStorageGiB,
        maxConnections: thresholds.rdsMaxConnections,
      },
    });
    if (!database.deletionProtection) {
      // Validation requires deletion protection in production; elsewhere config may turn it off on purpose.
      const disposable = `${env} is a ${environment.tier} environment whose database is disposable by configuration (data.database.deletionProtection = false)`;
      recordSuppression(this.database.instance, 'AWS-RDS-005', disposable);
      recordSuppression(this.database.instance, 'CKV_AWS_293', disposable);
    }
    if (!database.multiAz) {
      recordSuppression(this.database.instance, 'CKV_AWS_157', `${env} is a ${environment.tier} environment that runs one AZ by configuration (data.database.multiAz = false); production validation requires Multi-AZ`);
    }

    // Environments other than production are torn down and rebuilt: free the secrets' names at once.
    const recoveryWindowDays = environment.tier === 'production' ? 30 : 0;
    this.databaseUsers = {
      airflow: this.database.addApplicationUser(APPLICATION_DATABASES.airflow, { recoveryWindowDays, passwordVersion: DATABASE_PASSWORD_VERSIONS.airflow }),
      mlflow: this.database.addApplicationUser(APPLICATION_DATABASES.mlflow, { recoveryWindowDays, passwordVersion: DATABASE_PASSWORD_VERSIONS.mlflow }),
    };

    new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint });
    new TerraformOutput(this, 'database_port', { value: this.database.port });
    new TerraformOutput(this, 'database_name', { value: this.database.databaseName });
    new TerraformOutput(this, 'database_secret_arn', { value: this.database.secretArn });
    new TerraformOutput(this, 'database_security_group_id', { value: this.database.securityGroupId });
    new TerraformOutput(this, 'data_kms_key_arn', { value: this.dataKey.keyArn });
    new TerraformOutput(this, 'access_log_bucket_name', { value: this.accessLogBucket.bucketName });
    for (const [key, dataBucket] of Object.entries(this.buckets)) {
      new TerraformOutput(this, `${DATA_BUCKET_PURPOSES[key as DataBucketKey].replace(/-/g, '_')}_bucket_name`, { value: dataBucket.bucketName });
    }
  }
}
