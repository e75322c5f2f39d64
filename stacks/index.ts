export * from './bootstrap-stack';
export * from './data-stack';
export * from './names';
export * from './network-stack';
export * from './platform';
export * from './platform-stack';
export * from './shared-stack';
