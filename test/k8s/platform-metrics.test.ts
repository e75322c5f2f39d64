import { METRIC_NAMES, METRICS, promDuration, QUERIES } from '../../k8s';

describe('platform metrics', () => {
  test('metric names are unique Prometheus metric names', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
    for (const name of METRIC_NAMES) expect(name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    expect(METRICS.httpRequestDurationBucket).toBe('http_request_duration_seconds_bucket');
    expect(METRICS.pipelineLastSuccessTimestamp).toBe('pipeline_last_success_timestamp_seconds');
  });

  test('queries are built from the constants', () => {
    expect(QUERIES.apiLatencyP95Seconds()).toBe('histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))');
    expect(QUERIES.pipelineJobFailures(['a'])).toBe('sum by (namespace, job_name) (kube_job_status_failed{namespace="a"})');
    expect(QUERIES.pipelineJobFailures(['a', 'b'])).toContain('namespace=~"a|b"');
  });

  test('promDuration uses the largest whole unit', () => {
    expect(promDuration(30)).toBe('30s');
    expect(promDuration(90)).toBe('90s');
    expect(promDuration(300)).toBe('5m');
    expect(promDuration(21600)).toBe('6h');
    expect(promDuration(86400)).toBe('1d');
  });
});
