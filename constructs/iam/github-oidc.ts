import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from '../registry/container-registry';
import { leastPrivilegeProblems, policyJson, type IamPolicyStatement } from './policy-document';
import {
  applyRoleName,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  GITHUB_OIDC_THUMBPRINTS,
  GITHUB_ROLE_PREFIX,
  IMAGE_PUSH_ROLE_NAME,
  planRoleName,
} from './role-names';
import { requireProps } from '../core/props';

/** Something CI deploys with its own pair of roles: an environment (`dev`) or the `shared` account itself. */
export interface DeploymentTarget {
  /**
   * Names the roles (`github-plan-dev`, `github-apply-dev`) and the GitHub environment that deployments of
   * this target run in (the apply role trusts only that environment).
   */
  readonly name: string;
  /** Keys of the target's state objects in the state bucket, e.g. `dev-network/terraform.tfstate`. */
  readonly stateKeys: string[];
  /**
   * Read-only role in the target's account that the plan role may assume (an environment's `account.planRoleArn`).
   * Give both role ARNs or neither.
   * @default - none: the target is this account, and its roles read and manage the `shared` stack's resource
   * types (ECR repositories, KMS keys, the OIDC provider and `github-*` roles) here directly
   */
  readonly planRoleArn?: string;
  /**
   * Deployer role in the target's account that the apply role may assume (an environment's `account.assumeRoleArn`).
   * @default - none: see `planRoleArn`
   */
  readonly applyRoleArn?: string;
  /**
   * Further statements for the plan role, e.g. read access to a resource type added to the `shared` stack.
   * Checked like the built-in ones: no wildcard actions, no `*` resources.
   * @default - none
   */
  readonly additionalPlanStatements?: IamPolicyStatement[];
  /**
   * Further statements for the apply role.
   * @default - none
   */
  readonly additionalApplyStatements?: IamPolicyStatement[];
}

