import { loadBalancerControllerStatements } from '../../../constructs/cluster/load-balancer-controller-policy';

/**
 * Every action of the upstream policy, kubernetes-sigs/aws-load-balancer-controller v3.5.0
 * docs/install/iam_policy.json (the app version of chart 3.5.0, which the platform stack pins).
 */
const UPSTREAM_V3_5_0_ACTIONS = [
  'acm:DescribeCertificate',
  'acm:ListCertificates',
  'cognito-idp:DescribeUserPoolClient',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:CreateSecurityGroup',
  'ec2:CreateTags',
  'ec2:DeleteSecurityGroup',
  'ec2:DeleteTags',
  'ec2:DescribeAccountAttributes',
  'ec2:DescribeAddresses',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeCoipPools',
  'ec2:DescribeInstances',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeIpamPools',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeTags',
  'ec2:DescribeVpcPeeringConnections',
  'ec2:DescribeVpcs',
  'ec2:GetCoipPoolUsage',
  'ec2:GetSecurityGroupsForVpc',
  'ec2:RevokeSecurityGroupIngress',
  'elasticloadbalancing:AddListenerCertificates',
  'elasticloadbalancing:AddTags',
  'elasticloadbalancing:CreateListener',
  'elasticloadbalancing:CreateLoadBalancer',
  'elasticloadbalancing:CreateRule',
  'elasticloadbalancing:CreateTargetGroup',
  'elasticloadbalancing:DeleteListener',
  'elasticloadbalancing:DeleteLoadBalancer',
  'elasticloadbalancing:DeleteRule',
  'elasticloadbalancing:DeleteTargetGroup',
  'elasticloadbalancing:DeregisterTargets',
  'elasticloadbalancing:DescribeCapacityReservation',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeListenerCertificates',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeSSLPolicies',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTrustStores',
  'elasticloadbalancing:ModifyCapacityReservation',
  'elasticloadbalancing:ModifyIpPools',
  'elasticloadbalancing:ModifyListener',
  'elasticloadbalancing:ModifyListenerAttributes',
  'elasticloadbalancing:ModifyLoadBalancerAttributes',
  'elasticloadbalancing:ModifyRule',
  'elasticloadbalancing:ModifyTargetGroup',
  'elasticloadbalancing:ModifyTargetGroupAttributes',
  'elasticloadbalancing:RegisterTargets',
  'elasticloadbalancing:RemoveListenerCertificates',
  'elasticloadbalancing:RemoveTags',
  'elasticloadbalancing:SetIpAddressType',
  'elasticloadbalancing:SetRulePriorities',
  'elasticloadbalancing:SetSecurityGroups',
  'elasticloadbalancing:SetSubnets',
  'elasticloadbalancing:SetWebAcl',
  'iam:CreateServiceLinkedRole',
  'iam:GetServerCertificate',
  'iam:ListServerCertificates',
  'shield:CreateProtection',
  'shield:DeleteProtection',
  'shield:DescribeProtection',
  'shield:GetSubscriptionState',
  'waf-regional:AssociateWebACL',
  'waf-regional:DisassociateWebACL',
  'waf-regional:GetWebACL',
  'waf-regional:GetWebACLForResource',
  'wafv2:AssociateWebACL',
  'wafv2:DisassociateWebACL',
  'wafv2:GetWebACL',
  'wafv2:GetWebACLForResource',
];

const statements = loadBalancerControllerStatements({ clusterName: 'dev-platform', partition: 'aws', region: 'eu-west-1', accountId: '111111111111' });

describe('loadBalancerControllerStatements', () => {
  it('grants exactly the actions of the upstream v3.5.0 policy', () => {
    expect([...new Set(statements.flatMap((s) => s.actions ?? []))].sort()).toEqual([...UPSTREAM_V3_5_0_ACTIONS].sort());
  });

  it('grants SetWebAcl on "*": the action has no resource type, so an ARN-scoped grant never applies', () => {
    const holding = statements.filter((s) => (s.actions ?? []).includes('elasticloadbalancing:SetWebAcl'));
    expect(holding).toHaveLength(1);
    expect(holding[0].resources).toEqual(['*']);
    expect(holding[0].actions).toEqual(['elasticloadbalancing:SetWebAcl']);
  });

  it('keeps every other mutating load-balancer action on this account\'s and region\'s ARNs', () => {
    for (const s of statements.filter((x) => (x.actions ?? []).some((a) => /^elasticloadbalancing:(Modify|Delete|Set(?!WebAcl)|Add|Remove|Register|Deregister)/.test(a)))) {
      for (const r of s.resources ?? []) expect(r).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:111111111111:/);
    }
  });
});
