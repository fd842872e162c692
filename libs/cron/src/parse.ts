import { MAX_YEAR, MIN_YEAR } from './civil.js';
import { CronFieldName, CronSyntaxError } from './errors.js';

export type CronDialect = 'ocps' | 'quartz';
export type DayMatch = 'or' | 'and';

/** One comma-separated piece of a field, kept for `describe()`. */
export type FieldPart =
  | { kind: 'all'; step: number }
  | { kind: 'value'; value: number }
  | { kind: 'range'; from: number; to: number; step: number }
  | { kind: 'last' } // L in day-of-month
  | { kind: 'lastWeekday' } // LW
  | { kind: 'nearestWeekday'; day: number } // 15W
  | { kind: 'nthWeekday'; weekday: number; nth: number } // 2#3 (weekday 0-6)
  | { kind: 'lastOfWeekday'; weekday: number }; // 5L, 5#L

export interface ParsedField {
  source: string;
  parts: FieldPart[];
  /** Allowed values; index = value (day-of-week folded to 0-6). */
  allowed: Uint8Array;
}

export interface ParsedCron {
  source: string;
  dialect: CronDialect;
  isReboot: boolean;
  second: ParsedField;
  minute: ParsedField;
  hour: ParsedField;
  dayOfMonth: ParsedField;
  month: ParsedField;
  dayOfWeek: ParsedField;
  year: ParsedField;
  /** OCPS 1.1 §6.1: a day field is unrestricted only when its first list entry is `*` (or `?`). */
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
  /** `+` prefix on day-of-week (OCPS 1.4 §4.1.2) or the `dayMatch: 'and'` option. */
  dayMatchAnd: boolean;
  /** Hour field is `*` or `*‍/n`: such schedules follow elapsed time through DST changes. */
  hourIsWildcard: boolean;
}

