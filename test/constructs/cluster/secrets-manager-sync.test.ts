import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { SecretsManagerSync } from '../../../constructs/cluster/secrets-manager-sync';
import { environments, shared } from '../../../environments';
import { ClusterStack } from '../../../stacks/cluster-stack';
import { NetworkStack } from '../../../stacks/network-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const chart = { repository: 'https://charts.example', chart: 'raw', version: '1.0.0' };
const secretArn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-AbCdEf';

function synth(extra: Partial<ConstructorParameters<typeof SecretsManagerSync>[2]> = {}): Json {
  const app = Testing.app();
  const network = new NetworkStack(app, shared, environments.dev);
  const { cluster } = new ClusterStack(app, shared, environments.dev, { network: network.network });
  const stack = cluster.node.scope as ClusterStack;
  new KubernetesProvider(stack, 'kubernetes', {});
  new HelmProvider(stack, 'helm', {});
  new SecretsManagerSync(stack, 'AppSecret', {
    cluster,
    namespace: 'apps',
    serviceAccount: 'app-secrets-reader',
    secretArn,
    region: 'eu-west-1',
    targetSecretName: 'app-credentials',
    properties: ['username', 'password'],
    manifestsChart: chart,
    releaseName: 'app-secrets',
    dependsOn: [],
    ...extra,
  });
  app.synth();
  return JSON.parse(Testing.synth(stack, true));
}

const policyNamed = (json: Json, prefix: string) =>
  json.data.aws_iam_policy_document[Object.keys(json.data.aws_iam_policy_document).find((k) => k.startsWith(prefix))!];

describe('SecretsManagerSync', () => {
  const json = synth();
  const release = Object.values(json.resource.helm_release as Json).find((r: Json) => r.name === 'app-secrets') as Json;
  const [store, external] = parse(release.values[0]).resources as Json[];

  it('syncs the named properties through a SecretStore that authenticates as the reader service account', () => {
    expect(release).toMatchObject({ namespace: 'apps', ...chart, atomic: true });
    expect(store).toMatchObject({ kind: 'SecretStore', spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1', auth: { jwt: { serviceAccountRef: { name: 'app-secrets-reader' } } } } } } });
    expect(external.spec.secretStoreRef.name).toBe(store.metadata.name);
    expect(external.spec.target).toEqual({ name: 'app-credentials', creationPolicy: 'Owner' });
    expect(external.spec.data).toEqual([
      { secretKey: 'username', remoteRef: { key: secretArn, property: 'username' } },
      { secretKey: 'password', remoteRef: { key: secretArn, property: 'password' } },
    ]);
  });

  it('lets the reader read exactly that secret, and nothing else', () => {
    expect(policyNamed(json, 'AppSecret_AppSecretReader_Permissions').statement).toEqual([
      { sid: 'ReadTheSecret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [secretArn] },
    ]);
    expect(policyNamed(json, 'AppSecret_AppSecretReader_Trust').statement[0].condition[0].values).toEqual(['system:serviceaccount:apps:app-secrets-reader']);
  });

  it('decrypts with a customer-managed key only through Secrets Manager, and builds derived values in the cluster', () => {
    const withKey = synth({ kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k', template: { url: 'postgresql://{{ .username }}' } });
    expect(policyNamed(withKey, 'AppSecret_AppSecretReader_Permissions').statement[1]).toEqual({
      sid: 'DecryptTheSecret',
      actions: ['kms:Decrypt'],
      resources: ['arn:aws:kms:eu-west-1:111111111111:key/k'],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] }],
    });
    const values = parse((Object.values(withKey.resource.helm_release as Json)[0] as Json).values[0]);
    expect(values.resources[1].spec.target.template).toEqual({ engineVersion: 'v2', data: { url: 'postgresql://{{ .username }}' } });
  });
});
