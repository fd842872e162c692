import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Browser, DESKTOP, launchBrowser, MOBILE } from './support/browser';
import { createFreshDatabase, FreshDatabase } from './support/database';
import { RunningServer, startServer, WORKSPACE_ROOT } from './support/server';
import { Sink, startSink } from './support/sink';

jest.setTimeout(120_000);

const ADMIN = { email: 'admin@zer08.test', password: 'admin-e2e-password' };
const USER = { email: 'user@zer08.test', password: 'user-e2e-password', newPassword: 'user-e2e-password-2' };
const SCREENSHOTS = join(WORKSPACE_ROOT, 'docs/screenshots');
const JOB_NAME = 'sink-every-2s';

let database: FreshDatabase;
let server: RunningServer;
let sink: Sink;
let browser: Browser;
let page: Page;
let jobPath = '';

function url(path: string): string {
  return `${server.baseUrl}${path}`;
}

/** What the user sees in the viewport (1440x900 or 375x812), like a real screen. */
async function screenshot(name: string, size: 'desktop' | 'mobile'): Promise<void> {
  // Charts and transitions settle; the relative times keep ticking either way.
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`) });
}

async function login(email: string, password: string): Promise<void> {
  if (!page.url().includes('/login')) await page.goto(url('/login'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((current) => !current.pathname.startsWith('/login'));
}

async function logout(): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
}

/** Executions of the job shown in its history table right now. */
async function historyRows(status?: string): Promise<number> {
  const selector = status
    ? `[data-testid="history-table"] tbody tr[data-status="${status}"]`
    : '[data-testid="history-table"] tbody tr[data-execution-id]';
  return page.locator(selector).count();
}

async function historyTotal(): Promise<number> {
  const text = (await page.locator('[data-testid="history-table"]').innerText()).match(/(\d+) executions/);
  return text ? Number(text[1]) : 0;
}

async function jobStatus(): Promise<string | null> {
  return page.locator('[data-testid="job-status"]').getAttribute('data-status');
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  database = await createFreshDatabase();
  sink = await startSink();
  server = await startServer({ databaseUrl: database.url, adminEmail: ADMIN.email, adminPassword: ADMIN.password });
  browser = await launchBrowser();
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
  await database?.drop();
}, 60_000);

describe('admin console in a real browser against a real server', () => {
  it('refuses a wrong password with a clear message, then logs the admin in', async () => {
    await page.goto(url('/jobs'));
    await page.waitForURL(/\/login\?redirect=(%2F|\/)jobs/);
    await screenshot('login', 'desktop');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectText('[data-testid="login-error"]', 'Wrong email or password.');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Back where the user was going before the login page.
    await page.waitForURL(/\/jobs$/);
    await expectText('[data-testid="current-user"]', ADMIN.email);
  });

  it('renews an expired access token with the refresh token without leaving the page', async () => {
    const before = await page.evaluate(
      () => JSON.parse(localStorage.getItem('zer08.session') ?? '{}') as { accessToken: string; refreshToken: string },
    );
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('zer08.session') ?? '{}');
      localStorage.setItem('zer08.session', JSON.stringify({ ...session, accessToken: 'expired.or.forged' }));
    });
    await page.goto(url('/jobs'));
    await page.waitForSelector('[data-testid="jobs-table"]');
    expect(new URL(page.url()).pathname).toBe('/jobs');
    await page.waitForFunction((old) => {
      const session = JSON.parse(localStorage.getItem('zer08.session') ?? '{}');
      return session.accessToken !== 'expired.or.forged' && session.refreshToken !== old;
    }, before.refreshToken);
  });

  it('creates a job calling the sink every 2 s, with the live preview and a field error on the way', async () => {
    await page.goto(url('/jobs/new'));
    await page.locator('#job-name').fill(JOB_NAME);
    await page.locator('#job-description').fill('Calls the local e2e sink');
    await page.locator('#target-url').fill(sink.url);
    await page.locator('#target-body').fill('{"from": "admin-e2e"}');

    await page.locator('#schedule-expression').fill('*/2 * * * * 8');
    await expectText('[data-testid="schedule-errors"]', 'expression');
    await page.locator('#schedule-expression').fill('*/2 * * * * *');
    await expectText('[data-testid="schedule-description"]', 'Every 2 seconds');
    expect(await page.locator('[data-testid="schedule-preview"] li').count()).toBe(10);
    await scrollToSchedule();
    await screenshot('job-editor', 'desktop');

    await page.locator('[data-testid="save-job"]').click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    jobPath = new URL(page.url()).pathname;
    await expectText('[data-testid="signing-secret"]', '');
    expect(await jobStatus()).toBe('active');
  });

  it('shows executions arriving in the history and their details', async () => {
    await page.waitForSelector('[data-testid="history-table"] tbody tr[data-status="succeeded"]', { timeout: 30_000 });
    expect(sink.requests.length).toBeGreaterThan(0);
    expect(await historyRows('succeeded')).toBeGreaterThan(0);
    expect(sink.requests[0].headers['idempotency-key']).toBeTruthy();
    expect(JSON.parse(sink.requests[0].body)).toEqual({ from: 'admin-e2e' });
    await page.locator('[data-testid="history-table"] tbody tr[data-status="succeeded"] button').first().click();
    await expectText('[data-testid="execution-details"]', '200');
    await expectText('[data-testid="execution-details"]', 'Started late by');
    await screenshot('execution-drawer', 'desktop');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="execution-details"]', { state: 'detached' });
    // A few more runs for the charts in the screenshots.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="history-table"] tbody tr[data-execution-id]').length >= 4,
      undefined,
      { timeout: 30_000 },
    );
    await expectText('[data-testid="job-lateness"]', 'p99');
    await screenshot('job-detail', 'desktop');
  });

  it('pauses the job: no new executions arrive', async () => {
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.waitForSelector('[data-testid="job-status"][data-status="paused"]');
    // An occurrence already claimed before the pause may still land; wait for 3 quiet seconds.
    await waitForQuietSink(3000, 20_000);
    const calls = sink.requests.length;
    const total = await historyTotal();
    await page.waitForTimeout(6000);
    expect(sink.requests.length).toBe(calls);
    expect(await historyTotal()).toBe(total);
  });

  it('runs a paused job by hand with Trigger now: one call, nothing after it', async () => {
    const calls = sink.requests.length;
    await page.getByRole('button', { name: 'Trigger now' }).click();
    await page.waitForSelector('.n-message:has-text("Triggered")');
    const deadline = Date.now() + 20_000;
    while (sink.requests.length === calls && Date.now() < deadline) await page.waitForTimeout(200);
    expect(sink.requests.length).toBe(calls + 1);
    await page.waitForSelector('[data-testid="history-table"] tbody tr[data-trigger="manual"]', { timeout: 15_000 });
    await page.waitForTimeout(3000);
    expect(sink.requests.length).toBe(calls + 1);
  });

  it('deletes the job after confirmation and restores it', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Delete' }).click();
    await page.waitForSelector('[data-testid="job-status"][data-status="deleted"]');
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.waitForSelector('[data-testid="job-status"][data-status="paused"]');
  });

  it('lists, searches and bulk-resumes jobs, and shows the dashboard', async () => {
    await page.goto(url('/jobs'));
    await page.getByLabel('Search jobs').fill('sink');
    await page.waitForSelector(`[data-testid="jobs-table"] a:has-text("${JOB_NAME}")`);
    // Selection checkboxes are labelled controls: reachable by their accessible name.
    await page.getByRole('checkbox', { name: `Select job ${JOB_NAME}` }).click();
    await page.getByRole('button', { name: 'Resume selected' }).click();
    await page.waitForSelector('[data-testid="jobs-table"] [data-status="active"]');
    await page.waitForTimeout(4000);
    await screenshot('jobs', 'desktop');

    await page.goto(url('/'));
    await page.waitForSelector('[data-testid="cluster-leader"]');
    await page.waitForTimeout(2500);
    await screenshot('dashboard', 'desktop');

    await page.goto(url(jobPath));
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.waitForSelector('[data-testid="job-status"][data-status="paused"]');
  });

  it('builds a calendar rule with an override date and previews it', async () => {
    await page.goto(url('/jobs/new'));
    await page.locator('.kind-tabs label:has-text("Calendar")').click();
    await page.locator('.n-checkbox:has-text("Tue")').click();
    await page.locator('button:has-text("Add time")').click();
    await page.getByLabel('Time of day 2').fill('17:30');
    await page.locator('button:has-text("Add override date")').click();
    await expectText('[data-testid="schedule-description"]', 'at 09:00 and 17:30 (Europe/Berlin); 1 override date');
    expect(await page.locator('[data-testid="schedule-preview"] li').count()).toBe(10);
    // The override row, the zone and the preview in one screen.
    await page.evaluate(() => {
      document.querySelector('#schedule-start-date')?.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -90);
    });
    await screenshot('job-editor-calendar', 'desktop');
  });

  it('lets the admin create a user and shows the profile page', async () => {
    await page.goto(url('/users'));
    await page.locator('#new-user-email').fill(USER.email);
    await page.locator('#new-user-password').fill(USER.password);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.waitForSelector(`[data-testid="users-table"] td:has-text("${USER.email}")`);
    await screenshot('users', 'desktop');
    await page.goto(url('/profile'));
    await page.waitForSelector('#current-password');
    await screenshot('profile', 'desktop');
  });

  it("keeps a normal user away from the admin's job and the admin pages", async () => {
    await logout();
    await login(USER.email, USER.password);
    await page.goto(url('/jobs'));
    await page.waitForSelector('[data-testid="jobs-table"] .n-data-table-empty');
    expect(await page.locator(`[data-testid="jobs-table"] a:has-text("${JOB_NAME}")`).count()).toBe(0);
    await page.goto(url(jobPath));
    await expectText('.n-alert', 'Job not found');
    await page.goto(url('/users'));
    await page.waitForURL(url('/'));
    expect(await page.locator('a.nav-link:has-text("Users")').count()).toBe(0);
    expect(await page.locator('[data-testid="cluster-card"]').count()).toBe(0);
  });

  it('lets a user change their own password, refusing a wrong current one', async () => {
    await page.goto(url('/profile'));
    await page.locator('#current-password').fill('not-my-password');
    await page.locator('#new-password').fill(USER.newPassword);
    await page.locator('#confirm-password').fill(USER.newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForSelector('.n-form-item:has(#current-password) .n-form-item-feedback--error');
    await page.locator('#current-password').fill(USER.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForSelector('.n-message:has-text("Password changed")');
    // The change revokes access tokens issued so far; this session renews itself and carries on.
    await page.goto(url('/jobs'));
    await page.waitForSelector('[data-testid="jobs-table"] .n-data-table-empty');
    expect(new URL(page.url()).pathname).toBe('/jobs');
    await logout();
    await login(USER.email, USER.newPassword);
    await expectText('[data-testid="current-user"]', USER.email);
  });

  it('sends the user to the login page, keeping the route, once the session cannot be renewed', async () => {
    await page.evaluate(() =>
      localStorage.setItem(
        'zer08.session',
        JSON.stringify({ accessToken: 'bad', refreshToken: 'revoked', user: null }),
      ),
    );
    await page.goto(url('/jobs'));
    await page.waitForURL(/\/login\?redirect=(%2F|\/)jobs/);
    await login(USER.email, USER.newPassword);
    expect(new URL(page.url()).pathname).toBe('/jobs');
  });

  it('works at 375 px wide: every view, with the menu in a drawer', async () => {
    await logout();
    await page.setViewportSize(MOBILE);
    await page.goto(url('/login'));
    await screenshot('login', 'mobile');
    await login(ADMIN.email, ADMIN.password);
    await page.waitForSelector('[data-testid="cluster-leader"]');
    await screenshot('dashboard', 'mobile');
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.locator('.n-drawer a.nav-link:has-text("Jobs")').click();
    await page.waitForURL(/\/jobs$/);
    await page.waitForSelector(`[data-testid="jobs-table"] a:has-text("${JOB_NAME}")`);
    await screenshot('jobs', 'mobile');
    await page.goto(url(jobPath));
    await page.waitForSelector('[data-testid="history-table"] tbody tr[data-execution-id]');
    await screenshot('job-detail', 'mobile');
    await page.locator('[data-testid="history-table"] tbody tr[data-execution-id] button').first().click();
    await page.waitForSelector('[data-testid="execution-details"]');
    await screenshot('execution-drawer', 'mobile');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="execution-details"]', { state: 'detached' });
    await page.goto(url(`${jobPath}/edit`));
    await expectText('[data-testid="schedule-description"]', 'Every 2 seconds');
    await scrollToSchedule();
    await screenshot('job-editor', 'mobile');
    await page.goto(url('/users'));
    await page.waitForSelector(`[data-testid="users-table"] td:has-text("${USER.email}")`);
    await screenshot('users', 'mobile');
    await page.goto(url('/profile'));
    await screenshot('profile', 'mobile');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize(DESKTOP);
    await page.goto(url('/'));
  });

  it('lets the admin disable and then delete a user', async () => {
    await page.goto(url('/users'));
    await page.getByLabel(`${USER.email} enabled`).click();
    await page.waitForSelector(`.n-message:has-text("Updated ${USER.email}")`);
    const refused = await fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: USER.email, password: USER.newPassword }),
    });
    expect(refused.status).toBe(401);
    await page
      .locator(`[data-testid="users-table"] tr:has-text("${USER.email}")`)
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.locator('.n-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await page.waitForSelector(`[data-testid="users-table"] td:has-text("${USER.email}")`, { state: 'detached' });
  });

  it('stops and resumes dispatching on the replica from the cluster card', async () => {
    await page.goto(url('/'));
    await page.getByRole('button', { name: 'Stop dispatching' }).click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Stop' }).click();
    await page.waitForSelector('[data-testid="runner-state"][data-state="stopped"]');
    await page.getByRole('button', { name: 'Resume dispatching' }).click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Resume' }).click();
    await page.waitForSelector('[data-testid="runner-state"][data-state="dispatching"]');
  });

  it('logged no console errors and no uncaught exceptions along the way', () => {
    expect(browser.errors).toEqual([]);
  });
});

async function waitForQuietSink(quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const last = sink.requests[sink.requests.length - 1]?.at ?? 0;
    if (Date.now() - last >= quietMs) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`the sink kept receiving calls for ${timeoutMs} ms after the pause`);
}

async function scrollToSchedule(): Promise<void> {
  await page.evaluate(() =>
    document.querySelector('.schedule-builder')?.closest('.n-card')?.scrollIntoView({ block: 'start' }),
  );
  await page.evaluate(() => window.scrollBy(0, -64));
}

async function expectText(selector: string, text: string): Promise<void> {
  const locator = page.locator(selector).first();
  await locator.waitFor();
  if (text)
    await page.waitForFunction(
      ([s, t]) => (document.querySelector(s)?.textContent ?? '').includes(t),
      [selector, text] as const,
      { timeout: 10_000 },
    );
}
