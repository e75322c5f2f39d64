export * from './kubernetes-cluster';
export * from './load-balancer-controller-policy';
export * from './helm-release';
export * from './secrets-manager-sync';
export * from './addon-versions';
