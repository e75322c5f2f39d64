import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Testing, TerraformStack } from 'cdktf';
import {
  amiTypeFor,
  CONTROL_PLANE_LOG_TYPES,
  KubernetesCluster,
  type KubernetesClusterProps,
} from '../../../constructs/cluster/kubernetes-cluster';
import { environments } from '../../../environments';

const SUBNETS = ['subnet-a', 'subnet-b', 'subnet-c'];

function propsFor(name: keyof typeof environments): KubernetesClusterProps {
  const c = environments[name].cluster;
  return {
    name: `${name}-platform`,
    kubernetesVersion: c.kubernetesVersion,
    vpcId: 'vpc-123',
    subnetIds: SUBNETS,
    endpointPublicAccessCidrs: c.endpointPublicAccessCidrs,
    adminRoleArns: c.adminRoleArns,
    controlPlaneLogRetentionDays: c.controlPlaneLogRetentionDays,
    addons: c.addons,
    nodeGroups: c.nodeGroups,
  };
}

function build(props: KubernetesClusterProps) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const cluster = new KubernetesCluster(stack, 'Cluster', props);
  return { stack, cluster };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
function synth(props: KubernetesClusterProps): Json {
  return JSON.parse(Testing.synth(build(props).stack));
}
const only = (resources: Json) => Object.values(resources ?? {}) as Json[];

