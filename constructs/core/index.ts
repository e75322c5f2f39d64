export * from './grants';
export * from './tags';
export * from './generated-secret';
