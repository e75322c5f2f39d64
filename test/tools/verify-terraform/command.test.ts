import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { runVerify, terraformEnv, WORK_PREFIX } from '../../../tools/verify-terraform/command';
import { DEFAULT_HOST, mirrorDir, mirrorExecutable } from '../../../tools/verify-terraform/toolchain';
import { FIXTURES, outDirWith, tempDir } from './helpers';

/**
 * A stand-in `terraform` that answers as Terraform 1.11.4 did (the fixtures are its real output): init
 * succeeds, validate prints the invalid-config document for a stack with the "nope" argument, the valid one
 * otherwise. It records each call, so the test sees what the tool ran where.
 */
function fakeTerraform(): { bin: string; calls: string } {
  const bin = tempDir();
  const calls = path.join(bin, 'calls.log');
  const script = `#!/bin/bash
echo "$PWD $* TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE AWS_PROFILE=\${AWS_PROFILE:-unset}" >> ${calls}
case "$1" in
  version) echo '{"terraform_version": "1.11.4", "platform": "linux_amd64"}' ;;
  init) echo "Terraform has been successfully initialized!" ;;
  validate)
    config=$(< cdk.tf.json)
    if [[ $config == *'"nope"'* ]]; then printf '%s\\n' "$(< ${path.join(FIXTURES, 'validate-invalid.terraform-1.11.4.json')})"; exit 1; fi
    printf '%s\\n' "$(< ${path.join(FIXTURES, 'validate-valid.terraform-1.11.4.json')})" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;
  fs.writeFileSync(path.join(bin, 'terraform'), script);
  fs.chmodSync(path.join(bin, 'terraform'), 0o755);
  return { bin, calls };
}

const good = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'random-stack.main.tf.json'), 'utf8'));
const bad = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'validate-invalid.main.tf.json'), 'utf8'));

async function verify(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runVerify(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: process.cwd(), env });
  return { code, out, err };
}

/** A cache whose mirror holds random 3.7.2 for terraform (a placeholder executable: the fake never runs it). */
function cacheWithRandom(): string {
  const cache = tempDir();
  const file = mirrorExecutable(mirrorDir(cache), DEFAULT_HOST.terraform, { namespace: 'hashicorp', type: 'random', version: '3.7.2' });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, 0o755);
  return cache;
}

describe('npm run verify:terraform -- --only validate', () => {
  it("prints one line per stack, and fails with Terraform's own message and the stack's name", async () => {
    const { bin, calls } = fakeTerraform();
    const dir = outDirWith({ 'dev-data': bad, 'dev-network': good, shared: good });
    const { code, out } = await verify(['--only', 'validate', '--dir', dir], { PATH: bin, HOME: tempDir(), VERIFY_TERRAFORM_CACHE: cacheWithRandom(), AWS_PROFILE: 'prod' });
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`terraform 1.11.4 (${path.join(bin, 'terraform')}, from PATH); providers from the mirror`);
    expect(lines).toContain('  ok      hashicorp/random@3.7.2');
    expect(out).toMatch(/\n {2}FAIL {4}dev-data {5}\s*\d+\.\ds {2}error: /);
    expect(out).toContain('error: Extraneous JSON object property: No argument or block type is named "nope". (main.tf.json:1, resource.random_pet.a)\n');
    expect(out).toContain('error: Missing required argument: The argument "byte_length" is required, but no definition was found. (main.tf.json:1, resource.random_id.b)\n');
    expect(out).toMatch(/\n {2}ok {6}dev-network/);
    expect(out).toMatch(/\n {2}ok {6}shared/);
    expect(out).toContain('validate: 2 ok, 1 failed, 0 blocked');
    // Each stack in its own copy, init without a backend, the generated CLI config, no AWS profile of the caller.
    const log = fs.readFileSync(calls, 'utf8');
    expect(log).toMatch(/\/validate\/dev-data init -backend=false -input=false -no-color TF_CLI_CONFIG_FILE=\S+\/terraform\.rc AWS_PROFILE=unset/);
    expect(log).toMatch(/\/validate\/shared validate -json -no-color/);
  });

  it('passes when every stack is valid, and leaves no working directory behind', async () => {
    const { bin, calls } = fakeTerraform();
    const { code, out } = await verify(['--only', 'validate', '--dir', outDirWith({ shared: good })], { PATH: bin, HOME: tempDir(), VERIFY_TERRAFORM_CACHE: cacheWithRandom() });
    expect({ code, summary: out.trim().split('\n').pop() }).toEqual({ code: 0, summary: expect.stringMatching(/^validate: 1 ok, 0 failed, 0 blocked in /) });
    const workDir = /^(\S+)\/validate\/shared /m.exec(fs.readFileSync(calls, 'utf8'))![1];
    expect(path.basename(workDir).startsWith(WORK_PREFIX) && path.dirname(workDir) === os.tmpdir()).toBe(true);
    expect(fs.existsSync(workDir)).toBe(false);
  });

  it('reports a provider it cannot obtain as BLOCKED (exit 3) with the reason, and the stacks that need it', async () => {
    const { bin } = fakeTerraform();
    const withNull = { ...good, terraform: { required_providers: { ...good.terraform.required_providers, null: { source: 'hashicorp/null', version: '3.2.4' } } } };
    const { code, out } = await verify(['--only', 'validate', '--dir', outDirWith({ 'dev-network': withNull, shared: good })], { PATH: bin, HOME: tempDir(), VERIFY_TERRAFORM_CACHE: cacheWithRandom() });
    expect(code).toBe(3);
    expect(out).toMatch(/ {2}BLOCKED hashicorp\/null@3\.2\.4: no build recipe in tools\/verify-terraform\/versions\.ts; use --providers registry/);
    expect(out).toMatch(/ {2}BLOCKED dev-network\s+0\.0s {2}provider hashicorp\/null@3\.2\.4 not available/);
    expect(out).toMatch(/ {2}ok {6}shared/);
    expect(out).toContain('not everything could be verified here (BLOCKED above)');
  });

  it('refuses an unknown stack and missing output before running anything', async () => {
    const missing = await verify(['--dir', path.join(tempDir(), 'nothing')], { PATH: '' });
    expect(missing).toMatchObject({ code: 2, err: expect.stringMatching(/stacks does not exist: run `npm run synth` first/) });
    const unknown = await verify(['--stack', 'dev-nope', '--dir', outDirWith({ shared: good })], { PATH: '' });
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining('--stack dev-nope: no such stack') });
  });
});

describe('--toolchain-cached', () => {
  it('says what is missing without building anything (exit 3), and exit 0 once everything is there', async () => {
    const { bin, calls } = fakeTerraform();
    const dir = outDirWith({ shared: good });
    expect(await verify(['--toolchain-cached', '--dir', dir], { PATH: bin, HOME: tempDir(), VERIFY_TERRAFORM_CACHE: tempDir() })).toMatchObject({
      code: 3,
      out: expect.stringMatching(/^verify:terraform: toolchain not cached: missing provider hashicorp\/random@3\.7\.2 \(not in /),
    });
    expect(await verify(['--toolchain-cached', '--dir', dir], { PATH: bin, HOME: tempDir(), VERIFY_TERRAFORM_CACHE: cacheWithRandom() })).toMatchObject({ code: 0, out: expect.stringContaining('toolchain cached') });
    expect(fs.existsSync(calls)).toBe(false);
    expect(await verify(['--toolchain-cached', '--dir', dir], { PATH: tempDir(), HOME: tempDir(), VERIFY_TERRAFORM_CACHE: cacheWithRandom() })).toMatchObject({ code: 3, out: expect.stringContaining('a tofu or terraform (none on PATH') });
  });
});

describe('terraformEnv', () => {
  it('drops the caller\'s AWS and TF_ settings and adds the run\'s own', () => {
    const env = terraformEnv({ PATH: '/bin', AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'AKIA', TF_WORKSPACE: 'x', TF_CLI_CONFIG_FILE: '/home/.terraformrc' }, '/tmp/rc');
    expect(env).toEqual({ PATH: '/bin', TF_CLI_CONFIG_FILE: '/tmp/rc', TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' });
  });
});
