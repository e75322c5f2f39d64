#!/usr/bin/env node
// The Python half of `npm test`: for every project under workloads/ (a folder with pyproject.toml and uv.lock),
// create its environment from the lock when missing or stale (`uv sync --frozen`), then run ruff (lint and
// format check), mypy and pytest in it. Prints one line per project and a closing `N passed, N failed` line;
// exits non-zero on any failure. Usage: node tools/python/run-tests.js [--project NAME]... [-- PYTEST_ARGS]
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { WORKLOADS: workloads, OFFLINE_ENV, bootstrapUv, ensureEnv } = require('./env');

function parseArgs(argv) {
  const projects = [];
  let pytestArgs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') {
      pytestArgs = argv.slice(i + 1);
      break;
    }
    if (argv[i] === '--project' && argv[i + 1]) projects.push(argv[++i]);
    else {
      console.error(`run-tests: unknown argument ${argv[i]} (usage: [--project NAME]... [-- PYTEST_ARGS])`);
      process.exit(2);
    }
  }
  return { projects, pytestArgs };
}

const testEnv = { ...process.env, ...OFFLINE_ENV, PYTHONDONTWRITEBYTECODE: '1' };

function run(command, args, cwd, quiet = true) {
  const result = spawnSync(command, args, { cwd, env: testEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) return { ok: false, output: String(result.error) };
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (!quiet) process.stdout.write(output);
  return { ok: result.status === 0, status: result.status, output };
}

function junitCounts(file) {
  if (!fs.existsSync(file)) return undefined;
  const xml = fs.readFileSync(file, 'utf8');
  const suite = /<testsuite\b([^>]*)>/.exec(xml);
  if (!suite) return undefined;
  const attr = (name) => Number((new RegExp(`\\b${name}="(\\d+)"`).exec(suite[1]) ?? [])[1] ?? 0);
  const tests = attr('tests');
  const failed = attr('failures') + attr('errors');
  const skipped = attr('skipped');
  return { passed: tests - failed - skipped, failed, skipped };
}

/** pytest's FAILURES and ERRORS sections (where the reasons are), else its last lines. */
function failureReport(output) {
  const start = output.search(/^=+ (FAILURES|ERRORS) =+$/m);
  return start >= 0 ? output.slice(start) : output.split('\n').slice(-80).join('\n');
}

function main() {
  const started = Date.now();
  const { projects: only, pytestArgs } = parseArgs(process.argv.slice(2));
  const projects = fs
    .readdirSync(workloads, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(workloads, d.name, 'pyproject.toml')))
    .map((d) => d.name)
    .filter((name) => only.length === 0 || only.includes(name))
    .sort();
  if (projects.length === 0) {
    console.error(`run-tests: no Python project under workloads/${only.length ? ` named ${only.join(', ')}` : ''}`);
    process.exit(1);
  }
  let uv;
  try {
    uv = bootstrapUv();
  } catch (error) {
    console.error(`run-tests: ${error.message}`);
    process.exit(1);
  }
  const total = { passed: 0, failed: 0, skipped: 0 };
  const problems = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'python-tests-'));
  for (const name of projects) {
    const dir = path.join(workloads, name);
    const projectStarted = Date.now();
    const steps = [];
    if (!fs.existsSync(path.join(dir, 'uv.lock'))) {
      problems.push(`${name}: no uv.lock (run \`uv lock\` in workloads/${name} and commit it)`);
      console.log(`workloads/${name}: FAILED, no uv.lock`);
      total.failed++;
      continue;
    }
    const env = ensureEnv(uv, dir);
    if (!env.ok) {
      problems.push(`${name}: uv sync --frozen failed:\n${env.output}`);
      console.log(`workloads/${name}: FAILED, could not create the environment from uv.lock`);
      total.failed++;
      continue;
    }
    if (env.created) steps.push(`env created from uv.lock in ${env.seconds.toFixed(1)}s`);
    const tool = (bin) => path.join(dir, '.venv', 'bin', bin);
    for (const [label, bin, args] of [
      ['ruff', 'ruff', ['check', '--no-cache', '.']],
      ['format', 'ruff', ['format', '--no-cache', '--check', '.']],
      ['mypy', 'mypy', ['--no-incremental', '--cache-dir', path.join(tmp, `mypy-${name}`)]],
    ]) {
      if (!fs.existsSync(tool(bin))) {
        problems.push(`${name}: ${bin} is not in its dev dependencies`);
        steps.push(`${label} MISSING`);
        total.failed++;
        continue;
      }
      const result = run(tool(bin), args, dir);
      steps.push(`${label} ${result.ok ? 'ok' : 'FAILED'}`);
      if (!result.ok) {
        problems.push(`${name}: ${label}:\n${result.output}`);
        total.failed++;
      }
    }
    const junit = path.join(tmp, `${name}.xml`);
    const pytest = run(tool('python'), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--disable-warnings', '--tb=short', `--junitxml=${junit}`, ...pytestArgs], dir);
    const counts = junitCounts(junit);
    if (counts === undefined || counts.passed + counts.failed === 0) {
      problems.push(`${name}: pytest ran no test (exit ${pytest.status}):\n${pytest.output}`);
      steps.push('pytest ran NO test');
      total.failed++;
    } else {
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
      steps.push(`pytest ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
      if (!pytest.ok) problems.push(`${name}: pytest:\n${failureReport(pytest.output)}`);
      if (!pytest.ok && counts.failed === 0) total.failed++;
    }
    const failed = problems.some((p) => p.startsWith(`${name}:`));
    console.log(`workloads/${name}: ${failed ? 'FAILED' : 'ok'}: ${steps.join(', ')} (${((Date.now() - projectStarted) / 1000).toFixed(1)}s)`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const problem of problems) console.error(`\n--- ${problem}`);
  console.log(`\nPython: ${projects.length} projects in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`python: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed === 0 && problems.length === 0 ? 0 : 1);
}

main();