export interface ParseOptions {
  dialect?: CronDialect;
  dayMatch?: DayMatch;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface FieldSpec {
  name: CronFieldName;
  label: string;
  min: number;
  max: number;
  names?: string[];
  /** Value the first name maps to (JAN = 1, SUN = 0 or 1 in Quartz). */
  nameBase?: number;
}

const SECOND: FieldSpec = { name: 'second', label: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', label: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', label: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'dayOfMonth', label: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', label: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 };
const DAY_OF_WEEK: FieldSpec = { name: 'dayOfWeek', label: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, nameBase: 0 };
const QUARTZ_DAY_OF_WEEK: FieldSpec = { name: 'dayOfWeek', label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, nameBase: 1 };
const YEAR: FieldSpec = { name: 'year', label: 'year', min: MIN_YEAR, max: MAX_YEAR };

interface Token {
  text: string;
  position: number;
}

function fail(spec: FieldSpec | null, message: string, position: number): never {
  const field = spec === null ? 'pattern' : spec.name;
  const prefix = spec === null ? 'CronPattern: ' : `CronPattern: ${spec.label} field: `;
  throw new CronSyntaxError(`${prefix}${message} (at position ${position})`, field, position);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function splitFields(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    while (i < source.length && isBlank(source.charCodeAt(i))) i++;
    if (i >= source.length) break;
    const start = i;
    while (i < source.length && !isBlank(source.charCodeAt(i))) i++;
    tokens.push({ text: source.slice(start, i), position: start });
  }
  return tokens;
}

/** The year field of 5- and 6-field patterns and of a `*` year; shared, never mutated. */
export const EVERY_YEAR: ParsedField = fullField(YEAR, '*', allowedArray(YEAR));
const ZERO_SECOND: ParsedField = valueField(SECOND, 0);

function fullField(spec: FieldSpec, source: string, allowed: Uint8Array): ParsedField {
  for (let v = spec.min; v <= spec.max; v++) allowed[v] = 1;
  return { source, parts: [{ kind: 'all', step: 1 }], allowed };
}

function allowedArray(spec: FieldSpec): Uint8Array {
  return new Uint8Array(spec.max + 1);
}

const ALLOWED_CHARS = new Uint8Array(128);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*,-/#?+') ALLOWED_CHARS[c.charCodeAt(0)] = 1;

class FieldParser {
  constructor(
    private readonly spec: FieldSpec,
    private readonly dialect: CronDialect,
  ) {}

  private get isDayOfMonth(): boolean {
    return this.spec.name === 'dayOfMonth';
  }

  private get isDayOfWeek(): boolean {
    return this.spec.name === 'dayOfWeek';
  }

  parse(token: Token): { field: ParsedField; restricted: boolean; and: boolean } {
    const spec = this.spec;
    let text = token.text;
    let offset = token.position;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 128 || ALLOWED_CHARS[code] === 0) fail(spec, `character '${text[i]}' is not allowed`, offset + i);
    }
    let and = false;
    if (text.startsWith('+')) {
      if (!this.isDayOfWeek) fail(spec, "'+' is only allowed as the first character of the day-of-week field", offset);
      and = true;
      text = text.slice(1);
      offset += 1;
      if (text === '') fail(spec, "'+' must be followed by a day-of-week expression", offset);
    }
    const plus = text.indexOf('+');
    if (plus >= 0) fail(spec, "'+' is only allowed as the first character of the day-of-week field", offset + plus);

    const allowed = allowedArray(spec);
    const parts: FieldPart[] = [];
    const pieces: Token[] = [];
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text[i] === ',') {
        pieces.push({ text: text.slice(start, i), position: offset + start });
        start = i + 1;
      }
    }
    for (const piece of pieces) {
      if (piece.text === '') fail(spec, 'empty list entry', piece.position);
      const part = this.parsePiece(piece, pieces.length > 1);
      parts.push(part);
      this.apply(part, allowed);
    }
    const first = pieces[0].text;
    const restricted = !(first === '*' || first === '?');
    return { field: { source: token.text, parts, allowed }, restricted, and };
  }

  private apply(part: FieldPart, allowed: Uint8Array): void {
    const fold = (v: number) => (this.isDayOfWeek ? this.weekdayOf(v) : v);
    switch (part.kind) {
      case 'all':
        for (let v = this.wildcardMin(); v <= this.wildcardMax(); v += part.step) allowed[fold(v)] = 1;
        break;
      case 'value':
        allowed[fold(part.value)] = 1;
        break;
      case 'range':
        for (let v = part.from; v <= part.to; v += part.step) allowed[fold(v)] = 1;
        break;
      default:
        // L, W and # are evaluated per month by the day matcher.
        break;
    }
  }

  /** Day-of-week numbers as written map to 0 (Sunday) .. 6 (Saturday). */
  private weekdayOf(v: number): number {
    if (this.dialect === 'quartz') return v - 1;
    return v === 7 ? 0 : v;
  }

  private wildcardMin(): number {
    return this.spec.min;
  }

  private wildcardMax(): number {
    // Stepping `*` over day-of-week covers 0-6; 7 would only repeat Sunday.
    if (this.isDayOfWeek && this.dialect === 'ocps') return 6;
    return this.spec.max;
  }

  private parsePiece(piece: Token, inList: boolean): FieldPart {
    const spec = this.spec;
    const upper = piece.text.toUpperCase();
    const at = piece.position;

    if (upper === '?') {
      if (!this.isDayOfMonth && !this.isDayOfWeek) fail(spec, "'?' is only allowed in the day-of-month and day-of-week fields", at);
      return { kind: 'all', step: 1 };
    }
    if (upper.includes('?')) fail(spec, "'?' must stand alone", at + upper.indexOf('?'));

    if (this.isDayOfMonth) {
      if (upper === 'L') return { kind: 'last' };
      if (upper === 'LW') {
        if (inList) fail(spec, "'LW' cannot be part of a list", at);
        return { kind: 'lastWeekday' };
      }
      if (upper.endsWith('W')) {
        if (inList) fail(spec, "'W' cannot be used in a list", at + upper.length - 1);
        const body = upper.slice(0, -1);
        if (!/^\d+$/.test(body)) fail(spec, "'W' must follow a single day number, e.g. 15W", at + upper.length - 1);
        const day = this.number(body, at);
        return { kind: 'nearestWeekday', day };
      }
    }
    if (this.isDayOfWeek) {
      const hash = upper.indexOf('#');
      if (hash >= 0) {
        const weekday = this.weekdayOf(this.value(upper.slice(0, hash), at, false));
        const nthText = upper.slice(hash + 1);
        if (nthText === 'L') return { kind: 'lastOfWeekday', weekday };
        if (!/^\d+$/.test(nthText)) fail(spec, "'#' must be followed by 1-5 or L", at + hash + 1);
        const nth = Number(nthText);
        if (nth < 1 || nth > 5) fail(spec, `occurrence ${nthText} after '#' is out of range 1-5`, at + hash + 1);
        return { kind: 'nthWeekday', weekday, nth };
      }
      if (upper === 'L' && this.dialect === 'quartz') return { kind: 'value', value: 7 };
      if (upper.length > 1 && upper.endsWith('L') && !upper.includes('-') && !upper.includes('/')) {
        const weekday = this.weekdayOf(this.value(upper.slice(0, -1), at, false));
        return { kind: 'lastOfWeekday', weekday };
      }
    }
    this.rejectStrayLetters(upper, at);

    const slash = upper.indexOf('/');
    let base = upper;
    let step = 1;
    if (slash >= 0) {
      base = upper.slice(0, slash);
      const stepText = upper.slice(slash + 1);
      if (!/^\d+$/.test(stepText)) fail(spec, `step '${stepText}' must be a positive whole number`, at + slash + 1);
      step = Number(stepText);
      if (step === 0) fail(spec, 'a step of 0 is not allowed', at + slash + 1);
      if (base === '') fail(spec, "'/' must follow '*' or a range such as 0-30", at);
    }
    if (base === '*') return { kind: 'all', step };
    const dash = base.indexOf('-');
    if (dash >= 0) {
      const fromText = base.slice(0, dash);
      const toText = base.slice(dash + 1);
      if (fromText === '' || toText === '') fail(spec, `range '${base}' needs a start and an end`, at);
      let from = this.value(fromText, at, false);
      let to = this.value(toText, at + dash + 1, true);
      if (this.isDayOfWeek && this.dialect === 'ocps' && toText === 'SUN' && from > 0) to = 7;
      if (from > to) fail(spec, `range ${fromText}-${toText} is reversed`, at);
      if (this.isDayOfWeek && this.dialect === 'ocps' && toText === 'SUN' && from === 0) to = 0;
      if (fromText === 'SUN' && this.dialect === 'ocps') from = 0;
      return { kind: 'range', from, to, step };
    }
    const value = this.value(base, at, false);
    if (slash >= 0) {
      if (this.dialect !== 'quartz') {
        fail(spec, `'${base}/${step}' is not allowed: '/' must follow '*' or a range such as ${base}-${this.spec.max}/${step} (quartz dialect accepts it)`, at);
      }
      return { kind: 'range', from: value, to: this.wildcardMax(), step };
    }
    return { kind: 'value', value };
  }

  private rejectStrayLetters(upper: string, at: number): void {
    const letters = /[A-Z#]+/g;
    let match: RegExpExecArray | null;
    while ((match = letters.exec(upper)) !== null) {
      const word = match[0];
      if (this.spec.names?.includes(word)) continue;
      if (word === 'L' || word === 'W' || word === 'LW' || word === '#') {
        fail(this.spec, `'${word}' cannot be used here`, at + match.index);
      }
      fail(this.spec, `'${word}' is not a valid ${this.spec.label} value`, at + match.index);
    }
  }

  private number(text: string, at: number): number {
    if (!/^\d+$/.test(text)) fail(this.spec, `'${text}' is not a number`, at);
    const value = Number(text);
    if (value < this.spec.min || value > this.spec.max) {
      fail(this.spec, `${text} is out of range ${this.spec.min}-${this.spec.max}`, at);
    }
    return value;
  }

  /** A number or (month/day-of-week) name. `SUN` reads as 0 in OCPS, 1 in Quartz. */
  private value(text: string, at: number, _isRangeEnd: boolean): number {
    const names = this.spec.names;
    if (names !== undefined && /^[A-Z]+$/.test(text)) {
      const index = names.indexOf(text);
      if (index < 0) fail(this.spec, `'${text}' is not a valid ${this.spec.label} name`, at);
      return index + (this.spec.nameBase ?? 0);
    }
    if (text === '') fail(this.spec, 'missing value', at);
    return this.number(text, at);
  }
}

