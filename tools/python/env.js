// Shared by the Python test runner and the demo: the pinned uv, and project environments made from their locks.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const WORKLOADS = path.join(ROOT, 'workloads');

/** Nothing beyond loopback: no Python downloads by uv, no MLflow telemetry, no instance-metadata lookups. */
const OFFLINE_ENV = {
  UV_PYTHON_DOWNLOADS: 'never',
  MLFLOW_DISABLE_TELEMETRY: 'true',
  DO_NOT_TRACK: 'true',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Path of the pinned uv binary, installed on first use by bootstrap-uv.sh (outside the repository). */
function bootstrapUv() {
  const result = spawnSync('bash', [path.join(__dirname, 'bootstrap-uv.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error('could not install uv (tools/python/bootstrap-uv.sh failed)');
  return result.stdout.trim();
}

function lockDigest(dir) {
  const hash = crypto.createHash('sha256');
  for (const file of ['uv.lock', 'pyproject.toml']) hash.update(fs.readFileSync(path.join(dir, file)));
  return hash.digest('hex');
}

/**
 * `uv sync --frozen` in `dir` unless its .venv was made from this exact lock and pyproject (a stamp records
 * which). Returns { ok, created, seconds, output }.
 */
function ensureEnv(uv, dir) {
  const stamp = path.join(dir, '.venv', '.mlops-synced');
  const digest = lockDigest(dir);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return { ok: true, created: false, seconds: 0, output: '' };
  const started = Date.now();
  const result = spawnSync(uv, ['sync', '--frozen', '--quiet'], { cwd: dir, env: { ...process.env, ...OFFLINE_ENV }, encoding: 'utf8' });
  const ok = result.status === 0;
  if (ok) fs.writeFileSync(stamp, digest);
  return { ok, created: true, seconds: (Date.now() - started) / 1000, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}` };
}

module.exports = { ROOT, WORKLOADS, OFFLINE_ENV, bootstrapUv, ensureEnv };
