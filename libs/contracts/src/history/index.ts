export * from './history.dto';
