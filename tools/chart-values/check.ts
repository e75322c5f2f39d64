/**
 * Checks the values of every `helm_release` in synthesized Terraform JSON against the key tree of the
 * chart version it installs (`trees/<chart>-<version>.json`), so a key the chart does not have (a typo,
 * a key from another chart version, a key only a different chart reads) is caught before any apply.
 */
import { parse } from 'yaml';
import { readTreeFile } from './cli';
import { unknownKeys } from './key-tree';
import { isRecord, records } from '../lib/terraform-json';

export interface ReleaseValuesProblem {
  /** `<stack>/<release resource name>` */
  readonly release: string;
  readonly chart: string;
  readonly version: string;
  readonly message: string;
}

/** The releases of one stack's Terraform JSON, checked; `stack` names them in the messages. */
export function checkReleaseValues(stack: string, terraform: unknown): ReleaseValuesProblem[] {
  const problems: ReleaseValuesProblem[] = [];
  const resources = isRecord(terraform) && isRecord(terraform.resource) ? terraform.resource.helm_release : undefined;
  for (const [name, release] of Object.entries(isRecord(resources) ? resources : {})) {
    if (!isRecord(release)) continue;
    const chart = String(release.chart);
    const version = String(release.version);
    const at = { release: `${stack}/${name}`, chart, version };
    const file = readTreeFile(chart, version);
    if (!file) {
      problems.push({ ...at, message: `no key tree for ${chart} ${version}: add it to tools/chart-values/sources.ts and run npm run chart-values` });
      continue;
    }
    const documents = [...(Array.isArray(release.values) ? release.values : []), ...records(release.set)];
    for (const document of documents) {
      const values = typeof document === 'string' ? parse(document) : isRecord(document) ? { [String(document.name)]: document.value } : undefined;
      for (const key of unknownKeys(file.tree, values)) {
        problems.push({ ...at, message: `${key} is not a key of ${chart} ${version} (${file.source.repository}@${file.source.tag})` });
      }
    }
  }
  return problems;
}
