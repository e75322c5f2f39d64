import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCostArgs, runCost } from '../../../tools/cost/command';
import { AS_OF, FIXTURE_DIR, FIXTURE_K8S } from './helpers';

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCost(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), today: () => AS_OF });
  return { code, stdout, stderr };
}

const fixtureArgs = ['--dir', FIXTURE_DIR, '--k8s-dir', FIXTURE_K8S];

describe('parseCostArgs', () => {
  test('defaults', () => {
    expect(parseCostArgs([])).toEqual({ format: 'text', dir: 'cdktf.out', k8sDir: path.join('dist', 'k8s'), help: false });
  });

  test('every flag, with a space or =', () => {
    expect(parseCostArgs(['--env', 'dev', '--format=json', '--compare', 'base.json', '--dir', 'out', '--k8s-dir=k', '--as-of', '2026-12-03'])).toEqual({
      env: 'dev',
      format: 'json',
      compare: 'base.json',
      dir: 'out',
      k8sDir: 'k',
      asOf: '2026-12-03',
      help: false,
    });
  });

  test('fails on a bad format, a missing value or an unknown flag', () => {
    expect(parseCostArgs(['--format', 'csv'])).toMatch(/--format must be one of text, markdown, json/);
    expect(parseCostArgs(['--env'])).toBe('--env needs a value');
    expect(parseCostArgs(['--as-of', 'tomorrow'])).toMatch(/--as-of must be a date/);
    expect(parseCostArgs(['--verbose'])).toBe('unknown argument "--verbose"');
  });
});

describe('runCost', () => {
  test('text: per-environment and per-stack figures and a grand total', () => {
    const { code, stdout } = run(fixtureArgs);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^dev \(eu-west-1\): \$[\d,]+\.\d\d\/month$/m);
    expect(stdout).toMatch(/^ {2}dev-cluster: \$[\d,]+\.\d\d$/m);
    expect(stdout).toMatch(/aws_eks_node_group +EC2 c7g\.2xlarge spot +1 +730 h/);
    expect(stdout).toMatch(/^Grand total: \$1,621\.76\/month$/m);
    expect(stdout).toContain('Assumptions (tools/cost/assumptions.ts):');
  });

  test('markdown for the PR comment', () => {
    const { code, stdout } = run([...fixtureArgs, '--format', 'markdown', '--env', 'prod']);
    expect(code).toBe(0);
    expect(stdout).toContain('| Environment | Monthly |');
    expect(stdout).toMatch(/\| prod-data \| `aws_db_instance` \| RDS db\.r7g\.xlarge \(Multi-AZ\) \| 2 \| 1,460 h \| \$0\.556\/h \| \$811\.76 \|/);
    expect(stdout).not.toContain('dev-cluster');
  });

  test('json round-trips through --compare, which adds deltas and flags new and removed environments', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-compare-'));
    try {
      const first = run([...fixtureArgs, '--format', 'json']);
      expect(first.code).toBe(0);
      const json = JSON.parse(first.stdout);
      expect(json).toMatchObject({ schemaVersion: 1, currency: 'USD', monthly: 1621.76 });
      // The base had no `shared`, a cheaper dev and an environment since deleted.
      json.environments = json.environments.filter((e: { name: string }) => e.name !== 'shared');
      json.environments.find((e: { name: string }) => e.name === 'dev').monthly -= 50;
      json.environments.push({ name: 'legacy', monthly: 10 });
      const base = path.join(dir, 'base.json');
      fs.writeFileSync(base, JSON.stringify(json));

      const compared = run([...fixtureArgs, '--format', 'json', '--compare', base]);
      const deltas = Object.fromEntries(JSON.parse(compared.stdout).comparison.environments.map((d: { name: string }) => [d.name, d]));
      expect(deltas.dev).toMatchObject({ status: 'changed', delta: 50 });
      expect(deltas.prod).toMatchObject({ status: 'unchanged', delta: 0 });
      expect(deltas.shared).toMatchObject({ status: 'new', delta: 1 });
      expect(deltas.legacy).toMatchObject({ status: 'removed', delta: -10 });

      const text = run([...fixtureArgs, '--compare', base]).stdout;
      expect(text).toMatch(/^dev \(eu-west-1\): \$[\d,.]+\/month {2}\[\+\$50\.00 vs base\]$/m);
      expect(text).toMatch(/^legacy: removed \(was \$10\.00\/month\)$/m);
      expect(text).toMatch(/Grand total: \$1,621\.76\/month \(\+\$41\.00 vs base \$1,580\.76\)/);
      const markdown = run([...fixtureArgs, '--format', 'markdown', '--compare', base]).stdout;
      expect(markdown).toContain('| shared | $1.00 | - | new (+$1.00) |');
      expect(markdown).toContain('| legacy | - | $10.00 | removed (-$10.00) |');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exit 1 naming the resource when an instance type has no price', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-unknown-'));
    try {
      fs.mkdirSync(path.join(dir, 'stacks', 'dev-cluster'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'stacks', 'dev-cluster', 'cdk.tf.json'),
        JSON.stringify({ provider: { aws: [{ region: 'eu-west-1' }] }, resource: { aws_instance: { Bastion: { instance_type: 'zz9.plural' } } } }),
      );
      const { code, stdout, stderr } = run(['--dir', dir, '--k8s-dir', path.join(dir, 'none')]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain('dev-cluster: aws_instance.Bastion: instance type "zz9.plural" has no eu-west-1 price in tools/cost/prices.ts');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exit 1 when nothing was synthesized, exit 2 on bad arguments', () => {
    expect(run(['--dir', path.join(os.tmpdir(), 'no-such-cdktf-out')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/run `npm run synth` first/) });
    expect(run(['--format', 'xml'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: npm run cost/) });
    expect(run([...fixtureArgs, '--compare', path.join(os.tmpdir(), 'missing-base.json')]).code).toBe(1);
  });
});
