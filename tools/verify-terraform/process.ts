/** Child processes: run one to completion with its output captured, and run tasks with bounded parallelism. */
import { spawn } from 'child_process';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL, whole process group) after this long; the result then has code 124. */
  readonly timeoutSeconds?: number;
}

/** Runs `command args` and resolves with its exit code and output; never rejects for a non-zero exit. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    // Its own process group, so a timeout also ends the provider plugins Terraform started.
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer =
      options.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child.pid);
          }, options.timeoutSeconds * 1000);
    const finish = (code: number, extra = ''): void => {
      if (timer) clearTimeout(timer);
      resolve({
        code: timedOut ? 124 : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extra + (timedOut ? `\n${command}: killed after ${options.timeoutSeconds}s` : ''),
        seconds: (Date.now() - started) / 1000,
      });
    };
    child.on('error', (error) => finish(127, `${command}: ${error.message}`));
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}

/** Kills a process group started with `detached: true`; a group already gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already exited
  }
}

/** Maps `items` through `task` with at most `limit` running at once; results keep the input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
