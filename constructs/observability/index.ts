export * from './alarm-topic';
export * from './network-alarms';
