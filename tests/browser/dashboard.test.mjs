// The operator's dashboard (GET /admin, a static page) in headless Chromium: sign in with the
// admin token, see the counters, the 24-hour charts and the latest messages move as customers
// write, open a message's story, search by ticket, by masked and by full number (the full one
// by POST body only), on a wide and a narrow screen, all under the page's strict
// Content-Security-Policy; a token in a link never replaces a signed-in session unasked. No
// number or message text may appear unmasked. Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, assertLogsClean, waitFor } from '../e2e/harness.mjs';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const NUMBERS = ['+15550981001', '+15550981002'];
const TEXTS = ['My parcel arrived broken, I need a replacement', 'The app shows error 500 when I pay'];
let stack;
let browser;
let page;
/** What the page asked the Worker (method, URL, headers, body), and what the CSP refused. */
const requests = [];
const violations = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`);
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({ name: 'dashboard' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url(), headers: r.headers(), body: r.postData() }));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
});

after(async () => {
  await browser?.close();
  if (stack) {
    assertLogsClean(stack, NUMBERS);
    await stack.stop();
  }
});

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
const pageText = () => page.evaluate(() => document.body.innerText);

test('sign-in asks for the token and refuses a wrong one', async () => {
  await page.goto(`${stack.gateway.url}/admin`);
  await page.locator('#signin').waitFor();
  await page.fill('#token', 'not-the-token-at-all');
  await page.click('#signin-form button');
  await page.locator('#signin-error', { hasText: 'refused' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused token is not kept');
  await shot('dashboard-signin.png');
});

test('the dashboard moves as customers write: counters, charts, latest messages, stories', async () => {
  const sids = [];
  for (const [i, from] of NUMBERS.entries()) sids.push((await stack.send({ from, body: TEXTS[i] })).messageSid);
  await stack.send({ from: NUMBERS[0], body: 'hi' });
  for (const sid of sids) await stack.waitForLogLine((l) => l.message_sid === sid && l.event === 'message.done');
  // The conversations send their counts with their alarm (up to 5 s later) and the page polls
  // every 30 s: wait until the metrics hold all three before the page's first read.
  await waitFor(async () => {
    const r = await fetch(`${stack.gateway.url}/admin/metrics`, { headers: { authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } });
    return r.ok && (await r.json()).counters?.received >= 3;
  }, { what: 'the three messages in the metrics', timeoutMs: 20_000 });
  // Signed in through the link the sandbox gives (the token in the fragment, never sent).
  await page.goto(`${stack.gateway.url}/admin#token=${stack.bindings.ADMIN_TOKEN}`);
  await waitFor(async () => (await page.evaluate(() => location.hash)) === '', { what: 'the token taken out of the address bar' });
  await page.locator('#tiles .tile', { hasText: 'messages received' }).waitFor();
  await waitFor(async () => /\b3\b/.test(await page.locator('#tiles .tile', { hasText: 'messages received' }).innerText()), { what: '3 received', timeoutMs: 20_000 });
  assert.match(await page.locator('#tiles .tile', { hasText: 'tickets created' }).innerText(), /\b2\b/);
  await waitFor(async () => /en\s+3/.test(await page.locator('#languages').innerText()), { what: 'messages by language' });
  assert.ok(await page.locator('#volume svg polyline, #volume svg circle').count() > 0, 'the volume chart has a point');
  assert.ok(await page.locator('#ack svg polyline, #ack svg circle').count() > 0, 'the latency chart has a point');
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 3, { what: 'three latest messages', timeoutMs: 20_000 });
  const text = await pageText();
  for (const n of NUMBERS) assert.ok(!text.includes(n) && !text.includes(n.slice(1)), `no full number ${n}`);
  assert.match(text, /\+1555\*\*\*1001/, 'numbers masked');
  for (const t of TEXTS) assert.ok(!text.includes(t), 'no message text');
  await shot('dashboard-wide.png');
  await page.click('#range-bar button[data-hours="1"]');
  assert.ok(await page.locator('#volume svg polyline, #volume svg circle').count() > 0, 'the last hour has the points too');
  assert.match(await page.locator('#volume svg').innerHTML(), /-15m/, 'the axis is in minutes');
  await shot('dashboard-last-hour.png');

  await page.locator('#messages tr.pick', { hasText: sids[1] }).click();
  await page.locator('#story', { hasText: '"outcome": "ticket_created"' }).waitFor({ timeout: 10_000 });
  const ticket = stack.tickets().find((t) => t.external_id === sids[1]);
  await page.fill('#query', String(ticket.id));
  await page.click('#search button');
  await page.locator('#list-title', { hasText: `Ticket #${ticket.id}` }).waitFor();
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 1, { what: 'the ticket\'s message' });
  await page.fill('#query', '+1555***1001');
  await page.click('#search button');
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 2, { what: 'the masked number\'s two messages' });
  await shot('dashboard-story-and-search.png');

  // A full number: found, and sent only in a POST body (Cloudflare keeps request URLs and
  // headers in the Worker's logs, not bodies).
  const digits = NUMBERS[1].slice(1);
  const asked = requests.length;
  await page.fill('#query', NUMBERS[1]);
  await page.click('#search button');
  await page.locator('#list-title', { hasText: 'searched (shown masked)' }).waitFor();
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 1, { what: 'the full number\'s message' });
  assert.match(await page.locator('#messages').innerText(), /\+1555\*\*\*1002/);
  const search = requests.slice(asked).filter((r) => r.body?.includes(digits));
  assert.equal(search.length, 1, 'one search request carried the number');
  assert.equal(search[0].method, 'POST');
  assert.equal(new URL(search[0].url).pathname, '/admin/messages');
  assert.deepEqual(JSON.parse(search[0].body), { customer: NUMBERS[1] });
  for (const r of requests) {
    assert.ok(!decodeURIComponent(r.url).includes(digits), `no number in ${r.url}`);
    assert.ok(!Object.values(r.headers).some((v) => v.includes(digits)), `no number in the headers of ${r.url}`);
  }
  assert.deepEqual(violations, [], 'nothing the Content-Security-Policy refused');
});

