// Satisfaction on WhatsApp (issue 22 point 6, docs/satisfaction.md): with CSAT=on, a solved
// ticket's customer is asked once (Zendesk's `ticket.status_changed` event), the answer becomes
// the tag csat_good / csat_bad and an internal note on the ticket (no ticket, no public comment,
// the ticket stays solved), the customer is thanked; never for a ticket solved as spam; the
// question goes as the company's quick-reply Content template when one is configured; in trigger
// mode the solved tickets' trigger asks it, after the agent's last answer.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';

const DETAILED = 'My order arrived broken and I need a replacement';
// The question is held 15 s after the solve (csat::QUESTION_HOLD_MS: the agent's last answer goes
// first), then sent: a deadline well past it on a loaded machine.
const QUESTION_MS = 60_000;

/** A customer's message made a ticket, and the customer's conversation is done with it. */
async function customerWithTicket(stack, from) {
  const r = await stack.send({ from, body: DETAILED });
  assert.equal(r.status, 200);
  await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.done');
  const ticket = stack.tickets().find((t) => t.external_id === r.messageSid);
  assert.ok(ticket, 'the ticket');
  return ticket;
}

describe('satisfaction question, text', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555081');
  before(async () => {
    stack = await startStack({ name: 'csat', vars: { CSAT: 'on' } });
    stack.emulator.setZendeskDelivery('events');
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const question = (ticketId) => stack.logLines().find((l) => l.event === 'csat.question' && l.ticket_id === ticketId);

  test('a solved ticket is asked once; a thumbs up becomes the tag and an internal note, the customer is thanked', async () => {
    const from = customer();
    const ticket = await customerWithTicket(stack, from);
    const [solved] = (await stack.emulator.solveTicket(ticket.id)).results;
    assert.equal(solved.status, 200, solved.body);
    const asked = await waitFor(() => stack.replies(`whatsapp:${from}`)[1], { timeoutMs: QUESTION_MS, what: 'the question' });
    assert.match(asked.body, new RegExp(`#${ticket.id}\\b`));
    assert.match(asked.body, /👍 Good \/ 👎 Bad/);
    assert.equal(question(ticket.id).decision, 'ask');

    // Zendesk delivers the solve again, and a second event says solved: still one question.
    const events = stack.emulator.zendeskEvents;
    const t = stack.emulator.state.tickets.get(ticket.id);
    const again = events.statusChanged(t, 'open');
    await events.send(again, { deliveries: 2 });
    await events.send(events.statusChanged(t, 'pending'));
    await stack.waitForLogLine((l) => l.event === 'csat.question' && l.ticket_id === ticket.id && l.decision === 'already_asked');
    const comments = t.comments.length;
    const tickets = stack.tickets().length;

    const r = await stack.send({ from, body: '👍 quick and kind, thank you' });
    await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'csat.recorded' && l.what === 'csat_good');
    await waitFor(() => t.tags.includes('csat_good'), { what: 'the tag csat_good' });
    const note = t.comments.at(-1);
    assert.equal(note.public, false, 'an internal note');
    assert.match(note.body, /rated this ticket Good/);
    assert.match(note.body, /quick and kind/);
    assert.equal(t.comments.length, comments + 1, 'the note only');
    assert.equal(t.status, 'solved', 'the ticket stays solved');
    assert.equal(stack.tickets().length, tickets, 'no ticket made');
    await waitFor(() => stack.replies(`whatsapp:${from}`).length === 3, { what: 'the thanks' });
    assert.equal(stack.replies(`whatsapp:${from}`)[2].body, 'Thank you for your feedback!');
    assert.equal(stack.replies(`whatsapp:${from}`).length, 3, 'one question, one thanks');
    const story = await stack.adminView(r.messageSid);
    assert.equal(story.outcome, 'csat_answer');
    // The comment's text is in Zendesk only, never in the logs.
    assert.ok(!stack.output().includes('quick and kind'), 'the answer\'s text appears in the gateway output');
  });

  test('a bad rating by its button, then a comment: the tag csat_bad and two internal notes', async () => {
    const from = customer();
    const ticket = await customerWithTicket(stack, from);
    await stack.emulator.solveTicket(ticket.id);
    await waitFor(() => stack.replies(`whatsapp:${from}`)[1], { timeoutMs: QUESTION_MS, what: 'the question' });
    const pressed = await stack.emulator.customerSends({ from, button: { payload: 'csat_bad', text: '👎 Bad' } });
    assert.equal(pressed.status, 200);
    await stack.waitForLogLine((l) => l.message_sid === pressed.messageSid && l.event === 'csat.recorded' && l.what === 'csat_bad');
    const comment = await stack.send({ from, body: 'Nobody answered for two days' });
    await stack.waitForLogLine((l) => l.message_sid === comment.messageSid && l.event === 'csat.recorded' && l.what === 'comment');
    const t = stack.emulator.state.tickets.get(ticket.id);
    await waitFor(() => t.comments.filter((c) => !c.public).length === 2, { what: 'two internal notes' });
    assert.deepEqual(t.tags.filter((g) => g.startsWith('csat_')), ['csat_bad']);
    assert.match(t.comments.at(-1).body, /Nobody answered for two days/);
    assert.equal(t.status, 'solved');
    const metrics = await (await fetch(`${stack.gateway.url}/admin/metrics`, { headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } })).json();
    assert.equal(metrics.counters.csat_asked, 2, JSON.stringify(metrics.counters));
    assert.equal(metrics.counters.csat_good, 1);
    assert.equal(metrics.counters.csat_bad, 1);
  });

  test('a ticket solved as spam is not asked; a message that is not an answer is handled as any message', async () => {
    const spammer = customer();
    const spam = await customerWithTicket(stack, spammer);
    stack.emulator.state.tickets.get(spam.id).tags.push('spam');
    await stack.emulator.solveTicket(spam.id);
    await stack.waitForLogLine((l) => l.event === 'csat.question' && l.ticket_id === spam.id && l.decision === 'spam');
    assert.equal(stack.replies(`whatsapp:${spammer}`).length, 1, 'only the confirmation');

    const from = customer();
    const ticket = await customerWithTicket(stack, from);
    await stack.emulator.solveTicket(ticket.id);
    await waitFor(() => stack.replies(`whatsapp:${from}`)[1], { timeoutMs: QUESTION_MS, what: 'the question' });
    const r = await stack.send({ from, body: 'Actually the replacement is broken too' });
    await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.done');
    assert.ok(!stack.logLines().some((l) => l.message_sid === r.messageSid && l.event === 'csat.recorded'));
    const t = stack.emulator.state.tickets.get(ticket.id);
    assert.ok(!t.tags.some((g) => g.startsWith('csat_')), 'no rating');
    // The message reached Zendesk as before: on the ticket (reopened) or a follow-up.
    const written = stack.tickets().some((x) => x.comments.some((c) => c.body.includes('replacement is broken too')));
    assert.ok(written, 'the message is in Zendesk');
  });
  test('a ticket reopened while its question is held is not asked; solved again, it is asked once', async () => {
    const from = customer();
    const ticket = await customerWithTicket(stack, from);
    const [solved] = (await stack.emulator.solveTicket(ticket.id)).results;
    assert.equal(solved.status, 200, solved.body);
    // The customer's agent reopens it at once (well inside the 15 s hold).
    const events = stack.emulator.zendeskEvents;
    const t = stack.emulator.state.tickets.get(ticket.id);
    t.status = 'open';
    const [reopened] = await events.send(events.statusChanged(t, 'solved'));
    assert.equal(reopened.status, 200, reopened.body);
    await stack.waitForLogLine((l) => l.event === 'csat.question' && l.ticket_id === ticket.id && l.decision === 'withdrawn_reopened');
    // Withdrawn: nothing is left to send (the confirmation is the only reply so far).
    assert.equal(stack.replies(`whatsapp:${from}`).length, 1);

    await stack.emulator.solveTicket(ticket.id);
    const asked = await waitFor(() => stack.replies(`whatsapp:${from}`)[1], { timeoutMs: QUESTION_MS, what: 'the question after the second solve' });
    assert.match(asked.body, new RegExp(`#${ticket.id}\\b`));
    const decisions = stack.logLines().filter((l) => l.event === 'csat.question' && l.ticket_id === ticket.id).map((l) => l.decision);
    assert.deepEqual(decisions, ['ask', 'withdrawn_reopened', 'ask']);
  });
});

