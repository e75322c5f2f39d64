import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformOutput, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import {
  ACCOUNT_LEVEL_ACTIONS,
  GithubActionsOidc,
  type GithubActionsOidcProps,
  type IamPolicyDocument,
  type IamPolicyStatement,
} from '../../../constructs/iam';
// Brings cdktf's jest matcher types (`toHaveResourceWithProperties`) into the type check; no runtime effect.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { resourcesOf, synthConstruct, synthJson, testStack, type TerraformJson } from '../../helpers';

const REPO = 'mlops-platform/infrastructure';
const BUCKET = 'arn:aws:s3:::mlops-platform-tfstate';
const KEY = 'arn:aws:kms:eu-west-1:210987654321:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ECR = [
  'arn:aws:ecr:eu-west-1:210987654321:repository/model-serving',
  'arn:aws:ecr:eu-west-1:210987654321:repository/mlflow',
];
const layers = ['network', 'data', 'cluster', 'platform', 'workloads'];

function envTarget(name: string, account: string) {
  return {
    name,
    stateKeys: layers.map((l) => `${name}-${l}/terraform.tfstate`),
    planRoleArn: `arn:aws:iam::${account}:role/platform-planner`,
    applyRoleArn: `arn:aws:iam::${account}:role/platform-deployer`,
  };
}

const baseProps: GithubActionsOidcProps = {
  repository: REPO,
  stateBucketArn: BUCKET,
  stateKmsKeyArn: KEY,
  targets: [{ name: 'shared', stateKeys: ['shared/terraform.tfstate'] }, envTarget('dev', '111111111111'), envTarget('prod', '333333333333')],
  imageRepositoryArns: ECR,
};

function build(props: Partial<GithubActionsOidcProps> = {}): TerraformJson {
  return synthConstruct((scope) => new GithubActionsOidc(scope, 'Ci', { ...baseProps, ...props }));
}

interface RoleView {
  trust: IamPolicyDocument;
  policy: IamPolicyDocument;
  role: Record<string, unknown>;
}

/** Each role by name with its parsed trust policy and inline policy. */
function roles(json: TerraformJson): Record<string, RoleView> {
  const byName: Record<string, RoleView> = {};
  const policies = resourcesOf(json, 'aws_iam_role_policy');
  for (const [address, role] of Object.entries(json.resource.aws_iam_role ?? {})) {
    const inline = policies.find((p) => p.role === `\${aws_iam_role.${address}.name}`);
    if (!inline) throw new Error(`role ${String(role.name)} has no inline policy`);
    byName[String(role.name)] = {
      role,
      trust: JSON.parse(String(role.assume_role_policy)) as IamPolicyDocument,
      policy: JSON.parse(String(inline.policy)) as IamPolicyDocument,
    };
  }
  return byName;
}

const allows = (doc: IamPolicyDocument, action: string, resource: string): boolean =>
  doc.Statement.some((s) => s.Effect === 'Allow' && s.Action.includes(action) && (s.Resource ?? []).includes(resource));
const denies = (doc: IamPolicyDocument, action: string, resource: string): boolean =>
  doc.Statement.some((s) => s.Effect === 'Deny' && s.Action.includes(action) && (s.Resource ?? []).includes(resource));
const subjects = (view: RoleView): { operator: string; values: string[] } => {
  const condition = view.trust.Statement[0].Condition ?? {};
  for (const [operator, keys] of Object.entries(condition)) {
    const sub = keys['token.actions.githubusercontent.com:sub'];
    if (sub !== undefined) return { operator, values: ([] as string[]).concat(sub) };
  }
  throw new Error('no sub condition');
};

