import {
  EnvironmentValidationError,
  environmentInputs,
  environments,
  parseEnvironment,
  parseEnvironments,
  type EnvironmentInput,
} from '../../environments';

/** A deep copy of an environment's input with `patch` applied at `path` (or the key removed with undefined). */
function withChange(base: EnvironmentInput, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
  return copy;
}

function problemsOf(input: unknown): string[] {
  try {
    parseEnvironment(input);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentValidationError);
    return [...(error as EnvironmentValidationError).problems];
  }
  throw new Error('expected the environment to be rejected');
}

describe('environments', () => {
  it('holds dev, staging and prod, all valid', () => {
    expect(Object.keys(environments)).toEqual(['dev', 'staging', 'prod']);
    expect(environments.prod.network).toMatchObject({ azCount: 3, natMode: 'perAz' });
    expect(environments.prod.data.database).toMatchObject({ multiAz: true, deletionProtection: true });
  });

  it('fills documented defaults', () => {
    expect(environments.dev.data.storage.transitionToInfrequentAccessDays).toBe(30);
    expect(environments.dev.observability.thresholds.apiLatencyP95Seconds).toBe(0.5);
    expect(environments.prod.observability.thresholds.apiLatencyP95Seconds).toBe(0.3);
  });
});

describe('parseEnvironment rejects bad input, naming the environment and field', () => {
  const { dev, staging, prod } = environmentInputs;

  it.each([
    ['malformed CIDR', dev, 'network.cidr', '10.10.0/16', 'dev.network.cidr: "10.10.0/16" is not an IPv4 CIDR'],
    ['CIDR with host bits', dev, 'network.cidr', '10.10.1.0/16', 'dev.network.cidr: "10.10.1.0/16" has host bits set'],
    ['CIDR too small', dev, 'network.cidr', '10.10.0.0/24', 'dev.network.cidr: prefix /24 is out of range'],
    ['public CIDR', dev, 'network.cidr', '8.8.0.0/16', 'dev.network.cidr: "8.8.0.0/16" is not a private'],
    ['too few AZs', dev, 'network.azCount', 1, 'dev.network.azCount: must be at least 2'],
    ['too many AZs', dev, 'network.azCount', 7, 'dev.network.azCount: must be at most 6'],
    ['unknown region', dev, 'account.region', 'eu-middle-9', 'dev.account.region: unknown region "eu-middle-9"'],
    ['short account id', dev, 'account.id', '1234', 'dev.account.id: must be a 12-digit AWS account id'],
    ['missing owner tag', dev, 'tags.owner', undefined, 'dev.tags.owner: is required'],
    ['empty cost center', dev, 'tags.costCenter', '', 'dev.tags.costCenter: must not be empty'],
    ['unknown field (typo)', dev, 'network.natMod', 'single', 'dev.network.natMod: unknown field'],
    ['NAT mode', dev, 'network.natMode', 'double', 'dev.network.natMode:'],
    ['retention not allowed by CloudWatch', dev, 'network.flowLogRetentionDays', 45, 'dev.network.flowLogRetentionDays: must be one of'],
    ['node group min > max', dev, 'cluster.nodeGroups.general.minSize', 5, 'dev.cluster.nodeGroups.general.minSize: (5) must be <= maxSize (4)'],
    ['desired outside range', dev, 'cluster.nodeGroups.general.desiredSize', 9, 'dev.cluster.nodeGroups.general.desiredSize: (9) must be between minSize (1) and maxSize (4)'],
    ['no instance types', dev, 'cluster.nodeGroups.general.instanceTypes', [], 'dev.cluster.nodeGroups.general.instanceTypes: must list at least one instance type'],
    ['unsupported Kubernetes version', dev, 'cluster.kubernetesVersion', '1.27', 'dev.cluster.kubernetesVersion: Kubernetes version "1.27" is not in standard support'],
    ['kube-proxy for another Kubernetes version', dev, 'cluster.addons.kubeProxy', 'v1.33.0-eksbuild.1', 'dev.cluster.addons.kubeProxy: ("v1.33.0-eksbuild.1") is not a version of kube-proxy that EKS publishes for Kubernetes 1.35'],
    // The pin this repository had: a 1.33/1.34 CoreDNS build, which EKS refuses on a 1.35 cluster.
    ['CoreDNS built for 1.33/1.34', dev, 'cluster.addons.coreDns', 'v1.12.4-eksbuild.1', 'dev.cluster.addons.coreDns: ("v1.12.4-eksbuild.1") is not a version of coredns that EKS publishes for Kubernetes 1.35 (verified: v1.13.2-eksbuild.3'],
    ['vpc-cni not verified for the version', staging, 'cluster.addons.vpcCni', 'v1.20.4-eksbuild.1', 'staging.cluster.addons.vpcCni: ("v1.20.4-eksbuild.1") is not a version of vpc-cni that EKS publishes for Kubernetes 1.35'],
    ['EBS CSI driver not verified for the version', prod, 'cluster.addons.ebsCsiDriver', 'v1.51.1-eksbuild.1', 'prod.cluster.addons.ebsCsiDriver: ("v1.51.1-eksbuild.1") is not a version of aws-ebs-csi-driver that EKS publishes for Kubernetes 1.35'],
    ['a cluster version whose add-ons nobody verified', dev, 'cluster.kubernetesVersion', '1.36', 'dev.cluster.addons.vpcCni: ("v1.21.1-eksbuild.1") cannot be checked: no vpc-cni version for Kubernetes 1.36 is verified yet'],
    ['API open to the internet', dev, 'cluster.endpointPublicAccessCidrs', ['0.0.0.0/0'], 'dev.cluster.endpointPublicAccessCidrs[0]: must not open the API endpoint'],
    ['replicas min > max', dev, 'workloads.modelServing.minReplicas', 5, 'dev.workloads.modelServing.minReplicas: (5) must be <= maxReplicas (3)'],
    ['moving image tag', dev, 'workloads.mlflow.imageTag', 'latest', 'dev.workloads.mlflow.imageTag: must be an immutable tag'],
    ['storage max < allocated', dev, 'data.database.maxAllocatedStorageGiB', 10, 'dev.data.database.maxAllocatedStorageGiB: (10) must be >= allocatedStorageGiB (20)'],
    ['Glacier too soon after IA', dev, 'data.storage', { transitionToInfrequentAccessDays: 60, transitionToGlacierDays: 80 }, 'dev.data.storage.transitionToGlacierDays: (80) must be at least 30 days after transitionToInfrequentAccessDays (60)'],
    ['no backups', dev, 'data.database.backupRetentionDays', 0, 'dev.data.database.backupRetentionDays: must be at least 1'],
    ['prod with single NAT', prod, 'network.natMode', 'single', 'prod.network.natMode: must be "perAz"'],
    ['prod in two AZs', prod, 'network.azCount', 2, 'prod.network.azCount: (2) must be at least 3'],
    ['prod database single-AZ', prod, 'data.database.multiAz', false, 'prod.data.database.multiAz: must be true'],
    ['prod database deletable', prod, 'data.database.deletionProtection', false, 'prod.data.database.deletionProtection: must be true in production'],
    ['prod single replica', prod, 'workloads.mlflow.minReplicas', 1, 'prod.workloads.mlflow.minReplicas: (1) must be at least 2'],
    ['prod without paging', prod, 'observability.paging', false, 'prod.observability.paging: must be true in production'],
  ])('fails when %s', (_label, base, path, value, expected) => {
    const problems = problemsOf(withChange(base, path, value));
    expect(problems.join('\n')).toContain(expected);
  });

  it('reports every problem at once, including cross-field rules next to malformed fields', () => {
    let input = withChange(prod, 'network', { cidr: '10.30.0.300/16', azCount: 2, natMode: 'single' });
    input = withChange(input as EnvironmentInput, 'tags.owner', undefined);
    const problems = problemsOf(input);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('prod.network.cidr: "10.30.0.300/16" has an octet greater than 255'),
        expect.stringContaining('prod.tags.owner: is required'),
        expect.stringContaining('prod.network.azCount: (2) must be at least 3'),
        expect.stringContaining('prod.network.natMode: must be "perAz"'),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('formats the error as one line per problem', () => {
    expect(() => parseEnvironment(withChange(dev, 'network.azCount', 9))).toThrow(
      /^Invalid environment configuration \(1 problem\):\n {2}dev\.network\.azCount: must be at most 6$/,
    );
  });

  it('rejects something that is not an object', () => {
    expect(problemsOf('dev').join()).toContain('<unnamed>: Invalid input');
  });
});

describe('parseEnvironments checks the set', () => {
  const { dev, staging, prod } = environmentInputs;

  it('fails when two environments overlap', () => {
    const clash = withChange(staging, 'network.cidr', '10.10.128.0/17');
    expect(() => parseEnvironments({ dev, staging: clash, prod })).toThrow(
      'staging.network.cidr: overlaps dev.network.cidr (10.10.0.0/16)',
    );
  });

  it('fails when a name does not match its key', () => {
    expect(() => parseEnvironments({ dev, qa: staging })).toThrow('qa.name: ("staging") must match the environment\'s key "qa"');
  });

  it('collects problems from several environments', () => {
    const badDev = withChange(dev, 'account.region', 'nowhere-1');
    const badProd = withChange(prod, 'network.natMode', 'single');
    try {
      parseEnvironments({ dev: badDev, staging, prod: badProd });
      throw new Error('expected rejection');
    } catch (error) {
      const { problems } = error as EnvironmentValidationError;
      expect(problems.some((p) => p.startsWith('dev.account.region:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('prod.network.natMode:'))).toBe(true);
    }
  });
});
