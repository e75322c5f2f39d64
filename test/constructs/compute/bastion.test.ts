import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Testing, TerraformStack } from 'cdktf';
import { AL2023_ARM64_AMI_PARAMETER, Bastion, type BastionProps } from '../../../constructs/compute/bastion';

const base: BastionProps = { name: 'dev-bastion', vpcId: 'vpc-1', subnetId: 'subnet-a' };

function build(props: BastionProps) {
  const stack = new TerraformStack(Testing.app(), 'test');
  new Bastion(stack, 'Bastion', props);
  return Testing.synth(stack);
}
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const only = (resources: Json) => Object.values(resources ?? {}) as Json[];

describe('Bastion', () => {
  const synthesized = build({ ...base, kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' });
  const json = JSON.parse(synthesized);
  const instance = only(json.resource.aws_instance)[0];

  it('runs the latest AL2023 arm64 AMI without replacing itself on every AMI release', () => {
    expect(only(json.data.aws_ssm_parameter)[0].name).toBe(AL2023_ARM64_AMI_PARAMETER);
    expect(instance.ami).toMatch(/data\.aws_ssm_parameter\..*\.insecure_value/);
    expect(instance.lifecycle.ignore_changes).toEqual(['ami']);
  });

  it('is private, keyless and hardened', () => {
    expect(synthesized).toHaveResourceWithProperties(Instance, {
      associate_public_ip_address: false,
      subnet_id: 'subnet-a',
      monitoring: true,
      ebs_optimized: true,
      instance_type: 't4g.nano',
      metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' },
      root_block_device: { volume_type: 'gp3', volume_size: 8, encrypted: true, kms_key_id: 'arn:aws:kms:eu-west-1:111111111111:key/k', delete_on_termination: true },
    });
    expect(instance.key_name).toBeUndefined();
  });

  it('accepts no inbound traffic and sends only HTTPS out', () => {
    const sg = only(json.resource.aws_security_group)[0];
    expect(sg.ingress).toBeUndefined();
    expect(json.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    const egress = only(json.resource.aws_vpc_security_group_egress_rule);
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
  });

  it('has only the SSM managed-instance policy', () => {
    const attachments = only(json.resource.aws_iam_role_policy_attachment);
    expect(attachments.map((a) => a.policy_arn)).toEqual(['arn:${data.aws_partition.Bastion_Partition_17FB5C87.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore']);
    expect(json.resource.aws_iam_role_policy).toBeUndefined();
    expect(only(json.resource.aws_iam_instance_profile)[0].role).toContain('aws_iam_role.');
  });

  it('fails when the instance type is not arm64', () => {
    expect(() => build({ ...base, instanceType: 't3.nano' })).toThrow(/not a Graviton \(arm64\) type/);
  });

  it('fails when the root volume is smaller than the AMI', () => {
    expect(() => build({ ...base, rootVolumeSizeGiB: 4 })).toThrow(/rootVolumeSizeGiB \(4\)/);
  });
});
