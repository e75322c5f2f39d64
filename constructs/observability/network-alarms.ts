import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { requireProps } from '../core/props';

export interface NatGatewayAlarmsProps {
  /** Prefix of alarm names, e.g. `prod`. */
  readonly name: string;
  /** NAT gateway ids, one alarm pair each. */
  readonly natGatewayIds: readonly string[];
  /** SNS topic the alarms notify (and notify again when they recover). */
  readonly alarmTopicArn: string;
  /**
   * Port-allocation errors in 5 minutes above which the alarm fires: any error means connections fail.
   * @default 0
   */
  readonly errorPortAllocationThreshold?: number;
  /**
   * Dropped packets in 5 minutes above which the alarm fires.
   * @default 100
   */
  readonly packetsDroppedThreshold?: number;
}

/** Alarms on each NAT gateway: exhausted source ports (connections fail) and dropped packets. */
export class NatGatewayAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: NatGatewayAlarmsProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', natGatewayIds: 'array', alarmTopicArn: 'string' });
    const actions = { alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn] };
    this.alarms = props.natGatewayIds.flatMap((natGatewayId, i) => [
      new CloudwatchMetricAlarm(this, `ErrorPortAllocation${i + 1}`, {
        alarmName: `${props.name}-nat-${i + 1}-port-allocation-errors`,
        alarmDescription: `NAT gateway ${i + 1} of ${props.name} could not allocate a source port: outbound connections are failing`,
        namespace: 'AWS/NATGateway',
        metricName: 'ErrorPortAllocation',
        dimensions: { NatGatewayId: natGatewayId },
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: props.errorPortAllocationThreshold ?? 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        ...actions,
      }),
      new CloudwatchMetricAlarm(this, `PacketsDropped${i + 1}`, {
        alarmName: `${props.name}-nat-${i + 1}-packets-dropped`,
        alarmDescription: `NAT gateway ${i + 1} of ${props.name} is dropping packets`,
        namespace: 'AWS/NATGateway',
        metricName: 'PacketsDropCount',
        dimensions: { NatGatewayId: natGatewayId },
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 2,
        threshold: props.packetsDroppedThreshold ?? 100,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        ...actions,
      }),
    ]);
  }
}

export interface LoadBalancerAlarmsProps {
  /** Prefix of alarm names, e.g. `prod`. */
  readonly name: string;
  /** SNS topic the alarms notify (and notify again when they recover). */
  readonly alarmTopicArn: string;
  /**
   * 5xx responses in 5 minutes, summed over the environment's load balancers, above which the alarm fires.
   * @default 10
   */
  readonly http5xxThreshold?: number;
  /**
   * Unhealthy targets (the maximum over target groups) above which the alarm fires.
   * @default 0
   */
  readonly unhealthyTargetsThreshold?: number;
}

/**
 * Alarms over every Application Load Balancer of the account and region. The load balancers are
 * created at run time by the AWS Load Balancer Controller, so Terraform cannot name them; CloudWatch
 * Metrics Insights queries aggregate whatever exists (each environment has its own account).
 */
export class LoadBalancerAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: LoadBalancerAlarmsProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', alarmTopicArn: 'string' });
    const query = (sid: string, name: string, description: string, expression: string, threshold: number) =>
      new CloudwatchMetricAlarm(this, sid, {
        alarmName: `${props.name}-${name}`,
        alarmDescription: description,
        metricQuery: [{ id: 'q1', expression, period: 300, returnData: true, label: name }],
        evaluationPeriods: 1,
        threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [props.alarmTopicArn],
        okActions: [props.alarmTopicArn],
      });
    this.alarms = [
      query(
        'Elb5xx',
        'alb-5xx',
        `Load balancers of ${props.name} answered with 5xx errors of their own (no healthy target, timeouts)`,
        'SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
        props.http5xxThreshold ?? 10,
      ),
      query(
        'Target5xx',
        'alb-target-5xx',
        `Services behind the load balancers of ${props.name} answered with 5xx errors`,
        'SELECT SUM(HTTPCode_Target_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
        props.http5xxThreshold ?? 10,
      ),
      query(
        'UnhealthyTargets',
        'alb-unhealthy-targets',
        `A target group of ${props.name} has unhealthy targets`,
        'SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup)',
        props.unhealthyTargetsThreshold ?? 0,
      ),
    ];
  }
}
