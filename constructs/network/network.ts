import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { logsMayUseKeyFor } from '../core/grants';
import { acceptLogRetention } from '../core/policy-suppression';
import { nameTags } from '../core/tags';
import { EncryptionKey } from '../encryption/encryption-key';
import { planSubnets } from './subnet-plan';
import { requireProps } from '../core/props';

export type NatMode = 'single' | 'perAz';

/** Interface endpoints created by default: what nodes need to pull images and log without the NAT. */
export const DEFAULT_INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'sts', 'logs'] as const;

export interface NetworkProps {
  /** Prefix for resource names, e.g. `prod`. */
  readonly name: string;
  /** IPv4 range of the VPC (/16 to /20 recommended); subnets are computed from it. */
  readonly cidr: string;
  /** AZ names, e.g. `['eu-west-1a', 'eu-west-1b']`; one subnet per tier in each. */
  readonly availabilityZones: string[];
  /**
   * `perAz` survives the loss of an AZ; `single` saves ~$33/month per extra AZ but routes all egress through one AZ.
   * @default 'perAz'
   */
  readonly natMode?: NatMode;
  /** @default 90 */
  readonly flowLogRetentionDays?: number;
  /**
   * Interface endpoints (service suffixes such as `ecr.api`); the S3 gateway endpoint is always created.
   * @default DEFAULT_INTERFACE_ENDPOINTS
   */
  readonly interfaceEndpoints?: readonly string[];
  /**
   * Tag subnets for the AWS Load Balancer Controller's discovery (`kubernetes.io/role/elb`, `.../internal-elb`).
   * @default true
   */
  readonly tagSubnetsForLoadBalancers?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A VPC across N AZs with public, private and database subnets, internet and NAT egress, flow logs
 * to an encrypted log group, private endpoints for S3, ECR, STS and CloudWatch Logs, and a default
 * security group that allows nothing.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  readonly natMode: NatMode;
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
  readonly databaseSubnets: Subnet[];
  /** One per AZ, for internal load balancers only (tagged for the load balancer controller). */
  readonly loadBalancerSubnets: Subnet[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly databaseSubnetIds: string[];
  readonly loadBalancerSubnetIds: string[];
  readonly natGateways: NatGateway[];
  readonly privateRouteTableIds: string[];
  readonly databaseRouteTableId: string;
  readonly flowLogGroupName: string;
  readonly flowLogKeyArn: string;
  readonly endpointSecurityGroupId: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', cidr: 'string', availabilityZones: 'array' });
    const azCount = props.availabilityZones.length;
    const plan = planSubnets(props.cidr, azCount);
    this.natMode = props.natMode ?? 'perAz';
    this.availabilityZones = [...props.availabilityZones];
    const tags = props.tags ?? {};
    const lbTags = props.tagSubnetsForLoadBalancers ?? true;
    const region = new DataAwsRegion(this, 'Region');
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');

    this.vpc = new Vpc(this, 'Resource', {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: nameTags(props.name, tags),
    });
    this.vpcId = this.vpc.id;
    this.vpcCidr = this.vpc.cidrBlock;

    // Adopts the VPC's default group and removes all of its rules: nothing can use it by accident.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: nameTags(`${props.name}-default-deny-all`, tags),
    });

    const igw = new InternetGateway(this, 'InternetGateway', { vpcId: this.vpc.id, tags: nameTags(props.name, tags) });

    const subnets = (tier: 'public' | 'private' | 'database' | 'loadBalancer', extraTags: Record<string, string>) =>
      props.availabilityZones.map(
        (az, i) =>
          new Subnet(this, `${capitalize(tier)}Subnet${i + 1}`, {
            vpcId: this.vpc.id,
            cidrBlock: plan[tier][i],
            availabilityZone: az,
            mapPublicIpOnLaunch: false,
            tags: { ...nameTags(`${props.name}-${kebabTier(tier)}-${az}`, tags), 'platform:tier': kebabTier(tier), ...extraTags },
          }),
      );
    this.publicSubnets = subnets('public', lbTags ? { 'kubernetes.io/role/elb': '1' } : {});
    // Internal load balancers go to subnets of their own, not to the private subnets where every pod
    // gets its address: the load balancer controller picks only subnets with the role tag when any has
    // it (aws-load-balancer-controller v3.5.0 docs/deploy/subnet_discovery.md), so "from the load
    // balancer's subnets" in a NetworkPolicy means the load balancer, not any pod of the cluster.
    this.privateSubnets = subnets('private', {});
    this.databaseSubnets = subnets('database', {});
    this.loadBalancerSubnets = subnets('loadBalancer', lbTags ? { 'kubernetes.io/role/internal-elb': '1' } : {});
    this.publicSubnetIds = this.publicSubnets.map((s) => s.id);
    this.privateSubnetIds = this.privateSubnets.map((s) => s.id);
    this.databaseSubnetIds = this.databaseSubnets.map((s) => s.id);
    this.loadBalancerSubnetIds = this.loadBalancerSubnets.map((s) => s.id);

    const publicRoutes = new RouteTable(this, 'PublicRouteTable', { vpcId: this.vpc.id, tags: nameTags(`${props.name}-public`, tags) });
    new Route(this, 'PublicDefaultRoute', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    this.publicSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `PublicRouteTableAssociation${i + 1}`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
    });

    const natCount = this.natMode === 'perAz' ? azCount : 1;
    this.natGateways = [...Array(natCount).keys()].map((i) => {
      const az = props.availabilityZones[i];
      const eip = new Eip(this, `NatEip${i + 1}`, { domain: 'vpc', tags: nameTags(`${props.name}-nat-${az}`, tags) });
      return new NatGateway(this, `NatGateway${i + 1}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        connectivityType: 'public',
        tags: nameTags(`${props.name}-${az}`, tags),
        dependsOn: [igw],
      });
    });

    const privateRouteTables = this.privateSubnets.map((subnet, i) => {
      const az = props.availabilityZones[i];
      const table = new RouteTable(this, `PrivateRouteTable${i + 1}`, { vpcId: this.vpc.id, tags: nameTags(`${props.name}-private-${az}`, tags) });
      new Route(this, `PrivateDefaultRoute${i + 1}`, {
        routeTableId: table.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: this.natGateways[this.natMode === 'perAz' ? i : 0].id,
      });
      new RouteTableAssociation(this, `PrivateRouteTableAssociation${i + 1}`, { subnetId: subnet.id, routeTableId: table.id });
      return table;
    });
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);

    // Database subnets have no route out of the VPC at all.
    const databaseRoutes = new RouteTable(this, 'DatabaseRouteTable', { vpcId: this.vpc.id, tags: nameTags(`${props.name}-database`, tags) });
    this.databaseSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `DatabaseRouteTableAssociation${i + 1}`, { subnetId: subnet.id, routeTableId: databaseRoutes.id });
    });
    this.databaseRouteTableId = databaseRoutes.id;

    // Internal load balancers answer clients inside the network: no route out of the VPC either.
    const loadBalancerRoutes = new RouteTable(this, 'LoadBalancerRouteTable', { vpcId: this.vpc.id, tags: nameTags(`${props.name}-load-balancer`, tags) });
    this.loadBalancerSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `LoadBalancerRouteTableAssociation${i + 1}`, { subnetId: subnet.id, routeTableId: loadBalancerRoutes.id });
    });

    // Flow logs: every accepted and rejected flow, to a KMS-encrypted log group.
    const logGroupName = `/aws/vpc/${props.name}/flow-logs`;
    const logArn = `arn:${partition.partition}:logs:${region.region}:${account.accountId}:log-group:${logGroupName}`;
    const flowLogKey = new EncryptionKey(this, 'FlowLogKey', {
      alias: `${props.name}/vpc-flow-logs`,
      description: `Encrypts the ${props.name} VPC flow log group`,
      additionalStatements: [logsMayUseKeyFor('CloudWatchLogsEncryptsTheFlowLogGroup', region.region, logArn)],
      tags,
    });
    this.flowLogKeyArn = flowLogKey.keyArn;
    const logGroup = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      name: logGroupName,
      retentionInDays: props.flowLogRetentionDays ?? 90,
      kmsKeyId: flowLogKey.keyArn,
      tags: nameTags(logGroupName, tags),
    });
    acceptLogRetention(logGroup, props.flowLogRetentionDays ?? 90, 'network.flowLogRetentionDays');
    this.flowLogGroupName = logGroup.name;

    const trust = new DataAwsIamPolicyDocument(this, 'FlowLogTrust', {
      statement: [
        {
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
      ],
    });
    const flowLogRole = new IamRole(this, 'FlowLogRole', {
      name: `${props.name}-vpc-flow-logs`,
      assumeRolePolicy: trust.json,
      tags,
    });
    const writeLogs = new DataAwsIamPolicyDocument(this, 'FlowLogPermissions', {
      statement: [
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [logGroup.arn, `${logGroup.arn}:*`],
        },
        {
          // The flow-log service looks its group up before writing ("IAM roles for publishing flow logs to
          // CloudWatch Logs", Amazon VPC User Guide). DescribeLogGroups lists, so it is authorized on the
          // account's log-group ARN pattern, not on one group. No CreateLogGroup: the group is created here.
          sid: 'FindTheFlowLogGroup',
          actions: ['logs:DescribeLogGroups'],
          resources: [`arn:${partition.partition}:logs:${region.region}:${account.accountId}:log-group:*`],
        },
      ],
    });
    new IamRolePolicy(this, 'FlowLogRolePolicy', { role: flowLogRole.name, policy: writeLogs.json });
    new FlowLog(this, 'FlowLog', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
      tags: nameTags(`${props.name}-flow-logs`, tags),
    });

    // Private endpoints: image pulls, STS (IRSA) and logging stay off the NAT and inside the VPC.
    new VpcEndpoint(this, 'S3GatewayEndpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${region.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...this.privateRouteTableIds, databaseRoutes.id],
      tags: nameTags(`${props.name}-s3`, tags),
    });
    const endpointSg = new SecurityGroup(this, 'EndpointSecurityGroup', {
      name: `${props.name}-vpc-endpoints`,
      description: 'HTTPS from inside the VPC to the interface endpoints',
      vpcId: this.vpc.id,
      tags: nameTags(`${props.name}-vpc-endpoints`, tags),
    });
    new VpcSecurityGroupIngressRule(this, 'EndpointHttpsFromVpc', {
      securityGroupId: endpointSg.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: this.vpc.cidrBlock,
    });
    this.endpointSecurityGroupId = endpointSg.id;
    for (const service of props.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS) {
      new VpcEndpoint(this, `${service.split('.').map(capitalize).join('')}Endpoint`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${region.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [endpointSg.id],
        tags: nameTags(`${props.name}-${service}`, tags),
      });
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function kebabTier(tier: string): string {
  return tier.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}