describe.each(Object.keys(environments) as (keyof typeof environments)[])('KubernetesCluster (%s)', (envName) => {
  const props = propsFor(envName);
  const json = synth(props);
  const cluster = only(json.resource.aws_eks_cluster)[0];

  it('lets the Auto Scaling service-linked role use the volume key without reading it, so a fresh account plans and applies', () => {
    // Was: data "aws_iam_role" "AWSServiceRoleForAutoScaling", which fails the plan in an account without the role.
    expect(json.data.aws_iam_role).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/aws_iam_service_linked_role/);
    const volumePolicy = only(json.data.aws_iam_policy_document).find((d) =>
      (d.statement as Json[]).some((st) => st.sid === 'AutoScalingUsesTheKeyForNodeVolumes'),
    )!;
    const account = expect.stringMatching(/^\$\{data\.aws_caller_identity\.Cluster_Account_\w+\.account_id\}$/);
    const roleArn = expect.stringMatching(
      /^arn:\$\{data\.aws_partition\.Cluster_Partition_\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.Cluster_Account_\w+\.account_id\}:role\/aws-service-role\/autoscaling\.amazonaws\.com\/AWSServiceRoleForAutoScaling$/,
    );
    for (const sid of ['AutoScalingUsesTheKeyForNodeVolumes', 'AutoScalingGrantsEbsTheKey']) {
      const st = (volumePolicy.statement as Json[]).find((x) => x.sid === sid)!;
      // KMS validates principals, not condition values: the role is named where a missing role is no error.
      expect(st.principals).toEqual([{ type: 'AWS', identifiers: ['*'] }]);
      expect(st.condition).toEqual(
        expect.arrayContaining([
          { test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [roleArn] },
          { test: 'StringEquals', variable: 'kms:CallerAccount', values: [account] },
        ]),
      );
    }
  });

  it('checks at plan time that every admin role exists, instead of failing the apply with "invalid principal"', () => {
    const entries = only(json.resource.aws_eks_access_entry);
    expect(entries).toHaveLength(props.adminRoleArns!.length);
    const lookups = json.data.aws_iam_roles as Record<string, Json>;
    for (const [i, arn] of props.adminRoleArns!.entries()) {
      const entry = entries.find((e) => e.principal_arn === arn)!;
      const name = arn.split('/').pop()!;
      const [lookupId, lookup] = Object.entries(lookups).find(([, l]) => l.name_regex === `^${name}$`)!;
      expect(lookup.path_prefix).toBe('/');
      const [precondition] = entry.lifecycle.precondition as Json[];
      expect(precondition.condition).toBe(`\${length(data.aws_iam_roles.${lookupId}.names) > 0 || data.aws_caller_identity.${Object.keys(json.data.aws_caller_identity)[0]}.account_id != "${arn.split(':')[4]}"}`);
      expect(precondition.error_message).toBe(`${props.name}: adminRoleArns[${i}]: IAM role ${arn} does not exist, and EKS rejects an access entry for it ("invalid principal"). Create it first (README, "Prerequisites").`);
    }
  });

  it('leaves the eks:nodegroup-name tag to EKS', () => {
    expect(JSON.stringify(json.resource.aws_launch_template)).not.toContain('eks:nodegroup-name');
  });

  it('encrypts secrets with its own KMS key', () => {
    expect(cluster.encryption_config).toEqual({ resources: ['secrets'], provider: { key_arn: expect.stringContaining('aws_kms_key.Cluster_SecretsKey') } });
    const key = json.resource.aws_kms_key[Object.keys(json.resource.aws_kms_key).find((k) => k.includes('SecretsKey'))!];
    expect(key.enable_key_rotation).toBe(true);
  });

  it('keeps the API private except for the configured CIDRs', () => {
    expect(cluster.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.vpc_config.endpoint_public_access).toBe(true);
    expect(cluster.vpc_config.public_access_cidrs).toEqual(environments[envName].cluster.endpointPublicAccessCidrs);
    expect(cluster.vpc_config.public_access_cidrs).not.toContain('0.0.0.0/0');
    expect(cluster.vpc_config.subnet_ids).toEqual(SUBNETS);
  });

  it('uses API authentication with no implicit creator admin and explicit admin access entries', () => {
    expect(cluster.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    const entries = only(json.resource.aws_eks_access_entry);
    expect(entries.map((e) => e.principal_arn)).toEqual(environments[envName].cluster.adminRoleArns);
    const associations = only(json.resource.aws_eks_access_policy_association);
    expect(associations[0].policy_arn).toMatch(/:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/);
    expect(associations[0].access_scope).toEqual({ type: 'cluster' });
  });

  it('ships every control-plane log type to a pre-created encrypted log group', () => {
    expect(cluster.enabled_cluster_log_types).toEqual([...CONTROL_PLANE_LOG_TYPES]);
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('aws_cloudwatch_log_group.')]));
    expect(Testing.synth(build(props).stack)).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: `/aws/eks/${envName}-platform/cluster`,
      retention_in_days: environments[envName].cluster.controlPlaneLogRetentionDays,
      kms_key_id: expect.stringContaining('LogKey'),
    });
    const logKeyPolicy = Object.entries(json.data.aws_iam_policy_document).find(([k]) => k.includes('LogKey'))![1] as Json;
    const logs = logKeyPolicy.statement.find((s: Json) => s.sid === 'CloudWatchLogsEncryptsTheControlPlaneLogGroup');
    expect(logs.condition[0]).toMatchObject({ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn' });
    expect(logs.condition[0].values[0]).toContain(`log-group:/aws/eks/${envName}-platform/cluster`);
  });

  it('creates an IAM OIDC provider from the cluster issuer', () => {
    expect(Testing.synth(build(props).stack)).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: '${aws_eks_cluster.Cluster_EB0386A7.identity[0].oidc[0].issuer}',
      client_id_list: ['sts.amazonaws.com'],
    });
  });

  it('puts every node group on a launch template that requires IMDSv2 and encrypts its root volume', () => {
    const templates = only(json.resource.aws_launch_template);
    const groups = only(json.resource.aws_eks_node_group);
    expect(groups).toHaveLength(Object.keys(environments[envName].cluster.nodeGroups).length);
    expect(templates).toHaveLength(groups.length);
    for (const t of templates) {
      expect(t.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' });
      expect(t.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3', kms_key_id: expect.stringContaining('VolumeKey') });
      expect(t.network_interfaces[0]).toMatchObject({ associate_public_ip_address: 'false', security_groups: ['${aws_eks_cluster.Cluster_EB0386A7.vpc_config[0].cluster_security_group_id}'] });
      expect(t.tag_specifications.map((s: Json) => s.resource_type)).toEqual(['instance', 'volume', 'network-interface']);
      expect(t.key_name).toBeUndefined();
    }
    for (const [name, g] of Object.entries(environments[envName].cluster.nodeGroups)) {
      const group = groups.find((x) => x.node_group_name === `${envName}-platform-${name}`)!;
      expect(group.scaling_config).toEqual({ min_size: g.minSize, max_size: g.maxSize, desired_size: g.desiredSize });
      expect(group.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
      expect(group.capacity_type).toBe(g.capacityType);
      expect(group.instance_types).toEqual(g.instanceTypes);
      expect(group.ami_type).toBe('AL2023_ARM_64_STANDARD');
      expect(group.launch_template.version).toMatch(/latest_version/);
      expect(group.update_config).toEqual({ max_unavailable: 1 });
      expect(group.taint ?? []).toEqual(g.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })));
      expect(group.disk_size).toBeUndefined();
    }
  });

  it('installs the managed add-ons at the configured versions, preserving manual changes on update', () => {
    const addons: Record<string, Json> = Object.fromEntries(only(json.resource.aws_eks_addon).map((a) => [a.addon_name, a]));
    const versions = environments[envName].cluster.addons;
    expect(addons['vpc-cni'].addon_version).toBe(versions.vpcCni);
    expect(addons.coredns.addon_version).toBe(versions.coreDns);
    expect(addons['kube-proxy'].addon_version).toBe(versions.kubeProxy);
    expect(addons['aws-ebs-csi-driver'].addon_version).toBe(versions.ebsCsiDriver);
    for (const a of Object.values(addons)) expect(a.resolve_conflicts_on_update).toBe('PRESERVE');
    expect(addons['vpc-cni'].service_account_role_arn).toContain('aws_iam_role.Cluster_VpcCni');
    // NetworkPolicies are only enforced with the VPC CNI's network policy agent on.
    expect(JSON.parse(addons['vpc-cni'].configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
    expect(addons['aws-ebs-csi-driver'].service_account_role_arn).toContain('aws_iam_role.Cluster_EbsCsiDriver');
    expect(addons.coredns.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('aws_eks_node_group.')]));
  });

  it('gives the CNI policy to the aws-node service account, not to the nodes', () => {
    const attachments = only(json.resource.aws_iam_role_policy_attachment);
    const onNodeRole = attachments.filter((a) => a.role.includes('NodeRole')).map((a) => a.policy_arn.split('/').pop());
    expect(onNodeRole.sort()).toEqual(['AmazonEC2ContainerRegistryReadOnly', 'AmazonEKSWorkerNodePolicy', 'AmazonSSMManagedInstanceCore']);
    const cni = attachments.find((a) => a.policy_arn.endsWith('AmazonEKS_CNI_Policy'))!;
    expect(cni.role).toContain('VpcCni');
    const cniTrust = json.data.aws_iam_policy_document[Object.keys(json.data.aws_iam_policy_document).find((k) => k.startsWith('Cluster_VpcCni_Trust'))!];
    expect(cniTrust.statement[0].condition[0].values).toEqual(['system:serviceaccount:kube-system:aws-node']);
  });
});

