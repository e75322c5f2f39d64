export * from './bastion';
