import * as fs from 'fs';
import * as path from 'path';
import { allPins, loadStacks, pinKey, providerPins, VerifyError, type Stack } from '../../../tools/verify-terraform/stacks';
import { outDirWith, realStacks, tempDir } from './helpers';

const stackWith = (requiredProviders: unknown): Stack => ({ name: 'dev-x', dir: '', file: '', json: { terraform: { required_providers: requiredProviders } } });

describe('providerPins', () => {
  it('reads a short source as hashicorp/<type> and keeps the exact version', () => {
    expect(providerPins(stackWith({ aws: { source: 'aws', version: '6.25.0' }, random: { source: 'hashicorp/random', version: '3.7.2' } }))).toEqual([
      { namespace: 'hashicorp', type: 'aws', version: '6.25.0' },
      { namespace: 'hashicorp', type: 'random', version: '3.7.2' },
    ]);
    expect(providerPins(stackWith({ k: { source: 'registry.terraform.io/hashicorp/kubernetes', version: '2.38.0' } }))).toEqual([{ namespace: 'hashicorp', type: 'kubernetes', version: '2.38.0' }]);
  });

  it('fails on a version range, naming the stack and the provider', () => {
    expect(() => providerPins(stackWith({ aws: { source: 'aws', version: '~> 6.0' } }))).toThrow(
      new VerifyError('stack dev-x: terraform.required_providers.aws.version must be an exact release such as 6.25.0 (got "~> 6.0")'),
    );
    expect(() => providerPins(stackWith({ aws: { source: 'a/b/c/d', version: '1.0.0' } }))).toThrow(/source "a\/b\/c\/d" is not a provider address/);
  });

  it('finds the pins of the real stacks: aws 6.25.0 everywhere, helm/kubernetes/random where used', () => {
    const pins = allPins(realStacks().stacks).map(pinKey);
    expect(pins).toEqual(['hashicorp/aws@6.25.0', 'hashicorp/helm@3.1.1', 'hashicorp/kubernetes@2.38.0', 'hashicorp/random@3.7.2']);
  });
});

describe('loadStacks', () => {
  it('lists 17 stacks for the three environments, sorted', () => {
    const names = realStacks().stacks.map((s) => s.name);
    expect(names).toHaveLength(17);
    expect(names.slice(0, 3)).toEqual(['bootstrap', 'dev-cluster', 'dev-data']);
  });

  it('says to synthesize when there is no output, and names a broken file', () => {
    const empty = tempDir();
    expect(() => loadStacks(empty)).toThrow(`${path.join(empty, 'stacks')} does not exist: run \`npm run synth\` first`);
    const dir = outDirWith({ shared: {} });
    fs.writeFileSync(path.join(dir, 'stacks', 'shared', 'cdk.tf.json'), '{"terraform": ');
    expect(() => loadStacks(dir)).toThrow(/^stack shared: .*cdk\.tf\.json is not valid JSON/);
  });
});
