/**
 * Names of the CI roles and the GitHub OIDC constants. Kept free of provider imports so tools (the
 * CI matrix) derive the same role ARNs the construct creates without loading cdktf.
 */

/** Issuer host of GitHub Actions' OIDC tokens; also the prefix of the token's condition keys in IAM. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** Audience `aws-actions/configure-aws-credentials` requests by default. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/**
 * Thumbprints of GitHub's OIDC certificate chain (published 2023-06-27). IAM now trusts GitHub through
 * its own CA store and ignores them, but the API still requires at least one.
 */
export const GITHUB_OIDC_THUMBPRINTS = ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'] as const;

/** Prefix shared by every CI role, so the `shared` apply role can be limited to managing exactly these. */
export const GITHUB_ROLE_PREFIX = 'github-';

/** Role that pull-request plans and drift checks of `target` assume: `github-plan-dev`. */
export function planRoleName(target: string): string {
  return `${GITHUB_ROLE_PREFIX}plan-${target}`;
}

/** Role that deployments of `target` assume, only from the GitHub environment of the same name: `github-apply-dev`. */
export function applyRoleName(target: string): string {
  return `${GITHUB_ROLE_PREFIX}apply-${target}`;
}

/** Role that pushes container images from `main` and version tags. */
export const IMAGE_PUSH_ROLE_NAME = `${GITHUB_ROLE_PREFIX}image-push`;

/** ARN of a role by name, e.g. `roleArn('210987654321', 'github-plan-dev')`. */
export function roleArn(accountId: string, roleName: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}
