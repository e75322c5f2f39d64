import * as fs from 'fs';
import * as path from 'path';

export interface StagedDirectoryOptions {
  /**
   * Names (at any depth) that belong to the user, not to the generator, and are moved from the previous
   * output into the new one at the same place: Terraform's working files beside each stack.
   * @default - nothing is carried over
   */
  readonly carryOver?: RegExp;
}

/** Terraform's files in a stack directory: providers, the dependency lock file, local state. */
export const TERRAFORM_WORKING_FILES = /^(\.terraform|\.terraform\.lock\.hcl|terraform\.[\w-]+\.tfstate(\.backup)?|terraform\.tfstate(\.backup)?)$/;

/**
 * Writes into a fresh directory beside `target` and moves it into place only on `commit()`, so a
 * failed synth leaves the previous output exactly as it was: nothing half-written, nothing lost.
 * Staging directories carry the writer's pid; ones left by a process that no longer runs (killed
 * mid-synth) are removed the next time.
 */
export class StagedDirectory {
  readonly stagingPath: string;
  private readonly target: string;

  constructor(target: string, private readonly options: StagedDirectoryOptions = {}) {
    this.target = path.resolve(target);
    const parent = path.dirname(this.target);
    fs.mkdirSync(parent, { recursive: true });
    removeAbandoned(parent, path.basename(this.target));
    this.stagingPath = fs.mkdtempSync(path.join(parent, `.${path.basename(this.target)}.staging-${process.pid}-`));
  }

  /** Replaces `target` with the staged directory: two renames, so readers never see a mix. */
  commit(): void {
    const previous = `${this.target}.previous-${process.pid}`;
    const hadTarget = fs.existsSync(this.target);
    if (hadTarget && this.options.carryOver) carryOver(this.target, this.stagingPath, this.options.carryOver);
    if (hadTarget) fs.renameSync(this.target, previous);
    try {
      fs.renameSync(this.stagingPath, this.target);
    } catch (error) {
      if (hadTarget) fs.renameSync(previous, this.target);
      throw error;
    }
    if (hadTarget) fs.rmSync(previous, { recursive: true, force: true });
  }

  discard(): void {
    fs.rmSync(this.stagingPath, { recursive: true, force: true });
  }
}

/** Moves entries named like `pattern` from `from` into `to`, wherever `to` has the same parent directory. */
function carryOver(from: string, to: string, pattern: RegExp, depth = 0): void {
  if (depth > 4) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const destination = path.join(to, entry.name);
    if (pattern.test(entry.name)) {
      if (!fs.existsSync(destination)) fs.renameSync(source, destination);
    } else if (entry.isDirectory() && fs.existsSync(destination)) {
      carryOver(source, destination, pattern, depth + 1);
    }
  }
}

/**
 * Cleans up after writers of `base` that are gone: their staging directories are removed; a previous
 * output they had moved aside is put back if the target is missing (a crash between the two renames
 * of `commit()`), and removed otherwise.
 */
function removeAbandoned(parent: string, base: string): void {
  const pattern = new RegExp(`^(?:\\.${escape(base)}\\.staging-(\\d+)-.+|${escape(base)}\\.previous-(\\d+))$`);
  for (const name of fs.readdirSync(parent)) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[1] ?? match[2]);
    if (pid === process.pid || isRunning(pid)) continue;
    const full = path.join(parent, name);
    const target = path.join(parent, base);
    if (match[2] !== undefined && !fs.existsSync(target)) fs.renameSync(full, target);
    else fs.rmSync(full, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
