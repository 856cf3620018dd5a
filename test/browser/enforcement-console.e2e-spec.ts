import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { player, startTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium, SCREENSHOTS } from './chromium';

const EMAIL = 'enforcement-admin@example.test';
const PASSWORD = 'enforcement-password-123';

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/**
 * The console's pages for playback tokens and entitlements in a real Chromium against the real server: the
 * application page switches both on, the signing keys page rotates, the rule builder takes a limit from a claim.
 */
describeWithChromium('Enforcement settings in the console (Chromium)', (executablePath) => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp({ adapter: 'express', env: { CM_ADMIN_EMAIL: EMAIL, CM_ADMIN_PASSWORD: PASSWORD } });
    browser = await launchChromium(executablePath);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
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

  it('switches playback tokens on for an application', async () => {
    await page.goto(`${t.url}/applications/demo-app`);
    await page.getByRole('heading', { name: 'Playback tokens' }).waitFor();
    // The switch saves at once: it shows the server's state once the change is stored.
    await page.getByRole('switch', { name: 'Sign playback tokens' }).click();
    await page.getByText('Playback tokens enabled').waitFor();
    await page.getByText(`${t.url}/.well-known/jwks.json`).first().waitFor();
    expect((await t.applications.get('demo-app')).playbackTokens).toEqual({ enabled: true });
  });

  it('configures entitlements: a private key is refused beside the field, public keys are saved', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    await page.getByRole('switch', { name: 'Require entitlement tokens' }).check();
    await page.getByLabel('Issuer').fill('https://id.example.com');
    await page.getByLabel('Audience').fill('concurrency-monitor');
    await page.getByLabel('JWKS', { exact: true }).fill(JSON.stringify({ keys: [await exportJWK(privateKey)] }));
    await page.getByRole('button', { name: 'Save entitlements' }).click();
    await page.getByText(/private or symmetric key/).waitFor();
    expect((await t.applications.get('demo-app')).entitlements).toBeNull();

    const publicJwk = await exportJWK(publicKey);
    await page.getByLabel('JWKS', { exact: true }).fill(JSON.stringify({ keys: [publicJwk] }));
    await page.getByRole('button', { name: 'Save entitlements' }).click();
    await page.getByText('Entitlements saved').waitFor();
    await shot(page, '20-application-enforcement');
    expect((await t.applications.get('demo-app')).entitlements).toEqual({
      issuer: 'https://id.example.com',
      audience: 'concurrency-monitor',
      jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x }] },
    });
    // Players of the application now need a token.
    const cm = player(t.url, 'demo-app');
    let answer = await cm.init('idp', 'console-check');
    for (let i = 0; i < 30 && answer.status === 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await cm.init('idp', `console-check-${i}`);
    }
    expect(answer.status).toBe(401);
    expect(answer.body.reason).toBe('missing');
  });

  it('rotates the signing key from the signing keys page', async () => {
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    const table = page.getByRole('table', { name: 'Signing keys' });
    await table.getByText('active', { exact: true }).waitFor();
    expect(await table.getByRole('row').count()).toBe(2);
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate key' }).click();
    await table.getByText('retired', { exact: true }).waitFor();
    expect(await table.getByRole('row').count()).toBe(3);
    await shot(page, '21-signing-keys');
  });

  it('builds a rule whose limit comes from a claim, offering claim attributes', async () => {
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('link', { name: 'New policy' }).click();
    await page.getByLabel('Policy name').fill('Plan screens');
    await page.getByLabel('Rule 1 name').fill('screens of the plan');
    await page.getByLabel('Rule 1 limit').fill('2');
    await page.getByLabel('Rule 1: take the limit from an entitlement claim').check();
    await page.getByLabel('Rule 1 claim giving the limit').fill('screens');
    await page.getByLabel('Rule 1 maximum limit').fill('6');
    await page.getByLabel('Distinct values of an attribute').check();
    const countBy = page.getByRole('combobox', { name: 'Rule 1 attribute to count' });
    await countBy.click();
    await page.getByRole('option', { name: 'claims.screens' }).waitFor();
    await countBy.fill('claims.hou');
    await countBy.fill('claims.household');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.waitForURL(/\/policies\/[0-9a-f-]{36}$/);
    const policyId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'Plan screens' }).waitFor();
    expect(await page.getByTestId('rule-summary-0').textContent()).toBe(
      'At most the screens claim (≤ 6), else 2, distinct claims.household per account; first wins',
    );
    await shot(page, '22-policy-claim-limit');
    expect((await t.policies.get(policyId)).rules).toEqual([
      { name: 'screens of the plan', limit: 2, limitClaim: 'screens', maxLimit: 6, countBy: 'claims.household', onConflict: 'reject' },
    ]);

    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByLabel('Session 1 metadata').fill('claims.household=h1, claims.screens=2');
    await page.getByLabel('Session 2 metadata').fill('claims.household=h2, claims.screens=2');
    await page.getByLabel('Candidate metadata').fill('claims.household=h3, claims.screens=2');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const decision = page.getByTestId('simulation-decision');
    await decision.waitFor();
    expect(await decision.textContent()).toBe('deny');
    expect(JSON.parse((await page.getByTestId('simulation-body').textContent())!).associatedAdvice[0].threshold).toBe(2);
  });
});
