/**
 * The keys of the Apache Airflow chart 1.21.0 this platform sets, typed: a key the chart does not have
 * fails `npm run typecheck` (object literals admit no excess properties). Written from the chart's
 * parameters reference for 1.21.0 (airflow.apache.org/docs/helm-chart/1.21.0/parameters-ref.html, which
 * is generated from that version's values.schema.json), its release notes and the pull requests named
 * below. Only the keys used here are listed; widen the type from the same sources when adding one.
 *
 * Why typed and not a generated key tree like the other charts (tools/chart-values): apache/airflow is
 * larger than the mirror this repository's tooling could fetch. With a clone, `npm run chart-values --
 * --repos DIR airflow` writes `trees/airflow-1.21.0.json` and the synthesized values are then checked
 * against it too (see test/tools/chart-values/stack-values.test.ts).
 */

export interface AirflowResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

interface ServiceAccountValues {
  readonly create: boolean;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

interface Component {
  readonly serviceAccount: ServiceAccountValues;
  readonly resources: AirflowResources;
  readonly replicas?: number;
}

export interface AirflowChartValues {
  readonly airflowVersion: string;
  /** UID/GID the chart runs Airflow's containers as (chart default 50000/0); the image's numeric USER. */
  readonly uid: number;
  readonly gid: number;
  readonly images: { readonly airflow: { readonly repository: string; readonly tag: string; readonly pullPolicy: 'IfNotPresent' | 'Always' } };
  readonly executor: 'KubernetesExecutor' | 'CeleryExecutor' | 'LocalExecutor';
  readonly postgresql: { readonly enabled: boolean };
  readonly redis: { readonly enabled: boolean };
  readonly pgbouncer: { readonly enabled: boolean };
  readonly data: { readonly metadataSecretName: string };
  /** Secret with key `fernet-key`. */
  readonly fernetKeySecretName: string;
  /** Secret with key `api-secret-key` (Airflow 3 `[api] secret_key`). */
  readonly apiSecretKeySecretName: string;
  /** Secret with key `jwt-secret` (Airflow 3 `[api_auth] jwt_secret`). */
  readonly jwtSecretName: string;
  readonly airflowPodAnnotations: Readonly<Record<string, string>>;
  readonly migrateDatabaseJob: { readonly useHelmHooks: boolean };
  readonly createUserJob: {
    readonly useHelmHooks: boolean;
    /** Moved from `webserver.defaultUser` (ignored for Airflow 3); 1.21.0 parameters: `createUserJob.defaultUser.*`. */
    readonly defaultUser: {
      readonly enabled: boolean;
      readonly role: string;
      readonly username: string;
      readonly email: string;
      readonly firstName: string;
      readonly lastName: string;
    };
    readonly env: readonly EnvVar[];
    readonly args: readonly string[];
  };
  readonly dags: {
    readonly persistence: { readonly enabled: boolean };
    /** git-sync v4: `ref` (a branch, tag or commit); `branch` is the v3 fallback. */
    readonly gitSync: { readonly enabled: boolean; readonly repo: string; readonly ref: string; readonly subPath: string; readonly depth: number };
  };
  /** airflow.cfg sections: any option of the Airflow version (the chart renders the map as is). */
  readonly config: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly env: readonly EnvVar[];
  readonly scheduler: Component;
  /** Airflow 3's API server (serves the UI); `webserver.*` is for Airflow 2 only. */
  readonly apiServer: Component;
  readonly triggerer: Component & { readonly persistence: { readonly enabled: boolean } };
  readonly dagProcessor: Component;
  readonly workers: {
    readonly resources: AirflowResources;
    readonly persistence: { readonly enabled: boolean };
    /**
     * Service account of the KubernetesExecutor's task pods; added in chart 1.21.0 by apache/airflow#64730,
     * which deprecates `workers.serviceAccount`.
     */
    readonly kubernetes: { readonly serviceAccount: ServiceAccountValues };
  };
}
