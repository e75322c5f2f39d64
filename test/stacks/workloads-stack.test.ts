import { App } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { environments, shared } from '../../environments';
import { buildPlatform } from '../../stacks/platform';
import { WORKLOAD_IDENTITIES } from '../../stacks/workloads-stack';
import { installFastResolve } from '../../tools/synth/fast-resolve';
import { expectRestrictedPod, podSpecOf, schemaProblemsOfEach, type Manifest } from '../k8s/helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The whole platform, synthesized once the way `npm run synth` does it, into a scratch directory. */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'workloads-'));
const app = new App({ outdir });
const platform = buildPlatform(app, {
  shared,
  environments: Object.values(environments),
  manifestOutdir: (env) => path.join(outdir, 'k8s', env),
});
// Tokens resolved as `npm run synth` resolves them: cdktf's output byte for byte
// (test/tools/synth/fast-resolve.test.ts), in a fraction of the time.
const restoreResolve = installFastResolve();
try {
  app.synth();
  platform.synthManifests();
} finally {
  restoreResolve();
}
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function yamlOf(env: string): Manifest[] {
  const dir = path.join(outdir, 'k8s', env);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON() as Manifest));
}
const stackJson = (stack: string): Json => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
const named = (objects: Manifest[], kind: string, namespace: string) => objects.filter((o) => o.kind === kind && o.metadata.namespace === namespace);

const objectsOf = Object.fromEntries(Object.keys(environments).map((env) => [env, yamlOf(env)]));
let schemaResults: Record<string, ReturnType<typeof schemaProblemsOfEach>[number]> | undefined;
/** The schema check of one environment's objects; the first call checks every environment's in one child process. */
function schemaProblemsOf(env: string) {
  if (!schemaResults) {
    const envs = Object.keys(objectsOf);
    const results = schemaProblemsOfEach(envs.map((e) => objectsOf[e]));
    schemaResults = Object.fromEntries(envs.map((e, i) => [e, results[i]]));
  }
  return schemaResults[env];
}

