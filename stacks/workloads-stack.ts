import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App as Cdk8sApp } from 'cdk8s';
import { DefaultTokenResolver, StringConcat, type TerraformStack, Tokenization } from 'cdktf';
import type { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import type { KubernetesCluster } from '../constructs/cluster/kubernetes-cluster';
import { KubernetesManifests } from '../constructs/kubernetes';
import { planSubnets } from '../constructs/network/subnet-plan';
import { ecrRepositoryUrl } from '../constructs/registry';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { resourcesFromQuantities } from '../k8s/container';
import { buildWorkloadChartSet, type WorkloadCharts } from '../k8s/charts/workload-charts';
import { clusterConnection } from './cluster-connection';
import { APPLICATION_DATABASES, type DataStack } from './data-stack';
import { stackName } from './names';
import { PlatformStack } from './platform-stack';

/** Where each workload runs: its IRSA role trusts exactly this namespace and service account. */
export const WORKLOAD_IDENTITIES = {
  modelServing: { namespace: 'model-serving', serviceAccount: 'model-api' },
  mlflow: { namespace: 'mlflow', serviceAccount: 'mlflow' },
  dataValidation: { namespace: 'data-pipelines', serviceAccount: 'data-validation' },
} as const;

export interface WorkloadsStackDependencies {
  readonly cluster: KubernetesCluster;
  readonly data: DataStack;
  /** Stacks that must be applied first (the platform stack installs the CRDs these objects use). */
  readonly after?: readonly TerraformStack[];
  /**
   * Where `synthManifests()` writes the charts as YAML for review.
   * @default - `dist/k8s/<env>`
   */
  readonly manifestOutdir?: string;
}

/**
 * `<env>-workloads`: the platform's own workloads (model serving, MLflow, data validation, monitoring
 * rules and dashboards) as cdk8s charts, applied through the kubernetes provider, with the IRSA role
 * of each workload. Values from AWS (role ARNs, bucket names, database endpoint and secret) reach the
 * charts as typed props and appear in the Terraform JSON as references, never as copied strings.
 * Planned only once the cluster exists (like `<env>-platform`).
 */
export class WorkloadsStack extends PlatformStack {
  readonly charts: WorkloadCharts;
  readonly manifests: KubernetesManifests;
  private readonly k8sApp: Cdk8sApp;

  constructor(scope: Construct, shared: SharedConfig, environment: EnvironmentConfig, dependencies: WorkloadsStackDependencies) {
    super(scope, stackName(environment.name, 'workloads'), { shared, environment, backend: 's3' });
    const { cluster, data } = dependencies;
    const { workloads } = environment;
    for (const stack of dependencies.after ?? []) this.addDependency(stack);

    const role = (id: string, workload: keyof typeof WORKLOAD_IDENTITIES, policyStatements: Parameters<KubernetesCluster['irsaRole']>[1]['policyStatements']) =>
      cluster.irsaRole(id, { scope: this, ...WORKLOAD_IDENTITIES[workload], policyStatements });
    const modelServingRole = role('ModelServing', 'modelServing', data.buckets.mlflowArtifacts.accessStatements('read', 'Artifacts'));
    const mlflowRole = role('Mlflow', 'mlflow', [
      ...data.buckets.mlflowArtifacts.accessStatements('readWrite', 'Artifacts'),
      // MLflow's own database user; the master user's secret is only for the platform's bootstrap Job.
      ...data.databaseUsers.mlflow.readSecretStatements('Database'),
    ]);
    const dataValidationRole = role('DataValidation', 'dataValidation', [
      ...data.buckets.raw.accessStatements('read', 'Raw'),
      ...data.buckets.processed.accessStatements('readWrite', 'Processed'),
    ]);

    const image = (repository: string, tag: string) => ({ repositoryUrl: ecrRepositoryUrl(shared.account.id, shared.account.region, repository), tag });
    const web = (config: EnvironmentConfig['workloads']['mlflow']) => ({
      autoscaling: { minReplicas: config.minReplicas, maxReplicas: config.maxReplicas, targetCpuUtilizationPercent: config.targetCpuUtilizationPercent },
      resources: resourcesFromQuantities(config.resources),
    });

    const subnets = planSubnets(environment.network.cidr, environment.network.azCount);
    this.k8sApp = new Cdk8sApp({ outdir: dependencies.manifestOutdir ?? path.join('dist', 'k8s', environment.name) });
    this.charts = buildWorkloadChartSet(this.k8sApp, {
      environment: environment.name,
      modelServing: {
        ...web(workloads.modelServing),
        image: image('model-serving', workloads.modelServing.imageTag),
        iamRoleArn: modelServingRole.arn,
        modelUri: workloads.modelServing.modelUri,
        ingress: workloads.modelServing.ingress.enabled
          ? {
              // Subnets only load balancers use: pods get their addresses in the private subnets.
              loadBalancerSubnetCidrs: subnets.loadBalancer,
              podSubnetCidrs: subnets.private,
              clientCidrs: [environment.network.cidr],
              certificateArn: workloads.modelServing.ingress.certificateArn,
              host: workloads.modelServing.ingress.host,
            }
          : undefined,
      },
      mlflow: {
        ...web(workloads.mlflow),
        image: image('mlflow', workloads.mlflow.imageTag),
        iamRoleArn: mlflowRole.arn,
        artifactsBucketName: data.buckets.mlflowArtifacts.bucketName,
        database: {
          host: data.database.endpoint,
          port: data.database.port,
          name: APPLICATION_DATABASES.mlflow,
          secretArn: data.databaseUsers.mlflow.secretArn,
          passwordVersion: data.databaseUsers.mlflow.passwordVersion,
          region: environment.account.region,
          cidrs: subnets.database,
        },
      },
      dataValidation: {
        image: image('data-validation', workloads.dataValidation.imageTag),
        schedule: workloads.dataValidation.schedule,
        resources: resourcesFromQuantities(workloads.dataValidation.resources),
        iamRoleArn: dataValidationRole.arn,
        rawBucketName: data.buckets.raw.bucketName,
        processedBucketName: data.buckets.processed.bucketName,
      },
      // kube-prometheus-stack's namespace is created by the platform stack.
      monitoring: { paging: environment.observability.paging, thresholds: environment.observability.thresholds, createNamespace: false },
    });

    const connection = clusterConnection(this, cluster.clusterName);
    const provider = new KubernetesProvider(this, 'kubernetes', {
      host: connection.host,
      clusterCaCertificate: connection.clusterCaCertificate,
      exec: [connection.exec],
    });
    const charts = [this.charts.mlflow, this.charts.modelServing, this.charts.dataValidation, this.charts.monitoring];
    this.manifests = new KubernetesManifests(this, 'Manifests', { sources: charts, provider });
    // The review YAML (synthManifests) shows exactly the objects applied: cdk8s's App.synth() would call each
    // chart's toJson() again, resolving every object anew (as costly as the first call), for the same result.
    for (const chart of charts) {
      const applied = this.manifests.objectsOf(chart);
      chart.toJson = () => [...applied];
    }
  }

  /**
   * Writes the charts as YAML for review (`<outdir>/<chart>.k8s.yaml`). Values known only to Terraform
   * appear as the references Terraform resolves them from, e.g. `${aws_iam_role.Mlflow.arn}`.
   */
  synthManifests(): void {
    this.k8sApp.synth();
    const resolver = new DefaultTokenResolver(new StringConcat());
    const token = /\$\{TfToken\[TOKEN\.\d+\]\}/g;
    for (const file of fs.readdirSync(this.k8sApp.outdir).filter((f) => f.endsWith('.yaml'))) {
      const full = path.join(this.k8sApp.outdir, file);
      const text = fs.readFileSync(full, 'utf8');
      const resolved = text.replace(token, (match) => String(Tokenization.resolve(match, { scope: this, resolver, preparing: false })));
      if (resolved !== text) fs.writeFileSync(full, resolved);
    }
  }
}
