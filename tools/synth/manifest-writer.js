// Worker thread of ManifestWriter (tools/synth/manifests.ts): renders each manifest file it is handed
// with cdk8s's own Yaml.stringify, replaces the Terraform tokens by the references collected for them
// (renderManifest, the same function as on the main thread), writes the file, and reports through its
// port, then flips `done` so the main thread, blocked in Atomics.wait, reads the reply.
'use strict';
const fs = require('fs');
const { parentPort, workerData } = require('worker_threads');

// The main thread runs under tools/run-ts.js; this thread loads the TypeScript module through the same hook.
require('../run-ts.js').install();
const { renderManifest } = require('./render-manifest.ts');

const { port, done } = workerData;

parentPort.on('message', (files) => {
  let reply;
  try {
    for (const file of files) fs.writeFileSync(file.file, renderManifest(file), { encoding: 'utf8' });
    reply = { ok: true };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
