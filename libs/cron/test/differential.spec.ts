import { Cron as Croner } from 'croner';
import { CronSyntaxError, parseCron } from '../src/index';
import { Gen, mulberry32, mutateExpression, randomExpression } from './random-cron';

/**
 * Differential test against croner 11 (oracle only, dev dependency). Every disagreement must fall
 * into a class explained by a documented ZER08 choice; the counts are listed in the README.
 */

const EXPRESSIONS = 10_000;
const FIRES = 5;
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin'] as const;
const HOUR = 3_600_000;

type Zone = (typeof ZONES)[number];

function nthSunday(year: number, month: number, nth: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 - first) % 7) + 7 * (nth - 1);
}
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** DST transitions (UTC instants), derived from the current US and EU rules, independent of the engine. */
function transitions(zone: Zone): { at: number; kind: 'gap' | 'overlap' }[] {
  const list: { at: number; kind: 'gap' | 'overlap' }[] = [];
  for (let y = 2024; y <= 2046; y++) {
    if (zone === 'America/New_York') {
      list.push({ at: Date.UTC(y, 2, nthSunday(y, 3, 2), 7), kind: 'gap' });
      list.push({ at: Date.UTC(y, 10, nthSunday(y, 11, 1), 6), kind: 'overlap' });
    } else if (zone === 'Europe/Berlin') {
      list.push({ at: Date.UTC(y, 2, lastSunday(y, 3), 1), kind: 'gap' });
      list.push({ at: Date.UTC(y, 9, lastSunday(y, 10), 1), kind: 'overlap' });
    }
  }
  return list;
}

function previous(cron: ReturnType<typeof parseCron>, from: number): number[] {
  const result: number[] = [];
  let cursor: Date | null = new Date(from);
  for (let i = 0; i < FIRES && cursor !== null; i++) {
    cursor = cron.prev(cursor);
    if (cursor !== null) result.push(cursor.getTime());
  }
  return result;
}

type Outcome = { kind: 'agree' } | { kind: 'class'; name: string } | { kind: 'unexplained'; detail: string };

function croner(expression: string, zone: Zone): Croner | Error {
  try {
    return new Croner(expression, { timezone: zone });
  } catch (error) {
    return error as Error;
  }
}

function ours(expression: string, zone: Zone) {
  try {
    return parseCron(expression, { timezone: zone });
  } catch (error) {
    if (!(error instanceof CronSyntaxError)) throw error;
    return error;
  }
}

/** Explains why a parse outcome differs, or returns null. */
function parseClass(expression: string, oursRejects: boolean): string | null {
  const fields = expression.trim().split(/\s+/);
  if (oursRejects) {
    const dayFields = fields.length === 5 ? [2, 4] : [3, 5];
    if (fields.some((f, i) => f.includes('?') && !dayFields.includes(i))) return 'parse: ? outside day fields (OCPS 1.4 §4.2 MUST reject; croner accepts)';
    if (fields.length === 7 && /^\d+$/.test(fields[6]) && (Number(fields[6]) < 1970 || Number(fields[6]) > 2199)) {
      return 'parse: year outside 1970-2199 (documented range, OCPS 1.4 §4.3.2); croner accepts 1-9999';
    }
    return null;
  }
  return null;
}

function dayOfWeekField(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  return fields[fields.length === 5 ? 4 : 5];
}

const SUN_SUN = /(^|[,+])(SUN|0)-SUN(?![A-Z])/i;

