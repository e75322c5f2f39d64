import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchCases, roundOrder, synthCommand, wasLoaded } from '../../../tools/bench/command';
import { parseUsage } from '../../../tools/bench/result';

const root = path.resolve(__dirname, '..', '..', '..');

describe('what the benchmark runs', () => {
  test("the synth case is package.json's synth script, with its paths made absolute", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(synthCommand(pkg.scripts.synth, root)).toEqual([path.join(root, 'tools', 'run-ts.js'), path.join(root, 'main.ts')]);
    expect(synthCommand('node --stack-size=2000 a.js x', '/r')).toEqual(['--stack-size=2000', '/r/a.js', '/r/x']);
  });

  test('a synth script it cannot run as given is an error naming it', () => {
    for (const script of ['ts-node main.ts', 'node', 'node a.js && node b.js', 'node "$X"', undefined]) {
      expect(() => synthCommand(script, '/r')).toThrow(/scripts\.synth must be a plain "node <file> \[args\]" command/);
    }
  });

  test('cases: the minimal app under plain node, npm run synth, each generated size through tools/run-ts.js, then npm run synth with cold caches', () => {
    const cases = benchCases([1, 30], 3, ['/r/tools/run-ts.js', '/r/main.ts']);
    expect(cases.map((c) => [c.label, c.mode, c.environments])).toEqual([
      ['minimal app, plain node', 'minimal', 0],
      ['npm run synth (3 real)', 'synth', 3],
      ['synth, 1 generated', 'generated', 1],
      ['synth, 30 generated', 'generated', 30],
      ['npm run synth, cold caches', 'synth-cold', 3],
    ]);
    expect(cases[4].args).toEqual(cases[1].args);
    expect(cases[0].args[0]).toBe(path.join(root, 'tools', 'bench', 'minimal-app.js'));
    expect(cases[1].args).toEqual(['/r/tools/run-ts.js', '/r/main.ts']);
    expect(cases[3].args.slice(1)).toEqual([path.join(root, 'tools', 'bench', 'synth-generated.ts'), '30']);
  });

  test('every round runs every case once, starting one case later each round', () => {
    expect(roundOrder(3, 0)).toEqual([0, 1, 2]);
    expect(roundOrder(3, 1)).toEqual([1, 2, 0]);
    expect(roundOrder(3, 5)).toEqual([2, 0, 1]);
  });

  test('the machine counts as loaded when the load average exceeds the CPUs plus the benchmark itself', () => {
    expect(wasLoaded({ before: [2.9, 0, 0], after: [1, 0, 0], cpus: 2 })).toBe(false);
    expect(wasLoaded({ before: [1, 0, 0], after: [3.1, 0, 0], cpus: 2 })).toBe(true);
  });

  test('tools/bench/usage.js, preloaded, reports the peak RSS and CPU time of the process at exit', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-usage-')), 'usage.json');
    try {
      execFileSync(process.execPath, ['--require', path.join(root, 'tools', 'bench', 'usage.js'), '-e', 'Buffer.alloc(64 * 1024 * 1024, 1); process.exit(0)'], {
        env: { ...process.env, BENCH_USAGE_FILE: file },
      });
      const usage = parseUsage(fs.readFileSync(file, 'utf8'));
      if (typeof usage === 'string') throw new Error(usage);
      expect(usage.maxRssBytes).toBeGreaterThan(64 * 1024 ** 2);
      expect(usage.cpuMs).toBeGreaterThan(0);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
