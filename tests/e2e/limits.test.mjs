// A conversation at its storage limits, against the real built Worker: a customer sends many
// large messages while Zendesk is down. The conversation is one Durable Object value, which
// Cloudflare refuses past 2 MB; the gateway bounds its queue (docs/behaviour.md, "Limits of this version"),
// refuses what does not fit with an answer to the customer, and never answers Twilio 5xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';

const KB = 1024;
// The shipped English REPLY_QUEUE_FULL.
const QUEUE_FULL = "We're still working on your earlier messages, so we couldn't take this one. Please wait for our answer, then send it again.";
let stack;
const book = phoneBook('+1555092');

before(async () => {
  // Short retry delays: Zendesk's outage and recovery fit in the test's deadlines.
  stack = await startStack({ name: 'limits', vars: { RETRY_MAX_DELAY_MS: '1000' } });
});
after(async () => {
  if (stack) { await stack.stop(); assertLogsClean(stack, book.phones); }
});

const admin = (p) => fetch(`${stack.gateway.url}${p}`, { headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } });
const line = (sid, event) => stack.logLines().find((l) => l.message_sid === sid && l.event === event);
const done = (sid) => waitFor(() => line(sid, 'message.done'), { what: `done ${sid}`, timeoutMs: 60_000 });
/** Message `i`'s text: 60 KB (the webhook takes 64 KiB), starting with a marker found nowhere else. */
function big(i) {
  const head = `<message ${String(i).padStart(3, '0')}> my order 1234 is broken. `;
  return head + 'x'.repeat(60 * KB - head.length);
}

test('many 60 KB messages while Zendesk is down: queued up to the budget, the rest refused with an answer, each queued one written once after Zendesk heals', async () => {
  const from = book.customer();
  const first = await stack.send({ from, body: 'My order 1234 is broken, I need help' });
  await done(first.messageSid);
  const ticket = stack.tickets().find((t) => t.external_id === first.messageSid);
  assert.ok(ticket, 'a ticket is open: what follows are comments');

  stack.fault('zendesk', Array.from({ length: 5000 }, () => ({ status: 503 })));
  // 40 x 60 KB: 2.4 MB of text, past the 2 MB a Durable Object value may hold.
  const count = 40;
  const sids = [];
  for (let i = 0; i < count; i++) {
    const r = await stack.send({ from, body: big(i) });
    assert.equal(r.status, 200, `message ${i}: ${r.body}`);
    sids.push(r.messageSid);
  }
  const fates = await waitFor(() => {
    const f = sids.map((sid) => (line(sid, 'message.accepted') ? 'queued' : line(sid, 'message.refused') ? 'refused' : null));
    return f.every(Boolean) ? f : null;
  }, { what: 'each message queued or refused' });
  const queued = sids.filter((_, i) => fates[i] === 'queued');
  const refused = sids.filter((_, i) => fates[i] === 'refused');
  assert.ok(queued.length >= 5, `${queued.length} queued`);
  assert.ok(refused.length >= 1, 'the queue filled up');
  assert.deepEqual(fates, [...queued.map(() => 'queued'), ...refused.map(() => 'refused')], 'the first ones queued, the later ones refused');

  // Told while Zendesk is still down, in the customer's language, and not once per message.
  const told = await waitFor(() => {
    const r = stack.replies(`whatsapp:${from}`).filter((m) => m.body === QUEUE_FULL);
    return r.length ? r : null;
  }, { what: 'the queue-full answer' });
  assert.equal(told.length, 1, 'one answer for a burst of refusals');
  assert.ok(!queued.some((sid) => line(sid, 'message.done')), 'Zendesk was still down: nothing queued is done');

  // Each refused message is visible as such, and Twilio's retry of one is a duplicate.
  const view = await waitFor(async () => {
    const v = await (await admin(`/admin/messages/${refused[0]}`)).json();
    return v.status === 'refused' ? v : null;
  }, { what: 'the refused message finished' });
  assert.equal(view.outcome, 'refused_queue_full');
  assert.deepEqual(view.ticket, { state: 'queue_full' });
  const retried = await stack.send({ from, body: big(sids.indexOf(refused[0])), messageSid: refused[0] });
  assert.equal(retried.status, 200);
  await waitFor(() => stack.logLines().find((l) => l.message_sid === refused[0] && l.event === 'message.duplicate'), { what: 'the retry recognised' });
  const metrics = await waitFor(async () => {
    const m = await (await admin('/admin/metrics')).json();
    return m.counters?.refused_queue_full === refused.length ? m : null;
  }, { what: 'refusals counted' });
  assert.equal(metrics.counters.refused_queue_full, refused.length);

  // Zendesk heals: everything queued becomes a comment, exactly once and in order.
  stack.fault('zendesk', []);
  for (const sid of queued) await done(sid);
  const comments = stack.tickets().find((t) => t.id === ticket.id).comments.map((c) => c.body);
  const all = comments.join('\n');
  const markers = sids.map((_, i) => `<message ${String(i).padStart(3, '0')}>`);
  sids.forEach((sid, i) => {
    const n = all.split(markers[i]).length - 1;
    assert.equal(n, queued.includes(sid) ? 1 : 0, `message ${i} (${fates[i]}) written ${n} times`);
  });
  for (const c of comments) assert.ok(c.length <= 65_000, `a comment of ${c.length} characters`);
  assert.equal(stack.tickets().filter((t) => sids.includes(t.external_id)).length, 0, 'no ticket of its own for any of them');

  // The conversation still takes messages.
  const later = await stack.send({ from, body: 'One more thing about order 1234' });
  assert.equal(later.status, 200);
  await done(later.messageSid);
  assert.ok(line(later.messageSid, 'message.accepted'));
  assert.ok(stack.tickets().find((t) => t.id === ticket.id).comments.some((c) => c.body === 'One more thing about order 1234'));
  assert.ok(!stack.logLines().some((l) => l.event === 'conversation.over_budget'), 'the stored value stayed within its budget');
});

