/**
 * `npm run plan-summary -- [options] [NAME=]PLAN.json...`: Markdown for the pull-request comment.
 * `npm run plan-summary -- --fingerprint PLAN.json`: one line, the plan's change fingerprint.
 * `npm run plan-summary -- --redact PLAN.json`: the plan without sensitive values, to keep as an artifact.
 *
 * Only argv, file IO and exit codes live here; the library (plan, summary, markdown, fingerprint) is pure.
 * Exit codes: 0 done, 1 a file could not be read as a plan, 2 usage error.
 */
import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import { fingerprintPlan } from './fingerprint';
import { DEFAULT_MAX_LENGTH, renderMarkdown, type UnreadablePlan } from './markdown';
import { decodePlanBytes, PlanError, parsePlan, type Plan } from './plan';
import { redactPlanDocument } from './redact';
import { summarizePlan } from './summary';

export const USAGE = `usage: npm run plan-summary -- [--max-length N] [--title TEXT] [NAME=]PLAN.json...
       npm run plan-summary -- --fingerprint [NAME=]PLAN.json
       npm run plan-summary -- --redact PLAN.json > REDACTED.json

Reads \`terraform show -json <planfile>\` output and prints GitHub-flavoured Markdown for the
pull-request comment. A stack is named after its file (plans/dev-network.json -> dev-network)
unless given as NAME=PATH. Plans are read from files only, not from standard input ("-"),
as UTF-8 (a UTF-8 or UTF-16 byte-order mark, as PowerShell writes, is recognised). Reads plan
format_version 0.2 (Terraform 1.0.1 to 1.0.11) and 1.x (Terraform 1.1 and later).

  --max-length N   longest output in characters (default ${DEFAULT_MAX_LENGTH}); resource tables are cut first
  --title TEXT     first line of the comment (default "## Terraform plan")
  --fingerprint    print the SHA-256 of the plan's effective changes instead of Markdown
  --redact         print the plan as JSON with every sensitive value replaced and state, config
                   and variables dropped (what CI keeps as an artifact)
  -h, --help       show this help

A plan that cannot be read is reported on standard error and in the Markdown, beside the others.
Exit codes: 0 done, 1 a file could not be read as a plan, 2 usage error.`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (file: string) => Promise<Uint8Array>;
  readonly exists: (file: string) => boolean;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (file) => fs.readFile(file),
  exists: existsSync,
};

interface PlanInput {
  readonly name: string;
  readonly file: string;
}

interface Options {
  readonly inputs: PlanInput[];
  readonly fingerprint: boolean;
  readonly redact: boolean;
  readonly help: boolean;
  readonly maxLength?: number;
  readonly title?: string;
}

class UsageError extends Error {}

/** `plans/dev-network.json`, `dev-network.plan.json`, `dev-network.tfplan.json` -> `dev-network`. */
export function stackNameOf(file: string): string {
  return path.basename(file).replace(/(\.tfplan|\.plan)?\.json$/i, '');
}

const NAME_ARG = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(.+)$/;

