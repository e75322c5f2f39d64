/**
 * `npm run diagram`: one architecture diagram per environment, `docs/diagrams/<env>.svg`, from the
 * synthesized Terraform JSON (`cdktf.out/stacks/*\/cdk.tf.json`, run `npm run synth` first) and the
 * Kubernetes manifests (`dist/k8s/<env>/*.yaml`) when present.
 *
 *   npm run diagram -- [--out DIR] [--cdktf-out DIR] [--k8s-out DIR] [--dot]
 *
 * `--dot` also writes the DOT source next to each SVG.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { renderDot } from './dot';
import { buildModels, type DiagramInput, type Json, type StackInput, type TerraformJson } from './model';
import { renderSvgs } from './svg';

export interface CliOptions {
  readonly cdktfOut: string;
  readonly k8sOut: string;
  readonly outDir: string;
  readonly writeDot: boolean;
}

export function parseArgs(argv: readonly string[], root: string): CliOptions {
  const options = { cdktfOut: path.join(root, 'cdktf.out'), k8sOut: path.join(root, 'dist', 'k8s'), outDir: path.join(root, 'docs', 'diagrams'), writeDot: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return path.resolve(v);
    };
    if (arg === '--out') options.outDir = value();
    else if (arg === '--cdktf-out') options.cdktfOut = value();
    else if (arg === '--k8s-out') options.k8sOut = value();
    else if (arg === '--dot') options.writeDot = true;
    else throw new Error(`unknown argument "${arg}"; usage: npm run diagram -- [--out DIR] [--cdktf-out DIR] [--k8s-out DIR] [--dot]`);
  }
  return options;
}

/** Reads the synthesized stacks and manifests. */
export function readInput(cdktfOut: string, k8sOut: string): DiagramInput {
  const stacksDir = path.join(cdktfOut, 'stacks');
  if (!fs.existsSync(stacksDir)) throw new Error(`${stacksDir} does not exist; run \`npm run synth\` first`);
  const stacks: StackInput[] = fs
    .readdirSync(stacksDir)
    .filter((name) => fs.existsSync(path.join(stacksDir, name, 'cdk.tf.json')))
    .sort()
    .map((name) => ({ name, json: JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as TerraformJson }));
  const manifests: Record<string, Json[]> = {};
  if (fs.existsSync(k8sOut)) {
    for (const env of fs.readdirSync(k8sOut).sort()) {
      const dir = path.join(k8sOut, env);
      if (!fs.statSync(dir).isDirectory()) continue;
      manifests[env] = fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON() as Json))
        .filter((d) => d !== null);
    }
  }
  return { stacks, manifests };
}

export function main(argv: readonly string[]): number {
  const root = path.resolve(__dirname, '..', '..');
  const options = parseArgs(argv, root);
  const models = buildModels(readInput(options.cdktfOut, options.k8sOut));
  if (models.length === 0) throw new Error(`no environment stacks in ${options.cdktfOut}`);
  const dots = models.map(renderDot);
  const svgs = renderSvgs(dots, root);
  fs.mkdirSync(options.outDir, { recursive: true });
  models.forEach((model, i) => {
    fs.writeFileSync(path.join(options.outDir, `${model.name}.svg`), svgs[i]);
    if (options.writeDot) fs.writeFileSync(path.join(options.outDir, `${model.name}.dot`), dots[i]);
    const facts = [
      `${model.vpc?.subnets.length ?? 0} subnets`,
      `${model.cluster?.nodeGroups.length ?? 0} node groups`,
      `${model.databases.length} databases`,
      `${model.buckets.length} buckets`,
      `${model.workloads.length} workloads`,
      `${model.edges.length} edges`,
    ];
    console.log(`diagram: ${path.relative(process.cwd(), path.join(options.outDir, `${model.name}.svg`))} (${facts.join(', ')})`);
  });
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`diagram: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
