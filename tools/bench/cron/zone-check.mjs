// Offline check of the cron engine's offset engine against Intl for every time zone Node knows.
// 1. Random instants 1970-2100: the engine's wall time equals Intl.DateTimeFormat#formatToParts.
// 2. Every offset change 1970-2040 the engine found: one second before it still has the old offset
//    and the change instant has the new one, both according to Intl.
// Build first: NX_DAEMON=false npx nx build cron && node tools/bench/cron/zone-check.mjs
import { parseCron } from '../../../dist/libs/cron/index.js';
import { getZone } from '../../../dist/libs/cron/timezone.js';
import { formatWall } from '../../../dist/libs/cron/civil.js';

const zones = Intl.supportedValuesOf('timeZone');
const formatters = new Map();
function intlWall(t, timeZone) {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const started = performance.now();
const failures = [];
let randomChecks = 0;
let transitionChecks = 0;
for (const timeZone of zones) {
  const cron = parseCron('* * * * * *', { timezone: timeZone, dst: { overlap: 'both' } });
  for (let i = 0; i < 60; i++) {
    const t = Math.floor((Date.UTC(1970, 0, 2) + random() * (Date.UTC(2100, 0, 1) - Date.UTC(1970, 0, 2))) / 1000) * 1000;
    const occurrence = cron.nextOccurrence(new Date(t - 1000));
    randomChecks++;
    if (occurrence?.at?.getTime() !== t || occurrence.local !== intlWall(t, timeZone)) failures.push(`${timeZone} at ${new Date(t).toISOString()}: engine ${occurrence?.local}, Intl ${intlWall(t, timeZone)}`);
  }
  const zone = getZone(timeZone);
  let segment = zone.segmentAt(Date.UTC(1970, 0, 1));
  while (segment.end.at < Date.UTC(2040, 0, 1)) {
    const { at, before, after } = segment.end;
    if (before !== after) {
      transitionChecks++;
      if (intlWall(at - 1000, timeZone) !== formatWall(at - 1000 + before) || intlWall(at, timeZone) !== formatWall(at + after)) {
        failures.push(`${timeZone} transition at ${new Date(at).toISOString()} (${before / 60000} -> ${after / 60000} min) disagrees with Intl`);
      }
    }
    segment = zone.segmentAfter(segment);
  }
}
console.log(`${zones.length} zones; ${randomChecks} random instants and ${transitionChecks} offset changes checked in ${((performance.now() - started) / 1000).toFixed(1)} s; ${failures.length} disagreements`);
for (const failure of failures.slice(0, 20)) console.log(failure);
process.exitCode = failures.length === 0 ? 0 : 1;
