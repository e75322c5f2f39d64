import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { nameTags } from '../core/tags';
import { EncryptionKey } from '../encryption/encryption-key';
import { requireProps } from '../core/props';

export interface AlarmTopicProps {
  /** Topic name, e.g. `prod-alarms`. */
  readonly topicName: string;
  /**
   * Email addresses subscribed to the topic (each must confirm the subscription once).
   * @default - no subscriptions
   */
  readonly emailAddresses?: string[];
  /**
   * Key-protection of the topic's own KMS key.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A KMS-encrypted SNS topic that CloudWatch alarms of this account and region can publish to.
 *
 * CloudWatch cannot publish to a CMK-encrypted topic unless the key policy lets
 * `cloudwatch.amazonaws.com` generate data keys; without that grant alarms deploy cleanly and
 * deliver nothing. Publishing is limited to alarms of this account by the topic policy.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly topicArn: string;
  readonly topicName: string;
  readonly encryptionKey: EncryptionKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    requireProps(this.node.path, props, { topicName: 'string' });
    if (!Token.isUnresolved(props.topicName) && !/^[A-Za-z0-9_-]{1,256}$/.test(props.topicName)) {
      throw new Error(`${this.node.path}: topicName ("${props.topicName}") must be 1-256 letters, digits, hyphens or underscores`);
    }
    for (const email of props.emailAddresses ?? []) {
      if (!Token.isUnresolved(email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
        throw new Error(`${this.node.path}: emailAddresses contains "${email}", which is not an email address`);
      }
    }
    const tags = props.tags ?? {};
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const region = new DataAwsRegion(this, 'Region');
    const alarmsOfThisAccount = `arn:${partition.partition}:cloudwatch:${region.region}:${account.accountId}:alarm:*`;
    const fromAlarmsOfThisAccount = [
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] },
      { test: 'ArnLike', variable: 'aws:SourceArn', values: [alarmsOfThisAccount] },
    ];

    this.encryptionKey = new EncryptionKey(this, 'Key', {
      alias: `${props.topicName}/sns`,
      description: `Encrypts the ${props.topicName} SNS topic`,
      additionalStatements: [
        {
          sid: 'CloudWatchAlarmsPublishToTheTopic',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          // No source conditions here: CloudWatch's KMS calls are not documented to carry them, and a
          // condition that never matches makes alarms deploy and deliver nothing. The topic policy
          // below limits publishing to alarms of this account.
        },
      ],
      preventDestroy: props.preventDestroy,
      tags,
    });

    this.topic = new SnsTopic(this, 'Resource', {
      name: props.topicName,
      kmsMasterKeyId: this.encryptionKey.keyArn,
      tags: nameTags(props.topicName, tags),
    });
    this.topicArn = this.topic.arn;
    this.topicName = this.topic.name;

    // Replaces SNS's default policy, which lets any principal of the account publish and subscribe.
    const policy = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'AccountManagesTheTopicThroughIam',
          principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
          actions: [
            'sns:GetTopicAttributes',
            'sns:SetTopicAttributes',
            'sns:AddPermission',
            'sns:RemovePermission',
            'sns:DeleteTopic',
            'sns:Subscribe',
            'sns:ListSubscriptionsByTopic',
            'sns:Publish',
          ],
          resources: [this.topic.arn],
        },
        {
          sid: 'CloudWatchAlarmsPublish',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          condition: fromAlarmsOfThisAccount,
        },
      ],
    });
    new SnsTopicPolicy(this, 'Policy', { arn: this.topic.arn, policy: policy.json });

    // Named after the address, so removing one address leaves the others' subscriptions alone.
    for (const email of new Set(props.emailAddresses ?? [])) {
      new SnsTopicSubscription(this, `Email-${email}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    }
  }
}
