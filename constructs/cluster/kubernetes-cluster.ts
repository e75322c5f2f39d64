import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamRoles } from '@cdktf/provider-aws/lib/data-aws-iam-roles';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { grantStatements, logsMayUseKeyFor } from '../core/grants';
import { acceptLogRetention, recordSuppression } from '../core/policy-suppression';
import { nameTags } from '../core/tags';
import { EncryptionKey } from '../encryption/encryption-key';
import { requireProps } from '../core/props';

/** Every control-plane log type EKS can ship to CloudWatch Logs. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

/** EKS access policy granted to `adminRoleArns`. */
export const CLUSTER_ADMIN_ACCESS_POLICY = 'AmazonEKSClusterAdminPolicy';

/** Access policies EKS offers for access entries (`aws eks list-access-policies`). */
export type ClusterAccessPolicy =
  | 'AmazonEKSClusterAdminPolicy'
  | 'AmazonEKSAdminPolicy'
  | 'AmazonEKSEditPolicy'
  | 'AmazonEKSViewPolicy'
  | 'AmazonEKSAdminViewPolicy';

export type CapacityType = 'ON_DEMAND' | 'SPOT';
export type TaintEffect = 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE';

export interface NodeTaint {
  readonly key: string;
  /** @default - no value */
  readonly value?: string;
  readonly effect: TaintEffect;
}

export interface NodeGroupOptions {
  /** EC2 instance types, all of one architecture (Graviton `m7g.large` or x86 `m7i.large`); more than one spreads SPOT risk. */
  readonly instanceTypes: string[];
  /** @default 'ON_DEMAND' */
  readonly capacityType?: CapacityType;
  readonly minSize: number;
  readonly maxSize: number;
  /** Initial size only: the cluster autoscaler owns it afterwards (Terraform ignores later changes). */
  readonly desiredSize: number;
  /** Root volume (encrypted gp3) size. @default 50 */
  readonly diskSizeGiB?: number;
  /** @default {} */
  readonly labels?: Record<string, string>;
  /** @default [] */
  readonly taints?: NodeTaint[];
  /** Nodes replaced at once during a rolling update. @default 1 */
  readonly maxUnavailable?: number;
}

/** EKS managed add-on versions (`aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`). */
export interface ClusterAddonVersions {
  readonly vpcCni: string;
  readonly coreDns: string;
  readonly kubeProxy: string;
  readonly ebsCsiDriver: string;
}

export interface KubernetesClusterProps {
  /** Cluster name; also prefixes the names of its roles, keys and node groups. */
  readonly name: string;
  /** Kubernetes minor version, e.g. `1.35`. */
  readonly kubernetesVersion: string;
  /** VPC the cluster and its nodes run in. */
  readonly vpcId: string;
  /** Private subnets for the control-plane ENIs and the nodes (two AZs at least). */
  readonly subnetIds: string[];
  /**
   * CIDRs allowed to reach the public API endpoint. Empty keeps the endpoint private-only.
   * `0.0.0.0/0` is rejected.
   * @default [] - private endpoint only
   */
  readonly endpointPublicAccessCidrs?: string[];
  /**
   * IAM roles granted cluster-admin through EKS access entries (`AmazonEKSClusterAdminPolicy`).
   * The identity that creates the cluster gets no implicit admin rights.
   * @default []
   */
  readonly adminRoleArns?: string[];
  /** @default 90 */
  readonly controlPlaneLogRetentionDays?: number;
  /** Versions of the EKS managed add-ons, pinned: each must suit `kubernetesVersion`. */
  readonly addons: ClusterAddonVersions;
  /** Managed node groups by name (lowercase). At least one. */
  readonly nodeGroups: Record<string, NodeGroupOptions>;
  /**
   * EKS deletion protection: `terraform destroy` fails until it is switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * `STANDARD` lets EKS upgrade the control plane when standard support ends instead of billing
   * extended support (6x the cluster-hour price); `EXTENDED` keeps the version up to 12 more months.
   * @default 'STANDARD'
   */
  readonly upgradeSupportType?: 'STANDARD' | 'EXTENDED';
  /** @default {} */
  readonly tags?: Record<string, string>;
}

