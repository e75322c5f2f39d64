// Worker thread of ManifestWriter (tools/synth/manifests.ts). Two requests: `create` makes empty files
// (and their directories) for the main thread to fill; `write` renders each manifest file it is handed
// with cdk8s's own Yaml.stringify, replaces the Terraform tokens by the references collected for them
// (renderManifest, the same function as on the main thread) and writes it. After each request it posts
// the reply on its port, then counts it in `done` so the main thread, blocked in Atomics.wait, reads it.
'use strict';
const fs = require('fs');
const path = require('path');
const { parentPort, workerData } = require('worker_threads');

// The main thread runs under tools/run-ts.js; this thread loads the TypeScript module through the same hook.
require('../run-ts.js').install();
const { renderManifest } = require('./render-manifest.ts');

const { port, done } = workerData;

parentPort.on('message', ({ kind, files }) => {
  let reply;
  try {
    if (kind === 'create') {
      for (const file of files) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // 'a': created if missing, never truncated (a carried-over file stays as it is until cdktf writes it).
        fs.closeSync(fs.openSync(file, 'a'));
      }
    } else {
      for (const file of files) fs.writeFileSync(file.file, renderManifest(file), { encoding: 'utf8' });
    }
    reply = { ok: true };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
