export * from './secure-bucket';
