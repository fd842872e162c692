import { ConflictError, NotFoundError, ValidationFailedError } from '../common/problem';

export class ExecutionNotFoundError extends NotFoundError {
  constructor() {
    super('The execution');
  }
}

export class ExecutionAlreadyFinishedError extends ConflictError {
  constructor(status: string) {
    super(
      'execution_finished',
      `The execution already ended (${status}); only pending or running executions can be cancelled.`,
    );
  }
}

export class InvalidExecutionIdError extends ValidationFailedError {
  constructor() {
    super([{ field: 'id', message: 'id must be a UUID' }]);
  }
}

export class SchedulerDisabledError extends ConflictError {
  constructor() {
    super('scheduler_disabled', 'The scheduler is disabled on this replica (SCHEDULER_ENABLED=false).');
  }
}
