export * from './network';
export * from './subnet-plan';
