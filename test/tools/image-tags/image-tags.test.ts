import { execFileSync } from 'child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { environmentInputs, shared } from '../../../environments';
import { WORKLOAD_IMAGE_TAG_PATTERN } from '../../../environments/schema';
import { planMatrix, promoteTags, run, setTags, USAGE, type CliIo } from '../../../tools/image-tags/cli';
import { WORKLOAD_REGISTRY } from '../../../k8s/contract';
import { environmentImageHolder, expectedTag, imageTag, ImageTagError, projectVersion, REPOSITORY_ROOT, WORKLOAD_IMAGES } from '../../../tools/image-tags/images';
import { readImageTag, setImageTag } from '../../../tools/image-tags/rewrite';

const DEV = readFileSync(path.join(REPOSITORY_ROOT, 'environments', 'dev.ts'), 'utf8');

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
}

let template: string | undefined;

/**
 * A scratch repository with the environment files and two workloads, each change its own commit: a copy
 * of one made once per file (the same commit, without the five git runs), so each test still has its own.
 */
function scratchRepository(): string {
  template ??= newScratchRepository();
  const root = mkdtempSync(path.join(tmpdir(), 'image-tags-'));
  cpSync(template, root, { recursive: true });
  return root;
}

function newScratchRepository(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'image-tags-'));
  git(root, 'init', '-q', '-b', 'main');
  mkdirSync(path.join(root, 'environments'));
  for (const env of ['dev', 'staging', 'prod']) {
    writeFileSync(path.join(root, 'environments', `${env}.ts`), readFileSync(path.join(REPOSITORY_ROOT, 'environments', `${env}.ts`)));
  }
  for (const workload of ['model-api', 'mlflow-server']) {
    mkdirSync(path.join(root, 'workloads', workload), { recursive: true });
    writeFileSync(path.join(root, 'workloads', workload, 'pyproject.toml'), '[project]\nname = "x"\nversion = "0.3.1"\n\n[tool.x]\nversion = "9"\n');
    writeFileSync(path.join(root, 'workloads', workload, 'Dockerfile'), 'FROM scratch\n');
  }
  mkdirSync(path.join(root, 'workloads', 'contract'));
  writeFileSync(path.join(root, 'workloads', 'contract', 'contract.json'), '{}\n');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'initial');
  return root;
}

function commitFile(root: string, file: string, text: string): string {
  writeFileSync(path.join(root, file), text);
  git(root, 'add', file);
  git(root, 'commit', '-qm', `change ${file}`);
  return git(root, 'rev-parse', 'HEAD');
}

describe('images.json', () => {
  test('every image goes to a shared ECR repository, and names an environment key the schema has', () => {
    for (const image of WORKLOAD_IMAGES) expect(shared.registry.repositories).toContain(image.repository);
    expect(WORKLOAD_IMAGES.map((i) => i.repository).sort()).toEqual([...shared.registry.repositories].sort());
    for (const image of WORKLOAD_IMAGES.filter((i) => i.environmentKey)) {
      for (const env of Object.values(environmentInputs)) expect(environmentImageHolder(env, image.environmentKey!)).toHaveProperty('imageTag');
    }
  });

  test('every workload folder with a Dockerfile is listed', () => {
    const folders = readdirSync(path.join(REPOSITORY_ROOT, 'workloads')).filter((d) => existsSync(path.join(REPOSITORY_ROOT, 'workloads', d, 'Dockerfile')));
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) expect(WORKLOAD_IMAGES.map((i) => i.workload)).toContain(folder);
  });
});

