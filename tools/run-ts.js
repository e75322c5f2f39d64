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
// cdktf captures a full stack trace for every token it creates (as metadata nobody reads unless
// debugging), and ts-node's source-map support rewrites each of them: ~40% of synth time. Keep
// source-mapped traces for real errors; format those bookkeeping captures (plain objects) plainly.
const sourceMapped = Error.prepareStackTrace;
if (sourceMapped) {
  Error.prepareStackTrace = (error, callSites) =>
    error instanceof Error ? sourceMapped(error, callSites) : `\n${callSites.map((site) => `    at ${site}`).join('\n')}`;
}

// Run the entry as the main module, so `require.main === module` holds in it as under plain node.
process.argv = [process.argv[0], path.resolve(entry), ...args];
require('module').runMain();
