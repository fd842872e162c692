import { FieldPart, ParsedCron, ParsedField } from './parse.js';

const MONTHS = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

function joinList(items: string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

function plural(unit: string, n: number): string {
  return n === 1 ? unit : `${unit}s`;
}

function isEvery(field: ParsedField): boolean {
  return field.parts.length === 1 && field.parts[0].kind === 'all' && field.parts[0].step === 1;
}

function isStep(field: ParsedField): boolean {
  return field.parts.length === 1 && field.parts[0].kind === 'all';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function singleValue(field: ParsedField): number | null {
  return field.parts.length === 1 && field.parts[0].kind === 'value' ? field.parts[0].value : null;
}

/** Phrase for a time field: "minute 5", "every 15 minutes", "every hour from 10 through 15". */
function timePhrase(field: ParsedField, unit: string, name: (v: number) => string = String): string {
  const values: string[] = [];
  const phrases: string[] = [];
  for (const part of field.parts) {
    if (part.kind === 'value') values.push(name(part.value));
    else if (part.kind === 'all') phrases.push(part.step === 1 ? `every ${unit}` : `every ${part.step} ${plural(unit, part.step)}`);
    else if (part.kind === 'range') {
      const lead = part.step === 1 ? `every ${unit}` : `every ${part.step} ${plural(unit, part.step)}`;
      phrases.push(`${lead} from ${name(part.from)} through ${name(part.to)}`);
    }
  }
  if (values.length > 0) phrases.unshift(`${plural(unit, values.length)} ${joinList(values)}`);
  return joinList(phrases);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function weekdayName(v: number): string {
  return WEEKDAYS[v % 7];
}

function dayOfMonthPhrase(field: ParsedField): string {
  const values: number[] = [];
  const phrases: string[] = [];
  for (const part of field.parts) {
    if (part.kind === 'value') values.push(part.value);
    else if (part.kind === 'last') phrases.push('the last day of the month');
    else if (part.kind === 'lastWeekday') phrases.push('the last weekday of the month');
    else if (part.kind === 'nearestWeekday') phrases.push(`the weekday nearest day ${part.day} of the month`);
    else if (part.kind === 'all') phrases.push(part.step === 1 ? 'every day' : `every ${part.step} days of the month`);
    else if (part.kind === 'range') {
      phrases.push(part.step === 1 ? `days ${part.from} through ${part.to} of the month` : `every ${part.step} days from day ${part.from} through ${part.to} of the month`);
    }
  }
  if (values.length > 0) phrases.unshift(`${plural('day', values.length)} ${joinList(values.map(String))} of the month`);
  return joinList(phrases);
}

function weekdayPart(part: FieldPart, quartz: boolean): string {
  const name = (v: number) => weekdayName(quartz ? v - 1 + 7 : v);
  switch (part.kind) {
    case 'value':
      return name(part.value);
    case 'range':
      return part.step === 1 ? `${name(part.from)} through ${name(part.to)}` : `every ${part.step} days from ${name(part.from)} through ${name(part.to)}`;
    case 'all':
      return part.step === 1 ? 'every day of the week' : `every ${part.step} days of the week`;
    case 'nthWeekday':
      return `the ${ORDINALS[part.nth]} ${weekdayName(part.weekday)} of the month`;
    case 'lastOfWeekday':
      return `the last ${weekdayName(part.weekday)} of the month`;
    default:
      return '';
  }
}

/** "January through March", "every 2 years from 2024 through 2060", "2025 and 2027". */
function periodPhrase(field: ParsedField, unit: string, name: (v: number) => string): string {
  const items = field.parts.map((part) => {
    if (part.kind === 'value') return name(part.value);
    if (part.kind === 'range') {
      const span = `${name(part.from)} through ${name(part.to)}`;
      return part.step === 1 ? span : `every ${part.step} ${unit}s from ${span}`;
    }
    if (part.kind === 'all') return `every ${part.step} ${unit}s`;
    return '';
  });
  return joinList(items);
}

/** Plain-English description of a parsed pattern. */
export function describePattern(p: ParsedCron): string {
  const quartz = p.dialect === 'quartz';
  if (p.isReboot) return 'At startup (@reboot)';
  const sentence: string[] = [];
  const second = singleValue(p.second);
  const minute = singleValue(p.minute);
  const hour = singleValue(p.hour);
  if (second !== null && minute !== null && hour !== null) {
    sentence.push(`At ${pad(hour)}:${pad(minute)}${second === 0 ? '' : `:${pad(second)}`}`);
  } else if (isEvery(p.hour) && isEvery(p.minute) && (isEvery(p.second) || isStep(p.second))) {
    sentence.push(capitalize(timePhrase(p.second, 'second')));
  } else if (isEvery(p.hour) && (isEvery(p.minute) || isStep(p.minute)) && second === 0) {
    sentence.push(capitalize(timePhrase(p.minute, 'minute')));
  } else {
    const pieces: string[] = [];
    if (second !== 0) pieces.push(timePhrase(p.second, 'second'));
    pieces.push(timePhrase(p.minute, 'minute'));
    pieces.push(timePhrase(p.hour, 'hour'));
    sentence.push(`At ${pieces.join(' past ')}`);
  }

  const domText = p.dayOfMonthRestricted ? dayOfMonthPhrase(p.dayOfMonth) : '';
  const dowText = p.dayOfWeekRestricted ? joinList(p.dayOfWeek.parts.map((part) => weekdayPart(part, quartz)), 'or') : '';
  if (domText !== '' && dowText !== '') {
    sentence.push(p.dayMatchAnd ? `on ${domText} if it is ${dowText}` : `on ${domText}, or ${dowText}`);
  } else if (domText !== '') {
    sentence.push(`on ${domText}`);
  } else if (dowText !== '') {
    sentence.push(`on ${dowText}`);
  }
  if (!isEvery(p.month)) sentence.push(`in ${periodPhrase(p.month, 'month', (v) => MONTHS[v])}`);
  if (!isEvery(p.year)) sentence.push(`in ${periodPhrase(p.year, 'year', String)}`);
  return sentence.join(' ');
}
