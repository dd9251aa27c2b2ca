// Operations: what an operator uses to answer "what happened to this customer's message?":
// look-ups by MessageSid, ticket or customer, and the metrics, all behind ADMIN_TOKEN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, newMessageSid } from './harness.mjs';

let stack;
const ana = '+15550901001';
const ben = '+15550901002';
const carl = '+15550901003';
before(async () => { stack = await startStack({ name: 'operations' }); });
after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, [ana, ben, carl]); } });

const admin = (p, token = stack.bindings.ADMIN_TOKEN) => fetch(`${stack.gateway.url}${p}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
/** POST /admin/messages with a JSON body: the way a full number is searched. */
const search = (body, { token = stack.bindings.ADMIN_TOKEN, type = 'application/json' } = {}) => fetch(`${stack.gateway.url}/admin/messages`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const done = (sid) => stack.waitForLogLine((l) => l.message_sid === sid && l.event === 'message.done', `done ${sid}`);

test('metrics count what happened, with acknowledgement and end-to-end latencies', async () => {
  const hi = await stack.send({ from: ana, body: 'hi' });
  const sid = newMessageSid();
  const first = await stack.send({ from: ana, body: 'My parcel never arrived, I need help', messageSid: sid });
  await stack.send({ from: ana, body: 'My parcel never arrived, I need help', messageSid: sid }); // Twilio's retry
  const follow = await stack.send({ from: ana, body: 'It was order 1234' });
  stack.fault('zendesk', [{ status: 422, match: 'POST /api/v2/tickets.json' }]);
  const failing = await stack.send({ from: ben, body: 'Payment error on checkout' });
  for (const r of [hi, first, follow, failing]) await done(r.messageSid);
  const m = await waitFor(async () => {
    const r = await admin('/admin/metrics');
    const body = await r.json();
    return body.counters?.received >= 4 && body.counters?.comments_added >= 1 && body.end_to_end_ms?.count >= 4 ? body : null;
  }, { what: 'metrics' });
  assert.equal(m.counters.received, 4);
  assert.equal(m.counters.duplicates, 1);
  assert.equal(m.counters.tickets_created, 1);
  assert.equal(m.counters.comments_added, 1);
  assert.equal(m.counters.asked_for_details, 1);
  assert.equal(m.counters.replies_sent, 3, 'more details, confirmation, apology');
  assert.deepEqual(m.failures_by_reason, { 'ticket.http_422': 1 });
  assert.deepEqual(m.messages_by_language, { en: 4 }, 'each message counted in the language it was read in');
  assert.deepEqual(m.messages_by_channel, { default: 4 }, 'and on the channel it arrived on');
  assert.equal(m.retries_pending, 0);
  assert.equal(m.ack_ms.count, 5);
  assert.ok(m.ack_ms.p50 >= 0 && m.ack_ms.p99 >= m.ack_ms.p50);
  assert.ok(m.end_to_end_ms.p50 > 0);
  assert.equal((await admin('/admin/metrics', null)).status, 401);
});

test("a late duplicate, when the conversation has nothing left to do, still reaches the metrics", async () => {
  const counters = async () => (await (await admin('/admin/metrics')).json()).counters ?? {};
  const r = await stack.send({ from: carl, body: 'My parcel 4321 never arrived, I need help' });
  await done(r.messageSid);
  const before = await waitFor(async () => {
    const c = await counters();
    return c.received >= 5 ? c : null; // the first test's four, and carl's
  }, { what: 'the first delivery counted' });
  const retried = await stack.send({ from: carl, body: 'My parcel 4321 never arrived, I need help', messageSid: r.messageSid });
  assert.equal(retried.status, 200);
  const after = await waitFor(async () => {
    const c = await counters();
    return c.duplicates === (before.duplicates ?? 0) + 1 ? c : null;
  }, { what: 'the duplicate counted' });
  assert.equal(after.received, before.received, 'a duplicate is not a new message');
  assert.equal(after.tickets_created, before.tickets_created);
});

test('messages can be found by ticket and by customer, numbers masked', async () => {
  const r = await stack.send({ from: ben, body: 'I need an invoice copy for order 77' });
  await done(r.messageSid);
  const ticket = stack.tickets().find((t) => t.external_id === r.messageSid);
  await waitFor(async () => (await admin(`/admin/messages?ticket=${ticket.id}`)).status === 200, { what: 'ticket indexed' });
  const byTicket = await (await admin(`/admin/messages?ticket=${ticket.id}`)).json();
  assert.deepEqual(byTicket.messages.map((m) => m.message_sid), [r.messageSid]);
  const byCustomer = await (await search({ customer: ana })).json();
  assert.equal(byCustomer.messages.length, 3, 'hi, the ticket, the follow-up');
  assert.deepEqual(byCustomer.messages.map((m) => m.outcome), ['comment_added', 'ticket_created', 'asked_for_details'], 'newest first');
  assert.ok(byCustomer.messages.every((m) => m.customer === '+1555***1001'));
  assert.ok(!JSON.stringify(byCustomer).includes(ana));
  // the masked number, as the logs show it
  const byMask = await (await admin(`/admin/messages?customer=${encodeURIComponent('+1555***1001')}`)).json();
  assert.deepEqual(byMask.messages.map((m) => m.message_sid), byCustomer.messages.map((m) => m.message_sid));
  assert.equal((await admin('/admin/messages?ticket=999999')).status, 404);
  assert.equal((await admin('/admin/messages?ticket=abc')).status, 400);
  assert.equal((await admin('/admin/messages')).status, 400);
  assert.equal((await search({ customer: '<script>' })).status, 400);
  assert.equal((await admin('/admin/nothing')).status, 404);
});

test('a full number is searched by POST body only: in a URL or a header (both logged) it gets a 400 saying so', async () => {
  // Cloudflare keeps request URLs and headers in the Worker's invocation logs, not bodies.
  const inUrl = await admin(`/admin/messages?customer=${encodeURIComponent(ana)}`);
  assert.equal(inUrl.status, 400);
  const refusal = await inUrl.json();
  assert.equal(refusal.error, 'use_post');
  assert.match(refusal.detail, /POST \/admin\/messages/);
  const inHeader = await fetch(`${stack.gateway.url}/admin/messages`, { headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}`, 'X-Customer': ana } });
  assert.equal(inHeader.status, 400);
  assert.equal((await inHeader.json()).error, 'use_post');
  // By body: the same answer as before, for a full or a masked number and for a ticket.
  const byBody = await search({ customer: ana });
  assert.equal(byBody.status, 200);
  const found = (await byBody.json()).messages;
  assert.equal(found.length, 3);
  assert.ok(!JSON.stringify(found).includes(ana.slice(1)), 'answers show the number masked');
  const byMask = await (await search({ customer: '+1555***1001' })).json();
  assert.deepEqual(byMask.messages.map((m) => m.message_sid), found.map((m) => m.message_sid));
  const ticketId = found.find((m) => m.ticket?.ticket_id)?.ticket?.ticket_id;
  assert.ok(ticketId, JSON.stringify(found));
  const byTicket = await (await search({ ticket: ticketId })).json();
  assert.ok(byTicket.messages.length >= 1 && byTicket.messages.some((m) => m.ticket?.ticket_id === ticketId));
  // Bad searches: a clear 4xx each, never a 5xx.
  assert.equal((await search({ customer: ana }, { type: 'text/plain' })).status, 415);
  for (const bad of ['not json', '{}', '{"customer": 15550901001}', '{"customer": "", "ticket": null}', '{"customer": "+1", "ticket": 1}', '[]']) {
    const r = await search(bad);
    assert.equal(r.status, 400, bad);
    assert.equal((await r.json()).error, 'invalid_body', bad);
  }
  assert.equal((await search('x'.repeat(5000))).status, 413);
  assert.equal((await search({ customer: ana }, { token: 'wrong-token' })).status, 401);
  const put = await fetch(`${stack.gateway.url}/admin/messages`, { method: 'PUT', headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, POST');
});
