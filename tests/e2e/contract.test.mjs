// The seed's contract end to end: a signed WhatsApp message becomes the right Zendesk ticket and
// the right WhatsApp reply, in the real Worker under wrangler dev.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, SANDBOX_CREDENTIALS, phoneBook } from './harness.mjs';

const MORE_DETAILS = "Please provide more details about your issue. For example: 'I can't log in' or 'Billing question about invoice #123'";
let stack;
/** A new customer number per test, so replies are easy to tell apart. */
const { customer, phones } = phoneBook('+1555010');

before(async () => { stack = await startStack({ name: 'contract' }); });
after(async () => {
  if (!stack) return;
  await stack.stop();
  assertLogsClean(stack, phones);
});

async function converse(body, from = customer()) {
  const r = await stack.send({ from, body });
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /<Response><\/Response>/);
  const reply = await waitFor(() => stack.replies(`whatsapp:${from}`)[0], { what: 'the reply' });
  const ticket = stack.tickets().find((t) => t.idempotency_key === r.messageSid);
  return { reply, ticket, messageSid: r.messageSid, from };
}

test('a detailed message becomes a ticket of the seed shape and a confirmation', async () => {
  const body = "I can't log into my account, getting error 404 when trying to access dashboard. Please help.";
  const { reply, ticket, from, messageSid } = await converse(body);
  assert.ok(ticket, 'ticket created');
  // first sentence is 80 characters: cut to 47, trailing space dropped, "..." added
  assert.equal(ticket.subject, "I can't log into my account, getting error 404...");
  assert.equal(ticket.comments.length, 1);
  assert.equal(ticket.comments[0].body, body, 'comment body is the whole message');
  assert.equal(ticket.comments[0].public, true);
  assert.deepEqual(ticket.requester, { name: `WhatsApp User (${from})`, email: `${from}@whatsapp.zendesk.com` });
  assert.deepEqual(ticket.tags, ['auto-created', 'whatsapp']);
  assert.equal(ticket.type, 'incident');
  assert.equal(ticket.priority, 'high', '"error" is a high keyword');
  assert.equal(ticket.idempotency_key, messageSid, 'Idempotency-Key is the MessageSid');
  assert.equal(reply.body, `Ticket #${ticket.id} created: '${ticket.subject}'. We'll get back to you soon.`);
  assert.equal(reply.from, `whatsapp:${SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER}`);
  const zendeskCall = stack.requests('zendesk').find((r) => r.headers['idempotency-key'] === messageSid);
  assert.equal(zendeskCall.method, 'POST');
  assert.equal(zendeskCall.path, '/api/v2/tickets.json');
  assert.equal(JSON.parse(zendeskCall.body).ticket.description, undefined, 'description is read-only: not sent');
});

test('the subject is the first sentence, cut to 50 characters with "..."', async () => {
  const { ticket } = await converse('Our whole warehouse team cannot print shipping labels since the update this morning. It is urgent.');
  // cut to 47 characters, the trailing space dropped, then "..."
  assert.equal(ticket.subject, 'Our whole warehouse team cannot print shipping...');
  assert.equal(ticket.priority, 'urgent');
  const short = await converse('Billing question about invoice #12345');
  assert.equal(short.ticket.subject, 'Billing question about invoice #12345');
  assert.equal(short.ticket.priority, 'normal');
});

test('Cyrillic, emoji and curly apostrophes survive triage and truncation', async () => {
  const body = 'I can’t pay 😢 — ошибка “карта отклонена” появляется каждый раз, когда я пытаюсь оплатить заказ';
  const { ticket, reply } = await converse(body);
  assert.ok(ticket, 'curly apostrophe folded: "can’t" is an issue keyword');
  assert.equal(ticket.comments[0].body, body);
  assert.equal([...ticket.subject].length, 50);
  assert.ok(ticket.subject.endsWith('...'));
  assert.ok(body.startsWith(ticket.subject.slice(0, -3).trimEnd()), 'cut on a character boundary');
  assert.ok(!ticket.subject.includes('\uFFFD') && !reply.body.includes('\uFFFD'));
});

// The default triage: vague messages that say something ("The weather is lovely today") become
// tickets; under TRIAGE_MODE=guide they get the details request (configuration.test.mjs).
test('greetings, short and contentless messages get the "more details" reply and no ticket', async () => {
  for (const body of ['hi', 'thanks', 'Hello there, good morning!', 'hello?? anyone there', 'ok thank you so much 👍']) {
    const before = stack.tickets().length;
    const { reply, ticket } = await converse(body);
    assert.equal(ticket, undefined, body);
    assert.equal(stack.tickets().length, before, body);
    assert.equal(reply.body, MORE_DETAILS, body);
  }
});

test('a problem described without any of the guide\'s keywords becomes a ticket', async () => {
  const { ticket, reply } = await converse('My app keeps closing when I pay');
  assert.equal(ticket.subject, 'My app keeps closing when I pay');
  assert.equal(ticket.priority, 'normal');
  assert.match(reply.body, new RegExp(`^Ticket #${ticket.id} created`));
});

test('keywords match whole words: "down" is urgent, "download" is not', async () => {
  assert.equal((await converse('Our site is down and customers need it back')).ticket.priority, 'urgent');
  assert.equal((await converse('I need the download link for my invoice')).ticket.priority, 'normal');
});

test('a business-scoped user id is accepted as the sender', async () => {
  const bsuid = 'US.13491208655302741918';
  const r = await stack.send({ from: `whatsapp:${bsuid}`, body: 'I have a problem with my subscription renewal' });
  assert.equal(r.status, 200);
  const ticket = await waitFor(() => stack.tickets().find((t) => t.idempotency_key === r.messageSid), { what: 'ticket' });
  // Zendesk stores e-mail addresses lowercased
  assert.deepEqual(ticket.requester, { name: `WhatsApp User (${bsuid})`, email: `${bsuid.toLowerCase()}@whatsapp.zendesk.com` });
  const sent = JSON.parse(stack.requests('zendesk').find((q) => q.headers['idempotency-key'] === r.messageSid).body);
  assert.equal(sent.ticket.requester.email, `${bsuid}@whatsapp.zendesk.com`);
  const reply = await waitFor(() => stack.replies(`whatsapp:${bsuid}`)[0], { what: 'reply' });
  assert.match(reply.body, new RegExp(`^Ticket #${ticket.id} created`));
  await stack.waitForLog('US.13***918');
  assert.ok(!stack.gateway.output().includes(bsuid), 'the user id is masked in logs');
});

test('every step is logged as one structured line with the number masked', async () => {
  const { messageSid, from } = await converse('My card payment failed twice today');
  await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'twilio.reply_sent');
  await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'message.done');
  const lines = stack.logLines().filter((l) => l.message_sid === messageSid);
  // Twilio's status callbacks for the reply (`delivery.status`) may come in at any point after it.
  const steps = lines.map((l) => l.event).filter((e) => e !== 'delivery.status');
  assert.deepEqual(steps, ['message.accepted', 'zendesk.ticket_created', 'twilio.reply_sent', 'message.done']);
  const masked = `${from.slice(0, 5)}***${from.slice(-4)}`;
  assert.ok(lines.every((l) => (l.from ?? l.to) === masked), JSON.stringify(lines));
});
