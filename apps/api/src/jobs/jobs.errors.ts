import { ConflictError, NotFoundError } from '../common/problem';

export class JobNotFoundError extends NotFoundError {
  constructor() {
    super('The job');
  }
}

export class ExecutionNotFoundError extends NotFoundError {
  constructor() {
    super('The execution');
  }
}

export class JobVersionConflictError extends ConflictError {
  constructor(expected: number, actual?: number) {
    super(
      'version_conflict',
      actual === undefined
        ? `The job was changed by someone else (you sent version ${expected}); read it again and retry.`
        : `The job is at version ${actual}, you sent version ${expected}; read it again and retry.`,
    );
  }
}

export class JobStateError extends ConflictError {
  constructor(code: 'job_deleted' | 'job_not_deleted' | 'invalid_job_state', message: string) {
    super(code, message);
  }
}
