export * from './postgres-database';
export * from './database-bootstrap';
