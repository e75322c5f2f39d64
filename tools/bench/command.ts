/**
 * `npm run bench`: times synthesis against a minimal cdktf app in the same run. Each measurement is a
 * fresh child process (tools/bench/child.ts through tools/run-ts.js, exactly how `npm run synth` runs),
 * so start-up and module loading count; cases are interleaved round by round so drift in machine load
 * hits them all alike. Returns an exit code: 1 when a budget (budget.ts) is violated.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { BENCH_USAGE, parseBenchArgs, type BenchArgs } from './args';
import { evaluateBudgets, growthOf, type BenchFigures, type BudgetCheck } from './budget';
import { median, parseChildOutput, type BenchMode, type ChildResult } from './result';

const ROOT = path.resolve(__dirname, '..', '..');
const RUN_TS = path.join(ROOT, 'tools', 'run-ts.js');
const CHILD = path.join(ROOT, 'tools', 'bench', 'child.ts');

export interface BenchCase {
  readonly label: string;
  readonly mode: BenchMode;
  /** Environments synthesized (0 for the minimal app; the real count for `full`). */
  readonly environments: number;
}

export interface CaseResult extends BenchCase {
  readonly wallMs: readonly number[];
  readonly children: readonly ChildResult[];
  readonly medianWallMs: number;
  readonly minWallMs: number;
  readonly maxWallMs: number;
  readonly peakRssBytes: number;
  readonly stacks: number;
}

