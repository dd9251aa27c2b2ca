// Alerts: the Cron Trigger's check, run on demand through `wrangler dev --test-scheduled`
// (GET /__scheduled?cron=...: https://developers.cloudflare.com/workers/configuration/cron-triggers/#test-cron-triggers),
// posts one alert when the emulated Zendesk refuses tickets, nothing more while it goes on, and
// one "resolved" message once it heals, to a webhook listening on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startStack, waitFor, assertLogsClean } from './harness.mjs';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';

let stack;
let hook;
const ana = '+15550951001';
const ben = '+15550951002';
const carl = '+15550951003';
const texts = ['My order never arrived, please help', 'The payment failed twice, I need help', 'My parcel is broken, please help'];
// The URL's path is the webhook's credential (as a Slack incoming webhook's is): it must never be logged.
const secretPath = `/services/T0ALERTS/${randomBytes(12).toString('hex')}`;

/** A webhook receiver on loopback: every POST it received, in order. */
function startHook() {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ at: new Date().toISOString(), method: req.method, path: req.url, contentType: req.headers['content-type'], body });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    received,
    url: `http://127.0.0.1:${server.address().port}${secretPath}`,
    close: () => new Promise((r) => server.close(r)),
  })));
}

before(async () => {
  hook = await startHook();
  stack = await startStack({
    name: 'alerts',
    testScheduled: true,
    vars: {
      ALERT_WEBHOOK_URL: hook.url,
      ALERT_WEBHOOK_FORMAT: 'slack',
      ALERT_FAILURE_MIN_COUNT: '1',
      ALERT_FAILURE_RATE_PERCENT: '50',
      ALERT_RESOLVE_AFTER_CHECKS: '1',
    },
  });
});

after(async () => {
  if (stack) {
    await stack.stop();
    assertLogsClean(stack, [ana, ben, carl]);
    assert.ok(!stack.output().includes(secretPath), "the webhook URL's credential appears in the gateway output");
  }
  if (hook) await hook.close();
});

const checkedLines = () => stack.logLines().filter((l) => l.event === 'alerts.checked');

/** Runs the scheduled handler once and returns its `alerts.checked` line (when it has finished). */
async function runCheck() {
  const before = checkedLines().length;
  const r = await fetch(`${stack.gateway.url}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
  assert.equal(r.status, 200, await r.text());
  return waitFor(() => checkedLines()[before], { what: `check #${before + 1} finished` });
}

const metrics = async () => (await fetch(`${stack.gateway.url}/admin/metrics`, { headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } })).json();
const refused = (n) => Array.from({ length: n }, () => ({ status: 401, match: 'POST /api/v2/tickets.json', body: { error: "Couldn't authenticate you" } }));

/** A customer's message, handled to its end, and counted in the metrics. */
async function sendAndCount(from, body, counted) {
  const r = await stack.send({ from, body });
  await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.done', `done ${r.messageSid}`);
  return waitFor(async () => { const m = await metrics(); return counted(m) ? m : null; }, { what: 'the metrics count it' });
}

