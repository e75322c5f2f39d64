export * from './alarm-topic';
export * from './postgres-database';
