import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { recordSuppression } from '../core/policy-suppression';
import { nameTags } from '../core/tags';
import { requireProps } from '../core/props';

export interface EncryptionKeyProps {
  /** Alias without the `alias/` prefix, e.g. `dev/flow-logs`. */
  readonly alias: string;
  /** Shown in the KMS console and in audit logs: say what the key protects. */
  readonly description: string;
  /**
   * AWS services that encrypt with this key on the account's behalf (`logs.eu-west-1.amazonaws.com`).
   * Each gets encrypt/decrypt/generate-data-key, limited to calls from this account.
   * @default - none; only IAM principals of this account that are granted use through IAM
   */
  readonly servicePrincipals?: string[];
  /**
   * Extra key-policy statements, for services whose conditions differ (CloudWatch Logs' encryption context).
   * @default - none
   */
  readonly additionalStatements?: DataAwsIamPolicyDocumentStatement[];
  /** @default 30 */
  readonly deletionWindowDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A customer-managed KMS key with yearly rotation and a key policy that delegates to IAM in this
 * account (the AWS default) plus, optionally, named service principals.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    requireProps(this.node.path, props, { alias: 'string', description: 'string' });
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: 'AccountAdministersThroughIam',
        principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
        actions: ['kms:*'],
        resources: ['*'],
      },
    ];
    if (props.servicePrincipals && props.servicePrincipals.length > 0) {
      statements.push({
        sid: 'ServicesEncryptForThisAccount',
        principals: [{ type: 'Service', identifiers: props.servicePrincipals }],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
      });
    }
    statements.push(...(props.additionalStatements ?? []));
    const policy = new DataAwsIamPolicyDocument(this, 'Policy', { statement: statements });
    // checkov reads this as an identity policy; in a key policy, Resource "*" is this key and nothing else.
    const keyPolicy = 'a KMS key policy: Resource "*" means this key only, and the account-root statement is the AWS default that delegates to IAM';
    for (const check of ['CKV_AWS_109', 'CKV_AWS_111', 'CKV_AWS_356']) recordSuppression(policy, check, keyPolicy);

    this.key = new KmsKey(this, 'Resource', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policy.json,
      tags: nameTags(props.alias, props.tags),
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    const alias = new KmsAlias(this, 'Alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
    this.aliasName = alias.name;
  }
}
