#!/usr/bin/env node
// Runs a TypeScript entry point: `node tools/run-ts.js <file.ts> [args...]`.
//
// A small require hook instead of ts-node: ts-node loads the whole TypeScript compiler just to read
// tsconfig.json (~0.5 s per run) and transpiles every file on every run. Here each .ts file is transpiled
// with SWC (no type check: `npm run typecheck` is the one place types are checked) and the output is
// cached on disk keyed by a hash of the source, the options and the SWC version, so an unchanged file
// costs one read and one hash, and @swc/core is loaded only when something changed. The cache lives
// outside git (RUN_TS_CACHE_DIR, else $XDG_CACHE_HOME/run-ts, else ~/.cache/run-ts); deleting it is safe.
// Keyed by content, not path: copies of the project (the synth tests' scratch copies) share entries.
//
// Stack traces of errors point at the TypeScript sources: each output keeps its source map beside it,
// read only when a trace through that file is formatted.
//
// Every CommonJS module the process loads (node_modules included) is compiled with V8's code cache:
// the bytecode V8 produced on an earlier run, taken after that run so the functions it compiled lazily
// are in it too, is handed back to V8 instead of parsing and compiling ~16 MB of JavaScript again
// (what Node 22's module.enableCompileCache() does; Node 20 lacks it). V8 checks each cache against the
// source's length, its own version and flags, and rejects a stale one (then the module is compiled
// as usual and its cache rewritten). Caches live in <cache>/v8, keyed by the transpiled output's content
// key for .ts files and by path, size, inode, mtime and ctime for .js files (any write changes ctime).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const vm = require('vm');

// The transform tsconfig.json asks for, as ts-node 10.9's SWC transpiler derived it
// (node_modules/ts-node/dist/transpilers/swc.js, createSwcOptions): target ES2022 with
// useDefineForClassFields (TypeScript's default from ES2022), CommonJS with esModuleInterop, dynamic
// import() turned into require() as tsc does for module=commonjs, strict mode, class names kept.
// `test/tools/run-ts.test.ts` checks these against tsconfig.json so the two cannot drift apart.
const SWC_OPTIONS = {
  swcrc: false,
  configFile: false,
  sourceMaps: true,
  module: { type: 'commonjs', noInterop: false, strictMode: true, ignoreDynamic: false },
  jsc: {
    parser: { syntax: 'typescript', tsx: false, decorators: false, dynamicImport: true },
    target: 'es2022',
    keepClassNames: true,
    transform: { useDefineForClassFields: true, legacyDecorator: true, decoratorMetadata: false },
  },
};
// Bump when the hook changes what it writes.
const HOOK_VERSION = 1;

const cacheDir =
  process.env.RUN_TS_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'run-ts');
const swcVersion = require('@swc/core/package.json').version;
const keyPrefix = JSON.stringify([HOOK_VERSION, swcVersion, SWC_OPTIONS]);
let swc;

/** filename -> path of its cached source map, for the stack trace formatter. */
const mapFiles = new Map();
/** filename -> SourceMap, built on first use. */
const sourceMaps = new Map();

function writeAtomically(file, text) {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** filename -> content key of its transpiled output (the V8 cache key of a .ts file). */
const transpiledKeys = new Map();

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(keyPrefix).update('\0').update(source).digest('hex');
  transpiledKeys.set(filename, key);
  const jsFile = path.join(cacheDir, `${key}.js`);
  const mapFile = path.join(cacheDir, `${key}.map`);
  mapFiles.set(filename, mapFile);
  try {
    return fs.readFileSync(jsFile, 'utf8');
  } catch {
    // Not cached yet (or the cache is unreadable): transpile, and cache when possible.
  }
  swc ??= require('@swc/core');
  const { code, map } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // The map first: a cached .js always has its map.
    writeAtomically(mapFile, map);
    writeAtomically(jsFile, code);
  } catch (error) {
    // A read-only home still runs, just without the cache.
    if (process.env.RUN_TS_DEBUG === '1') console.error(`run-ts: cannot cache ${filename}: ${error.message}`);
    sourceMaps.set(filename, new Module.SourceMap(JSON.parse(map)));
  }
  return code;
}

function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
}

// The V8 code cache (see the header). Node's own loader compiles without a wrapper; vm.Script needs
// one, on the first line, so columns on line 1 are shifted by its length (undone in formatCallSite).
const WRAPPER_PREFIX = Module.wrap('').slice(0, Module.wrap('').indexOf('{') + 2);
const v8CacheDir = path.join(cacheDir, 'v8');
const v8KeyPrefix = `${HOOK_VERSION}\0${process.version}\0${process.versions.v8}\0${process.execArgv.join(' ')}`;
/** Files compiled through the cache, whose line-1 columns carry the wrapper. */
const wrappedFiles = new Set();
/** [script, cache file] of each module compiled without a usable cache, written at exit. */
const uncached = [];
let fromCodeCache = 0;

function v8CacheFile(filename) {
  let identity = transpiledKeys.get(filename);
  if (identity === undefined) {
    const stat = fs.statSync(filename, { bigint: true });
    identity = `${filename}\0${stat.size}\0${stat.ino}\0${stat.mtimeNs}\0${stat.ctimeNs}`;
  }
  return path.join(v8CacheDir, crypto.createHash('sha256').update(v8KeyPrefix).update('\0').update(identity).digest('hex'));
}

