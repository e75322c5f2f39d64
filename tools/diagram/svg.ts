/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`): no system
 * Graphviz needed. The package is ESM-only, so it runs on a worker thread that loads it with a real
 * `import()` (a worker is plain Node, outside any require hook); that works the same under ts-node, jest
 * and plain Node. The caller blocks until the worker replies, so `renderSvgs` stays synchronous. One
 * worker serves every call of the process: Graphviz is compiled once (a separate process per call
 * started Node and compiled the WASM again each time, ~0.35 s of CPU).
 */
import { createRequire } from 'module';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'worker_threads';

const RENDERER = `
const { workerData, parentPort } = require('worker_threads');
const { port, done } = workerData;
const loaded = new Map();
parentPort.on('message', async ({ url, dots }) => {
  let reply;
  try {
    if (!loaded.has(url)) loaded.set(url, import(url).then(({ Graphviz }) => Graphviz.load()));
    const graphviz = await loaded.get(url);
    reply = { ok: true, svgs: dots.map((dot) => graphviz.layout(dot, 'svg', 'dot')) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

/** Far beyond any real diagram, so a dead worker fails instead of hanging. */
const RENDER_TIMEOUT_MS = 5 * 60_000;

type Reply = { ok: true; svgs: string[] } | { ok: false; error: string };

let renderer: { worker: Worker; port: MessagePort; done: Int32Array; replies: number } | undefined;

function startRenderer(): NonNullable<typeof renderer> {
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(RENDERER, { eval: true, workerData: { port: port2, done }, transferList: [port2] });
  // Never keeps the process alive; an uncaught error in it must not crash us (a call then times out).
  worker.unref();
  worker.on('error', () => undefined);
  return { worker, port: port1, done, replies: 0 };
}

/** One SVG per DOT source, in order. Throws with Graphviz's message on invalid DOT. */
export function renderSvgs(dots: readonly string[], cwd: string = process.cwd()): string[] {
  if (dots.length === 0) return [];
  // The package as resolved from `cwd`, as a child Node process started there would import it.
  const url = pathToFileURL(createRequire(path.join(cwd, 'noop.js')).resolve('@hpcc-js/wasm-graphviz')).href;
  renderer ??= startRenderer();
  const current = renderer;
  current.worker.postMessage({ url, dots });
  while (Atomics.load(current.done, 0) <= current.replies) {
    if (Atomics.wait(current.done, 0, current.replies, RENDER_TIMEOUT_MS) === 'timed-out') {
      renderer = undefined;
      void current.worker.terminate();
      throw new Error(`Graphviz did not render within ${RENDER_TIMEOUT_MS / 1000} s`);
    }
  }
  current.replies++;
  const reply = receiveMessageOnPort(current.port)?.message as Reply | undefined;
  if (!reply) throw new Error('the Graphviz worker ended without a reply');
  if (!reply.ok) throw new Error(reply.error);
  // Graphviz's header lines say nothing useful; the file starts at the <svg> element.
  return reply.svgs.map((svg) => svg.slice(Math.max(0, svg.indexOf('<svg'))));
}
