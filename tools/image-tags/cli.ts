/**
 * `npm run image-tags -- COMMAND`: the image tags of the workloads, for build-image.yml and the promotion
 * workflow. Only argv, files and exit codes live here; `images.ts` and `rewrite.ts` do the work.
 * Exit codes: 0 done, 1 a bad value or file (the message names it), 2 usage error.
 */
import { execFileSync } from 'child_process';
import { existsSync, writeFileSync } from 'fs';
import * as path from 'path';
import { WORKLOAD_IMAGE_TAG_PATTERN } from '../../environments/schema';
import { expectedTag, ImageTagError, REPOSITORY_ROOT, readRepositoryFile, WORKLOAD_IMAGES, workloadImage, type WorkloadImage } from './images';
import { readImageTag, setImageTag } from './rewrite';

export const USAGE = `usage: npm run image-tags -- COMMAND

  plan --before SHA --after SHA   {"include":[...]}: the workloads whose folder or a shared input changed
                                  between the two commits (all when SHA is 0000... or --all), each with
                                  repository, dockerfile, context and the tag to push
  plan --all [--after SHA]        every workload with a Dockerfile
  set --env ENV WORKLOAD=TAG...   rewrite <key>.imageTag (workloads.*, platform.airflow) in environments/ENV.ts
  promote --from ENV --to ENV     copy every workload's tag from one environment file to another
  -h, --help                      show this help

set and promote print a Markdown list of the changes (for the pull request), "no change" when none.
Exit codes: 0 done, 1 a bad tag, workload, environment or file, 2 usage error.`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

class UsageError extends Error {}

function git(root: string, ...args: string[]): string {
  // stderr kept out of the output: `cat-file -e` failing is an answer here, not an error.
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

function environmentFile(env: string, root: string): string {
  if (!/^[a-z][a-z0-9-]{1,14}[a-z0-9]$/.test(env)) throw new ImageTagError(`environment "${env}" is not an environment name`);
  const file = `environments/${env}.ts`;
  if (!existsSync(path.join(root, file))) throw new ImageTagError(`environment "${env}": ${file} does not exist`);
  return file;
}

/** The build matrix of `plan`. */
export function planMatrix(root: string, after: string, before?: string): { include: Record<string, string>[] } {
  const buildable = WORKLOAD_IMAGES.filter((image) => {
    try {
      git(root, 'cat-file', '-e', `${after}:workloads/${image.workload}/Dockerfile`);
      return true;
    } catch {
      return false;
    }
  });
  let selected: readonly WorkloadImage[] = buildable;
  if (before !== undefined && !/^0+$/.test(before)) {
    const changed = git(root, 'diff', '--name-only', before, after, '--', ...new Set(buildable.flatMap((image) => image.inputs))).split('\n').filter(Boolean);
    const touches = (prefix: string) => changed.some((file) => file === prefix || file.startsWith(`${prefix}/`));
    selected = buildable.filter((image) => image.inputs.some(touches));
  }
  return {
    include: selected.map((image) => ({
      workload: image.workload,
      repository: image.repository,
      context: image.context,
      dockerfile: `workloads/${image.workload}/Dockerfile`,
      tag: expectedTag(image.workload, after, root),
      environmentKey: image.environmentKey ?? '',
    })),
  };
}

/** Sets tags in one environment file; returns the Markdown lines of what changed. */
export function setTags(root: string, env: string, tags: ReadonlyMap<string, string>): string[] {
  const file = environmentFile(env, root);
  let text = readRepositoryFile(file, root);
  const changes: string[] = [];
  for (const [workload, tag] of tags) {
    const image = workloadImage(workload);
    if (!WORKLOAD_IMAGE_TAG_PATTERN.test(tag)) throw new ImageTagError(`${workload}: tag "${tag}" is not <MAJOR.MINOR.PATCH>-<12 hex digits>`);
    if (!image.environmentKey) throw new ImageTagError(`${workload}: no environment names its tag (images.json has no environmentKey)`);
    const before = readImageTag(text, file, image.environmentKey);
    if (before === tag) continue;
    text = setImageTag(text, file, image.environmentKey, tag);
    changes.push(`- \`${env}\` ${workload} (\`${image.repository}\`): \`${before}\` → \`${tag}\``);
  }
  if (changes.length > 0) writeFileSync(path.join(root, file), text);
  return changes;
}

export function promoteTags(root: string, from: string, to: string): string[] {
  if (from === to) throw new ImageTagError(`--from and --to are both "${from}"`);
  const source = readRepositoryFile(environmentFile(from, root), root);
  const tags = new Map<string, string>();
  for (const image of WORKLOAD_IMAGES) {
    if (image.environmentKey) tags.set(image.workload, readImageTag(source, `environments/${from}.ts`, image.environmentKey));
  }
  return setTags(root, to, tags);
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

export function run(args: readonly string[], io: CliIo, root = REPOSITORY_ROOT): number {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === '-h' || command === '--help') {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    let lines: string[];
    if (command === 'plan') {
      const all = rest.includes('--all');
      const before = option(rest, '--before');
      const after = option(rest, '--after') ?? (all ? 'HEAD' : undefined);
      if (!after || (!all && !before)) throw new UsageError('plan needs --before SHA --after SHA, or --all');
      io.stdout(`${JSON.stringify(planMatrix(root, after, all ? undefined : before))}\n`);
      return 0;
    } else if (command === 'set') {
      const env = option(rest, '--env');
      if (!env) throw new UsageError('set needs --env ENV');
      const pairs = rest.filter((a, i) => a !== '--env' && rest[i - 1] !== '--env');
      if (pairs.length === 0) throw new UsageError('set needs at least one WORKLOAD=TAG');
      const tags = new Map<string, string>();
      for (const pair of pairs) {
        const match = /^([a-z0-9-]+)=(\S+)$/.exec(pair);
        if (!match) throw new UsageError(`"${pair}" is not WORKLOAD=TAG`);
        tags.set(match[1], match[2]);
      }
      lines = setTags(root, env, tags);
    } else if (command === 'promote') {
      const from = option(rest, '--from');
      const to = option(rest, '--to');
      if (!from || !to) throw new UsageError('promote needs --from ENV --to ENV');
      lines = promoteTags(root, from, to);
    } else {
      throw new UsageError(`unknown command "${command}"`);
    }
    io.stdout(`${lines.length > 0 ? lines.join('\n') : 'no change'}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`image-tags: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ImageTagError) {
      io.stderr(`image-tags: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** True when this file is the entry point, also when started through tools/run-ts.js (which sets argv[1]). */
function isEntryPoint(): boolean {
  return require.main === module || (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename);
}

if (isEntryPoint()) {
  process.exitCode = run(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
}
