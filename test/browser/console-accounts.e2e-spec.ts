import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';
import { call, uniqueEmail } from '../support/management';
import { describeWithChromium, launchChromium } from './chromium';

const ADMIN = 'console-accounts-admin@example.test';
const ADMIN_PASSWORD = 'console-accounts-password-1';

/** Whether the server takes this email and password (an HTTP login, as a script would try it). */
async function canSignIn(t: TestApp, email: string, password: string): Promise<boolean> {
  return (await call(t, 'POST', '/auth/login', { email, password })).status === 200;
}

async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The scheme Mantine applies to the page (its CSS variables follow this attribute). */
const scheme = (page: Page) => page.evaluate(() => document.documentElement.getAttribute('data-mantine-color-scheme'));

/**
 * Operators' own accounts in the console, in a real Chromium against the real server: changing one's password,
 * an admin resetting another operator's (a one-time password shown once, then changed at first sign-in), and the
 * light/dark appearance that follows the system until chosen.
 */
describeWithChromium('Console: my password, password resets, dark mode', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async (options: { colorScheme?: 'light' | 'dark' } = {}) => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    return page;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { CM_ADMIN_EMAIL: ADMIN, CM_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    browser = await launchChromium(executablePath);
  }, 60_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('an operator changes their own password on My account: a wrong current one is named, the new one works, the old one no longer does', async () => {
    const email = uniqueEmail('self');
    const oldPassword = `old-${randomBytes(8).toString('hex')}`;
    const newPassword = `new-${randomBytes(8).toString('hex')}`;
    const admin = await call(t, 'POST', '/auth/login', { email: ADMIN, password: ADMIN_PASSWORD });
    const cookie = (admin.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await call(t, 'POST', '/operators', { email, password: oldPassword, role: 'admin' }, { cookie, origin: t.url })).status).toBe(
      201,
    );

    const page = await newPage();
    await signIn(page, t.url, email, oldPassword);
    await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    expect(await page.title()).toBe('My account · Concurrency Monitor');

    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel(/^Current password/).fill('not-my-password');
    await form.getByLabel(/^New password(?! again)/).fill(newPassword);
    await form.getByLabel(/^New password again/).fill(newPassword);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('This is not your current password').waitFor();
    expect(await canSignIn(t, email, oldPassword)).toBe(true);

    // Two different new passwords are caught before the server is asked.
    await form.getByLabel(/^Current password/).fill(oldPassword);
    await form.getByLabel(/^New password again/).fill(`${newPassword}-typo`);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('The two new passwords differ').waitFor();

    await form.getByLabel(/^New password again/).fill(newPassword);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed').waitFor();
    expect(await form.getByLabel(/^Current password/).inputValue()).toBe('');
    expect(await canSignIn(t, email, oldPassword)).toBe(false);
    expect(await canSignIn(t, email, newPassword)).toBe(true);
    // This browser stays signed in.
    await page.reload();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
  });

  it('an admin resets a viewer’s password from Operators; the viewer signs in with it once and must choose their own', async () => {
    const tenant = await t.tenants.create({ slug: `t-${randomBytes(3).toString('hex')}`, name: 'Reset tenant' });
    const email = uniqueEmail('viewer');
    const original = `orig-${randomBytes(8).toString('hex')}`;
    const admin = await call(t, 'POST', '/auth/login', { email: ADMIN, password: ADMIN_PASSWORD });
    const cookie = (admin.headers.get('set-cookie') ?? '').split(';')[0];
    const created = await call(
      t,
      'POST',
      '/operators',
      { email, password: original, role: 'viewer', tenantId: tenant.id },
      { cookie, origin: t.url },
    );
    expect(created.status).toBe(201);

    const page = await newPage();
    await signIn(page, t.url, ADMIN, ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
    await page.goto(`${t.url}/admin/operators`);
    await page.getByRole('heading', { name: 'Operators', level: 1 }).waitFor();
    await page.getByRole('button', { name: `Reset password of ${email}` }).click();
    const confirm = page.getByRole('dialog', { name: "Reset this operator's password?" });
    expect(await confirm.textContent()).toContain('one-time password, shown to you once');
    await confirm.getByRole('button', { name: 'Reset password' }).click();

    const reveal = page.getByRole('dialog', { name: `One-time password for ${email}` });
    const oneTime = (await reveal.getByTestId('revealed-secret').textContent())!.trim();
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await reveal.waitFor({ state: 'hidden' });
    expect(await canSignIn(t, email, original)).toBe(false);

    // The viewer, in their own browser: the one-time password lets them in only to choose a new one.
    const viewer = await newPage();
    await signIn(viewer, t.url, email, oneTime);
    await viewer.getByRole('heading', { name: 'Choose a new password', level: 1 }).waitFor();
    expect(await viewer.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    const mine = `mine-${randomBytes(8).toString('hex')}`;
    await viewer.getByLabel(/^One-time password/).fill(oneTime);
    await viewer.getByLabel(/^New password(?! again)/).fill(mine);
    await viewer.getByLabel(/^New password again/).fill(mine);
    await viewer.getByRole('button', { name: 'Change password' }).click();
    await viewer.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
    expect(await canSignIn(t, email, oneTime)).toBe(false);
    expect(await canSignIn(t, email, mine)).toBe(true);
  });

  it('follows the system’s dark or light setting until toggled; the choice stays after a reload and System gives it back', async () => {
    const dark = await newPage({ colorScheme: 'dark' });
    await dark.goto(t.url);
    await dark.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await scheme(dark)).toBe('dark');
    const background = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);

    const page = await newPage({ colorScheme: 'light' });
    await signIn(page, t.url, ADMIN, ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Live', level: 1 }).waitFor();
    expect(await scheme(page)).toBe('light');
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(light).not.toBe(background);

    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    expect(await scheme(page)).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(background);
    await page.reload();
    await page.getByRole('button', { name: 'Switch to light mode' }).waitFor();
    expect(await scheme(page)).toBe('dark');

    // My account offers System again: the page follows the (light) system once more.
    await page.goto(`${t.url}/me`);
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByText('System', { exact: true }).click();
    await page.getByRole('button', { name: 'Switch to dark mode' }).waitFor();
    expect(await scheme(page)).toBe('light');
  });
});
