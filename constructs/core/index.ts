export * from './grants';
export * from './tags';
export * from './generated-secret';
export * from './policy-suppression';
