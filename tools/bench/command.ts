/**
 * `npm run bench`: times `npm run synth` against a minimal cdktf app run by plain node, in the same run,
 * and how synth time grows with the number of environments (tools/bench/budget.ts has the budgets).
 *
 * What runs, each case in a fresh process in its own scratch working directory:
 * - minimal: `node tools/bench/minimal-app.js`: one provider, one bucket, plain JavaScript (the floor);
 * - synth: the `synth` script of package.json, exactly (read from it, so the two cannot drift apart):
 *   the real environments, stacks, manifests and the policy check;
 * - generated N: the same synth path (tools/synth/run.ts) over N generated environments;
 * - synth, cold caches: the synth script with an empty run-ts cache (no transpiled files, no V8 code
 *   cache), as the first run on a machine; reported, not judged (the budgets are about the runs after it).
 * Wall time is spawn to exit as the parent sees it; peak RSS and CPU time come from the child itself
 * (tools/bench/usage.js, preloaded). Rounds run every case once, each round in a rotated order, so drift
 * in machine load hits every case alike; medians and ranges over the rounds are reported.
 * Returns an exit code: 1 when a budget is missed or a case failed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { BENCH_USAGE, parseBenchArgs, type BenchArgs } from './args';
import { evaluateBudgets, marginalsOf, SYNTH_TO_MINIMAL_AIM, type BenchFigures, type BudgetCheck } from './budget';
import { median, parseUsage, type BenchMode, type ChildUsage } from './result';

const ROOT = path.resolve(__dirname, '..', '..');
const USAGE_PRELOAD = path.join(ROOT, 'tools', 'bench', 'usage.js');

export interface BenchCase {
  readonly label: string;
  readonly mode: BenchMode;
  /** Environments synthesized (0 for the minimal app). */
  readonly environments: number;
  /** Arguments after `node`; absolute paths, as the working directory is a scratch one. */
  readonly args: readonly string[];
}

export interface CaseResult {
  readonly label: string;
  readonly mode: BenchMode;
  readonly environments: number;
  readonly stacks: number;
  readonly wallMs: readonly number[];
  readonly cpuMs: readonly number[];
  readonly medianWallMs: number;
  readonly minWallMs: number;
  readonly maxWallMs: number;
  readonly medianCpuMs: number;
  readonly peakRssBytes: number;
}

