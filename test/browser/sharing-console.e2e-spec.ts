import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const EMAIL = 'sharing-admin@example.test';
const PASSWORD = 'sharing-password-123';

/**
 * Real addresses the IP databases place far apart (the backend's e2e, test/e2e/sharing.e2e-spec.ts, documents them):
 * Orange (AS3215) in Paris and Telstra (AS1221) in Sydney, both home lines.
 */
const PARIS = '80.8.12.34';
const SYDNEY = '58.160.12.34';

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/**
 * The Sharing page in a real Chromium against the real server: sharing signals made through the player API (a trusted
 * proxy, X-Forwarded-For from Paris then Sydney a moment later), the list with the score and the evidence, the
 * account's evidence and timeline of both cities, and the operator's actions: kill a stream, remove a device, mark
 * the account reviewed (it leaves the list of accounts to review). Screenshots in light and dark.
 */
describeWithChromium('Sharing in the console (Chromium)', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let paris: { sessionId: string };
  let sydney: { sessionId: string };
  let appId: string;
  const subject = `traveller-${Math.random().toString(16).slice(2, 8)}`;
  const cm = () => player(t.url, appId);

  beforeAll(async () => {
    t = await startTestApp({ adapter: 'fastify', env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD, CM_TRUST_PROXY: 'loopback' } });
    const { application } = await givenApplication(
      t,
      [
        { type: 'device-registration', name: '3 devices', limit: 3 },
        { name: 'cap 10', limit: 10 },
      ],
      // In the Demo tenant: the Sharing page lists the tenant picked in the header (Demo, the first by name).
      { appName: 'Travel app', tenantSlug: 'demo' },
    );
    appId = application.id;
    const first = await cm().init('idp', subject, { deviceId: 'tv', deviceName: 'Living room TV' }, { 'x-forwarded-for': PARIS });
    const second = await cm().init('idp', subject, { deviceId: 'phone', deviceName: 'Phone' }, { 'x-forwarded-for': SYDNEY });
    expect([first.status, second.status]).toEqual([202, 202]);
    paris = first.body;
    sydney = second.body;
    // One household only: no signal, so not listed by default.
    expect((await cm().init('idp', 'homebody', { deviceId: 'tv' }, { 'x-forwarded-for': PARIS })).status).toBe(202);

    browser = await launchChromium(executablePath);
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(t.url);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live' }).waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const table = () => page.getByRole('table', { name: 'Accounts with sharing signals' });
  const row = () =>
    table()
      .getByRole('row')
      .filter({ hasText: `idp / ${subject}` });

  /** Scores are computed off the player path, in batches: the list shows the account within a few seconds. */
  async function waitForListed(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      if ((await row().count()) > 0) return;
      await page.waitForTimeout(500);
      await page.reload();
      await page.getByRole('heading', { name: 'Sharing', level: 1 }).waitFor();
    }
    await row().waitFor();
  }

  it('lists the account with its colour-graded score and top evidence; filters, empty state and CSV work', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sharing' }).click();
    await page.getByRole('heading', { name: 'Sharing', level: 1 }).waitFor();
    await waitForListed();
    const score = row().getByTestId('sharing-score');
    expect(await score.textContent()).toBe('55');
    expect(await score.getAttribute('aria-label')).toBe('Score 55 of 100, elevated');
    const text = (await row().textContent())!;
    expect(text).toContain('Impossible travel (+25)');
    expect(text).toMatch(/Started in Sydney, AU .* after a start in Paris, FR/);
    expect(text).toContain('+2 more signals');
    expect(text).toContain('Needs review');
    // The single-household account is not listed (score 0)...
    expect(await table().getByText('idp / homebody').count()).toBe(0);
    expect(await page.getByTestId('sharing-range').textContent()).toBe('1–1 of 1 account');
    await shot(page, '40-sharing-list');

    // ... until the minimum score is 0.
    await page.getByRole('combobox', { name: 'Minimum score' }).click();
    await page.getByRole('option', { name: 'Every account that played (0 and up)' }).click();
    await table().getByText('idp / homebody').waitFor();
    expect(page.url()).toContain('minScore=0');
    await page.getByRole('combobox', { name: 'Minimum score' }).click();
    await page.getByRole('option', { name: '75 and up' }).click();
    await page.getByText('No account matches these filters').waitFor();
    await shot(page, '41-sharing-empty');
    await page.getByRole('combobox', { name: 'Minimum score' }).click();
    await page.getByRole('option', { name: 'Any signal (1 and up)' }).click();
    await row().waitFor();

    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toContain('format=csv');
    const csv = await context.request.get(`${t.url}${href}`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^idp,subject,tenantId,tenantName,score,/);
    expect(lines.some((l) => l.startsWith(`idp,${subject},`) && l.includes(',55,'))).toBe(true);
  });

  it('shows every piece of evidence and a timeline with both cities; kills a stream and removes a device', async () => {
    await row()
      .getByRole('link', { name: `idp / ${subject}` })
      .click();
    await page.getByRole('heading', { name: `idp / ${subject}`, level: 1 }).waitFor();
    const evidence = page.getByTestId('sharing-evidence');
    await evidence.waitFor();
    const said = (await evidence.textContent())!;
    expect(said).toContain('Impossible travel');
    expect(said).toContain('+25');
    expect(said).toContain('Streams at once on several networks');
    expect(said).toContain('Countries in 24 hours');
    expect(said).toContain('Played from 2 countries in 24 hours');
    expect(said).toMatch(/From: Paris, FR at .* — 80\.8\.12\.34 \(80\.8\.12\.0\/24\), AS3215 Orange/);
    expect(said).toMatch(/To: Sydney, AU at .* — 58\.160\.12\.34 \(58\.160\.12\.0\/24\), AS1221 Telstra/);

    const timeline = page.getByRole('table', { name: 'Timeline of starts' });
    const sydneyRow = timeline.getByTestId(`timeline-${sydney.sessionId}`);
    const parisRow = timeline.getByTestId(`timeline-${paris.sessionId}`);
    expect(await sydneyRow.textContent()).toMatch(/phone.*Sydney, AU.*58\.160\.12\.0\/24.*58\.160\.12\.34.*AS1221 Telstra.*Running/);
    expect(await parisRow.textContent()).toMatch(/tv.*Paris, FR.*80\.8\.12\.0\/24.*80\.8\.12\.34.*AS3215 Orange.*Running/);
    await shot(page, '42-sharing-account');

    // Kill the Paris stream: confirmed, acknowledged, and the player learns it at its next heartbeat.
    await parisRow.getByRole('button', { name: 'Kill the stream on tv in Paris, FR' }).click();
    await page.getByRole('dialog').getByText('ends now').waitFor();
    await page.getByRole('button', { name: 'Kill stream', exact: true }).click();
    await page.getByText('Stream on tv in Paris, FR killed').waitFor();
    await parisRow.getByText(/^(Killed|Ended)$/).waitFor();
    const beat = await cm().heartbeat('idp', subject, paris.sessionId);
    expect(beat.status).toBe(410);
    // Once the server recorded the end, the timeline says ended (after a refresh too).
    for (let i = 0; i < 20 && !/Ended/.test((await parisRow.textContent()) ?? ''); i++) {
      await page.waitForTimeout(500);
      await page.reload();
      await parisRow.waitFor();
    }
    expect(await parisRow.textContent()).toContain('Ended');
    expect(await sydneyRow.textContent()).toContain('Running');

    // Remove the phone from the registered devices: its stream ends too.
    const devices = page.getByRole('table', { name: 'Registered devices' });
    await devices.getByText('Phone', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove device Phone' }).click();
    await page.getByRole('button', { name: 'Remove device', exact: true }).click();
    await page.getByText('Device Phone removed').waitFor();
    await devices.getByText('Phone', { exact: true }).waitFor({ state: 'detached', timeout: 20_000 });
    await sydneyRow.getByText(/^(Device removed|Ended)$/).waitFor();
    expect(await sydneyRow.getByRole('button', { name: /Kill/ }).count()).toBe(0);
    const removed = await cm().heartbeat('idp', subject, sydney.sessionId);
    expect(removed.status).toBe(410);
    expect(removed.body.associatedAdvice[0]).toMatchObject({ type: 'device-removed', removedBy: 'operator' });
  });

  it('marks the account reviewed with a note: it leaves the accounts to review, and shows as reviewed', async () => {
    await page.getByRole('button', { name: 'Mark reviewed' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark this account reviewed?' });
    await dialog.getByLabel('Note (optional)').fill('Travels for work; called the customer');
    await shot(page, '43-sharing-review-dialog');
    await dialog.getByRole('button', { name: 'Mark reviewed' }).click();
    await page.getByText(`idp / ${subject} marked reviewed at score 55`).waitFor();
    const review = page.getByTestId('sharing-review');
    await review.getByText('Reviewed', { exact: true }).waitFor();
    expect(await review.textContent()).toContain(EMAIL);
    expect(await review.textContent()).toContain('Travels for work; called the customer');

    await page.getByRole('link', { name: 'Back to sharing' }).click();
    await page.getByText('Nothing to review').waitFor();
    await page.getByLabel('Show reviewed accounts').click();
    await row().waitFor();
    expect(await row().textContent()).toContain('Reviewed');
    await shot(page, '44-sharing-reviewed');
  });

  it('reads well in dark mode and on a phone', async () => {
    const dark = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      colorScheme: 'dark',
      storageState: await context.storageState(),
    });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${t.url}/sharing?reviewed=all`);
    await darkPage.getByRole('table', { name: 'Accounts with sharing signals' }).getByText(`idp / ${subject}`).waitFor();
    await shot(darkPage, '45-sharing-list-dark');
    await darkPage.getByRole('link', { name: `idp / ${subject}` }).click();
    await darkPage.getByTestId('sharing-evidence').waitFor();
    await shot(darkPage, '46-sharing-account-dark');
    await dark.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
    const phonePage = await phone.newPage();
    await phonePage.goto(`${t.url}/sharing?reviewed=all`);
    // On a phone each account is a card, read top to bottom, and the page never scrolls sideways.
    const card = phonePage
      .getByRole('list', { name: 'Accounts with sharing signals' })
      .getByRole('listitem')
      .filter({ hasText: `idp / ${subject}` });
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Last 24 hours: 2 networks, 2 countries/);
    expect(await phonePage.getByRole('table', { name: 'Accounts with sharing signals' }).count()).toBe(0);
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(phonePage, '47-sharing-list-phone');
    await card.click();
    await phonePage.getByTestId('sharing-evidence').waitFor();
    await phone.close();
  });
});
