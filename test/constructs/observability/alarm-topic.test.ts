import { AlarmTopic } from '../../../constructs/observability';
import { onlyResource, policyStatements, resourcesOf, synthConstruct, testStack } from '../../helpers';

describe('AlarmTopic', () => {
  const json = synthConstruct((scope) => new AlarmTopic(scope, 'Alarms', { topicName: 'prod-alarms', emailAddresses: ['oncall@example.com'] }));

  it('encrypts the topic with its own rotating key', () => {
    expect(onlyResource(json, 'aws_sns_topic')).toMatchObject({ name: 'prod-alarms', kms_master_key_id: expect.stringContaining('aws_kms_key.Alarms_Key') });
    expect(onlyResource(json, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
    expect(onlyResource(json, 'aws_kms_alias')).toMatchObject({ name: 'alias/prod-alarms/sns' });
  });

  it('lets CloudWatch use the key as AWS documents it, and only alarms of this account publish', () => {
    const keyStatements = policyStatements(json, onlyResource(json, 'aws_kms_key').policy);
    const cloudwatch = keyStatements.find((s) => s.sid === 'CloudWatchAlarmsPublishToTheTopic')!;
    // No conditions on the key: CloudWatch's KMS calls are not documented to carry source keys.
    expect(cloudwatch).toEqual({
      sid: 'CloudWatchAlarmsPublishToTheTopic',
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    });
    const topicStatements = policyStatements(json, onlyResource(json, 'aws_sns_topic_policy').policy);
    expect(topicStatements.map((s) => s.sid)).toEqual(['AccountManagesTheTopicThroughIam', 'CloudWatchAlarmsPublish']);
    expect(topicStatements[1]).toMatchObject({
      actions: ['sns:Publish'],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringContaining('data.aws_caller_identity.')] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: [expect.stringMatching(/:cloudwatch:.+:alarm:\*$/)] },
      ],
    });
    expect(JSON.stringify(topicStatements)).not.toContain('"*"');
  });

  it('subscribes the email addresses', () => {
    expect(resourcesOf(json, 'aws_sns_topic_subscription')).toEqual([
      expect.objectContaining({ protocol: 'email', endpoint: 'oncall@example.com', topic_arn: expect.stringContaining('aws_sns_topic.Alarms') }),
    ]);
    const none = synthConstruct((scope) => new AlarmTopic(scope, 'Alarms', { topicName: 'dev-alarms' }));
    expect(none.resource.aws_sns_topic_subscription).toBeUndefined();
  });

  it('fails when an email address or the topic name is malformed', () => {
    expect(() => new AlarmTopic(testStack(), 'Alarms', { topicName: 'a', emailAddresses: ['oncall'] })).toThrow(/"oncall", which is not an email address/);
    expect(() => new AlarmTopic(testStack(), 'Alarms', { topicName: 'prod alarms' })).toThrow(/topicName \("prod alarms"\)/);
  });
});
