import { DEFAULT_ASSUMPTIONS } from '../../../tools/cost/assumptions';
import {
  bucketPurpose,
  compareEstimates,
  countLoadBalancers,
  CostEstimateError,
  eksSupport,
  estimateCosts,
  groupOf,
  logGroupKind,
  parseBaseEstimate,
  roundCents as c,
  toJson,
  type CostEstimate,
} from '../../../tools/cost/estimate';
import { AS_OF, envMonthly, fixtureManifests, fixtureStacks, lineOf, stack, stackMonthly } from './helpers';

// eu-west-1 unit prices the fixture exercises, written out so each expectation reads as arithmetic.
const H = 730;
const P = {
  m7gLarge: 0.091,
  m7gXlarge: 0.1819,
  c7g2xlarge: 0.3101,
  t4gNano: 0.0046,
  gp3: 0.088,
  eks: 0.1,
  eksExtended: 0.6,
  nat: 0.048,
  ipv4: 0.005,
  endpointAz: 0.011,
  logs: 0.57,
  kms: 1,
  rdsT4gMedium: 0.072,
  rdsR7gXlarge: 0.556,
  rdsGp3: 0.127,
  backup: 0.095,
  insights: 0.0125,
  secret: 0.4,
  s3: 0.023,
  alarm: 0.1,
  alarmHighRes: 0.3,
  ecr: 0.1,
  alb: 0.0252,
  albLcu: 0.008,
  nlb: 0.0252,
  nlbLcu: 0.006,
};
const SPOT = 1 - DEFAULT_ASSUMPTIONS.spotDiscount;
const sumCents = (...amounts: number[]) => c(amounts.reduce((sum, a) => sum + c(a), 0));

function fixtureEstimate(): CostEstimate {
  return estimateCosts(fixtureStacks(), { asOf: AS_OF, kubernetes: fixtureManifests() });
}

function expectProblem(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CostEstimateError);
  expect((caught as CostEstimateError).problems.join('\n')).toMatch(pattern);
}

