export * from './kubernetes-cluster';
export * from './load-balancer-controller-policy';
