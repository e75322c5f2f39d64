import * as fs from 'fs';
import * as path from 'path';
import { destroyTargets, EMULATOR_APPLY, EMULATOR_PLAN_ONLY } from '../../../tools/verify-terraform/command';
import { accountsOf, emulatorOverride, prepareWorkDir, servicesOf, SERVICE_OF, stateAccountOf } from '../../../tools/verify-terraform/emulator';
import { VerifyError, type Stack } from '../../../tools/verify-terraform/stacks';
import { realStacks, tempDir } from './helpers';

const stack = (name: string): Stack => realStacks().stacks.find((s) => s.name === name)!;
const endpointOf = (account: string): string => ({ '210987654321': 'http://127.0.0.1:4001', '111111111111': 'http://127.0.0.1:4002' })[account] ?? `unexpected ${account}`;
type Override = {
  provider: { aws: Array<Record<string, unknown> & { endpoints: Array<Record<string, string>> }> };
  terraform: { backend: Record<string, Record<string, unknown>> };
  data?: { terraform_remote_state: Record<string, { config: Record<string, unknown> }> };
};
const overrideOf = (name: string): Override => emulatorOverride(stack(name), endpointOf) as unknown as Override;

describe('emulatorOverride on the synthesized stacks', () => {
  it('knows the endpoint of every aws type every stack uses (a new type fails here, not against real AWS)', () => {
    for (const s of realStacks().stacks) expect(() => servicesOf(s)).not.toThrow();
    expect(() => servicesOf({ ...stack('dev-network'), json: { resource: { aws_glue_job: {} } } })).toThrow(new VerifyError('stack dev-network: resource type aws_glue_job has no emulator endpoint: add it to SERVICE_OF in tools/verify-terraform/emulator.ts'));
  });

  it("points every service of dev-network's provider at its account's server, with test credentials, keeping assume_role", () => {
    const [provider] = overrideOf('dev-network').provider.aws;
    expect(Object.keys(provider.endpoints[0]).sort()).toEqual(['cloudwatch', 'codebuild', 'codeconnections', 'ec2', 'iam', 'kms', 'logs', 'sns', 'sts']);
    expect(new Set(Object.values(provider.endpoints[0]))).toEqual(new Set(['http://127.0.0.1:4002']));
    expect(provider).toMatchObject({ access_key: 'verify-terraform-test', s3_use_path_style: true, skip_metadata_api_check: 'true' });
    // Not overridden: the synthesized assume_role, region and allowed_account_ids still apply.
    expect(provider).not.toHaveProperty('assume_role');
    expect(provider).not.toHaveProperty('allowed_account_ids');
    expect(provider).not.toHaveProperty('skip_requesting_account_id');
  });

  it('keeps the S3 backend (bucket, key, KMS key, lock file) and sends it to the state account', () => {
    const original = (stack('dev-data').json.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
    const backend = overrideOf('dev-data').terraform.backend.s3;
    expect(backend).toMatchObject({ ...original, use_path_style: true, endpoints: { s3: 'http://127.0.0.1:4001', sts: 'http://127.0.0.1:4001', iam: 'http://127.0.0.1:4001' } });
    expect(backend.use_lockfile).toBe(true);
  });

  it("reads dev-network's state from the emulated state bucket for the remote state of dev-data and dev-cluster", () => {
    for (const name of ['dev-data', 'dev-cluster']) {
      const remote = overrideOf(name).data!.terraform_remote_state['cross-stack-reference-input-dev-network'].config;
      expect(remote).toMatchObject({ key: 'dev-network/terraform.tfstate', bucket: 'mlops-platform-tfstate-210987654321-eu-west-1', endpoints: { s3: 'http://127.0.0.1:4001' } });
    }
  });

  it('writes the bootstrap state into the working copy, not three directories up', () => {
    expect(overrideOf('bootstrap').terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
  });

  it('emulates the two accounts the base layers touch', () => {
    expect(accountsOf(stack('bootstrap'))).toEqual(['210987654321']);
    expect(accountsOf(stack('dev-data'))).toEqual(['111111111111', '210987654321']);
    expect([...EMULATOR_APPLY, ...EMULATOR_PLAN_ONLY].every((name) => realStacks().stacks.some((s) => s.name === name))).toBe(true);
  });

  it('destroys everything but the prevent_destroy state bucket and key of bootstrap', () => {
    const { targets, protectedAddresses } = destroyTargets(stack('bootstrap'));
    expect(protectedAddresses.map((a) => a.split('.')[0])).toEqual(['aws_kms_key', 'aws_s3_bucket']);
    expect(targets).toHaveLength(7);
    expect(destroyTargets(stack('dev-network'))).toEqual({ targets: [], protectedAddresses: [] });
  });

  it('copies the synthesized JSON unchanged and puts the override beside it', () => {
    const dir = path.join(tempDir(), 'dev-network');
    prepareWorkDir(stack('dev-network'), dir, emulatorOverride(stack('dev-network'), endpointOf));
    expect(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).toBe(fs.readFileSync(stack('dev-network').file, 'utf8'));
    expect(fs.readdirSync(dir).sort()).toEqual(['cdk.tf.json', 'verify_emulator_override.tf.json']);
  });
});

describe('bad input', () => {
  it('names the stack when a state bucket does not end in the account and region', () => {
    expect(stateAccountOf('mlops-platform-tfstate-210987654321-eu-west-1', 's')).toBe('210987654321');
    expect(() => stateAccountOf('my-state', 'dev-data')).toThrow(new VerifyError('stack dev-data: state bucket "my-state" does not end in -<account id>-<region>'));
  });

  it('needs exactly one allowed account per provider to know which server it talks to', () => {
    const json = { ...stack('shared').json, provider: { aws: [{ region: 'eu-west-1' }] } };
    expect(() => emulatorOverride({ ...stack('shared'), json }, endpointOf)).toThrow(/^stack shared: provider\.aws must name exactly one allowed_account_ids entry/);
  });

  it('uses only endpoint keys of the aws provider 6.25 schema (as @cdktf/provider-aws generated them)', () => {
    const dts = fs.readFileSync(require.resolve('@cdktf/provider-aws/lib/provider/index.d.ts'), 'utf8');
    const block = dts.slice(dts.indexOf('export interface AwsProviderEndpoints {'), dts.indexOf('export declare function awsProviderEndpointsToTerraform'));
    const schemaKeys = new Set([...block.matchAll(/^\s+readonly (\w+)\?:/gm)].map((m) => m[1]));
    expect(schemaKeys.size).toBeGreaterThan(200);
    for (const key of new Set(Object.values(SERVICE_OF))) if (key !== undefined) expect({ key, known: schemaKeys.has(key) }).toEqual({ key, known: true });
  });
});
