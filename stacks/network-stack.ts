import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { availabilityZoneNames, Network } from '../constructs/network';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { stackName } from './names';
import { PlatformStack } from './platform-stack';

/** `<env>-network`: the VPC every other layer of the environment lives in. */
export class NetworkStack extends PlatformStack {
  readonly network: Network;

  constructor(scope: Construct, shared: SharedConfig, environment: EnvironmentConfig) {
    super(scope, stackName(environment.name, 'network'), { shared, environment, backend: 's3' });
    const { network } = environment;
    this.network = new Network(this, 'Network', {
      name: environment.name,
      cidr: network.cidr,
      availabilityZones: availabilityZoneNames(environment.account.region, network.azCount),
      natMode: network.natMode,
      flowLogRetentionDays: network.flowLogRetentionDays,
    });
    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnetIds });
    new TerraformOutput(this, 'public_subnet_ids', { value: this.network.publicSubnetIds });
    new TerraformOutput(this, 'database_subnet_ids', { value: this.network.databaseSubnetIds });
  }
}
