export * from './target.dto';
export * from './job.dto';
export * from './list-jobs.dto';