export interface BenchIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** `node tools/run-ts.js main.ts` from package.json's synth script, as absolute arguments after `node`. */
export function synthCommand(script: string | undefined, root: string = ROOT): string[] {
  const words = (script ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2 || words.some((w) => /["'$&|;<>()`]/.test(w))) {
    throw new Error(`package.json scripts.synth must be a plain "node <file> [args]" command for the benchmark to run it (got ${JSON.stringify(script)})`);
  }
  return words.slice(1).map((w) => (w.startsWith('-') ? w : path.resolve(root, w)));
}

export function benchCases(sizes: readonly number[], realEnvironments: number, synthArgs: readonly string[]): BenchCase[] {
  return [
    { label: 'minimal app, plain node', mode: 'minimal', environments: 0, args: [path.join(ROOT, 'tools', 'bench', 'minimal-app.js'), path.join('cdktf.out')] },
    { label: `npm run synth (${realEnvironments} real)`, mode: 'synth', environments: realEnvironments, args: synthArgs },
    ...sizes.map(
      (n): BenchCase => ({ label: `synth, ${n} generated`, mode: 'generated', environments: n, args: [path.join(ROOT, 'tools', 'run-ts.js'), path.join(ROOT, 'tools', 'bench', 'synth-generated.ts'), String(n)] }),
    ),
    { label: `npm run synth, cold caches`, mode: 'synth-cold', environments: realEnvironments, args: synthArgs },
  ];
}

/** The order of the cases in round `round`: rotated by one each round. */
export function roundOrder(cases: number, round: number): number[] {
  return Array.from({ length: cases }, (_, i) => (i + round) % cases);
}

/** Runs one measurement in a fresh process in a scratch directory. */
function measure(c: BenchCase): { wallMs: number; usage: ChildUsage; stacks: number } {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${c.mode}-`));
  try {
    const usageFile = path.join(cwd, 'usage.json');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require "${USAGE_PRELOAD}"`.trim(),
      BENCH_USAGE_FILE: usageFile,
      // A fresh, empty cache directory: nothing transpiled, no V8 code cache.
      ...(c.mode === 'synth-cold' ? { RUN_TS_CACHE_DIR: path.join(cwd, 'run-ts-cache') } : {}),
    };
    delete env.CDKTF_OUTDIR;
    const start = performance.now();
    const run = spawnSync(process.execPath, c.args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - start;
    if (run.status !== 0) throw new Error(`${c.label}: exited ${run.status ?? run.signal}\n${run.stderr || run.stdout}`);
    const usage = parseUsage(fs.existsSync(usageFile) ? fs.readFileSync(usageFile, 'utf8') : '');
    if (typeof usage === 'string') throw new Error(`${c.label}: no usage report from tools/bench/usage.js (${usage})`);
    const stacksDir = path.join(cwd, 'cdktf.out', 'stacks');
    const stacks = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).length : 0;
    // A case that wrote nothing measured nothing.
    if (stacks === 0) throw new Error(`${c.label}: wrote no stacks into ${stacksDir}\n${run.stdout}${run.stderr}`);
    return { wallMs, usage, stacks };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * The two halves of `npm test` (package.json: `jest && npm run test:python`), each once, for --test-suite:
 * the TypeScript suite is what the budget judges, the Python suite is reported beside it.
 */
function timeTestSuites(): { testSuite: { ms: number; passed: boolean }; pythonSuite: { ms: number; passed: boolean } } {
  const time = (command: string, args: string[]) => {
    const start = performance.now();
    const run = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 256 * 1024 * 1024 });
    return { ms: performance.now() - start, passed: run.status === 0 };
  };
  return { testSuite: time(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--silent']), pythonSuite: time('npm', ['run', '--silent', 'test:python']) };
}

const fmtMs = (n: number) => `${Math.round(n)} ms`;
const fmtMib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}

export interface LoadAverages {
  readonly before: readonly number[];
  readonly after: readonly number[];
  readonly cpus: number;
}

/** Whether other work competed for the CPUs: a 1-minute load average above the CPU count. */
export function wasLoaded(load: LoadAverages, benchProcesses = 1): boolean {
  return Math.max(load.before[0], load.after[0]) > load.cpus + benchProcesses;
}

export function renderReport(args: BenchArgs, cases: readonly CaseResult[], figures: BenchFigures, checks: readonly BudgetCheck[], load: LoadAverages): string {
  const out: string[] = [
    `Synth benchmark: ${args.rounds} measured round(s) after ${args.warmup} warm-up, each case a fresh process, the order rotated each round`,
    `(node ${process.version}, ${load.cpus} CPUs, load average ${load.before.map((l) => l.toFixed(2)).join(' ')} before, ${load.after.map((l) => l.toFixed(2)).join(' ')} after)`,
    '',
  ];
  const rows = [['case', 'envs', 'stacks', 'median wall', 'range', 'median CPU', 'peak RSS']];
  for (const c of cases) {
    rows.push([c.label, String(c.environments), String(c.stacks), fmtMs(c.medianWallMs), `${Math.round(c.minWallMs)}-${fmtMs(c.maxWallMs)}`, fmtMs(c.medianCpuMs), fmtMib(c.peakRssBytes)]);
  }
  out.push(...pad(rows).map((r) => `  ${r}`), '');
  const minimal = cases.find((c) => c.mode === 'minimal');
  const synth = cases.find((c) => c.mode === 'synth');
  out.push(`npm run synth / minimal app: ${(figures.synthMs / figures.minimalMs).toFixed(2)}x wall (aim ${SYNTH_TO_MINIMAL_AIM}x)` + (minimal && synth ? `, ${(synth.medianCpuMs / minimal.medianCpuMs).toFixed(2)}x CPU` : ''));
  const cold = cases.find((c) => c.mode === 'synth-cold');
  if (cold && minimal) out.push(`  with cold caches (a machine's first run; reported, not judged): ${(cold.medianWallMs / figures.minimalMs).toFixed(2)}x wall`);
  // CPU time beside wall time: on a loaded machine it is the steadier of the two.
  const generatedCpu = marginalsOf(Object.fromEntries(cases.filter((c) => c.mode === 'generated').map((c) => [c.environments, c.medianCpuMs])));
  marginalsOf(figures.generatedMs).forEach((m, i) =>
    out.push(`  per added environment, ${m.from} -> ${m.to}: ${m.msPerEnvironment.toFixed(1)} ms wall, ${generatedCpu[i].msPerEnvironment.toFixed(1)} ms CPU`),
  );
  const suite = (s: { ms: number; passed: boolean }) => `${s.passed ? 'passed' : 'FAILED'} in ${(s.ms / 1000).toFixed(1)} s`;
  if (figures.testSuite) out.push(`npm test, TypeScript suite (jest): ${suite(figures.testSuite)}`);
  if (figures.pythonSuite) out.push(`npm test, Python suite (reported, not judged): ${suite(figures.pythonSuite)}`);
  if (wasLoaded(load)) {
    out.push(
      '',
      `NOTE: the machine was loaded (load average above ${load.cpus} CPUs): the ratios compare cases within this run, but the`,
      '      absolute budgets (ms per environment, the test suite) are only meaningful on an otherwise idle machine.',
    );
  }
  out.push('', 'Budgets (tools/bench/budget.ts):');
  for (const c of checks) out.push(`  ${c.ok === undefined ? 'SKIP' : c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  return `${out.join('\n')}\n`;
}

export function runBench(argv: readonly string[], io: BenchIo, realEnvironments: number): number {
  const args = parseBenchArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`bench: ${args}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(BENCH_USAGE);
    return 0;
  }
  let cases: BenchCase[];
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    cases = benchCases(args.sizes, realEnvironments, synthCommand(pkg.scripts?.synth));
  } catch (error) {
    io.stderr(`bench: ${(error as Error).message}\n`);
    return 1;
  }
  const before = os.loadavg();
  const wall = cases.map(() => [] as number[]);
  const usage = cases.map(() => [] as ChildUsage[]);
  const stacks = cases.map(() => 0);
  try {
    for (let round = 0; round < args.warmup + args.rounds; round++) {
      const measured = round >= args.warmup;
      if (!args.json) io.stderr(`bench: ${measured ? `round ${round - args.warmup + 1}/${args.rounds}` : `warm-up ${round + 1}/${args.warmup}`}\n`);
      for (const i of roundOrder(cases.length, round)) {
        const result = measure(cases[i]);
        stacks[i] = result.stacks;
        if (measured) {
          wall[i].push(result.wallMs);
          usage[i].push(result.usage);
        }
      }
    }
  } catch (error) {
    io.stderr(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const results: CaseResult[] = cases.map((c, i) => ({
    label: c.label,
    mode: c.mode,
    environments: c.environments,
    stacks: stacks[i],
    wallMs: wall[i],
    cpuMs: usage[i].map((u) => u.cpuMs),
    medianWallMs: median(wall[i]),
    minWallMs: Math.min(...wall[i]),
    maxWallMs: Math.max(...wall[i]),
    medianCpuMs: median(usage[i].map((u) => u.cpuMs)),
    peakRssBytes: Math.max(...usage[i].map((u) => u.maxRssBytes)),
  }));
  const suites = args.testSuite ? (args.json || io.stderr('bench: timing npm test (jest, then the Python suite)\n'), timeTestSuites()) : undefined;
  const load: LoadAverages = { before, after: os.loadavg(), cpus: os.cpus().length };

  const synth = results[1];
  const figures: BenchFigures = {
    minimalMs: results[0].medianWallMs,
    synthMs: synth.medianWallMs,
    synthEnvironments: synth.environments,
    synthPeakRssBytes: synth.peakRssBytes,
    generatedMs: Object.fromEntries(results.filter((r) => r.mode === 'generated').map((r) => [r.environments, r.medianWallMs])),
    ...(suites ?? {}),
  };
  const verdict = evaluateBudgets(figures);
  if (args.json) {
    io.stdout(`${JSON.stringify({ rounds: args.rounds, warmup: args.warmup, load, loaded: wasLoaded(load), cases: results, figures, marginals: marginalsOf(figures.generatedMs), budgets: verdict }, null, 2)}\n`);
  } else {
    io.stdout(renderReport(args, results, figures, verdict.checks, load));
  }
  return verdict.ok ? 0 : 1;
}
