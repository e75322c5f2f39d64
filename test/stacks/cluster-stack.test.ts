import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { Testing } from 'cdktf';
import { environments, shared } from '../../environments';
import { ClusterStack } from '../../stacks/cluster-stack';
import { NetworkStack } from '../../stacks/network-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const only = (resources: Json) => Object.values(resources ?? {}) as Json[];

function build(envName: keyof typeof environments) {
  const app = Testing.app();
  const environment = environments[envName];
  const network = new NetworkStack(app, shared, environment);
  const stack = new ClusterStack(app, shared, environment, { network: network.network });
  app.synth(); // resolves the cross-stack references to the network stack
  return { stack, synthesized: Testing.synth(stack, true) };
}

describe.each(Object.keys(environments) as (keyof typeof environments)[])('ClusterStack (%s)', (envName) => {
  const environment = environments[envName];
  const { stack, synthesized } = build(envName);
  const json = JSON.parse(synthesized);

  it('lets the deployer role administer the cluster and the planner role read it, Secrets included', () => {
    const associations = only(json.resource.aws_eks_access_policy_association);
    const policyOf = (principal: string) => associations.filter((a) => a.principal_arn === principal).map((a) => String(a.policy_arn).split('/').pop());
    expect(policyOf(environment.account.assumeRoleArn!)).toEqual(['AmazonEKSClusterAdminPolicy']);
    expect(policyOf(environment.account.planRoleArn!)).toEqual(['AmazonEKSAdminViewPolicy']);
    const entries = only(json.resource.aws_eks_access_entry).map((e) => e.principal_arn);
    expect(entries).toEqual(expect.arrayContaining([environment.account.assumeRoleArn, environment.account.planRoleArn]));
    expect(new Set(entries).size).toBe(entries.length);
  });

  it('fails the plan, naming the setting, when the deployer, planner or an admin role does not exist', () => {
    const messages = only(json.resource.aws_eks_access_entry).map((e) => (e.lifecycle.precondition as Json[])[0].error_message as string);
    expect(messages).toEqual(
      expect.arrayContaining([
        `[${envName}] account.assumeRoleArn: IAM role ${environment.account.assumeRoleArn} does not exist, and EKS rejects an access entry for it ("invalid principal"). Create it first (README, "Prerequisites").`,
        `[${envName}] account.planRoleArn: IAM role ${environment.account.planRoleArn} does not exist, and EKS rejects an access entry for it ("invalid principal"). Create it first (README, "Prerequisites").`,
        expect.stringMatching(new RegExp(`^${envName}-platform: adminRoleArns\\[0\\]: IAM role `)),
      ]),
    );
    expect(messages).toHaveLength(only(json.resource.aws_eks_access_entry).length);
  });

  it('is the <env>-cluster stack with its own state key', () => {
    expect(stack.node.id).toBe(`${envName}-cluster`);
    expect(json.terraform.backend.s3.key).toBe(`${envName}-cluster/terraform.tfstate`);
  });

  it('creates the cluster from the environment, in the network stack\'s private subnets', () => {
    expect(synthesized).toHaveResourceWithProperties(EksCluster, {
      name: `${envName}-platform`,
      version: environment.cluster.kubernetesVersion,
      encryption_config: { resources: ['secrets'], provider: { key_arn: expect.any(String) } },
      vpc_config: expect.objectContaining({
        endpoint_private_access: true,
        public_access_cidrs: environment.cluster.endpointPublicAccessCidrs,
        subnet_ids: Array(environment.network.azCount).fill(expect.stringMatching(new RegExp(`cross-stack-reference-input-${envName}-network.*PrivateSubnet`))),
      }),
      deletion_protection: environment.tier === 'production',
    });
  });

  it('has an IAM OIDC provider and node groups whose launch templates require IMDSv2', () => {
    expect(only(json.resource.aws_iam_openid_connect_provider)).toHaveLength(1);
    const templates = only(json.resource.aws_launch_template);
    expect(templates.length).toBeGreaterThanOrEqual(1);
    expect(templates.every((t) => t.metadata_options.http_tokens === 'required')).toBe(true);
    expect(only(json.resource.aws_eks_node_group)).toHaveLength(Object.keys(environment.cluster.nodeGroups).length);
  });

  it('exports the cluster name, endpoint and OIDC provider ARN', () => {
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining(['cluster_name', 'cluster_endpoint', 'oidc_provider_arn']));
  });

  it(environment.cluster.bastion.enabled ? 'has an SSM bastion allowed into the API on 443' : 'has no bastion', () => {
    const instances = only(json.resource.aws_instance);
    const apiRules = only(json.resource.aws_vpc_security_group_ingress_rule).filter((r) => r.from_port === 443);
    if (environment.cluster.bastion.enabled) {
      expect(instances).toHaveLength(1);
      expect(instances[0].instance_type).toBe(environment.cluster.bastion.instanceType);
      expect(instances[0].root_block_device.kms_key_id).toContain('VolumeKey');
      expect(apiRules).toHaveLength(1);
      expect(apiRules[0].referenced_security_group_id).toContain('aws_security_group.Bastion_SecurityGroup');
      expect(json.output.bastion_instance_id).toBeDefined();
    } else {
      expect(instances).toHaveLength(0);
      expect(apiRules).toHaveLength(0);
    }
  });
});
