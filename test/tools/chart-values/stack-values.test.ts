import { Testing } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { environments, shared } from '../../../environments';
import { OBSERVABILITY_CHARTS } from '../../../constructs/observability/cluster-observability';
import { buildPlatform } from '../../../stacks/platform';
import { PLATFORM_CHARTS } from '../../../stacks/platform-services-stack';
import { checkReleaseValues } from '../../../tools/chart-values/check';
import { TREES_DIR } from '../../../tools/chart-values/cli';
import { installFastResolve } from '../../../tools/synth/fast-resolve';
import { CHART_SOURCES, treeFileName } from '../../../tools/chart-values/sources';

/**
 * Chart versions checked by typed values instead of a key tree, and why (see the type's comment).
 * Once the tree is generated, remove the entry: the tree then checks the synthesized values too.
 */
const TYPED_NOT_TREED: Record<string, string> = {
  'airflow@1.21.0': 'constructs/orchestration/airflow-values.ts (apache/airflow is too large to mirror here)',
};

const app = Testing.app();
const platform = buildPlatform(app, { shared, environments: Object.values(environments) });
// Tokens resolved as `npm run synth` resolves them: cdktf's output byte for byte
// (test/tools/synth/fast-resolve.test.ts), in a fraction of the time.
const restoreResolve = installFastResolve();
try {
  app.synth();
} finally {
  restoreResolve();
}
const stacks = Object.values(platform.environments).flatMap((env) => Object.values(env));
// The Terraform JSON app.synth() wrote for each stack (what a deploy applies), read once: synthesizing a
// stack again per test repeated the resolve of every resource.
const synthesized = new Map(
  stacks.map((stack) => [stack, JSON.parse(fs.readFileSync(path.join(app.outdir, app.manifest.forStack(stack).synthesizedStackPath), 'utf8')) as Record<string, any>]), // eslint-disable-line @typescript-eslint/no-explicit-any
);

describe('every Helm value the stacks set is a key of the pinned chart version', () => {
  it.each(stacks.map((stack) => [stack.node.id, stack] as const))('%s', (_id, stack) => {
    const problems = checkReleaseValues(stack.node.id, synthesized.get(stack));
    const unchecked = problems.filter((p) => !(`${p.chart}@${p.version}` in TYPED_NOT_TREED && p.message.startsWith('no key tree')));
    expect(unchecked.map((p) => `${p.release}: ${p.message}`)).toEqual([]);
  });

  it.each(stacks.map((stack) => [stack.node.id, stack] as const))('%s: every persistent volume a chart is given has an explicit class and size', (_id, stack) => {
    const releases = Object.values((synthesized.get(stack)?.resource?.helm_release ?? {}) as Record<string, { values?: string[] }>);
    const problems: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (typeof node !== 'object' || node === null) return;
      const map = node as Record<string, unknown>;
      const persistence = map.persistence as Record<string, unknown> | undefined;
      if (persistence?.enabled === true && !(persistence.storageClassName && persistence.size)) problems.push(`${at}.persistence`);
      const claim = (map.volumeClaimTemplate as { spec?: Record<string, any> } | undefined)?.spec; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (claim && !(claim.storageClassName && claim.resources?.requests?.storage)) problems.push(`${at}.volumeClaimTemplate`);
      for (const [key, child] of Object.entries(map)) walk(child, at ? `${at}.${key}` : key);
    };
    for (const release of releases) for (const doc of release.values ?? []) walk(parse(doc), '');
    expect(problems).toEqual([]);
  });

  it('finds a key the chart does not have: fluent-bit 0.50.0 has no serviceMonitor.additionalLabels', () => {
    // A helm_release as cdktf writes it, with the values this repository set before the fix.
    const terraform = {
      resource: {
        helm_release: {
          FluentBitRelease: {
            chart: 'fluent-bit',
            version: '0.50.0',
            values: ['serviceMonitor:\n  enabled: true\n  additionalLabels:\n    release: kube-prometheus-stack\ntolerations:\n  - operator: Exists\n'],
          },
        },
      },
    };
    expect(checkReleaseValues('dev-platform', terraform)).toEqual([
      expect.objectContaining({ release: 'dev-platform/FluentBitRelease', message: expect.stringMatching(/^serviceMonitor\.additionalLabels is not a key of fluent-bit 0\.50\.0/) }),
    ]);
  });

  it('names a chart version that has no key tree', () => {
    const terraform = { resource: { helm_release: { R: { chart: 'metrics-server', version: '9.9.9', values: ['replicas: 1\n'] } } } };
    expect(checkReleaseValues('s', terraform)[0].message).toMatch(/no key tree for metrics-server 9\.9\.9/);
  });

  it('has a source for every pinned chart, and a committed tree for each unless its values are typed', () => {
    for (const chart of [...Object.values(PLATFORM_CHARTS), ...Object.values(OBSERVABILITY_CHARTS)]) {
      const label = `${chart.chart}@${chart.version}`;
      expect(CHART_SOURCES.map((s) => `${s.chart}@${s.version}`)).toContain(label);
      const tree = fs.existsSync(`${TREES_DIR}/${treeFileName(chart.chart, chart.version)}`);
      // Exactly one of the two: a generated tree makes the typed-only exception stale.
      expect({ label, tree }).toEqual({ label, tree: !(label in TYPED_NOT_TREED) });
    }
  });
});
