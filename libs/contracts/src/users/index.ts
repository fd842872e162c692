export * from './users.dto';
