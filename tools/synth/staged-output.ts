import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes into a fresh directory beside `target` and moves it into place only on `commit()`, so a
 * failed synth leaves the previous output exactly as it was: nothing half-written, nothing lost.
 */
export class StagedDirectory {
  readonly stagingPath: string;

  constructor(readonly target: string) {
    const parent = path.dirname(path.resolve(target));
    fs.mkdirSync(parent, { recursive: true });
    this.stagingPath = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.staging-`));
  }

  /** Replaces `target` with the staged directory: two renames, so readers never see a mix. */
  commit(): void {
    const previous = `${path.resolve(this.target)}.previous-${process.pid}`;
    const hadTarget = fs.existsSync(this.target);
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
