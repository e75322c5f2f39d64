import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHECKED_VERSION, installStableStringify, stableStringify } from '../../../tools/synth/stable-stringify';

const ROOT = path.resolve(__dirname, '..', '..', '..');
// The copy cdktf 0.21.0 requires, loaded by path: the reference the port must match byte for byte.
const cdktfDir = path.dirname(require.resolve('cdktf/package.json'));
const libraryPath = require.resolve('json-stable-stringify', { paths: [cdktfDir] });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const library = require(libraryPath) as (value: unknown, options?: unknown) => string | undefined;

const circular: Record<string, unknown> = { a: 1 };
circular.self = { back: circular };

const cases: Record<string, unknown> = {
  'nested objects, keys out of order': { b: { d: 1, c: [true, null] }, a: 'x', '10': 1, '9': 2, Z: 0, _: -1.5e-7 },
  'empty array and object (not collapsed)': { list: [], map: {}, deep: [[], [{}]] },
  'undefined members dropped, undefined elements null': { keep: 1, drop: undefined, list: [undefined, 1, () => 1, Symbol('s')] },
  'functions and symbols as members': { f: () => 1, s: Symbol('s'), n: null },
  'toJSON, on values and nested': { when: new Date(Date.UTC(2026, 0, 2)), custom: { toJSON: () => ({ z: 1, y: [2] }) }, zero: 0 },
  'strings needing escapes': { 'k"ey': 'line\nbreak\t"quoted"\\ \u2028 \u0001', unicode: 'é 😀' },
  'numbers: NaN, Infinity, -0': [NaN, Infinity, -0, 1e21, 0.1],
  'top-level primitive': 'text',
  'top-level undefined': undefined,
  'repeated (not circular) object': (() => {
    const shared = { x: 1 };
    return { a: shared, b: [shared, shared] };
  })(),
};

describe('stableStringify (port of json-stable-stringify 1.3.0)', () => {
  test('the port is checked against the copy cdktf loads', () => {
    expect((JSON.parse(fs.readFileSync(path.join(path.dirname(libraryPath), 'package.json'), 'utf8')) as { version: string }).version).toBe(CHECKED_VERSION);
  });

  for (const [name, value] of Object.entries(cases)) {
    test.each([2, 4, '\t', '', 0])(`${name}, space %p`, (space) => {
      expect(stableStringify(value, space)).toBe(library(value, { space }));
    });
  }

  test('no options at all', () => {
    expect(stableStringify(cases['nested objects, keys out of order'])).toBe(library(cases['nested objects, keys out of order']));
  });

  test('an object containing itself throws as the library does', () => {
    expect(() => library(circular, { space: 2 })).toThrow(new TypeError('Converting circular structure to JSON'));
    expect(() => stableStringify(circular, 2)).toThrow(new TypeError('Converting circular structure to JSON'));
  });

});

describe('installStableStringify', () => {
  test('under the synth path cdktf writes every stack and manifest.json with the port, as the library would', () => {
    // A fresh process, as `npm run synth`: tools/synth/run.ts imports preload.ts before cdktf.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stable-stringify-'));
    try {
      const script = path.join(out, 'probe.ts');
      fs.writeFileSync(
        script,
        [
          `import { stringifyInstall } from ${JSON.stringify(path.join(ROOT, 'tools', 'synth', 'preload'))};`,
          `import ${JSON.stringify(path.join(ROOT, 'tools', 'synth', 'run'))};`,
          `import { App } from ${JSON.stringify(cdktfDir)};`,
          `import { environments, shared } from ${JSON.stringify(path.join(ROOT, 'environments'))};`,
          `import { buildPlatform } from ${JSON.stringify(path.join(ROOT, 'stacks', 'platform'))};`,
          `const port = require(${JSON.stringify(libraryPath)}).port;`,
          `const app = new App({ outdir: ${JSON.stringify(path.join(out, 'cdktf.out'))} });`,
          `buildPlatform(app, { shared, environments: [environments.dev], manifestOutdir: (e) => ${JSON.stringify(out)} + '/k8s/' + e });`,
          `app.synth();`,
          `console.log(JSON.stringify({ stringifyInstall, port }));`,
        ].join('\n'),
      );
      const stdout = execFileSync(process.execPath, [path.join(ROOT, 'tools', 'run-ts.js'), script], { cwd: ROOT, encoding: 'utf8' });
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ stringifyInstall: 'installed', port: true });
      const stacksDir = path.join(out, 'cdktf.out', 'stacks');
      const files = [path.join(out, 'cdktf.out', 'manifest.json'), ...fs.readdirSync(stacksDir).map((s) => path.join(stacksDir, s, 'cdk.tf.json'))];
      expect(files.length).toBeGreaterThan(5);
      for (const file of files) {
        const written = fs.readFileSync(file, 'utf8');
        expect(written).toBe(library(JSON.parse(written), { space: 2 }));
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('in a process that already loaded cdktf it changes nothing and says so', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('cdktf');
    expect(installStableStringify()).toBe('cdktf already loaded');
  });
});
