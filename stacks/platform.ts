import type { App } from 'cdktf';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { BootstrapStack } from './bootstrap-stack';
import { DataStack } from './data-stack';
import { NetworkStack } from './network-stack';
import { SharedStack } from './shared-stack';

export interface PlatformConfig {
  readonly shared: SharedConfig;
  readonly environments: readonly EnvironmentConfig[];
  /**
   * Where each environment's Kubernetes manifests are written for review when `manifestApps` synthesize.
   * @default - `dist/k8s/<env>`
   */
  readonly manifestOutdir?: (environment: string) => string;
}

/** Every stack of one environment, by layer. */
export interface EnvironmentStacks {
  readonly network: NetworkStack;
  readonly data: DataStack;
}

export interface PlatformStacks {
  readonly bootstrap: BootstrapStack;
  readonly shared: SharedStack;
  readonly environments: Record<string, EnvironmentStacks>;
  /** The cdk8s apps holding each environment's charts; `synth()` writes their YAML for review. */
  readonly manifestApps: readonly { synth(): void }[];
}

/** Composes every stack of every environment into `app`. Stacks only compose; constructs hold the logic. */
export function buildPlatform(app: App, config: PlatformConfig): PlatformStacks {
  const bootstrap = new BootstrapStack(app, config.shared);
  const shared = new SharedStack(app, config.shared, config.environments);
  const environments: Record<string, EnvironmentStacks> = {};
  for (const environment of config.environments) {
    const network = new NetworkStack(app, config.shared, environment);
    const data = new DataStack(app, config.shared, environment, { network: network.network });
    environments[environment.name] = { network, data };
  }
  return { bootstrap, shared, environments, manifestApps: [] };
}
