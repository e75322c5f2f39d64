import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import * as cdktfResolve from 'cdktf/lib/tokens/private/resolve';
import { CHECKED_CDKTF_VERSION, fastResolve, installFastResolve } from '../../../tools/synth/fast-resolve';

/** One stack with a resource and a variable, so there are real references to resolve. */
function scope() {
  const app = new App({ outdir: '/nonexistent' });
  const stack = new TerraformStack(app, 'stack');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const bucket = new S3Bucket(stack, 'Bucket', { bucket: 'b' });
  const count = new TerraformVariable(stack, 'count', { type: 'number' });
  const names = new TerraformVariable(stack, 'names', { type: 'list(string)' });
  const tags = new TerraformVariable(stack, 'tags', { type: 'map(string)' });
  return { stack, bucket, count, names, tags };
}

type Outcome = { value: unknown } | { error: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const original = cdktfResolve.resolve;
const fast = fastResolve();

/** cdktf's resolve and the fast one on the same value, as `Tokenization.resolve` calls them. */
function both(value: (s: ReturnType<typeof scope>) => unknown, preparing = false): [Outcome, Outcome] {
  const s = scope();
  const options = () => ({ scope: s.stack, preparing, resolver: new DefaultTokenResolver(new StringConcat()), prefix: [] as string[] });
  const input = value(s);
  return [outcome(() => original(input, options())), outcome(() => fast(input, options()))];
}

describe('fastResolve: the same results as cdktf 0.21.0 resolve', () => {
  test('checked against the cdktf installed', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the version actually installed
    expect((require('cdktf/package.json') as { version: string }).version).toBe(CHECKED_CDKTF_VERSION);
  });

  const cases: [string, (s: ReturnType<typeof scope>) => unknown][] = [
    ['plain nested data, undefined dropped from arrays and objects, dates and null kept', () => ({
      a: 'text',
      n: 3.5,
      t: true,
      z: null,
      d: new Date(0),
      u: undefined,
      list: ['x', undefined, 2, [{ deep: 'y', gone: undefined }]],
      empty: {},
    })],
    ['strings holding references, functions and escapes', (s) => ({
      ref: s.bucket.arn,
      concat: `arn-${s.bucket.bucket}-suffix`,
      fn: Fn.join(',', [s.bucket.id, 'x']),
      escape: '${literal}',
      fnEscape: Fn.lower('${escaped}'),
    })],
    ['number-like literals that are not tokens', () => ['1e5', 'ami-0e2f1e3', '2.5e+10', 'e1', 12e100, -1e-7, 0]],
    ['number tokens, alone and inside strings', (s) => ({ alone: s.count.numberValue, inString: `n=${Token.asString(s.count.numberValue)}`, sum: Token.asNumber(Fn.sum([1, s.count.numberValue])) })],
    ['list tokens and number-list tokens', (s) => ({ list: s.names.listValue, numbers: Token.asNumberList(s.names.value), concat: Fn.concat([['a'], s.names.listValue]) })],
    ['a list token among other elements (refused)', (s) => ({ list: ['a', ...s.names.listValue] })],
    ['map tokens', (s) => ({ map: s.tags.value, stringMap: Token.asStringMap(s.tags.value), anyMap: Token.asAnyMap(s.tags.value), merged: Fn.merge([Token.asStringMap(s.tags.value), { own: 'x' }]) })],
    ['a map token with a key added (refused)', (s) => ({ merged: { ...Token.asStringMap(s.tags.value), own: 'x' } })],
    ['token keys', (s) => ({ [s.bucket.bucket]: 'value', plain: 'x' })],
    ['lazy values returning nested objects with tokens', (s) => ({
      lazy: Lazy.anyValue({ produce: () => ({ inner: [s.bucket.arn, { n: 1, gone: undefined }], text: 'plain' }) }),
      lazyString: Lazy.stringValue({ produce: () => `${s.bucket.id}/x` }),
    })],
    ['IResolvable objects', (s) => ({ r: { resolve: () => ({ from: s.bucket.arn }) } })],
    ['a function (refused)', () => ({ f: () => 1 })],
    ['a list token in a scalar string context (refused)', (s) => ({ s: `${s.names.listValue[0]}` })],
    ['a map sentinel string (refused)', () => ({ s: 'String Map Token Value' })],
    ['the number map sentinel (refused)', () => ({ n: -123456789 })],
    ['a construct (refused)', (s) => ({ c: s.bucket })],
    ['a key resolving to something else than a string (refused)', () => ({ [Token.asString(Lazy.anyValue({ produce: () => 5 }))]: 'x' })],
    ['an object nested deeper than 200 (refused as circular)', () => {
      const root: Record<string, unknown> = {};
      let at = root;
      for (let i = 0; i < 205; i++) at = at.next = {};
      return root;
    }],
  ];

  for (const [name, value] of cases) {
    test(name, () => {
      for (const preparing of [false, true]) {
        const [expected, actual] = both(value, preparing);
        expect(actual).toEqual(expected);
      }
    });
  }

  test('the refused cases are refused by both (the comparison above can fail)', () => {
    for (const [name, value] of cases.filter(([n]) => n.endsWith('(refused)') || n.endsWith('(refused as circular)'))) {
      const [expected] = both(value);
      expect({ name, refused: 'error' in expected }).toEqual({ name, refused: true });
    }
    for (const [name, value] of cases.filter(([n]) => !n.includes('(refused'))) {
      const [expected] = both(value);
      expect({ name, resolved: 'value' in expected }).toEqual({ name, resolved: true });
    }
    const [expected, actual] = both((s) => ({ ref: s.bucket.arn }));
    expect(expected).toEqual({ value: { ref: '${aws_s3_bucket.Bucket.arn}' } });
    expect(actual).toEqual(expected);
  });
});

describe('installFastResolve', () => {
  test("replaces the resolve behind Tokenization.resolve, once, and puts cdktf's back", () => {
    const s = scope();
    const resolveRef = () => Tokenization.resolve({ ref: s.bucket.arn, plain: ['x'] }, { scope: s.stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
    const stock = resolveRef();
    const restore = installFastResolve();
    try {
      expect(cdktfResolve.resolve).not.toBe(original);
      const installed = cdktfResolve.resolve;
      const again = installFastResolve(); // already installed: changes nothing
      expect(cdktfResolve.resolve).toBe(installed);
      again();
      expect(cdktfResolve.resolve).toBe(installed);
      expect(resolveRef()).toEqual(stock);
    } finally {
      restore();
    }
    expect(cdktfResolve.resolve).toBe(original);
  });
});