describe('estimateCosts on the hand-written fixture', () => {
  const estimate = fixtureEstimate();

  test('groups stacks by environment, then shared and bootstrap', () => {
    expect(estimate.environments.map((e) => e.name)).toEqual(['dev', 'prod', 'shared']);
    expect(estimate.environments.find((e) => e.name === 'dev')!.stacks.map((s) => s.name)).toEqual([
      'dev-cluster',
      'dev-data',
      'dev-network',
      expect.stringMatching(/^load balancers \(.*k8s\/dev\)$/),
    ]);
    expect(estimate.environments[0].regions).toEqual(['eu-west-1']);
  });

  test('EKS control plane: per cluster-hour, standard support for 1.35', () => {
    const l = lineOf(estimate, 'dev-cluster', 'EKS control plane');
    expect(l.item).toBe('EKS control plane (Kubernetes 1.35, standard support)');
    expect(l.unitPrice).toBe(P.eks);
    expect(l.monthly).toBeCloseTo(c(H * P.eks), 9);
  });

  test('node groups: desired size x hourly price of the first instance type; spot at the stated discount', () => {
    const onDemand = lineOf(estimate, 'dev-cluster', 'EC2 m7g.large on-demand');
    expect(onDemand.count).toBe(2);
    expect(onDemand.quantity).toBe(2 * H);
    expect(onDemand.monthly).toBeCloseTo(c(2 * H * P.m7gLarge), 9);

    const spot = lineOf(estimate, 'dev-cluster', 'EC2 c7g.2xlarge spot');
    expect(spot.count).toBe(1);
    expect(spot.unitPrice).toBeCloseTo(P.c7g2xlarge * SPOT, 9);
    expect(spot.monthly).toBeCloseTo(c(H * P.c7g2xlarge * SPOT), 9);
  });

  test('node groups without instance_types take the launch template instance type', () => {
    const l = lineOf(estimate, 'dev-cluster', 'EC2 m7g.xlarge on-demand');
    expect(l.note).toContain('launch template GeneralTemplate');
    expect(l.monthly).toBeCloseTo(c(H * P.m7gXlarge), 9);
  });

  test('node volumes: launch template block device (or disk_size) x gp3 price x desired nodes', () => {
    const l = lineOf(estimate, 'dev-cluster', 'EBS gp3 node volumes');
    // General 2 x 50 GiB (template), FromTemplate 1 x 50 GiB (template), Batch 1 x 100 GiB (disk_size).
    expect(l.count).toBe(4);
    expect(l.quantity).toBe(2 * 50 + 50 + 100);
    expect(l.monthly).toBeCloseTo(c(250 * P.gp3), 9);
  });

  test('bastion aws_instance: instance hours and its root volume', () => {
    expect(lineOf(estimate, 'dev-cluster', 'EC2 t4g.nano on-demand').monthly).toBeCloseTo(c(H * P.t4gNano), 9);
    expect(lineOf(estimate, 'dev-cluster', 'EBS gp3 volumes').monthly).toBeCloseTo(c(8 * P.gp3), 9);
  });

  test('NAT gateway: hourly plus the environment\'s assumed GB processed', () => {
    expect(lineOf(estimate, 'dev-network', 'NAT gateway').monthly).toBeCloseTo(c(H * P.nat), 9);
    const data = lineOf(estimate, 'dev-network', 'NAT data processed');
    expect(data.quantity).toBe(DEFAULT_ASSUMPTIONS.natGbProcessedPerMonth.dev);
    expect(data.monthly).toBeCloseTo(c(50 * P.nat), 9);
  });

  test('Elastic IPs at $0.005 an hour', () => {
    expect(lineOf(estimate, 'dev-network', 'Public IPv4 address (Elastic IP)').monthly).toBeCloseTo(c(H * 0.005), 9);
  });

  test('interface endpoints per endpoint per AZ-hour, counting subnets; gateway endpoints free', () => {
    const l = lineOf(estimate, 'dev-network', 'Interface endpoint AZ-hours');
    expect(l.count).toBe(2);
    expect(l.note).toBe('ecr.api x2');
    expect(l.monthly).toBeCloseTo(c(2 * H * P.endpointAz), 9);
    expect(lineOf(estimate, 'dev-network', 'Gateway endpoint').monthly).toBe(0);
  });

  test('KMS keys at $1 a month each', () => {
    expect(lineOf(estimate, 'dev-network', 'KMS customer managed key').monthly).toBe(P.kms);
    expect(lineOf(estimate, 'dev-data', 'KMS customer managed key').monthly).toBe(P.kms);
  });

  test('CloudWatch Logs: assumed GB ingested per log group kind', () => {
    expect(lineOf(estimate, 'dev-network', 'CloudWatch Logs ingestion (vpcFlowLogs)').monthly).toBeCloseTo(c(20 * P.logs), 9);
    expect(lineOf(estimate, 'dev-cluster', 'CloudWatch Logs ingestion (eksControlPlane)').monthly).toBeCloseTo(c(10 * P.logs), 9);
  });

  test('RDS Single-AZ: instance hours, gp3 storage, backup beyond free, managed secret; no Insights at 7 days', () => {
    expect(lineOf(estimate, 'dev-data', 'RDS db.t4g.medium (Single-AZ)').monthly).toBeCloseTo(c(H * P.rdsT4gMedium), 9);
    expect(lineOf(estimate, 'dev-data', 'RDS gp3 storage (Single-AZ)').monthly).toBeCloseTo(c(20 * P.rdsGp3), 9);
    const backup = lineOf(estimate, 'dev-data', 'RDS backup storage');
    expect(backup.quantity).toBeCloseTo(20 * 0.05 * 3, 9);
    expect(backup.monthly).toBeCloseTo(c(3 * P.backup), 9);
    expect(lineOf(estimate, 'dev-data', 'Secrets Manager secret').monthly).toBe(P.secret);
    expect(() => lineOf(estimate, 'dev-data', 'Database Insights')).toThrow(/found 0/);
  });

  test('RDS Multi-AZ doubles instance hours and storage; Insights beyond 7 days billed per vCPU-hour', () => {
    const instance = lineOf(estimate, 'prod-data', 'RDS db.r7g.xlarge (Multi-AZ)');
    expect(instance.count).toBe(2);
    expect(instance.monthly).toBeCloseTo(c(2 * H * P.rdsR7gXlarge), 9);
    expect(lineOf(estimate, 'prod-data', 'RDS gp3 storage (Multi-AZ)').monthly).toBeCloseTo(c(2 * 200 * P.rdsGp3), 9);
    expect(lineOf(estimate, 'prod-data', 'RDS backup storage').monthly).toBeCloseTo(c(200 * 0.05 * 30 * P.backup), 9);
    expect(lineOf(estimate, 'prod-data', 'Database Insights').monthly).toBeCloseTo(c(4 * H * P.insights), 9);
  });

  test('S3 by bucket purpose, SNS listed at zero with a note', () => {
    expect(lineOf(estimate, 'dev-data', 'S3 Standard storage (rawData)').monthly).toBeCloseTo(c(500 * P.s3), 9);
    expect(lineOf(estimate, 'dev-data', 'S3 Standard storage (modelArtifacts)').monthly).toBeCloseTo(c(100 * P.s3), 9);
    const sns = lineOf(estimate, 'dev-data', 'SNS topic');
    expect(sns.monthly).toBe(0);
    expect(sns.note).toMatch(/negligible/);
  });

  test('alarms per alarm metric; a period under 60 s is high resolution', () => {
    expect(lineOf(estimate, 'dev-data', 'CloudWatch alarm metric (standard resolution)').monthly).toBeCloseTo(c(P.alarm), 9);
    expect(lineOf(estimate, 'dev-data', 'CloudWatch alarm metric (high resolution)').monthly).toBeCloseTo(c(P.alarmHighRes), 9);
  });

  test('ECR storage per repository', () => {
    expect(lineOf(estimate, 'shared', 'ECR image storage').monthly).toBeCloseTo(c(2 * 5 * P.ecr), 9);
  });

  test('load balancers counted from dist/k8s/<env>: one ALB per ingress group, one NLB per LoadBalancer Service', () => {
    const lb = estimate.environments.find((e) => e.name === 'dev')!.stacks.find((s) => s.name.startsWith('load balancers'))!;
    const byItem = Object.fromEntries(lb.lines.map((l) => [l.item, l]));
    expect(byItem['Application Load Balancer'].count).toBe(1);
    expect(byItem['Application Load Balancer'].monthly).toBeCloseTo(c(H * P.alb), 9);
    expect(byItem['ALB LCU-hours'].monthly).toBeCloseTo(c(H * P.albLcu), 9);
    expect(byItem['Network Load Balancer'].monthly).toBeCloseTo(c(H * P.nlb), 9);
    expect(byItem['NLB NLCU-hours'].monthly).toBeCloseTo(c(H * P.nlbLcu), 9);
    // Only the ALB group is internet-facing; one address per public subnet (2).
    expect(byItem['Public IPv4 addresses (internet-facing load balancer nodes)'].monthly).toBeCloseTo(c(2 * H * P.ipv4), 9);
  });

  test('an environment without manifests gets the stated assumption of one internet-facing ALB', () => {
    const lb = estimate.environments.find((e) => e.name === 'prod')!.stacks.find((s) => s.name === 'load balancers (assumed)')!;
    const lcu = DEFAULT_ASSUMPTIONS.lcuPerLoadBalancer.prod;
    expect(lb.monthly).toBeCloseTo(sumCents(H * P.alb, lcu * H * P.albLcu, DEFAULT_ASSUMPTIONS.defaultLoadBalancerAzs * H * P.ipv4), 9);
  });

  test('stack subtotals are the sums of their cent-rounded lines, and environments of their stacks', () => {
    const network = sumCents(20 * P.logs, H * P.ipv4, H * P.nat, 50 * P.nat, 2 * H * P.endpointAz, P.kms, 0);
    expect(stackMonthly(estimate, 'dev-network')).toBeCloseTo(network, 9);
    expect(network).toBeCloseTo(69.55, 9);
    const data = sumCents(H * P.rdsT4gMedium, 20 * P.rdsGp3, 3 * P.backup, P.secret, 500 * P.s3, 100 * P.s3, 0, P.alarm, P.alarmHighRes, P.kms);
    expect(stackMonthly(estimate, 'dev-data')).toBeCloseTo(data, 9);
    const cluster = sumCents(H * P.eks, 10 * P.logs, 2 * H * P.m7gLarge, H * P.c7g2xlarge * SPOT, H * P.m7gXlarge, 250 * P.gp3, H * P.t4gNano, 8 * P.gp3);
    expect(stackMonthly(estimate, 'dev-cluster')).toBeCloseTo(cluster, 9);
    const lb = sumCents(H * P.alb, H * P.albLcu, H * P.nlb, H * P.nlbLcu, 2 * H * P.ipv4);
    expect(envMonthly(estimate, 'dev')).toBeCloseTo(c(network + data + cluster + lb), 9);
    expect(estimate.monthly).toBeCloseTo(c(estimate.environments.reduce((s, e) => s + e.monthly, 0)), 9);
    expect(estimate.monthly).toBe(1621.76);
  });

  test('nothing left unpriced in the fixture, and free types do not warn', () => {
    expect(estimate.warnings).toEqual([]);
  });

  test('--env keeps one group; an unknown one is an error listing the known', () => {
    const dev = estimateCosts(fixtureStacks(), { asOf: AS_OF, environment: 'dev' });
    expect(dev.environments.map((e) => e.name)).toEqual(['dev']);
    expectProblem(() => estimateCosts(fixtureStacks(), { environment: 'qa' }), /unknown environment "qa"; found: dev, prod, shared/);
  });
});

