// Cron engine benchmark: parse/s and next/s for ZER08 (@zer08/cron), croner and cron-parser.
// Build first: NX_DAEMON=false npx nx build cron && node tools/bench/cron/bench.mjs
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
        if (next === null) break;
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
        if (next === null) break;
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
          it.next();
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

function timeIt(fn, minMs = 400) {
  // Repeat until at least minMs elapsed; return ops per second for `fn` returning op count.
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    ops += fn();
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (ops / elapsed) * 1000;
}

function bench() {
  const rows = [];
  for (const tz of ZONES) {
    for (const [name, engine] of Object.entries(engines)) {
      // Warm up JIT and zone caches.
      for (const e of EXPRESSIONS) engine.iterate(e, tz, START, 200);
      const parseRate = timeIt(() => {
        for (const e of EXPRESSIONS) engine.parse(e, tz);
        return EXPRESSIONS.length;
      });
      let fires = 0;
      const t0 = performance.now();
      for (const e of EXPRESSIONS) fires += engine.iterate(e, tz, START, FIRES);
      const nextRate = (fires / (performance.now() - t0)) * 1000;
      rows.push({ zone: tz, engine: name, 'parse/s': Math.round(parseRate), 'next/s': Math.round(nextRate), fires });
    }
  }
  return rows;
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
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), croner ${version('croner')}, cron-parser ${version('cron-parser')}`);
console.log(`${EXPRESSIONS.length} expressions; next/s = ${FIRES} successive fires per expression (fewer when the range ends)`);
console.table(rows);
for (const tz of ZONES) {
  const of = (engine, key) => rows.find((r) => r.zone === tz && r.engine === engine)[key];
  for (const key of ['parse/s', 'next/s']) {
    const best = Math.max(of('croner', key), of('cron-parser', key));
    const ratio = of('zer08', key) / best;
    console.log(`${tz} ${key}: zer08 ${ratio.toFixed(2)}x the faster of croner/cron-parser (target 2x) ${ratio >= 2 ? 'MET' : 'MISSED'}`);
  }
}
