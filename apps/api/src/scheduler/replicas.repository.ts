import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasLoggedResult } from '../database/result-log';

export interface ReplicaRow {
  replica_id: string;
  hostname: string;
  pid: number;
  started_at: Date;
  heartbeat_at: Date;
  is_leader: boolean;
  dispatching: boolean;
  alive: boolean;
}

/** A replica's heartbeats that landed without a break: from `since` to `last` (database time). */
export interface HeartbeatRun {
  replicaId: string;
  since: Date;
  last: Date;
}

export interface ClusterSnapshot {
  leaderEpoch: number;
  leaderReplica: string | null;
  electedAt: Date | null;
  dbNow: Date;
  lagMs: number;
  pending: number;
  running: number;
  replicas: ReplicaRow[];
}

/** Heartbeats and the cluster view (scheduler_state, scheduler_replicas). */
@Injectable()
export class ReplicasRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records this replica's heartbeat; returns when it landed (database time) and how many
   * other replicas are alive and dispatching.
   */
  async heartbeat(
    replicaId: string,
    isLeader: boolean,
    dispatching: boolean,
    aliveWithinMs = 3_000,
  ): Promise<{ beatAt: Date; peers: number }> {
    const rows: Array<{ beat_at: Date; peers: string }> = await this.dataSource.query(
      `WITH beat AS (
         INSERT INTO scheduler_replicas (replica_id, hostname, pid, started_at, heartbeat_at, is_leader, dispatching)
         VALUES ($1, $2, $3, now(), now(), $4, $5)
         ON CONFLICT (replica_id) DO UPDATE SET heartbeat_at = now(), is_leader = $4, dispatching = $5
         RETURNING heartbeat_at
       )
       SELECT (SELECT heartbeat_at FROM beat) AS beat_at, count(*)::text AS peers FROM scheduler_replicas
       WHERE replica_id <> $1 AND dispatching AND heartbeat_at > clock_timestamp() - $6::int * interval '1 millisecond'`,
      [replicaId, hostname(), process.pid, isLeader, dispatching, aliveWithinMs],
    );
    return { beatAt: new Date(rows[0].beat_at), peers: Number(rows[0].peers) };
  }

  async remove(replicaId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM scheduler_replicas WHERE replica_id = $1`, [replicaId]);
  }

  /** Replicas silent for a day are gone for good; the view keeps recent dead ones visible. */
  async forgetLongDead(): Promise<void> {
    await this.dataSource.query(`DELETE FROM scheduler_replicas WHERE heartbeat_at < now() - interval '1 day'`);
  }

  async snapshot(staleAfterMs: number): Promise<ClusterSnapshot> {
    const [state]: Array<{
      leader_epoch: string;
      leader_replica: string | null;
      elected_at: Date | null;
      db_now: Date;
      lag_ms: string | null;
      pending: string;
      running: string;
    }> = await this.dataSource.query(
      `SELECT s.leader_epoch::text, s.leader_replica, s.elected_at, clock_timestamp() AS db_now,
              (extract(epoch FROM clock_timestamp() - (SELECT min(next_run_at) FROM jobs WHERE status = 'active'
                                                        AND next_run_at <= (SELECT clock_timestamp()))) * 1000)::text AS lag_ms,
              (SELECT count(*) FROM executions WHERE status = 'pending')::text AS pending,
              (SELECT count(*) FROM executions e WHERE e.status = 'running' AND NOT ${hasLoggedResult('e')})::text AS running
       FROM scheduler_state s WHERE s.id = 1`,
    );
    const replicas: ReplicaRow[] = await this.dataSource.query(
      `SELECT replica_id, hostname, pid, started_at, heartbeat_at, is_leader, dispatching,
              heartbeat_at > clock_timestamp() - $1::int * interval '1 millisecond' AS alive
       FROM scheduler_replicas ORDER BY started_at, replica_id`,
      [staleAfterMs],
    );
    return {
      leaderEpoch: Number(state.leader_epoch),
      leaderReplica: state.leader_replica,
      electedAt: state.elected_at,
      dbNow: state.db_now,
      lagMs: state.lag_ms === null ? 0 : Math.max(0, Math.round(Number(state.lag_ms))),
      pending: Number(state.pending),
      running: Number(state.running),
      replicas,
    };
  }
}
