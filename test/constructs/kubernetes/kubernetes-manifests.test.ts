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

  it('waits for Deployments to roll out, so an image that cannot be pulled fails the apply', () => {
    const s = stack();
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'apps' }, spec: {} };
    new KubernetesManifests(s, 'Manifests', { sources: [source(namespace, config, deployment)] });
    const json = synthJson(s) as unknown as { resource: { kubernetes_manifest: Record<string, Record<string, unknown>> } };
    const byKind = (kind: string) => Object.values(json.resource.kubernetes_manifest).find((r) => (r.manifest as { kind: string }).kind === kind)!;
    expect(byKind('Deployment')).toMatchObject({ wait: { rollout: true }, timeouts: { create: '10m', update: '10m' } });
    expect(byKind('ConfigMap').wait).toBeUndefined();
  });

  it('fails when two objects share a kind, namespace and name', () => {
    expect(() => new KubernetesManifests(stack(), 'Manifests', { sources: [source(config), source(config)] })).toThrow(
      'test/Manifests: two objects are named ConfigMap/apps/settings',
    );
  });

  it('fails when an object has no name', () => {
    expect(() => new KubernetesManifests(stack(), 'Manifests', { sources: [source({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })] })).toThrow(
      /every object needs a kind and metadata\.name/,
    );
  });
});
