import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';

/** One replica as the cluster view shows it; `alive` is false once its heartbeat is older than 10 s. */
export class SchedulerReplicaDto {
  @IsString()
  replicaId!: string;

  @IsString()
  hostname!: string;

  @IsInt()
  pid!: number;

  @IsDateString()
  startedAt!: string;

  @IsDateString()
  heartbeatAt!: string;

  @IsBoolean()
  isLeader!: boolean;

  @IsBoolean()
  dispatching!: boolean;

  @IsBoolean()
  alive!: boolean;
}

/** `GET /scheduler/status`: the leader, this replica, every known replica and the queue. */
export class SchedulerStatusDto {
  /** The replica that answered. */
  @IsString()
  replicaId!: string;

  @IsBoolean()
  enabled!: boolean;

  @IsBoolean()
  dispatching!: boolean;

  @IsBoolean()
  isLeader!: boolean;

  @IsOptional()
  @IsString()
  leaderReplicaId!: string | null;

  @IsInt()
  @Min(0)
  leaderEpoch!: number;

  @IsOptional()
  @IsDateString()
  electedAt!: string | null;

  /** Database now minus the oldest due next_run_at of an active job (0 when nothing is overdue). */
  @IsInt()
  @Min(0)
  lagMs!: number;

  @IsInt()
  @Min(0)
  pendingExecutions!: number;

  @IsInt()
  @Min(0)
  runningExecutions!: number;

  /** Calls in flight on the replica that answered. */
  @IsInt()
  @Min(0)
  inFlight!: number;

  /** Database clock minus this replica's clock, as last measured. */
  @IsNumber()
  clockOffsetMs!: number;

  @IsDateString()
  databaseTime!: string;

  @ValidateNested({ each: true })
  @Type(() => SchedulerReplicaDto)
  replicas!: SchedulerReplicaDto[];
}

/** `POST /executions/:id/cancel` answer. */
export class CancelledExecutionDto {
  @IsUUID()
  id!: string;

  @IsUUID()
  jobId!: string;

  @IsDateString()
  scheduledFor!: string;

  @IsInt()
  @Min(1)
  attempt!: number;

  @IsIn(['cancelled'])
  status!: 'cancelled';

  @IsIn(['pending', 'running'])
  previousStatus!: 'pending' | 'running';

  @IsDateString()
  finishedAt!: string;
}
