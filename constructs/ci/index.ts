export * from './github-runner';
