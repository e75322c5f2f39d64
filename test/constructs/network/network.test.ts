import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformOutput, Testing } from 'cdktf';
import { Network } from '../../../constructs/network';
import { onlyResource, policyStatements, resourcesOf, synthConstruct, synthJson, testStack } from '../../helpers';

const threeAzs = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

describe('Network', () => {
  const json = synthConstruct((scope) => new Network(scope, 'Network', { name: 'prod', cidr: '10.30.0.0/16', availabilityZones: threeAzs }));

  it('creates a VPC with DNS support and hostnames', () => {
    const stack = testStack();
    new Network(stack, 'Network', { name: 'prod', cidr: '10.30.0.0/16', availabilityZones: threeAzs });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Vpc, { cidr_block: '10.30.0.0/16', enable_dns_support: true, enable_dns_hostnames: true });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(FlowLog, { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
  });

  it('creates public, private and database subnets in every AZ, computed from the VPC CIDR', () => {
    const subnets = resourcesOf(json, 'aws_subnet');
    expect(subnets).toHaveLength(9);
    const byTier = (tier: string) => subnets.filter((s) => (s.tags as Record<string, string>)['platform:tier'] === tier);
    expect(byTier('private').map((s) => [s.availability_zone, s.cidr_block])).toEqual([
      ['eu-west-1a', '10.30.0.0/19'],
      ['eu-west-1b', '10.30.32.0/19'],
      ['eu-west-1c', '10.30.64.0/19'],
    ]);
    expect(byTier('public').map((s) => s.cidr_block)).toEqual(['10.30.192.0/22', '10.30.196.0/22', '10.30.200.0/22']);
    expect(byTier('database').map((s) => s.cidr_block)).toEqual(['10.30.224.0/22', '10.30.228.0/22', '10.30.232.0/22']);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    expect(byTier('public').every((s) => (s.tags as Record<string, string>)['kubernetes.io/role/elb'] === '1')).toBe(true);
    expect(byTier('private').every((s) => (s.tags as Record<string, string>)['kubernetes.io/role/internal-elb'] === '1')).toBe(true);
  });

  it('puts one NAT gateway in each AZ by default, each private route table using its own', () => {
    const nats = json.resource.aws_nat_gateway;
    expect(Object.keys(nats)).toHaveLength(3);
    expect(resourcesOf(json, 'aws_eip')).toHaveLength(3);
    const privateRoutes = Object.entries(json.resource.aws_route).filter(([name]) => name.includes('PrivateDefaultRoute'));
    const natRefs = privateRoutes.map(([, route]) => route.nat_gateway_id);
    expect(new Set(natRefs).size).toBe(3);
  });

  it('routes public subnets through the internet gateway and gives database subnets no route out', () => {
    const publicRoute = Object.entries(json.resource.aws_route).find(([name]) => name.includes('PublicDefaultRoute'))![1];
    expect(publicRoute).toMatchObject({ destination_cidr_block: '0.0.0.0/0', gateway_id: expect.stringContaining('aws_internet_gateway.') });
    const databaseTable = Object.keys(json.resource.aws_route_table).find((name) => name.includes('DatabaseRouteTable'))!;
    const routesOfDatabaseTable = resourcesOf(json, 'aws_route').filter((r) => String(r.route_table_id).includes(databaseTable));
    expect(routesOfDatabaseTable).toHaveLength(0);
  });

  it('locks down the default security group', () => {
    expect(onlyResource(json, 'aws_default_security_group')).toMatchObject({ ingress: [], egress: [] });
  });

  it('sends flow logs to a KMS-encrypted log group with retention, through a least-privilege role', () => {
    const group = onlyResource(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ name: '/aws/vpc/prod/flow-logs', retention_in_days: 90, kms_key_id: expect.stringContaining('aws_kms_key.') });
    expect(onlyResource(json, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
    const permissions = policyStatements(json, onlyResource(json, 'aws_iam_role_policy').policy);
    expect(permissions).toHaveLength(2);
    expect(permissions[0].actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']);
    expect(permissions[0].resources).not.toContain('*');
    // The service calls DescribeLogGroups before delivering; without it no flow log is ever written.
    expect(permissions[1]).toMatchObject({ actions: ['logs:DescribeLogGroups'], resources: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:logs:\$\{data\.aws_region\.\w+\.region\}:\$\{data\.aws_caller_identity\.\w+\.account_id\}:log-group:\*$/)] });
    const trust = policyStatements(json, onlyResource(json, 'aws_iam_role').assume_role_policy);
    expect(trust[0].principals).toEqual([{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }]);
  });

  it('creates the S3 gateway endpoint and ECR, STS and CloudWatch Logs interface endpoints', () => {
    const endpoints = resourcesOf(json, 'aws_vpc_endpoint');
    const services = endpoints.map((e) => String(e.service_name).replace(/^com\.amazonaws\.\$\{data\.aws_region\.[\w]+\.region\}\./, ''));
    expect(services.sort()).toEqual(['ecr.api', 'ecr.dkr', 'logs', 's3', 'sts']);
    const gateway = endpoints.find((e) => e.vpc_endpoint_type === 'Gateway')!;
    expect(gateway.route_table_ids).toHaveLength(4); // three private tables and the database table
    for (const endpoint of endpoints.filter((e) => e.vpc_endpoint_type === 'Interface')) {
      expect(endpoint).toMatchObject({ private_dns_enabled: true });
      expect(endpoint.subnet_ids).toHaveLength(3);
    }
    expect(onlyResource(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp', cidr_ipv4: expect.stringContaining('aws_vpc.') });
  });

  it('uses a single NAT gateway when asked', () => {
    const single = synthConstruct((scope) =>
      new Network(scope, 'Network', { name: 'dev', cidr: '10.10.0.0/16', availabilityZones: threeAzs.slice(0, 2), natMode: 'single', flowLogRetentionDays: 30 }),
    );
    expect(resourcesOf(single, 'aws_nat_gateway')).toHaveLength(1);
    const natRefs = Object.entries(single.resource.aws_route).filter(([n]) => n.includes('PrivateDefaultRoute')).map(([, r]) => r.nat_gateway_id);
    expect(natRefs).toHaveLength(2);
    expect(new Set(natRefs).size).toBe(1);
    expect(onlyResource(single, 'aws_cloudwatch_log_group').retention_in_days).toBe(30);
  });

  it('exposes typed outputs', () => {
    const stack = testStack();
    const network = new Network(stack, 'Network', { name: 'dev', cidr: '10.10.0.0/16', availabilityZones: threeAzs.slice(0, 2) });
    expect(network.privateSubnetIds).toHaveLength(2);
    expect(network.databaseSubnetIds).toHaveLength(2);
    expect(network.natMode).toBe('perAz');
    expect(network.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    new TerraformOutput(stack, 'vpc', { value: network.vpcId });
    expect(synthJson(stack).output!.vpc.value).toMatch(/^\$\{aws_vpc\.Network_[\w]+\.id\}$/);
  });

  it('fails when the CIDR is malformed', () => {
    expect(() => synthConstruct((scope) => new Network(scope, 'N', { name: 'x', cidr: '10.0.0.0/33', availabilityZones: threeAzs }))).toThrow(
      /network\.cidr: "10\.0\.0\.0\/33" has a prefix length greater than 32/,
    );
  });
});