/**
 * Parses a cron expression into field sets. Accepts 5 fields (minute first), 6 (second first),
 * 7 (second first, year last), nicknames and `@reboot`.
 */
export function parseExpression(expression: string, options: ParseOptions = {}): ParsedCron {
  if (typeof expression !== 'string') fail(null, 'the expression must be a string', 0);
  const dialect = options.dialect ?? 'ocps';
  if (dialect !== 'ocps' && dialect !== 'quartz') fail(null, `unknown dialect '${String(dialect)}'`, 0);
  const dayMatch = options.dayMatch ?? 'or';
  if (dayMatch !== 'or' && dayMatch !== 'and') fail(null, `dayMatch must be 'or' or 'and'`, 0);

  for (let i = 0; i < expression.length; i++) {
    const code = expression.charCodeAt(i);
    if (code < 32 && code !== 9) fail(null, `control character U+${code.toString(16).padStart(4, '0')} is not allowed`, i);
  }
  const tokens = splitFields(expression);
  if (tokens.length === 0) fail(null, 'the expression is empty', 0);

  if (tokens[0].text.startsWith('@')) {
    if (tokens.length > 1) fail(null, 'a nickname cannot be combined with other fields', tokens[1].position);
    const nickname = tokens[0].text;
    if (nickname === '@reboot') return rebootPattern(expression);
    const equivalent = NICKNAMES[nickname];
    if (equivalent === undefined) fail(null, `unknown nickname '${nickname}' (nicknames are case-sensitive)`, tokens[0].position);
    const parsed = parseFields(equivalent, splitFields(equivalent), 'ocps', dayMatch);
    return { ...parsed, source: expression };
  }
  return parseFields(expression, tokens, dialect, dayMatch);
}

