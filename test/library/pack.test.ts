/**
 * SLOW (~8 s): builds the library, packs it with `npm pack`, installs the tarball into a fresh
 * project and compiles and runs `examples/consumer` against it, as another team would.
 *
 * No network: the tarball's dependencies are `file:` links into this repository's node_modules,
 * installed with `--offline`. `--legacy-peer-deps` because npm's peer placement fails on `file:` links
 * (a crash in Arborist); the peer ranges are checked here directly instead. The peers are linked into
 * the project by this test, as npm would link them: npm would only add a second spent reading the
 * bundled dependencies of cdktf, cdk8s and cdk8s-plus-28 behind the links, and check nothing.
 *
 * Both compilations run in this process with TypeScript's API, as `tsc -p` runs them, and share the
 * parsed declaration files: through the links, the consumer's cdktf, cdk8s and providers are the very
 * files the library build parsed a moment before (1.5 s of the consumer's 2 s in a separate tsc).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
const repoModules = path.join(root, 'node_modules');
const example = path.join(root, 'examples', 'consumer');
const PACKAGE = '@mlops-platform/infrastructure';
/** What compile() below does in place of `npm run build`; a change to the script must be made there too. */
const BUILD_SCRIPT = `node -e "require('fs').rmSync('lib',{recursive:true,force:true})" && tsc -p tsconfig.build.json`;

/** What a consumer can require, run from the consumer's project. */
const PROBE = `
  const assert = require('assert');
  const c = require('${PACKAGE}/constructs');
  for (const name of ['Network', 'PostgresDatabase', 'ContainerRegistry']) assert.strictEqual(typeof c[name], 'function', name);
  assert.strictEqual(typeof require('${PACKAGE}/k8s').WebService, 'function');
  assert.strictEqual(typeof require('${PACKAGE}/environments/schema').parseEnvironment, 'function');
  assert.strictEqual(require('${PACKAGE}/package.json').name, '${PACKAGE}');
  assert.throws(() => require('${PACKAGE}/lib/stacks/platform'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
`;

interface PackResult {
  filename: string;
  files: { path: string }[];
}

interface OurPackage {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
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

/** Parsed files by name and language version, shared by the compilations of one test run. */
type SourceFileCache = Map<string, ts.SourceFile>;

/**
 * `tsc -p <config>`: the same host settings as tsc (JSDoc parsed only where types need it), every file
 * emitted, and any error fails as tsc's exit status would.
 */
function compile(config: string, cache: SourceFileCache): void {
  const fail = (diagnostics: readonly ts.Diagnostic[]) => {
    const format = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => path.dirname(config), getNewLine: () => '\n' };
    throw new Error(`tsc -p ${config} failed:\n${ts.formatDiagnostics(diagnostics, format)}`);
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) })!;
  const host = ts.createCompilerHost(parsed.options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, version, onError, shouldCreate) => {
    const key = `${fileName}\0${JSON.stringify(version)}`;
    const file = cache.get(key) ?? parse(fileName, version, onError, shouldCreate);
    if (file) cache.set(key, file);
    return file;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences, host, configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed) });
  // tsc's order: types are checked only when the syntax and options are sound; the emit reports declaration errors.
  const diagnostics = [...program.getConfigFileParsingDiagnostics()];
  const syntactic = program.getSyntacticDiagnostics();
  diagnostics.push(...syntactic);
  if (syntactic.length === 0) {
    const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
    diagnostics.push(...global);
    if (global.length === 0) diagnostics.push(...program.getSemanticDiagnostics());
  }
  diagnostics.push(...program.emit().diagnostics);
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) fail(errors);
}

describe('the published package (npm pack + install + example)', () => {
  let work: string;
  let project: string;
  let packed: PackResult;
  let installed: string;
  /** What the probe threw, '' when nothing. */
  let probeError: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-pack-'));
    const ours = readJson<OurPackage>(path.join(root, 'package.json'));
    if (ours.scripts.build !== BUILD_SCRIPT) throw new Error(`package.json's build script is now ${ours.scripts.build}; this test builds with ${BUILD_SCRIPT}`);
    const cache: SourceFileCache = new Map();
    fs.rmSync(path.join(root, 'lib'), { recursive: true, force: true });
    compile(path.join(root, 'tsconfig.build.json'), cache);
    packed = (JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)) as PackResult[])[0];

    project = path.join(work, 'consumer');
    fs.mkdirSync(project);
    const link = (name: string) => `file:${path.join(repoModules, name)}`;
    const dependencies = Object.fromEntries(Object.keys(ours.dependencies).map((name) => [name, link(name)]));
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'pack-test-consumer', version: '0.0.0', private: true, dependencies: { [PACKAGE]: `file:${path.join(work, packed.filename)}`, ...dependencies } }, null, 2),
    );
    run('npm', ['install', '--offline', '--ignore-scripts', '--no-package-lock', '--legacy-peer-deps'], project);
    installed = path.join(project, 'node_modules', ...PACKAGE.split('/'));
    // The links npm would make for `file:` peers, made after the install (npm removes what it did not install).
    for (const name of Object.keys(ours.peerDependencies)) {
      const at = path.join(project, 'node_modules', name);
      fs.mkdirSync(path.dirname(at), { recursive: true });
      fs.symlinkSync(path.relative(path.dirname(at), path.join(repoModules, name)), at);
    }

    for (const file of ['main.ts', 'tsconfig.json']) fs.copyFileSync(path.join(example, file), path.join(project, file));
    compile(path.join(project, 'tsconfig.json'), cache);
    // The probe and the example in one process: each would spend most of a second loading the frameworks.
    // The probe runs first, before main.js has loaded anything, and what it throws is kept for its test.
    const probeErrorFile = path.join(work, 'probe-error.txt');
    const probeThenMain = `try {${PROBE}} catch (error) { require('fs').writeFileSync(${JSON.stringify(probeErrorFile)}, String(error && error.stack || error)); }\nrequire('./main.js');`;
    fs.writeFileSync(probeErrorFile, '');
    run(process.execPath, ['-e', probeThenMain], project);
    probeError = fs.readFileSync(probeErrorFile, 'utf8');
  }, 180_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('ships only compiled JavaScript, declarations, the workloads contract, README and CHANGELOG', () => {
    const files = packed.files.map((f) => f.path);
    // The workloads contract is JSON that k8s/contract.ts imports: the one data file the library needs.
    const data = ['lib/workloads/contract/src/platform_contract/contract.json'];
    const unexpected = files.filter((f) => !/^lib\/.+\.(js|d\.ts)$/.test(f) && ![...data, 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(f));
    expect(unexpected).toEqual([]);
    expect(files).toEqual(expect.arrayContaining([...data, 'CHANGELOG.md', 'README.md', 'lib/constructs/index.js', 'lib/constructs/index.d.ts', 'lib/k8s/index.js', 'lib/environments/schema.d.ts']));
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
    expect(probeError).toBe('');
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
