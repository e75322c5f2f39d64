export * from './common';
export * from './data-validation';
export * from './mlflow';
export * from './model-serving';
export * from './monitoring';
export * from './workload-charts';