function rebootPattern(source: string): ParsedCron {
  const empty = (spec: FieldSpec): ParsedField => ({ source: '', parts: [], allowed: allowedArray(spec) });
  return {
    source,
    dialect: 'ocps',
    isReboot: true,
    second: empty(SECOND),
    minute: empty(MINUTE),
    hour: empty(HOUR),
    dayOfMonth: empty(DAY_OF_MONTH),
    month: empty(MONTH),
    dayOfWeek: empty(DAY_OF_WEEK),
    year: empty(YEAR),
    dayOfMonthRestricted: true,
    dayOfWeekRestricted: true,
    dayMatchAnd: false,
    hourIsWildcard: false,
  };
}

function parseFields(source: string, tokens: Token[], dialect: CronDialect, dayMatch: DayMatch): ParsedCron {
  const count = tokens.length;
  if (count < 5 || count > 7) {
    fail(null, `expected 5, 6 or 7 fields separated by spaces, found ${count}`, count > 7 ? tokens[7].position : 0);
  }
  let second: Token | null;
  let rest: Token[];
  let year: Token | null = null;
  const isEventBridge = dialect === 'quartz' && count === 6 && (tokens[2].text === '?' || tokens[4].text === '?');
  if (count === 5) {
    second = null;
    rest = tokens;
  } else if (isEventBridge) {
    second = null;
    rest = tokens.slice(0, 5);
    year = tokens[5];
  } else {
    second = tokens[0];
    rest = tokens.slice(1, 6);
    year = count === 7 ? tokens[6] : null;
  }
  const dowSpec = dialect === 'quartz' ? QUARTZ_DAY_OF_WEEK : DAY_OF_WEEK;
  const parse = (spec: FieldSpec, token: Token) => new FieldParser(spec, dialect).parse(token);

  const secondField = second === null ? ZERO_SECOND : parse(SECOND, second).field;
  const minute = parse(MINUTE, rest[0]).field;
  const hourResult = parse(HOUR, rest[1]);
  const dom = parse(DAY_OF_MONTH, rest[2]);
  const month = parse(MONTH, rest[3]).field;
  const dow = parse(dowSpec, rest[4]);
  const yearField = year === null || year.text === '*' ? EVERY_YEAR : parse(YEAR, year).field;

  if (dialect === 'quartz') {
    const domQ = rest[2].text === '?';
    const dowQ = rest[4].text === '?';
    if (domQ === dowQ) {
      fail(DAY_OF_MONTH, "the quartz dialect needs '?' in exactly one of day-of-month and day-of-week", rest[2].position);
    }
  }
  const firstHourPiece = rest[1].text.split(',')[0];
  return {
    source,
    dialect,
    isReboot: false,
    second: secondField,
    minute,
    hour: hourResult.field,
    dayOfMonth: dom.field,
    month,
    dayOfWeek: dow.field,
    year: yearField,
    dayOfMonthRestricted: dom.restricted,
    dayOfWeekRestricted: dow.restricted,
    dayMatchAnd: dow.and || dayMatch === 'and',
    hourIsWildcard: !rest[1].text.includes(',') && (firstHourPiece === '*' || firstHourPiece.startsWith('*/')),
  };
}

function valueField(spec: FieldSpec, value: number): ParsedField {
  const allowed = allowedArray(spec);
  allowed[value] = 1;
  return { source: String(value), parts: [{ kind: 'value', value }], allowed };
}
