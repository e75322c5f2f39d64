import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { Fn, type TerraformVariable } from 'cdktf';
import type { PlatformStack } from './platform-stack';

/** How the kubernetes and helm providers reach a cluster. */
export interface ClusterConnection {
  readonly host: string;
  readonly clusterCaCertificate: string;
  readonly exec: { apiVersion: string; command: string; args: string[] };
  /** The cluster as read at plan time (VPC, version, ...). */
  readonly cluster: DataAwsEksCluster;
}

/**
 * Connection to an EKS cluster for the kubernetes and helm providers of a stack that runs after the
 * cluster exists. Endpoint and CA are read by name; the token comes from `aws eks get-token` at each
 * call, because a data-source token expires after 15 minutes, shorter than a long apply. The token is
 * minted with the role the AWS provider assumes (`var.aws_role_arn`: the planner in pull requests).
 */
export function clusterConnection(stack: PlatformStack, clusterName: string): ClusterConnection {
  const eks = new DataAwsEksCluster(stack, 'Cluster', { name: clusterName });
  const roleArn = (stack.node.tryFindChild('aws_role_arn') as TerraformVariable | undefined)?.stringValue;
  return {
    cluster: eks,
    host: eks.endpoint,
    clusterCaCertificate: Fn.base64decode(eks.certificateAuthority.get(0).data),
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', eks.name, '--region', stack.region, ...(roleArn ? ['--role-arn', roleArn] : [])],
    },
  };
}
