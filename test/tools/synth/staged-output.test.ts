import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StagedDirectory, TERRAFORM_WORKING_FILES } from '../../../tools/synth/staged-output';

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
}
function write(file: string, text = 'x'): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('StagedDirectory', () => {
  it('replaces the target only on commit, and leaves it as it was on discard', () => {
    const dir = scratch();
    const target = path.join(dir, 'out');
    write(path.join(target, 'old.json'), 'old');
    const staged = new StagedDirectory(target);
    write(path.join(staged.stagingPath, 'new.json'), 'new');
    expect(fs.readdirSync(target)).toEqual(['old.json']);
    staged.commit();
    expect(fs.readdirSync(target)).toEqual(['new.json']);
    const discarded = new StagedDirectory(target);
    write(path.join(discarded.stagingPath, 'other.json'));
    discarded.discard();
    expect(fs.readdirSync(target)).toEqual(['new.json']);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  it("carries Terraform's working files (state, providers, lock file) of each stack into the new output", () => {
    const dir = scratch();
    const target = path.join(dir, 'cdktf.out');
    write(path.join(target, 'stacks', 'bootstrap', 'cdk.tf.json'), 'old');
    write(path.join(target, 'stacks', 'bootstrap', 'terraform.bootstrap.tfstate'), '{"serial": 7}');
    write(path.join(target, 'stacks', 'dev-network', '.terraform.lock.hcl'), 'lock');
    write(path.join(target, 'stacks', 'dev-network', '.terraform', 'providers', 'aws'), 'binary');
    write(path.join(target, 'stacks', 'removed-stack', 'terraform.tfstate'), 'orphan');
    const staged = new StagedDirectory(target, { carryOver: TERRAFORM_WORKING_FILES });
    write(path.join(staged.stagingPath, 'stacks', 'bootstrap', 'cdk.tf.json'), 'new');
    write(path.join(staged.stagingPath, 'stacks', 'dev-network', 'cdk.tf.json'), 'new');
    staged.commit();
    expect(fs.readFileSync(path.join(target, 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8')).toBe('new');
    expect(fs.readFileSync(path.join(target, 'stacks', 'bootstrap', 'terraform.bootstrap.tfstate'), 'utf8')).toBe('{"serial": 7}');
    expect(fs.readFileSync(path.join(target, 'stacks', 'dev-network', '.terraform.lock.hcl'), 'utf8')).toBe('lock');
    expect(fs.readFileSync(path.join(target, 'stacks', 'dev-network', '.terraform', 'providers', 'aws'), 'utf8')).toBe('binary');
    // A stack that is no longer synthesized is not resurrected for its working files.
    expect(fs.existsSync(path.join(target, 'stacks', 'removed-stack'))).toBe(false);
  });

  it('removes staging directories left by a process that was killed, but not those of a live one', () => {
    const dir = scratch();
    const target = path.join(dir, 'out');
    const abandoned = path.join(dir, `.out.staging-${deadPid()}-abc123`);
    const live = path.join(dir, `.out.staging-${process.ppid}-def456`);
    write(path.join(abandoned, 'half.json'));
    write(path.join(live, 'busy.json'));
    const staged = new StagedDirectory(target);
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    staged.discard();
  });

  it('puts the previous output back when a crash left it moved aside and the target missing', () => {
    const dir = scratch();
    const previous = path.join(dir, `out.previous-${deadPid()}`);
    write(path.join(previous, 'kept.json'), 'kept');
    const staged = new StagedDirectory(path.join(dir, 'out'));
    expect(fs.readFileSync(path.join(dir, 'out', 'kept.json'), 'utf8')).toBe('kept');
    expect(fs.existsSync(previous)).toBe(false);
    staged.discard();
  });
});