describe('satisfaction question, quick-reply template', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555082');
  const SID = 'HX0123456789abcdef0123456789abcdef';
  before(async () => {
    stack = await startStack({ name: 'csat-template', vars: { CSAT: 'on', TWILIO_CSAT_CONTENT_SID: SID } });
    stack.emulator.setZendeskDelivery('events');
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  test('the question goes as the quick-reply Content with the ticket number, also after 24 hours', async () => {
    const from = customer();
    const ticket = await customerWithTicket(stack, from);
    // WhatsApp's window closed: only an approved template reaches the customer.
    stack.emulator.closeWindow(from);
    await stack.emulator.solveTicket(ticket.id);
    const sent = await waitFor(() => stack.emulator.state.messages.find((m) => m.to === `whatsapp:${from}` && m.content_sid === SID), { timeoutMs: QUESTION_MS, what: 'the quick-reply template sent' });
    assert.deepEqual(JSON.parse(sent.content_variables), { 1: String(ticket.id) });
  });
});

describe('satisfaction question, trigger mode', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555083');
  before(async () => {
    stack = await startStack({ name: 'csat-trigger', vars: { CSAT: 'on' } });
    stack.emulator.setZendeskDelivery('trigger');
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  test('Submit as Solved with a reply: the answer, then the question once; the rating is recorded', async () => {
    const from = customer();
    const ticket = await customerWithTicket(stack, from);
    // "Submit as Solved" with a public reply: the solved tickets' trigger is called first here,
    // then the agents' replies' trigger (Zendesk promises no order between the two calls).
    const [solved] = (await stack.emulator.solveTicket(ticket.id, { deliveries: 2 })).results;
    assert.equal(solved.status, 200, solved.body);
    await stack.emulator.agentComments(ticket.id, 'The replacement left our warehouse today.');
    const replies = () => stack.replies(`whatsapp:${from}`);
    await waitFor(() => replies().length >= 3, { timeoutMs: QUESTION_MS, what: 'the answer and the question' });
    assert.equal(replies()[1].body, 'The replacement left our warehouse today.', 'the answer first');
    assert.match(replies()[2].body, new RegExp(`#${ticket.id}\\b`));
    assert.match(replies()[2].body, /👍 Good \/ 👎 Bad/);
    await stack.waitForLogLine((l) => l.event === 'zendesk.event_duplicate' && l.ticket_id === ticket.id);
    const r = await stack.send({ from, body: '👎' });
    await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'csat.recorded' && l.what === 'csat_bad');
    const t = stack.emulator.state.tickets.get(ticket.id);
    await waitFor(() => t.tags.includes('csat_bad'), { what: 'the tag csat_bad' });
    assert.equal(t.status, 'solved');
    await waitFor(() => replies().length === 4, { what: 'the thanks' });
    assert.equal(replies().filter((m) => m.body.includes('👍 Good / 👎 Bad')).length, 1, 'one question');
  });
});
