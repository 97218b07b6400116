import { existsSync, mkdirSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBuiltinPreset } from '@sage/presets';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPreset } from '../src/index.js';
import { startTestGateway, type TestGateway } from './support/gateway-harness.js';

/**
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core). `.ci/run`
 * installs chromium; elsewhere the file skips without one (SAGE_CHROMIUM names another binary).
 * One browser for the file; each scenario waits on the page with generous timeouts, never sleeps.
 * SAGE_UPDATE_SCREENSHOTS=1 writes the screenshots into docs/images/dashboard/ (else a temp dir).
 */
const chromiumPath =
  process.env.SAGE_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
if (!chromiumPath && process.env.CI === 'true') {
  throw new Error('the dashboard browser tests need chromium: apt-get install -y chromium (.ci/run does it)');
}
const dashboardBuilt = existsSync(
  fileURLToPath(new URL('../../dashboard/dist/ui/index.html', import.meta.url)),
);
const screenshotDir =
  process.env.SAGE_UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../docs/images/dashboard/', import.meta.url))
    : join(tmpdir(), 'sage-dashboard-screenshots');
const WAIT = { timeout: 30_000 };

/**
 * The browser globals the page functions below touch (this package's tsconfig has no DOM lib).
 * Those functions run in the page, so they cast `globalThis` inline instead of calling a helper.
 */
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface PageGlobals {
  sessionStorage: { length: number };
  document: { querySelector(selector: string): PageElement | null };
  MutationObserver: new (callback: () => void) => { observe(target: PageElement, options: object): void };
  seenStates: string[];
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } })
      .axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

