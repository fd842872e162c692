export * from './schedule.dto';
export * from './preview.dto';
