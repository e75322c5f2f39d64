/**
 * cdktf's token bookkeeping stack captures are skipped as under tools/run-ts.js (a large share of the time
 * of every test that builds stacks); RUN_TS_TOKEN_STACKS=1 keeps them.
 *
 * cdktf's jest matchers (`toHaveResource`, `toHaveResourceWithProperties`, ..., what `Testing.setupJest()`
 * registers) for every test file, without loading cdktf into the files that never use them (most of
 * them): each matcher loads cdktf's jest adapter on its first call. test/setup.test.ts checks that the
 * names below are exactly the ones cdktf registers.
 */
import type {} from 'cdktf/lib/testing/adapters/jest'; // types of the toHaveResource* matchers

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS; requiring it installs nothing
(require('../tools/run-ts.js') as { skipTokenStackCaptures(): void }).skipTokenStackCaptures();

type Matcher = (this: jest.MatcherContext, ...args: unknown[]) => jest.CustomMatcherResult;

export const CDKTF_MATCHERS = [
  'toHaveResource',
  'toHaveResourceWithProperties',
  'toHaveDataSource',
  'toHaveDataSourceWithProperties',
  'toHaveProvider',
  'toHaveProviderWithProperties',
  'toBeValidTerraform',
  'toPlanSuccessfully',
] as const;

let loaded: Record<string, Matcher> | undefined;

/** What cdktf's `setupJest()` (cdktf 0.21 lib/testing/adapters/jest.js) passes to `expect.extend`. */
export function cdktfMatchers(): Record<string, Matcher> {
  if (loaded) return loaded;
  const holder = globalThis as unknown as { expect: unknown };
  const jestExpect = holder.expect;
  const recorded: Record<string, Matcher> = {};
  // setupJest registers through the global `expect`: lend it one that records instead.
  holder.expect = { extend: (matchers: Record<string, Matcher>) => Object.assign(recorded, matchers) };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
    (require('cdktf/lib/testing/adapters/jest') as { setupJest(): void }).setupJest();
  } finally {
    holder.expect = jestExpect;
  }
  loaded = recorded;
  return recorded;
}

expect.extend(
  Object.fromEntries(
    CDKTF_MATCHERS.map((name) => [
      name,
      function (this: jest.MatcherContext, ...args: unknown[]) {
        return cdktfMatchers()[name].apply(this, args);
      },
    ]),
  ),
);