export interface GithubActionsOidcProps {
  /** `owner/name` of the one GitHub repository whose workflows may assume the roles. */
  readonly repository: string;
  /** ARN of the bucket holding every stack's state, `arn:aws:s3:::<bucket>`. */
  readonly stateBucketArn: string;
  /**
   * KMS key that encrypts state objects. Plan roles get `kms:Decrypt` (reading SSE-KMS objects); apply roles also
   * get `kms:GenerateDataKey`, which is what writing an SSE-KMS object needs (S3 never calls `kms:Encrypt`).
   * @default - state uses S3-managed encryption; no KMS permissions
   */
  readonly stateKmsKeyArn?: string;
  /** Every deployment target: each environment, plus `shared`. */
  readonly targets: DeploymentTarget[];
  /**
   * ECR repositories the image-push role may push to.
   * @default - no image-push role
   */
  readonly imageRepositoryArns?: string[];
  /**
   * `owner/name` of the repositories whose workflows may assume the image-push role. A reusable workflow
   * (`build-image.yml`) runs with its caller's identity (`sub` is `repo:<caller>:...`), so each calling
   * repository must be listed here; only pushes to their `mainBranch` are trusted.
   * @default - `repository` only
   */
  readonly imagePushRepositories?: string[];
  /**
   * Branch whose pushes deploy and whose workflows (drift checks, image builds) may plan and push.
   * @default 'main'
   */
  readonly mainBranch?: string;
  /**
   * Git tag patterns (IAM `StringLike`) whose workflows in `imagePushRepositories` may also push images. Opt-in:
   * anyone who may push a tag can push one on an unreviewed commit, so give patterns only where a tag ruleset
   * restricts who creates matching tags.
   * @default [] - only `mainBranch` pushes images
   */
  readonly imageTagPatterns?: string[];
  /**
   * ARN of an existing GitHub OIDC provider in this account (IAM allows one per URL).
   * @default - a new provider
   */
  readonly existingProviderArn?: string;
  /**
   * Maximum session of the plan and image-push roles, in seconds.
   * @default 3600
   */
  readonly planSessionDurationSeconds?: number;
  /**
   * Maximum session of the apply roles, in seconds. Terraform's S3 backend uses these credentials to write
   * state at the end of an apply, so they must outlive the longest apply (an EKS cluster plus a Multi-AZ database).
   * @default 7200
   */
  readonly applySessionDurationSeconds?: number;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** The two roles of one deployment target. */
export interface TargetRoles {
  /** `github-plan-<target>`: read-only, for pull-request plans and drift checks. */
  readonly planRole: IamRole;
  /** `github-apply-<target>`: deploys, only from the GitHub environment named after the target. */
  readonly applyRole: IamRole;
  /** The plan role's inline policy, for inspection and `dependsOn`. */
  readonly planPolicy: IamRolePolicy;
  /** The apply role's inline policy. */
  readonly applyPolicy: IamRolePolicy;
}

/** What plan roles may never do to a state or lock object: plans run with `-lock=false` and are strictly read-only. */
const STATE_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectAcl', 's3:RestoreObject'];

/**
 * GitHub Actions' identities in AWS: the OIDC provider for `token.actions.githubusercontent.com`, and per
 * deployment target a read-only plan role and an apply role, plus an image-push role.
 *
 * - `github-plan-<target>` trusts pull requests and `main` (drift checks); only reads the target's state (plans
 *   run with `-lock=false`; writing state or lock objects is explicitly denied), and assumes the target's
 *   read-only role.
 * - `github-apply-<target>` trusts only jobs bound to the GitHub environment `<target>` (protect it with required
 *   reviewers); reads and writes the target's state and locks, and assumes the target's deployer role.
 * - `github-image-push` trusts `main` of `imagePushRepositories` (callers of the reusable image build); pushes
 *   only to the given repositories.
 *
 * A target without role ARNs (`shared`) is this account: its roles act here directly, with enumerated actions
 * on the `shared` stack's resource types. Trade-off: the `shared` apply role can create and rewrite the
 * `github-*` roles, so whoever can run it can widen any CI role; it is as sensitive as prod and its GitHub
 * environment needs the same protection.
 */
export class GithubActionsOidc extends Construct {
  /** The provider, unless `existingProviderArn` was given. */
  readonly provider?: IamOpenidConnectProvider;
  /** ARN of the OIDC provider the roles trust (created or given). */
  readonly providerArn: string;
  /** Roles by target name. */
  readonly roles: Record<string, TargetRoles>;
  /** `github-plan-<target>` ARN by target name. */
  readonly planRoleArns: Record<string, string>;
  /** `github-apply-<target>` ARN by target name. */
  readonly applyRoleArns: Record<string, string>;
  /** `github-image-push`; present when `imageRepositoryArns` is not empty. */
  readonly imagePushRole?: IamRole;
  /** ARN of `imagePushRole`. */
  readonly imagePushRoleArn?: string;
  /** The trusted repository, `owner/name`. */
  readonly repository: string;
  /** Resolved `imagePushRepositories`. */
  readonly imagePushRepositories: string[];
  /** Resolved `mainBranch`. */
  readonly mainBranch: string;
  /** Resolved `imageTagPatterns`. */
  readonly imageTagPatterns: string[];

  private readonly tags: Record<string, string>;
  private accountScope?: { partition: string; accountId: string; region: string };

  constructor(scope: Construct, id: string, props: GithubActionsOidcProps) {
    super(scope, id);
    requireProps(this.node.path, props, { repository: 'string', stateBucketArn: 'string', targets: 'array' });
    this.repository = props.repository;
    this.mainBranch = props.mainBranch ?? 'main';
    this.imagePushRepositories = props.imagePushRepositories ?? [props.repository];
    this.imageTagPatterns = props.imageTagPatterns ?? [];
    this.tags = props.tags ?? {};
    const planSeconds = props.planSessionDurationSeconds ?? 3600;
    const applySeconds = props.applySessionDurationSeconds ?? 7200;
    this.validate(props, planSeconds, applySeconds);

    if (props.existingProviderArn) {
      this.providerArn = props.existingProviderArn;
    } else {
      this.provider = new IamOpenidConnectProvider(this, 'Provider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        thumbprintList: [...GITHUB_OIDC_THUMBPRINTS],
        tags: { Name: GITHUB_OIDC_HOST, ...this.tags },
      });
      this.providerArn = this.provider.arn;
    }