describe.each(Object.values(environments).map((e) => [e.name, e] as const))('%s workloads', (name, environment) => {
  const objects = objectsOf[name];
  const json = stackJson(`${name}-workloads`);

  it('writes Deployment, Service, HPA and PDB for model serving and MLflow, and the data-validation CronJob', () => {
    for (const namespace of ['model-serving', 'mlflow']) {
      for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceMonitor', 'NetworkPolicy', 'ServiceAccount']) {
        expect(named(objects, kind, namespace)).toHaveLength(1);
      }
    }
    expect(named(objects, 'CronJob', 'data-pipelines')).toHaveLength(1);
    // Clients inside the network reach the model API through an internal load balancer.
    expect(named(objects, 'Ingress', 'model-serving')).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ annotations: expect.objectContaining({ 'alb.ingress.kubernetes.io/scheme': 'internal' }) }) }),
    ]);
    expect(objects.filter((o) => o.kind === 'PrometheusRule')).toHaveLength(1);
    expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1').length).toBeGreaterThan(0);
  });

  it('passes the Kubernetes and prometheus-operator schemas, object by object', () => {
    const { problems, unmodelled } = schemaProblemsOf(name);
    expect(problems).toEqual([]);
    // Only External Secrets objects lack a published model; their required fields are checked by hand.
    expect(new Set(unmodelled.map((o) => o.kind))).toEqual(new Set(['SecretStore', 'ExternalSecret']));
    for (const object of unmodelled) expect(object.spec).toBeDefined();
  });

  it('runs every container non-root and read-only with requests, limits and, for services, probes', () => {
    const workloads = objects.filter((o) => ['Deployment', 'CronJob'].includes(o.kind));
    expect(workloads).toHaveLength(3);
    for (const workload of workloads) {
      const pod = podSpecOf(workload);
      expectRestrictedPod(pod);
      if (workload.kind === 'Deployment') {
        for (const container of pod.containers) {
          expect(container.readinessProbe).toBeDefined();
          expect(container.livenessProbe).toBeDefined();
          expect(container.startupProbe).toBeDefined();
        }
      }
    }
  });

  it('scales within the configured bounds and never pins replicas next to an HPA', () => {
    const hpa = (namespace: string) => named(objects, 'HorizontalPodAutoscaler', namespace)[0].spec;
    expect(hpa('model-serving')).toMatchObject({ minReplicas: environment.workloads.modelServing.minReplicas, maxReplicas: environment.workloads.modelServing.maxReplicas });
    expect(hpa('mlflow')).toMatchObject({ minReplicas: environment.workloads.mlflow.minReplicas, maxReplicas: environment.workloads.mlflow.maxReplicas });
    const cpuTarget = hpa('model-serving').metrics.find((m: Json) => m.resource?.name === 'cpu').resource.target.averageUtilization;
    expect(cpuTarget).toBe(environment.workloads.modelServing.targetCpuUtilizationPercent);
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) expect(deployment.spec.replicas).toBeUndefined();
  });

  it('pulls images by their immutable tags from the shared registry', () => {
    const images = objects.flatMap((o) => (podSpecOf(o)?.containers ?? []).map((c: Json) => c.image));
    const registry = `${shared.account.id}.dkr.ecr.${shared.account.region}.amazonaws.com`;
    expect(images.sort()).toEqual(
      [
        `${registry}/data-validation:${environment.workloads.dataValidation.imageTag}`,
        `${registry}/mlflow:${environment.workloads.mlflow.imageTag}`,
        `${registry}/model-serving:${environment.workloads.modelServing.imageTag}`,
      ].sort(),
    );
  });

  it('applies every object through the kubernetes provider, namespaces first', () => {
    const manifests = Object.values(json.resource.kubernetes_manifest as Json) as Json[];
    const applied = manifests.map((m) => `${m.manifest.kind}/${m.manifest.metadata.namespace ?? ''}/${m.manifest.metadata.name}`).sort();
    const reviewed = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    expect(applied).toEqual(reviewed);
    for (const m of manifests.filter((m) => m.manifest.kind !== 'Namespace')) {
      expect(m.depends_on.length).toBeGreaterThan(0);
      expect(m.depends_on.every((d: string) => d.startsWith('kubernetes_manifest.Manifests_Namespace'))).toBe(true);
    }
    expect(json.provider.kubernetes[0].exec[0]).toMatchObject({ command: 'aws', args: expect.arrayContaining(['eks', 'get-token', '--role-arn', '${var.aws_role_arn}']) });
  });

  it('gives each workload its own role, trusted only by the service account its pods use', () => {
    const trust = (roleKey: string) => {
      const role = json.resource.aws_iam_role[roleKey];
      const doc = /data\.aws_iam_policy_document\.([\w-]+)\.json/.exec(role.assume_role_policy)![1];
      return json.data.aws_iam_policy_document[doc].statement[0].condition.find((c: Json) => String(c.variable).endsWith(':sub')).values;
    };
    for (const [workload, identity] of Object.entries(WORKLOAD_IDENTITIES)) {
      const roleKey = Object.keys(json.resource.aws_iam_role).find((k) => k.toLowerCase().startsWith(workload.toLowerCase()))!;
      expect(trust(roleKey)).toEqual([`system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`]);
      const pods = objects.filter((o) => o.metadata.namespace === identity.namespace && podSpecOf(o));
      expect(pods.map((p) => podSpecOf(p).serviceAccountName)).toEqual([identity.serviceAccount]);
      const account = named(objects, 'ServiceAccount', identity.namespace).find((a) => a.metadata.name === identity.serviceAccount)!;
      expect(account.metadata.annotations!['eks.amazonaws.com/role-arn']).toBe(`\${aws_iam_role.${roleKey}.arn}`);
    }
  });

  it('reaches the database secret and buckets through references to the data stack, never copied values', () => {
    const text = JSON.stringify(json.resource.kubernetes_manifest);
    expect(text).toContain(`cross-stack-reference-input-${name}-data`);
    expect(text).not.toMatch(/password"\s*:\s*"/i);
    const mlflowPolicy = JSON.stringify(json.data.aws_iam_policy_document);
    expect(mlflowPolicy).toContain('secretsmanager:GetSecretValue');
    expect(mlflowPolicy).not.toMatch(/"s3:\*"|"\*"\]?,?\s*"resources"/);
  });

  it('points MLflow at its own database, not the one Airflow uses', () => {
    const external = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === 'mlflow')! as Json;
    expect(JSON.stringify(external.spec.target.template)).toMatch(/:5432\/mlflow\?sslmode=require/);
  });

  it('logs MLflow in as its own database user: its role reads that user\'s secret, not the master user\'s', () => {
    const external = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === 'mlflow')! as Json;
    const keys = new Set(external.spec.data.map((d: Json) => d.remoteRef.key));
    expect([...keys]).toEqual([expect.stringMatching(/cross-stack-output-aws_secretsmanager_secretDatabase_User-mlflow_Secret/)]);
    const policies = JSON.stringify(json.data.aws_iam_policy_document);
    expect(policies).toContain('aws_secretsmanager_secretDatabase_User-mlflow_Secret');
    expect(policies).not.toContain('master_user_secret');
  });

  it('is deployed after the platform stack that installs the CRDs', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks[`${name}-workloads`].dependencies).toEqual(expect.arrayContaining([`${name}-platform`, `${name}-cluster`, `${name}-data`]));
  });
});
