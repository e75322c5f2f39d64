import { z } from 'zod';
import { GITHUB_OIDC_HOST } from '../constructs/iam/role-names';
import { AWS_REGIONS, EnvironmentValidationError, formatIssues, PARSE_CONTEXT } from './schema';

/**
 * The tooling account: Terraform state, the ECR repositories every environment pulls from, and the
 * GitHub OIDC roles CI uses. One per organisation, not per environment.
 */
export const sharedSchema = z.strictObject({
  account: z.strictObject({
    id: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z.enum(AWS_REGIONS),
  }),
  tags: z.strictObject({ owner: z.string().min(1), costCenter: z.string().min(1) }),
  /** S3 bucket holding every stack's state (created by the `bootstrap` stack). */
  stateBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name'),
  github: z.strictObject({
    /** `owner/name` of this repository; the only one CI roles trust. */
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"'),
    /**
     * `owner/name` of the repositories whose `main` may push images through the reusable `build-image.yml`
     * (it runs with the caller's identity). Default: `repository` only.
     */
    imagePushRepositories: z.array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"')).min(1).optional(),
    /**
     * ARN of the account's existing GitHub OIDC provider (IAM allows one per URL, so a second
     * `CreateOpenIDConnectProvider` fails). Default: the `shared` stack creates it.
     */
    existingOidcProviderArn: z
      .string()
      .regex(
        new RegExp(`^arn:aws:iam::\\d{12}:oidc-provider/${GITHUB_OIDC_HOST.replace(/\./g, '\\.')}$`),
        `must be the ARN of the GitHub OIDC provider (arn:aws:iam::<account>:oidc-provider/${GITHUB_OIDC_HOST})`,
      )
      .optional(),
  }),
  registry: z.strictObject({
    repositories: z.array(z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/)).min(1),
    keepTaggedImages: z.number().int().min(1).max(1000),
    untaggedExpiryDays: z.number().int().min(1),
  }),
});

export type SharedConfig = z.output<typeof sharedSchema>;

/** What only the whole shared config can show: the reused OIDC provider lives in the shared account. */
function sharedCrossFieldProblems(config: SharedConfig): string[] {
  const arn = config.github.existingOidcProviderArn;
  const owner = arn ? /^arn:aws:iam::(\d{12}):/.exec(arn)?.[1] : undefined;
  if (owner !== undefined && owner !== config.account.id) {
    return [`shared.github.existingOidcProviderArn: is in account ${owner}, but the CI roles are created in the shared account ${config.account.id}; IAM trusts a provider of the same account only`];
  }
  return [];
}

export function parseShared(input: unknown): SharedConfig {
  const result = sharedSchema.safeParse(input, PARSE_CONTEXT);
  if (!result.success) throw new EnvironmentValidationError(formatIssues('shared', result.error.issues));
  const problems = sharedCrossFieldProblems(result.data);
  if (problems.length > 0) throw new EnvironmentValidationError(problems);
  return result.data;
}

export const sharedInput = {
  account: { id: '210987654321', region: 'eu-west-1' },
  tags: { owner: 'platform-infrastructure', costCenter: 'cc-1042-platform' },
  stateBucket: 'mlops-platform-tfstate-210987654321-eu-west-1',
  github: { repository: 'mlops-platform/infrastructure' },
  registry: {
    repositories: ['model-serving', 'data-pipeline', 'data-validation', 'mlflow'],
    keepTaggedImages: 50,
    untaggedExpiryDays: 7,
  },
} satisfies z.input<typeof sharedSchema>;