describe('environment tags', () => {
  // The environments name the same tags: each (workload, commit) is computed once (three git runs).
  const computed = new Map<string, string>();
  const expectedTagAt = (workload: string, commit: string) => {
    const key = `${workload}@${commit}`;
    if (!computed.has(key)) computed.set(key, expectedTag(workload, git(REPOSITORY_ROOT, 'rev-parse', '--verify', '--quiet', `${commit}^{commit}`)));
    return computed.get(key)!;
  };

  test.each(Object.entries(environmentInputs))('%s names tags build-image.yml produces', (_name, env) => {
    for (const image of WORKLOAD_IMAGES.filter((i) => i.environmentKey)) {
      const tag = environmentImageHolder(env, image.environmentKey!)!.imageTag!;
      expect(tag).toMatch(WORKLOAD_IMAGE_TAG_PATTERN);
      if (!existsSync(path.join(REPOSITORY_ROOT, 'workloads', image.workload, 'Dockerfile'))) continue; // not in this tree yet
      // The tag's commit changed the workload, and the version is the workload's version at that commit.
      const commit = tag.slice(tag.lastIndexOf('-') + 1);
      expect(expectedTagAt(image.workload, commit)).toBe(tag);
    }
  });

  test('the model URI is the champion alias of the model the model DAG registers', () => {
    for (const env of Object.values(environmentInputs)) {
      expect(env.workloads.modelServing.modelUri).toMatch(/^models:\/[^/@]+@champion$/);
      expect(env.workloads.modelServing.modelUri).toBe(`models:/${WORKLOAD_REGISTRY.modelName}@${WORKLOAD_REGISTRY.championAlias}`);
    }
  });
});

describe('tags', () => {
  test('projectVersion reads [project] version only', () => {
    expect(projectVersion('[tool.x]\nversion = "9.9.9"\n[project]\nname = "a"\nversion = "1.2.3"\n')).toBe('1.2.3');
    expect(() => projectVersion('[project]\nname = "a"\n', 'w/pyproject.toml')).toThrow(/w\/pyproject.toml: \[project\] version \(missing\)/);
    expect(() => projectVersion('[project]\nversion = "1.2"\n')).toThrow(/must be MAJOR.MINOR.PATCH/);
  });

  test('imageTag is <version>-<sha12>', () => {
    expect(imageTag('0.1.0', 'a'.repeat(40))).toBe(`0.1.0-${'a'.repeat(12)}`);
    expect(() => imageTag('0.1.0', 'xyz')).toThrow(ImageTagError);
  });

  test('expectedTag follows the last commit that changed the workload or a shared input', () => {
    const root = scratchRepository();
    const first = git(root, 'rev-parse', 'HEAD');
    expect(expectedTag('model-api', 'HEAD', root)).toBe(`0.3.1-${first.slice(0, 12)}`);
    const api = commitFile(root, 'workloads/model-api/app.py', 'x\n');
    expect(expectedTag('model-api', 'HEAD', root)).toBe(`0.3.1-${api.slice(0, 12)}`);
    expect(expectedTag('mlflow-server', 'HEAD', root)).toBe(`0.3.1-${first.slice(0, 12)}`);
    const contract = commitFile(root, 'workloads/contract/contract.json', '{"a":1}\n');
    expect(expectedTag('mlflow-server', 'HEAD', root)).toBe(`0.3.1-${contract.slice(0, 12)}`);
    commitFile(root, 'README.md', 'unrelated\n');
    expect(expectedTag('mlflow-server', 'HEAD', root)).toBe(`0.3.1-${contract.slice(0, 12)}`);
  });
});

describe('plan', () => {
  test('lists only the workloads whose sources changed, or all of them for a new branch', () => {
    const root = scratchRepository();
    const base = git(root, 'rev-parse', 'HEAD');
    const head = commitFile(root, 'workloads/model-api/app.py', 'x\n');
    const changed = planMatrix(root, head, base).include;
    expect(changed).toEqual([
      { workload: 'model-api', repository: 'model-serving', context: 'workloads', dockerfile: 'workloads/model-api/Dockerfile', tag: `0.3.1-${head.slice(0, 12)}`, environmentKey: 'workloads.modelServing' },
    ]);
    expect(planMatrix(root, head, '0'.repeat(40)).include.map((e) => e.workload)).toEqual(['model-api', 'mlflow-server']);
    const shared = commitFile(root, 'workloads/contract/contract.json', '{"b":1}\n');
    expect(planMatrix(root, shared, head).include.map((e) => e.workload)).toEqual(['model-api', 'mlflow-server']);
    expect(planMatrix(root, commitFile(root, 'README.md', 'x\n'), shared).include).toEqual([]);
  });
});

