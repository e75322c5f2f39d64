import { Token } from 'cdktf';
import { deepMerge } from 'cdktf/lib/util';
import { mergeInto } from '../../../tools/synth/resolve-once';

/** cdktf 0.21.0's deepMerge of `sources` into `{}`, and mergeInto's (the last source copied, as the stack overrides are). */
function both(sources: Array<Record<string, unknown>>) {
  // deepMerge writes into its target only; the sources stay as they were for the second merge.
  const expected = deepMerge({}, ...sources);
  const target: Record<string, unknown> = {};
  const owned = new WeakSet<object>([target]);
  sources.forEach((source, i) => mergeInto(target, source, owned, i < sources.length - 1));
  return { expected, actual: target };
}

describe('mergeInto (a deepMerge that borrows resolved documents)', () => {
  const resource = (type: string, name: string, body: Record<string, unknown>) => ({ resource: { [type]: { [name]: body } } });

  it('gives what deepMerge gives: nested objects merged, arrays concatenated, scalars replaced, undefined deleting', () => {
    const sources = [
      { '//': { metadata: { version: '0.21.0' } }, terraform: { required_providers: { aws: { source: 'aws' } } } },
      resource('aws_s3_bucket', 'a', { bucket: 'a', tags: { team: 'x' }, lifecycle: { ignore_changes: ['tags'] } }),
      resource('aws_s3_bucket', 'b', { bucket: 'b' }),
      { provider: { aws: [{ region: 'eu-west-1' }] } },
      { provider: { aws: [{ region: 'us-east-1', alias: 'us' }] }, terraform: { backend: { s3: { bucket: 'state' } } } },
      { resource: { aws_s3_bucket: { a: { tags: { extra: 'y' }, lifecycle: { ignore_changes: ['bucket'] } } } }, terraform: { required_providers: { aws: { version: '6.25.0' } } } },
      // The overrides: a scalar over an object, undefined deleting, an array over a scalar.
      { resource: { aws_s3_bucket: { b: { bucket: undefined, acl: 'private' } } }, terraform: { backend: 'none', required_version: ['>= 1.5'] } },
    ];
    const { expected, actual } = both(sources);
    expect(actual).toEqual(expected);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  });

  it('never changes a borrowed source, though later merges write into what it gave', () => {
    const first = resource('aws_iam_role', 'a', { name: 'a', tags: { team: 'x' } });
    const second = { resource: { aws_iam_role: { a: { tags: { extra: 'y' } }, b: { name: 'b' } } } };
    const before = structuredClone([first, second]);
    const { expected, actual } = both([first, second, {}]);
    expect(actual).toEqual(expected);
    expect([first, second]).toEqual(before);
  });

  it('takes a resolvable as it is, as deepMerge does', () => {
    const token = Token.asAny({ resolve: () => 'resolved' });
    const { expected, actual } = both([{ a: { b: 1 } }, { a: token, c: token }, {}]);
    expect(actual).toEqual(expected);
    expect(actual.a).toBe(token);
  });

  it('fails as deepMerge does when a null is merged into', () => {
    const target: Record<string, unknown> = { a: null };
    expect(() => deepMerge({ a: null }, { a: { b: 1 } })).toThrow(TypeError);
    expect(() => mergeInto(target, { a: { b: 1 } }, new WeakSet([target]), true)).toThrow(TypeError);
  });
});
