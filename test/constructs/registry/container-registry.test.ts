import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Testing } from 'cdktf';
import { ContainerRegistry, ECR_PULL_ACTIONS } from '../../../constructs/registry';
import { policyStatements, resourcesOf, synthConstruct, synthJson, testStack } from '../../helpers';

const repositories = ['model-serving', 'data-pipeline', 'data-validation', 'mlflow'];

describe('ContainerRegistry', () => {
  it('creates immutable, scanned, KMS-encrypted repositories that are never force-deleted', () => {
    const stack = testStack();
    new ContainerRegistry(stack, 'Registry', { repositories });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(EcrRepository, {
      name: 'model-serving',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      force_delete: false,
    });
    const json = synthJson(stack);
    const repos = resourcesOf(json, 'aws_ecr_repository');
    expect(repos.map((r) => r.name).sort()).toEqual([...repositories].sort());
    for (const repo of repos) {
      expect(repo.encryption_configuration).toEqual([{ encryption_type: 'KMS', kms_key: expect.stringContaining('aws_kms_key.') }]);
    }
  });

  it('expires untagged images and keeps the last N tagged ones', () => {
    const json = synthConstruct((scope) => new ContainerRegistry(scope, 'Registry', { repositories: ['a'], keepTaggedImages: 12, untaggedExpiryDays: 3 }));
    const [policy] = resourcesOf(json, 'aws_ecr_lifecycle_policy');
    const rules = JSON.parse(String(policy.policy)).rules;
    expect(rules).toEqual([
      expect.objectContaining({ selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 }, action: { type: 'expire' } }),
      expect.objectContaining({ selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: 12 }, action: { type: 'expire' } }),
    ]);
  });

  it('lets other accounts pull, and only pull', () => {
    const json = synthConstruct((scope) => new ContainerRegistry(scope, 'Registry', { repositories: ['a'], pullAccountIds: ['111111111111'] }));
    const [repoPolicy] = resourcesOf(json, 'aws_ecr_repository_policy');
    const [statement] = policyStatements(json, repoPolicy.policy);
    expect(statement.principals).toEqual([{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }]);
    expect(statement.actions).toEqual([...ECR_PULL_ACTIONS]);
  });

  it('grantPull gives a role pull rights on the named repositories only', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { repositories });
    const role = new IamRole(stack, 'NodeRole', { assumeRolePolicy: '{}' });
    const grant = registry.grantPull(role, ['model-serving']);
    expect(grant.policy).toBeDefined();
    const json = synthJson(stack);
    const [policy] = resourcesOf(json, 'aws_iam_role_policy');
    expect(policy.role).toMatch(/^\$\{aws_iam_role\.NodeRole\.name\}$/);
    const statements = policyStatements(json, policy.policy);
    expect(statements).toEqual([
      { sid: 'Authenticate', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'Pull', actions: [...ECR_PULL_ACTIONS], resources: [expect.stringMatching(/^\$\{aws_ecr_repository\.Registry_model-serving_[\w]+\.arn\}$/)] },
    ]);
    expect(JSON.stringify(statements)).not.toContain('ecr:PutImage');
  });

  it('grantPush adds upload actions, still scoped to the repositories', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { repositories });
    registry.grantPush({ name: 'ci-image-push' });
    const json = synthJson(stack);
    const statements = policyStatements(json, resourcesOf(json, 'aws_iam_role_policy')[0].policy);
    expect(statements[1].actions).toEqual(expect.arrayContaining(['ecr:PutImage', 'ecr:UploadLayerPart', 'ecr:BatchGetImage']));
    expect(statements[1].resources).toHaveLength(4);
    expect(statements.flatMap((s) => s.actions as string[])).not.toContain('ecr:*');
  });

  it('fails when asked to grant on an unknown repository', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { repositories });
    expect(() => registry.grantPull({ name: 'x' }, ['nope'])).toThrow('test/Registry: unknown repository "nope"; known: model-serving, data-pipeline, data-validation, mlflow');
  });

  it('fails when a grantee name is only known at deploy time and it is not a construct', () => {
    const stack = testStack();
    const registry = new ContainerRegistry(stack, 'Registry', { repositories });
    const role = new IamRole(stack, 'R', { assumeRolePolicy: '{}' });
    expect(() => registry.grantPull({ name: role.name })).toThrow(/pass the IamRole construct itself/);
  });

  it.each([
    [{ repositories: [] }, 'repositories must name at least one repository'],
    [{ repositories: ['a', 'a'] }, 'repositories lists "a" twice'],
    [{ repositories: ['a'], keepTaggedImages: 0 }, 'keepTaggedImages (0) must be a positive integer'],
    [{ repositories: ['a'], untaggedExpiryDays: 1.5 }, 'untaggedExpiryDays (1.5) must be a positive integer'],
  ])('fails when props are invalid: %j', (props, message) => {
    expect(() => new ContainerRegistry(testStack(), 'Registry', props)).toThrow(message);
  });
});
