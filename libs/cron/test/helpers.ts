import { parseCron, CronOptions } from '../src/index';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall time of an instant in a zone, "YYYY-MM-DD HH:mm:ss", computed independently with formatToParts. */
export function wall(date: Date, timeZone = 'UTC'): string {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** UTC instant from "YYYY-MM-DD HH:mm[:ss]". */
export function utc(text: string): Date {
  const [d, t] = text.split(' ');
  return new Date(`${d}T${t.length === 5 ? `${t}:00` : t}Z`);
}

/** Whether the pattern fires at the UTC wall time given. */
export function firesAt(expression: string, at: string, options: CronOptions = {}): boolean {
  return parseCron(expression, options).matches(utc(at));
}

export function nextWalls(expression: string, after: Date, count: number, options: CronOptions = {}): string[] {
  return parseCron(expression, options)
    .nextN(count, after)
    .map((d) => wall(d, options.timezone ?? 'UTC'));
}

export function isoList(dates: (Date | null)[]): (string | null)[] {
  return dates.map((d) => (d === null ? null : d.toISOString()));
}

/** The value, or a test failure naming what was missing. */
export function present<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}, got ${String(value)}`);
  return value;
}
