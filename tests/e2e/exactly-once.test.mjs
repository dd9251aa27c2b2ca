// Exactly once, in order, through any fault: the proofs of the durable design, each against
// the real Worker in wrangler dev with its Durable Objects persisted (--persist-to).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, newMessageSid, sleep, phoneBook } from './harness.mjs';

const DETAILED = 'My order arrived broken and I need a replacement';
const CREATE = 'POST /api/v2/tickets.json';

describe('exactly once', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555030');
  before(async () => { stack = await startStack({ name: 'exactly-once' }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const ticketsFor = (sid) => stack.tickets().filter((t) => t.external_id === sid);
  const done = (sid, timeoutMs = 15_000) =>
    waitFor(() => stack.logLines().find((l) => l.message_sid === sid && l.event === 'message.done'), { what: `message.done ${sid}`, timeoutMs });

  test('the same MessageSid three times in a row: one ticket, one reply', async () => {
    const from = customer();
    const messageSid = newMessageSid();
    for (let i = 0; i < 3; i++) {
      const r = await stack.send({ from, body: DETAILED, messageSid });
      assert.equal(r.status, 200);
    }
    await done(messageSid);
    await sleep(500); // a late duplicate would show up here
    assert.equal(ticketsFor(messageSid).length, 1);
    assert.equal(stack.replies(`whatsapp:${from}`).length, 1);
    const dups = stack.logLines().filter((l) => l.message_sid === messageSid && l.event === 'message.duplicate');
    assert.equal(dups.length, 2);
  });

  test('the same MessageSid five times at once: one ticket, one reply', async () => {
    const from = customer();
    const messageSid = newMessageSid();
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.send({ from, body: DETAILED, messageSid })));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
    await done(messageSid);
    await sleep(500);
    assert.equal(ticketsFor(messageSid).length, 1);
    assert.equal(stack.replies(`whatsapp:${from}`).length, 1);
  });

  test('ten messages through Zendesk 500 x2, 429 x2 (Retry-After 1), 503 x2: ten tickets, none twice', async () => {
    stack.fault('zendesk', [
      { status: 500, match: CREATE }, { status: 500, match: CREATE },
      { status: 429, retryAfter: 1, match: CREATE }, { status: 429, retryAfter: 1, match: CREATE },
      { status: 503, match: CREATE }, { status: 503, match: CREATE },
    ]);
    const sent = [];
    for (let i = 0; i < 10; i++) {
      const from = customer();
      const r = await stack.send({ from, body: `${DETAILED} (order ${i})` });
      assert.equal(r.status, 200);
      sent.push({ from, sid: r.messageSid });
    }
    for (const { sid } of sent) await done(sid, 30_000);
    for (const { from, sid } of sent) {
      assert.equal(ticketsFor(sid).length, 1, sid);
      assert.equal(stack.replies(`whatsapp:${from}`).length, 1, from);
    }
    assert.equal(stack.emulator.state.faults.zendesk.length, 0, 'every fault was met');
  });

  test('Zendesk creating the ticket but answering after our timeout: one ticket', async () => {
    stack.fault('zendesk', [{ afterEffectDelayMs: 3000, match: CREATE }]);
    const from = customer();
    const { messageSid } = await stack.send({ from, body: DETAILED });
    await done(messageSid);
    assert.equal(ticketsFor(messageSid).length, 1);
    const creates = stack.requests('zendesk').filter((r) => r.headers['idempotency-key'] === messageSid);
    assert.equal(creates.length, 2, 'retried with the same Idempotency-Key');
    const replay = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'zendesk.ticket_created');
    assert.equal(replay.idempotency_lookup, 'hit', 'Zendesk replayed the first create');
    assert.equal(stack.replies(`whatsapp:${from}`).length, 1);
  });

  test('three quick messages from one customer: one ticket with two comments, in order, by the requester', async () => {
    const from = customer();
    const bodies = ["I can't log in to the customer portal since this morning", 'thanks', 'It also fails on my phone'];
    const sids = [];
    for (const body of bodies) sids.push((await stack.send({ from, body })).messageSid);
    for (const sid of sids) await done(sid);
    const tickets = stack.tickets().filter((t) => t.requester.email === `${from}@whatsapp.zendesk.com`);
    assert.equal(tickets.length, 1);
    const [t] = tickets;
    assert.deepEqual(t.comments.map((c) => c.body), bodies, '"thanks" is a comment, not a rejection');
    assert.ok(t.comments.every((c) => c.author_id === t.requester_id && c.public));
    assert.deepEqual(stack.replies(`whatsapp:${from}`).map((m) => m.body), [`Ticket #${t.id} created: '${t.subject}'. We'll get back to you soon.`]);
    const puts = stack.requests('zendesk').filter((r) => r.method === 'PUT' && r.path === `/api/v2/tickets/${t.id}.json`);
    assert.equal(puts.length, 2);
  });

  test('a closed ticket starts a follow-up; a solved one is reopened by the comment', async () => {
    const from = customer();
    const first = await stack.send({ from, body: DETAILED });
    await done(first.messageSid);
    const [t] = ticketsFor(first.messageSid);
    await fetch(`${stack.apiUrl}/__sandbox/tickets/${t.id}/status`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'solved' }) });
    const second = await stack.send({ from, body: 'It is broken again today' });
    await done(second.messageSid);
    assert.equal(stack.tickets().find((x) => x.id === t.id).status, 'open', 'reopened');
    assert.equal(stack.tickets().find((x) => x.id === t.id).comments.at(-1).body, 'It is broken again today');

    await fetch(`${stack.apiUrl}/__sandbox/tickets/${t.id}/status`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'closed' }) });
    const third = await stack.send({ from, body: 'ok' });
    await done(third.messageSid);
    const follow = ticketsFor(third.messageSid);
    assert.equal(follow.length, 1, 'a follow-up ticket');
    assert.equal(follow[0].via_followup_source_id, t.id);
    assert.equal(follow[0].comments[0].body, 'ok', 'a follow-up is never rejected by triage');
    const replies = stack.replies(`whatsapp:${from}`).map((m) => m.body);
    assert.equal(replies.length, 2);
    assert.match(replies[1], new RegExp(`^Ticket #${follow[0].id} created`));
  });

  test('GET /admin/messages/{sid}: 401 without the token, 404 when unknown, the message\'s story otherwise', async () => {
    const from = customer();
    stack.fault('zendesk', [{ status: 503, match: CREATE }]);
    const { messageSid } = await stack.send({ from, body: DETAILED });
    await done(messageSid);
    const anonymous = await stack.admin(messageSid, null);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await stack.admin(messageSid, 'wrong-token-0123456789')).status, 401);
    assert.equal((await stack.admin('SM00000000000000000000000000000000')).status, 404);
    assert.equal((await stack.admin('not%20a%20sid')).status, 400);
    const r = await stack.admin(messageSid);
    assert.equal(r.status, 200);
    const view = await r.json();
    const [t] = ticketsFor(messageSid);
    assert.equal(view.message_sid, messageSid);
    assert.equal(view.status, 'done');
    assert.equal(view.outcome, 'ticket_created');
    assert.equal(view.ticket.ticket_id, t.id);
    assert.equal(view.reply.state, 'sent');
    assert.ok(view.reply.sid.startsWith('SM'));
    assert.equal(view.attempts, 3, 'failed create, create, reply');
    assert.match(view.last_error, /503/);
    assert.equal(view.customer, `${from.slice(0, 5)}***${from.slice(-4)}`);
    assert.ok(!JSON.stringify(view).includes(from), 'no full number');
  });
});

