/** `npm run verify:terraform`: the run itself, returning an exit code (cli.ts sets it). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseVerifyArgs, VERIFY_USAGE, type VerifyArgs } from './args';
import { describe, parseValidate, textErrors, uiMessages } from './diagnostics';
import { accountsOf, emulatorOverride, prepareWorkDir, startMoto, type Emulator } from './emulator';
import { mapLimited, run, type RunResult } from './process';
import { missingActions, record, recordKept, tallyLines, type Phase, type Tallies } from './results';
import { allPins, loadStacks, pinKey, providerPins, VerifyError, type ProviderPin, type Stack } from './stacks';
import {
  cacheRoot,
  findBinary,
  goBuild,
  goModDownload,
  inMirror,
  mirrorCliConfig,
  mirrorDir,
  mirrorExecutable,
  DEFAULT_HOST,
  findInMirrors,
  otherMirrors,
  onPath,
  openTofuPath,
  parseModDownload,
  providerLdflags,
  publishToMirror,
  recipeFor,
  pluginCacheCliConfig,
  type BuildStep,
  type TerraformBinary,
} from './toolchain';
import { OPENTOFU, PROVIDER_UNAVAILABLE, UV_VERSION } from './versions';

export interface VerifyIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Prefix of the temporary working directory of a run (removed at the end unless --keep). */
export const WORK_PREFIX = 'verify-terraform-run-';

export const EXIT = { ok: 0, failed: 1, usage: 2, blocked: 3 } as const;

/** The base layers the emulator applies (in this order, destroyed in reverse) and the one it only plans. */
export const EMULATOR_APPLY = ['bootstrap', 'shared', 'dev-network', 'dev-data'] as const;
export const EMULATOR_PLAN_ONLY = ['dev-cluster'] as const;

const MINUTE = 60;

/** The environment every Terraform run gets: no AWS or TF_ settings of the caller leak in. */
export function terraformEnv(base: NodeJS.ProcessEnv, cliConfig: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('AWS_') && !key.startsWith('TF_')) env[key] = value;
  return { ...env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', ...extra };
}