    const repo = `repo:${props.repository}`;
    const mainRef = `${repo}:ref:refs/heads/${this.mainBranch}`;
    this.roles = {};
    this.planRoleArns = {};
    this.applyRoleArns = {};
    for (const target of props.targets) {
      const holder = new Construct(this, target.name);
      const inAccount = target.planRoleArn === undefined;
      const plan = this.role(holder, 'Plan', {
        name: planRoleName(target.name),
        description: `Read-only Terraform plans of ${target.name} from pull requests and drift checks of ${props.repository}`,
        subjects: { StringEquals: [`${repo}:pull_request`, mainRef] },
        maxSessionDuration: planSeconds,
        statements: [
          ...this.stateStatements(props, target, 'plan'),
          ...(inAccount ? this.sharedAccountStatements('plan') : [assumeStatement('AssumeTargetPlanRole', target.planRoleArn!)]),
          ...(target.additionalPlanStatements ?? []),
        ],
      });
      const apply = this.role(holder, 'Apply', {
        name: applyRoleName(target.name),
        description: `Terraform applies of ${target.name} from the GitHub environment "${target.name}" of ${props.repository}`,
        subjects: { StringEquals: [`${repo}:environment:${target.name}`] },
        maxSessionDuration: applySeconds,
        statements: [
          ...this.stateStatements(props, target, 'apply'),
          ...(inAccount ? this.sharedAccountStatements('apply') : [assumeStatement('AssumeTargetDeployerRole', target.applyRoleArn!)]),
          ...(target.additionalApplyStatements ?? []),
        ],
      });
      this.roles[target.name] = { planRole: plan.role, applyRole: apply.role, planPolicy: plan.policy, applyPolicy: apply.policy };
      this.planRoleArns[target.name] = plan.role.arn;
      this.applyRoleArns[target.name] = apply.role.arn;
    }

    const imageRepositoryArns = props.imageRepositoryArns ?? [];
    if (imageRepositoryArns.length > 0) {
      const pushers = this.imagePushRepositories.map((r) => `repo:${r}`);
      const pushRefs = [
        ...pushers.map((r) => `${r}:ref:refs/heads/${this.mainBranch}`),
        ...this.imageTagPatterns.flatMap((p) => pushers.map((r) => `${r}:ref:refs/tags/${p}`)),
      ];
      const tags = this.imageTagPatterns.length > 0 ? ` and tags ${this.imageTagPatterns.join(', ')}` : '';
      const push = this.role(this, 'ImagePush', {
        name: IMAGE_PUSH_ROLE_NAME,
        description: `Pushes container images built on ${this.mainBranch}${tags} of ${this.imagePushRepositories.join(', ')}`,
        // Exact match unless tag patterns ask for wildcards.
        subjects: this.imageTagPatterns.length > 0 ? { StringLike: pushRefs } : { StringEquals: pushRefs },
        maxSessionDuration: planSeconds,
        statements: [
          { Sid: 'RegistryLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
          // Pull actions too: a push checks which layers the repository already has.
          { Sid: 'PushImages', Effect: 'Allow', Action: [...ECR_PULL_ACTIONS, ...ECR_PUSH_ACTIONS], Resource: [...imageRepositoryArns] },
        ],
      });
      this.imagePushRole = push.role;
      this.imagePushRoleArn = push.role.arn;
    }
  }

