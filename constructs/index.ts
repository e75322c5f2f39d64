// Public API of the constructs library (`@mlops-platform/infrastructure/constructs`): re-exports only.
export * from './ci';
export * from './cluster';
export * from './compute';
export * from './core';
export * from './database';
export * from './encryption';
export * from './iam';
export * from './kubernetes';
export * from './network';
export * from './observability';
export * from './orchestration';
export * from './registry';
export * from './storage';