test('a long history moves out of the stored value: a late retry of an archived message is still a duplicate, and its story still readable', async () => {
  const from = book.customer();
  // More messages than the conversation's value keeps (20 finished): the first ones move to
  // rows of their own (docs/behaviour.md, "Limits of this version").
  const sids = [];
  for (let i = 0; i < 24; i++) {
    const r = await stack.send({ from, body: `My order ${1000 + i} is broken, I need help` });
    assert.equal(r.status, 200);
    sids.push(r.messageSid);
    await done(r.messageSid);
  }
  const ticket = stack.tickets().find((t) => t.external_id === sids[0]);
  assert.ok(ticket, 'the first made the ticket');
  const comments = () => stack.tickets().find((t) => t.id === ticket.id).comments.length;
  const before = comments();
  const tickets = stack.tickets().length;
  // Twilio retries the first message (archived by now): a duplicate, nothing made again.
  const retried = await stack.send({ from, body: 'My order 1000 is broken, I need help', messageSid: sids[0] });
  assert.equal(retried.status, 200);
  await waitFor(() => stack.logLines().find((l) => l.message_sid === sids[0] && l.event === 'message.duplicate'), { what: 'the archived message recognised' });
  assert.equal(comments(), before, 'no comment written again');
  assert.equal(stack.tickets().length, tickets, 'no ticket made again');
  // The operator still reads its story, with the retry counted.
  const view = await waitFor(async () => {
    const v = await (await admin(`/admin/messages/${sids[0]}`)).json();
    return v.duplicates === 1 ? v : null;
  }, { what: 'the archived message\'s story, its retry counted' });
  assert.equal(view.outcome, 'ticket_created');
  assert.deepEqual(view.ticket, { state: 'created', ticket_id: ticket.id, follow_up_of: null });
  // And the customer carries on.
  const later = await stack.send({ from, body: 'One more thing about order 1000' });
  await done(later.messageSid);
  assert.equal(comments(), before + 1);
});