// As Node 20's makeRequireFunction (lib/internal/modules/helpers.js).
function makeRequireFunction(mod) {
  const require = function require(id) {
    return mod.require(id);
  };
  const resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Module.prototype._compile, with V8's code cache; the shebang is dropped as Node's loader does. */
function compileWithCodeCache(content, filename) {
  let cacheFile;
  let cachedData;
  try {
    cacheFile = v8CacheFile(filename);
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet (or no stat): compile from source.
  }
  const source = content.startsWith('#!') ? `//${content}` : content;
  const script = new vm.Script(Module.wrap(source), {
    filename,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) uncached.push([script, cacheFile]);
  else if (cachedData !== undefined) fromCodeCache++;
  wrappedFiles.add(filename);
  const compiled = script.runInThisContext({ displayErrors: true });
  return compiled.call(this.exports, this.exports, makeRequireFunction(this), this, filename, path.dirname(filename));
}

/** Writes the caches this run produced, after it ran, so they hold the functions it compiled. */
function writeCodeCaches() {
  if (process.env.RUN_TS_DEBUG === '1') console.error(`run-ts: V8 code cache: ${fromCodeCache} modules from the cache, ${uncached.length} compiled`);
  if (uncached.length === 0) return;
  try {
    fs.mkdirSync(v8CacheDir, { recursive: true });
    for (const [script, file] of uncached.splice(0)) writeAtomically(file, script.createCachedData());
  } catch (error) {
    if (process.env.RUN_TS_DEBUG === '1') console.error(`run-ts: cannot write the V8 code cache: ${error.message}`);
  }
}

function sourceMapOf(filename) {
  if (!sourceMaps.has(filename)) {
    let map;
    try {
      map = new Module.SourceMap(JSON.parse(fs.readFileSync(mapFiles.get(filename), 'utf8')));
    } catch {
      map = undefined; // the cache was cleared under us: leave the positions as they are
    }
    sourceMaps.set(filename, map);
  }
  return sourceMaps.get(filename);
}

/** One `at ...` line, with the position moved to the TypeScript source when the file came through the hook. */
function formatCallSite(callSite) {
  const text = String(callSite);
  const file = callSite.getFileName();
  if (!file || (!mapFiles.has(file) && !wrappedFiles.has(file))) return text;
  const line = callSite.getLineNumber();
  const column = callSite.getColumnNumber() - (line === 1 && wrappedFiles.has(file) ? WRAPPER_PREFIX.length : 0);
  if (!mapFiles.has(file)) return column === callSite.getColumnNumber() ? text : text.replace(`${file}:1:${callSite.getColumnNumber()}`, `${file}:1:${column}`);
  const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1);
  if (!entry || entry.originalLine === undefined) return text;
  const generated = `${file}:${line}:${callSite.getColumnNumber()}`;
  const original = `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  const at = text.lastIndexOf(generated);
  return at < 0 ? text : text.slice(0, at) + original + text.slice(at + generated.length);
}

function errorHeader(error) {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

// cdktf (and constructs) capture a full stack trace for every token and construct they create, into a
// plain object `{ stack: '' }` with Error.stackTraceLimit raised to MAX_SAFE_INTEGER, kept only to explain
// a token error when debugging (cdktf 0.21 lib/tokens/private/stack-trace.js). Walking and formatting those
// deep stacks is a large share of synth time, so those captures are skipped (cdktf then records an empty
// trace), unless RUN_TS_TOKEN_STACKS=1 asks for them while debugging a token error. Real errors keep their
// traces. Also used by test/setup.ts, for the same saving in every test that builds stacks.
function skipTokenStackCaptures() {
  if (process.env.RUN_TS_TOKEN_STACKS === '1') return;
  const captureStackTrace = Error.captureStackTrace;
  Error.captureStackTrace = function captureUnlessBookkeeping(target, below) {
    const bookkeeping = Error.stackTraceLimit === Number.MAX_SAFE_INTEGER && !(target instanceof Error) && target?.stack === '';
    if (!bookkeeping) captureStackTrace(target, below ?? captureUnlessBookkeeping);
  };
}

/** Installs the hook and the stack trace handling in this process. */
function install() {
  require.extensions['.ts'] = loadTypeScript;
  if (process.env.RUN_TS_CODE_CACHE !== '0') {
    Module.prototype._compile = compileWithCodeCache;
    process.on('exit', writeCodeCaches);
  }
  skipTokenStackCaptures();
  // Source-mapped traces for errors; none for other captures (plain objects), as they are bookkeeping too.
  const tokenStacks = process.env.RUN_TS_TOKEN_STACKS === '1';
  Error.prepareStackTrace = (error, callSites) => {
    if (!(error instanceof Error) && !tokenStacks) return '';
    return errorHeader(error) + callSites.map((callSite) => `\n    at ${formatCallSite(callSite)}`).join('');
  };
}

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error('usage: node tools/run-ts.js <file.ts> [args...]');
    process.exit(2);
  }
  install();
  // Run the entry as the main module, so `require.main === module` holds in it as under plain node.
  process.argv = [process.argv[0], path.resolve(entry), ...args];
  Module.runMain();
}

// For test/setup.ts, test/tools/run-ts.test.ts and worker threads; requiring this file installs nothing.
// install: for worker threads of a process started through this file (tools/synth/manifest-writer.js).
// cacheDir: for tests that run a tool under a scratch HOME, so the child keeps this machine's caches.
module.exports = { SWC_OPTIONS, cacheDir, install, skipTokenStackCaptures };
