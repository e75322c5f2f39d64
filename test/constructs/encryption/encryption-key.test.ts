import { EncryptionKey } from '../../../constructs/encryption';
import { onlyResource, policyStatements, synthConstruct } from '../../helpers';

describe('EncryptionKey', () => {
  it('rotates, waits 30 days before deletion and has an alias', () => {
    const json = synthConstruct((scope) => new EncryptionKey(scope, 'Key', { alias: 'dev/data', description: 'data' }));
    expect(onlyResource(json, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, description: 'data' });
    expect(onlyResource(json, 'aws_kms_alias')).toMatchObject({ name: 'alias/dev/data' });
    expect(onlyResource(json, 'aws_kms_key').lifecycle).toBeUndefined();
  });

  it('lets named services use the key only on behalf of this account', () => {
    const json = synthConstruct((scope) =>
      new EncryptionKey(scope, 'Key', { alias: 'k', description: 'k', servicePrincipals: ['sns.amazonaws.com'], preventDestroy: true }),
    );
    const statements = policyStatements(json, onlyResource(json, 'aws_kms_key').policy);
    expect(statements.map((s) => s.sid)).toEqual(['AccountAdministersThroughIam', 'ServicesEncryptForThisAccount']);
    expect(statements[1]).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringContaining('data.aws_caller_identity.')] }],
    });
    expect(statements[1].actions).not.toContain('kms:*');
    expect(onlyResource(json, 'aws_kms_key').lifecycle).toEqual({ prevent_destroy: true });
  });
});
