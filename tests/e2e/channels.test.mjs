// Channels: several WhatsApp numbers, each routed to its own Zendesk brand and group, each
// answering from the number the customer wrote to; one person writing to two brands has two
// conversations and two tickets; a number no channel names is never dropped (docs/channels.md).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';
import { SANDBOX_CREDENTIALS } from '../../sandbox/emulator/common.mjs';

const DEFAULT_NUMBER = SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER;
const TRAVEL_NUMBER = '+14155550142';
const POOL_SERVICE = 'MG0123456789abcdef0123456789abcdef';
const POOL_NUMBER = '+14155550150';
const PROBLEM = 'My parcel arrived broken and the tracking page shows an error';

const CHANNELS = {
  travel: {
    name: 'Acme Travel',
    sender: TRAVEL_NUMBER,
    brand_id: 2,
    group_id: 2,
    tags: ['brand_travel'],
    custom_fields: [{ id: 360005, value: 'wrote to {number} ({channel})' }],
    settings: { REPLY_TICKET_CREATED: 'Acme Travel here: ticket #{ticket_id} is open.' },
  },
  pool: { sender: POOL_SERVICE, numbers: [POOL_NUMBER], group_id: 3 },
};

describe('channels', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555090');
  before(async () => { stack = await startStack({ name: 'channels', vars: { CHANNELS: JSON.stringify(CHANNELS) } }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const ticketOf = (sid) => waitFor(() => stack.tickets().find((t) => t.external_id === sid), { what: `ticket of ${sid}` });
  const replyTo = (from, n = 0) => waitFor(() => stack.replies(`whatsapp:${from}`)[n], { what: `reply ${n} to the customer` });
  const admin = (path) => fetch(`${stack.gateway.url}${path}`, { headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } });

  test("a message to a brand's number lands in that brand and group, and is answered from that number", async () => {
    const from = customer();
    const r = await stack.send({ from, to: TRAVEL_NUMBER, body: PROBLEM });
    assert.equal(r.status, 200, r.body);
    const ticket = await ticketOf(r.messageSid);
    assert.equal(ticket.brand_id, 2);
    assert.equal(ticket.group_id, 2);
    assert.ok(ticket.tags.includes('brand_travel'), ticket.tags.join(','));
    assert.ok(ticket.tags.includes('whatsapp'), "the seed's tags stay");
    assert.deepEqual(ticket.custom_fields, [{ id: 360005, value: `wrote to ${TRAVEL_NUMBER} (travel)` }]);
    const reply = await replyTo(from);
    assert.equal(reply.from, `whatsapp:${TRAVEL_NUMBER}`);
    assert.equal(reply.body, `Acme Travel here: ticket #${ticket.id} is open.`, "the channel's own text");
    const accepted = await stack.waitForLogLine((l) => l.event === 'message.accepted' && l.message_sid === r.messageSid);
    assert.equal(accepted.channel, 'travel');
    // The operator's look-up says which channel and number.
    const view = await (await admin(`/admin/messages/${r.messageSid}`)).json();
    assert.equal(view.channel, 'travel');
    assert.equal(view.to, TRAVEL_NUMBER);
    // An agent's reply on the brand's ticket goes out from the brand's number.
    await stack.emulator.agentComments(ticket.id, 'A new suitcase is on its way.');
    const agentReply = await replyTo(from, 1);
    assert.equal(agentReply.body, 'A new suitcase is on its way.');
    assert.equal(agentReply.from, `whatsapp:${TRAVEL_NUMBER}`);
  });

  test('one person writing to two brands has two conversations and two tickets', async () => {
    const from = customer();
    const first = await stack.send({ from, to: DEFAULT_NUMBER, body: PROBLEM });
    const mainTicket = await ticketOf(first.messageSid);
    const second = await stack.send({ from, to: TRAVEL_NUMBER, body: 'My booking for Friday was cancelled without a refund' });
    const travelTicket = await ticketOf(second.messageSid);
    assert.notEqual(mainTicket.id, travelTicket.id);
    assert.equal(mainTicket.brand_id, 1, "the default channel keeps Zendesk's default brand");
    assert.equal(mainTicket.group_id, null);
    assert.equal(travelTicket.brand_id, 2);
    // Each brand's next message is a comment on that brand's ticket, answered from its number.
    await replyTo(from, 1);
    const third = await stack.send({ from, to: TRAVEL_NUMBER, body: 'The booking reference is TRV-2231' });
    assert.equal(third.status, 200);
    await waitFor(() => stack.tickets().find((t) => t.id === travelTicket.id).comments.some((c) => c.body.includes('TRV-2231')), { what: 'comment on the travel ticket' });
    assert.ok(!stack.tickets().find((t) => t.id === mainTicket.id).comments.some((c) => c.body.includes('TRV-2231')), 'not on the other brand');
    const replies = await waitFor(() => { const all = stack.replies(`whatsapp:${from}`); return all.length >= 2 && all; }, { what: 'both confirmations' });
    assert.deepEqual(new Set(replies.map((m) => m.from)), new Set([`whatsapp:${DEFAULT_NUMBER}`, `whatsapp:${TRAVEL_NUMBER}`]));
    // Looked up by number, the operator sees both brands' messages.
    const looked = await fetch(`${stack.gateway.url}/admin/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ customer: from }),
    });
    const byCustomer = await looked.json();
    assert.equal(looked.status, 200, JSON.stringify(byCustomer));
    assert.deepEqual(new Set(byCustomer.messages.map((m) => m.channel)), new Set(['default', 'travel']));
  });

  test('a number no channel names is never dropped: default channel, a warning, answered from that number', async () => {
    const from = customer();
    const unknown = '+14155559999';
    const r = await stack.send({ from, to: unknown, body: PROBLEM });
    assert.equal(r.status, 200, r.body);
    const ticket = await ticketOf(r.messageSid);
    assert.equal(ticket.brand_id, 1);
    const warning = await stack.waitForLogLine((l) => l.event === 'channel.unknown' && l.message_sid === r.messageSid);
    assert.equal(warning.to, '+1415***9999', 'masked in the log');
    const reply = await replyTo(from);
    assert.equal(reply.from, `whatsapp:${unknown}`);
  });

  test("a Messaging Service channel answers through its service, from the pool's number written to", async () => {
    const from = customer();
    const r = await stack.send({ from, to: POOL_NUMBER, messagingServiceSid: POOL_SERVICE, body: PROBLEM });
    const ticket = await ticketOf(r.messageSid);
    assert.equal(ticket.group_id, 3);
    const reply = await replyTo(from);
    assert.equal(reply.messaging_service_sid, POOL_SERVICE);
    assert.equal(reply.from, `whatsapp:${POOL_NUMBER}`);
  });

  test('the metrics count messages per channel and the unlisted numbers', async () => {
    const m = await waitFor(async () => {
      const body = await (await admin('/admin/metrics')).json();
      return (body.messages_by_channel?.pool ?? 0) >= 1 && (body.counters?.channel_unknown ?? 0) >= 1 && body;
    }, { what: 'per-channel metrics', timeoutMs: 60_000 });
    assert.ok(m.messages_by_channel.travel >= 2, JSON.stringify(m.messages_by_channel));
    assert.ok(m.messages_by_channel.default >= 2, JSON.stringify(m.messages_by_channel));
  });
});

// WhatsApp usernames: a customer may be named by their business-scoped user id (BSUID) instead of
// their number. Twilio sends the id as `ExternalUserId` next to a number it still shares, and as
// `From` when the number is withheld (docs/channels.md, "One identity per customer").
describe('one identity per customer', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555091');
  before(async () => { stack = await startStack({ name: 'identity' }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const bsuid = () => `US.${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const ticketOf = (sid) => waitFor(() => stack.tickets().find((t) => t.external_id === sid), { what: `ticket of ${sid}` });
  const onTicket = (ticket, text) => waitFor(() => stack.tickets().find((t) => t.id === ticket.id).comments.some((c) => c.body.includes(text)), { what: `"${text}" on ticket ${ticket.id}` });

  test('number first, then the user id alone: one conversation, one ticket; sends go where they last wrote from', async () => {
    const phone = customer();
    const id = bsuid();
    const first = await stack.send({ from: phone, body: PROBLEM, extra: { ExternalUserId: id } });
    assert.equal(first.status, 200, first.body);
    const ticket = await ticketOf(first.messageSid);
    await waitFor(() => stack.replies(`whatsapp:${phone}`)[0], { what: 'confirmation to the number' });
    const second = await stack.send({ from: id, body: 'The order number is 55102' });
    assert.equal(second.status, 200, second.body);
    await onTicket(ticket, '55102');
    assert.equal(stack.tickets().filter((t) => t.external_id === second.messageSid).length, 0, 'no second ticket');
    await stack.emulator.agentComments(ticket.id, 'Found it, a refund is on its way.');
    const reply = await waitFor(() => stack.replies(`whatsapp:${id}`).find((m) => m.body === 'Found it, a refund is on its way.'), { what: 'agent reply to the user id' });
    assert.ok(reply);
  });

  test('the user id first, then the number with the id: one conversation, answered on the number', async () => {
    const phone = customer();
    const id = bsuid();
    const first = await stack.send({ from: id, body: PROBLEM });
    assert.equal(first.status, 200, first.body);
    const ticket = await ticketOf(first.messageSid);
    const second = await stack.send({ from: phone, body: 'Writing from my number now, order 77120', extra: { ExternalUserId: id } });
    assert.equal(second.status, 200, second.body);
    await onTicket(ticket, '77120');
    await stack.emulator.agentComments(ticket.id, 'Thanks, we have it.');
    await waitFor(() => stack.replies(`whatsapp:${phone}`).find((m) => m.body === 'Thanks, we have it.'), { what: 'agent reply to the number' });
  });

  test('a malformed user id is refused with 400 naming the field', async () => {
    const r = await stack.send({ from: customer(), body: PROBLEM, extra: { ExternalUserId: 'not an id' } });
    assert.equal(r.status, 400);
    assert.match(r.body, /ExternalUserId/);
  });
});

describe('a bad channel configuration', () => {
  let stack;
  before(async () => {
    stack = await startStack({
      name: 'channels-bad',
      vars: { CHANNELS: JSON.stringify({ travel: { sender: 'not-a-number', brand_id: 'two', settings: { ZENDESK_API_KEY: 'leaked-value-0001' } } }) },
    });
  });
  after(async () => { if (stack) await stack.stop(); });

  test('is named on /healthz and in the webhook\'s 503 by channel and field, never by value', async () => {
    const health = await fetch(`${stack.gateway.url}/healthz`);
    const text = await health.text();
    assert.equal(health.status, 503, text);
    for (const name of ['CHANNELS.travel.sender', 'CHANNELS.travel.brand_id', 'CHANNELS.travel.settings.ZENDESK_API_KEY']) {
      assert.ok(text.includes(name), `${name} in ${text}`);
    }
    assert.ok(!text.includes('leaked-value-0001'));
    const r = await stack.send({ from: '+15550909999', body: PROBLEM });
    assert.equal(r.status, 503);
    assert.ok(r.body.includes('CHANNELS.travel.brand_id'), r.body);
    assert.ok(!r.body.includes('leaked-value-0001'));
  });
});
