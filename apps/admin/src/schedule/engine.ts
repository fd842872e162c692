import {
  parseCron,
  parseDuration,
  schedule,
  validateSchedule,
  type Occurrence,
  type ScheduleFieldError,
  type ScheduleSpec,
} from '@zer08/cron';
import { formatInZone } from '../utils/format';

export interface PreviewEntry {
  /** ISO instant; null when a DST gap removed this wall time. */
  at: string | null;
  local: string;
  /** The zone-formatted time the user reads. */
  display: string;
  dst: Occurrence['dst'];
  /** The zone's UTC offset differs from the previous entry's: a DST change lies between them. */
  offsetChanged: boolean;
}

export interface SchedulePreviewResult {
  errors: ScheduleFieldError[];
  description: string;
  entries: PreviewEntry[];
}

export interface PreviewBounds {
  startAt?: string | null;
  endAt?: string | null;
}

const DAY_NAMES: Record<string, string> = {
  SUN: 'Sun',
  MON: 'Mon',
  TUE: 'Tue',
  WED: 'Wed',
  THU: 'Thu',
  FRI: 'Fri',
  SAT: 'Sat',
};
const ORDINAL: Record<number, string> = { 1: '1st', 2: '2nd', 3: '3rd', 4: '4th', 5: '5th', [-1]: 'last' };

function plural(count: number, unit: string): string {
  return count === 1 ? unit : `${count} ${unit}s`;
}

function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [604_800_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return plural(ms / size, unit);
  return `${ms} ms`;
}

function listJoin(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Plain-English description of any schedule kind; cron descriptions come from the engine itself. */
export function describeSchedule(spec: ScheduleSpec, timeZone: string): string {
  switch (spec.kind) {
    case 'cron':
      return `${parseCron(spec.expression, { timezone: spec.timezone, dialect: spec.dialect, dayMatch: spec.dayMatch }).describe()} (${spec.timezone ?? 'UTC'})`;
    case 'interval': {
      const ms = parseDuration(spec.every);
      const every = typeof ms === 'number' ? `Every ${describeDuration(ms)}` : `Every ${spec.every}`;
      return spec.startAt ? `${every}, counted from ${formatInZone(spec.startAt, timeZone)}` : every;
    }
    case 'once':
      return `Once, at ${formatInZone(spec.at, timeZone)}`;
    case 'calendar': {
      const times = `at ${listJoin(spec.times)}`;
      let days = 'every day';
      if (spec.freq === 'weekly') days = `every ${listJoin((spec.daysOfWeek ?? []).map((d) => DAY_NAMES[d] ?? d))}`;
      if (spec.freq === 'monthly') {
        const parts = [
          ...(spec.daysOfMonth ?? []).map((d) =>
            d === -1 ? 'the last day' : d < 0 ? `${-d} days before month end` : `day ${d}`,
          ),
          ...(spec.nthWeekday ?? []).map((r) => `the ${ORDINAL[r.nth]} ${DAY_NAMES[r.weekday]}`),
        ];
        days = `monthly on ${listJoin(parts)}`;
      }
      const range = [spec.startDate ? `from ${spec.startDate}` : '', spec.endDate ? `until ${spec.endDate}` : '']
        .filter(Boolean)
        .join(' ');
      const count = spec.overrideDates?.length ?? 0;
      const overrides = count > 0 ? `; ${count} override date${count === 1 ? '' : 's'}` : '';
      const text = `${days.charAt(0).toUpperCase()}${days.slice(1)} ${times} (${spec.timezone ?? 'UTC'})`;
      return `${text}${range ? ` ${range}` : ''}${overrides}`;
    }
  }
}

function weekdayIn(instant: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone }).format(instant);
  } catch {
    return '';
  }
}

/**
 * Validates a schedule with the same engine the server runs and lists its next `count`
 * occurrences (plus DST-skipped ones), each formatted in the job's zone.
 */
export function previewSchedule(
  spec: ScheduleSpec,
  timeZone: string,
  bounds: PreviewBounds = {},
  count = 10,
  now = new Date(),
): SchedulePreviewResult {
  const options = { now, count, startAt: bounds.startAt ?? undefined, endAt: bounds.endAt ?? undefined };
  const validation = validateSchedule(spec, options);
  if (!validation.ok) return { errors: validation.errors, description: '', entries: [] };
  let description = '';
  try {
    description = describeSchedule(spec, timeZone);
  } catch {
    description = '';
  }
  const occurrences = schedule(spec, { startAt: options.startAt, endAt: options.endAt }).preview(count, now);
  let previousZoneName: string | null = null;
  const entries = occurrences.map((occurrence): PreviewEntry => {
    const display = occurrence.at
      ? `${weekdayIn(occurrence.at, timeZone)} ${formatInZone(occurrence.at, timeZone)}`
      : `${occurrence.local.replace('T', ' ')} (does not exist)`;
    const zoneName = occurrence.at ? display.slice(display.lastIndexOf(' ') + 1) : null;
    const offsetChanged = zoneName !== null && previousZoneName !== null && zoneName !== previousZoneName;
    if (zoneName !== null) previousZoneName = zoneName;
    return {
      at: occurrence.at?.toISOString() ?? null,
      local: occurrence.local,
      display,
      dst: occurrence.dst,
      offsetChanged,
    };
  });
  return { errors: [], description, entries };
}
