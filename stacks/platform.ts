import type { App } from 'cdktf';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { BootstrapStack } from './bootstrap-stack';
import { ClusterStack } from './cluster-stack';
import { DataStack } from './data-stack';
import { NetworkStack } from './network-stack';
import { PlatformServicesStack } from './platform-services-stack';
import { WorkloadsStack } from './workloads-stack';
import { SharedStack } from './shared-stack';

export interface PlatformConfig {
  readonly shared: SharedConfig;
  readonly environments: readonly EnvironmentConfig[];
  /**
   * Where `synthManifests()` writes each environment's Kubernetes manifests for review.
   * @default - `dist/k8s/<env>`
   */
  readonly manifestOutdir?: (environment: string) => string;
}

/** Every stack of one environment, by layer. */
export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly cluster: ClusterStack;
  readonly platform: PlatformServicesStack;
  readonly workloads: WorkloadsStack;
}

export interface PlatformStacks {
  readonly bootstrap: BootstrapStack;
  readonly shared: SharedStack;
  readonly environments: Record<string, EnvironmentStacks>;
  /** Writes every environment's Kubernetes manifests as YAML for review; call after `app.synth()`. */
  synthManifests(): void;
}

/** Composes every stack of every environment into `app`. Stacks only compose; constructs hold the logic. */
export function buildPlatform(app: App, config: PlatformConfig): PlatformStacks {
  const bootstrap = new BootstrapStack(app, config.shared);
  const shared = new SharedStack(app, config.shared, config.environments);
  const environments: Record<string, EnvironmentStacks> = {};
  for (const environment of config.environments) {
    const network = new NetworkStack(app, config.shared, environment);
    const data = new DataStack(app, config.shared, environment, { network: network.network, alarmTopic: network.alarmTopic });
    const cluster = new ClusterStack(app, config.shared, environment, {
      network: network.network,
      ciRunnerSecurityGroupId: network.ciRunner.securityGroupId,
    });
    const platform = new PlatformServicesStack(app, config.shared, environment, {
      cluster: cluster.cluster,
      airflow: {
        databaseSecretArn: data.database.secretArn,
        databaseSecretKmsKeyArn: data.database.kmsKeyArn,
        databaseUsers: data.databaseUsers,
        databaseEndpoint: data.database.endpoint,
        databasePort: data.database.port,
        adminDatabaseName: data.database.databaseName,
        databaseSecurityGroupId: data.database.securityGroupId,
        logsBucketName: data.buckets.airflowLogs.bucketName,
        logsBucketArn: data.buckets.airflowLogs.bucketArn,
        logsBucketKmsKeyArn: data.buckets.airflowLogs.kmsKeyArn,
      },
      alerting: { alarmTopicArn: network.alarmTopic.topicArn, alarmTopicKeyArn: network.alarmTopic.encryptionKey.keyArn },
    });
    const workloads = new WorkloadsStack(app, config.shared, environment, {
      cluster: cluster.cluster,
      data,
      after: [platform],
      manifestOutdir: config.manifestOutdir?.(environment.name),
    });
    environments[environment.name] = { network, data, cluster, platform, workloads };
  }
  return {
    bootstrap,
    shared,
    environments,
    synthManifests: () => Object.values(environments).forEach((stacks) => stacks.workloads.synthManifests()),
  };
}