describe('restart and rate limits', () => {
  let stack;
  const phones = [];
  before(async () => { stack = await startStack({ name: 'durable' }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  test('the Worker killed while messages are pending, started again on the same state: all finish, none twice', async () => {
    // Zendesk down: the messages are stored and waiting for retries when the process dies.
    stack.fault('zendesk', Array.from({ length: 100 }, () => ({ status: 503, match: CREATE })));
    const sent = [];
    for (let i = 0; i < 6; i++) {
      const from = `+15550409${String(100 + i)}`;
      phones.push(from);
      const r = await stack.send({ from, body: `${DETAILED} (parcel ${i})` });
      assert.equal(r.status, 200);
      sent.push({ from, sid: r.messageSid });
    }
    await waitFor(() => stack.requests('zendesk').length >= 6, { what: 'first attempts' });
    await stack.killAndRestart();
    stack.fault('zendesk', []); // Zendesk is back
    for (const { sid } of sent) {
      await waitFor(() => stack.logLines().find((l) => l.message_sid === sid && l.event === 'message.done'), { what: `done ${sid}`, timeoutMs: 60_000 });
    }
    for (const { from, sid } of sent) {
      assert.equal(stack.tickets().filter((t) => t.external_id === sid).length, 1, sid);
      assert.equal(stack.replies(`whatsapp:${from}`).length, 1, from);
    }
  });

  test('a burst of 40 messages against 120 tickets/min: all 40 tickets, none twice, drained close to N/R', async () => {
    const N = 40;
    const R = 120;
    stack.emulator.setRateLimit({ perMinute: R, burst: 10 });
    const started = Date.now();
    const sent = await Promise.all(Array.from({ length: N }, async (_, i) => {
      const from = `+15550508${String(100 + i)}`;
      phones.push(from);
      const r = await stack.send({ from, body: `${DETAILED} (burst ${i})` });
      assert.equal(r.status, 200);
      return { from, sid: r.messageSid };
    }));
    const ideal = (N - 10) / R * 60_000;
    await waitFor(() => sent.every(({ from }) => stack.replies(`whatsapp:${from}`).length >= 1), { what: 'all replies', timeoutMs: 120_000 });
    const drained = Date.now() - started;
    stack.emulator.setRateLimit({});
    for (const { from, sid } of sent) {
      assert.equal(stack.tickets().filter((t) => t.external_id === sid).length, 1, sid);
      assert.equal(stack.replies(`whatsapp:${from}`).length, 1, from);
    }
    assert.ok(stack.emulator.state.requests.some((r) => r.status === 429), 'the limit was hit');
    console.log(`# drained ${N} messages in ${(drained / 1000).toFixed(1)} s (rate ${R}/min, burst 10; ideal ${(ideal / 1000).toFixed(1)} s)`);
    assert.ok(drained <= 1.2 * (N / R) * 60_000 + 3000, `drained in ${drained} ms; N/R = ${(N / R) * 60} s`);
  });
});