export interface IrsaRoleOptions {
  /** Kubernetes namespace of the service account(s). */
  readonly namespace: string;
  /** Service account name, or several in the same namespace sharing one role (one workload's components). */
  readonly serviceAccount: string | string[];
  /** Inline permissions. At least one of `policyStatements` and `managedPolicyArns`. */
  readonly policyStatements?: DataAwsIamPolicyDocumentStatement[];
  /** Managed policies to attach. */
  readonly managedPolicyArns?: string[];
  /** @default - `<cluster>-<id in kebab case>` */
  readonly roleName?: string;
  /**
   * Where the role is created: pass a construct of another stack (the platform stack) so the role
   * lives next to the workload that uses it.
   * @default - this cluster construct
   */
  readonly scope?: Construct;
}

export interface ClusterAccessOptions {
  /** @default 'AmazonEKSViewPolicy' */
  readonly policy?: ClusterAccessPolicy;
  /**
   * Where the principal comes from, for the plan-time error when the role does not exist
   * (`[dev] account.planRoleArn`).
   * @default - the access entry's id
   */
  readonly source?: string;
  /** Limit the policy to these namespaces. @default - the whole cluster */
  readonly namespaces?: string[];
}

/**
 * An EKS cluster that is private by default: secrets envelope-encrypted with a customer-managed
 * key, every control-plane log type in an encrypted log group, API-only authentication with explicit
 * access entries, an IAM OIDC provider for IRSA, managed add-ons, and managed node groups on launch
 * templates that require IMDSv2 and encrypt their root volumes.
 *
 * Nodes use the EKS-created cluster security group (attached through the launch template's network
 * interface): it allows all traffic between the control plane and the nodes and nothing from
 * elsewhere. `clusterSecurityGroupId` is therefore also the node security group: allow it into
 * databases (`nodeSecurityGroupId`), and open the API to other groups with `allowApiAccessFrom`.
 */
export class KubernetesCluster extends Construct {
  readonly cluster: EksCluster;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly clusterEndpoint: string;
  /** Base64-encoded certificate authority of the API server. */
  readonly clusterCertificateAuthority: string;
  readonly clusterSecurityGroupId: string;
  /** Same group as `clusterSecurityGroupId`: nodes carry the cluster security group. */
  readonly nodeSecurityGroupId: string;
  readonly kubernetesVersion: string;
  readonly vpcId: string;
  readonly oidcProvider: IamOpenidConnectProvider;
  readonly oidcProviderArn: string;
  /** `https://oidc.eks.<region>.amazonaws.com/id/<id>` */
  readonly oidcIssuerUrl: string;
  readonly secretsKey: EncryptionKey;
  /** Encrypts node and bastion root volumes; the Auto Scaling service-linked role may use it. */
  readonly volumeKey: EncryptionKey;
  readonly volumeKeyArn: string;
  readonly logGroupName: string;
  readonly nodeRole: IamRole;
  readonly nodeRoleArn: string;
  readonly nodeGroups: Record<string, EksNodeGroup>;
  readonly nodeGroupArns: string[];
  readonly addons: Record<keyof ClusterAddonVersions, EksAddon>;
  readonly vpcCniRole: IamRole;
  readonly ebsCsiDriverRole: IamRole;
  readonly endpointPublicAccessCidrs: string[];

  private readonly partition: string;
  private readonly accountIdRef: string;
  private readonly tags: Record<string, string>;
  /** The literal name, so role names in other stacks do not reference this stack. */
  private readonly baseName: string;

