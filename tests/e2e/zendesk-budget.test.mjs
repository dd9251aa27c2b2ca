// The account's Zendesk API budget (docs/zendesk-budget.md): every conversation's Zendesk calls
// draw on one budget, a 429 pauses them all, and a burst against a limited Zendesk wastes few
// calls. Runs with the default budget (half the limit Zendesk names; the harness's own
// unpaced setting is removed).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';

const DETAILED = 'My order arrived broken and I need a replacement';
const CREATE = 'POST /api/v2/tickets.json';

describe('the account-wide Zendesk budget', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555061');
  before(async () => { stack = await startStack({ name: 'zendesk-budget', vars: { ZENDESK_API_BUDGET_PER_MIN: null } }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const metrics = async () => {
    const r = await fetch(`${stack.gateway.url}/admin/metrics`, { headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } });
    assert.equal(r.status, 200);
    return r.json();
  };
  const creates = (since) => stack.requests('zendesk').filter((r) => r.at >= since && `${r.method} ${r.path}` === CREATE);

  test('40 customers at once against 120 creates a minute: 40 tickets once, few 429s, drained near N/R', async () => {
    const N = 40;
    const R = 120;
    stack.emulator.setRateLimit({ perMinute: R, burst: 10 });
    const started = Date.now();
    const sent = await Promise.all(Array.from({ length: N }, async () => {
      const from = customer();
      const r = await stack.send({ from, body: DETAILED });
      assert.equal(r.status, 200);
      return { from, sid: r.messageSid };
    }));
    await waitFor(() => sent.every(({ from }) => stack.replies(`whatsapp:${from}`).length >= 1), { what: 'all replies', timeoutMs: 120_000 });
    const drained = Date.now() - started;
    stack.emulator.setRateLimit({});
    for (const { from, sid } of sent) {
      assert.equal(stack.tickets().filter((t) => t.external_id === sid).length, 1, sid);
      assert.equal(stack.replies(`whatsapp:${from}`).length, 1, from);
    }
    const calls = creates(started);
    const refused = calls.filter((q) => q.status === 429).length;
    console.log(`# ${N} customers: ${calls.length} create calls, ${refused} answered 429, drained in ${(drained / 1000).toFixed(1)} s (N/R = ${(N / R) * 60} s)`);
    assert.ok(refused <= 0.1 * calls.length, `${refused} of ${calls.length} create calls answered 429`);
    // 1.2 x N/R, and a few seconds for the runtime on a loaded machine.
    assert.ok(drained <= 1.2 * (N / R) * 60_000 + 4_000, `drained in ${drained} ms; N/R = ${(N / R) * 60} s`);
    const budget = (await metrics()).zendesk_budget;
    assert.ok(budget.granted >= N, JSON.stringify(budget));
  });

  test('a 429 pauses every conversation until its Retry-After ends, not only the one that got it', async () => {
    const before = (await metrics()).zendesk_budget.pauses;
    stack.fault('zendesk', [{ match: CREATE, status: 429, retryAfter: 10 }]);
    const first = customer();
    const started = Date.now();
    const r = await stack.send({ from: first, body: DETAILED });
    assert.equal(r.status, 200);
    await waitFor(() => creates(started).find((q) => q.status === 429), { what: 'the create refused' });
    // The refusal reaches the budget at once (well inside its 10 s), not with the retry.
    await waitFor(async () => (await metrics()).zendesk_budget.pauses > before, { what: 'the 429 reported at once', timeoutMs: 5_000 });
    const refused = creates(started).find((q) => q.status === 429);
    const others = [customer(), customer(), customer()];
    const sids = [];
    for (const from of others) sids.push((await stack.send({ from, body: DETAILED })).messageSid);
    await waitFor(() => [first, ...others].every((f) => stack.replies(`whatsapp:${f}`).length === 1), { what: 'all four answered', timeoutMs: 60_000 });
    // No Zendesk call of any conversation inside the pause.
    const inside = stack.requests('zendesk').filter((q) => q.at > refused.at && q.at < refused.at + 10_000 - 100);
    assert.deepEqual(inside.map((q) => `${q.method} ${q.path}`), [], 'calls made during the pause');
    for (const sid of sids) assert.equal(stack.tickets().filter((t) => t.external_id === sid).length, 1, sid);
    const m = await metrics();
    assert.ok(m.counters.zendesk_429s >= 1, JSON.stringify(m.counters));
    assert.ok(m.counters.zendesk_calls >= 4, JSON.stringify(m.counters));
  });
});
