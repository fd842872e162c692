/**
 * Wall-clock <-> instant conversion in an IANA zone, for date inputs that mean "this time in
 * the job's zone" whatever zone the browser runs in. Wall strings are `YYYY-MM-DDTHH:mm:ss`.
 */
const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallParts(instant: number, timeZone: string): number[] {
  const parts = partsFormatter(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return [get('year'), get('month'), get('day'), get('hour') % 24, get('minute'), get('second')];
}

/** Offset of the zone from UTC at an instant, in milliseconds (east positive). */
export function zoneOffsetAt(instant: number, timeZone: string): number {
  const [year, month, day, hour, minute, second] = wallParts(instant, timeZone);
  return Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(instant / 1000) * 1000;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The instant a wall time in `timeZone` denotes (the first one in an overlap; shifted forward in a gap). */
export function wallToInstant(wall: string, timeZone: string): Date | null {
  const m = WALL.exec(wall);
  if (!m) return null;
  const wallMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const offsetBefore = zoneOffsetAt(wallMs - 86_400_000, timeZone);
  const offsetAfter = zoneOffsetAt(wallMs + 86_400_000, timeZone);
  const valid = [wallMs - offsetBefore, wallMs - offsetAfter]
    .filter((t) => zoneOffsetAt(t, timeZone) === wallMs - t)
    .sort((a, b) => a - b);
  return new Date(valid[0] ?? wallMs - offsetBefore);
}

export function instantToWall(instant: string | Date | null | undefined, timeZone: string): string | null {
  if (!instant) return null;
  const ms = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (Number.isNaN(ms)) return null;
  const [year, month, day, hour, minute, second] = wallParts(ms, timeZone);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function timeZoneNames(): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return supported.includes('UTC') ? supported : ['UTC', ...supported];
}
