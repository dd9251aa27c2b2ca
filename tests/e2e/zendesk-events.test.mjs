// Zendesk's event-subscribed webhooks (issue 22 points 3 and 4, docs/zendesk-events.md): an
// agent's reply carried by `ticket.comment_added` reaches the customer once with no Zendesk
// call (the trigger mode reads the ticket's comments: the calls per reply are printed), forged
// or stale events are refused, events the gateway only logs are answered 200, and a merge
// (Zendesk's merge API, then `ticket.merged`) makes the target the customer's ticket.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, SANDBOX_CREDENTIALS, phoneBook } from './harness.mjs';

const DETAILED = 'My order arrived broken and I need a replacement';

describe('Zendesk ticket events', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555070');
  before(async () => { stack = await startStack({ name: 'zendesk-events' }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const agentTexts = (from) => stack.replies(`whatsapp:${from}`).slice(1).map((m) => m.body);
  const zendeskCalls = () => stack.requests('zendesk').length;
  const auth = `Basic ${Buffer.from(`${SANDBOX_CREDENTIALS.ZENDESK_EMAIL}/token:${SANDBOX_CREDENTIALS.ZENDESK_API_KEY}`).toString('base64')}`;
  const zendesk = (method, p, body) => fetch(`${stack.apiUrl}${p}`, { method, headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });

  /**
   * Until the ticket's conversation is found for it (its directory entry is written): Zendesk's
   * event for the ticket's first comment (the customer's own, so nothing is read or sent).
   */
  async function untilOwned(ticketId) {
    const t = stack.emulator.state.tickets.get(ticketId);
    const first = t.comments[0];
    const author = { role: first.author_id === t.requester_id ? 'end-user' : 'agent', name: 'x' };
    await waitFor(async () => {
      const [r] = await stack.emulator.zendeskEvents.send(stack.emulator.zendeskEvents.commentAdded(t, first, author));
      return r.status === 200 && JSON.parse(r.body).status === 'accepted';
    }, { what: `ticket ${ticketId} found by its conversation` });
  }

  async function customerWithTicket() {
    const from = customer();
    const r = await stack.send({ from, body: DETAILED });
    await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.done');
    const ticket = stack.tickets().find((t) => t.external_id === r.messageSid);
    await waitFor(() => stack.replies(`whatsapp:${from}`)[0]?.delivery.includes('read'), { what: 'confirmation read' });
    await untilOwned(ticket.id);
    return { from, ticket };
  }

  /** The Zendesk calls between an agent's comment and its reply on WhatsApp. */
  async function callsForOneReply(mode, text, deliveries = 1) {
    stack.emulator.setZendeskDelivery(mode);
    const { from, ticket } = await customerWithTicket();
    const before = zendeskCalls();
    const { comment, results } = await stack.emulator.agentComments(ticket.id, text, { deliveries });
    assert.deepEqual(results.map((r) => r.status), Array(deliveries).fill(200), JSON.stringify(results.map((r) => r.body)));
    await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id);
    return { from, comment, calls: stack.requests('zendesk').slice(before).map((q) => `${q.method} ${q.path.split('?')[0]}`) };
  }

  test("an agent's reply carried by the event costs no Zendesk call and reaches the customer once, delivered twice", async () => {
    const trigger = await callsForOneReply('trigger', 'Trigger mode: a replacement is on its way.');
    const events = await callsForOneReply('events', 'Event mode: a replacement is on its way.', 2);
    console.log(`# Zendesk API calls per agent reply: trigger mode ${trigger.calls.length} (${trigger.calls.join(', ')}), event mode ${events.calls.length}`);
    assert.deepEqual(trigger.calls.map((c) => c.replace(/tickets\/\d+/, 'tickets/N')), ['GET /api/v2/tickets/N/comments.json'], 'the trigger names the ticket: its comments are read');
    assert.deepEqual(events.calls, [], 'the event carries the comment: nothing read');
    // The second delivery of the same event is recognised by its id, and nothing is sent again.
    const dup = await stack.waitForLogLine((l) => l.event === 'zendesk.event_duplicate');
    assert.equal(typeof dup.event_id, 'string');
    await stack.waitForLogLine((l) => l.event === 'zendesk.ticket_event' && l.type === 'ticket.comment_added' && l.comment_id === events.comment.id && l.carried_whole === true);
    assert.deepEqual(agentTexts(events.from), ['Event mode: a replacement is on its way.']);
    assert.equal(stack.logLines().filter((l) => l.event === 'agent.reply_sent' && l.comment_id === events.comment.id).length, 1);
  });

  test('a forged, unsigned or stale event is refused; a malformed one is a 400; types only logged are answered 200', async () => {
    stack.emulator.setZendeskDelivery('events');
    const { ticket } = await customerWithTicket();
    const ev = stack.emulator.zendeskEvents;
    const t = stack.emulator.state.tickets.get(ticket.id);
    // A status other than solved is only logged (solved goes on to the ticket's conversation,
    // for the satisfaction question: csat.test.mjs).
    const payload = ev.envelope('ticket.status_changed', { ...t, status: 'pending' }, { current: 'PENDING', previous: 'OPEN' }, 'seq-1');
    const [forged] = await ev.send(payload, { signWith: 'not-the-secret' });
    assert.equal(forged.status, 403);
    assert.equal(JSON.parse(forged.body).error, 'invalid_signature');
    const [unsigned] = await ev.send(payload, { signWith: null });
    assert.equal(unsigned.status, 401);
    const [stale] = await ev.send(payload, { timestamp: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    assert.equal(stale.status, 403);
    assert.equal(JSON.parse(stale.body).error, 'stale_timestamp');
    const [logged] = await ev.send(payload);
    assert.equal(logged.status, 200);
    assert.equal(JSON.parse(logged.body).status, 'logged');
    await stack.waitForLogLine((l) => l.event === 'zendesk.ticket_event' && l.type === 'ticket.status_changed' && l.status === 'pending');
    const [solved] = await ev.send(ev.envelope('ticket.status_changed', { ...t, status: 'solved' }, { current: 'SOLVED', previous: 'PENDING' }, 'seq-3'));
    assert.equal(JSON.parse(solved.body).status, 'accepted', solved.body);
    const [noId] = await ev.send({ ...payload, id: '' });
    assert.equal(noId.status, 400);
    const [deleted] = await ev.send({ ...ev.envelope('ticket.soft_deleted', t, {}, 'seq-2') });
    assert.equal(deleted.status, 200);
    const user = { type: 'zen:event-type:user.deleted', account_id: 1, id: 'u-1', time: new Date().toISOString(), zendesk_event_version: '2022-06-20', subject: 'zen:user:9001', detail: { id: '9001', external_id: '' }, event: {} };
    const [userDeleted] = await ev.send(user);
    assert.equal(userDeleted.status, 200);
    await stack.waitForLogLine((l) => l.event === 'zendesk.ticket_event' && l.type === 'user.deleted' && l.user_id === 9001);
  });

  test("after a merge the customer's next message is a comment on the target, and an agent's reply there reaches them once", async () => {
    stack.emulator.setZendeskDelivery('events');
    const { from, ticket: source } = await customerWithTicket();
    // The same person wrote by e-mail too: an agent merges the WhatsApp ticket into that one.
    const made = await zendesk('POST', '/api/v2/tickets.json', { ticket: { subject: 'Broken order (e-mail)', comment: { body: 'My order is broken, see photos' }, requester: { name: 'Pat', email: 'pat@example.org' } } });
    assert.equal(made.status, 201);
    const target = (await made.json()).ticket.id;
    await stack.emulator.agentComments(target, 'Reply to the e-mail requester before the merge.', { deliveries: 0 });
    // Written well before the merge (Zendesk's event times are whole seconds).
    stack.emulator.state.tickets.get(target).comments.forEach((c) => { c.created_at = '2026-01-01T00:00:00Z'; });
    const merge = await zendesk('POST', `/api/v2/tickets/${target}/merge`, { ids: [source.id], target_comment: 'Merged', source_comment: 'Closed and merged', target_comment_is_public: true });
    assert.equal(merge.status, 200);
    assert.equal((await merge.json()).job_status.status, 'completed');
    const merged = await stack.waitForLogLine((l) => l.event === 'ticket.merged' && l.ticket_id === source.id);
    assert.equal(merged.into, target);
    assert.equal(merged.open_ticket_moved, true);
    assert.equal(stack.emulator.state.tickets.get(source.id).status, 'closed');
    // The customer writes again: a comment on the target, not a follow-up of the closed ticket.
    const ticketsBefore = stack.tickets().length;
    const next = await stack.send({ from, body: 'Any news about my replacement?' });
    await stack.waitForLogLine((l) => l.message_sid === next.messageSid && l.event === 'message.done');
    assert.equal(stack.tickets().length, ticketsBefore, 'no new ticket');
    assert.ok(stack.emulator.state.tickets.get(target).comments.some((c) => c.body === 'Any news about my replacement?'), 'on the target');
    // An agent answers on the target (the event delivered twice): the customer gets it once, and
    // neither the merge notice nor the reply to the e-mail requester from before the merge.
    await waitFor(async () => {
      const r = await stack.emulator.zendeskWebhook(target);
      return r.status === 200 && JSON.parse(r.body).status === 'accepted';
    }, { what: 'the merge target found by the customer\'s conversation' });
    const { comment, results } = await stack.emulator.agentComments(target, 'Both requests are one now: the replacement ships today.', { deliveries: 2 });
    assert.deepEqual(results.map((r) => r.status), [200, 200]);
    await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id);
    await stack.waitForLogLine((l) => l.event === 'zendesk.event_duplicate' && l.ticket_id === target);
    assert.deepEqual(agentTexts(from), ['Both requests are one now: the replacement ships today.']);
  });
});
