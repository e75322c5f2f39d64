import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const runTs = path.join(root, 'tools', 'run-ts.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS; requiring it installs nothing
const { SWC_OPTIONS } = require(runTs) as { SWC_OPTIONS: { module: Record<string, unknown>; jsc: { target: string; parser: Record<string, unknown>; transform: Record<string, unknown> } } };

const A_TS = `interface Shape {
  readonly sides: number;
}
type Named = { name: string };
export function fail(shape: Shape): Named {
  if (shape.sides > 0) throw new Error(\`no name for \${shape.sides} sides\`);
  return { name: '' };
}
`;
const MAIN_TS = `import { fail } from './a';
const swcLoaded = Object.keys(require.cache).some((file) => /@swc[\\\\/]core[\\\\/](index|binding)/.test(file));
console.log(JSON.stringify({ main: require.main === module, args: process.argv.slice(2), swcLoaded }));
try {
  fail({ sides: 3 });
} catch (error) {
  console.log((error as Error).stack);
}
`;

describe('tools/run-ts.js', () => {
  let dir: string;
  let cache: string;
  const run = (file: string, env: NodeJS.ProcessEnv = {}, ...args: string[]) => {
    const result = spawnSync(process.execPath, [runTs, file, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, RUN_TS_CACHE_DIR: cache, ...env } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const [first, ...rest] = result.stdout.split('\n');
    return { ...(JSON.parse(first) as { swcLoaded?: boolean; token?: number; error?: number }), rest: rest.join('\n') };
  };
  const cached = () => fs.readdirSync(cache).filter((f) => f !== 'v8').sort();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-ts-'));
    cache = path.join(dir, '.cache');
    fs.writeFileSync(path.join(dir, 'a.ts'), A_TS);
    fs.writeFileSync(path.join(dir, 'main.ts'), MAIN_TS);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('transpiles as tsconfig.json asks: its target, CommonJS with esModuleInterop, define semantics for class fields', () => {
    const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(SWC_OPTIONS.jsc.target).toBe(String(compilerOptions.target).toLowerCase());
    expect(compilerOptions.module).toBe('commonjs');
    expect(SWC_OPTIONS.module).toMatchObject({ type: 'commonjs', noInterop: compilerOptions.esModuleInterop !== true });
    // TypeScript's default from ES2022 on, unless tsconfig sets it.
    expect(SWC_OPTIONS.jsc.transform.useDefineForClassFields).toBe(compilerOptions.useDefineForClassFields ?? /^es(2022|next)$/i.test(String(compilerOptions.target)));
    expect(SWC_OPTIONS.jsc.parser.decorators).toBe(compilerOptions.experimentalDecorators === true);
  });

  test('runs the entry as the main module with its arguments; traces point at the TypeScript lines', () => {
    const out = run('main.ts', {}, '--flag', 'value');
    expect(out).toMatchObject({ main: true, args: ['--flag', 'value'], swcLoaded: true });
    expect(out.rest).toContain('Error: no name for 3 sides');
    expect(out.rest).toContain(`at fail (${path.join(dir, 'a.ts')}:6:`);
    expect(out.rest).toContain(`(${path.join(dir, 'main.ts')}:5:`);
  });

  test('caches each file by content: an unchanged run loads no compiler, a changed file gets its own entry', () => {
    run('main.ts');
    const before = cached();
    expect(before.filter((f) => f.endsWith('.js'))).toHaveLength(2);
    expect(before.filter((f) => f.endsWith('.map'))).toHaveLength(2);
    const out = run('main.ts');
    expect(out.swcLoaded).toBe(false);
    expect(out.rest).toContain(`at fail (${path.join(dir, 'a.ts')}:6:`); // mapped from the cached map
    expect(cached()).toEqual(before);
    fs.writeFileSync(path.join(dir, 'a.ts'), `// one more line\n${A_TS}`);
    try {
      const changed = run('main.ts');
      expect(changed.swcLoaded).toBe(true);
      expect(changed.rest).toContain(`at fail (${path.join(dir, 'a.ts')}:7:`);
      expect(cached().filter((f) => f.endsWith('.js'))).toHaveLength(3);
    } finally {
      fs.writeFileSync(path.join(dir, 'a.ts'), A_TS);
    }
  });

  test("compiles every module with V8's code cache: written after the first run, taken by the next, renewed for a changed file", () => {
    const v8 = path.join(dir, '.v8-cache');
    fs.writeFileSync(path.join(dir, 'one.js'), "module.exports = function boom() { throw new Error('line one'); };\n");
    fs.writeFileSync(path.join(dir, 'uses-js.ts'), "import boom = require('./one.js');\ntry {\n  boom();\n} catch (error) {\n  console.log(JSON.stringify({}));\n  console.log((error as Error).stack);\n}\n");
    const report = (env: NodeJS.ProcessEnv = {}) => {
      const result = spawnSync(process.execPath, [runTs, 'uses-js.ts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, RUN_TS_CACHE_DIR: v8, RUN_TS_DEBUG: '1', ...env } });
      expect(result.status).toBe(0);
      const counts = /V8 code cache: (\d+) modules from the cache, (\d+) compiled/.exec(result.stderr);
      return { fromCache: Number(counts?.[1]), compiled: Number(counts?.[2]), stdout: result.stdout, stderr: result.stderr };
    };
    report(); // transpiles (loading SWC, whose modules are cached too), then starts over with the V8 caches only
    fs.rmSync(path.join(v8, 'v8'), { recursive: true });
    const first = report();
    expect(first).toMatchObject({ fromCache: 0 });
    expect(first.compiled).toBeGreaterThanOrEqual(2); // uses-js.ts and one.js
    expect(fs.readdirSync(path.join(v8, 'v8'))).toHaveLength(first.compiled);
    const second = report();
    expect(second).toMatchObject({ fromCache: first.compiled, compiled: 0 });
    // The wrapper vm.Script needs does not shift line 1: the column is the source's, as under plain node.
    const column = "module.exports = function boom() { throw new Error('line one'); };".indexOf('new Error') + 1;
    expect(second.stdout).toContain(`at boom (${path.join(dir, 'one.js')}:1:${column})`);
    expect(first.stdout).toContain(`at boom (${path.join(dir, 'one.js')}:1:${column})`);
    fs.writeFileSync(path.join(dir, 'one.js'), "module.exports = function boom() { throw new Error('line one!'); };\n");
    expect(report()).toMatchObject({ fromCache: first.compiled - 1, compiled: 1 });
    const entries = fs.readdirSync(path.join(v8, 'v8')).length;
    fs.writeFileSync(path.join(dir, 'one.js'), "module.exports = function boom() { throw new Error('line one?'); };\n");
    const off = report({ RUN_TS_CODE_CACHE: '0' });
    expect(off.stderr).not.toContain('V8 code cache');
    expect(off.stdout).toContain(`at boom (${path.join(dir, 'one.js')}:1:${column})`);
    expect(fs.readdirSync(path.join(v8, 'v8'))).toHaveLength(entries);
  });

  test('runs, with mapped traces, when the cache cannot be written', () => {
    const notADirectory = path.join(dir, 'a.ts');
    const out = run('main.ts', { RUN_TS_CACHE_DIR: notADirectory });
    expect(out.rest).toContain(`at fail (${path.join(dir, 'a.ts')}:6:`);
  });

  test("skips cdktf's token stack captures unless RUN_TS_TOKEN_STACKS=1; errors keep their traces", () => {
    fs.writeFileSync(
      path.join(dir, 'tokens.ts'),
      `import { captureStackTrace } from 'cdktf/lib/tokens/private/stack-trace';\n` +
        `console.log(JSON.stringify({ token: captureStackTrace().length, error: (new Error('x').stack ?? '').split('\\n').length }));\n`,
    );
    const skipped = run('tokens.ts');
    expect(skipped.token).toBe(0);
    expect(skipped.error).toBeGreaterThan(2);
    expect(run('tokens.ts', { RUN_TS_TOKEN_STACKS: '1' }).token).toBeGreaterThan(2);
  });
});
