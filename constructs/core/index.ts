export * from './grants';
export * from './tags';
export * from './policy-suppression';