  private role(
    scope: Construct,
    id: string,
    spec: {
      name: string;
      description: string;
      subjects: { StringEquals: string[] } | { StringLike: string[] };
      maxSessionDuration: number;
      statements: IamPolicyStatement[];
    },
  ): { role: IamRole; policy: IamRolePolicy } {
    const problems = spec.statements.flatMap((s) => leastPrivilegeProblems(s, spec.name));
    if (problems.length > 0) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    const [operator, subjects] = Object.entries(spec.subjects)[0] as [string, string[]];
    const condition: Record<string, Record<string, string | string[]>> = {
      StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE },
    };
    condition[operator] = { ...(condition[operator] ?? {}), [`${GITHUB_OIDC_HOST}:sub`]: subjects };
    const holder = new Construct(scope, id);
    const role = new IamRole(holder, 'Resource', {
      name: spec.name,
      description: spec.description,
      maxSessionDuration: spec.maxSessionDuration,
      assumeRolePolicy: policyJson([
        {
          Sid: 'GithubActions',
          Effect: 'Allow',
          Principal: { Federated: this.providerArn },
          Action: ['sts:AssumeRoleWithWebIdentity'],
          Condition: condition,
        },
      ]),
      tags: { Name: spec.name, ...this.tags },
    });
    const policy = new IamRolePolicy(holder, 'Policy', { name: spec.name, role: role.name, policy: policyJson(spec.statements) });
    return { role, policy };
  }

