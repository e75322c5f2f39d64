#!/usr/bin/env node
// `npm run demo [-- --bad-batch]`: makes the Python environments from their locks on first use (pipelines, and
// the model API and MLflow server projects where they exist), then runs the flow (mlops_pipelines.demo).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { WORKLOADS, OFFLINE_ENV, bootstrapUv, ensureEnv } = require('../python/env');

function main() {
  const uv = bootstrapUv();
  for (const project of ['pipelines', 'model-api', 'mlflow-server']) {
    const dir = path.join(WORKLOADS, project);
    if (!fs.existsSync(path.join(dir, 'uv.lock'))) continue;
    const env = ensureEnv(uv, dir);
    if (!env.ok) {
      console.error(`demo: could not create the workloads/${project} environment from its uv.lock:\n${env.output}`);
      process.exit(1);
    }
    if (env.created) console.log(`[env] workloads/${project}: created from uv.lock in ${env.seconds.toFixed(1)}s`);
  }
  const python = path.join(WORKLOADS, 'pipelines', '.venv', 'bin', 'python');
  const child = spawn(python, ['-m', 'mlops_pipelines.demo', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ...OFFLINE_ENV } });
  // Ctrl-C reaches the child too (same process group); it stops what it started and exits.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