test('on a narrow screen everything stacks and nothing overflows the page', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#latest').click();
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 3, { what: 'latest again' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow}px)`);
  await shot('dashboard-narrow.png');
  await page.click('#signout');
  await page.locator('#signin').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out forgets the token');
});

test("a token in a link does not replace the signed-in session unless the operator says so", async () => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  const token = stack.bindings.ADMIN_TOKEN;
  const stored = () => page.evaluate(() => sessionStorage.getItem('wa-gateway-admin-token'));
  // Nobody signed in (the previous test signed out): the link signs in, no question asked.
  await page.goto(`${stack.gateway.url}/admin#token=${token}`);
  await page.locator('#board').waitFor();
  assert.equal(await stored(), token);
  assert.ok(await page.locator('#handover').isHidden());
  assert.equal(await page.evaluate(() => location.hash), '', 'the token left the address bar');

  // Signed in, a link with another token: asked, and the fragment is gone at once either way.
  await page.goto(`${stack.gateway.url}/admin#token=someone-elses-token`);
  await page.locator('#handover').waitFor();
  assert.equal(await page.evaluate(() => location.hash), '');
  assert.equal(await stored(), token, 'not replaced while asking');
  await shot('dashboard-handover.png');
  await page.click('#handover-keep');
  await page.locator('#handover').waitFor({ state: 'hidden' });
  assert.equal(await stored(), token, 'kept');
  assert.ok(await page.locator('#board').isVisible(), 'still signed in');

  // The same link again, by the address bar (a hash change, not a reload): asked again.
  await page.evaluate(() => { location.hash = 'token=someone-elses-token'; });
  await page.locator('#handover').waitFor();
  assert.equal(await stored(), token);
  await page.click('#handover-use');
  await waitFor(async () => (await stored()) === null || (await stored()) === 'someone-elses-token', { what: 'the new token taken' });
  // That token is not the gateway's: the API refuses it and the page asks to sign in.
  await page.locator('#signin-error', { hasText: 'refused' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(violations, [], 'nothing the Content-Security-Policy refused');
});
