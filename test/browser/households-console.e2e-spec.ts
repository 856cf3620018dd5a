import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const EMAIL = 'households-admin@example.test';
const PASSWORD = 'households-password-123';

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/**
 * Households in the console, in a real Chromium against the real server: the rule builder makes a
 * device-registration rule and offers network attributes; the account page lists the registered devices and the
 * networks, removes a device (its stream ends) and sets the home network; an admin sees and sets each tenant's own home
 * network (issue 24).
 */
describeWithChromium('Households and devices in the console (Chromium)', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp({ adapter: 'express', env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD, CM_TRUST_PROXY: 'loopback' } });
    browser = await launchChromium(executablePath);
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
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

  it('builds a device-registration rule and offers the network attributes', async () => {
    await page.goto(`${t.url}/policies/new`);
    await page.getByLabel('Policy name').fill('Household');
    await page.getByLabel('Rule 1 name').fill('3 devices');
    await page.getByText('Registered devices', { exact: true }).click();
    await page.getByLabel('Rule 1 device limit').fill('3');
    await page.getByLabel('Rule 1 removals allowed').fill('2');
    await page.getByLabel('Rule 1 removal window (days)').fill('30');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 2 name').fill('one stream away');
    await page.getByRole('button', { name: 'Add condition to rule 2' }).click();
    const attribute = page.getByRole('combobox', { name: 'Condition 1 attribute' });
    await attribute.click();
    await page.getByRole('option', { name: 'network.home' }).click();
    await page.getByLabel('Condition 1 value').fill('false');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.waitForURL(/\/policies\/[0-9a-f-]{36}$/);
    const policyId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'Household' }).waitFor();
    expect(await page.getByTestId('rule-summary-0').textContent()).toBe(
      'At most 3 registered devices per account (by deviceId); viewers may remove 2 every 30 days',
    );
    await shot(page, '30-policy-households');
    expect((await t.policies.get(policyId)).rules).toEqual([
      { type: 'device-registration', name: '3 devices', limit: 3, by: 'deviceId', swap: { max: 2, windowDays: 30 } },
      { name: 'one stream away', limit: 1, where: [{ attribute: 'network.home', op: 'eq', value: 'false' }], onConflict: 'reject' },
    ]);

    // The simulator takes the account's registered devices: a fourth device is denied with the device-limit advice.
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByLabel("The account's registered devices").fill('tv=Living room TV, tablet=Tablet, phone=Phone');
    await page.getByLabel('Session 1 metadata').fill('channel=news, deviceId=tv');
    await page.getByLabel('Session 2 metadata').fill('channel=news, deviceId=tablet');
    await page.getByLabel('Candidate metadata').fill('channel=news, deviceId=laptop');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const decision = page.getByTestId('simulation-decision');
    await decision.waitFor();
    expect(await decision.textContent()).toBe('deny');
    expect(await page.getByTestId('simulation-devices').textContent()).toContain(
      'device laptop not registered and the register is full: denied (device-limit) (3 of 3 registered)',
    );
    const body = JSON.parse((await page.getByTestId('simulation-body').textContent())!);
    expect(body.associatedAdvice[0]).toMatchObject({ type: 'device-limit', ruleName: '3 devices', threshold: 3 });
    expect(body.associatedAdvice[0].devices.map((d: { name: string }) => d.name)).toEqual(['Living room TV', 'Tablet', 'Phone']);
    await shot(page, '33-policy-simulator-devices');
    await page.getByLabel("The account's registered devices").fill('tv=Living room TV, laptop');
    await page.getByRole('button', { name: 'Simulate' }).click();
    await page.getByTestId('simulation-decision').getByText('admit').waitFor();
    expect(await page.getByTestId('simulation-devices').textContent()).toContain(
      'device laptop already registered: plays (2 of 3 registered)',
    );
  });

  it('shows the account devices and networks, removes a device (its stream ends) and sets the home network', async () => {
    const { application } = await givenApplication(t, [{ type: 'device-registration', name: '2 devices', limit: 2 }]);
    const cm = player(t.url, application.id);
    const tv = await cm.init(
      'idp',
      'family',
      { deviceId: 'tv-1', deviceName: 'Living room TV', platform: 'tvOS' },
      { 'x-forwarded-for': '81.2.69.142' },
    );
    expect(tv.status).toBe(202);
    expect((await cm.init('idp', 'family', { deviceId: 'phone-1', deviceName: 'Phone' }, { 'x-forwarded-for': '8.8.8.8' })).status).toBe(
      202,
    );

    await page.goto(`${t.url}/accounts?idp=idp&subject=family`);
    const devices = page.getByRole('table', { name: 'Registered devices' });
    await devices.getByText('Living room TV').waitFor();
    await devices.getByText('Phone', { exact: true }).waitFor();
    const networks = page.getByRole('table', { name: 'Networks of the last 30 days' });
    await networks.getByText('81.2.69.0/24').waitFor();
    await networks.getByText('AS15169').waitFor();
    await shot(page, '31-account-devices');

    await page.getByRole('button', { name: 'Remove device Living room TV' }).click();
    await page.getByRole('button', { name: 'Remove device', exact: true }).click();
    // The row leaves the table once the server removed the device (a toast says so too, but toasts fade).
    await devices.getByText('Living room TV').waitFor({ state: 'detached', timeout: 20_000 });
    const hb = await cm.heartbeat('idp', 'family', tv.body.sessionId);
    expect(hb.status).toBe(410);
    expect(hb.body.associatedAdvice[0]).toMatchObject({ type: 'device-removed', removedBy: 'operator' });
    await page.getByText('Its device was removed from the account').waitFor();

    await page.getByLabel('Set the home network').fill('8.8.8.8');
    await page.getByRole('button', { name: 'Set home' }).click();
    await page.getByText('Home network set to 8.8.8.8').waitFor();
    await page.getByText('(set by an operator)').waitFor();
    await shot(page, '32-account-home-network');
  });

  it("shows an admin each tenant's own home network and sets one tenant's only", async () => {
    const a = await givenApplication(t, [{ name: 'cap 5', limit: 5 }], { tenantSlug: 'homes-a' });
    const b = await givenApplication(t, [{ name: 'cap 5', limit: 5 }], { tenantSlug: 'homes-b' });
    expect((await player(t.url, a.application.id).init('idp', 'two-homes', {}, { 'x-forwarded-for': '81.2.69.142' })).status).toBe(202);
    expect((await player(t.url, b.application.id).init('idp', 'two-homes', {}, { 'x-forwarded-for': '8.8.8.8' })).status).toBe(202);

    await page.goto(`${t.url}/accounts?idp=idp&subject=two-homes`);
    const ofA = page.getByRole('region', { name: 'Networks of homes-a' });
    const ofB = page.getByRole('region', { name: 'Networks of homes-b' });
    await ofA.getByRole('table').getByText('81.2.69.0/24').waitFor();
    await ofB.getByRole('table').getByText('8.8.8.0/24').waitFor();
    expect(await ofA.getByRole('table').getByText('8.8.8.0/24').count()).toBe(0);

    await page.getByLabel('Set the home network (homes-b)').fill('8.8.4.4');
    await page.getByRole('button', { name: 'Set home (homes-b)' }).click();
    await page.getByText('Home network (homes-b) set to 8.8.4.4').waitFor();
    await ofB.getByText('(set by an operator)').waitFor();
    expect(await ofA.getByText('(most playback over 30 days)').count()).toBe(1);
    await shot(page, '33-account-home-networks-per-tenant');
  });
});