const seconds = (s: number): string => (s >= 100 ? `${Math.round(s)}s` : `${s.toFixed(1)}s`);
const commandLine = (step: BuildStep): string => `${step.cwd ? `(cd ${step.cwd} && ` : ''}${Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v} `).join('')}${step.command} ${step.args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}${step.cwd ? ')' : ''}`;

/** First error lines of a failed command, for a one-line report. */
function failureText(result: RunResult): string {
  // `go mod download -json` reports a refused module in its JSON's Error field.
  const goError = /"Error":\s*"((?:[^"\\]|\\.)*)"/.exec(result.stdout)?.[1];
  if (goError) return JSON.parse(`"${goError}"`).replace(/\s+/g, ' ');
  const errors = textErrors(`${result.stderr}\n${result.stdout}`);
  if (errors.length > 0) return errors.map((e) => describe(e)).join(' | ');
  const text = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-5).join(' ').replace(/\s+/g, ' ');
  return text === '' ? `exit ${result.code}` : text.slice(0, 600);
}

class Runner {
  readonly cache: string;
  readonly logDir: string;
  constructor(
    readonly args: VerifyArgs,
    readonly io: VerifyIo,
  ) {
    this.cache = cacheRoot(io.env);
    this.logDir = path.join(this.cache, 'build-logs');
  }

  say(line: string): void {
    this.io.stdout(`${line}\n`);
  }

  /** Runs a build step with `nice` (the machine is shared), logging to the cache; throws on failure. */
  async build(step: BuildStep, log: string): Promise<RunResult> {
    fs.mkdirSync(this.logDir, { recursive: true });
    const nice = onPath('nice', this.io.env.PATH);
    const [command, args] = nice ? [nice, ['-n', '10', step.command, ...step.args]] : [step.command, [...step.args]];
    const result = await run(command, args, { cwd: step.cwd, env: { ...this.io.env, ...step.env }, timeoutSeconds: 120 * MINUTE });
    fs.appendFileSync(path.join(this.logDir, log), `$ ${commandLine(step)}\n${result.stdout}${result.stderr}\nexit ${result.code} after ${seconds(result.seconds)}\n`);
    if (result.code !== 0) throw new VerifyError(`\`${commandLine(step)}\` failed: ${failureText(result)}`);
    return result;
  }

  /** The Terraform binary: found, or OpenTofu built from its Go module into the cache (once). */
  async binary(): Promise<TerraformBinary | string> {
    const found = findBinary(this.io.env, this.cache);
    if (found) return found;
    if (!onPath('go', this.io.env.PATH)) return `no tofu or terraform on PATH, none built in ${openTofuPath(this.cache)}, and no go to build OpenTofu ${OPENTOFU.version} with`;
    this.say(`building OpenTofu ${OPENTOFU.version} from its Go module into ${openTofuPath(this.cache)} (once; ~13 min on 2 shared cores)`);
    try {
      const download = await this.build(goModDownload(OPENTOFU.module, OPENTOFU.version), 'opentofu.log');
      const dir = parseModDownload(download.stdout, OPENTOFU.module);
      const output = openTofuPath(this.cache);
      fs.mkdirSync(path.dirname(output), { recursive: true });
      const built = await this.build(goBuild(dir, OPENTOFU.package, OPENTOFU.ldflags, output), 'opentofu.log');
      this.say(`  built in ${seconds(built.seconds)}`);
      return { path: output, flavour: 'tofu', origin: 'cache' };
    } catch (error) {
      if (error instanceof VerifyError) return error.message;
      throw error;
    }
  }

  /** One provider into the mirror: already there, or built from its Go module; else why not. */
  async provider(pin: ProviderPin, binary: TerraformBinary): Promise<string | undefined> {
    const mirror = mirrorDir(this.cache);
    if (inMirror(mirror, pin, binary.flavour)) return undefined;
    // Built for the other CLI already: only the second host's link is missing.
    const other = mirrorExecutable(mirror, DEFAULT_HOST[binary.flavour === 'tofu' ? 'terraform' : 'tofu'], pin);
    if (fs.existsSync(other)) {
      publishToMirror(mirror, pin, other);
      return undefined;
    }
    const elsewhere = findInMirrors(otherMirrors(this.io.env), pin);
    if (elsewhere) {
      publishToMirror(mirror, pin, elsewhere);
      this.say(`  linked ${pinKey(pin)} from ${elsewhere}`);
      return undefined;
    }
    const recipe = recipeFor(pin);
    if (!recipe) {
      const why = PROVIDER_UNAVAILABLE[pinKey(pin)];
      return `no build recipe in tools/verify-terraform/versions.ts${why ? ` (${why})` : ''}; use --providers registry, or put terraform-provider-${pin.type}_v${pin.version} in ${path.dirname(mirrorExecutable(mirror, DEFAULT_HOST[binary.flavour], pin))}`;
    }
    if (!onPath('go', this.io.env.PATH)) return 'not in the mirror, and no go on PATH to build it';
    this.say(`  building ${pinKey(pin)} from ${recipe.module}@${recipe.pseudoVersion} (tag ${recipe.tag})`);
    try {
      const download = await this.build(goModDownload(recipe.module, recipe.pseudoVersion), `provider-${pin.type}.log`);
      const dir = parseModDownload(download.stdout, recipe.module);
      const output = mirrorExecutable(mirror, DEFAULT_HOST.terraform, pin);
      fs.mkdirSync(path.dirname(output), { recursive: true });
      const built = await this.build(goBuild(dir, '.', providerLdflags(pin, recipe), output), `provider-${pin.type}.log`);
      publishToMirror(mirror, pin, output);
      this.say(`  built ${pinKey(pin)} in ${seconds(built.seconds)}`);
      return undefined;
    } catch (error) {
      if (error instanceof VerifyError) return error.message;
      throw error;
    }
  }

  async terraform(binary: TerraformBinary, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMinutes = 20): Promise<RunResult> {
    return run(binary.path, args, { cwd, env, timeoutSeconds: timeoutMinutes * MINUTE });
  }
}

interface Providers {
  readonly cliConfig: string;
  readonly blocked: Map<string, string>;
}

