export const CONTRACTS_VERSION = 1;
export * from './common';
export * from './schedules';
export * from './jobs';
export * from './history';
export * from './auth';
export * from './users';
export * from './scheduler';
