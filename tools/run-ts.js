#!/usr/bin/env node
// Runs a TypeScript entry point without type-checking (ts-node transpile-only with SWC):
// synthesis stays fast and light, and `npm run typecheck` is the one place types are checked.
'use strict';
const path = require('path');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node tools/run-ts.js <file.ts> [args...]');
  process.exit(2);
}
require('ts-node').register({
  transpileOnly: true,
  swc: true,
  project: path.join(__dirname, '..', 'tsconfig.json'),
});
// cdktf captures a full stack trace for every token it creates, kept only to explain a token error
// when debugging, and ts-node's source-map support rewrites each one: ~40% of synth time. Real errors
// keep their source-mapped traces; those bookkeeping captures (plain objects) get none, unless
// RUN_TS_TOKEN_STACKS=1 asks for them while debugging a token error.
const sourceMapped = Error.prepareStackTrace;
if (sourceMapped && process.env.RUN_TS_TOKEN_STACKS !== '1') {
  Error.prepareStackTrace = (error, callSites) => (error instanceof Error ? sourceMapped(error, callSites) : '');
}

// Run the entry as the main module, so `require.main === module` holds in it as under plain node.
process.argv = [process.argv[0], path.resolve(entry), ...args];
require('module').runMain();
