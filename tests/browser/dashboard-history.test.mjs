// The dashboard's long history in headless Chromium, with sample data: the emulator stands in
// for Analytics Engine's SQL API (`ANALYTICS_SQL_URL`), the page shows messages per day over 30
// days and the per-channel table, switches to 7 days, with no accessibility violation axe-core
// finds. Screenshot: test-artifacts/dashboard-history-30d.png (ignored by git).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, waitFor } from '../e2e/harness.mjs';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';
import { SANDBOX_ANALYTICS_TOKEN } from '../../sandbox/emulator.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const AXE = readFileSync(path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const DAY = 86_400_000;
let stack;
let browser;
let page;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({
    name: 'dashboard-history',
    vars: {
      ANALYTICS_API_TOKEN: SANDBOX_ANALYTICS_TOKEN,
      ANALYTICS_SQL_URL: (apiUrl) => `${apiUrl}/client/v4/accounts/0123456789abcdef0123456789abcdef/analytics_engine/sql`,
    },
  });
  // Sample data: a month of two channels, a bad day in the middle.
  const now = Date.now();
  const points = [];
  for (let d = 0; d < 30; d++) {
    const n = 5 + ((d * 7) % 11);
    for (let i = 0; i < n; i++) {
      const channel = i % 3 === 0 ? 'travel' : 'default';
      const failed = d === 12 ? i % 2 === 0 : i === 0 && d % 9 === 0;
      points.push({ at: now - d * DAY - i * 60_000, index1: channel, blobs: [], doubles: [1500 + i * 40, 25, 1, failed ? 1 : 0, 1] });
    }
  }
  stack.emulator.addAnalyticsPoints('wa_gateway_messages', points);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the 30-day chart and the per-channel table, then 7 days', async () => {
  await page.goto(`${stack.gateway.url}/admin#token=${stack.bindings.ADMIN_TOKEN}`);
  await page.locator('#history-charts figure svg').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('#history-note').isVisible(), false);
  assert.match(await page.locator('#history-charts svg').getAttribute('aria-label'), /Messages per day, last 30 days: \d+ finished, \d+ failed/);
  assert.equal(await page.locator('#history-charts svg rect').count() >= 30, true, 'a bar per day (and the failed parts)');
  const channels = await page.locator('#history-charts table').last().innerText();
  assert.match(channels, /default/);
  assert.match(channels, /travel/);
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document.getElementById('history'), {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help}`), [], 'no accessibility violation in the history');
  await page.locator('#history').screenshot({ path: path.join(ARTIFACTS, 'dashboard-history-30d.png') });
  await page.click('#history-range button[data-days="7"]');
  await waitFor(async () => /last 7 days/.test(await page.locator('#history-charts svg').getAttribute('aria-label') ?? ''), { what: 'the 7-day chart' });
  assert.deepEqual(await page.locator('#history-range button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-pressed'))), ['true', 'false', 'false']);
});
