// The dashboard's long history (docs/dashboard.md, "History"): the Worker reads Workers
// Analytics Engine's SQL API (here the emulator's stand-in on loopback, `ANALYTICS_SQL_URL`)
// with the read token, and `GET /admin/history` answers the daily series and the per-channel
// breakdown; without the token it says the history is not readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { SANDBOX_ANALYTICS_TOKEN } from '../../sandbox/emulator.mjs';

const ADMIN = { Authorization: 'Bearer test-admin-token-0123456789' };
const DAY = 86_400_000;

test('the 30-day series and the per-channel breakdown come from the SQL API, read with the token', async () => {
  const stack = await startStack({
    name: 'history',
    vars: {
      ANALYTICS_API_TOKEN: SANDBOX_ANALYTICS_TOKEN,
      // Replaces Cloudflare's URL; the token goes only there.
      ANALYTICS_SQL_URL: (apiUrl) => `${apiUrl}/client/v4/accounts/0123456789abcdef0123456789abcdef/analytics_engine/sql`,
    },
  });
  try {
    const now = Date.now();
    const point = (daysAgo, channel, { failed = false, ms = 2000, ack = 30 } = {}) => ({
      at: now - daysAgo * DAY,
      index1: channel,
      blobs: [failed ? 'failed' : 'ticket_created', 'en', failed ? '' : 'normal', failed ? 'ticket.http_422' : '', channel],
      doubles: [ms, ack, 1, failed ? 1 : 0, 1],
    });
    stack.emulator.addAnalyticsPoints('wa_gateway_messages', [
      point(0, 'default'), point(0, 'default', { failed: true, ms: 4000 }),
      point(3, 'travel'), point(12, 'default'),
      point(45, 'default'), // outside 30 days
    ]);
    const res = await fetch(`${stack.gateway.url}/admin/history?days=30`, { headers: ADMIN });
    assert.equal(res.status, 200);
    const h = await res.json();
    assert.equal(h.available, true, JSON.stringify(h));
    assert.equal(h.days, 30);
    assert.equal(h.series.length, 30, 'every day of the period');
    const today = new Date(now).toISOString().slice(0, 10);
    assert.deepEqual(h.series.at(-1), { day: today, messages: 2, failed: 1, end_to_end_ms_avg: 3000, ack_ms_avg: 30 });
    assert.equal(h.series.reduce((t, d) => t + d.messages, 0), 4, 'the point 45 days ago is outside');
    assert.deepEqual(h.channels.map((c) => [c.channel, c.messages, c.failed]), [['default', 3, 1], ['travel', 1, 0]]);
    // The SQL API was asked with the read token; the browser's answer never holds it.
    const asked = stack.requests('analytics');
    assert.equal(asked.length, 2);
    for (const r of asked) assert.equal(r.headers.authorization, `Bearer ${SANDBOX_ANALYTICS_TOKEN}`);
    assert.ok(!JSON.stringify(h).includes(SANDBOX_ANALYTICS_TOKEN));
    // Cached per isolate: a second read in the same minutes asks nothing.
    const again = await (await fetch(`${stack.gateway.url}/admin/history?days=30`, { headers: ADMIN })).json();
    assert.deepEqual(again, h);
    assert.equal(stack.requests('analytics').length, 2);
    // Another period, a bad period, and no admin token.
    const week = await (await fetch(`${stack.gateway.url}/admin/history?days=7`, { headers: ADMIN })).json();
    assert.equal(week.series.length, 7);
    assert.equal((await fetch(`${stack.gateway.url}/admin/history?days=365`, { headers: ADMIN })).status, 400);
    assert.equal((await fetch(`${stack.gateway.url}/admin/history?days=30`)).status, 401);
  } finally {
    await stack.stop();
  }
});

test('without the read token the history says it is not readable', async () => {
  const stack = await startStack({ name: 'history-off' });
  try {
    const res = await fetch(`${stack.gateway.url}/admin/history`, { headers: ADMIN });
    assert.equal(res.status, 200);
    const h = await res.json();
    assert.equal(h.available, false);
    assert.equal(h.reason, 'no_read_token');
    assert.match(h.note, /ANALYTICS_API_TOKEN/);
    assert.equal(stack.requests('analytics').length, 0);
  } finally {
    await stack.stop();
  }
});