describe.skipIf(!chromiumPath || !dashboardBuilt)('the dashboard in a browser', () => {
  let harness: TestGateway;
  let browser: Browser;
  let page: Page;
  let engineIds: Record<'chat' | 'embed', string>;

  beforeAll(async () => {
    harness = await startTestGateway(41);
    // The `local` preset's two engines, on the fake engine (the tiny sage engines are slower).
    const local = getBuiltinPreset('local');
    const applied = await applyPreset(harness.gateway.manager, {
      ...local,
      engines: local.engines.map((engine) => ({ ...engine, backend: 'fake' })),
    });
    const idOf = (model: string) =>
      applied.engines.find((engine) => engine.modelId === model)?.engineId ?? '';
    engineIds = { chat: idOf('sage/tiny-chat'), embed: idOf('sage/tiny-embed') };
    browser = await chromium.launch({
      executablePath: chromiumPath as string,
      headless: true,
      args: [
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-background-networking',
        '--disable-dev-shm-usage',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('refuses a wrong key and stays on the sign-in form', async () => {
    await page.goto(`${harness.url}/ui`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Admin key or local admin token').fill('sage-local-wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /Refused: .*admin token/ })
      .waitFor(WAIT);
    await screenshot(page, 'login-refused');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.length)).toBe(0);
    expect(page.url()).not.toContain('sage-local');
  });

  it('signs in and shows the two engines of local RUNNING, without serious accessibility violations', async () => {
    await page.getByLabel('Admin key or local admin token').fill(harness.gateway.adminToken ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (const engineId of Object.values(engineIds)) {
      await page.locator(`tr[data-engine-id="${engineId}"][data-state="RUNNING"]`).waitFor(WAIT);
    }
    const chatRow = page.locator(`tr[data-engine-id="${engineIds.chat}"]`);
    expect(await chatRow.textContent()).toContain('sage/tiny-chat');
    expect(page.url()).not.toContain(harness.gateway.adminToken ?? '-');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'engines');
  });

  it('turns a killed engine RESTARTING then RUNNING, live, without a reload', async () => {
    await page.evaluate((engineId) => {
      const page = globalThis as unknown as PageGlobals;
      const seen: string[] = [];
      page.seenStates = seen;
      const row = page.document.querySelector(`tr[data-engine-id="${engineId}"]`) as PageElement;
      new page.MutationObserver(() => {
        const state = row.dataset.state ?? '';
        if (seen.at(-1) !== state) seen.push(state);
      }).observe(row, { attributes: true, attributeFilter: ['data-state'] });
    }, engineIds.chat);
    const pid = harness.gateway.manager.getEngine(engineIds.chat).pid as number;
    process.kill(pid, 'SIGKILL');
    await page.waitForFunction(
      () => {
        const seen = (globalThis as unknown as PageGlobals).seenStates;
        return seen.includes('RESTARTING') && seen.at(-1) === 'RUNNING';
      },
      undefined,
      WAIT,
    );
    const seen = await page.evaluate(() => (globalThis as unknown as PageGlobals).seenStates);
    expect(seen.indexOf('RESTARTING')).toBeLessThan(seen.lastIndexOf('RUNNING'));
    const row = page.locator(`tr[data-engine-id="${engineIds.chat}"]`);
    expect(await row.locator('td').nth(7).textContent()).toBe('1'); // restarts
    expect(await row.textContent()).toContain('SIGKILL');
  });

  it('starts an engine from the form, and shows the API error naming a wrong field', async () => {
    await page.getByText('Start an engine', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Start an engine' });
    await form.getByLabel('Model', { exact: true }).fill('fake/from-the-form');
    await form.getByLabel('Backend').fill('fake');
    await form.getByLabel('Use a GPU').selectOption('false');
    await form.getByLabel('Max concurrent requests').fill('-3');
    await form.getByRole('button', { name: 'Start engine' }).click();
    await form.getByRole('alert').filter({ hasText: 'Not started' }).waitFor(WAIT);
    expect(await form.getByLabel('Max concurrent requests').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'start-form-error');
    await form.getByLabel('Max concurrent requests').fill('');
    await form.getByRole('button', { name: 'Start engine' }).click();
    await form.getByRole('status').filter({ hasText: 'Started' }).waitFor(WAIT);
    const started = harness.gateway.manager
      .listEngines()
      .find((engine) => engine.modelId === 'fake/from-the-form');
    expect(started).toBeDefined();
    await page.locator(`tr[data-engine-id="${started?.engineId}"][data-state="RUNNING"]`).waitFor(WAIT);
    await screenshot(page, 'start-form');
  });

  it('moves the traffic chart with a burst of requests', async () => {
    await page.getByRole('link', { name: 'Traffic' }).click();
    const chart = page.locator('[data-chart="requests"] svg');
    await chart.waitFor(WAIT);
    expect(Number(await chart.getAttribute('data-max'))).toBeLessThan(1);
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        harness.client.chat.completions.create({
          model: 'sage/tiny-chat',
          messages: [{ role: 'user', content: `burst ${index}` }],
          max_tokens: 4,
        }),
      ),
    );
    await page.waitForFunction(
      () =>
        Number(
          (globalThis as unknown as PageGlobals).document
            .querySelector('[data-chart="requests"] svg')
            ?.getAttribute('data-max'),
        ) >= 1,
      undefined,
      WAIT,
    );
    // The page polls every second: the burst may straddle two polls.
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector('[data-stat="requests"] strong')
          ?.textContent === '12',
      undefined,
      WAIT,
    );
    await page.locator('tr[data-model="sage/tiny-chat"]').waitFor(WAIT);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'traffic');
  });

  it('follows an engine log as new lines arrive, as text', async () => {
    await page.getByRole('link', { name: 'Engines' }).click();
    await page
      .locator(`tr[data-engine-id="${engineIds.embed}"]`)
      .getByRole('button', { name: 'Log' })
      .click();
    const log = page.getByLabel('Engine log');
    await page
      .getByRole('status')
      .filter({ hasText: `Following ${engineIds.embed}` })
      .waitFor(WAIT);
    const logPath = harness.gateway.manager.getEngine(engineIds.embed).logPath as string;
    await appendFile(logPath, 'dashboard-follow-1 <img src=x onerror="document.title=1">\n');
    await log.getByText('dashboard-follow-1', { exact: false }).waitFor(WAIT);
    await appendFile(logPath, 'dashboard-follow-2\n');
    await log.getByText('dashboard-follow-2').waitFor(WAIT);
    expect(await log.locator('img').count()).toBe(0);
    expect(await page.title()).toBe('sageLLM dashboard');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'logs');
  });

  it('shows GPUs and the presets with their plan before applying, without serious violations', async () => {
    await page.getByRole('link', { name: 'GPUs' }).click();
    await page.locator('[data-gpu-index="0"]').waitFor(WAIT);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'gpus');
    await page.getByRole('link', { name: 'Presets & models' }).click();
    await page.getByRole('button', { name: 'Apply local…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply preset local?' });
    await dialog.waitFor(WAIT);
    expect(await dialog.getByRole('table').textContent()).toContain('sage/tiny-embed');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'presets');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
  });

  it('asks before stopping an engine, then stops it', async () => {
    await page.getByRole('link', { name: 'Engines' }).click();
    const row = page.locator(`tr[data-engine-id="${engineIds.embed}"]`);
    await row.getByRole('button', { name: 'Stop' }).click();
    const dialog = page.getByRole('dialog', { name: `Stop ${engineIds.embed}?` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(harness.gateway.manager.getEngine(engineIds.embed).status).toBe('RUNNING');
    await row.getByRole('button', { name: 'Stop' }).click();
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await page.locator(`tr[data-engine-id="${engineIds.embed}"][data-state="STOPPED"]`).waitFor(WAIT);
  });
});
