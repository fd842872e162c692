// Shared plumbing for the scheduler benchmarks: the sink process, one keep-alive undici
// agent per contender, timing helpers and the results table.
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function startSink() {
  const child = fork(fileURLToPath(new URL('./sink.mjs', import.meta.url)), { stdio: 'inherit' });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  let nextId = 0;
  const pending = new Map();
  child.on('message', ({ id, result }) => {
    pending.get(id)?.(result);
    pending.delete(id);
  });
  const call = (command, argument) =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      child.send({ id, command, argument });
    });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    pid: child.pid,
    reset: () => call('reset'),
    stats: () => call('stats'),
    /** How many calls arrived (cheap: no arrival list crosses the IPC channel). */
    count: () => call('count'),
    /** `{status, delayMs}`: answer every call with `status` after `delayMs`. */
    setMode: (mode) => call('mode', mode),
    refuseFor: (ms) => call('refuse', { ms }),
    async waitFor(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const stats = await this.stats();
        if (stats.count >= count || Date.now() > deadline) return stats;
        await sleep(50);
      }
    },
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}

export function callbackAgent(connections) {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

/**
 * The one call every contender makes for a job: POST a small JSON body, read the answer.
 * `extra` (the recording floor's delivery headers) adds headers and may replace the body.
 */
export async function deliver(agent, url, id, extra = {}) {
  const { statusCode, body } = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'x-bench-id': String(id), ...extra.headers },
    body: extra.body ?? JSON.stringify({ id }),
  });
  await body.dump();
  if (statusCode >= 300) throw new Error(`sink answered ${statusCode}`);
}

/** User + system CPU time the processes have used so far (Linux /proc), in ms; gone ones count 0. */
export function cpuMs(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      /* exited */
    }
  }
  return total;
}

/** The Postgres server's processes on this machine (the benchmark database is local). */
export function postgresPids() {
  return readdirSync('/proc').filter((entry) => {
    try {
      return /^\d+$/.test(entry) && readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres';
    } catch {
      return false;
    }
  });
}

/** CPU of each named process group from now until the returned function is called: `{ name: ms }`. */
export function cpuMeter(groups) {
  const start = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuMs(pids())]));
  return () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, Math.round(cpuMs(pids()) - start[name])]));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function printTable(title, rows, columns) {
  console.log(`\n${title}`);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (cells) => `| ${cells.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((column) => row[column])));
}
