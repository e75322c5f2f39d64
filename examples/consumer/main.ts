/**
 * Another team's service built on the platform library: the recommendations team gets a VPC, a
 * PostgreSQL database and an image repository from `@mlops-platform/infrastructure/constructs`, and
 * its Kubernetes workload from `@mlops-platform/infrastructure/k8s`.
 *
 *   npm run synth   ->  cdktf.out/stacks/recommender/cdk.tf.json  and  dist/k8s/recommender.k8s.yaml
 *
 * The frameworks (cdktf, constructs, cdk8s, cdk8s-plus-28, @cdktf/provider-aws) are this project's own
 * dependencies: the library declares them as peer dependencies, so there is one copy of each.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App as Cdk8sApp, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ContainerRegistry, Network, PostgresDatabase } from '@mlops-platform/infrastructure/constructs';
import { WebService } from '@mlops-platform/infrastructure/k8s';

const ACCOUNT_ID = '123456789012';
const REGION = 'eu-west-1';
const IMAGE_TAG = '2.3.0';

class RecommenderStack extends TerraformStack {
  readonly registry: ContainerRegistry;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: REGION,
      allowedAccountIds: [ACCOUNT_ID],
      defaultTags: [{ tags: { owner: 'recommendations', 'cost-center': 'cc-2201-reco', 'managed-by': 'cdktf' } }],
    });

    const network = new Network(this, 'Network', {
      name: 'reco',
      cidr: '10.40.0.0/16',
      availabilityZones: [`${REGION}a`, `${REGION}b`],
      natMode: 'single',
    });

    const database = new PostgresDatabase(this, 'Database', {
      identifier: 'reco-features',
      vpcId: network.vpcId,
      subnetIds: network.databaseSubnetIds,
      engineVersion: '17',
      instanceClass: 'db.t4g.medium',
      multiAz: false,
    });

    this.registry = new ContainerRegistry(this, 'Registry', { namespace: 'reco', repositories: ['recommender-api'] });

    new TerraformOutput(this, 'database_endpoint', { value: database.endpoint });
    new TerraformOutput(this, 'database_secret_arn', { value: database.secretArn });
    new TerraformOutput(this, 'repository_url', { value: this.registry.repositoryUrls['recommender-api'] });
  }
}

/** The API's Kubernetes objects; the image comes from the repository the stack above creates. */
class RecommenderChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'recommendations' });
    new WebService(this, 'Api', {
      name: 'recommender-api',
      image: `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/reco/recommender-api:${IMAGE_TAG}`,
      resources: {
        cpu: { request: Cpu.millis(250), limit: Cpu.units(1) },
        memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
      },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      env: {
        DATABASE_NAME: 'platform',
        // A Secret the team syncs from the database's RDS-managed secret (External Secrets); never a literal.
        DATABASE_PASSWORD: { secretKeyRef: { name: 'reco-features-db', key: 'password' } },
      },
      iamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/reco-recommender-api`,
    });
  }
}

const app = new App();
new RecommenderStack(app, 'recommender');
app.synth();

const k8s = new Cdk8sApp({ outdir: 'dist/k8s' });
new RecommenderChart(k8s, 'recommender');
k8s.synth();
