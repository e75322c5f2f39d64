import { Testing } from 'cdktf';
import { EnvironmentValidationError, environments } from '../../environments';
import { parseShared, sharedInput } from '../../environments/shared';
import { SharedStack } from '../../stacks';
import { resourcesOf, synthJson } from '../helpers';

const PROVIDER = `arn:aws:iam::${sharedInput.account.id}:oidc-provider/token.actions.githubusercontent.com`;
const withProvider = (arn: string) => ({ ...sharedInput, github: { ...sharedInput.github, existingOidcProviderArn: arn } });

function problemsOf(input: unknown): string[] {
  try {
    parseShared(input);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentValidationError);
    return [...(error as EnvironmentValidationError).problems];
  }
  throw new Error('expected the shared config to be rejected');
}

describe('shared config: reusing the account\'s GitHub OIDC provider', () => {
  it('creates the provider when none is given', () => {
    const json = synthJson(new SharedStack(Testing.app(), parseShared(sharedInput), Object.values(environments)));
    expect(resourcesOf(json, 'aws_iam_openid_connect_provider')).toHaveLength(1);
  });

  it('trusts the existing provider and creates none when one is given', () => {
    const json = synthJson(new SharedStack(Testing.app(), parseShared(withProvider(PROVIDER)), Object.values(environments)));
    expect(resourcesOf(json, 'aws_iam_openid_connect_provider')).toHaveLength(0);
    for (const role of resourcesOf(json, 'aws_iam_role')) {
      const trust = JSON.parse(String(role.assume_role_policy)) as { Statement: { Principal: unknown }[] };
      expect(trust.Statement[0].Principal).toEqual({ Federated: PROVIDER });
    }
  });

  it('fails when the ARN is not a GitHub OIDC provider', () => {
    expect(problemsOf(withProvider('arn:aws:iam::210987654321:oidc-provider/gitlab.com'))).toEqual([
      expect.stringMatching(/^shared\.github\.existingOidcProviderArn: must be the ARN of the GitHub OIDC provider/),
    ]);
  });

  it('fails when the provider is in another account than the CI roles', () => {
    expect(problemsOf(withProvider('arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com'))).toEqual([
      'shared.github.existingOidcProviderArn: is in account 999999999999, but the CI roles are created in the shared account 210987654321; IAM trusts a provider of the same account only',
    ]);
  });
});