function compare(expression: string, zone: Zone, start: number, direction: 'next' | 'prev' = 'next'): Outcome {
  const forward = direction === 'next';
  const a = ours(expression, zone);
  const b = croner(expression, zone);
  const aRejects = a instanceof Error;
  const bRejects = b instanceof Error;
  if (aRejects && bRejects) return { kind: 'agree' };
  if (aRejects !== bRejects) {
    const name = parseClass(expression, aRejects);
    return name === null ? { kind: 'unexplained', detail: `parse: ours ${aRejects ? 'rejects' : 'accepts'}, croner ${bRejects ? `rejects (${(b as Error).message})` : 'accepts'}` } : { kind: 'class', name };
  }
  if (a instanceof Error || b instanceof Error) throw new Error('unreachable');

  const classes = new Set<string>();
  let from = start;
  for (let round = 0; round < 4; round++) {
    const x = forward ? a.nextN(FIRES, new Date(from)).map((d) => d.getTime()) : previous(a, from);
    const y = (forward ? b.nextRuns(FIRES, new Date(from)) : b.previousRuns(FIRES, new Date(from))).map((d) => d.getTime());
    if (x.length === y.length && x.every((v, i) => v === y[i])) break;
    if (SUN_SUN.test(dayOfWeekField(expression))) {
      classes.add('SUN-SUN / 0-SUN: OCPS reads one day (Sunday); croner reads every day');
      break;
    }
    let i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    if (forward && i >= x.length && y[i] !== undefined && new Date(y[i]).getUTCFullYear() > 2199) {
      classes.add('range: ZER08 stops at 2199 (OCPS 1.4 §4.3.2 documented range); croner continues');
      break;
    }
    const first = forward ? Math.min(x[i] ?? Infinity, y[i] ?? Infinity) : Math.max(x[i] ?? -Infinity, y[i] ?? -Infinity);
    const transition = transitions(zone).find((t) => first >= t.at - 3 * HOUR && first <= t.at + 3 * HOUR);
    if (transition === undefined) return { kind: 'unexplained', detail: `fires differ at ${new Date(first).toISOString()}: ours ${x.map((v) => new Date(v).toISOString())} croner ${y.map((v) => new Date(v).toISOString())}` };
    // Only croner may have extra fires in the hour after the transition; ours must hold no extra fire there.
    const window = (v: number) => v >= transition.at && v < transition.at + HOUR;
    // Both lists are truncated at FIRES entries; compare only the span both cover.
    const covered = forward
      ? (v: number) => v <= Math.min(transition.at + 3 * HOUR, x[x.length - 1] ?? Infinity, y[y.length - 1] ?? Infinity)
      : (v: number) => v >= Math.max(transition.at - 3 * HOUR, x[x.length - 1] ?? -Infinity, y[y.length - 1] ?? -Infinity);
    const oursOnly = x.filter((v) => covered(v) && !y.includes(v));
    const cronerOnly = y.filter((v) => covered(v) && !x.includes(v));
    if (oursOnly.length > 0 || cronerOnly.length === 0 || !cronerOnly.every(window)) {
      return { kind: 'unexplained', detail: `near DST ${new Date(transition.at).toISOString()}: ours ${x.map((v) => new Date(v).toISOString())} croner ${y.map((v) => new Date(v).toISOString())}` };
    }
    classes.add(
      transition.kind === 'gap'
        ? 'DST gap: ZER08 skips a fixed wall time in the gap (OCPS 1.4 §4.3.1); croner fires it at the transition'
        : 'DST overlap: ZER08 fires a non-wildcard-hour time once (OCPS 1.4 §4.3.1); croner fires non-fixed times in both passes',
    );
    from = forward ? transition.at + 3 * HOUR : transition.at - 3 * HOUR;
  }
  if (classes.size === 0) return { kind: 'agree' };
  return { kind: 'class', name: [...classes].join(' + ') };
}

describe('differential test against croner 11.0.1 (seeded, 10,000 expressions x UTC, New York, Berlin)', () => {
  test('every disagreement is in a documented class', () => {
    const g = new Gen(mulberry32(20261124));
    const counts = new Map<string, number>();
    const unexplained: string[] = [];
    let compared = 0;
    let agreed = 0;
    for (let n = 0; n < EXPRESSIONS; n++) {
      let expression = randomExpression(g);
      if (g.chance(0.03)) expression = mutateExpression(g, expression);
      for (const zone of ZONES) {
        const nearTransition = zone !== 'UTC' && g.chance(0.3);
        const start = nearTransition
          ? g.pick(transitions(zone)).at - g.int(0, 36) * HOUR - g.int(0, 3599) * 1000
          : Date.UTC(2024, 0, 1) + g.int(0, 6 * 365) * 86_400_000 + g.int(0, 86_399) * 1000;
        const outcome = compare(expression, zone, start);
        compared++;
        if (outcome.kind === 'agree') agreed++;
        else if (outcome.kind === 'class') counts.set(outcome.name, (counts.get(outcome.name) ?? 0) + 1);
        else unexplained.push(`'${expression}' in ${zone} from ${new Date(start).toISOString()}: ${outcome.detail}`);
      }
    }
    const report = [`compared ${compared}, agreed ${agreed}`, ...[...counts].sort().map(([k, v]) => `${v}\t${k}`)].join('\n');
    // The report is what README.md lists under "Differential test against croner".
    console.log(report);
    expect(unexplained.slice(0, 20)).toEqual([]);
    expect(compared).toBe(EXPRESSIONS * ZONES.length);
    expect(agreed).toBeGreaterThan(compared * 0.8);
  });

  test('prev(): 2,000 expressions x UTC and New York agree with croner previousRuns, or differ in a documented class', () => {
    const g = new Gen(mulberry32(7));
    const counts = new Map<string, number>();
    const unexplained: string[] = [];
    let agreed = 0;
    for (let n = 0; n < 2000; n++) {
      const expression = randomExpression(g);
      for (const zone of ['UTC', 'America/New_York'] as const) {
        const start = zone !== 'UTC' && g.chance(0.3) ? g.pick(transitions(zone)).at + g.int(0, 36) * HOUR + g.int(0, 3599) * 1000 : Date.UTC(2024, 0, 1) + g.int(0, 6 * 365) * 86_400_000 + g.int(0, 86_399) * 1000;
        const outcome = compare(expression, zone, start, 'prev');
        if (outcome.kind === 'agree') agreed++;
        else if (outcome.kind === 'class') counts.set(outcome.name, (counts.get(outcome.name) ?? 0) + 1);
        else unexplained.push(`'${expression}' in ${zone} before ${new Date(start).toISOString()}: ${outcome.detail}`);
      }
    }
    console.log([`prev: compared 4000, agreed ${agreed}`, ...[...counts].sort().map(([k, v]) => `${v}\t${k}`)].join('\n'));
    expect(unexplained.slice(0, 20)).toEqual([]);
    expect(agreed).toBeGreaterThan(4000 * 0.8);
  });
});
