/**
 * Regenerates the committed key trees (`tools/chart-values/trees/*.json`) from each chart's own files
 * at its release tag, read with `git show <tag>:<path>` from local clones or bare mirrors:
 *
 *   npm run chart-values -- --repos DIR [--check] [CHART...]
 *
 * DIR holds one clone per repository as `<owner>+<name>` (a bare `repo` folder inside is accepted,
 * as `fetch` lays them out) or `<owner>/<name>`. `--check` writes nothing and exits 1 when a committed
 * tree differs from what the chart's files give. A chart whose repository is missing is reported and
 * skipped (exit 1).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { buildKeyTree, type KeyTree } from './key-tree';
import { CHART_SOURCES, treeFileName, type ChartSource } from './sources';

export const TREES_DIR = path.join(__dirname, 'trees');

/** What a tree file holds: the tree and where it was read from. */
export interface TreeFile {
  readonly chart: string;
  readonly version: string;
  readonly source: { readonly repository: string; readonly tag: string; readonly path: string };
  /** Dependencies whose keys are not checked (no source listed): any key under them passes. */
  readonly unresolvedDependencies: readonly string[];
  readonly generatedBy: string;
  readonly tree: KeyTree;
}

type Git = (repository: string, args: string[]) => string;

function gitReader(reposDir: string): Git {
  return (repository, args) => {
    const [owner, name] = repository.split('/');
    const candidates = [path.join(reposDir, `${owner}+${name}`, 'repo'), path.join(reposDir, `${owner}+${name}`), path.join(reposDir, owner, name)];
    const dir = candidates.find((c) => fs.existsSync(c));
    if (!dir) throw new Error(`no clone of ${repository} under ${reposDir} (looked for ${candidates.join(', ')})`);
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  };
}

interface Built {
  tree: KeyTree;
  unresolved: string[];
}

function buildFromGit(git: Git, source: Pick<ChartSource, 'repository' | 'tag' | 'path'>, label: string): Built {
  const show = (file: string) => git(source.repository, ['show', `${source.tag}:${source.path}/${file}`]);
  const files = git(source.repository, ['ls-tree', '-r', '--name-only', source.tag, '--', `${source.path}/`]).split('\n').filter(Boolean);
  const relative = files.map((f) => f.slice(source.path.length + 1));
  const templates = relative.filter((f) => f.startsWith('templates/')).map(show);
  const chart = parse(show('Chart.yaml')) as { dependencies?: { name: string; alias?: string; version: string; repository?: string }[] };
  const dependencies: Record<string, KeyTree> = {};
  const unresolved: string[] = [];
  for (const dep of chart.dependencies ?? []) {
    const key = dep.alias ?? dep.name;
    const listed = CHART_SOURCES.find((s) => s.chart === dep.name && s.version === dep.version);
    const local = !dep.repository || dep.repository.startsWith('file://');
    if (listed || local) {
      const sub = buildFromGit(git, listed ?? { ...source, path: `${source.path}/charts/${dep.name}` }, `${label} > ${dep.name}`);
      dependencies[key] = sub.tree;
      unresolved.push(...sub.unresolved.map((u) => `${key}.${u}`));
    } else {
      dependencies[key] = '*';
      unresolved.push(`${key} (${dep.name} ${dep.version} from ${dep.repository})`);
    }
  }
  const tree = buildKeyTree({
    values: relative.includes('values.yaml') ? show('values.yaml') : '{}',
    schema: relative.includes('values.schema.json') ? show('values.schema.json') : undefined,
    templates,
    dependencies,
  });
  return { tree, unresolved };
}

export function treeFile(git: Git, source: ChartSource): TreeFile {
  const built = buildFromGit(git, source, `${source.chart}@${source.version}`);
  return {
    chart: source.chart,
    version: source.version,
    source: { repository: source.repository, tag: source.tag, path: source.path },
    unresolvedDependencies: built.unresolved,
    generatedBy: 'npm run chart-values -- --repos DIR (tools/chart-values/cli.ts); do not edit by hand',
    tree: built.tree,
  };
}

/** The committed tree of a chart version, or undefined when none has been generated. */
export function readTreeFile(chart: string, version: string): TreeFile | undefined {
  const file = path.join(TREES_DIR, treeFileName(chart, version));
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as TreeFile) : undefined;
}

export function main(argv: string[]): number {
  const check = argv.includes('--check');
  const reposAt = argv.indexOf('--repos');
  const reposDir = reposAt >= 0 ? argv[reposAt + 1] : undefined;
  if (!reposDir) {
    console.error('usage: npm run chart-values -- --repos DIR [--check] [CHART...]');
    return 2;
  }
  const named = argv.filter((a, i) => !a.startsWith('--') && i !== reposAt + 1);
  const unknown = named.filter((n) => !CHART_SOURCES.some((s) => s.chart === n));
  if (unknown.length > 0) {
    console.error(`unknown chart(s): ${unknown.join(', ')}; listed in tools/chart-values/sources.ts: ${CHART_SOURCES.map((s) => s.chart).join(', ')}`);
    return 2;
  }
  const git = gitReader(reposDir);
  let failed = false;
  for (const source of CHART_SOURCES.filter((s) => named.length === 0 || named.includes(s.chart))) {
    const label = `${source.chart}@${source.version}`;
    let text: string;
    try {
      text = `${JSON.stringify(treeFile(git, source), null, 1)}\n`;
    } catch (error) {
      console.error(`${label}: not generated: ${(error as Error).message.split('\n')[0]}`);
      failed = true;
      continue;
    }
    const file = path.join(TREES_DIR, treeFileName(source.chart, source.version));
    if (check) {
      const same = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text;
      console.log(`${label}: ${same ? 'up to date' : 'DIFFERS from the chart'}`);
      failed ||= !same;
    } else {
      fs.mkdirSync(TREES_DIR, { recursive: true });
      fs.writeFileSync(file, text);
      console.log(`${label}: wrote ${path.relative(process.cwd(), file)}`);
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
