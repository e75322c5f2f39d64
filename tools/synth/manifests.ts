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

type Reply = { ok: true } | { ok: false; error: string };

/**
 * A worker thread that writes synth output off the main thread. Started before the platform is built, so
 * it has booted by the time there is work:
 * - `createFiles` makes empty files (and their directories) that the main thread will fill: creating a
 *   file costs this disk about 1-3 ms, writing into an existing one a tenth of that, so the Terraform
 *   stacks' `cdk.tf.json` files are created here while the main thread resolves the stacks;
 * - `write` renders and writes manifest files.
 * `finish` blocks until everything handed over so far is on disk (or throws the worker's first error);
 * `close` stops it. Never keeps the process alive.
 */
export class ManifestWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** How many requests the worker has completed (it adds 1 and notifies after each). */
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  /** What each request not yet replied to was, oldest first (replies come in order). */
  private readonly waiting: string[] = [];
  private received = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { workerData: { port: port2, done: this.done }, transferList: [port2] });
    this.worker.unref();
    // Errors are reported through the port (see finish); this only keeps an uncaught one from crashing us.
    this.worker.on('error', () => undefined);
  }

  /** Creates each file empty, with its directories, unless it exists (then it is left as it is). */
  createFiles(files: readonly string[]): void {
    this.send({ kind: 'create', files }, 'creating the stack files failed');
  }

  write(files: readonly ManifestFile[]): void {
    this.send({ kind: 'write', files: files.map(({ file, docs, references }) => ({ file, docs, references })) }, 'writing the manifests failed');
  }

  /** Blocks until every request so far is done; throws the first error the worker reported. */
  finish(): void {
    const errors: string[] = [];
    while (this.waiting.length > 0) {
      // Replies come in order; each is posted before `done` is raised past it.
      while (Atomics.load(this.done, 0) <= this.received) {
        if (Atomics.wait(this.done, 0, this.received, FINISH_TIMEOUT_MS) === 'timed-out') {
          throw new Error(`the manifest writer (tools/synth/manifest-writer.js) did not finish within ${FINISH_TIMEOUT_MS / 1000} s`);
        }
      }
      const reply = receiveMessageOnPort(this.port)?.message as Reply | undefined;
      if (!reply) throw new Error('the manifest writer (tools/synth/manifest-writer.js) ended without a reply');
      this.received++;
      const failed = this.waiting.shift()!;
      if (!reply.ok) errors.push(`${failed}: ${reply.error}`);
    }
    if (errors.length > 0) throw new Error(errors[0]);
  }

  close(): void {
    void this.worker.terminate();
    this.port.close();
  }

  private send(request: { kind: 'create'; files: readonly string[] } | { kind: 'write'; files: readonly (RenderedManifest & { file: string })[] }, failed: string): void {
    this.waiting.push(failed);
    this.worker.postMessage(request);
  }
}
