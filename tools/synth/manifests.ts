/**
 * Every environment's Kubernetes manifests for review (`dist/k8s/<env>/*.k8s.yaml`), as
 * `WorkloadsStack.synthManifests()` writes them, split in two so the costly half can run beside the rest
 * of the synth:
 * - `collectManifests` (main thread, needs the construct tree): runs each environment's cdk8s app as
 *   synthManifests does, keeping the documents cdk8s would save instead of saving them, and resolves
 *   the Terraform tokens in them;
 * - `renderManifest` (any thread, plain data): cdk8s's own `Yaml.stringify` of those documents, with the
 *   tokens in the text replaced by their references, as synthManifests replaces them in the file.
 * `ManifestWriter` renders and writes on a worker thread (tools/synth/manifest-writer.js), so YAML
 * rendering, about a tenth of synth time, overlaps the writing of the Terraform stacks.
 */
import { Yaml } from 'cdk8s/lib/yaml';
import { DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'worker_threads';
import type { PlatformStacks } from '../../stacks/platform';
import { renderManifest, type RenderedManifest } from './render-manifest';

export { renderManifest };

/** One manifest file: what cdk8s saves there, and the reference each Terraform token in it stands for. */
export interface ManifestFile extends RenderedManifest {
  /** Absolute path. */
  readonly file: string;
  /**
   * The documents as the file holds them (tokens replaced, undefined dropped), for the policy check;
   * absent when a reference holds a character that could mean something else in YAML text (then the
   * policy check parses the file).
   */
  readonly objects?: readonly unknown[];
}

const TF_TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/** Runs every environment's cdk8s app (`WorkloadsStack.synthManifests`), keeping what it would save. */
export function collectManifests(platform: PlatformStacks): ManifestFile[] {
  const collected: ManifestFile[] = [];
  const save = Yaml.save;
  try {
    for (const { workloads } of Object.values(platform.environments)) {
      const saved: [string, unknown[]][] = [];
      Yaml.save = (file: string, docs: unknown[]) => {
        saved.push([path.resolve(file), docs]);
      };
      // Saves nothing now, so its read-and-replace pass finds no file; the same replacement is made below.
      workloads.synthManifests();
      // As WorkloadsStack.synthManifests resolves the tokens in the text (cdktf 0.21 Tokenization.resolve).
      const resolver = new DefaultTokenResolver(new StringConcat());
      const references: Record<string, string> = {};
      const reference = (token: string) => (references[token] ??= String(Tokenization.resolve(token, { scope: workloads, resolver, preparing: false })));
      for (const [file, docs] of saved) {
        const mine: Record<string, string> = {};
        let plain = true;
        let tokenKeys = false;
        // The JSON round trip also drops undefined values, as YAML.stringify does.
        const objects = JSON.parse(JSON.stringify(docs), (key: string, value: unknown) => {
          if (TF_TOKEN_TEST.test(key)) tokenKeys = true; // keys are not rewritten here: let the policy parse the file
          if (typeof value !== 'string') return value;
          return value.replace(TF_TOKEN, (token) => {
            const resolved = (mine[token] = reference(token));
            if (/["'\\\n]/.test(resolved)) plain = false;
            return resolved;
          });
        }) as unknown[];
        if (tokenKeys) {
          plain = false;
          for (const key of keysWithTokens(docs)) for (const token of key.match(TF_TOKEN) ?? []) mine[token] = reference(token);
        }
        collected.push({ file, docs, references: mine, ...(plain ? { objects } : {}) });
      }
    }
  } finally {
    Yaml.save = save;
  }
  return collected;
}

const TF_TOKEN_TEST = /\$\{TfToken\[TOKEN\.\d+\]\}/;

/** Keys holding a token, anywhere in `value`. */
function keysWithTokens(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => keysWithTokens(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (TF_TOKEN_TEST.test(key)) into.push(key);
      keysWithTokens(v, into);
    }
  }
  return into;
}


/** The objects the written files hold, by absolute path, for the policy check (plain files only). */
export function manifestObjects(files: readonly ManifestFile[]): Map<string, unknown[]> {
  return new Map(files.filter((f) => f.objects !== undefined).map((f) => [f.file, [...f.objects!]]));
}

const WORKER = path.join(__dirname, 'manifest-writer.js');
/** How long `finish` waits for the writer: far beyond any real run, so a dead worker fails instead of hanging. */
const FINISH_TIMEOUT_MS = 5 * 60_000;

/**
 * A worker thread that renders and writes manifest files. Started before the platform is built, so it
 * has booted by the time the manifests are collected; `write` hands it the files, `finish` blocks until
 * they are on disk (or throws the worker's error); `close` stops it. Never keeps the process alive.
 */
export class ManifestWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private pending = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { workerData: { port: port2, done: this.done }, transferList: [port2] });
    this.worker.unref();
    // Errors are reported through the port (see finish); this only keeps an uncaught one from crashing us.
    this.worker.on('error', () => undefined);
  }

  write(files: readonly ManifestFile[]): void {
    if (this.pending) throw new Error('ManifestWriter.write: the previous files are still being written');
    this.pending = true;
    Atomics.store(this.done, 0, 0);
    this.worker.postMessage(files.map(({ file, docs, references }) => ({ file, docs, references })));
  }

  /** Blocks until the files handed to `write` are written; throws what the worker threw. */
  finish(): void {
    if (!this.pending) return;
    this.pending = false;
    if (Atomics.wait(this.done, 0, 0, FINISH_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`the manifest writer (tools/synth/manifest-writer.js) did not finish within ${FINISH_TIMEOUT_MS / 1000} s`);
    }
    const reply = receiveMessageOnPort(this.port)?.message as { ok: true } | { ok: false; error: string } | undefined;
    if (!reply) throw new Error('the manifest writer (tools/synth/manifest-writer.js) ended without a reply');
    if (!reply.ok) throw new Error(`writing the manifests failed: ${reply.error}`);
  }

  close(): void {
    void this.worker.terminate();
    this.port.close();
  }
}
