export * from './secure-bucket';
export * from './data-bucket';