describe('estimateCosts errors and choices', () => {
  const nodeGroup = (instanceType: string, capacityType: 'ON_DEMAND' | 'SPOT') => ({
    aws_eks_node_group: { Workers: { instance_types: [instanceType], capacity_type: capacityType, scaling_config: { desired_size: 3, min_size: 1, max_size: 5 } } },
  });

  test('spot is cheaper than on-demand for the same node group', () => {
    const onDemand = estimateCosts([stack('dev-cluster', nodeGroup('m7g.large', 'ON_DEMAND'))]);
    const spot = estimateCosts([stack('dev-cluster', nodeGroup('m7g.large', 'SPOT'))]);
    expect(stackMonthly(spot, 'dev-cluster')).toBeLessThan(stackMonthly(onDemand, 'dev-cluster'));
    expect(lineOf(spot, 'dev-cluster', 'EC2').monthly).toBeCloseTo(c(lineOf(onDemand, 'dev-cluster', 'EC2').monthly * SPOT), 9);
  });

  test('multi_az doubles the database instance and storage cost', () => {
    const db = (multiAz: boolean) =>
      estimateCosts([stack('dev-data', { aws_db_instance: { Db: { engine: 'postgres', instance_class: 'db.r7g.large', allocated_storage: 100, storage_type: 'gp3', multi_az: multiAz, backup_retention_period: 1 } } })]);
    const single = db(false);
    const multi = db(true);
    for (const [s, m] of [['RDS db.r7g.large (Single-AZ)', 'RDS db.r7g.large (Multi-AZ)'], ['RDS gp3 storage (Single-AZ)', 'RDS gp3 storage (Multi-AZ)']]) {
      expect(lineOf(multi, 'dev-data', m).monthly).toBeCloseTo(c(2 * lineOf(single, 'dev-data', s).monthly), 9);
    }
  });

  test('fails when an instance type is not in the table, naming the address and the type', () => {
    expectProblem(
      () => estimateCosts([stack('dev-cluster', nodeGroup('x9z.mega', 'ON_DEMAND'))]),
      /dev-cluster: aws_eks_node_group\.Workers: instance type "x9z\.mega" has no eu-west-1 price/,
    );
    expectProblem(
      () => estimateCosts([stack('dev-cluster', { aws_instance: { Bastion: { instance_type: 'q1.tiny' } } })]),
      /dev-cluster: aws_instance\.Bastion: instance type "q1\.tiny"/,
    );
  });

  test('fails when a DB instance class is not in the table', () => {
    expectProblem(
      () => estimateCosts([stack('dev-data', { aws_db_instance: { Db: { engine: 'postgres', instance_class: 'db.z9.huge', allocated_storage: 20 } } })]),
      /dev-data: aws_db_instance\.Db: DB instance class "db\.z9\.huge" has no eu-west-1 price/,
    );
  });

  test('fails when the region has no price table, or cannot be told', () => {
    expectProblem(() => estimateCosts([stack('dev-network', { aws_kms_key: { Key: {} } }, 'ap-east-2')]), /no price table for region "ap-east-2"/);
    expectProblem(() => estimateCosts([stack('dev-network', { aws_kms_key: { Key: {} } }, '${var.region}')]), /cannot tell its region/);
  });

  test('fails when a count is not a literal, and lists every problem at once', () => {
    expectProblem(
      () => estimateCosts([stack('dev-network', { aws_eip: { Ip: { count: '${var.n}' } }, aws_instance: { A: { instance_type: 'nope.large' } } })]),
      /count "\$\{var\.n\}" is not a literal number\n.*instance type "nope\.large"/,
    );
  });

  test('a literal count multiplies the lines', () => {
    const e = estimateCosts([stack('dev-network', { aws_eip: { Ip: { count: 3 } } })]);
    expect(lineOf(e, 'dev-network', 'Public IPv4').count).toBe(3);
    expect(lineOf(e, 'dev-network', 'Public IPv4').monthly).toBeCloseTo(c(3 * H * P.ipv4), 9);
  });

  test('a node group whose launch template is not in the stack is an error', () => {
    expectProblem(
      () => estimateCosts([stack('dev-cluster', { aws_eks_node_group: { G: { launch_template: { id: '${aws_launch_template.Missing.id}' }, scaling_config: { desired_size: 1 } } } })]),
      /aws_eks_node_group\.G: launch_template "\$\{aws_launch_template\.Missing\.id\}" does not resolve/,
    );
  });

  test('a cluster past standard support bills the extended rate unless its upgrade policy is STANDARD', () => {
    const cluster = (supportType?: string) =>
      estimateCosts([stack('dev-cluster', { aws_eks_cluster: { C: { name: 'dev', version: '1.30', ...(supportType ? { upgrade_policy: { support_type: supportType } } : {}) } } })], { asOf: AS_OF });
    expect(lineOf(cluster(), 'dev-cluster', 'EKS control plane').monthly).toBeCloseTo(c(H * P.eksExtended), 9);
    expect(lineOf(cluster('STANDARD'), 'dev-cluster', 'EKS control plane').monthly).toBeCloseTo(c(H * P.eks), 9);
  });

  test('unknown resource types are reported, not silently zero', () => {
    const e = estimateCosts([stack('dev-data', { aws_elasticache_cluster: { Cache: {} }, aws_iam_role: { R: {} } })]);
    expect(e.warnings).toEqual(['dev-data: 1 aws_elasticache_cluster not priced (not in the estimate\'s model); add it to tools/cost/estimate.ts if it costs money']);
  });

  test('EKS creates the control-plane log group itself when no stack declares one', () => {
    const e = estimateCosts([stack('dev-cluster', { aws_eks_cluster: { C: { name: 'dev', version: '1.35', enabled_cluster_log_types: ['audit'] } } })], { asOf: AS_OF });
    expect(lineOf(e, 'dev-cluster', 'CloudWatch Logs ingestion (control-plane').monthly).toBeCloseTo(c(10 * P.logs), 9);
  });
});