test('Zendesk refusing tickets raises one alert, nothing more while it lasts, and one resolution when it heals', async () => {
  // The first check takes the totals (what came before it is history, not news).
  const first = await runCheck();
  assert.equal(first.posted, 0);
  assert.equal(hook.received.length, 0);

  // Zendesk refuses the API token: the ticket fails for good (no retry can help).
  stack.fault('zendesk', refused(2));
  await sendAndCount(ana, texts[0], (m) => m.failures_by_reason?.['ticket.http_401'] >= 1);
  const alerting = await runCheck();
  assert.equal(alerting.posted, 1);
  assert.deepEqual(alerting.open, ['failure_rate']);
  await waitFor(() => hook.received.length >= 1, { what: 'the alert received' });
  const alert = hook.received[0];
  assert.equal(alert.method, 'POST');
  assert.equal(alert.path, secretPath);
  assert.equal(alert.contentType, 'application/json');
  const alertText = JSON.parse(alert.body).text;
  assert.match(alertText, /^\[whatsapp-zendesk-gateway\] ALERT #\d+ since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: Customers' messages are failing\. 1 of 1 customers' messages failed since the previous check \(100%, alert at 50%\)\. Causes: ticket\.http_401 x1\.$/);

  // Still refusing: another failure, and the check posts nothing (one alert per incident).
  await sendAndCount(ben, texts[1], (m) => m.failures_by_reason?.['ticket.http_401'] >= 2);
  const during = await runCheck();
  assert.equal(during.posted, 0);
  assert.deepEqual(during.open, ['failure_rate']);
  assert.equal(hook.received.length, 1, 'no second alert during the incident');

  // Zendesk heals: a ticket is created, and the next check resolves the incident once.
  stack.fault('zendesk', []);
  await sendAndCount(carl, texts[2], (m) => m.counters?.tickets_created >= 1);
  const resolving = await runCheck();
  assert.equal(resolving.posted, 1);
  assert.deepEqual(resolving.open, []);
  await waitFor(() => hook.received.length >= 2, { what: 'the resolution received' });
  const resolution = JSON.parse(hook.received[1].body).text;
  const incident = alertText.match(/ALERT #(\d+)/)[1];
  assert.match(resolution, new RegExp(`^\\[whatsapp-zendesk-gateway\\] RESOLVED #${incident} \\(began .+Z\\): Customers' messages are failing\\. Resolved after .+: the latest check found it clear\\.$`));

  // And quiet afterwards.
  const afterwards = await runCheck();
  assert.equal(afterwards.posted, 0);
  assert.equal(hook.received.length, 2, 'exactly one alert and one resolution');

  // No phone number and no message text in what was posted.
  for (const { body } of hook.received) {
    for (const phone of [ana, ben, carl]) assert.ok(!body.includes(phone.slice(1)), 'a phone number in an alert');
    for (const t of texts) assert.ok(!body.includes(t), "a customer's text in an alert");
  }

  // The transcript, for the record (docs/alerts.md shows one).
  const dir = path.join(REPO_ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const transcript = hook.received.map((r) => ({ ...r, path: r.path.replace(/[0-9a-f]{24}$/, '<secret>') }));
  writeFileSync(path.join(dir, 'alerts-transcript.json'), `${JSON.stringify(transcript, null, 2)}\n`);
});

test("the Worker's own log lines never print a status callback's query string", async () => {
  // Twilio calls /twilio/status?c=...&m=...&k=...&f=... for every reply the gateway sent above
  // (the emulator reports sent, delivered, read): wait until the Worker logged each last one.
  const replies = stack.replies().filter((m) => m.status_callback);
  assert.ok(replies.length >= 3, 'the apologies and the confirmation were sent with a callback');
  for (const reply of replies) {
    await stack.waitForLogLine((l) => l.event === 'delivery.status' && l.reply_sid === reply.sid && l.status === 'read', `status of ${reply.sid}`);
  }
  const logged = stack.logLines().map((l) => JSON.stringify(l));
  for (const { status_callback: url } of replies) {
    const query = new URL(url).search.slice(1);
    assert.ok(/(^|&)c=/.test(query), 'the callback URL carries the conversation');
    assert.ok(!logged.some((l) => l.includes(query)), 'a status callback query string in a log line');
  }
  assert.ok(!logged.some((l) => l.includes('/twilio/status?')), 'a status callback URL in a log line');
});

test('an invalid configuration is alerted once, in the plain JSON form, by names only', async () => {
  const own = await startHook();
  const badEmail = 'not-an-address-7f3c';
  const broken = await startStack({
    name: 'alerts-config',
    testScheduled: true,
    vars: { ALERT_WEBHOOK_URL: own.url, ALERT_WEBHOOK_FORMAT: 'json', ZENDESK_EMAIL: badEmail },
  });
  try {
    const checks = () => broken.logLines().filter((l) => l.event === 'alerts.checked');
    for (const n of [1, 2]) {
      const r = await fetch(`${broken.gateway.url}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
      assert.equal(r.status, 200);
      await waitFor(() => checks().length >= n, { what: `check #${n} finished` });
    }
    assert.deepEqual(checks().map((l) => l.posted), [1, 0], 'one alert, then nothing while it lasts');
    assert.equal(own.received.length, 1);
    const alert = JSON.parse(own.received[0].body);
    assert.equal(alert.source, 'whatsapp-zendesk-gateway');
    assert.equal(alert.event, 'alert');
    assert.equal(alert.condition, 'config_invalid');
    assert.equal(alert.title, 'The configuration is invalid');
    assert.match(alert.summary, /^Missing or invalid settings: ZENDESK_EMAIL\./);
    assert.match(alert.since, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(!own.received[0].body.includes(badEmail), "a setting's value in an alert");
  } finally {
    assertLogsClean(broken);
    assert.ok(!broken.output().includes(secretPath), "the webhook URL's credential appears in the gateway output");
    await broken.stop();
    await own.close();
  }
});
