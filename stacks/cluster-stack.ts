import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { CLUSTER_ADMIN_ACCESS_POLICY, KubernetesCluster } from '../constructs/cluster/kubernetes-cluster';
import { Bastion } from '../constructs/compute/bastion';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { stackName } from './names';
import { PlatformStack } from './platform-stack';

/** What the cluster needs from the network layer; `Network` satisfies it. */
export interface ClusterNetwork {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
}

export interface ClusterStackDependencies {
  readonly network: ClusterNetwork;
}

/** The EKS cluster's name in an environment. */
export function clusterName(environment: string): string {
  return `${environment}-platform`;
}

/** `<env>-cluster`: the EKS control plane, its node groups, IRSA and add-ons, and the SSM bastion. */
export class ClusterStack extends PlatformStack {
  readonly cluster: KubernetesCluster;
  readonly bastion?: Bastion;

  constructor(scope: Construct, shared: SharedConfig, environment: EnvironmentConfig, dependencies: ClusterStackDependencies) {
    super(scope, stackName(environment.name, 'cluster'), { shared, environment, backend: 's3' });
    const config = environment.cluster;
    const { network } = dependencies;

    this.cluster = new KubernetesCluster(this, 'Cluster', {
      name: clusterName(environment.name),
      kubernetesVersion: config.kubernetesVersion,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      endpointPublicAccessCidrs: config.endpointPublicAccessCidrs,
      adminRoleArns: config.adminRoleArns,
      controlPlaneLogRetentionDays: config.controlPlaneLogRetentionDays,
      addons: config.addons,
      nodeGroups: config.nodeGroups,
      // Only production is hard to delete; other environments are torn down and rebuilt.
      deletionProtection: environment.tier === 'production',
    });

    // Terraform reaches the cluster's API as the role it assumes (`var.aws_role_arn`): applies as the
    // deployer, which manages the Helm releases and manifests; pull-request plans as the read-only
    // planner, which must read every object, Secrets included, since Helm keeps release state in them.
    const { assumeRoleArn, planRoleArn } = environment.account;
    if (assumeRoleArn && !config.adminRoleArns.includes(assumeRoleArn)) {
      this.cluster.grantAccess('Deployer', assumeRoleArn, { policy: CLUSTER_ADMIN_ACCESS_POLICY, source: `[${environment.name}] account.assumeRoleArn` });
    }
    if (planRoleArn) this.cluster.grantAccess('Planner', planRoleArn, { policy: 'AmazonEKSAdminViewPolicy', source: `[${environment.name}] account.planRoleArn` });

    if (config.bastion.enabled) {
      this.bastion = new Bastion(this, 'Bastion', {
        name: `${environment.name}-bastion`,
        vpcId: network.vpcId,
        subnetId: network.privateSubnetIds[0],
        instanceType: config.bastion.instanceType,
        kmsKeyArn: this.cluster.volumeKeyArn,
      });
      this.cluster.allowApiAccessFrom('Bastion', this.bastion.securityGroupId);
      new TerraformOutput(this, 'bastion_instance_id', { value: this.bastion.instanceId });
    }

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.clusterName });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.clusterEndpoint });
    new TerraformOutput(this, 'oidc_provider_arn', { value: this.cluster.oidcProviderArn });
  }
}