async function obtainProviders(runner: Runner, pins: readonly ProviderPin[], binary: TerraformBinary, work: string): Promise<Providers> {
  const blocked = new Map<string, string>();
  const cliConfig = path.join(work, 'terraform.rc');
  const pluginCache = path.join(runner.cache, `plugin-cache-${runner.args.providers}`);
  fs.mkdirSync(pluginCache, { recursive: true });
  const cacheLines = pluginCacheCliConfig(pluginCache);
  if (runner.args.providers === 'mirror') {
    for (const pin of pins) {
      const reason = await runner.provider(pin, binary);
      runner.say(`  ${reason ? 'BLOCKED' : 'ok     '} ${pinKey(pin)}${reason ? `: ${reason}` : ''}`);
      if (reason) blocked.set(pinKey(pin), reason);
    }
    fs.writeFileSync(cliConfig, `${cacheLines}${mirrorCliConfig(mirrorDir(runner.cache))}`);
    return { cliConfig, blocked };
  }
  fs.writeFileSync(cliConfig, cacheLines);
  // Warm the plugin cache with every pin in one serial init (concurrent first writes are not safe).
  const warm = path.join(work, 'warm-plugin-cache');
  fs.mkdirSync(warm, { recursive: true });
  const requiredProviders = Object.fromEntries(pins.map((pin) => [pin.type, { source: `${pin.namespace}/${pin.type}`, version: pin.version }]));
  fs.writeFileSync(path.join(warm, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: requiredProviders } }));
  const result = await runner.terraform(binary, ['init', '-backend=false', '-input=false', '-no-color'], warm, terraformEnv(runner.io.env, cliConfig), 30);
  for (const pin of pins) {
    runner.say(`  ${result.code === 0 ? 'ok     ' : 'BLOCKED'} ${pinKey(pin)} from the registry`);
    if (result.code !== 0) blocked.set(pinKey(pin), `registry download failed: ${failureText(result)}`);
  }
  return { cliConfig, blocked };
}

interface StackVerdict {
  readonly stack: string;
  readonly status: 'ok' | 'FAIL' | 'BLOCKED';
  readonly lines: string[];
  readonly seconds: number;
}

/** `init -backend=false` and `validate` of one stack in a copy of its directory. */
async function validateStack(runner: Runner, binary: TerraformBinary, stack: Stack, env: NodeJS.ProcessEnv, work: string, blocked: Map<string, string>): Promise<StackVerdict> {
  const missing = providerPins(stack).filter((pin) => blocked.has(pinKey(pin)));
  if (missing.length > 0) return { stack: stack.name, status: 'BLOCKED', lines: [`provider ${missing.map(pinKey).join(', ')} not available`], seconds: 0 };
  const dir = path.join(work, 'validate', stack.name);
  prepareWorkDir(stack, dir, undefined);
  const init = await runner.terraform(binary, ['init', '-backend=false', '-input=false', '-no-color'], dir, env, 15);
  if (init.code !== 0) return { stack: stack.name, status: 'FAIL', lines: [`init: ${failureText(init)}`], seconds: init.seconds };
  const validate = await runner.terraform(binary, ['validate', '-json', '-no-color'], dir, env, 15);
  const parsed = parseValidate(validate.stdout);
  const total = init.seconds + validate.seconds;
  if (!parsed) return { stack: stack.name, status: 'FAIL', lines: [`validate: ${failureText(validate)}`], seconds: total };
  const lines = parsed.diagnostics.map((d) => `${d.severity}: ${describe(d)}`);
  return { stack: stack.name, status: parsed.valid && validate.code === 0 ? 'ok' : 'FAIL', lines, seconds: total };
}

