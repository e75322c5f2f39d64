import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { GithubActionsRunner, runnerProjectName } from '../constructs/ci';
import { availabilityZoneNames, Network } from '../constructs/network';
import { AlarmTopic, LoadBalancerAlarms, NatGatewayAlarms } from '../constructs/observability';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { stackName } from './names';
import { PlatformStack } from './platform-stack';

/**
 * `<env>-network`: the VPC every other layer of the environment lives in, and the environment's alarm
 * topic (created here, in the first layer, so every later layer can notify it).
 */
export class NetworkStack extends PlatformStack {
  readonly network: Network;
  readonly alarmTopic: AlarmTopic;
  /** CI runners inside the VPC: the jobs that plan and apply the stacks talking to the private EKS API run here. */
  readonly ciRunner: GithubActionsRunner;

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

    // Every alarm of the environment goes here. Production subscribes the on-call address (it pages);
    // elsewhere the topic has no subscriber unless one is configured, so alarms are only recorded.
    const { thresholds } = environment.observability;
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      topicName: `${environment.name}-alarms`,
      emailAddresses: environment.observability.alertEmail ? [environment.observability.alertEmail] : [],
      preventDestroy: environment.tier === 'production',
    });
    new NatGatewayAlarms(this, 'NatAlarms', {
      name: environment.name,
      natGatewayIds: this.network.natGateways.map((nat) => nat.id),
      alarmTopicArn: this.alarmTopic.topicArn,
      errorPortAllocationThreshold: thresholds.natErrorPortAllocation,
      packetsDroppedThreshold: thresholds.natPacketsDropped,
    });
    new LoadBalancerAlarms(this, 'LoadBalancerAlarms', {
      name: environment.name,
      alarmTopicArn: this.alarmTopic.topicArn,
      http5xxThreshold: thresholds.loadBalancer5xxPerFiveMinutes,
    });

    // In the first layer, so it exists (applied from a GitHub-hosted runner) before any stack needs the cluster's API.
    this.ciRunner = new GithubActionsRunner(this, 'CiRunner', {
      name: runnerProjectName(environment.name),
      repository: shared.github.repository,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
    });
    new TerraformOutput(this, 'ci_runner_project', { value: this.ciRunner.projectName });
    new TerraformOutput(this, 'ci_runner_connection_arn', { value: this.ciRunner.connectionArn });

    new TerraformOutput(this, 'alarm_topic_arn', { value: this.alarmTopic.topicArn });
    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnetIds });
    new TerraformOutput(this, 'public_subnet_ids', { value: this.network.publicSubnetIds });
    new TerraformOutput(this, 'database_subnet_ids', { value: this.network.databaseSubnetIds });
  }
}
