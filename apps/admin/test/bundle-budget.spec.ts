/**
 * @jest-environment node
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const WORKSPACE_ROOT = join(__dirname, '../../..');
const BUDGET_BYTES = 250 * 1024;

/** What a first visit downloads before any route chunk: the entry script, its modulepreloads and CSS. */
function initialAssets(outDir: string): string[] {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]);
}

describe('admin bundle budget', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'zer08-admin-build-'));
    const build = spawnSync(
      process.execPath,
      [
        'node_modules/vite/bin/vite.js',
        'build',
        '--config',
        'apps/admin/vite.config.ts',
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      {
        cwd: WORKSPACE_ROOT,
        encoding: 'utf8',
      },
    );
    if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  }, 180_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('keeps the initial JavaScript under 250 kB gzip', () => {
    const scripts = initialAssets(outDir).filter((file) => file.endsWith('.js'));
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(outDir, file))).length, 0);
    expect(scripts.length).toBeGreaterThan(0);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });

  it('leaves the charts and the schedule engine out of the initial load', () => {
    const initial = initialAssets(outDir).map((file) => readFileSync(join(outDir, file), 'utf8'));
    // Distinctive strings of each library: an echarts internal key and a schedule-engine message.
    expect(initial.some((code) => code.includes('__ec_inner_'))).toBe(false);
    expect(initial.some((code) => code.includes('can never fire'))).toBe(false);
  });
});
