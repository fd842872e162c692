import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';

/** Everything the scheduler tunes; the env-backed values come from config/environment.ts. */
export interface SchedulerConfig {
  enabled: boolean;
  replicaId: string;
  databaseUrl: string;
  workerConcurrency: number;
  leaderPollMs: number;
  historyRetentionDays: number;
  shutdownGraceMs: number;
  /** Key of the session advisory lock whose holder is the leader. */
  leaderLockKey: number;
  /**
   * First key of each replica's presence lock, `(presenceLockClass, hashtext(replica_id))`,
   * held by its LISTEN session for as long as it may make calls.
   */
  presenceLockClass: number;
  /**
   * A replica whose heartbeat is older than this and whose presence lock is free is lost: the
   * leader's reaper takes back the executions it held without waiting for their leases.
   */
  replicaLostAfterMs: number;
  /** The firing loop never sleeps longer than this, so a missed NOTIFY costs at most this much. */
  maxSleepMs: number;
  /**
   * The leader fires this long before an occurrence is due; the execution becomes claimable,
   * and a local worker makes its call, only at the scheduled instant. The fire transaction's
   * own time then no longer delays the call.
   */
  fireAheadMs: number;
  /**
   * When many jobs share the next instant, the leader starts firing them earlier than
   * fireAheadMs: as early as it expects firing all of them to take (its measured cost per
   * job), at most this long before. Only that instant's occurrences are fired early.
   */
  burstFireAheadMaxMs: number;
  fireBatchSize: number;
  claimBatchSize: number;
  /** An occurrence due longer ago than this is a misfire (the job's misfire policy applies). */
  misfireToleranceMs: number;
  /** Lease = call timeout + this margin; renewed while the call runs. */
  leaseMarginMs: number;
  leaseRenewMs: number;
  claimPollMs: number;
  heartbeatMs: number;
  reaperMs: number;
  retentionEveryMs: number;
  retentionBatchSize: number;
  clockSyncMs: number;
  defaultTimeoutMs: number;
  responseExcerptBytes: number;
}

export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');

/** Any constant shared by every replica works. */
const LEADER_LOCK_KEY = 7_208_130_002;
/** hashtext('zer08:presence'); a two-key lock, so it can never meet the one-key leader lock. */
const PRESENCE_LOCK_CLASS = 95_820_200;

export function defaultReplicaId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function schedulerConfigFrom(config: ConfigService<Environment, true>): SchedulerConfig {
  return {
    enabled: config.get('SCHEDULER_ENABLED', { infer: true }) ?? true,
    replicaId: config.get('REPLICA_ID', { infer: true }) ?? defaultReplicaId(),
    databaseUrl: config.get('DATABASE_URL', { infer: true }) ?? '',
    workerConcurrency: config.get('WORKER_CONCURRENCY', { infer: true }) ?? 200,
    leaderPollMs: config.get('LEADER_POLL_MS', { infer: true }) ?? 500,
    historyRetentionDays: config.get('HISTORY_RETENTION_DAYS', { infer: true }) ?? 30,
    shutdownGraceMs: config.get('SCHEDULER_SHUTDOWN_GRACE_MS', { infer: true }) ?? 10_000,
    leaderLockKey: LEADER_LOCK_KEY,
    presenceLockClass: PRESENCE_LOCK_CLASS,
    replicaLostAfterMs: 3_000,
    maxSleepMs: 1_000,
    fireAheadMs: 250,
    burstFireAheadMaxMs: 5_000,
    fireBatchSize: 2_000,
    claimBatchSize: 1_000,
    misfireToleranceMs: 5_000,
    leaseMarginMs: 5_000,
    leaseRenewMs: 2_000,
    claimPollMs: 250,
    heartbeatMs: 1_000,
    reaperMs: 1_000,
    retentionEveryMs: 60_000,
    retentionBatchSize: 5_000,
    clockSyncMs: 15_000,
    defaultTimeoutMs: 30_000,
    responseExcerptBytes: 4_096,
  };
}