describe('GithubActionsOidc', () => {
  const json = build();
  const all = roles(json);

  test('creates the GitHub OIDC provider for sts.amazonaws.com with both published thumbprints', () => {
    const synthesized = Testing.synthScope((scope: Construct) => {
      new GithubActionsOidc(scope, 'Ci', baseProps);
    });
    expect(synthesized).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
      thumbprint_list: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: 'github-plan-dev', max_session_duration: 3600 });
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: 'github-apply-prod', max_session_duration: 7200 });
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: 'github-image-push' });
  });

  test('creates a plan and an apply role per target, plus the image-push role', () => {
    expect(Object.keys(all).sort()).toEqual(
      ['github-apply-dev', 'github-apply-prod', 'github-apply-shared', 'github-image-push', 'github-plan-dev', 'github-plan-prod', 'github-plan-shared'].sort(),
    );
  });

  test('every trust policy is web identity from the provider with the sts.amazonaws.com audience', () => {
    for (const [name, view] of Object.entries(all)) {
      expect(view.trust.Statement).toHaveLength(1);
      const statement = view.trust.Statement[0];
      expect({ name, action: statement.Action }).toEqual({ name, action: ['sts:AssumeRoleWithWebIdentity'] });
      expect(statement.Principal?.Federated).toMatch(/^\$\{aws_iam_openid_connect_provider\.Ci_Provider_\w+\.arn\}$/);
      expect(statement.Condition?.StringEquals?.['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
    }
  });

  test('plan roles trust pull requests and main (drift checks), by exact match', () => {
    for (const target of ['shared', 'dev', 'prod']) {
      expect(subjects(all[`github-plan-${target}`])).toEqual({
        operator: 'StringEquals',
        values: [`repo:${REPO}:pull_request`, `repo:${REPO}:ref:refs/heads/main`],
      });
    }
  });

  test('apply roles trust only the GitHub environment of their target', () => {
    for (const target of ['shared', 'dev', 'prod']) {
      expect(subjects(all[`github-apply-${target}`])).toEqual({ operator: 'StringEquals', values: [`repo:${REPO}:environment:${target}`] });
    }
  });

  test('the image-push role trusts main of this repository only, by exact match (no tags by default)', () => {
    expect(subjects(all['github-image-push'])).toEqual({ operator: 'StringEquals', values: [`repo:${REPO}:ref:refs/heads/main`] });
  });

  test('the image-push role trusts main of each caller repository of the reusable build (their own sub)', () => {
    const callers = ['mlops-platform/model-serving', 'mlops-platform/data-pipeline'];
    const views = roles(build({ imagePushRepositories: callers }));
    expect(subjects(views['github-image-push'])).toEqual({
      operator: 'StringEquals',
      values: callers.map((r) => `repo:${r}:ref:refs/heads/main`),
    });
    // Only the image-push role: plan and apply roles still trust this repository alone.
    expect(subjects(views['github-plan-dev']).values.every((v) => v.startsWith(`repo:${REPO}:`))).toBe(true);
  });

  test('tag patterns are opt-in and then apply to every image-push repository', () => {
    const views = roles(build({ imagePushRepositories: [REPO, 'mlops-platform/mlflow'], imageTagPatterns: ['v*'] }));
    expect(subjects(views['github-image-push'])).toEqual({
      operator: 'StringLike',
      values: [
        `repo:${REPO}:ref:refs/heads/main`,
        'repo:mlops-platform/mlflow:ref:refs/heads/main',
        `repo:${REPO}:ref:refs/tags/v*`,
        'repo:mlops-platform/mlflow:ref:refs/tags/v*',
      ],
    });
  });

  test('no policy has a wildcard action, and "*" resources only for actions IAM cannot scope', () => {
    for (const [name, view] of Object.entries(all)) {
      for (const statement of [...view.policy.Statement, ...view.trust.Statement]) {
        for (const action of statement.Action) expect(`${name}: ${action}`).not.toMatch(/\*/);
        if ((statement.Resource ?? []).includes('*')) {
          for (const action of statement.Action) expect(ACCOUNT_LEVEL_ACTIONS).toContain(action);
        }
      }
    }
  });

  test('environment and image roles use "*" only for ecr:GetAuthorizationToken', () => {
    const names = Object.keys(all).filter((n) => !n.endsWith('-shared'));
    const wildcardActions = names.flatMap((n) =>
      all[n].policy.Statement.filter((s: IamPolicyStatement) => (s.Resource ?? []).includes('*')).flatMap((s) => s.Action),
    );
    expect(wildcardActions).toEqual(['ecr:GetAuthorizationToken']);
  });

  test('plan roles only read their own state (plans run with -lock=false) and are denied writing state and locks', () => {
    const plan = all['github-plan-dev'].policy;
    for (const layer of layers) {
      const state = `${BUCKET}/dev-${layer}/terraform.tfstate`;
      expect(allows(plan, 's3:GetObject', state)).toBe(true);
      for (const object of [state, `${state}.tflock`]) {
        expect(allows(plan, 's3:PutObject', object)).toBe(false);
        expect(allows(plan, 's3:DeleteObject', object)).toBe(false);
        expect(denies(plan, 's3:PutObject', object)).toBe(true);
        expect(denies(plan, 's3:DeleteObject', object)).toBe(true);
      }
    }
    // Nothing of another target's state.
    const resources = plan.Statement.flatMap((s) => s.Resource ?? []);
    expect(resources.filter((r) => r.includes('prod-') || r.includes('/shared/'))).toEqual([]);
  });

  test('no plan role may write any S3 object', () => {
    for (const target of ['shared', 'dev', 'prod']) {
      const writes = all[`github-plan-${target}`].policy.Statement.filter(
        (s) => s.Effect === 'Allow' && s.Action.some((a) => /^s3:(Put|Delete|Restore)/.test(a)),
      );
      expect({ target, writes }).toEqual({ target, writes: [] });
    }
  });

  test('apply roles read and write their own state and locks', () => {
    const apply = all['github-apply-prod'].policy;
    const state = `${BUCKET}/prod-data/terraform.tfstate`;
    expect(allows(apply, 's3:GetObject', state)).toBe(true);
    expect(allows(apply, 's3:PutObject', state)).toBe(true);
    expect(allows(apply, 's3:DeleteObject', `${state}.tflock`)).toBe(true);
    expect(allows(apply, 's3:PutObject', `${BUCKET}/dev-data/terraform.tfstate`)).toBe(false);
  });

  test('state listing names the bucket only (object reads are limited to the target state keys)', () => {
    const list = all['github-plan-dev'].policy.Statement.find((s) => s.Action.includes('s3:ListBucket'))!;
    expect(list).toEqual({ Sid: 'ListStateBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [BUCKET] });
  });

  test('KMS: plans only decrypt; applies also generate data keys (SSE-KMS writes), never kms:Encrypt; only on the state key', () => {
    const plan = all['github-plan-dev'].policy.Statement.find((s) => s.Sid === 'StateKey')!;
    const apply = all['github-apply-dev'].policy.Statement.find((s) => s.Sid === 'StateKey')!;
    expect(plan).toEqual({ Sid: 'StateKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY] });
    expect(apply.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(apply.Resource).toEqual([KEY]);
  });

  test('environment roles assume the environment planner (plan) or deployer (apply) and nothing else', () => {
    const assumed = (name: string) => all[name].policy.Statement.filter((s) => s.Action.includes('sts:AssumeRole')).flatMap((s) => s.Resource);
    expect(assumed('github-plan-dev')).toEqual(['arn:aws:iam::111111111111:role/platform-planner']);
    expect(assumed('github-apply-dev')).toEqual(['arn:aws:iam::111111111111:role/platform-deployer']);
    expect(assumed('github-plan-prod')).toEqual(['arn:aws:iam::333333333333:role/platform-planner']);
    expect(assumed('github-apply-prod')).toEqual(['arn:aws:iam::333333333333:role/platform-deployer']);
    expect(assumed('github-plan-shared')).toEqual([]);
  });

  test('shared roles act in this account: plan only reads, apply manages github-* roles without attaching managed policies', () => {
    const plan = all['github-plan-shared'].policy.Statement.flatMap((s) => (s.Effect === 'Allow' ? s.Action : []));
    const writes = plan.filter((a) => /^(iam|ecr|kms):(Create|Delete|Put|Update|Tag|Untag|Set|Enable|Disable|Schedule)/.test(a));
    expect(writes).toEqual([]);
    const apply = all['github-apply-shared'].policy;
    const roleStatement = apply.Statement.find((s) => s.Action.includes('iam:PutRolePolicy'))!;
    expect(roleStatement.Resource).toHaveLength(1);
    expect(roleStatement.Resource![0]).toMatch(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:iam::\$\{data\.aws_caller_identity\.\w+\.account_id\}:role\/github-\*$/);
    expect(apply.Statement.flatMap((s) => s.Action)).not.toContain('iam:AttachRolePolicy');
    expect(apply.Statement.flatMap((s) => s.Action)).not.toContain('iam:PassRole');
  });

  test('the shared apply role can tag the keys it creates and retire the grants ECR made on them', () => {
    const apply = all['github-apply-shared'].policy;
    const keys = /^arn:\$\{data\.aws_partition\.\w+\.partition\}:kms:\$\{data\.aws_region\.\w+\.region\}:\$\{data\.aws_caller_identity\.\w+\.account_id\}:key\/\*$/;
    const grantsOn = (action: string) => apply.Statement.filter((st) => st.Effect === 'Allow' && st.Action.includes(action) && !st.Condition);
    // CreateKey with tags needs kms:TagResource in an IAM policy covering every key of the account and Region.
    expect(grantsOn('kms:TagResource').flatMap((st) => st.Resource)).toEqual([expect.stringMatching(keys)]);
    // Deleting a KMS-encrypted repository: ECR retires its grant on the key as the caller.
    expect(grantsOn('kms:RetireGrant').flatMap((st) => st.Resource)).toEqual([expect.stringMatching(keys)]);
  });

  test('the image-push role pushes only to the given repositories', () => {
    const push = all['github-image-push'].policy.Statement.find((s) => s.Action.includes('ecr:PutImage'))!;
    expect(push.Resource).toEqual(ECR);
    expect(push.Action).toEqual(expect.arrayContaining(['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:BatchGetImage']));
  });

  test('exposes role ARNs by target', () => {
    const stack = testStack();
    const ci = new GithubActionsOidc(stack, 'Ci', baseProps);
    expect(Object.keys(ci.planRoleArns).sort()).toEqual(['dev', 'prod', 'shared']);
    expect(Object.keys(ci.applyRoleArns).sort()).toEqual(['dev', 'prod', 'shared']);
    expect(ci.roles.prod.applyRole.nameInput).toBe('github-apply-prod');
    new TerraformOutput(stack, 'plan_role_arns', { value: ci.planRoleArns });
    new TerraformOutput(stack, 'image_push_role_arn', { value: ci.imagePushRoleArn });
    const outputs = synthJson(stack).output!;
    expect((outputs.plan_role_arns.value as Record<string, string>).dev).toMatch(/^\$\{aws_iam_role\.Ci_dev_Plan_\w+\.arn\}$/);
    expect(outputs.image_push_role_arn.value).toMatch(/^\$\{aws_iam_role\.Ci_ImagePush_\w+\.arn\}$/);
  });

  test('omits the image-push role without repositories and the provider when one exists', () => {
    const json2 = build({ imageRepositoryArns: [], existingProviderArn: 'arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com' });
    expect(resourcesOf(json2, 'aws_iam_openid_connect_provider')).toHaveLength(0);
    const names = resourcesOf(json2, 'aws_iam_role').map((r) => r.name);
    expect(names).not.toContain('github-image-push');
    const trust = JSON.parse(String(resourcesOf(json2, 'aws_iam_role')[0].assume_role_policy)) as IamPolicyDocument;
    expect(trust.Statement[0].Principal).toEqual({ Federated: 'arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com' });
  });

  test('without a KMS key no KMS permissions are granted for state', () => {
    const json2 = build({ stateKmsKeyArn: undefined });
    const views = roles(json2);
    expect(views['github-plan-dev'].policy.Statement.some((s) => s.Sid === 'StateKey')).toBe(false);
  });

  describe('validation', () => {
    const make = (props: Partial<GithubActionsOidcProps>) => () => build(props);
    test('fails when the repository is not owner/name', () => {
      expect(make({ repository: 'mlops-platform/*' })).toThrow(/repository \("mlops-platform\/\*"\) must be "owner\/name"/);
    });
    test('fails when the existing provider is not a GitHub OIDC provider', () => {
      expect(make({ existingProviderArn: 'arn:aws:iam::210987654321:oidc-provider/gitlab.com' })).toThrow(
        /existingProviderArn \("arn:aws:iam::210987654321:oidc-provider\/gitlab.com"\) must be the ARN of this account's token.actions.githubusercontent.com OIDC provider/,
      );
    });
    test('fails when a target has only one role ARN', () => {
      const broken = { ...envTarget('dev', '111111111111'), applyRoleArn: undefined };
      expect(make({ targets: [broken] })).toThrow(/targets\["dev"\]: give both planRoleArn and applyRoleArn/);
    });
    test('fails when a target is listed twice', () => {
      expect(make({ targets: [envTarget('dev', '111111111111'), envTarget('dev', '111111111111')] })).toThrow(/targets\["dev"\]: listed twice/);
    });
    test('fails when an additional statement uses a wildcard action', () => {
      const target = { ...envTarget('dev', '111111111111'), additionalPlanStatements: [{ Effect: 'Allow' as const, Action: ['s3:*'], Resource: [BUCKET] }] };
      expect(make({ targets: [target] })).toThrow(/action "s3:\*" is a wildcard/);
    });
    test('fails when an additional statement grants a scopable action on "*"', () => {
      const target = { ...envTarget('dev', '111111111111'), additionalApplyStatements: [{ Effect: 'Allow' as const, Action: ['s3:GetObject'], Resource: ['*'] }] };
      expect(make({ targets: [target] })).toThrow(/Resource "\*" with s3:GetObject/);
    });
    test('fails when an image-push repository is not owner/name, or none is left', () => {
      expect(make({ imagePushRepositories: ['mlops-platform/*'] })).toThrow(/imagePushRepositories: "mlops-platform\/\*" must be "owner\/name"/);
      expect(make({ imagePushRepositories: [] })).toThrow(/imagePushRepositories must list at least one repository/);
    });
    test('fails when the image tag pattern is "*"', () => {
      expect(make({ imageTagPatterns: ['*'] })).toThrow(/imageTagPatterns/);
    });
    test('fails when the state bucket ARN is not a bucket ARN', () => {
      expect(make({ stateBucketArn: 'mlops-platform-tfstate' })).toThrow(/stateBucketArn/);
    });
    test('fails when there are no targets', () => {
      expect(make({ targets: [] })).toThrow(/at least one deployment target/);
    });
  });

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});
