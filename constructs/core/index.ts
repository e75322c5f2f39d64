export * from './grants';
export * from './tags';
