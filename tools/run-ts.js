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
// Run the entry as the main module, so `require.main === module` holds in it as under plain node.
process.argv = [process.argv[0], path.resolve(entry), ...args];
require('module').runMain();
