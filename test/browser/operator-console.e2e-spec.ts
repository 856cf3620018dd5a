import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { adminApi } from '../support/management';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const EMAIL = 'operator-console-admin@example.test';
const PASSWORD = 'operator-console-password-123';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const VIEWPORTS = {
  desktop: { width: 1400, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
type Viewport = keyof typeof VIEWPORTS;

/** Full-page shot from the top (the fixed header would otherwise be drawn where the page was scrolled to). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The page has loaded what it shows: no spinner left. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => [...document.querySelectorAll('.mantine-Loader-root')].every((el) => (el as HTMLElement).offsetParent === null),
    undefined,
    { timeout: 10_000 },
  );
}

/** axe-core in the page: the serious and critical violations, named with the elements they concern. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations as Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** What every page must be: titled after its one <h1>, with a skip link, no serious axe finding, no sideways scroll. */
async function checkPage(page: Page, viewport: Viewport, name: string): Promise<string> {
  await settled(page);
  const headings = await page.locator('h1').allTextContents();
  expect(headings).toHaveLength(1);
  expect(await page.title()).toBe(`${headings[0]} · Concurrency Monitor`);
  expect(await seriousViolations(page)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect([name, overflow]).toEqual([name, 0]);
  await shot(page, `${viewport}-${name}`);
  return headings[0];
}

/** Picks a tenant in the header's tenant picker (in the navigation drawer on a phone). */
async function pickTenant(page: Page, name: string): Promise<void> {
  const drawer = await page.getByRole('button', { name: 'Toggle navigation' }).isVisible();
  if (drawer) await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('combobox', { name: 'Tenant' }).click();
  await page.getByRole('option', { name, exact: true }).click();
  expect(await page.getByRole('combobox', { name: 'Tenant' }).inputValue()).toBe(name);
  if (drawer) await page.getByRole('button', { name: 'Toggle navigation' }).click();
}

/** Signs in and works in the demo tenant. */
async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
  await pickTenant(page, 'Demo');
}

/**
 * The console as a demanding operator uses it, in a real headless Chromium against the real server and database,
 * at a desktop size and on a phone (390×844), with the browser in Los Angeles: why an account was blocked, every
 * page's accessibility and layout, one rule for time, honest states, plain words, no dead ends and admin wording.
 */
describeWithChromium('Operator console in Chromium (desktop and phone)', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  let demoPolicyId = '';
  let otherTenant = { id: '', name: '' };

  beforeAll(async () => {
    t = await startTestApp({ adapter: 'express', env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD } });
    browser = await launchChromium(executablePath);
    const demo = (await t.tenants.findBySlug('demo'))!;
    demoPolicyId = (await t.policies.listByTenant(demo.id))[0].id;

    // family-42 watches on three devices; the kitchen tablet is denied (demo-policy: 3 streams cap).
    const cm = player(t.url, 'demo-app');
    for (const deviceName of ['Living room TV', 'Phone', 'Laptop']) {
      expect((await cm.init('Cable_SSO', 'family-42', { deviceName, channel: 'news' })).status).toBe(202);
    }
    expect((await cm.init('Cable_SSO', 'family-42', { deviceName: 'Kitchen tablet', channel: 'sports' })).status).toBe(409);
    // family-43: a new phone takes the old TV's place (X-Terminate); an operator then kills the bedroom TV.
    const old = await cm.init('Cable_SSO', 'family-43', { deviceName: 'Old TV' });
    expect((await cm.init('Cable_SSO', 'family-43', { deviceName: 'New phone' }, { 'X-Terminate': old.body.terminationCode })).status).toBe(
      202,
    );
    const bedroom = await cm.init('Cable_SSO', 'family-43', { deviceName: 'Bedroom TV' });
    const admin = await adminApi(t);
    expect((await admin.api('DELETE', `/sessions/${bedroom.body.sessionId}`)).status).toBe(204);

    // A second tenant with its own denial, for the tenant picker.
    const other = await givenApplication(t, [{ name: 'one stream', limit: 1 }], { tenantSlug: 'acme', appName: 'Acme player' });
    otherTenant = { id: other.tenant.id, name: other.tenant.name };
    const acme = player(t.url, other.application.id);
    await acme.init('Acme_SSO', 'acme-7', { deviceName: 'Acme TV' });
    expect((await acme.init('Acme_SSO', 'acme-7', { deviceName: 'Acme phone' })).status).toBe(409);
    // A policy whose rule has conditions, for the plain-words summary.
    await t.policies.create(demo.id, {
      name: 'Sports and news',
      rules: [
        { name: 'news or sports', limit: 2, where: [{ attribute: 'channel', op: 'in', value: ['news', 'sports'] }], onConflict: 'reject' },
      ],
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  describe.each(Object.keys(VIEWPORTS) as Viewport[])('%s', (viewport) => {
    let context: BrowserContext;
    let page: Page;
    const newContext = () =>
      browser.newContext({ viewport: VIEWPORTS[viewport], timezoneId: 'America/Los_Angeles', locale: 'en-US', bypassCSP: true });
    beforeAll(async () => {
      context = await newContext();
      page = await context.newPage();
      page.setDefaultTimeout(6_000);
      await signIn(page, t.url);
    });
    afterAll(() => context?.close());

    it('the sign-in page has a title, one heading and no serious accessibility problem', async () => {
      const signedOut = await newContext();
      const p = await signedOut.newPage();
      await p.goto(t.url);
      await p.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await p.title()).toBe('Sign in · Concurrency Monitor');
      expect(await p.locator('h1').count()).toBe(1);
      expect(await seriousViolations(p)).toEqual([]);
      await shot(p, `${viewport}-00-sign-in`);
      await signedOut.close();
    });

    it('an operator finds why an account was denied, with the rule and the conflicting devices, in two clicks from Live', async () => {
      await page.goto(t.url);
      const feed = page.getByRole('list', { name: 'Recent denials and dismissals' });
      // Click 1: the denied account in Live's feed.
      await feed.getByRole('link', { name: 'Cable_SSO / family-42' }).click();
      await page.getByRole('heading', { name: 'Account family-42', level: 1 }).waitFor();
      const denial = page.getByRole('article', { name: /^Denied at / });
      await denial.waitFor();
      const text = (await denial.textContent())!;
      expect(text).toContain('Kitchen tablet asked for a new stream on Demo application and was refused');
      expect(text).toContain(
        'Rule 3 streams cap of policy demo-policy (at most 3 streams per account): “Number of active streams exceeded”',
      );
      const conflicts = denial.getByRole('list', { name: 'Conflicting streams of rule 3 streams cap' });
      const devices = (await conflicts.getByRole('listitem').allTextContents()).join('\n');
      for (const name of ['Living room TV', 'Phone', 'Laptop']) expect(devices).toContain(name);
      expect(text).toMatch(/UTC/);
      await shot(page, `${viewport}-why-denied`);
      // Click 2 is not even needed: the account's streams are on the same page.
      await page.getByRole('heading', { name: /^Running streams \(\d+\)$/ }).waitFor();
    });

    it.each([
      ['01-live', '/', 'Live'],
      ['02-applications', '/applications', 'Applications'],
      ['03-application', '/applications/demo-app', 'Demo application'],
      ['04-policies', '/policies', 'Policies'],
      ['05-policy', '/policies/:demo', 'demo-policy'],
      ['06-new-policy', '/policies/new', 'New policy'],
      ['07-account', '/accounts?idp=Cable_SSO&subject=family-43', 'Account family-43'],
      ['08-accounts', '/accounts', 'Accounts'],
      ['09-history', '/history', 'History'],
      ['10-player', '/player', 'Player simulator'],
      ['11-tenants', '/admin/tenants', 'Tenants'],
      ['12-operators', '/admin/operators', 'Operators'],
      ['13-tokens', '/admin/tokens', 'API tokens'],
      ['14-audit', '/admin/audit', 'Audit log'],
    ])('page %s: one <h1> naming the document, a skip link, no serious axe violation, no sideways scroll', async (name, path, heading) => {
      await page.goto(`${t.url}${path.replace(':demo', demoPolicyId)}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(await checkPage(page, viewport, name)).toBe(heading);
      // The skip link is the first thing the keyboard reaches, and it moves to the page's content.
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to main content' });
      expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    });

    it('the header fits; on a phone the tenant picker and Sign out are in the navigation drawer', async () => {
      await page.goto(t.url);
      await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
      const header = page.locator('header');
      expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      if (viewport === 'desktop') {
        expect(await header.getByRole('combobox', { name: 'Tenant' }).isVisible()).toBe(true);
        expect(await header.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
        return;
      }
      expect(await header.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Toggle navigation' }).click();
      const drawer = page.getByRole('navigation', { name: 'Main' });
      await drawer.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(await drawer.getByRole('combobox', { name: 'Tenant' }).isVisible()).toBe(true);
      await shot(page, 'phone-drawer');
      await drawer.getByRole('link', { name: 'History' }).click();
      await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    });

    it('says every time is UTC, and History labels its UTC buckets as such even in a Los Angeles browser', async () => {
      await page.goto(`${t.url}/history`);
      await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
      await page.getByText(/Times in UTC: each bar is one UTC hour/).waitFor();
      await page.getByText('Day', { exact: true }).click();
      await page.getByText(/Times in UTC: each bar is one UTC day/).waitFor();
      await page.getByText('Show the numbers as a table').first().click();
      const table = page.getByRole('table', { name: /Decisions per day/ });
      await table.waitFor();
      expect(await table.getByRole('columnheader').first().textContent()).toBe('Day (UTC)');
      // The newest bucket is today in UTC, whatever the browser's zone (Los Angeles is still "yesterday" in the evening).
      const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(new Date());
      expect(await table.getByRole('rowheader').first().textContent()).toBe(today);
      const started = await table.getByRole('row').nth(1).getByRole('cell').first().textContent();
      expect(Number(started)).toBeGreaterThanOrEqual(0);
      await shot(page, `${viewport}-history-utc`);

      await page.goto(`${t.url}/accounts?idp=Cable_SSO&subject=family-42`);
      await page
        .getByText(/Times in UTC/)
        .first()
        .waitFor();
      const started42 = await page
        .getByText(/^Started \d|\d{2}:\d{2}:\d{2} UTC$/)
        .first()
        .textContent();
      expect(started42).toMatch(/UTC$/);
    });

    it('a failed request is an error state, never "Nothing denied"', async () => {
      await page.route('**/api/v1/usage/decisions**', (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({ status: 503, title: 'Service Unavailable', detail: 'The database is unreachable' }),
        }),
      );
      await page.goto(t.url);
      await page.getByRole('alert').filter({ hasText: 'Recent decisions could not be loaded' }).waitFor();
      expect(await page.getByText('Nothing denied or dismissed').count()).toBe(0);
      await shot(page, `${viewport}-live-error`);
      await page.unroute('**/api/v1/usage/decisions**');
    });

    it('Live honours the tenant picker', async () => {
      await page.goto(t.url);
      const feed = page.getByRole('list', { name: 'Recent denials and dismissals' });
      await feed.getByRole('link', { name: 'Cable_SSO / family-42' }).waitFor();
      await pickTenant(page, otherTenant.name);
      await feed.getByRole('link', { name: 'Acme_SSO / acme-7' }).waitFor();
      expect(await feed.getByRole('link', { name: 'Cable_SSO / family-42' }).count()).toBe(0);
      const apps = await page.getByRole('table', { name: 'Running per application' }).getByRole('row').allTextContents();
      expect(apps.join(' ')).toContain('Acme player');
      expect(apps.join(' ')).not.toContain('Demo application');
      await shot(page, `${viewport}-live-tenant`);
      // Back to the demo tenant for the next steps.
      await pickTenant(page, 'Demo');
      await feed.getByRole('link', { name: 'Cable_SSO / family-42' }).waitFor();
    });
  });

  describe('at a desktop size', () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await browser.newContext({ viewport: VIEWPORTS.desktop, timezoneId: 'America/Los_Angeles', bypassCSP: true });
      page = await context.newPage();
      page.setDefaultTimeout(6_000);
      await signIn(page, t.url);
    });
    afterAll(() => context?.close());

    it('rule summaries use plain words; the scope field does not look filled in', async () => {
      await page.goto(`${t.url}/policies`);
      await page.getByText('At most 2 streams per account when channel is one of news, sports; first wins').waitFor();
      await page.goto(`${t.url}/policies/new`);
      const scope = page.getByRole('combobox', { name: 'Rule 1 scope' });
      expect(await scope.getAttribute('placeholder')).toBe('Type an attribute name (e.g. channel), press Enter');
    });

    it('the simulator names the missing attribute, drops a stale result on an input error, and keeps its inputs across tabs', async () => {
      await page.goto(`${t.url}/policies/new`);
      await page.getByLabel('Policy name').fill('Devices');
      await page.getByLabel('Rule 1 name').fill('2 devices');
      await page.getByLabel('Rule 1 limit').fill('2');
      await page.getByLabel('Distinct values of an attribute').check();
      await page.getByRole('combobox', { name: 'Rule 1 attribute to count' }).fill('deviceId');
      await page.getByRole('tab', { name: 'Simulator' }).click();
      await page.getByLabel('Candidate metadata').fill('channel=news');
      await page.getByRole('button', { name: 'Simulate' }).click();
      await page.getByTestId('simulation-missing').getByText('Missing: deviceId.', { exact: false }).waitFor();
      await shot(page, 'desktop-simulator-missing');

      await page.getByLabel('Candidate metadata').fill('not a pair');
      await page.getByRole('button', { name: 'Simulate' }).click();
      await page.getByRole('alert').filter({ hasText: 'Candidate: "not a pair" is not attribute=value' }).waitFor();
      expect(await page.getByTestId('simulation-decision').count()).toBe(0);

      await page.getByRole('tab', { name: 'Rules' }).click();
      await page.getByRole('tab', { name: 'Simulator' }).click();
      expect(await page.getByLabel('Candidate metadata').inputValue()).toBe('not a pair');
      expect(await page.getByLabel('Session 1 metadata').inputValue()).toBe('channel=news, deviceId=tv');
    });

    it('asks before leaving unsaved policy edits; a new policy can be attached from its page; an attached one says why it cannot be deleted', async () => {
      // Still on the unsaved new policy: leaving asks.
      await page.getByRole('link', { name: 'Accounts' }).click();
      const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
      await leave.waitFor();
      await shot(page, 'desktop-unsaved-policy');
      await leave.getByRole('button', { name: 'Stay on this page' }).click();
      expect(await page.getByLabel('Policy name').inputValue()).toBe('Devices');

      await page.getByRole('tab', { name: 'Rules' }).click();
      await page.getByRole('button', { name: 'Create policy' }).click();
      await page.waitForURL(/\/policies\/[0-9a-f-]{36}$/);
      await page.getByText('attached to no application yet').waitFor();
      await page.getByRole('button', { name: 'attach it to an application' }).click();
      await page.getByRole('checkbox', { name: 'Demo application (demo-app)' }).check();
      await page.getByRole('button', { name: 'Save attachments' }).click();
      await page.getByText('Applications saved').waitFor();
      await page.getByText(/attached to Demo application/).waitFor();
      const id = page.url().split('/').pop()!;
      expect(await t.policies.attachedPolicyIds('demo-app')).toContain(id);

      const del = page.getByRole('button', { name: 'Delete' });
      expect(await del.isDisabled()).toBe(true);
      await page.getByText('To delete this policy, detach it from Demo application first').waitFor();
      await shot(page, 'desktop-policy-attached');

      // Saved: leaving does not ask.
      await page.getByRole('link', { name: 'Live' }).click();
      await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
      // Put demo-app back as it was.
      await t.policies.attachToApplication('demo-app', [demoPolicyId]);
    });

    it('asks before leaving unsaved application settings, and before a show-once secret closes on Escape', async () => {
      await page.goto(`${t.url}/applications/demo-app`);
      await page.getByLabel('Platform').fill('smart TV');
      await page.getByRole('link', { name: 'Policies' }).click();
      const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
      await leave.waitFor();
      await leave.getByRole('button', { name: 'Discard changes and leave' }).click();
      await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();

      await page.goto(`${t.url}/applications`);
      await page.getByRole('button', { name: 'New application' }).click();
      await page.getByLabel('Name').fill('Secret player');
      await page.getByLabel('Application id').fill('secret-player');
      const requireSecret = page.getByLabel(/Require a secret/);
      if ((await requireSecret.count()) > 0 && !(await requireSecret.isChecked())) await requireSecret.check();
      await page.getByRole('button', { name: 'Create application' }).click();
      await page.getByTestId('revealed-secret').waitFor();
      await page.keyboard.press('Escape');
      await page.getByText('Close without copying the secret?').waitFor();
      await shot(page, 'desktop-secret-escape');
      await page.getByRole('button', { name: 'Back to the secret' }).click();
      await page.getByTestId('revealed-secret').waitFor();
      await page.getByRole('button', { name: 'I have copied it' }).click();
      await page.getByTestId('revealed-secret').waitFor({ state: 'detached' });
    });

    it('the token dialog promises no Rotate; the operator form explains roles, defaults the tenant and shows every error at once', async () => {
      await page.goto(`${t.url}/admin/tokens`);
      await page.getByLabel('Token name').fill('deploy');
      await page.getByRole('button', { name: 'Create token' }).click();
      const dialog = page.getByRole('dialog', { name: 'New API token' });
      await dialog.getByTestId('revealed-secret').waitFor();
      expect(await dialog.textContent()).not.toMatch(/rotate/i);
      await dialog.getByText('Revoke this token and create a new one').waitFor();
      await dialog.getByRole('button', { name: 'I have copied it' }).click();

      await page.goto(`${t.url}/admin/operators`);
      await page.getByText('Reads one tenant; changes nothing').waitFor();
      await shot(page, 'desktop-operator-form-empty');
      expect(await page.getByRole('combobox', { name: 'Operator tenant' }).inputValue()).toBe('Demo');
      await page.getByRole('button', { name: 'Add operator' }).click();
      await page.getByText('Enter an email address, e.g. ana@example.com').waitFor();
      await page.getByText('At least 12 characters', { exact: true }).first().waitFor();
      expect(await page.locator('.mantine-InputWrapper-error').count()).toBe(2);
      await page.getByRole('combobox', { name: 'Role', exact: true }).click();
      await page.getByRole('option', { name: 'Tenant admin' }).click();
      await page.getByText("Manages one tenant's applications, policies and operators").waitFor();
      await shot(page, 'desktop-operator-form');
    });

    it('the audit log names things, and session.kill names the account; "ended by another device" reads apart from "killed by an operator"', async () => {
      await page.goto(`${t.url}/admin/audit`);
      const log = page.getByRole('table', { name: 'Audit log' });
      await log.getByText('stream of Cable_SSO / family-43 on Bedroom TV').waitFor();
      await log.getByText('policy Devices').first().waitFor();
      await shot(page, 'desktop-audit-names');

      await page.goto(`${t.url}/accounts?idp=Cable_SSO&subject=family-43`);
      const ended = page.getByRole('table', { name: 'Recently ended streams' });
      await ended.getByText('Ended by another device (New phone)').waitFor();
      await ended.getByText('Killed by an operator').waitFor();
    });
  });
});
