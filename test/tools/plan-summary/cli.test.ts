import { execFile } from 'child_process';
import { existsSync, mkdtempSync, promises as fs, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { main, stackNameOf, type CliIo } from '../../../tools/plan-summary/cli';
import { fixturePath, FIXTURES, generatePlan, SECRETS } from './helpers';

const REPO = path.join(__dirname, '..', '..', '..');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `main` in-process against the real file system, capturing its output. */
async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readFile: (file) => fs.readFile(file),
    exists: existsSync,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('stackNameOf', () => {
  test('drops the directory and the .json, .plan.json and .tfplan.json suffixes', () => {
    expect(stackNameOf('plans/dev-network.json')).toBe('dev-network');
    expect(stackNameOf('/tmp/prod-data.plan.json')).toBe('prod-data');
    expect(stackNameOf('staging-cluster.tfplan.json')).toBe('staging-cluster');
  });
});

describe('main', () => {
  test('prints Markdown for several plans, naming stacks after their files', async () => {
    const result = await run(fixturePath('dev-network.json'), fixturePath('dev-data.plan.json'), fixturePath('dev-workloads.tfplan.json'));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^## Terraform plan\n/);
    expect(result.stdout).toContain('### `dev-network`\n\nPlan: 1 to import, 4 to add, 3 to change, 3 to destroy.');
    expect(result.stdout).toContain('### `dev-data`\n\nPlan: 3 to add, 2 to change, 5 to destroy.');
    expect(result.stdout).toContain('### `dev-workloads`\n\nNo changes.');
    expect(result.stdout).toContain('> [!CAUTION]');
    for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);
  });

  test('takes stack names from NAME=PATH', async () => {
    const result = await run(`prod-network=${fixturePath('dev-network.json')}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('### `prod-network`');
    expect(result.stdout).not.toContain('### `dev-network`');
  });

  test('a file really named NAME=PATH is read as a path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-summary-'));
    const file = path.join(dir, 'env=dev.json');
    writeFileSync(file, JSON.stringify(generatePlan(3)));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const result = await run('env=dev.json');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('### `env=dev`');
    } finally {
      process.chdir(cwd);
    }
  });

  test('honours --title and --max-length', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-summary-'));
    const file = path.join(dir, 'prod-platform.json');
    writeFileSync(file, JSON.stringify(generatePlan(2_000)));
    const result = await run('--title', '### Plan for #42', '--max-length=10000', file);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^### Plan for #42\n/);
    expect(result.stdout.length).toBeLessThanOrEqual(10_000);
    expect(result.stdout).toContain('Plan: 667 to add, 667 to change, 666 to destroy.');
    expect(result.stdout).toMatch(/… and [\d,]+ more changes not shown; see the plan artifact\./);
  });

  test('--fingerprint prints one line with the SHA-256', async () => {
    const result = await run('--fingerprint', fixturePath('dev-network.json'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  });

  test.each([
    ['not-json.json', 'not valid JSON'],
    ['not-a-plan.json', 'not a Terraform plan: no "format_version"/"terraform_version"'],
    ['terraform.tfstate.json', 'is a Terraform state file, not a plan'],
    ['shown-state.json', 'is `terraform show -json` output of a state, not a plan'],
    ['missing.json', 'file not found'],
  ])('fails with exit 1 on %s, naming the file and the reason, and still shows the readable plans', async (name, reason) => {
    const file = path.join(FIXTURES, name);
    const result = await run(fixturePath('dev-network.json'), file);
    expect(result.code).toBe(1);
    expect(result.stderr.startsWith(`plan-summary: ${file}: ${reason}`)).toBe(true);
    expect(result.stdout).toContain('### `dev-network`\n\nPlan: 1 to import, 4 to add, 3 to change, 3 to destroy.');
    expect(result.stdout).toContain(`### \`${stackNameOf(name)}\`\n\n> [!WARNING]\n> This stack's plan could not be read: ${reason}`);
    expect(result.stdout).toMatch(new RegExp(`\\| \`${stackNameOf(name).replace('.', '\\.')}\` \\| :x: plan unreadable \\|`));
  });

  test('--fingerprint and --redact print nothing for an unreadable plan', async () => {
    for (const mode of ['--fingerprint', '--redact']) {
      const result = await run(mode, fixturePath('not-json.json'));
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toContain('not valid JSON');
    }
  });

  test('reports every bad file, not only the first', async () => {
    const result = await run(fixturePath('not-json.json'), fixturePath('terraform.tfstate.json'));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(2);
  });

  test('fails with exit 1 on a directory', async () => {
    const result = await run(FIXTURES);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${FIXTURES}: is a directory, not a plan file`);
  });

  test.each([
    [[], /no plan file given/],
    [['--frobnicate', 'a.json'], /unknown option --frobnicate/],
    [['--fingerprint', 'a.json', 'b.json'], /--fingerprint takes exactly one plan file, got 2/],
    [['--max-length', 'lots', 'a.json'], /--max-length must be an integer >= 1000, got "lots"/],
    [['--title'], /--title needs a value/],
    [['plans/dev-data.json', 'other/dev-data.json'], /two plans would both be stack "dev-data"/],
    [['-'], /reading a plan from standard input \("-"\) is not supported; write it to a file first: terraform show -json PLANFILE > STACK\.json/],
    [['dev-network=-'], /standard input \("-"\) is not supported; .* > dev-network\.json/],
    [['--', '-'], /standard input \("-"\) is not supported/],
  ])('fails with exit 2 and the usage on %j', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: npm run plan-summary --');
    expect(result.stdout).toBe('');
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--fingerprint');
  });
});

describe('the command line', () => {
  const exec = promisify(execFile);
  const cli = (...args: string[]) => exec(process.execPath, ['tools/run-ts.js', 'tools/plan-summary/cli.ts', ...args], { cwd: REPO });

  test('runs through tools/run-ts.js, printing Markdown and exiting 0, or naming a bad file and exiting 1', async () => {
    const ok = await cli(fixturePath('dev-data.plan.json'));
    expect(ok.stdout).toContain('### `dev-data`\n\nPlan: 3 to add, 2 to change, 5 to destroy.');
    expect(ok.stdout).toContain('> [!CAUTION]');

    await expect(cli(fixturePath('terraform.tfstate.json'))).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining("This stack's plan could not be read: is a Terraform state file"),
      stderr: expect.stringContaining('terraform.tfstate.json: is a Terraform state file, not a plan'),
    });
  }, 30_000);
});
