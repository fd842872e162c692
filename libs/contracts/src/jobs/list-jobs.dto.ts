import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { SCHEDULE_KINDS } from '../schedules/schedule.dto';
import { JOB_STATUSES } from './job.dto';
import { TARGET_KINDS } from './target.dto';

export const JOB_SORT_FIELDS = ['nextRunAt', 'name', 'createdAt'] as const;
export type JobSortField = (typeof JOB_SORT_FIELDS)[number];

/** `GET /api/v1/jobs` query. Deleted jobs are listed only with `status=deleted`. */
export class ListJobsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: (typeof JOB_STATUSES)[number];

  @IsOptional()
  @IsIn(SCHEDULE_KINDS)
  scheduleKind?: (typeof SCHEDULE_KINDS)[number];

  @IsOptional()
  @IsIn(TARGET_KINDS)
  targetKind?: (typeof TARGET_KINDS)[number];

  /** Case-insensitive substring of the name. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsIn(JOB_SORT_FIELDS)
  sort?: JobSortField;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  /** Admins only: jobs of one owner. */
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}
