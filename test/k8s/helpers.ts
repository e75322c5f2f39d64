import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Chart, Testing as Cdk8sTesting } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Size } from 'cdk8s';
import type { ResourceRequirements } from '../../k8s';

/** A synthesized Kubernetes object, loosely typed for assertions. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
};

export const RESOURCES: ResourceRequirements = {
  cpu: { request: Cpu.millis(250), limit: Cpu.units(1) },
  memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
};

export const DIGEST = `sha256:${'a'.repeat(64)}`;
export const ROLE_ARN = 'arn:aws:iam::111111111111:role/workload';

/** A chart in a fresh app, with a namespace like the workload charts have. */
export function testChart(namespace = 'apps'): Chart {
  return new Chart(Cdk8sTesting.app(), 'test', { namespace });
}

/** Synthesizes (running every validation of the app) and returns the objects. */
export function synth(chart: Chart): Manifest[] {
  return Cdk8sTesting.synth(chart) as Manifest[];
}

export function ofKind(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

export function onlyOfKind(objects: readonly Manifest[], kind: string): Manifest {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PodSpec = any;

/** The pod spec of a Deployment, Job or CronJob. */
export function podSpecOf(object: Manifest): PodSpec | undefined {
  if (object.kind === 'Deployment' || object.kind === 'Job') return object.spec.template.spec;
  if (object.kind === 'CronJob') return object.spec.jobTemplate.spec.template.spec;
  return undefined;
}

/** Asserts the restricted security defaults on a pod and every container in it. */
export function expectRestrictedPod(pod: PodSpec): void {
  expect(pod.securityContext).toMatchObject({
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  expect(pod.securityContext.runAsGroup).toBeGreaterThan(0);
  expect(pod.securityContext.fsGroup).toBeGreaterThan(0);
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.hostNetwork ?? false).toBe(false);
  const containers = [...(pod.initContainers ?? []), ...pod.containers];
  expect(containers.length).toBeGreaterThan(0);
  for (const container of containers) {
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const kind of ['requests', 'limits']) {
      expect(container.resources[kind].cpu).toBeDefined();
      expect(container.resources[kind].memory).toBeDefined();
    }
    expect(container.image).toMatch(/(@sha256:[a-f0-9]{64}|:[\w][\w.-]*)$/);
    expect(container.image).not.toMatch(/:latest$/);
    // The read-only root filesystem leaves /tmp writable through an emptyDir.
    const tmp = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(tmp).toBeDefined();
    expect(pod.volumes.find((v: { name: string }) => v.name === tmp.name).emptyDir).toBeDefined();
  }
}

const NODE_MODULES = path.resolve(__dirname, '../../node_modules');

/**
 * Validates objects against the Kubernetes (kubernetes-models) and prometheus-operator
 * (@kubernetes-models/prometheus-operator) schemas. Those packages are ESM-only and Jest runs this suite
 * as CommonJS, so a child Node process loads them. Returns one problem a line; objects whose group has
 * no model (external-secrets.io) are reported in `unmodelled` for hand-written checks.
 */
export function schemaProblems(objects: readonly Manifest[]): { problems: string[]; unmodelled: Manifest[] } {
  return schemaProblemsOfEach([objects])[0];
}

/**
 * `schemaProblems` of several sets of objects, one result per set, through one child process: starting
 * Node and loading the models is most of its cost, and a file that checks each environment's objects
 * pays it once.
 */
export function schemaProblemsOfEach(sets: readonly (readonly Manifest[])[]): { problems: string[]; unmodelled: Manifest[] }[] {
  const objects = sets.flat();
  const script = `
    import { readFileSync } from 'node:fs';
    import { pathToFileURL } from 'node:url';
    const root = ${JSON.stringify(NODE_MODULES)};
    const objects = JSON.parse(readFileSync(0, 'utf8'));
    const results = [];
    for (const [index, object] of objects.entries()) {
      const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
      let file;
      if (group === 'monitoring.coreos.com') file = root + '/@kubernetes-models/prometheus-operator/' + group + '/' + version + '/' + object.kind + '.js';
      else if (group.endsWith('external-secrets.io')) { results.push({ index, unmodelled: true }); continue; }
      else file = root + '/kubernetes-models/' + (group ? group + '/' : '') + version + '/' + object.kind + '.js';
      try {
        const module = await import(pathToFileURL(file).href);
        new module[object.kind](object).validate();
        results.push({ index, ok: true });
      } catch (error) {
        results.push({ index, error: String(error && error.message ? error.message : error) });
      }
    }
    process.stdout.write(JSON.stringify(results));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(objects), encoding: 'utf8' });
  const results = JSON.parse(output) as { index: number; ok?: boolean; error?: string; unmodelled?: boolean }[];
  // The set each object came from, by its index in the flattened list.
  const setOf = sets.flatMap((set, i) => set.map(() => i));
  const out = sets.map(() => ({ problems: [] as string[], unmodelled: [] as Manifest[] }));
  for (const result of results) {
    const object = objects[result.index];
    const { problems, unmodelled } = out[setOf[result.index]];
    if (result.unmodelled) unmodelled.push(object);
    else if (!result.ok) problems.push(`${object.apiVersion} ${object.kind} ${object.metadata?.name}: ${result.error}`);
  }
  return out;
}

const PROMQL_WORDS = new Set([
  'sum', 'avg', 'max', 'min', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'absent', 'vector',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'or', 'and', 'unless', 'bool', 'time',
]);

/** Metric names a PromQL expression reads: identifiers outside label matchers, ranges, strings and groupings. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\boffset\s+\w+/g, '');
  return (stripped.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? []).filter((id) => !PROMQL_WORDS.has(id));
}

