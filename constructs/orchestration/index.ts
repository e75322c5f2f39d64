export * from './airflow';
export type * from './airflow-values';