describe('rewriting environment files', () => {
  const tag = '0.2.0-0123456789ab';

  test('changes exactly the one literal', () => {
    const before = readImageTag(DEV, 'dev.ts', 'workloads.modelServing');
    const after = setImageTag(DEV, 'dev.ts', 'workloads.modelServing', tag);
    expect(readImageTag(after, 'dev.ts', 'workloads.modelServing')).toBe(tag);
    expect(after.replace(tag, before)).toBe(DEV);
    expect(readImageTag(after, 'dev.ts', 'workloads.mlflow')).toBe(readImageTag(DEV, 'dev.ts', 'workloads.mlflow'));
  });

  test('refuses a file whose shape it does not know, naming the field', () => {
    expect(() => readImageTag('export const x = { workloads: {} };', 'e.ts', 'workloads.mlflow')).toThrow(/e.ts: workloads.mlflow.imageTag: not found \(at "mlflow"\)/);
    expect(() => readImageTag('export const x = { workloads: { mlflow: { imageTag: tag } } };', 'e.ts', 'workloads.mlflow')).toThrow(/must be a string literal/);
    expect(() => readImageTag('const x = 1;', 'e.ts', 'workloads.mlflow')).toThrow(/expected one exported environment object, found 0/);
  });

  test('set and promote rewrite the environment files and report each change', () => {
    const root = scratchRepository();
    expect(setTags(root, 'dev', new Map([['model-api', tag]]))).toEqual([
      `- \`dev\` model-api (\`model-serving\`): \`${readImageTag(DEV, 'dev.ts', 'workloads.modelServing')}\` → \`${tag}\``,
    ]);
    expect(setTags(root, 'dev', new Map([['model-api', tag]]))).toEqual([]);
    const promoted = promoteTags(root, 'dev', 'staging');
    expect(promoted.some((line) => line.includes('`staging` model-api') && line.endsWith(`\`${tag}\``))).toBe(true);
    expect(readImageTag(readFileSync(path.join(root, 'environments', 'staging.ts'), 'utf8'), 'staging.ts', 'workloads.modelServing')).toBe(tag);
  });

  test('moves the Airflow pipelines image at platform.airflow.imageTag', () => {
    const root = scratchRepository();
    setTags(root, 'dev', new Map([['pipelines', tag]]));
    expect(readImageTag(readFileSync(path.join(root, 'environments', 'dev.ts'), 'utf8'), 'dev.ts', 'platform.airflow')).toBe(tag);
  });

  test('refuses bad tags, workloads and environments before writing', () => {
    const root = scratchRepository();
    expect(() => setTags(root, 'dev', new Map([['model-api', 'latest']]))).toThrow(/model-api: tag "latest" is not/);
    expect(() => setTags(root, 'dev', new Map([['nope', tag]]))).toThrow(/unknown workload "nope"/);
    expect(() => setTags(root, 'qa', new Map([['model-api', tag]]))).toThrow(/environment "qa" is not an environment name/);
    expect(() => setTags(root, 'test', new Map([['model-api', tag]]))).toThrow(/environment "test": environments\/test.ts does not exist/);
    expect(() => promoteTags(root, 'dev', 'dev')).toThrow(/both "dev"/);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });
});

describe('cli', () => {
  function cli(root: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
    return { code: run(args, io, root), stdout, stderr };
  }

  test('exit codes: 0 done, 1 bad value, 2 usage', () => {
    const root = scratchRepository();
    expect(cli(root, '--help')).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
    expect(cli(root, 'set', '--env', 'dev', 'model-api=0.2.0-0123456789ab')).toMatchObject({ code: 0, stdout: expect.stringContaining('→ `0.2.0-0123456789ab`') });
    expect(cli(root, 'set', '--env', 'dev', 'model-api=0.2.0-0123456789ab')).toMatchObject({ code: 0, stdout: 'no change\n' });
    expect(cli(root, 'set', '--env', 'dev', 'model-api=v1')).toMatchObject({ code: 1, stderr: expect.stringContaining('tag "v1"') });
    expect(cli(root, 'set', '--env', 'dev')).toMatchObject({ code: 2 });
    expect(cli(root, 'bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "bogus"') });
    const plan = cli(root, 'plan', '--all');
    expect(plan.code).toBe(0);
    expect((JSON.parse(plan.stdout) as { include: unknown[] }).include).toHaveLength(2);
  });
});
