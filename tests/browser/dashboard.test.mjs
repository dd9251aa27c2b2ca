// The operator's dashboard (GET /admin, a static page) in headless Chromium: sign in with the
// admin token, see the counters (each saying the period it counts), the 24-hour charts and the
// latest messages move as customers write, open a message's story (a timeline in local time,
// tickets linked to Zendesk's agent view) by keyboard, search by ticket, by masked and by full
// number (the full one by POST body only), download the list and the series as CSV, on a wide
// and a narrow screen, all under the page's strict Content-Security-Policy and with no
// accessibility violation axe-core finds (WCAG 2.2 AA); a token in a link never replaces a
// signed-in session unasked. No number or message text may appear unmasked. Screenshots go to
// test-artifacts/ (ignored by git).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
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
/** The second customer's ticket, once the test that makes it has found it. */
let secondTicketId;
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
    await stack.stop();
    assertLogsClean(stack, NUMBERS);
  }
});

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
const pageText = () => page.evaluate(() => document.body.innerText);
const AXE = readFileSync(path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.2 A/AA rules on the page as it is; fails on any violation, naming each
 * rule and the elements it found. axe is evaluated by the test (DevTools), not added as a
 * <script>: the page's Content-Security-Policy rightly refuses inline scripts.
 */
async function assertAccessible(what) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  }));
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`).join('\n    ')}`);
  assert.deepEqual(found, [], `accessibility violations on ${what}`);
  assert.ok(result.passes.length > 10, `axe ran its rules on ${what}`);
  return result;
}

