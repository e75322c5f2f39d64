import { renderDot } from '../../../tools/diagram/dot';
import { buildEnvironmentModel } from '../../../tools/diagram/model';
import { FIXTURE_MANIFESTS, FIXTURE_STACKS } from './fixture';

describe('renderDot', () => {
  const dot = renderDot(buildEnvironmentModel({ stacks: FIXTURE_STACKS, manifests: { dev: FIXTURE_MANIFESTS } }, 'dev'));

  test('draws a box per tier inside the VPC, with the key facts in the labels', () => {
    expect(dot).toMatch(/^digraph "dev" \{/);
    for (const cluster of ['cluster_vpc_dev', 'cluster_tier_public', 'cluster_tier_private', 'cluster_tier_database', 'cluster_eks_dev_platform', 'cluster_ns_ml', 'cluster_s3_dev', 'cluster_ecr_dev']) {
      expect(dot).toContain(`subgraph ${cluster} {`);
    }
    expect(dot).toContain('10.10.0.0/16 · 2 AZs · 1 NAT gateway');
    expect(dot).toContain('"dev-network:aws_subnet.PrivateSubnet1" [label=<eu-west-1a<br/><font point-size="9" color="#444444">10.10.0.0/19</font>>');
    expect(dot).toContain('m7g.large · SPOT');
    expect(dot).toContain('1-4 nodes, desired 2');
    expect(dot).toContain('postgres 17 · db.t4g.medium');
    expect(dot).toContain('gateway: s3');
    expect(dot).toContain('Deployment · 2 replicas');
    expect(dot).toContain('CronJob · 0 */6 * * *');
  });

  test('draws what talks to what, one edge per tier when every subnet of it is used', () => {
    expect(dot).toMatch(/"dev-cluster:aws_eks_cluster\.Cluster" -> "dev-network:aws_subnet\.PrivateSubnet1" \[[^\]]*lhead=cluster_tier_private/);
    expect(dot).toMatch(/"dev-data:aws_db_instance\.Database" -> "dev-network:aws_subnet\.DatabaseSubnet1" \[[^\]]*lhead=cluster_tier_database/);
    expect(dot).not.toContain('"dev-cluster:aws_eks_cluster.Cluster" -> "dev-network:aws_subnet.PrivateSubnet2"');
    expect(dot).toMatch(/"k8s:Deployment\/ml\/model-serving" -> "dev-data:aws_s3_bucket\.ArtifactsBucket" \[[^\]]*style="dashed"[^\]]*IRSA dev-model-serving/);
    expect(dot).toMatch(/"k8s:Deployment\/ml\/model-serving" -> "dev-data:aws_db_instance\.Database" \[[^\]]*style="dotted"/);
    expect(dot).toMatch(/"dev-cluster:aws_eks_node_group\.General" -> "shared:aws_ecr_repository\.Registry_model_serving" \[[^\]]*ltail=cluster_nodegroups_dev_platform/);
  });

  test('has a legend naming the edge kinds in use', () => {
    expect(dot).toContain('<b>Legend</b>');
    expect(dot).toContain('reads database credentials (secret)');
    expect(dot).toContain('reads / writes bucket (IRSA role)');
    expect(dot).toContain('pulls images');
  });

  test('escapes text for HTML labels', () => {
    const model = buildEnvironmentModel({ stacks: FIXTURE_STACKS, manifests: { dev: [{ kind: 'Deployment', metadata: { name: 'a<b>&c', namespace: 'x' }, spec: {} }] } }, 'dev');
    expect(renderDot(model)).toContain('a&lt;b&gt;&amp;c');
  });
});