async function validateAll(runner: Runner, binary: TerraformBinary, stacks: readonly Stack[], providers: Providers, work: string): Promise<StackVerdict[]> {
  const env = terraformEnv(runner.io.env, providers.cliConfig);
  const started = Date.now();
  runner.say(`validate: ${stacks.length} stacks, ${runner.args.jobs} at a time`);
  const width = Math.max(...stacks.map((s) => s.name.length));
  const verdicts = await mapLimited(stacks, runner.args.jobs, async (stack) => {
    const verdict = await validateStack(runner, binary, stack, env, work, providers.blocked);
    runner.say(`  ${verdict.status.padEnd(7)} ${stack.name.padEnd(width)}  ${seconds(verdict.seconds).padStart(6)}${verdict.lines.length ? `  ${verdict.lines[0]}` : ''}`);
    for (const line of verdict.lines.slice(1)) runner.say(`          ${' '.repeat(width)}          ${line}`);
    return verdict;
  });
  const count = (status: StackVerdict['status']) => verdicts.filter((v) => v.status === status).length;
  runner.say(`validate: ${count('ok')} ok, ${count('FAIL')} failed, ${count('BLOCKED')} blocked in ${seconds((Date.now() - started) / 1000)}`);
  return verdicts;
}

/** Destroy arguments: everything, or every resource but the prevent_destroy ones (the state bucket and key). */
export function destroyTargets(stack: Stack): { targets: string[]; protectedAddresses: string[] } {
  const resources = stack.json.resource;
  const targets: string[] = [];
  const protectedAddresses: string[] = [];
  if (resources && typeof resources === 'object') {
    for (const [type, byName] of Object.entries(resources as Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>>)) {
      for (const [name, body] of Object.entries(byName)) (body?.lifecycle?.prevent_destroy === true ? protectedAddresses : targets).push(`${type}.${name}`);
    }
  }
  return protectedAddresses.length === 0 ? { targets: [], protectedAddresses } : { targets: targets.sort(), protectedAddresses: protectedAddresses.sort() };
}

interface EmulatorStack {
  readonly stack: Stack;
  readonly dir: string;
  readonly tallies: Tallies;
  readonly phases: Phase[];
  failures: number;
  gaps: number;
}