describe('helpers', () => {
  test('groupOf maps <env>-<layer>, shared and bootstrap', () => {
    expect(groupOf('dev-network')).toEqual({ name: 'dev', kind: 'environment' });
    expect(groupOf('gen07-cluster')).toEqual({ name: 'gen07', kind: 'environment' });
    expect(groupOf('shared')).toEqual({ name: 'shared', kind: 'account' });
    expect(groupOf('bootstrap')).toEqual({ name: 'bootstrap', kind: 'account' });
    expect(groupOf('tooling')).toEqual({ name: 'tooling', kind: 'other' });
  });

  test('eksSupport judges by the calendar and warns shortly before standard support ends', () => {
    expect(eksSupport('1.34', 'EXTENDED', '2026-11-24')).toMatchObject({ extended: false, warning: expect.stringMatching(/leaves standard support on 2026-12-02 \(8 days/) });
    expect(eksSupport('1.34', 'EXTENDED', '2026-12-02').extended).toBe(true);
    expect(eksSupport('1.34', 'STANDARD', '2026-11-24').warning).toBeUndefined();
    expect(eksSupport('1.99', 'EXTENDED', '2026-11-24').extended).toBe(false);
    expect(eksSupport('1.20', 'EXTENDED', '2026-11-24').extended).toBe(true);
  });

  test('logGroupKind and bucketPurpose read names and tags', () => {
    expect(logGroupKind('/aws/vpc/dev/flow-logs')).toBe('vpcFlowLogs');
    expect(logGroupKind('/aws/eks/dev/cluster')).toBe('eksControlPlane');
    expect(logGroupKind('/aws/rds/instance/dev/postgresql')).toBe('rds');
    expect(logGroupKind('/aws/containerinsights/dev/application')).toBe('containers');
    expect(logGroupKind('/custom')).toBe('other');
    expect(bucketPurpose({ body: { bucket: 'x-tfstate-1' } })).toBe('terraformState');
    expect(bucketPurpose({ body: { bucket: 'dev-access-logs' } })).toBe('logs');
    expect(bucketPurpose({ body: { bucket: 'dev-anything', tags: { purpose: 'processed' } } })).toBe('processedData');
  });

  test('countLoadBalancers groups ingresses and ignores other ingress classes', () => {
    const lb = countLoadBalancers(fixtureManifests().dev.objects);
    expect(lb).toMatchObject({ alb: 1, nlb: 1, internetFacing: 1 });
  });
});

describe('compareEstimates', () => {
  const estimate = toJson(fixtureEstimate());

  test('deltas per environment, with new and removed environments flagged', () => {
    const base = {
      environments: [
        { ...estimate.environments[0], monthly: estimate.environments[0].monthly - 100 }, // dev cheaper before
        { ...estimate.environments[1] }, // prod unchanged
        { name: 'legacy', kind: 'environment' as const, regions: [], monthly: 42.5, stacks: [] },
      ],
    };
    const c = compareEstimates(estimate, base);
    const byName = Object.fromEntries(c.environments.map((d) => [d.name, d]));
    expect(byName.dev).toMatchObject({ status: 'changed', delta: 100 });
    expect(byName.prod).toMatchObject({ status: 'unchanged', delta: 0 });
    expect(byName.shared).toMatchObject({ status: 'new', base: 0, delta: estimate.environments[2].monthly });
    expect(byName.legacy).toMatchObject({ status: 'removed', current: 0, delta: -42.5 });
    expect(c.delta).toBeCloseTo(100 + estimate.environments[2].monthly - 42.5, 6);
  });

  test('parseBaseEstimate accepts --format json output and rejects anything else', () => {
    expect(typeof parseBaseEstimate(JSON.parse(JSON.stringify(estimate)))).toBe('object');
    expect(parseBaseEstimate({ hello: 1 })).toMatch(/not a cost estimate/);
    expect(parseBaseEstimate({ schemaVersion: 1, environments: [{ name: 'dev' }] })).toMatch(/environments\[0\]/);
  });
});
