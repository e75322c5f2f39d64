import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Runs `main.ts` exactly as `npm run synth` does, in a scratch copy of the project, so a broken
 * environment can be tried without touching the real one.
 */
const root = path.resolve(__dirname, '..');
// The workload contract: the charts and the environment schema read their names from it.
const SOURCES = ['main.ts', 'tsconfig.json', 'environments', 'stacks', 'constructs', 'k8s', 'tools', 'workloads/contract/src/platform_contract/contract.json'];

function scratchProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  for (const entry of SOURCES) {
    if (fs.existsSync(path.join(root, entry))) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs synth as `npm run synth` does, or as `cdktf synth` does when `cliOutdir` is given. */
function synth(cwd: string, cliOutdir?: string) {
  const env = { ...process.env };
  delete env.CDKTF_OUTDIR;
  if (cliOutdir) env.CDKTF_OUTDIR = cliOutdir;
  return spawnSync(process.execPath, ['tools/run-ts.js', 'main.ts'], { cwd, encoding: 'utf8', env });
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function snapshotTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe('npm run synth', () => {
  let project: string;
  beforeAll(() => {
    project = scratchProject();
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it('writes every stack of every environment', () => {
    const result = synth(project);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const stacks = fs.readdirSync(path.join(project, 'cdktf.out', 'stacks'));
    for (const stack of ['bootstrap', 'shared', 'dev-network', 'staging-network', 'prod-network']) {
      expect(stacks).toContain(stack);
      expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    }
    expect(fs.readdirSync(project).filter((f) => f.includes('staging-'))).toEqual([]);
  });

  it('writes where the cdktf CLI asks, a relative CDKTF_OUTDIR included (`npx cdktf synth`)', () => {
    const result = synth(project, 'cli.out');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(project, 'cli.out', 'stacks', 'prod-workloads', 'cdk.tf.json'))).toBe(true);
    expect(fs.existsSync(path.join(project, 'cli.out', 'manifest.json'))).toBe(true);
  });

  it('exits 1 naming the field when a CIDR is broken, and leaves cdktf.out untouched', () => {
    const before = snapshotTree(path.join(project, 'cdktf.out'));
    expect(Object.keys(before).length).toBeGreaterThan(5);
    const devFile = path.join(project, 'environments', 'dev.ts');
    const original = fs.readFileSync(devFile, 'utf8');
    fs.writeFileSync(devFile, original.replace("cidr: '10.10.0.0/16'", "cidr: '10.10.0.0/33'"));
    try {
      const result = synth(project);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('dev.network.cidr: "10.10.0.0/33" has a prefix length greater than 32');
      expect(result.stderr).toContain('Nothing was written.');
      expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(snapshotTree(path.join(project, 'cdktf.out'))).toEqual(before);
      expect(fs.readdirSync(project).filter((f) => f.includes('staging-'))).toEqual([]);
    } finally {
      fs.writeFileSync(devFile, original);
    }
  });

  it('lists problems of the shared settings and of the environments together', () => {
    const files = { dev: path.join(project, 'environments', 'dev.ts'), shared: path.join(project, 'environments', 'shared.ts') };
    const originals = { dev: fs.readFileSync(files.dev, 'utf8'), shared: fs.readFileSync(files.shared, 'utf8') };
    fs.writeFileSync(files.dev, originals.dev.replace("instanceClass: 'db.t4g.medium'", "instanceClass: 'large'"));
    fs.writeFileSync(files.shared, originals.shared.replace("account: { id: '210987654321'", "account: { id: '21'"));
    try {
      const result = synth(project);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('(2 problems)');
      expect(result.stderr).toContain('dev.data.database.instanceClass: must be an RDS instance class');
      expect(result.stderr).toContain('shared.account.id: must be a 12-digit AWS account id');
    } finally {
      fs.writeFileSync(files.dev, originals.dev);
      fs.writeFileSync(files.shared, originals.shared);
    }
  });

  it("keeps Terraform's working files beside each stack, and the bootstrap state outside the output", () => {
    write(path.join(project, 'cdktf.out', 'stacks', 'dev-network', '.terraform.lock.hcl'), 'lock');
    write(path.join(project, 'cdktf.out', 'stacks', 'dev-network', '.terraform', 'modules.json'), '{}');
    const result = synth(project);
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'dev-network', '.terraform.lock.hcl'), 'utf8')).toBe('lock');
    expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', 'dev-network', '.terraform', 'modules.json'))).toBe(true);
    const bootstrap = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8'));
    // Relative to cdktf.out/stacks/bootstrap, where Terraform runs: the project root.
    expect(path.resolve(project, 'cdktf.out', 'stacks', 'bootstrap', bootstrap.terraform.backend.local.path)).toBe(path.join(project, 'terraform.bootstrap.tfstate'));
  });

  it('exits 1 with the rule, the address and the fix when the output breaks policy, and writes nothing', () => {
    const before = snapshotTree(path.join(project, 'cdktf.out'));
    const registryFile = path.join(project, 'constructs', 'registry', 'container-registry.ts');
    const original = fs.readFileSync(registryFile, 'utf8');
    expect(original).toContain("imageTagMutability: 'IMMUTABLE'");
    fs.writeFileSync(registryFile, original.replace("imageTagMutability: 'IMMUTABLE'", "imageTagMutability: 'MUTABLE'"));
    try {
      const result = synth(project);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('synth: the policy check failed');
      expect(result.stderr).toMatch(/AWS-ECR-\d{3}  aws_ecr_repository\.Registry_model-serving_\w+  .*\(cdktf\.out\/stacks\/shared\/cdk\.tf\.json\)/);
      expect(result.stderr).not.toContain('staging-');
      expect(result.stderr).toMatch(/fix: .*IMMUTABLE/);
      expect(snapshotTree(path.join(project, 'cdktf.out'))).toEqual(before);
      // The same under `cdktf synth`, whose output directory must stay as it was too.
      const cliBefore = snapshotTree(path.join(project, 'cli.out'));
      const cli = synth(project, 'cli.out');
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain('synth: the policy check failed');
      expect(snapshotTree(path.join(project, 'cli.out'))).toEqual(cliBefore);
    } finally {
      fs.writeFileSync(registryFile, original);
    }
  });
});
