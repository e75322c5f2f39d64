import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';

// Loaded as jest-runner loads it (plain CommonJS).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('./jest-runtime.js') as {
  compileWithCodeCache(dir: string, code: string, params: string[], options: vm.CompileFunctionOptions, stats: { hits: number; compiled: number }): (...args: unknown[]) => unknown;
};

describe('the jest runtime with the V8 code cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-code-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const CODE = 'exports.answer = function answer() { return greeting + " " + (6 * 7); };';
  const compile = (code: string, context: vm.Context, stats: { hits: number; compiled: number }) =>
    runtime.compileWithCodeCache(dir, code, ['exports'], { filename: '/project/module.js', parsingContext: context }, stats);
  const run = (fn: (...args: unknown[]) => unknown) => {
    const exports: { answer?: () => string } = {};
    fn.call(exports, exports);
    return exports.answer!();
  };

  it('compiles from source once, then from the cache, each time in the context it is given', () => {
    const stats = { hits: 0, compiled: 0 };
    const first = compile(CODE, vm.createContext({ greeting: 'first' }), stats);
    expect(stats).toEqual({ hits: 0, compiled: 1 });
    expect(fs.readdirSync(dir)).toHaveLength(1);
    // The second file's context: its own globals, the bytecode of the first compile.
    const second = compile(CODE, vm.createContext({ greeting: 'second' }), stats);
    expect(stats).toEqual({ hits: 1, compiled: 1 });
    expect([run(first), run(second)]).toEqual(['first 42', 'second 42']);
  });

  it('keys the cache by the code: a changed module compiles from source beside the old one', () => {
    const stats = { hits: 0, compiled: 0 };
    compile(CODE, vm.createContext({ greeting: 'a' }), stats);
    const changed = compile(CODE.replace('6 * 7', '6 * 8'), vm.createContext({ greeting: 'b' }), stats);
    expect(stats).toEqual({ hits: 0, compiled: 2 });
    expect(run(changed)).toBe('b 48');
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('compiles from source when V8 rejects a cache, and rewrites it', () => {
    const stats = { hits: 0, compiled: 0 };
    compile(CODE, vm.createContext({ greeting: 'a' }), stats);
    const [file] = fs.readdirSync(dir);
    fs.writeFileSync(path.join(dir, file), Buffer.from('not a V8 code cache'));
    const fn = compile(CODE, vm.createContext({ greeting: 'b' }), stats);
    expect(stats).toEqual({ hits: 0, compiled: 2 });
    expect(run(fn)).toBe('b 42');
    expect(fs.readFileSync(path.join(dir, file)).toString()).not.toBe('not a V8 code cache');
    compile(CODE, vm.createContext({ greeting: 'c' }), stats);
    expect(stats).toEqual({ hits: 1, compiled: 2 });
  });

  it('still compiles when the cache directory cannot be written', () => {
    const blocked = path.join(dir, 'file');
    fs.writeFileSync(blocked, '');
    const stats = { hits: 0, compiled: 0 };
    const fn = runtime.compileWithCodeCache(path.join(blocked, 'cache'), CODE, ['exports'], { filename: '/project/module.js', parsingContext: vm.createContext({ greeting: 'x' }) }, stats);
    expect(run(fn)).toBe('x 42');
    expect(stats).toEqual({ hits: 0, compiled: 1 });
  });

  it('reports a syntax error as V8 does, so jest can report it its own way', () => {
    // The error comes from the worker's realm, not the test file's: compared by name, not by class.
    expect(() => compile('exports.x = ;', vm.createContext({}), { hits: 0, compiled: 0 })).toThrow(expect.objectContaining({ name: 'SyntaxError', message: "Unexpected token ';'" }));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('is the runtime jest.config.js runs the suite with', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../jest.config.js') as { runtime: string };
    expect(config.runtime.replace('<rootDir>', path.join(__dirname, '..'))).toBe(path.join(__dirname, 'jest-runtime.js'));
  });
});