function parseArgs(argv: readonly string[], io: CliIo): Options {
  const files: string[] = [];
  let fingerprint = false;
  let redact = false;
  let help = false;
  let maxLength: number | undefined;
  let title: string | undefined;
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (onlyFiles || !arg.startsWith('-') || arg === '-') {
      files.push(arg);
    } else if (arg === '--') {
      onlyFiles = true;
    } else if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg === '--fingerprint') {
      fingerprint = true;
    } else if (arg === '--redact') {
      redact = true;
    } else if (flag === '--max-length') {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1_000) throw new UsageError(`--max-length must be an integer >= 1000, got "${raw}"`);
      maxLength = n;
    } else if (flag === '--title') {
      title = value();
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (help) return { inputs: [], fingerprint, redact, help, maxLength, title };
  if (files.length === 0) throw new UsageError('no plan file given');
  if (fingerprint && redact) throw new UsageError('give --fingerprint or --redact, not both');
  if (fingerprint && files.length !== 1) throw new UsageError(`--fingerprint takes exactly one plan file, got ${files.length}`);
  if (redact && files.length !== 1) throw new UsageError(`--redact takes exactly one plan file, got ${files.length}`);

  const inputs = files.map((arg): PlanInput => {
    const named = NAME_ARG.exec(arg);
    // A file that really is called "a=b.json" wins over the NAME=PATH reading.
    if (named && !io.exists(arg)) return { name: named[1], file: named[2] };
    return { name: stackNameOf(arg), file: arg };
  });
  // Standard input is not read: a plan is written to a file by the workflow anyway, and its name names the stack.
  // (A file really called "-" can be passed as ./-.)
  const stdin = inputs.find((input) => input.file === '-');
  if (stdin) {
    throw new UsageError(`reading a plan from standard input ("-") is not supported; write it to a file first: terraform show -json PLANFILE > ${stdin.name === '-' ? 'STACK' : stdin.name}.json`);
  }
  const seen = new Map<string, string>();
  for (const { name, file } of inputs) {
    const other = seen.get(name);
    if (other !== undefined) throw new UsageError(`two plans would both be stack "${name}" (${other} and ${file}); name them with NAME=PATH`);
    seen.set(name, file);
  }
  return { inputs, fingerprint, redact, help, maxLength, title };
}

function readError(err: unknown): string {
  const codeOf = (err as NodeJS.ErrnoException).code;
  if (codeOf === 'ENOENT') return 'file not found';
  if (codeOf === 'EISDIR') return 'is a directory, not a plan file';
  if (codeOf === 'EACCES') return 'permission denied';
  return `cannot read file (${(err as Error).message})`;
}

async function readBytes(input: PlanInput, io: CliIo): Promise<Uint8Array> {
  try {
    return await io.readFile(input.file);
  } catch (err) {
    throw new PlanError(input.file, readError(err));
  }
}

async function loadPlan(input: PlanInput, io: CliIo): Promise<Plan> {
  return parsePlan(await readBytes(input, io), input.file);
}

/** Runs the command line; returns the exit code and never exits the process itself. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(argv, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`plan-summary: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }

  const results = await Promise.allSettled(options.inputs.map((input) => loadPlan(input, io)));
  const plans: { name: string; plan: Plan }[] = [];
  const unreadable: UnreadablePlan[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      plans.push({ name: options.inputs[i].name, plan: result.value });
    } else if (result.reason instanceof PlanError) {
      io.stderr(`plan-summary: ${result.reason.message}\n`);
      unreadable.push({ name: options.inputs[i].name, reason: result.reason.reason });
    } else {
      throw result.reason;
    }
  });

  if (options.fingerprint || options.redact) {
    if (unreadable.length > 0) return 1;
    if (options.fingerprint) {
      io.stdout(`${fingerprintPlan(plans[0].plan)}\n`);
    } else {
      // parsePlan validated the document; redact what Terraform wrote, not the model (which drops keys).
      const doc = JSON.parse(decodePlanBytes(await readBytes(options.inputs[0], io), options.inputs[0].file)) as Record<string, unknown>;
      io.stdout(`${JSON.stringify(redactPlanDocument(doc))}\n`);
    }
    return 0;
  }
  // The readable stacks are shown even when one is not: the comment must not lose every plan for one bad file.
  const summaries = plans.map(({ name, plan }) => summarizePlan(name, plan));
  io.stdout(renderMarkdown(summaries, { maxLength: options.maxLength, title: options.title, unreadable }));
  return unreadable.length > 0 ? 1 : 0;
}

/** True when this file is the entry point, also when started through tools/run-ts.js (which sets argv[1]). */
function isEntryPoint(): boolean {
  return require.main === module || (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename);
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // One line, never a stack trace.
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`plan-summary: unexpected error: ${message.split('\n')[0]}\n`);
      process.exitCode = 1;
    },
  );
}
