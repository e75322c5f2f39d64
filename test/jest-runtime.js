'use strict';
// jest's module runtime with V8's code cache (jest.config.js `runtime`).
//
// jest gives every test file its own module registry, so every file that builds a stack compiles cdktf,
// cdk8s, cdk8s-plus-28 and the provider classes again: ~16 MB of JavaScript, ~370 ms of V8 parsing per file
// (a CPU profile of one such file under jest 30.5.2), most of the suite's fixed cost. Here each module is
// compiled exactly as jest 30.5.2 compiles it (jest-runtime/build/index.js, ModuleExecutor.compile:
// vm.compileFunction with the same parameters, filename and parsing context), only with the bytecode V8
// produced for the same source on an earlier compile handed back (`cachedData`). The code cache is context
// independent: modules are still evaluated afresh in each file's own context, nothing is shared between
// files. V8 checks each cache against the source's length, its own version and flags, and rejects a stale
// one; then the module compiles from source and its cache is rewritten. Caches live in jest's
// cacheDirectory (`npx jest --clearCache` removes them), keyed by V8's version, the filename and a hash of
// the code; deleting them is safe. Small modules, a core module and a compile error take jest's own path
// (errors then read exactly as without this runtime).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Runtime = require('jest-runtime').default;

/**
 * Below this many characters a module compiles about as fast as its cache is read and checked (measured on
 * this machine: cdk8s-plus-28's 2.7 MB k8s.js compiles in 47 ms, 13 ms from its cache; cdktf's 6 KB
 * index.js in 0.4 ms, 0.6 ms from its cache).
 */
const MIN_CACHED_LENGTH = Number(process.env.JEST_CODE_CACHE_MIN ?? 32 * 1024);

// SHA-1 names a cache file, it guards nothing: a third of SHA-256's cost here (Node 20.12+ crypto.hash).
const digest = crypto.hash ? (text) => crypto.hash('sha1', text) : (text) => crypto.createHash('sha1').update(text).digest('hex');

/** The cache file of `code` compiled as `filename`. */
function cacheFile(dir, filename, code) {
  return path.join(dir, `${digest(`${process.versions.v8}\0${filename}\0`)}-${digest(code)}`);
}

/**
 * vm.compileFunction(code, params, { filename, parsingContext, importModuleDynamically }) through the code
 * cache in `dir`: the cached bytecode when V8 accepts it, else compiled from source and its cache written
 * (atomically, so a concurrent jest worker never reads half a file). `stats` counts hits and compiles.
 */
function compileWithCodeCache(dir, code, params, options, stats) {
  const file = cacheFile(dir, options.filename, code);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    // No cache yet: compile from source.
  }
  const fn = vm.compileFunction(code, params, { ...options, cachedData, produceCachedData: cachedData === undefined });
  if (cachedData !== undefined && !fn.cachedDataRejected) {
    stats.hits++;
    return fn;
  }
  stats.compiled++;
  // A rejected cache produced nothing: V8 compiled from source; take the cache of this compile.
  const produced = fn.cachedData ?? vm.compileFunction(code, params, { ...options, produceCachedData: true }).cachedData;
  if (produced) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, produced);
      fs.renameSync(temporary, file);
    } catch {
      // A read-only cache directory still runs, just without the cache.
    }
  }
  return fn;
}

const stats = { hits: 0, compiled: 0 };
if (process.env.JEST_CODE_CACHE_DEBUG === '1') process.on('exit', () => console.error(`jest code cache: ${stats.hits} from the cache, ${stats.compiled} compiled`));

class CodeCacheRuntime extends Runtime {
  constructor(config, environment, ...rest) {
    super(config, environment, ...rest);
    const executor = this.executor;
    // jest is pinned (package.json); a jest whose executor no longer compiles here must not silently lose the cache.
    if (typeof executor?.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters)) {
      throw new Error('test/jest-runtime.js: jest-runtime no longer has ModuleExecutor.compile (checked against jest 30.5.2); update this runtime for the installed jest');
    }
    if (process.env.JEST_CODE_CACHE === '0') return;
    const dir = path.join(config.cacheDirectory, 'v8-code-cache');
    const jestCompile = executor.compile;
    executor.compile = function compile(scriptSource, filename) {
      const vmContext = environment.getVmContext();
      if (vmContext == null || scriptSource.length < MIN_CACHED_LENGTH || this.resolution.isCoreModule(filename)) return jestCompile.call(this, scriptSource, filename);
      try {
        return compileWithCodeCache(
          dir,
          scriptSource,
          this.injectedModuleParameters,
          {
            filename,
            // As jest's own: dynamic import() from CommonJS goes through jest's ESM loader.
            importModuleDynamically: (specifier, _function, importAttributes, ...phase) => this.dynamicImport(specifier, filename, vmContext, importAttributes, phase[0]),
            parsingContext: vmContext,
          },
          stats,
        );
      } catch {
        // A syntax error (or ESM in a .js file): jest's path reports it as jest does.
        return jestCompile.call(this, scriptSource, filename);
      }
    };
  }
}

module.exports = CodeCacheRuntime;
module.exports.compileWithCodeCache = compileWithCodeCache;
