import { CreateUsers1795500000000 } from './1795500000000-create-users';
import { CreateAuthTokens1795500100000 } from './1795500100000-create-auth-tokens';
import { CreateJobsAndExecutions1795500200000 } from './1795500200000-create-jobs-and-executions';
import { RowLevelSecurity1795500300000 } from './1795500300000-row-level-security';
import { ExecutionLateness1795500400000 } from './1795500400000-execution-lateness';
import { LeanerExecutionWrites1795500500000 } from './1795500500000-leaner-execution-writes';
import { JobRunCounters1795500800000 } from './1795500800000-job-run-counters';
import { ResultLog1795500900000 } from './1795500900000-result-log';

/** Every migration, oldest first. Listed explicitly so bundles and tests need no glob. */
export const migrations = [
  CreateUsers1795500000000,
  CreateAuthTokens1795500100000,
  CreateJobsAndExecutions1795500200000,
  RowLevelSecurity1795500300000,
  ExecutionLateness1795500400000,
  LeanerExecutionWrites1795500500000,
  JobRunCounters1795500800000,
  ResultLog1795500900000,
];
