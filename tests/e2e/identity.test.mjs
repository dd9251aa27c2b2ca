// The customer as a Zendesk user (REQUESTER_IDENTITY=whatsapp) and WhatsApp's typing indicator
// (TYPING_INDICATOR), end to end: the built Worker against the emulator, which answers
// `users/create_or_update` and the typing-indicator endpoint as Zendesk and Twilio document them.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';

const DETAILED = 'My order arrived broken and I need a replacement';

describe('REQUESTER_IDENTITY=whatsapp and TYPING_INDICATOR=true', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555071');
  before(async () => {
    stack = await startStack({ name: 'identity', vars: { REQUESTER_IDENTITY: 'whatsapp', TYPING_INDICATOR: 'true' } });
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const done = (sid) => stack.waitForLogLine((l) => l.message_sid === sid && l.event === 'message.done', `${sid} done`);
  const usersOf = (from) => [...stack.emulator.state.users.values()].filter((u) => u.external_id === `whatsapp:${from}`);
  const upsertsOf = (from) => stack.emulator.state.userUpserts.filter((u) => u.external_id === `whatsapp:${from}`);

  test('the user is made once for two messages and two tickets; no placeholder e-mail; agents still reach the customer', async () => {
    const from = customer();
    const before = stack.requests('zendesk').length;
    const r1 = await stack.send({ from, body: DETAILED });
    await done(r1.messageSid);
    const firstCalls = stack.requests('zendesk').slice(before).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(firstCalls, ['POST /api/v2/users/create_or_update.json', 'POST /api/v2/tickets.json'], 'Zendesk calls for a new customer\'s first message');
    const [user] = usersOf(from);
    assert.ok(user, 'the user was made');
    assert.equal(user.email, null, 'no e-mail address');
    assert.equal(user.phone, from, 'the number is the phone identity');
    const ticket = stack.tickets().find((t) => t.external_id === r1.messageSid);
    assert.equal(ticket.requester_id, user.id, 'the ticket names the user');
    assert.equal(ticket.comments[0].author_id, user.id, 'the customer wrote the first comment');
    const created = stack.requests('zendesk').find((r) => r.method === 'POST' && r.path === '/api/v2/tickets.json' && r.body.includes(r1.messageSid));
    assert.ok(!created.body.includes('@whatsapp.zendesk.com') && !JSON.parse(created.body).ticket.requester, 'no placeholder requester');
    assert.ok(stack.replies(`whatsapp:${from}`)[0].body.startsWith(`Ticket #${ticket.id} created`));

    // A second message (a comment) and, the ticket closed, a third (a follow-up ticket): the
    // user is not made again.
    const r2 = await stack.send({ from, body: 'thanks, waiting' });
    await done(r2.messageSid);
    ticket.status = 'closed';
    const r3 = await stack.send({ from, body: 'It broke again, the screen does not work' });
    await done(r3.messageSid);
    const followUp = stack.tickets().find((t) => t.external_id === r3.messageSid);
    assert.equal(followUp.requester_id, user.id);
    assert.equal(upsertsOf(from).length, 1, 'one create_or_update for the customer');
    assert.equal(upsertsOf(from)[0].status, 201);
    assert.equal(usersOf(from).length, 1);

    // An agent answers: Zendesk's event names the requester by external_id (no e-mail), and the
    // reply reaches the customer on WhatsApp.
    const { results } = await stack.emulator.agentComments(followUp.id, 'A new one is on its way.');
    assert.equal(results[0].status, 200);
    await waitFor(() => stack.replies(`whatsapp:${from}`).some((m) => m.body === 'A new one is on its way.'), { what: "agent's reply on WhatsApp" });
    await stack.waitForLogLine((l) => l.event === 'zendesk.requester_made' && l.message_sid === r1.messageSid && l.created === true);
  });

  test('the typing indicator is asked for with the inbound message SID, once', async () => {
    const from = customer();
    const r = await stack.send({ from, body: DETAILED });
    await done(r.messageSid);
    await waitFor(() => stack.emulator.state.typing.some((t) => t.messageId === r.messageSid), { what: 'typing indicator' });
    const calls = stack.requests('twilio').filter((q) => q.path === '/v2/Indicators/Typing.json' && q.body.includes(r.messageSid));
    assert.equal(calls.length, 1, 'once');
    assert.equal(calls[0].body, `messageId=${r.messageSid}&channel=whatsapp`);
    assert.match(calls[0].headers.authorization, /^Basic /);
  });

  test('a failing typing indicator (500) still yields the ticket and the confirmation', async () => {
    const from = customer();
    stack.fault('twilio', [{ match: 'POST /v2/Indicators/', status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } }]);
    const r = await stack.send({ from, body: DETAILED });
    await done(r.messageSid);
    const ticket = stack.tickets().find((t) => t.external_id === r.messageSid);
    assert.ok(ticket, 'the ticket was made');
    await waitFor(() => stack.replies(`whatsapp:${from}`)[0]?.body.startsWith(`Ticket #${ticket.id} created`), { what: 'confirmation' });
    const warned = await stack.waitForLogLine((l) => l.event === 'twilio.typing_indicator_failed' && l.message_sid === r.messageSid, 'typing warning');
    assert.equal(warned.level, 'warn');
    assert.ok(!JSON.stringify(warned).includes(from.replace('+', '')), 'the number is masked');
  });
});
