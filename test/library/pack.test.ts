/**
 * SLOW (~10-20 s): builds the library, packs it with `npm pack`, installs the tarball into a fresh
 * project and runs `examples/consumer` against it, as another team would.
 *
 * No network: the tarball's dependencies and peers are `file:` links into this repository's
 * node_modules, installed with `--offline`. `--legacy-peer-deps` because npm's peer placement fails
 * on `file:` links (a crash in Arborist); the peer ranges are checked here directly instead.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
const repoModules = path.join(root, 'node_modules');
const example = path.join(root, 'examples', 'consumer');
const PACKAGE = '@mlops-platform/infrastructure';

interface PackResult {
  filename: string;
  files: { path: string }[];
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

describe('the published package (npm pack + install + example)', () => {
  let work: string;
  let project: string;
  let packed: PackResult;
  let installed: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-pack-'));
    run('npm', ['run', 'build', '--silent'], root);
    packed = (JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)) as PackResult[])[0];

    project = path.join(work, 'consumer');
    fs.mkdirSync(project);
    const ours = readJson<{ dependencies: Record<string, string>; peerDependencies: Record<string, string> }>(path.join(root, 'package.json'));
    const links = Object.fromEntries(
      [...Object.keys(ours.peerDependencies), ...Object.keys(ours.dependencies)].map((name) => [name, `file:${path.join(repoModules, name)}`]),
    );
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'pack-test-consumer', version: '0.0.0', private: true, dependencies: { [PACKAGE]: `file:${path.join(work, packed.filename)}`, ...links } }, null, 2),
    );
    run('npm', ['install', '--offline', '--ignore-scripts', '--no-package-lock', '--legacy-peer-deps'], project);
    installed = path.join(project, 'node_modules', ...PACKAGE.split('/'));

    for (const file of ['main.ts', 'tsconfig.json']) fs.copyFileSync(path.join(example, file), path.join(project, file));
    run(process.execPath, [path.join(repoModules, 'typescript', 'bin', 'tsc'), '-p', project], project);
    run(process.execPath, ['main.js'], project);
  }, 180_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('ships only compiled JavaScript, declarations, README and CHANGELOG', () => {
    const files = packed.files.map((f) => f.path);
    // The workload contract (env var, port and metric names) is data the compiled charts import.
    const data = ['lib/workloads/contract/src/platform_contract/contract.json'];
    const unexpected = files.filter((f) => !/^lib\/.+\.(js|d\.ts)$/.test(f) && !['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', ...data].includes(f));
    expect(unexpected).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['CHANGELOG.md', 'README.md', 'lib/constructs/index.js', 'lib/constructs/index.d.ts', 'lib/k8s/index.js', 'lib/environments/schema.d.ts']));
    expect(files.filter((f) => /^lib\/(stacks|tools|test|examples)\/|^lib\/main\./.test(f))).toEqual([]);
  });

  test('the repository versions of the frameworks satisfy the peer ranges', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const semver = require(path.join(repoModules, 'semver')) as { satisfies(version: string, range: string): boolean };
    const { peerDependencies } = readJson<{ peerDependencies: Record<string, string> }>(path.join(installed, 'package.json'));
    expect(Object.keys(peerDependencies)).toEqual(expect.arrayContaining(['cdktf', 'constructs', 'cdk8s', 'cdk8s-plus-28', '@cdktf/provider-aws', '@cdktf/provider-kubernetes', '@cdktf/provider-helm']));
    for (const [name, range] of Object.entries(peerDependencies)) {
      const { version } = readJson<{ version: string }>(path.join(repoModules, name, 'package.json'));
      expect(`${name}@${version} satisfies ${range}: ${semver.satisfies(version, range)}`).toMatch(/: true$/);
    }
    // The frameworks are peers: the tarball must not bring its own copies.
    expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false);
  });

  test('exposes the entry points, and nothing else', () => {
    const probe = `
      const assert = require('assert');
      const c = require('${PACKAGE}/constructs');
      for (const name of ['Network', 'PostgresDatabase', 'ContainerRegistry']) assert.strictEqual(typeof c[name], 'function', name);
      assert.strictEqual(typeof require('${PACKAGE}/k8s').WebService, 'function');
      assert.strictEqual(typeof require('${PACKAGE}/environments/schema').parseEnvironment, 'function');
      assert.strictEqual(require('${PACKAGE}/package.json').name, '${PACKAGE}');
      assert.throws(() => require('${PACKAGE}/lib/stacks/platform'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
    `;
    expect(() => run(process.execPath, ['-e', probe], project)).not.toThrow();
  });

  test('the example synthesizes Terraform JSON with the VPC, the database and the registry', () => {
    const stacks = fs.readdirSync(path.join(project, 'cdktf.out', 'stacks'));
    expect(stacks).toEqual(['recommender']);
    const tf = readJson<{ resource: Record<string, Record<string, Record<string, unknown>>> }>(
      path.join(project, 'cdktf.out', 'stacks', 'recommender', 'cdk.tf.json'),
    );
    expect(Object.keys(tf.resource.aws_vpc ?? {})).toHaveLength(1);
    const databases = Object.values(tf.resource.aws_db_instance ?? {});
    expect(databases).toHaveLength(1);
    expect(databases[0]).toMatchObject({ manage_master_user_password: true, storage_encrypted: true });
    expect(databases[0]).not.toHaveProperty('password');
    expect(Object.values(tf.resource.aws_ecr_repository ?? {})).toEqual([expect.objectContaining({ name: 'reco/recommender-api' })]);
  });

  test('the example synthesizes the WebService chart to YAML with a Deployment and an HPA', () => {
    const dir = path.join(project, 'dist', 'k8s');
    const docs = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON() as { kind?: string; spec?: Record<string, unknown> }));
    const kinds = docs.map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'HorizontalPodAutoscaler']));
    const hpa = docs.find((d) => d.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
  });
});
