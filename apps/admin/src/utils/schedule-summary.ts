import type { ScheduleSpec } from '../api/types';

/** A one-line summary for tables; the full description lives in the job detail. */
export function scheduleSummary(spec: ScheduleSpec | null | undefined): string {
  if (!spec) return '—';
  switch (spec.kind) {
    case 'cron':
      return spec.expression;
    case 'interval':
      return `every ${spec.every}`;
    case 'once':
      return `once at ${spec.at}`;
    case 'calendar':
      return `${spec.freq} at ${spec.times.join(', ')}${spec.daysOfWeek ? ` (${spec.daysOfWeek.join(',')})` : ''}`;
    default:
      return '—';
  }
}