test('sign-in asks for the token and refuses a wrong one', async () => {
  await page.goto(`${stack.gateway.url}/admin`);
  await page.locator('#signin').waitFor();
  await page.fill('#token', 'not-the-token-at-all');
  await page.click('#signin-form button');
  await page.locator('#signin-error', { hasText: 'refused' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused token is not kept');
  // Signed out, the board is not shown under the sign-in card (hidden, not just empty).
  assert.ok(await page.locator('#board').isHidden(), 'no board while signed out');
  assert.ok(await page.locator('#tiles').isHidden());
  assert.equal(await page.locator('text=At a glance').count() && await page.locator('text=At a glance').isVisible(), false);
  await assertAccessible('the sign-in card');
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
  // Each tile says what period it counts.
  assert.match(await page.locator('#tiles .tile', { hasText: 'messages received' }).innerText(), /since \S/);
  assert.match(await page.locator('#tiles .tile', { hasText: 'retries pending' }).innerText(), /\bnow\b/);
  assert.match(await page.locator('#tiles .tile', { hasText: 'ack p50' }).innerText(), /latest \d+ messages?/);
  await waitFor(async () => /en\s+3/.test(await page.locator('#languages').innerText()), { what: 'messages by language' });
  // The account's Zendesk budget: the limit the emulator names (400, half of it the budget's
  // default unless set) and the calls the three messages made.
  await waitFor(async () => /Zendesk calls made\s+[1-9]/.test(await page.locator('#budget').innerText()), { what: 'the Zendesk budget' });
  assert.match(await page.locator('#budget').innerText(), /account limit Zendesk names\s+400/);
  assert.ok(await page.locator('#volume svg polyline, #volume svg circle').count() > 0, 'the volume chart has a point');
  assert.ok(await page.locator('#ack svg polyline, #ack svg circle').count() > 0, 'the latency chart has a point');
  // Each chart is named and has its figures as a table.
  for (const id of ['volume', 'ack', 'e2e']) {
    assert.match(await page.locator(`#${id} figure svg`).getAttribute('aria-label'), /per minute: \d+ minutes? with activity/);
    assert.ok(await page.locator(`#${id} figure details table tbody tr`).count() >= 1, `${id} has a data table`);
  }
  // The history is asked after the figures and answers on its own: until then the note says
  // "Loading the history…" (visible too), so the note's words are waited for, not its visibility.
  await page.locator('#history-note', { hasText: /Analytics Engine history is (not available|written but not readable).*Showing the last 24 hours/ }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#history-note').isVisible(), true, 'the page says where longer history is not available');
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 3, { what: 'three latest messages', timeoutMs: 20_000 });
  const text = await pageText();
  for (const n of NUMBERS) assert.ok(!text.includes(n) && !text.includes(n.slice(1)), `no full number ${n}`);
  assert.match(text, /\+1555\*\*\*1001/, 'numbers masked');
  for (const t of TEXTS) assert.ok(!text.includes(t), 'no message text');
  await assertAccessible('the board');
  await shot('dashboard-wide.png');
  const toggles = '#range-bar button[data-hours]';
  assert.deepEqual(await page.locator(toggles).evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-pressed'))), ['false', 'true']);
  await page.click('#range-bar button[data-hours="1"]');
  assert.deepEqual(await page.locator(toggles).evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-pressed'))), ['true', 'false'], 'the toggle says its state, not by colour alone');
  assert.ok(await page.locator('#volume svg polyline, #volume svg circle').count() > 0, 'the last hour has the points too');
  assert.match(await page.locator('#volume svg').innerHTML(), /-15m/, 'the axis is in minutes');
  await shot('dashboard-last-hour.png');

  // An agent answers the second customer's ticket twice; Twilio cannot deliver the second.
  const ticket = stack.tickets().find((t) => t.external_id === sids[1]);
  secondTicketId = ticket.id;
  await stack.emulator.agentComments(ticket.id, 'A replacement is on its way.');
  await waitFor(async () => (await (await stack.admin(sids[1])).json()).agent_replies?.[0]?.status === 'sent', { what: 'the agent reply sent' });
  stack.emulator.failNextDelivery(30008);
  await stack.emulator.agentComments(ticket.id, 'Could you send a photo of the parcel?');
  await waitFor(async () => (await (await stack.admin(sids[1])).json()).agent_replies?.[1]?.delivery === 'undelivered', { what: 'the second agent reply undelivered' });
  // The ticket column links to the agent's view of the ticket in Zendesk.
  const zendeskTicket = `https://${stack.bindings.ZENDESK_DOMAIN}/agent/tickets/${ticket.id}`;
  await waitFor(async () => (await page.locator(`#messages a[href="${zendeskTicket}"]`).count()) === 1, { what: 'the ticket linked in the list' });
  // Every row is opened by keyboard: its MessageSid is a button (Tab to it, Enter or Space).
  await page.locator('#messages button', { hasText: sids[0] }).focus();
  // A refresh redraws the rows (every 30 s): the keyboard user keeps their place on the same
  // message's new button. The old button is marked; the refresh is asked without moving focus.
  await page.evaluate(() => { document.activeElement.dataset.before = 'refresh'; document.getElementById('refresh-now').click(); });
  await waitFor(async () => (await page.locator('#messages button[data-before]').count()) === 0, { what: 'the rows redrawn' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.sid), sids[0], 'the focus stayed on the message');
  // The first story's answer is held back: the operator opens it and moves on to the next row
  // before it arrives; when it does, it must not take the focus (and with it their Enter).
  let release;
  const held = new Promise((r) => { release = r; });
  let storyAsked = false;
  const storyUrl = `**/admin/messages/${sids[0]}`;
  await page.route(storyUrl, async (route) => { storyAsked = true; await held; await route.continue(); });
  await page.keyboard.press('Space');
  await page.locator('#story-title', { hasText: sids[0] }).waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'story-title', 'opening a story takes the focus to it at once');
  await page.locator('#messages button', { hasText: sids[1] }).focus();
  await waitFor(() => storyAsked, { what: 'the first story asked' });
  release();
  await page.locator('#story-events li.step').first().waitFor({ timeout: 10_000 });
  await page.unroute(storyUrl);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.sid), sids[1], 'a story that arrives late leaves the focus where the operator moved it');
  await page.keyboard.press('Enter');
  await page.locator('#story-title', { hasText: sids[1] }).waitFor({ timeout: 10_000 });
  await page.locator('#story-events li', { hasText: `Ticket #${ticket.id} created` }).waitFor({ timeout: 10_000 });
  const story = await page.locator('#story-events').innerText();
  assert.match(story, /Received from \+1555\*\*\*1002, \d+ characters\./);
  assert.match(story, /Triaged in language "en"\./);
  assert.match(story, /Sent the confirmation with the ticket number on WhatsApp\./);
  assert.match(story, /Twilio reported no failure delivering it/);
  assert.match(story, new RegExp(`An agent replied on #${ticket.id}; sent to the customer\\.`));
  assert.match(story, new RegExp(`An agent replied on #${ticket.id}; sent to the customer, not delivered: Twilio reports it undelivered \\(Twilio error 30008\\)\\. The agents were told by an internal note on the ticket\\.`));
  assert.match(story, /Finished \(done\) [\d.]+ s after it arrived, in \d+ attempts?\./);
  assert.ok(!/[{}"]outcome|\b1\d{12}\b/.test(story), 'no raw JSON, no epoch milliseconds');
  assert.equal(await page.locator('#story-events a').first().getAttribute('href'), zendeskTicket);
  assert.equal(await page.locator('#story-events a').first().getAttribute('rel'), 'noopener noreferrer');
  // Times in the viewer's local time, with a machine-readable datetime.
  const view = await (await stack.admin(sids[1])).json();
  const first = page.locator('#story-events time').first();
  assert.equal(await first.getAttribute('datetime'), new Date(view.received_at_ms).toISOString());
  assert.equal(await first.innerText(), await page.evaluate((ms) => new Date(ms).toLocaleString(), view.received_at_ms));
  await assertAccessible('the board with a story open');
  await page.locator('#story').screenshot({ path: path.join(ARTIFACTS, 'dashboard-story.png') });

  // A new search clears the story at once.
  await page.fill('#query', String(ticket.id));
  await page.click('#search button');
  assert.ok(await page.locator('#story').isHidden(), 'the previous story is gone');
  assert.equal(await page.locator('#story-events li').count(), 0);
  await page.locator('#list-title', { hasText: `Ticket #${ticket.id}` }).waitFor();
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 1, { what: 'the ticket\'s message' });
  await page.fill('#query', '+1555***1001');
  await page.click('#search button');
  await waitFor(async () => (await page.locator('#messages tr.pick').count()) === 2, { what: 'the masked number\'s two messages' });
  await shot('dashboard-search.png');

  // The list as CSV, made in the page: a cell that a spreadsheet would run as a formula (the
  // masked number starts with +) is prefixed with a quote.
  const [listFile] = await Promise.all([page.waitForEvent('download'), page.click('#export-messages')]);
  const listCsv = readFileSync(await listFile.path(), 'utf8').split('\r\n');
  assert.match(listCsv[0], /^received_utc,message_sid,customer,status,outcome,/);
  assert.equal(listCsv.filter((l) => l).length, 3, 'a header and the two messages');
  assert.ok(listCsv.slice(1, 3).every((l) => l.split(',')[2] === "'+1555***1001"), listCsv.join('\n'));
  const [seriesFile] = await Promise.all([page.waitForEvent('download'), page.click('#export-series')]);
  const seriesCsv = readFileSync(await seriesFile.path(), 'utf8').split('\r\n');
  assert.match(seriesCsv[0], /^minute_utc,received,tickets_created,/);
  assert.ok(seriesCsv.slice(1).some((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z,[1-9]/.test(l)), seriesCsv.join('\n'));

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
  // Each message's status is on screen, labelled, without scrolling sideways.
  for (const cell of await page.locator('#messages tr.pick td[data-label="status"]').all()) {
    const box = await cell.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `status within the screen (${JSON.stringify(box)})`);
    assert.equal(await cell.innerText(), 'done');
    assert.equal(await cell.evaluate((td) => getComputedStyle(td, '::before').content), '"status"', 'labelled');
  }
  await page.locator('#messages tr.pick button').first().click();
  await page.locator('#story-events time').first().waitFor();
  await assertAccessible('the narrow layout');
  await shot('dashboard-narrow.png');
  await page.click('#signout');
  await page.locator('#signin').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out forgets the token');
});

/**
 * Makes `tab` count its own requests to /admin/ as it makes them (`window.adminCalls.asked`),
 * and each as settled once its answer is read, or at once for a 401 or a failure (`settled`):
 * the page goes on from there (draws, sets its next timer) before anything else runs, so once
 * the two counts match, whatever the page does with the answers is done. The browser's own
 * request events reach the test later, and how much later depends on the machine's load.
 */
function countAdminCalls(tab) {
  return tab.addInitScript(() => {
    const calls = { asked: 0, settled: 0 };
    window.adminCalls = calls;
    const fetch = window.fetch;
    window.fetch = function (input, init) {
      const answer = fetch.call(this, input, init);
      if (!new URL(input instanceof Request ? input.url : input, location.href).pathname.startsWith('/admin/')) return answer;
      calls.asked++;
      const done = () => { calls.settled++; };
      return answer.then((r) => {
        if (r.status === 401) { done(); return r; } // the page signs out at once, reads nothing
        const json = r.json.bind(r);
        r.json = () => json().finally(done);
        return r;
      }, (e) => { done(); throw e; });
    };
  });
}

test('a search answered after a later one does not replace its list', async () => {
  // The second customer's ticket (one message), from the test above; the masked first
  // number has two messages.
  const ticket = { id: secondTicketId };
  assert.ok(ticket.id, 'the test above found the second customer\'s ticket');
  const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await countAdminCalls(tab);
  await tab.goto(`${stack.gateway.url}/admin#token=${stack.bindings.ADMIN_TOKEN}`);
  await tab.locator('#messages tr.pick').first().waitFor();
  let release;
  const held = new Promise((r) => { release = r; });
  const ticketUrl = `**/admin/messages?ticket=${ticket.id}`;
  await tab.route(ticketUrl, async (route) => { await held; await route.continue(); });
  await tab.fill('#query', String(ticket.id));
  await tab.click('#search button');
  await tab.locator('#list-title', { hasText: `Ticket #${ticket.id}` }).waitFor();
  await tab.fill('#query', '+1555***1001');
  await tab.click('#search button');
  await waitFor(async () => (await tab.locator('#messages tr.pick').count()) === 2, { what: 'the masked number\'s two messages' });
  release();
  await waitFor(async () => { const c = await tab.evaluate(() => window.adminCalls); return c.asked === c.settled; }, { what: 'the held answer read' });
  await tab.unroute(ticketUrl);
  assert.match(await tab.locator('#list-title').innerText(), /Customer \+1555\*\*\*1001/);
  assert.equal(await tab.locator('#messages tr.pick').count(), 2, 'the later search\'s list stays');
  await tab.close();
});

test('left open, the page asks less while nothing changes, and nothing while the tab is hidden', async () => {
  // A tab of its own with a fake clock: 30 minutes pass in seconds. The figures are the
  // refreshes (GET /admin/overview); what each costs in Durable Object requests is measured by
  // scripts/dashboard-cost.mjs (docs/dashboard.md).
  // Quiet from when the page's figures are the gateway's: the Worker answers the page from an
  // overview it keeps up to 20 s (OVERVIEW_CACHE_MS), read before the test above made the agent's
  // replies. Its next copy has them: read late in the quiet half hour (when depends on how fast
  // the tests before ran), that change rightly starts the backoff over, and the page does not
  // say 5 min. So wait until the overview says what the metrics (never cached) say.
  const read = async (p) => (await fetch(`${stack.gateway.url}${p}`, { headers: { authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } })).json();
  const figures = (m) => JSON.stringify([m?.counters, m?.failures_by_reason, m?.retries_pending]);
  await waitFor(async () => figures((await read('/admin/overview')).metrics) === figures(await read('/admin/metrics')), { what: 'the overview up to date with the metrics', timeoutMs: 40_000 });
  const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  let started = 0, finished = 0;
  const admin = (r) => new URL(r.url()).pathname.startsWith('/admin/');
  tab.on('request', (r) => { if (admin(r)) started++; });
  for (const e of ['requestfinished', 'requestfailed']) tab.on(e, (r) => { if (admin(r)) finished++; });
  // The page's own count (a timer's refresh calls fetch within the clock's step, before
  // runFor answers), beside the browser's events above.
  await countAdminCalls(tab);
  /** Every request the page made is answered, its answer read, and seen by the test. */
  const settled = () => waitFor(async () => {
    const { asked, settled: answered } = await tab.evaluate(() => window.adminCalls);
    return asked === answered && started === asked && finished === asked;
  }, { what: 'the refresh answered' });
  const pass = async (ms) => { for (let t = 0; t < ms; t += 30_000) { await tab.clock.runFor(30_000); await settled(); } };
  await tab.clock.install();
  await tab.goto(`${stack.gateway.url}/admin#token=${stack.bindings.ADMIN_TOKEN}`);
  await tab.locator('#tiles .tile').first().waitFor();
  await settled();
  const first = started;
  await pass(30 * 60_000);
  const quiet = started - first;
  assert.ok(quiet >= 4 && quiet <= 12, `${quiet} refreshes in 30 quiet minutes (requests to /admin; every 30 s would be 60)`);
  assert.match(await tab.locator('#updated').innerText(), /next update in 5 min \(quiet\)/);

  const setVisibility = (state) => tab.evaluate((s) => {
    for (const [name, value] of [['visibilityState', s], ['hidden', s === 'hidden']]) Object.defineProperty(document, name, { configurable: true, get: () => value });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
  await setVisibility('hidden');
  const hiddenFrom = started;
  await pass(30 * 60_000);
  assert.equal(started - hiddenFrom, 0, 'nothing asked while the tab is hidden');
  await setVisibility('visible');
  await settled();
  assert.equal(started - hiddenFrom, 1, 'shown again: one refresh at once');
  await tab.close();
});

test("a token in a link does not replace the signed-in session unless the operator says so", async () => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  const token = stack.bindings.ADMIN_TOKEN;
  const stored = () => page.evaluate(() => sessionStorage.getItem('wa-gateway-admin-token'));
  // Nobody signed in (the previous test signed out): the link signs in, no question asked.
  // The board's first refresh is held back until the operator has taken another token below:
  // a refresh still on its way with the old token must not stand in for one with the new.
  let release;
  const held = new Promise((r) => { release = r; });
  let overviewAsked = 0;
  await page.route('**/admin/overview', async (route) => { overviewAsked++; await held; await route.continue(); });
  await page.goto(`${stack.gateway.url}/admin#token=${token}`);
  await page.locator('#board').waitFor();
  await waitFor(() => overviewAsked === 1, { what: 'the first refresh asked' });
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
  assert.equal(overviewAsked, 1, 'the first refresh is still on its way');
  release();
  // That token is not the gateway's: the API refuses it and the page asks to sign in (at once,
  // not at the next timed refresh 30 s later).
  await page.locator('#signin-error', { hasText: 'refused' }).waitFor({ timeout: 10_000 });
  await page.unroute('**/admin/overview');
  assert.equal(overviewAsked, 2, 'asked again with the new token');
  assert.ok(await page.locator('#board').isHidden(), 'signed out: no board');
  assert.deepEqual(violations, [], 'nothing the Content-Security-Policy refused');
});