async function emulatorRun(runner: Runner, binary: TerraformBinary, stacks: readonly Stack[], providers: Providers, work: string): Promise<'ok' | 'failed' | 'blocked'> {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const wanted = [...EMULATOR_APPLY, ...EMULATOR_PLAN_ONLY];
  const absent = wanted.filter((name) => !byName.has(name));
  if (absent.length > 0) throw new VerifyError(`emulator: stacks ${absent.join(', ')} are not in ${runner.args.dir}/stacks`);
  const blockedPins = wanted.flatMap((name) => providerPins(byName.get(name)!).filter((pin) => providers.blocked.has(pinKey(pin))).map(pinKey));
  if (blockedPins.length > 0) {
    runner.say(`emulator: BLOCKED, provider ${[...new Set(blockedPins)].join(', ')} not available`);
    return 'blocked';
  }
  const moto = await motoServer(runner);
  if ('blocked' in moto) {
    runner.say(`emulator: BLOCKED, the moto environment could not be set up: ${moto.blocked}`);
    return 'blocked';
  }
  const accounts = [...new Set(wanted.flatMap((name) => accountsOf(byName.get(name)!)))].sort();
  const servers = new Map<string, Emulator>();
  const stopAll = (): void => servers.forEach((server) => server.stop());
  const stopOnSignal = (): void => {
    stopAll();
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const started = Date.now();
  const runs: EmulatorStack[] = [];
  const logs = accounts.map((account) => path.join(work, `moto-${account}.log`));
  const motoLog = (): string => logs.filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file, 'utf8')).join('\n');
  try {
    for (const [i, account] of accounts.entries()) servers.set(account, await startMoto(moto.server, account, logs[i]));
    const endpointOf = (account: string): string => servers.get(account)!.endpoint;
    runner.say(`emulator: moto (tools/verify-terraform/emulator/uv.lock), one server per account: ${accounts.map((a) => `${a} on ${endpointOf(a)}`).join(', ')}`);
    // Credentials and config files of the caller are never read: only the override's test keys exist.
    const env = terraformEnv(runner.io.env, providers.cliConfig, {
      AWS_CONFIG_FILE: path.join(work, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const phase = async (run: EmulatorStack, which: Phase, args: string[]): Promise<boolean> => {
      const result = await runner.terraform(binary, args, run.dir, env, 30);
      // Kept with --keep, for reading the whole stream.
      fs.writeFileSync(path.join(run.dir, `${which}.jsonl`), result.stdout);
      const lines = record(run.tallies, which, uiMessages(result.stdout), missingActions(motoLog()));
      run.phases.push(which);
      const gaps = lines.filter((l) => l.includes('emulator lacks')).length;
      run.gaps += gaps;
      // A failed phase counts its real errors; one whose only errors are emulator gaps counts none.
      if (result.code !== 0) run.failures += lines.length > gaps ? lines.length - gaps : gaps > 0 ? 0 : 1;
      const errors = lines.length > 0 ? lines : result.code !== 0 ? [`${which}: ${failureText(result)}`] : [];
      runner.say(`  ${result.code === 0 ? 'ok  ' : 'FAIL'} ${run.stack.name} ${which} ${seconds(result.seconds)}`);
      for (const line of errors) runner.say(`         ${line}`);
      return result.code === 0;
    };
    for (const name of wanted) {
      const stack = byName.get(name)!;
      const dir = path.join(work, 'emulator', name);
      prepareWorkDir(stack, dir, emulatorOverride(stack, endpointOf));
      const current: EmulatorStack = { stack, dir, tallies: new Map(), phases: [], failures: 0, gaps: 0 };
      runs.push(current);
      const init = await runner.terraform(binary, ['init', '-input=false', '-no-color'], dir, env, 15);
      runner.say(`  ${init.code === 0 ? 'ok  ' : 'FAIL'} ${name} init ${seconds(init.seconds)}${init.code === 0 ? '' : `: ${failureText(init)}`}`);
      if (init.code !== 0) {
        current.failures++;
        continue;
      }
      if (!(await phase(current, 'plan', ['plan', '-json', '-input=false', '-no-color', '-out=tfplan']))) continue;
      if ((EMULATOR_APPLY as readonly string[]).includes(name)) await phase(current, 'apply', ['apply', '-json', '-input=false', '-no-color', 'tfplan']);
    }
    for (const current of [...runs].reverse()) {
      if (!current.phases.includes('apply')) continue;
      const { targets, protectedAddresses } = destroyTargets(current.stack);
      if (protectedAddresses.length > 0) {
        runner.say(`  note ${current.stack.name}: ${protectedAddresses.join(', ')} have prevent_destroy: destroy targets the rest, they go when the emulator stops`);
        recordKept(current.tallies, protectedAddresses);
      }
      await phase(current, 'destroy', ['destroy', '-json', '-auto-approve', '-input=false', '-no-color', ...targets.map((t) => `-target=${t}`)]);
    }
  } finally {
    stopAll();
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
  }
  runner.say(`emulator: results per resource type`);
  for (const current of runs) {
    runner.say(`  ${current.stack.name}`);
    for (const line of tallyLines(current.tallies, current.phases)) runner.say(line);
  }
  const failures = runs.reduce((n, r) => n + r.failures, 0);
  const gaps = runs.reduce((n, r) => n + r.gaps, 0);
  runner.say(`emulator: ${failures} failure(s), ${gaps} emulator gap(s) in ${seconds((Date.now() - started) / 1000)}; moto stopped`);
  return failures > 0 ? 'failed' : 'ok';
}

/** The moto_server of the locked environment, synced with uv into the cache, or why it cannot be had. */
async function motoServer(runner: Runner): Promise<{ server: string } | { blocked: string }> {
  const project = path.join(__dirname, 'emulator');
  const venv = path.join(path.dirname(runner.cache), 'verify-terraform', 'moto-venv');
  const uvHome = path.join(path.dirname(runner.cache), 'uv', UV_VERSION);
  try {
    let uv = onPath('uv', runner.io.env.PATH) ?? (fs.existsSync(path.join(uvHome, 'bin', 'uv')) ? path.join(uvHome, 'bin', 'uv') : undefined);
    if (!uv) {
      const python = onPath('python3', runner.io.env.PATH);
      if (!python) return { blocked: `no uv and no python3 to install uv ${UV_VERSION} with` };
      // In its own venv: a system Python may refuse pip installs (PEP 668).
      await runner.build({ what: 'create a venv for uv', command: python, args: ['-m', 'venv', uvHome] }, 'uv.log');
      await runner.build({ what: `install uv ${UV_VERSION}`, command: path.join(uvHome, 'bin', 'pip'), args: ['install', '--quiet', `uv==${UV_VERSION}`] }, 'uv.log');
      uv = path.join(uvHome, 'bin', 'uv');
    }
    await runner.build({ what: 'sync the moto environment', command: uv, args: ['sync', '--frozen', '--no-install-project', '--project', project], env: { UV_PROJECT_ENVIRONMENT: venv } }, 'moto-env.log');
  } catch (error) {
    if (error instanceof VerifyError) return { blocked: error.message };
    throw error;
  }
  return { server: path.join(venv, 'bin', 'python') };
}

/** `--toolchain-cached`: is everything here already, without building or downloading anything? */
function toolchainCached(runner: Runner, pins: readonly ProviderPin[]): number {
  const binary = findBinary(runner.io.env, runner.cache);
  const mirror = mirrorDir(runner.cache);
  const missing = [
    ...(binary ? [] : [`a tofu or terraform (none on PATH, none built in ${openTofuPath(runner.cache)})`]),
    ...pins
      .filter((pin) => !(binary && inMirror(mirror, pin, binary.flavour)) && !findInMirrors([mirror, ...otherMirrors(runner.io.env)], pin))
      .map((pin) => `provider ${pinKey(pin)} (not in ${mirror} nor another mirror)`),
  ];
  if (missing.length === 0) {
    runner.say(`verify:terraform: toolchain cached (${binary!.path}; ${pins.map(pinKey).join(', ')})`);
    return EXIT.ok;
  }
  runner.say(`verify:terraform: toolchain not cached: missing ${missing.join('; ')}`);
  return EXIT.blocked;
}

export async function runVerify(argv: readonly string[], io: VerifyIo): Promise<number> {
  const args = parseVerifyArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`verify:terraform: ${args}\n${VERIFY_USAGE}`);
    return EXIT.usage;
  }
  if (args.help) {
    io.stdout(VERIFY_USAGE);
    return EXIT.ok;
  }
  const runner = new Runner(args, io);
  let stacks: Stack[];
  let pins: ProviderPin[];
  try {
    stacks = loadStacks(path.resolve(io.cwd, args.dir));
    const unknown = args.stacks.filter((name) => !stacks.some((s) => s.name === name));
    if (unknown.length > 0) throw new VerifyError(`--stack ${unknown.join(', ')}: no such stack in ${args.dir}/stacks`);
    pins = allPins(stacks);
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    io.stderr(`verify:terraform: ${error.message}\n`);
    return EXIT.usage;
  }
  if (args.toolchainCached) return toolchainCached(runner, pins);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), WORK_PREFIX));
  try {
    const binary = await runner.binary();
    if (typeof binary === 'string') {
      runner.say(`BLOCKED: ${binary}`);
      return EXIT.blocked;
    }
    const version = await run(binary.path, ['version', '-json'], { env: terraformEnv(io.env, '/dev/null'), timeoutSeconds: 60 });
    const reported = /"terraform_version":\s*"([^"]+)"/.exec(version.stdout)?.[1] ?? 'unknown version';
    runner.say(`${binary.flavour} ${reported} (${binary.path}, from ${binary.origin}); providers from the ${args.providers}`);
    const providers = await obtainProviders(runner, pins, binary, work);
    let failed = false;
    let blocked = providers.blocked.size > 0;
    if (args.steps.includes('validate')) {
      const selected = args.stacks.length > 0 ? stacks.filter((s) => args.stacks.includes(s.name)) : stacks;
      const verdicts = await validateAll(runner, binary, selected, providers, work);
      failed ||= verdicts.some((v) => v.status === 'FAIL');
    }
    if (args.steps.includes('emulator')) {
      const outcome = await emulatorRun(runner, binary, stacks, providers, work);
      failed ||= outcome === 'failed';
      blocked ||= outcome === 'blocked';
    }
    if (failed) return EXIT.failed;
    if (blocked) {
      runner.say('verify:terraform: not everything could be verified here (BLOCKED above)');
      return EXIT.blocked;
    }
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    io.stderr(`verify:terraform: ${error.message}\n`);
    return EXIT.failed;
  } finally {
    if (args.keep) runner.say(`working directories kept in ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}
