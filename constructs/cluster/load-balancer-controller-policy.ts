import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';

export interface LoadBalancerControllerPolicyOptions {
  /** The cluster whose load balancers the controller manages; its name is the value of the ownership tag. */
  readonly clusterName: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/**
 * The AWS Load Balancer Controller's documented IAM policy (`docs/install/iam_policy.json` at v3.5.0, the
 * app version of chart 3.5.0; the same actions, compared statement by statement), tightened:
 * every mutating statement that upstream limits to "some cluster's tag" (`Null` on
 * `elbv2.k8s.aws/cluster`) here requires the tag to name this cluster, and resources are limited to
 * this account and region. Describe and Get calls have no resource-level permissions and stay on `*`.
 */
export function loadBalancerControllerStatements(options: LoadBalancerControllerPolicyOptions): DataAwsIamPolicyDocumentStatement[] {
  const { clusterName, partition, region, accountId } = options;
  const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:${region}:${accountId}:${resource}`;
  const securityGroups = `arn:${partition}:ec2:${region}:${accountId}:security-group/*`;
  const loadBalancers = [elb('loadbalancer/app/*/*'), elb('loadbalancer/net/*/*')];
  const targetGroups = elb('targetgroup/*/*');
  const listenersAndRules = [elb('listener/app/*/*/*'), elb('listener/net/*/*/*'), elb('listener-rule/app/*/*/*/*'), elb('listener-rule/net/*/*/*/*')];
  const ownedByThisCluster = { test: 'StringEquals', variable: 'aws:ResourceTag/elbv2.k8s.aws/cluster', values: [clusterName] };
  const requestForThisCluster = { test: 'StringEquals', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: [clusterName] };

  return [
    {
      sid: 'CreateElbServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      condition: [{ test: 'StringEquals', variable: 'iam:AWSServiceName', values: ['elasticloadbalancing.amazonaws.com'] }],
    },
    {
      sid: 'Describe',
      actions: [
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeTags',
        'ec2:DescribeRouteTables',
        'ec2:DescribeIpamPools',
        'ec2:GetCoipPoolUsage',
        'ec2:DescribeCoipPools',
        'ec2:GetSecurityGroupsForVpc',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores',
        'elasticloadbalancing:DescribeCapacityReservation',
      ],
      resources: ['*'],
    },
    {
      sid: 'CertificatesAndWebProtection',
      actions: [
        'cognito-idp:DescribeUserPoolClient',
        'acm:ListCertificates',
        'acm:DescribeCertificate',
        'iam:ListServerCertificates',
        'iam:GetServerCertificate',
        'waf-regional:GetWebACL',
        'waf-regional:GetWebACLForResource',
        'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL',
        'wafv2:GetWebACL',
        'wafv2:GetWebACLForResource',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'shield:GetSubscriptionState',
        'shield:DescribeProtection',
        'shield:CreateProtection',
        'shield:DeleteProtection',
      ],
      resources: ['*'],
    },
    {
      sid: 'CreateSecurityGroupsInThisAccount',
      actions: ['ec2:CreateSecurityGroup'],
      resources: ['*'],
    },
    {
      sid: 'TagNewSecurityGroupsForThisCluster',
      actions: ['ec2:CreateTags'],
      resources: [securityGroups],
      condition: [{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSecurityGroup'] }, requestForThisCluster],
    },
    {
      sid: 'RetagOwnSecurityGroups',
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: [securityGroups],
      condition: [{ test: 'Null', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: ['true'] }, ownedByThisCluster],
    },
    {
      sid: 'ManageOwnSecurityGroups',
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      resources: [securityGroups],
      condition: [ownedByThisCluster],
    },
    {
      // Opens node/cluster groups to the load balancers' groups; those groups are not tagged by the controller.
      sid: 'OpenTargetsToLoadBalancers',
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      resources: [securityGroups],
    },
    {
      sid: 'CreateLoadBalancersForThisCluster',
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: [...loadBalancers, targetGroups],
      condition: [requestForThisCluster],
    },
    {
      sid: 'ManageListenersAndRules',
      actions: [
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
      ],
      resources: [...loadBalancers, ...listenersAndRules, targetGroups],
    },
    {
      sid: 'RetagOwnLoadBalancers',
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [...loadBalancers, targetGroups],
      condition: [{ test: 'Null', variable: 'aws:RequestTag/elbv2.k8s.aws/cluster', values: ['true'] }, ownedByThisCluster],
    },
    {
      sid: 'TagListenersAndRules',
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: listenersAndRules,
    },
    {
      sid: 'TagOnCreate',
      actions: ['elasticloadbalancing:AddTags'],
      resources: [...loadBalancers, targetGroups],
      condition: [
        { test: 'StringEquals', variable: 'elasticloadbalancing:CreateAction', values: ['CreateTargetGroup', 'CreateLoadBalancer'] },
        requestForThisCluster,
      ],
    },
    {
      sid: 'ManageOwnLoadBalancers',
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
      ],
      resources: [...loadBalancers, targetGroups],
      condition: [ownedByThisCluster],
    },
    {
      sid: 'RegisterTargets',
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: [targetGroups],
    },
    {
      // wafv2:AssociateWebACL on an ALB also needs this permission-only action, which has no resource
      // type in the Service Authorization Reference (Elastic Load Balancing V2): scoped to ARNs it is
      // never granted, and WAF association fails. Upstream v3.5.0 grants it on "*" as well.
      sid: 'LetWafProtectLoadBalancers',
      actions: ['elasticloadbalancing:SetWebAcl'],
      resources: ['*'],
    },
    {
      sid: 'ManageListenerSettings',
      actions: [
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
        'elasticloadbalancing:ModifyListenerAttributes',
      ],
      resources: [...loadBalancers, ...listenersAndRules],
    },
  ];
}