  /** State objects of the target's stacks: plans only read state (no locks); applies read and write state and locks. */
  private stateStatements(props: GithubActionsOidcProps, target: DeploymentTarget, mode: 'plan' | 'apply'): IamPolicyStatement[] {
    const bucket = props.stateBucketArn;
    const stateArns = target.stateKeys.map((key) => `${bucket}/${key}`);
    const lockArns = target.stateKeys.map((key) => `${bucket}/${key}.tflock`);
    const statements: IamPolicyStatement[] = [
      // Unconditional on purpose: `terraform init` lists the workspace prefix (`env:/`), and without ListBucket S3
      // answers a read of a missing key (a stack's first plan) with 403 instead of 404. It reveals key names only.
      { Sid: 'ListStateBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucket] },
    ];
    if (mode === 'plan') {
      statements.push(
        // Plans run with `-lock=false`, so they neither read nor write `.tflock` objects.
        { Sid: 'ReadState', Effect: 'Allow', Action: ['s3:GetObject'], Resource: stateArns },
        // Explicit, so no later grant (or a managed policy attached by hand) lets a pull request write state or locks.
        { Sid: 'NeverWriteState', Effect: 'Deny', Action: STATE_WRITE_ACTIONS, Resource: [...stateArns, ...lockArns] },
      );
    } else {
      statements.push(
        { Sid: 'ReadWriteState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: stateArns },
        { Sid: 'ReadWriteLocks', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: lockArns },
      );
    }
    if (props.stateKmsKeyArn) {
      statements.push({
        Sid: 'StateKey',
        Effect: 'Allow',
        // SSE-KMS: GetObject needs Decrypt; PutObject needs GenerateDataKey (and Decrypt for multipart uploads).
        Action: mode === 'plan' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [props.stateKmsKeyArn],
      });
    }
    return statements;
  }

  /**
   * What the `shared` stack's own roles need in this account: reads for plans, plus writes for applies, on the
   * resource types that stack manages (ECR repositories, KMS keys and aliases, the OIDC provider, `github-*` roles).
   */
  private sharedAccountStatements(mode: 'plan' | 'apply'): IamPolicyStatement[] {
    if (!this.accountScope) {
      this.accountScope = {
        partition: new DataAwsPartition(this, 'Partition').partition,
        accountId: new DataAwsCallerIdentity(this, 'Account').accountId,
        region: new DataAwsRegion(this, 'Region').region,
      };
    }
    const { partition, accountId, region } = this.accountScope;
    const repositories = `arn:${partition}:ecr:${region}:${accountId}:repository/*`;
    const keys = `arn:${partition}:kms:${region}:${accountId}:key/*`;
    const aliases = `arn:${partition}:kms:${region}:${accountId}:alias/*`;
    const oidcProvider = `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    const ciRoles = `arn:${partition}:iam::${accountId}:role/${GITHUB_ROLE_PREFIX}*`;

    const statements: IamPolicyStatement[] = [
      {
        Sid: 'ReadRepositories',
        Effect: 'Allow',
        Action: ['ecr:DescribeRepositories', 'ecr:GetLifecyclePolicy', 'ecr:GetRepositoryPolicy', 'ecr:ListTagsForResource'],
        Resource: [repositories],
      },
      {
        Sid: 'ReadKeys',
        Effect: 'Allow',
        Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
        Resource: [keys],
      },
      { Sid: 'ListAliases', Effect: 'Allow', Action: ['kms:ListAliases'], Resource: ['*'] },
      { Sid: 'ReadOidcProvider', Effect: 'Allow', Action: ['iam:GetOpenIDConnectProvider'], Resource: [oidcProvider] },
      {
        Sid: 'ReadCiRoles',
        Effect: 'Allow',
        Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
        Resource: [ciRoles],
      },
    ];
    if (mode === 'plan') return statements;
    statements.push(
      {
        Sid: 'ManageRepositories',
        Effect: 'Allow',
        Action: [
          'ecr:CreateRepository',
          'ecr:DeleteLifecyclePolicy',
          'ecr:DeleteRepository',
          'ecr:DeleteRepositoryPolicy',
          'ecr:PutImageScanningConfiguration',
          'ecr:PutImageTagMutability',
          'ecr:PutLifecyclePolicy',
          'ecr:SetRepositoryPolicy',
          'ecr:TagResource',
          'ecr:UntagResource',
        ],
        Resource: [repositories],
      },
      {
        Sid: 'CreateSymmetricKeys',
        Effect: 'Allow',
        Action: ['kms:CreateKey'],
        Resource: ['*'],
        Condition: { StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' } },
      },
      {
        // kms:TagResource here also covers the tags sent with CreateKey: KMS requires that grant in an IAM
        // policy covering at least every key of the account and Region, which `key/*` is (AWS KMS Developer
        // Guide, "Controlling access to tags").
        Sid: 'ManageKeys',
        Effect: 'Allow',
        Action: [
          'kms:DisableKeyRotation',
          'kms:EnableKeyRotation',
          'kms:PutKeyPolicy',
          'kms:ScheduleKeyDeletion',
          'kms:TagResource',
          'kms:UntagResource',
          'kms:UpdateKeyDescription',
        ],
        Resource: [keys],
      },
      // An alias change is authorized on both the alias and the key it points to.
      { Sid: 'ManageAliases', Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], Resource: [aliases, keys] },
      // ECR creates a grant on the repository's key when it creates the repository.
      {
        Sid: 'GrantKeysToEcr',
        Effect: 'Allow',
        Action: ['kms:CreateGrant'],
        Resource: [keys],
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
      // ...and retires it when the repository is deleted, as the caller (Amazon ECR User Guide, "Encryption at rest").
      { Sid: 'RetireEcrGrants', Effect: 'Allow', Action: ['kms:RetireGrant'], Resource: [keys] },
      {
        Sid: 'ManageOidcProvider',
        Effect: 'Allow',
        Action: [
          'iam:AddClientIDToOpenIDConnectProvider',
          'iam:CreateOpenIDConnectProvider',
          'iam:DeleteOpenIDConnectProvider',
          'iam:RemoveClientIDFromOpenIDConnectProvider',
          'iam:TagOpenIDConnectProvider',
          'iam:UntagOpenIDConnectProvider',
          'iam:UpdateOpenIDConnectProviderThumbprint',
        ],
        Resource: [oidcProvider],
      },
      // Inline policies only: no AttachRolePolicy, so no managed policy (AdministratorAccess) can be attached.
      {
        Sid: 'ManageCiRoles',
        Effect: 'Allow',
        Action: [
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:DeleteRolePolicy',
          'iam:ListInstanceProfilesForRole',
          'iam:PutRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:UpdateRole',
          'iam:UpdateRoleDescription',
        ],
        Resource: [ciRoles],
      },
    );
    return statements;
  }

  private validate(props: GithubActionsOidcProps, planSeconds: number, applySeconds: number): void {
    const fail = (message: string): never => {
      throw new Error(`${this.node.path}: ${message}`);
    };
    // No IAM wildcard characters (`*`, `?`) may reach the `sub` condition through the repository name.
    if (!Token.isUnresolved(props.repository) && !/^[\w.-]+\/[\w.-]+$/.test(props.repository)) {
      fail(`repository ("${props.repository}") must be "owner/name"`);
    }
    if (this.imagePushRepositories.length === 0) fail('imagePushRepositories must list at least one repository (it defaults to `repository`)');
    for (const r of this.imagePushRepositories) {
      if (!Token.isUnresolved(r) && !/^[\w.-]+\/[\w.-]+$/.test(r)) fail(`imagePushRepositories: "${r}" must be "owner/name"`);
    }
    if (!/^[\w./-]+$/.test(this.mainBranch) || this.mainBranch.includes('*')) fail(`mainBranch ("${this.mainBranch}") must be a plain branch name`);
    for (const pattern of this.imageTagPatterns) {
      if (!/^[\w.*-]+$/.test(pattern) || pattern === '*') fail(`imageTagPatterns: "${pattern}" must be a tag pattern narrower than "*" such as "v*"`);
    }
    if (!Token.isUnresolved(props.stateBucketArn) && !/^arn:aws[\w-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.stateBucketArn)) {
      fail(`stateBucketArn ("${props.stateBucketArn}") must be a bucket ARN such as arn:aws:s3:::my-state-bucket`);
    }
    if (props.stateKmsKeyArn !== undefined && !Token.isUnresolved(props.stateKmsKeyArn) && !/^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/[\w-]+$/.test(props.stateKmsKeyArn)) {
      fail(`stateKmsKeyArn ("${props.stateKmsKeyArn}") must be a KMS key ARN (not an alias)`);
    }
    for (const [label, seconds] of [['planSessionDurationSeconds', planSeconds], ['applySessionDurationSeconds', applySeconds]] as const) {
      if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) fail(`${label} (${seconds}) must be an integer from 3600 to 43200`);
    }
    if (props.targets.length === 0) fail('targets must list at least one deployment target');
    const seen = new Set<string>();
    for (const target of props.targets) {
      const where = `targets["${target.name}"]`;
      if (!/^[a-z0-9][a-z0-9-]*$/.test(target.name)) fail(`${where}: name must be lowercase letters, digits and hyphens`);
      if (applyRoleName(target.name).length > 64) fail(`${where}: name is too long; role "${applyRoleName(target.name)}" exceeds IAM's 64 characters`);
      if (seen.has(target.name)) fail(`${where}: listed twice`);
      seen.add(target.name);
      if (target.stateKeys.length === 0) fail(`${where}: stateKeys must list at least one state object`);
      for (const key of target.stateKeys) {
        if (!Token.isUnresolved(key) && (key.includes('*') || key.includes('?') || key.startsWith('/'))) fail(`${where}: state key "${key}" must be a literal object key`);
      }
      if ((target.planRoleArn === undefined) !== (target.applyRoleArn === undefined)) {
        fail(`${where}: give both planRoleArn and applyRoleArn (a target in another account) or neither (this account)`);
      }
    }
    const provider = props.existingProviderArn;
    if (provider !== undefined && !Token.isUnresolved(provider) && !new RegExp(`^arn:aws[\\w-]*:iam::\\d{12}:oidc-provider/${GITHUB_OIDC_HOST.replace(/\./g, '\\.')}$`).test(provider)) {
      fail(`existingProviderArn ("${provider}") must be the ARN of this account's ${GITHUB_OIDC_HOST} OIDC provider`);
    }
    for (const arn of props.imageRepositoryArns ?? []) {
      if (!Token.isUnresolved(arn) && !/^arn:aws[\w-]*:ecr:[\w-]+:\d{12}:repository\/[a-z0-9][\w./-]*$/.test(arn)) {
        fail(`imageRepositoryArns: "${arn}" must be an ECR repository ARN`);
      }
    }
  }
}

function assumeStatement(sid: string, roleArn: string): IamPolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [roleArn] };
}
