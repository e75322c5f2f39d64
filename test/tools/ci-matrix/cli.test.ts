import { execFileSync } from 'child_process';
import * as path from 'path';
import { environments, shared } from '../../../environments';
import { run, USAGE, type CliIo } from '../../../tools/ci-matrix/cli';
import type { Matrix } from '../../../tools/ci-matrix/matrix';

const config = { shared, environments: Object.values(environments) };

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = run(args, config, io);
  return { code, stdout, stderr };
}

describe('ci-matrix cli', () => {
  test('--plan prints one line of matrix JSON', () => {
    const { code, stdout } = cli('--plan');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const matrix = JSON.parse(stdout) as Matrix;
    expect(matrix.include).toHaveLength(1 + 5 * Object.keys(environments).length);
  });

  test('--deploy TARGET prints that target in order', () => {
    const { code, stdout } = cli('--deploy', 'dev');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Matrix).include.map((e) => e.stack)).toEqual(['dev-network', 'dev-data', 'dev-cluster', 'dev-platform', 'dev-workloads']);
  });

  test('--environments and --targets print names in deploy order', () => {
    expect(JSON.parse(cli('--environments').stdout)).toEqual(['dev', 'staging', 'prod']);
    expect(JSON.parse(cli('--targets').stdout)).toEqual(['shared', 'dev', 'staging', 'prod']);
  });

  test('--image REPO prints the push role and repository URI', () => {
    const { code, stdout } = cli('--image', 'model-serving');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ repository: 'model-serving', roleArn: expect.stringMatching(/:role\/github-image-push$/) });
    expect(cli('--image', 'nginx').code).toBe(1);
  });

  test('--pretty indents', () => {
    expect(cli('--targets', '--pretty').stdout).toContain('\n  "shared"');
  });

  test('--help prints usage', () => {
    expect(cli('--help')).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
  });

  test.each([
    [[], /give one of --plan/],
    [['--deploy'], /--deploy needs a target/],
    [['--image', '--plan'], /--image needs an ECR repository name/],
    [['--plan', '--targets'], /exactly one of/],
    [['--bogus'], /unknown argument "--bogus"/],
  ])('exits 2 on usage error %j', (args, message) => {
    const result = cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  test('exits 1 on an unknown target', () => {
    const result = cli('--deploy', 'qa');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown deployment target "qa"/);
  });

  test('runs as workflows call it, through tools/run-ts.js', () => {
    const root = path.join(__dirname, '..', '..', '..');
    const out = execFileSync(process.execPath, ['tools/run-ts.js', 'tools/ci-matrix/cli.ts', '--targets'], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['shared', 'dev', 'staging', 'prod']);
  });
});
