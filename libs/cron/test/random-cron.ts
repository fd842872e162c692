/** Seeded generators of cron expressions for the differential and property tests. */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  constructor(readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function numeric(g: Gen, min: number, max: number, maxStep: number): string {
  const kind = g.int(0, 9);
  if (kind === 0) return '*';
  if (kind === 1) return `*/${g.int(1, maxStep)}`;
  if (kind <= 4) return String(g.int(min, max));
  const a = g.int(min, max);
  const b = g.int(a, max);
  if (kind <= 6) return `${a}-${b}`;
  if (kind === 7) return `${a}-${b}/${g.int(1, maxStep)}`;
  const items = new Set<string>();
  const n = g.int(2, 3);
  for (let i = 0; i < n; i++) items.add(g.chance(0.7) ? String(g.int(min, max)) : `${a}-${b}`);
  return [...items].join(',');
}

/** Time fields sparse enough that several fires fit in a few months. */
function timeField(g: Gen, min: number, max: number, maxStep: number, denseChance: number): string {
  if (g.chance(denseChance)) return numeric(g, min, max, maxStep);
  return String(g.int(min, max));
}

function dayOfMonth(g: Gen): string {
  const kind = g.int(0, 13);
  if (kind <= 4) return '*';
  if (kind === 5) return '?';
  if (kind === 6) return 'L';
  if (kind === 7) return `${g.int(1, 31)}W`;
  if (kind === 8) return 'LW';
  if (kind === 9) return `L,${g.int(1, 28)}`;
  return numeric(g, 1, 31, 15);
}

function month(g: Gen): string {
  const kind = g.int(0, 9);
  if (kind <= 5) return '*';
  if (kind === 6) return g.pick(MONTHS);
  if (kind === 7) {
    const a = g.int(0, 11);
    return `${MONTHS[a]}-${MONTHS[g.int(a, 11)]}`;
  }
  return numeric(g, 1, 12, 6);
}

function dayOfWeek(g: Gen): string {
  const kind = g.int(0, 15);
  let field: string;
  if (kind <= 5) field = '*';
  else if (kind === 6) field = '?';
  else if (kind === 7) field = g.pick(DAYS);
  else if (kind === 8) {
    const a = g.int(0, 6);
    field = `${DAYS[a]}-${DAYS[g.int(a, 6)]}`;
  } else if (kind === 9) field = `${g.int(0, 7)}#${g.int(1, 5)}`;
  else if (kind === 10) field = g.chance(0.5) ? `${g.int(0, 6)}L` : `${g.pick(DAYS)}#L`;
  else if (kind === 11) field = g.chance(0.3) ? (g.chance(0.5) ? 'SUN-SUN' : '0-SUN') : 'SAT-SUN';
  else if (kind === 12) field = 'MON-FRI';
  else field = numeric(g, 0, 7, 3);
  if (field !== '*' && field !== '?' && g.chance(0.05)) field = `+${field}`;
  return field;
}

function year(g: Gen): string {
  const kind = g.int(0, 5);
  if (kind <= 1) return '*';
  if (kind === 2) return String(g.int(2024, 2040));
  if (kind === 3) {
    const a = g.int(2024, 2040);
    return `${a}-${g.int(a, 2045)}`;
  }
  if (kind === 4) return `2024-2060/${g.int(1, 5)}`;
  return `${g.int(2024, 2030)},${g.int(2031, 2040)}`;
}

/** A random OCPS expression with 5, 6 or 7 fields. */
export function randomExpression(g: Gen): string {
  const fields = g.chance(0.4) ? 5 : g.chance(0.75) ? 6 : 7;
  const parts: string[] = [];
  if (fields >= 6) parts.push(timeField(g, 0, 59, 30, 0.4));
  parts.push(timeField(g, 0, 59, 30, 0.5));
  parts.push(timeField(g, 0, 23, 12, 0.5));
  parts.push(dayOfMonth(g), month(g), dayOfWeek(g));
  if (fields === 7) parts.push(year(g));
  return parts.join(' ');
}

/** Mutations that make an expression invalid under OCPS in ways other libraries may accept. */
export function mutateExpression(g: Gen, expression: string): string {
  const parts = expression.split(' ');
  const i = g.int(0, parts.length - 1);
  switch (g.int(0, 5)) {
    case 0:
      parts[i] = '?';
      break;
    case 1:
      parts[i] = `${g.int(0, 9)}/${g.int(1, 9)}`;
      break;
    case 2:
      parts[i] = `${g.int(30, 40)}-${g.int(1, 20)}`;
      break;
    case 3:
      parts[i] = String(g.int(60, 99));
      break;
    case 4:
      parts[i] = `*/0`;
      break;
    default:
      parts[i] = `${parts[i]}x`;
  }
  return parts.join(' ');
}
