export { SchedulerReplicaDto, SchedulerStatusDto, CancelledExecutionDto } from './scheduler-status.dto';
