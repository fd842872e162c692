// Cron engine benchmark: parse/s and next/s for ZER08 (@zer08/cron), croner and cron-parser.
// Build first: NX_DAEMON=false npx nx build cron && node tools/bench/cron/bench.mjs [rounds=3]
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseCron } from '../../../dist/libs/cron/index.js';
import { Cron } from 'croner';
import { CronExpressionParser } from 'cron-parser';

const require = createRequire(import.meta.url);
const version = (name) => require(`${name}/package.json`).version;

// Six-field expressions every engine reads the same way (no L/W/#/year, which cron-parser lacks in part).
const EXPRESSIONS = [
  '0 * * * * *',
  '*/15 * * * * *',
  '0 */5 * * * *',
  '0 30 2 * * *',
  '0 0 9-17 * * 1-5',
  '0 15,45 8-18/2 * * *',
  '0 0 0 1 * *',
  '0 0 12 15 * *',
  '0 0 0 * * 0',
  '30 10 4 1,15 * *',
  '0 0 0 1 1 *',
  '0 5 4 * * 2,4',
];
const FIRES = 10_000;
// Every engine stops at the end of 2199 (ZER08's documented range) so all produce the same fires.
const LIMIT = Date.UTC(2200, 0, 1);
const ZONES = ['UTC', 'America/New_York'];

const engines = {
  zer08: {
    parse: (e, tz) => parseCron(e, { timezone: tz }),
    iterate: (e, tz, start, n) => {
      const cron = parseCron(e, { timezone: tz });
      let d = start;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const next = cron.next(d);
        if (next === null || next.getTime() >= LIMIT) break;
        d = next;
        count++;
      }
      return count;
    },
  },
  croner: {
    parse: (e, tz) => new Cron(e, { timezone: tz }),
    iterate: (e, tz, start, n) => {
      const cron = new Cron(e, { timezone: tz });
      let d = start;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const next = cron.nextRun(d);
        if (next === null || next.getTime() >= LIMIT) break;
        d = next;
        count++;
      }
      return count;
    },
  },
  'cron-parser': {
    parse: (e, tz) => CronExpressionParser.parse(e, { tz }),
    iterate: (e, tz, start, n) => {
      const it = CronExpressionParser.parse(e, { tz, currentDate: start });
      let count = 0;
      for (let i = 0; i < n; i++) {
        try {
          if (it.next().getTime() >= LIMIT) break;
        } catch {
          break;
        }
        count++;
      }
      return count;
    },
  },
};

const START = new Date('2026-01-01T00:00:00Z');

// The machine may be shared, so each figure is the median of ROUNDS interleaved measurements.
const ROUNDS = Number(process.argv[2] ?? 3);

function parseRate(engine, tz, minMs = 250) {
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (const e of EXPRESSIONS) engine.parse(e, tz);
    ops += EXPRESSIONS.length;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (ops / elapsed) * 1000;
}

function nextRate(engine, tz) {
  let fires = 0;
  const t0 = performance.now();
  for (const e of EXPRESSIONS) fires += engine.iterate(e, tz, START, FIRES);
  return { rate: (fires / (performance.now() - t0)) * 1000, fires };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function bench() {
  const samples = new Map();
  for (const tz of ZONES) for (const [name, engine] of Object.entries(engines)) for (const e of EXPRESSIONS) engine.iterate(e, tz, START, 200);
  for (let round = 0; round < ROUNDS; round++) {
    for (const tz of ZONES) {
      for (const [name, engine] of Object.entries(engines)) {
        const key = `${tz}|${name}`;
        const entry = samples.get(key) ?? { parse: [], next: [], fires: 0 };
        entry.parse.push(parseRate(engine, tz));
        const { rate, fires } = nextRate(engine, tz);
        entry.next.push(rate);
        entry.fires = fires;
        samples.set(key, entry);
      }
    }
  }
  return [...samples].map(([key, entry]) => {
    const [zone, engine] = key.split('|');
    return { zone, engine, 'parse/s': Math.round(median(entry.parse)), 'next/s': Math.round(median(entry.next)), fires: entry.fires };
  });
}

// Sanity: the engines agree on the fires they produce for the shared set (first 50 per expression).
function crossCheck() {
  for (const tz of ZONES) {
    for (const e of EXPRESSIONS) {
      const a = parseCron(e, { timezone: tz }).nextN(50, START).map((d) => d.getTime());
      const b = new Cron(e, { timezone: tz }).nextRuns(50, START).map((d) => d.getTime());
      if (JSON.stringify(a) !== JSON.stringify(b)) console.warn(`note: zer08 and croner differ on '${e}' in ${tz}`);
    }
  }
}

crossCheck();
const rows = bench();
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), croner ${version('croner')}, cron-parser ${version('cron-parser')}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`median of ${ROUNDS} interleaved rounds`);
console.log(`${EXPRESSIONS.length} expressions; next/s = up to ${FIRES} successive fires per expression from 2026-01-01, all engines stopping at 2200-01-01`);
console.table(rows);
for (const tz of ZONES) {
  const of = (engine, key) => rows.find((r) => r.zone === tz && r.engine === engine)[key];
  for (const key of ['parse/s', 'next/s']) {
    const best = Math.max(of('croner', key), of('cron-parser', key));
    const ratio = of('zer08', key) / best;
    console.log(`${tz} ${key}: zer08 ${ratio.toFixed(2)}x the faster of croner/cron-parser (target 2x) ${ratio >= 2 ? 'MET' : 'MISSED'}`);
  }
}