export interface BenchIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs one measurement in a fresh process; wall time is spawn to exit as the parent sees it. */
function measure(c: BenchCase): { wallMs: number; result: ChildResult } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${c.mode}-`));
  try {
    const start = performance.now();
    const run = spawnSync(process.execPath, [RUN_TS, CHILD, c.mode, String(c.environments), outdir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - start;
    const result = run.status === 0 ? parseChildOutput(run.stdout) : undefined;
    if (!result) throw new Error(`${c.label}: child exited ${run.status ?? run.signal}\n${run.stderr || run.stdout}`);
    return { wallMs, result };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function summarize(c: BenchCase, wallMs: number[], children: ChildResult[]): CaseResult {
  return {
    ...c,
    wallMs,
    children,
    medianWallMs: median(wallMs),
    minWallMs: Math.min(...wallMs),
    maxWallMs: Math.max(...wallMs),
    peakRssBytes: Math.max(...children.map((r) => r.maxRssBytes)),
    stacks: children[0]?.stacks ?? 0,
  };
}

/** `npm test` once, for --test-suite. */
function timeTestSuite(): { ms: number; passed: boolean } {
  const start = performance.now();
  const run = spawnSync('npm', ['test', '--silent'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 256 * 1024 * 1024 });
  return { ms: performance.now() - start, passed: run.status === 0 };
}

const fmtMs = (n: number) => `${Math.round(n)} ms`;
const fmtMib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}

export function renderReport(args: BenchArgs, cases: readonly CaseResult[], figures: BenchFigures, checks: readonly BudgetCheck[], load: { before: number[]; after: number[] }): string {
  const out: string[] = [
    `Synth benchmark: ${args.rounds} measured round(s) after ${args.warmup} warm-up, each case a fresh process (node ${process.version}, ${os.cpus().length} CPUs, load average ${load.before.map((l) => l.toFixed(2)).join(' ')} before, ${load.after.map((l) => l.toFixed(2)).join(' ')} after)`,
    '',
  ];
  const rows = [['case', 'envs', 'stacks', 'median wall', 'min', 'max', 'in-process load', 'in-process synth', 'per env', 'peak RSS']];
  for (const c of cases) {
    rows.push([
      c.label,
      String(c.environments),
      String(c.stacks),
      fmtMs(c.medianWallMs),
      fmtMs(c.minWallMs),
      fmtMs(c.maxWallMs),
      fmtMs(median(c.children.map((r) => r.loadMs))),
      fmtMs(median(c.children.map((r) => r.synthMs))),
      c.environments > 0 ? fmtMs(c.medianWallMs / c.environments) : '-',
      fmtMib(c.peakRssBytes),
    ]);
  }
  out.push(...pad(rows).map((r) => `  ${r}`), '');
  out.push(`Full synth / minimal app: ${(figures.fullMs / figures.minimalMs).toFixed(2)}x (${fmtMs(figures.fullMs)} / ${fmtMs(figures.minimalMs)})`);
  out.push(`Above the minimal app, per real environment: ${fmtMs((figures.fullMs - figures.minimalMs) / figures.fullEnvironments)}`);
  const growth = growthOf(figures.generatedMs);
  if (growth) {
    const first = growth.sizes[0];
    const last = growth.sizes[growth.sizes.length - 1];
    out.push(`Growth: time(${last}) / time(${first}) = ${growth.ratio.toFixed(2)}x (linear in environments would be ${growth.linearRatio.toFixed(0)}x; fixed start-up cost keeps it lower)`);
    for (const m of growth.marginalMs) out.push(`  marginal cost per added environment ${m.from} -> ${m.to}: ${m.msPerEnvironment.toFixed(1)} ms`);
  }
  out.push(`Peak memory, ${figures.fullEnvironments} real environments: ${fmtMib(figures.fullPeakRssBytes)}`);
  const gen3 = cases.find((c) => c.mode === 'generated' && c.environments === 3);
  if (gen3) out.push(`Peak memory, 3 generated environments: ${fmtMib(gen3.peakRssBytes)}`);
  if (figures.testSuite) out.push(`npm test: ${figures.testSuite.passed ? 'passed' : 'FAILED'} in ${(figures.testSuite.ms / 1000).toFixed(1)} s`);
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
  const cases: BenchCase[] = [
    { label: 'minimal app (1 resource)', mode: 'minimal', environments: 0 },
    { label: `full synth (${realEnvironments} real)`, mode: 'full', environments: realEnvironments },
    ...args.sizes.map((n): BenchCase => ({ label: `generated ${n}`, mode: 'generated', environments: n })),
  ];
  const before = os.loadavg();
  const wall = cases.map(() => [] as number[]);
  const children = cases.map(() => [] as ChildResult[]);
  try {
    for (let round = 0; round < args.warmup + args.rounds; round++) {
      const measured = round >= args.warmup;
      if (!args.json) io.stderr(`bench: ${measured ? `round ${round - args.warmup + 1}/${args.rounds}` : `warm-up ${round + 1}/${args.warmup}`}\n`);
      cases.forEach((c, i) => {
        const { wallMs, result } = measure(c);
        if (measured) {
          wall[i].push(wallMs);
          children[i].push(result);
        }
      });
    }
  } catch (error) {
    io.stderr(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const results = cases.map((c, i) => summarize(c, wall[i], children[i]));
  const testSuite = args.testSuite ? (args.json || io.stderr('bench: timing npm test\n'), timeTestSuite()) : undefined;
  const after = os.loadavg();

  const full = results[1];
  const figures: BenchFigures = {
    minimalMs: results[0].medianWallMs,
    fullMs: full.medianWallMs,
    fullEnvironments: full.environments,
    fullPeakRssBytes: full.peakRssBytes,
    generatedMs: Object.fromEntries(results.slice(2).map((r) => [r.environments, r.medianWallMs])),
    ...(testSuite ? { testSuite } : {}),
  };
  const verdict = evaluateBudgets(figures);
  if (args.json) {
    io.stdout(`${JSON.stringify({ rounds: args.rounds, warmup: args.warmup, cpus: os.cpus().length, loadAverage: { before, after }, cases: results, figures, growth: growthOf(figures.generatedMs), budgets: verdict }, null, 2)}\n`);
  } else {
    io.stdout(renderReport(args, results, figures, verdict.checks, { before, after }));
  }
  return verdict.ok ? 0 : 1;
}
