import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import { KubernetesManifests } from '../../../constructs/kubernetes';
import { synthJson } from '../../helpers';

const source = (...objects: object[]) => ({ toJson: () => objects });
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } };
const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { a: '1' } };

function stack() {
  const s = new TerraformStack(Testing.app(), 'test');
  new KubernetesProvider(s, 'kubernetes', {});
  return s;
}

describe('KubernetesManifests', () => {
  it('applies each object as a kubernetes_manifest named Kind/namespace/name, namespaces first', () => {
    const s = stack();
    const manifests = new KubernetesManifests(s, 'Manifests', { sources: [source(config, namespace)] });
    expect(Object.keys(manifests.manifests)).toEqual(['Namespace/_cluster/apps', 'ConfigMap/apps/settings']);
    const json = synthJson(s) as unknown as { resource: { kubernetes_manifest: Record<string, Record<string, unknown>> } };
    const resources = Object.values(json.resource.kubernetes_manifest);
    const configMap = resources.find((r) => (r.manifest as { kind: string }).kind === 'ConfigMap')!;
    expect(configMap).toMatchObject({ manifest: config, field_manager: { name: 'cdktf-platform', force_conflicts: true } });
    expect(configMap.depends_on).toEqual([expect.stringMatching(/^kubernetes_manifest\.Manifests_Namespace/)]);
    const ns = resources.find((r) => (r.manifest as { kind: string }).kind === 'Namespace')!;
    expect(ns.depends_on).toBeUndefined();
  });

  it('waits for Deployments, StatefulSets and DaemonSets to roll out, so an unpullable image fails the apply', () => {
    const s = stack();
    const workload = (kind: string) => ({ apiVersion: 'apps/v1', kind, metadata: { name: kind.toLowerCase(), namespace: 'apps' }, spec: {} });
    new KubernetesManifests(s, 'Manifests', { sources: [source(namespace, config, workload('Deployment'), workload('StatefulSet'), workload('DaemonSet'))], rolloutTimeout: '15m' });
    const json = synthJson(s) as unknown as { resource: { kubernetes_manifest: Record<string, Record<string, unknown>> } };
    const byKind = new Map(Object.values(json.resource.kubernetes_manifest).map((r) => [(r.manifest as { kind: string }).kind, r]));
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet']) {
      expect(byKind.get(kind)).toMatchObject({ wait: { rollout: true }, timeouts: { create: '15m', update: '15m' } });
    }
    for (const kind of ['Namespace', 'ConfigMap']) {
      expect(byKind.get(kind)).not.toHaveProperty('wait');
      expect(byKind.get(kind)).not.toHaveProperty('timeouts');
    }
  });

  it('fails when rolloutTimeout is not a Go duration', () => {
    expect(() => new KubernetesManifests(stack(), 'Manifests', { sources: [source(config)], rolloutTimeout: '10 minutes' })).toThrow(/rolloutTimeout "10 minutes" must be a Go duration/);
  });

  it('fails when two objects share a kind, namespace and name', () => {
    expect(() => new KubernetesManifests(stack(), 'Manifests', { sources: [source(config), source(config)] })).toThrow(
      'test/Manifests: two objects are named ConfigMap/apps/settings',
    );
  });

  it('keeps the objects it applied from each source, once: objectsOf(source), and refuses a source it never had', () => {
    const calls: string[] = [];
    const counted = (name: string, ...objects: object[]) => ({ toJson: () => (calls.push(name), objects) });
    const first = counted('first', namespace, config);
    const second = counted('second', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'apps' } });
    const manifests = new KubernetesManifests(stack(), 'Manifests', { sources: [first, second] });
    expect(manifests.objectsOf(first)).toEqual([namespace, config]);
    expect(manifests.objectsOf(second)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'apps' } }]);
    expect(calls).toEqual(['first', 'second']);
    expect(() => manifests.objectsOf(source(config))).toThrow('test/Manifests: objectsOf() was given a source that is not one of its sources');
  });

  it('fails when an object has no name', () => {
    expect(() => new KubernetesManifests(stack(), 'Manifests', { sources: [source({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })] })).toThrow(
      /every object needs a kind and metadata\.name/,
    );
  });
});
