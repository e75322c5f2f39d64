import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { isGraviton } from '../cluster/kubernetes-cluster';
import { nameTags } from '../core/tags';
import { requireProps } from '../core/props';

/** Public SSM parameter holding the latest Amazon Linux 2023 arm64 AMI id. */
export const AL2023_ARM64_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';

export interface BastionProps {
  /** Name of the instance, its role and its security group, e.g. `dev-bastion`. */
  readonly name: string;
  /** VPC of the bastion's security group. */
  readonly vpcId: string;
  /** A private subnet; the bastion never gets a public IP. */
  readonly subnetId: string;
  /** A Graviton (arm64) type: the AMI is arm64. @default 't4g.nano' */
  readonly instanceType?: string;
  /**
   * KMS key for the root volume.
   * @default - the account's AWS-managed EBS key (`aws/ebs`)
   */
  readonly kmsKeyArn?: string;
  /** @default 8 */
  readonly rootVolumeSizeGiB?: number;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A jump host reachable only through SSM Session Manager: no key pair, no public IP, no inbound
 * rule, HTTPS out only (to the SSM endpoints through the NAT), IMDSv2 with one hop, an encrypted
 * root volume and an instance profile with nothing but `AmazonSSMManagedInstanceCore`.
 *
 * Operators reach the private Kubernetes API through it with their own credentials:
 * `aws ssm start-session --target <id> --document-name AWS-StartPortForwardingSessionToRemoteHost
 *  --parameters host=<api host>,portNumber=443,localPortNumber=8443`.
 */
export class Bastion extends Construct {
  readonly instance: Instance;
  readonly instanceId: string;
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;
  readonly role: IamRole;
  readonly roleArn: string;
  readonly instanceType: string;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', vpcId: 'string', subnetId: 'string' });
    this.instanceType = props.instanceType ?? 't4g.nano';
    if (!Token.isUnresolved(this.instanceType) && !isGraviton(this.instanceType)) {
      throw new Error(`Bastion ${props.name}: instanceType "${this.instanceType}" is not a Graviton (arm64) type; the AMI is Amazon Linux 2023 arm64`);
    }
    const rootVolumeSizeGiB = props.rootVolumeSizeGiB ?? 8;
    if (rootVolumeSizeGiB < 8) throw new Error(`Bastion ${props.name}: rootVolumeSizeGiB (${rootVolumeSizeGiB}) must be at least 8 (the AMI's snapshot size)`);
    const tags = props.tags ?? {};
    const partition = new DataAwsPartition(this, 'Partition');

    const ami = new DataAwsSsmParameter(this, 'Ami', { name: AL2023_ARM64_AMI_PARAMETER });

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: props.name,
      description: `${props.name}: no inbound access (SSM only), HTTPS out`,
      vpcId: props.vpcId,
      tags: nameTags(props.name, tags),
    });
    this.securityGroupId = this.securityGroup.id;
    // Terraform removes the default allow-all egress rule; this is the only way out.
    new VpcSecurityGroupEgressRule(this, 'HttpsOut', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to SSM, EC2 messages and the Kubernetes API',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    const trust = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }],
    });
    this.role = new IamRole(this, 'Role', { name: props.name, assumeRolePolicy: trust.json, tags });
    this.roleArn = this.role.arn;
    const ssm = new IamRolePolicyAttachment(this, 'SsmManagedInstanceCore', {
      role: this.role.name,
      policyArn: `arn:${partition.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });
    const profile = new IamInstanceProfile(this, 'InstanceProfile', { name: props.name, role: this.role.name, tags });

    this.instance = new Instance(this, 'Resource', {
      ami: ami.insecureValue,
      instanceType: this.instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      associatePublicIpAddress: false,
      iamInstanceProfile: profile.name,
      monitoring: true,
      ebsOptimized: true,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      rootBlockDevice: {
        volumeType: 'gp3',
        volumeSize: rootVolumeSizeGiB,
        encrypted: true,
        kmsKeyId: props.kmsKeyArn,
        deleteOnTermination: true,
      },
      tags: nameTags(props.name, tags),
      volumeTags: nameTags(props.name, tags),
      // A new AMI is picked up by replacing the instance deliberately, not on every plan.
      lifecycle: { ignoreChanges: ['ami'] },
      dependsOn: [ssm],
    });
    this.instanceId = this.instance.id;
  }
}