describe('KubernetesCluster options', () => {
  const base = propsFor('dev');

  it('keeps the endpoint private-only when no public CIDR is given', () => {
    const cluster = only(synth({ ...base, endpointPublicAccessCidrs: [] }).resource.aws_eks_cluster)[0];
    expect(cluster.vpc_config.endpoint_public_access).toBe(false);
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
  });

  it('is protected from deletion and upgraded rather than billed for extended support by default', () => {
    const cluster = only(synth(base).resource.aws_eks_cluster)[0];
    expect(cluster.deletion_protection).toBe(true);
    expect(cluster.upgrade_policy).toEqual({ support_type: 'STANDARD' });
    expect(cluster.bootstrap_self_managed_addons).toBe(false);
  });

  it('creates IRSA roles trusted only by one service account, with sub and aud conditions', () => {
    const { stack, cluster } = build(base);
    cluster.irsaRole('Example', { namespace: 'team', serviceAccount: 'app', policyStatements: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }] });
    const json = JSON.parse(Testing.synth(stack));
    const trust = json.data.aws_iam_policy_document[Object.keys(json.data.aws_iam_policy_document).find((k) => k.startsWith('Cluster_Example_Trust'))!];
    expect(trust.statement[0].actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(trust.statement[0].principals).toEqual([{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.Cluster_OidcProvider_7184AB77.arn}'] }]);
    expect(trust.statement[0].condition).toEqual([
      { test: 'StringEquals', variable: '${replace(aws_eks_cluster.Cluster_EB0386A7.identity[0].oidc[0].issuer, "https://", "")}:sub', values: ['system:serviceaccount:team:app'] },
      { test: 'StringEquals', variable: '${replace(aws_eks_cluster.Cluster_EB0386A7.identity[0].oidc[0].issuer, "https://", "")}:aud', values: ['sts.amazonaws.com'] },
    ]);
    expect(only(json.resource.aws_iam_role).find((r) => r.name === 'dev-platform-example')).toBeDefined();
  });

  it('grants namespaced read access with grantAccess', () => {
    const { stack, cluster } = build(base);
    cluster.grantAccess('Planner', 'arn:aws:iam::111111111111:role/platform-planner', { namespaces: ['airflow'] });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(EksAccessPolicyAssociation, {
      policy_arn: expect.stringMatching(/AmazonEKSViewPolicy$/),
      access_scope: { type: 'namespace', namespaces: ['airflow'] },
    });
  });

  it('opens the API to another security group on 443 only', () => {
    const { stack, cluster } = build(base);
    cluster.allowApiAccessFrom('Runner', 'sg-runner');
    const rule = only(JSON.parse(Testing.synth(stack)).resource.aws_vpc_security_group_ingress_rule)[0];
    expect(rule).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp', referenced_security_group_id: 'sg-runner' });
  });

  it('picks the AMI type from the instance architecture', () => {
    expect(amiTypeFor(['m7g.large', 'c6gn.xlarge'])).toBe('AL2023_ARM_64_STANDARD');
    expect(amiTypeFor(['m7i.large', 'g5.xlarge'])).toBe('AL2023_x86_64_STANDARD');
  });

  it('synthesizes a cluster resource', () => {
    expect(Testing.synth(build(base).stack)).toHaveResource(EksCluster);
  });

  const group = base.nodeGroups.general;
  it('fails when the public CIDRs include 0.0.0.0/0', () => {
    expect(() => build({ ...base, endpointPublicAccessCidrs: ['0.0.0.0/0'] })).toThrow(/0\.0\.0\.0\/0.*whole internet/);
  });
  it('fails when minSize is greater than maxSize', () => {
    expect(() => build({ ...base, nodeGroups: { general: { ...group, minSize: 5, maxSize: 3, desiredSize: 4 } } })).toThrow(/minSize \(5\) must be <= maxSize \(3\)/);
  });
  it('fails when desiredSize is outside min..max', () => {
    expect(() => build({ ...base, nodeGroups: { general: { ...group, minSize: 1, maxSize: 2, desiredSize: 3 } } })).toThrow(/desiredSize \(3\)/);
  });
  it('fails when a node group has no instance types', () => {
    expect(() => build({ ...base, nodeGroups: { general: { ...group, instanceTypes: [] } } })).toThrow(/instanceTypes must list at least one/);
  });
  it('fails when a node group mixes architectures', () => {
    expect(() => build({ ...base, nodeGroups: { general: { ...group, instanceTypes: ['m7g.large', 'm7i.large'] } } })).toThrow(/mix arm64 and x86_64/);
  });
  it('fails when there is no node group', () => {
    expect(() => build({ ...base, nodeGroups: {} })).toThrow(/at least one node group/);
  });
  it('fails when the Kubernetes version is malformed', () => {
    expect(() => build({ ...base, kubernetesVersion: 'v1.35.2' })).toThrow(/kubernetesVersion "v1.35.2"/);
  });
  it('fails when an IRSA role would grant a wildcard action', () => {
    const { cluster } = build(base);
    expect(() => cluster.irsaRole('Bad', { namespace: 'a', serviceAccount: 'b', policyStatements: [{ actions: ['s3:*'], resources: ['*'] }] })).toThrow(/wildcard action "s3:\*"/);
  });
  it('fails when an IRSA role has no permissions', () => {
    const { cluster } = build(base);
    expect(() => cluster.irsaRole('Empty', { namespace: 'a', serviceAccount: 'b' })).toThrow(/needs policyStatements or managedPolicyArns/);
  });
});
