// `npm start`: build what is missing or stale (API with SWC, admin SPA with Vite), then
// run the API, which serves the SPA on the same port. With no DATABASE_URL the API starts
// its embedded PostgreSQL (see apps/api/src/database/embedded-postgres.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach((path) => visit(join(root, path)));
  return newest;
}

function buildIfStale(name, output, sources, command, args) {
  const outputPath = join(root, output);
  const built = existsSync(outputPath) ? statSync(outputPath).mtimeMs : 0;
  if (built >= newestMtime(sources)) return;
  console.log(`[start] building ${name}...`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const shared = ['libs/cron/src', 'libs/contracts/src', 'package-lock.json'];
buildIfStale('api', 'dist/api/apps/api/src/main.js', ['apps/api/src', 'tools/scripts/build-api.mjs', ...shared], process.execPath, [
  'tools/scripts/build-api.mjs',
]);
buildIfStale('admin console', 'dist/apps/admin/index.html', ['apps/admin', ...shared], process.execPath, [
  'node_modules/vite/bin/vite.js',
  'build',
  '--logLevel',
  'warn',
  '--config',
  'apps/admin/vite.config.ts',
]);

process.chdir(root);
const main = join(root, 'dist/api/apps/api/src/main.js');
// Node flags for the API process. A bounded old generation: on a large host V8's default limit
// lets dead objects push a replica calling 1,000 callbacks a second past 280 MB RSS before it
// collects; with 512 MB it stays near 210 MB (BENCHMARKS.md, Scale). Flags given to this script
// (or in NODE_OPTIONS) win: then the API runs in this process as before.
const API_NODE_FLAGS = ['--max-old-space-size=512'];
const flagged = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) =>
  arg.includes('--max-old-space-size'),
);
if (flagged) {
  await import(main);
} else {
  const api = spawn(process.execPath, [...process.execArgv, ...API_NODE_FLAGS, main], { stdio: 'inherit' });
  // A terminal's Ctrl-C reaches both processes; a process manager's SIGTERM only this one.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => api.kill('SIGTERM'));
  api.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)));
}
