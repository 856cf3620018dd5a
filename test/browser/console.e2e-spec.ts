import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { player, startTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const EMAIL = 'console-admin@example.test';
const PASSWORD = 'console-password-123';
const IDP = 'Browser_SSO';
const SUBJECT = 'family-42';

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/**
 * The admin console in a real headless Chromium against the real server (Express) on a real PostgreSQL: one
 * operator's journey, each step building on the previous one (they run in order).
 */
describeWithChromium('Admin console in Chromium', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let appSecret = '';
  let policyId = '';
  const sessions: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ adapter: 'express', env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD } });
    browser = await launchChromium(executablePath);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses a wrong password with a clear message, then signs in', async () => {
    await page.goto(t.url);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
    await shot(page, '01-sign-in-error');

    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live' }).waitFor();
    expect(await page.getByRole('banner').getByText(EMAIL).isVisible()).toBe(true);
  });

  it('keeps the session in the cookie across a reload and a deep link', async () => {
    await page.goto(`${t.url}/policies`);
    await page.getByRole('heading', { name: 'Policies' }).waitFor();
    await page.getByRole('link', { name: 'demo-policy' }).waitFor();
  });

  it('creates an application with a secret shown once', async () => {
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByLabel('Name').fill('Browser player');
    await page.getByLabel('Application id').fill('browser-app');
    await page.getByRole('button', { name: 'Create application' }).click();
    const secret = page.getByTestId('revealed-secret');
    await secret.waitFor();
    appSecret = (await secret.textContent())!.trim();
    expect(appSecret.length).toBeGreaterThan(16);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('heading', { name: 'Browser player' }).waitFor();
    expect(await page.getByTestId('revealed-secret').count()).toBe(0);
  });

  it('shows the server validation inline, then creates "2 devices per channel, latest wins"', async () => {
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('link', { name: 'New policy' }).click();
    await page.getByLabel('Policy name').fill('2 devices per channel');
    await page.getByLabel('Rule 1 name').fill('2 devices per channel');
    await page.getByLabel('Rule 1 limit').fill('-1');
    await page.getByLabel('Distinct values of an attribute').check();
    await page.getByRole('combobox', { name: 'Rule 1 attribute to count' }).fill('deviceId');
    const scope = page.getByRole('combobox', { name: 'Rule 1 scope' });
    await scope.fill('channel');
    await scope.press('Enter');
    // Close the scope's suggestions as a viewer would (Escape): left open, they may cover the options below.
    await scope.press('Escape');
    await page.getByRole('option', { name: 'deviceId' }).waitFor({ state: 'hidden' });
    await page.getByLabel('Latest wins (the oldest stream is dismissed)').check();
    await page.getByRole('button', { name: 'Create policy' }).click();
    // The server's problem+json names rules[0].limit; the editor shows it under the limit field.
    await page.getByText('must be an integer between 0 and 10000').waitFor();
    await shot(page, '03-policy-validation');

    await page.getByLabel('Rule 1 limit').fill('2');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.waitForURL(/\/policies\/[0-9a-f-]{36}$/);
    policyId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: '2 devices per channel' }).waitFor();
    expect(await page.getByTestId('rule-summary-0').textContent()).toBe('At most 2 distinct deviceId per channel; latest wins');
    await shot(page, '04-policy-editor');
    const stored = await t.policies.get(policyId);
    expect(stored.rules).toEqual([
      { name: '2 devices per channel', limit: 2, countBy: 'deviceId', scope: ['channel'], onConflict: 'evict-oldest' },
    ]);
  });

  it('runs the simulator: a third device is admitted and the oldest is dismissed, with the exact bodies', async () => {
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByLabel('Session 1 metadata').fill('channel=news, deviceId=tv');
    await page.getByLabel('Session 2 metadata').fill('channel=news, deviceId=tablet');
    await page.getByLabel('Candidate metadata').fill('channel=news, deviceId=phone');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const decision = page.getByTestId('simulation-decision');
    await decision.waitFor();
    expect(await decision.textContent()).toBe('admit');
    const body = JSON.parse((await page.getByTestId('simulation-body').textContent())!);
    expect(body).toMatchObject({ sessionId: expect.any(String), terminationCode: expect.stringMatching(/^[0-9a-f]{8}$/) });
    await page.getByText('Streams this would end').waitFor();
    await page.getByText(/dismissed; its next heartbeat gets HTTP 409/).waitFor();
    await shot(page, '05-policy-simulator');
  });

  it('attaches the policy to the application', async () => {
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('link', { name: 'Browser player' }).click();
    await page.getByRole('checkbox', { name: '2 devices per channel' }).check();
    await page.getByRole('button', { name: 'Save attached policies' }).click();
    await page.getByText('Attached policies saved').waitFor();
    expect(await t.policies.attachedPolicyIds('browser-app')).toEqual([policyId]);
    await page.getByRole('tab', { name: 'SDK (@cm/client)' }).waitFor();
    await page.getByText("applicationId: 'browser-app'").waitFor();
    await shot(page, '06-application-detail');
  });

  it('shows the live counter move as streams start over the CM API', async () => {
    await page.getByRole('link', { name: 'Live' }).click();
    const total = page.getByTestId('running-total');
    await total.waitFor();
    await page.getByTestId('stream-status').getByText('Live').waitFor();
    const before = Number(await total.textContent());
    const cm = player(t.url, 'browser-app', appSecret);
    for (const deviceId of ['tv', 'tablet']) {
      const res = await cm.init(IDP, SUBJECT, { channel: 'news', deviceId });
      expect(res.status).toBe(202);
      sessions.push(res.body.sessionId);
    }
    // No reload: the SSE feed brings the new count.
    await page.waitForFunction(
      ([expected]) => document.querySelector('[data-testid="running-total"]')?.textContent === String(expected),
      [before + 2],
      { timeout: 15_000 },
    );
    await page.getByTestId('running-browser-app').getByText('2').waitFor();
    await shot(page, '02-live');
  });

  it('looks up the account and kills a stream; the player then gets 410 naming the operator console', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByLabel('Identity provider (idp)').fill(IDP);
    await page.getByLabel('Subject').fill(SUBJECT);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { name: 'Running streams (2)' }).waitFor();
    await shot(page, '07-accounts');
    await page.getByRole('button', { name: 'Kill the stream on tv' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Kill stream' }).click();
    await page.getByRole('heading', { name: 'Running streams (1)' }).waitFor();
    await page.getByRole('table', { name: 'Recently ended streams' }).getByText('killed').waitFor();

    const heartbeat = await player(t.url, 'browser-app', appSecret).heartbeat(IDP, SUBJECT, sessions[0]);
    expect(heartbeat.status).toBe(410);
    expect(JSON.stringify(heartbeat.body)).toContain('Operator console');
    const other = await player(t.url, 'browser-app', appSecret).heartbeat(IDP, SUBJECT, sessions[1]);
    expect(other.status).toBe(202);
  });

  it('shows history, tokens and the audit log', async () => {
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.getByRole('link', { name: 'Download CSV' }).waitFor();
    await shot(page, '08-history');

    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Token name').fill('ci deploy');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = page.getByTestId('revealed-secret');
    await token.waitFor();
    const value = (await token.textContent())!.trim();
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const me = await fetch(`${t.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${value}` } });
    expect(me.status).toBe(200);
    await page.getByRole('cell', { name: 'ci deploy', exact: true }).waitFor();
    await shot(page, '09-tokens');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'policy.create' }).first().waitFor();
    await shot(page, '10-audit');

    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('cell', { name: 'demo', exact: true }).waitFor();
    await shot(page, '11-tenants');
    await page.getByRole('link', { name: 'Operators' }).click();
    await page.getByRole('cell', { name: EMAIL }).waitFor();
    await shot(page, '12-operators');
  });

  it('is usable at tablet width', async () => {
    await page.setViewportSize({ width: 800, height: 1024 });
    await page.goto(`${t.url}/policies/${policyId}`);
    await page.getByRole('heading', { name: '2 devices per channel' }).waitFor();
    await shot(page, '13-policy-editor-tablet');
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    // Narrower (a phone or a tablet in split view): the menu folds behind a labelled button.
    await page.setViewportSize({ width: 600, height: 1024 });
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
  });

  it('signs out', async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto(`${t.url}/accounts`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});