  constructor(scope: Construct, id: string, props: KubernetesClusterProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', kubernetesVersion: 'string', vpcId: 'string', subnetIds: 'array', addons: 'object', nodeGroups: 'object' });
    validate(props);
    const name = props.name;
    this.baseName = name;
    this.tags = props.tags ?? {};
    const tags = this.tags;
    this.kubernetesVersion = props.kubernetesVersion;
    this.vpcId = props.vpcId;
    this.endpointPublicAccessCidrs = [...(props.endpointPublicAccessCidrs ?? [])];
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const region = new DataAwsRegion(this, 'Region');
    this.partition = partition.partition;
    this.accountIdRef = account.fqn;
    const awsPolicy = (policyName: string) => `arn:${partition.partition}:iam::aws:policy/${policyName}`;

    // Control-plane role.
    const clusterTrust = new DataAwsIamPolicyDocument(this, 'ClusterTrust', {
      statement: [
        {
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          principals: [{ type: 'Service', identifiers: ['eks.amazonaws.com'] }],
        },
      ],
    });
    const clusterRole = new IamRole(this, 'ClusterRole', { name: `${name}-cluster`, assumeRolePolicy: clusterTrust.json, tags });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterRoleEksPolicy', {
      role: clusterRole.name,
      policyArn: awsPolicy('AmazonEKSClusterPolicy'),
    });

    // Envelope encryption of Kubernetes secrets.
    this.secretsKey = new EncryptionKey(this, 'SecretsKey', {
      alias: `${name}/eks-secrets`,
      description: `Envelope-encrypts Kubernetes secrets of the ${name} EKS cluster`,
      tags,
    });
    const clusterKeyGrant = grantStatements(this, 'ClusterRoleUsesSecretsKey', clusterRole, [
      {
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
        resources: [this.secretsKey.keyArn],
      },
    ]);

    // Control-plane logs go to a group created here, so it is encrypted and has a retention.
    const logGroupName = `/aws/eks/${name}/cluster`;
    const logArn = `arn:${partition.partition}:logs:${region.region}:${account.accountId}:log-group:${logGroupName}`;
    const logKey = new EncryptionKey(this, 'LogKey', {
      alias: `${name}/eks-control-plane-logs`,
      description: `Encrypts the ${name} EKS control-plane log group`,
      additionalStatements: [logsMayUseKeyFor('CloudWatchLogsEncryptsTheControlPlaneLogGroup', region.region, logArn)],
      tags,
    });
    const logGroup = new CloudwatchLogGroup(this, 'ControlPlaneLogGroup', {
      name: logGroupName,
      retentionInDays: props.controlPlaneLogRetentionDays ?? 90,
      kmsKeyId: logKey.keyArn,
      tags: nameTags(logGroupName, tags),
    });
    acceptLogRetention(logGroup, props.controlPlaneLogRetentionDays ?? 90, 'cluster.controlPlaneLogRetentionDays');
    this.logGroupName = logGroup.name;

    const publicCidrs = this.endpointPublicAccessCidrs;
    this.cluster = new EksCluster(this, 'Resource', {
      name,
      version: props.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.keyArn } },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // The add-ons below are EKS-managed; without this EKS would also install unmanaged copies.
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: props.upgradeSupportType ?? 'STANDARD' },
      deletionProtection: props.deletionProtection ?? true,
      tags: nameTags(name, tags),
      dependsOn: [clusterPolicy, clusterKeyGrant.policy, logGroup],
    });
    if (publicCidrs.length > 0) {
      recordSuppression(this.cluster, 'CKV_AWS_39', `the public endpoint is on by configuration (cluster.endpointPublicAccessCidrs) and limited to ${publicCidrs.join(', ')}; /0 is refused (AWS-EKS-002)`);
    }
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.clusterEndpoint = this.cluster.endpoint;
    this.clusterCertificateAuthority = this.cluster.certificateAuthority.get(0).data;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.nodeSecurityGroupId = this.clusterSecurityGroupId;

    // IRSA. No thumbprint: IAM trusts the EKS OIDC endpoint through its own root-CA library and
    // ignores thumbprints for it (the provider lets IAM compute one when the list is omitted).
    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;
    this.oidcProvider = new IamOpenidConnectProvider(this, 'OidcProvider', {
      url: this.oidcIssuerUrl,
      clientIdList: ['sts.amazonaws.com'],
      tags: nameTags(`${name}-irsa`, tags),
    });
    this.oidcProviderArn = this.oidcProvider.arn;

    // Access entries: only the listed roles administer the cluster.
    for (const [i, roleArn] of (props.adminRoleArns ?? []).entries()) {
      this.grantAccess(`Admin${accessId(roleArn, i)}`, roleArn, { policy: CLUSTER_ADMIN_ACCESS_POLICY, source: `${name}: adminRoleArns[${i}]` });
    }

    // Root volumes of nodes: managed node groups launch through the Auto Scaling service-linked
    // role, which only a key-policy statement can allow (it has no IAM policy of its own to extend).
    // KMS rejects a key policy whose Principal names a role that does not exist yet, and an account
    // that never had an Auto Scaling group has no such role: so the statement names it in a condition
    // (`aws:PrincipalArn`, which KMS does not resolve) instead of as the principal. The role itself is
    // per account; EC2 Auto Scaling creates it with the account's first group (here: the first node
    // group, which EKS creates before any instance launches). Creating it here with `aws_iam_service_linked_role` would fail in every account that has it
    // already, and two environments sharing an account would both try.
    // (EC2 Auto Scaling User Guide, "Required AWS KMS key policy for use with encrypted volumes".)
    const autoScalingRoleArn = `arn:${partition.partition}:iam::${account.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const autoScalingOnly = [
      { test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [autoScalingRoleArn] },
      { test: 'StringEquals', variable: 'kms:CallerAccount', values: [account.accountId] },
    ];
    this.volumeKey = new EncryptionKey(this, 'VolumeKey', {
      alias: `${name}/ebs`,
      description: `Encrypts EBS volumes of the ${name} EKS nodes`,
      additionalStatements: [
        {
          sid: 'AutoScalingUsesTheKeyForNodeVolumes',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          resources: ['*'],
          condition: autoScalingOnly,
        },
        {
          sid: 'AutoScalingGrantsEbsTheKey',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          condition: [...autoScalingOnly, { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
        },
      ],
      tags,
    });
    this.volumeKeyArn = this.volumeKey.keyArn;

    // Add-ons with IRSA: the CNI policy sits on the aws-node service account, not on the nodes.
    this.vpcCniRole = this.irsaRole('VpcCni', {
      namespace: 'kube-system',
      serviceAccount: 'aws-node',
      managedPolicyArns: [awsPolicy('AmazonEKS_CNI_Policy')],
    });
    this.ebsCsiDriverRole = this.irsaRole('EbsCsiDriver', {
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      managedPolicyArns: [awsPolicy('service-role/AmazonEBSCSIDriverPolicy')],
      policyStatements: [
        {
          sid: 'UseTheVolumeKey',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          resources: [this.volumeKey.keyArn],
        },
        {
          sid: 'GrantTheVolumeKeyToEbs',
          actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
          resources: [this.volumeKey.keyArn],
          condition: [{ test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] }],
        },
      ],
    });
    const addon = (addonId: string, addonName: string, version: string, serviceAccountRoleArn?: string, dependsOn?: EksNodeGroup[], configuration?: object) =>
      new EksAddon(this, addonId, {
        clusterName: this.cluster.name,
        addonName,
        addonVersion: version,
        serviceAccountRoleArn,
        configurationValues: configuration ? JSON.stringify(configuration) : undefined,
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'PRESERVE',
        tags,
        dependsOn,
      });
    // vpc-cni and kube-proxy first: nodes only become Ready with a CNI.
    // Network policy enforcement is off in the VPC CNI by default: without it every NetworkPolicy is ignored.
    const vpcCni = addon('VpcCniAddon', 'vpc-cni', props.addons.vpcCni, this.vpcCniRole.arn, undefined, { enableNetworkPolicy: 'true' });
    const kubeProxy = addon('KubeProxyAddon', 'kube-proxy', props.addons.kubeProxy);

    // Nodes.
    const nodeTrust = new DataAwsIamPolicyDocument(this, 'NodeTrust', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }],
    });
    this.nodeRole = new IamRole(this, 'NodeRole', { name: `${name}-node`, assumeRolePolicy: nodeTrust.json, tags });
    this.nodeRoleArn = this.nodeRole.arn;
    const nodePolicies = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonSSMManagedInstanceCore'].map(
      (policy) => new IamRolePolicyAttachment(this, `NodeRole${policy.replace(/^Amazon/, '')}`, { role: this.nodeRole.name, policyArn: awsPolicy(policy) }),
    );

    this.nodeGroups = {};
    for (const [groupName, group] of Object.entries(props.nodeGroups)) {
      const idPart = pascal(groupName);
      const fullName = `${name}-${groupName}`;
      // EKS sets eks:nodegroup-name itself (to the full node group name).
      const instanceTags = nameTags(fullName, tags);
      const launchTemplate = new LaunchTemplate(this, `${idPart}LaunchTemplate`, {
        name: fullName,
        description: `Nodes of ${fullName}: IMDSv2 only, encrypted gp3 root volume, no public IP`,
        updateDefaultVersion: true,
        ebsOptimized: 'true',
        metadataOptions: {
          httpEndpoint: 'enabled',
          httpTokens: 'required',
          // 1 hop: only the node's own network namespace reaches IMDS, so a pod cannot take the node
          // role's credentials. aws-node and kube-proxy run with hostNetwork; the EBS CSI driver (v1.57.1,
          // pkg/cloud/metadata) falls back from IMDS to the Node object (providerID, topology region
          // label); every other controller is given its region and VPC explicitly (platform stack,
          // tested there) and its credentials through IRSA. Nothing here needs 2.
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: 'disabled',
        },
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: {
              volumeSize: group.diskSizeGiB ?? 50,
              volumeType: 'gp3',
              encrypted: 'true',
              kmsKeyId: this.volumeKey.keyArn,
              deleteOnTermination: 'true',
            },
          },
        ],
        // Security groups on the interface replace EKS's default; list the cluster group explicitly.
        networkInterfaces: [
          { deviceIndex: 0, associatePublicIpAddress: 'false', deleteOnTermination: 'true', securityGroups: [this.clusterSecurityGroupId] },
        ],
        monitoring: { enabled: true },
        tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({ resourceType, tags: instanceTags })),
        tags: nameTags(fullName, tags),
      });
      const nodeGroup = new EksNodeGroup(this, `${idPart}NodeGroup`, {
        clusterName: this.cluster.name,
        nodeGroupName: fullName,
        nodeRoleArn: this.nodeRole.arn,
        subnetIds: props.subnetIds,
        version: this.cluster.version,
        amiType: amiTypeFor(group.instanceTypes),
        capacityType: group.capacityType ?? 'ON_DEMAND',
        instanceTypes: group.instanceTypes,
        labels: group.labels && Object.keys(group.labels).length > 0 ? group.labels : undefined,
        taint: (group.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
        scalingConfig: { minSize: group.minSize, maxSize: group.maxSize, desiredSize: group.desiredSize },
        updateConfig: { maxUnavailable: group.maxUnavailable ?? 1 },
        launchTemplate: { id: launchTemplate.id, version: Token.asString(launchTemplate.latestVersion) },
        tags: nameTags(fullName, tags),
        lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
        dependsOn: [...nodePolicies, vpcCni, kubeProxy],
      });
      this.nodeGroups[groupName] = nodeGroup;
    }
    const allNodeGroups = Object.values(this.nodeGroups);
    this.nodeGroupArns = allNodeGroups.map((g) => g.arn);

    // CoreDNS and the EBS CSI controller are Deployments: they need nodes to become healthy.
    const coreDns = addon('CoreDnsAddon', 'coredns', props.addons.coreDns, undefined, allNodeGroups);
    const ebsCsi = addon('EbsCsiDriverAddon', 'aws-ebs-csi-driver', props.addons.ebsCsiDriver, this.ebsCsiDriverRole.arn, allNodeGroups);
    this.addons = { vpcCni, kubeProxy, coreDns, ebsCsiDriver: ebsCsi };
  }

  /**
   * An IAM role that only the given Kubernetes service account(s) of this cluster can assume
   * (IRSA): trusted by the cluster's OIDC provider with `StringEquals` on the token's `sub` and `aud`.
   */
  irsaRole(id: string, options: IrsaRoleOptions): IamRole {
    const accounts = typeof options.serviceAccount === 'string' ? [options.serviceAccount] : options.serviceAccount;
    if (accounts.length === 0) throw new Error(`${this.node.path}: irsaRole(${id}) needs at least one service account`);
    if ((options.policyStatements ?? []).length === 0 && (options.managedPolicyArns ?? []).length === 0) {
      throw new Error(`${this.node.path}: irsaRole(${id}) needs policyStatements or managedPolicyArns`);
    }
    for (const statement of options.policyStatements ?? []) {
      const wildcard = (statement.actions ?? []).find((a) => a === '*' || a.endsWith(':*'));
      if (wildcard) throw new Error(`${this.node.path}: irsaRole(${id}) must not grant wildcard action "${wildcard}"`);
    }
    const scope = options.scope ?? this;
    const holder = new Construct(scope, id);
    const issuer = Fn.replace(this.oidcIssuerUrl, 'https://', '');
    const trust = new DataAwsIamPolicyDocument(holder, 'Trust', {
      statement: [
        {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [this.oidcProviderArn] }],
          condition: [
            { test: 'StringEquals', variable: `${issuer}:sub`, values: accounts.map((sa) => `system:serviceaccount:${options.namespace}:${sa}`) },
            { test: 'StringEquals', variable: `${issuer}:aud`, values: ['sts.amazonaws.com'] },
          ],
        },
      ],
    });
    const role = new IamRole(holder, 'Resource', {
      name: options.roleName ?? `${this.baseName}-${kebab(id)}`,
      assumeRolePolicy: trust.json,
      tags: this.tags,
    });
    (options.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new IamRolePolicyAttachment(holder, `Policy${i + 1}`, { role: role.name, policyArn });
    });
    if ((options.policyStatements ?? []).length > 0) {
      grantStatements(holder, 'Permissions', role, options.policyStatements!);
    }
    return role;
  }

  /** Grants an IAM principal access to the Kubernetes API through an EKS access entry. */
  grantAccess(id: string, principalArn: string, options: ClusterAccessOptions = {}): EksAccessPolicyAssociation {
    const exists = this.roleExistsCondition(id, principalArn, options.source ?? `${this.baseName}: access entry ${id}`);
    const entry = new EksAccessEntry(this, `${id}AccessEntry`, {
      clusterName: this.cluster.name,
      principalArn,
      type: 'STANDARD',
      tags: this.tags,
      lifecycle: exists ? { precondition: [exists] } : undefined,
    });
    const namespaces = options.namespaces ?? [];
    return new EksAccessPolicyAssociation(this, `${id}AccessPolicy`, {
      clusterName: this.cluster.name,
      principalArn,
      policyArn: `arn:${this.partition}:eks::aws:cluster-access-policy/${options.policy ?? 'AmazonEKSViewPolicy'}`,
      accessScope: namespaces.length > 0 ? { type: 'namespace', namespaces } : { type: 'cluster' },
      dependsOn: [entry],
    });
  }

  /**
   * An access entry must name an existing IAM principal (EKS User Guide, "Create access entries"); for a
   * missing role EKS answers "invalid principal" at apply time, after the cluster is built. Roles of this account are looked up at plan time instead (IAM ListRoles,
   * which yields an empty list rather than an error), and a precondition names the missing role and
   * where it is configured. Roles of other accounts and ARNs known only at deploy time are not checked.
   */
  private roleExistsCondition(id: string, principalArn: string, source: string): { condition: string; errorMessage: string } | undefined {
    if (Token.isUnresolved(principalArn)) return undefined;
    const match = /^arn:aws[\w-]*:iam::(\d{12}):role(\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/.exec(principalArn);
    if (!match) return undefined;
    const [, accountId, path, roleName] = match;
    const roles = new DataAwsIamRoles(this, `${id}Principal`, {
      nameRegex: `^${roleName.replace(/[.+]/g, '\\$&')}$`,
      pathPrefix: path,
    });
    return {
      condition: `\${length(${roles.fqn}.names) > 0 || ${this.accountIdRef}.account_id != "${accountId}"}`,
      errorMessage: `${source}: IAM role ${principalArn} does not exist, and EKS rejects an access entry for it ("invalid principal"). Create it first (README, "Prerequisites").`,
    };
  }

  /** Lets a security group (a bastion, a CI runner) reach the private API endpoint on 443. */
  allowApiAccessFrom(id: string, securityGroupId: string, description = `HTTPS to the Kubernetes API from ${id}`): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, `ApiFrom${id}`, {
      securityGroupId: this.clusterSecurityGroupId,
      description,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: securityGroupId,
    });
  }
}

/** AL2023 AMI type for a node group's instance types; Graviton families carry a `g` after the generation. */
export function amiTypeFor(instanceTypes: readonly string[]): 'AL2023_ARM_64_STANDARD' | 'AL2023_x86_64_STANDARD' {
  const arm = instanceTypes.map(isGraviton);
  if (arm.every((a) => a)) return 'AL2023_ARM_64_STANDARD';
  if (arm.every((a) => !a)) return 'AL2023_x86_64_STANDARD';
  throw new Error(`instance types ${instanceTypes.join(', ')} mix arm64 and x86_64; a node group has one AMI`);
}

/** `m7g.large`, `c6gn.xlarge`, `t4g.nano` are Graviton (arm64); `m7i.large`, `g5.xlarge` are not. */
export function isGraviton(instanceType: string): boolean {
  return /^[a-z]+\d+g[a-z-]*\./.test(instanceType);
}

const VERSION = /^1\.\d{2}$/;
const INSTANCE_TYPE = /^[a-z0-9-]+\.[a-z0-9]+$/;

function validate(props: KubernetesClusterProps): void {
  const where = `KubernetesCluster ${props.name}`;
  if (!Token.isUnresolved(props.kubernetesVersion) && !VERSION.test(props.kubernetesVersion)) {
    throw new Error(`${where}: kubernetesVersion "${props.kubernetesVersion}" must be a minor version such as "1.35"`);
  }
  for (const cidr of props.endpointPublicAccessCidrs ?? []) {
    if (Token.isUnresolved(cidr)) continue;
    if (/\/0$/.test(cidr)) throw new Error(`${where}: endpointPublicAccessCidrs must not contain ${cidr}: that opens the API to the whole internet`);
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) throw new Error(`${where}: endpointPublicAccessCidrs entry "${cidr}" is not an IPv4 CIDR`);
  }
  const groups = Object.entries(props.nodeGroups);
  if (groups.length === 0) throw new Error(`${where}: nodeGroups must define at least one node group`);
  for (const [groupName, g] of groups) {
    const at = `${where}: nodeGroups.${groupName}`;
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(groupName)) throw new Error(`${at}: name must be lowercase letters, digits and hyphens`);
    if (g.instanceTypes.length === 0) throw new Error(`${at}: instanceTypes must list at least one instance type`);
    const bad = g.instanceTypes.find((t) => !INSTANCE_TYPE.test(t));
    if (bad) throw new Error(`${at}: "${bad}" is not an EC2 instance type`);
    amiTypeForChecked(at, g.instanceTypes);
    if (g.minSize < 0) throw new Error(`${at}: minSize (${g.minSize}) must be >= 0`);
    if (g.maxSize < 1) throw new Error(`${at}: maxSize (${g.maxSize}) must be >= 1`);
    if (g.minSize > g.maxSize) throw new Error(`${at}: minSize (${g.minSize}) must be <= maxSize (${g.maxSize})`);
    if (g.desiredSize < g.minSize || g.desiredSize > g.maxSize) {
      throw new Error(`${at}: desiredSize (${g.desiredSize}) must be between minSize (${g.minSize}) and maxSize (${g.maxSize})`);
    }
    if ((g.diskSizeGiB ?? 50) < 20) throw new Error(`${at}: diskSizeGiB (${g.diskSizeGiB}) must be at least 20`);
  }
}

function amiTypeForChecked(at: string, instanceTypes: readonly string[]): void {
  try {
    amiTypeFor(instanceTypes);
  } catch (error) {
    throw new Error(`${at}: ${(error as Error).message}`);
  }
}

/** A stable id part for an access entry: the role's name when the ARN is a literal. */
function accessId(roleArn: string, index: number): string {
  if (Token.isUnresolved(roleArn)) return String(index + 1);
  return pascal(roleArn.split('/').pop() ?? String(index + 1));
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
