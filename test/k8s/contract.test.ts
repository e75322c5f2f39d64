import { readFileSync } from 'fs';
import * as path from 'path';
import { METRICS, mlflowAllowedHosts } from '../../k8s';
import { MODEL_URI_PATTERN, WORKLOAD_CONTRACT, WORKLOAD_METRICS } from '../../k8s/contract';
import { DEFAULT_RUN_AS_ID } from '../../k8s/container';

const ROOT = path.join(__dirname, '..', '..');

describe('workload contract (TypeScript side)', () => {
  test('the alert rules query the metric names the workloads serve', () => {
    // workloads/model-api/tests/test_metrics.py and workloads/mlflow-server/tests/test_server.py check the other side.
    expect(METRICS.httpRequestDurationBucket).toBe(`${WORKLOAD_METRICS.http.requestDurationSeconds.name}_bucket`);
    expect(METRICS.httpRequests).toBe(WORKLOAD_METRICS.http.requests.name);
    expect(METRICS.mlflowRequestDurationBucket).toBe('mlflow_http_request_duration_seconds_bucket');
    expect(METRICS.mlflowRequests).toBe('mlflow_http_request_total');
    expect(METRICS.modelLoaded).toBe(WORKLOAD_METRICS.modelApi.loaded.name);
    expect(WORKLOAD_METRICS.http.requests.labels).toContain('status');
    expect(WORKLOAD_METRICS.mlflow.requests.labels).toEqual(['method', 'status']);
  });

  test('the charts run as the numeric USER of every workload Dockerfile', () => {
    expect(DEFAULT_RUN_AS_ID).toBe(WORKLOAD_CONTRACT.runAsUser);
    for (const workload of ['model-api', 'mlflow-server']) {
      const dockerfile = readFileSync(path.join(ROOT, 'workloads', workload, 'Dockerfile'), 'utf8');
      const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      expect(users).toEqual([`${WORKLOAD_CONTRACT.runAsUser}:${WORKLOAD_CONTRACT.runAsUser}`]);
    }
  });

  test('model URIs: the champion alias and pinned versions, not MLflow 2 stages', () => {
    expect(MODEL_URI_PATTERN.test('models:/churn-classifier@champion')).toBe(true);
    expect(MODEL_URI_PATTERN.test('models:/churn-classifier/3')).toBe(true);
    expect(MODEL_URI_PATTERN.test('runs:/0a1b/model')).toBe(true);
    expect(MODEL_URI_PATTERN.test('models:/churn-classifier/Production')).toBe(false);
  });

  test('MLflow --allowed-hosts covers the Service names with the port, pod IPs and localhost', () => {
    expect(mlflowAllowedHosts('tracking', 'ml', 5000)).toEqual([
      'tracking:5000', 'tracking.ml:5000', 'tracking.ml.svc:5000', 'tracking.ml.svc.cluster.local:5000',
      '10.*:5000', '172.1[6-9].*:5000', '172.2[0-9].*:5000', '172.3[01].*:5000', '192.168.*:5000', 'localhost:*', '127.0.0.1:*',
    ]);
  });
});
