// Two-way conversations: agents' public replies in Zendesk reach the customer on WhatsApp
// exactly once; forged or replayed Zendesk webhooks are refused; delivery statuses come back;
// failed deliveries become one internal note for the agents.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, zendeskSignature, SANDBOX_AGENT, SANDBOX_CREDENTIALS, phoneBook } from './harness.mjs';

const DETAILED = 'My order arrived broken and I need a replacement';

/** A customer `from` with a ticket made from `body`, confirmation read, and the ticket's events
 * taken by its conversation (its alarm has run). */
async function customerWithTicketOn(stack, from, body) {
  const r = await stack.send({ from, body });
  await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.done');
  const ticket = stack.tickets().find((t) => t.external_id === r.messageSid);
  await waitFor(() => stack.replies(`whatsapp:${from}`)[0]?.delivery.includes('read'), { what: 'confirmation read' });
  await waitFor(async () => {
    const res = await stack.emulator.zendeskWebhook(ticket.id);
    return res.status === 200 && JSON.parse(res.body).status === 'accepted';
  }, { what: 'ticket indexed' });
  return { from, ticket };
}

describe('agents answer from Zendesk', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555060');
  before(async () => { stack = await startStack({ name: 'two-way' }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const customerWithTicket = () => customerWithTicketOn(stack, customer(), DETAILED);
  const agentTexts = (from) => stack.replies(`whatsapp:${from}`).slice(1).map((m) => m.body);

  test("an agent's public reply reaches the customer once, even when Zendesk retries its webhook", async () => {
    const { from, ticket } = await customerWithTicket();
    const { comment, results } = await stack.emulator.agentComments(ticket.id, 'Hi! A replacement is on its way.', { deliveries: 3 });
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
    await waitFor(() => agentTexts(from).length === 1, { what: 'agent reply on WhatsApp' });
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(agentTexts(from), ['Hi! A replacement is on its way.']);
    const sent = await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id);
    assert.equal(sent.ticket_id, ticket.id);
    const statusUrl = stack.replies(`whatsapp:${from}`)[1].status_callback;
    // The callback URL names the conversation and what was sent, so a status that changes
    // nothing is logged by the Worker without waking the conversation.
    assert.match(statusUrl, new RegExp(`/twilio/status\\?c=[0-9a-f]{64}&t=${ticket.id}&cm=${comment.id}&f=%2B1555\\*\\*\\*\\d{4}$`), 'status callbacks requested');
    await stack.waitForLogLine((l) => l.event === 'delivery.status' && l.comment_id === comment.id && l.status === 'read');
  });

  // Twilio answering 200 with a page that is not its message resource: the reply may or may
  // not exist, so it is looked for in Twilio's list and sent only if absent.
  const HTML_PAGE = '<html><head><title>Service</title></head><body><h1>Thank you</h1></body></html>';
  for (const [label, fault, sentFirst] of [
    ['without sending: looked for, then sent once', { status: 200, contentType: 'text/html', body: HTML_PAGE }, false],
    ['after sending: found in the list, not sent twice', { afterEffectDelayMs: 0, status: 200, contentType: 'text/html', body: HTML_PAGE }, true],
  ]) {
    test(`an agent's reply answered by Twilio with 200 and an HTML page ${label}`, async () => {
      const { from, ticket } = await customerWithTicket();
      const text = `Your parcel left the warehouse (${sentFirst ? 'found' : 'resent'}).`;
      stack.fault('twilio', [{ ...fault, match: 'POST /2010-04-01/' }]);
      const { comment } = await stack.emulator.agentComments(ticket.id, text);
      const sent = await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id);
      await new Promise((r) => setTimeout(r, 700));
      assert.deepEqual(agentTexts(from), [text], 'exactly one WhatsApp message');
      const ambiguous = await stack.waitForLogLine((l) => l.event === 'agent.reply_ambiguous' && l.comment_id === comment.id);
      assert.match(ambiguous.reason, /without a message sid/);
      assert.equal(sent.reply_sid, stack.replies(`whatsapp:${from}`)[1].sid, 'the sid Twilio gave the message, never "unknown"');
      assert.equal(sent.reconciled, sentFirst);
      assert.equal(stack.logLines().filter((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id).length, 1);
    });
  }

  test("internal notes and the customer's own comments are never sent back", async () => {
    const { from, ticket } = await customerWithTicket();
    const r = await stack.send({ from, body: 'thanks, waiting' });
    await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.done');
    await stack.emulator.agentComments(ticket.id, 'Internal: check the warehouse stock', { isPublic: false });
    await stack.emulator.zendeskWebhook(ticket.id);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(agentTexts(from), [], 'no echo, no internal note on WhatsApp');
    // a later public reply still goes out
    await stack.emulator.agentComments(ticket.id, 'We found the parcel.');
    await waitFor(() => agentTexts(from).length === 1, { what: 'public reply' });
    assert.deepEqual(agentTexts(from), ['We found the parcel.']);
  });

  test('a failed delivery adds one internal note with the error code and its meaning', async () => {
    const { from, ticket } = await customerWithTicket();
    stack.emulator.failNextDelivery(30008);
    await stack.emulator.agentComments(ticket.id, 'Could you send a photo of the parcel?');
    const t = () => stack.tickets().find((x) => x.id === ticket.id);
    await waitFor(() => t().comments.some((c) => !c.public && c.body.includes('30008')), { what: 'internal note' });
    await new Promise((r) => setTimeout(r, 700));
    const notes = t().comments.filter((c) => !c.public);
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.match(notes[0].body, /undelivered \(Twilio error 30008: unknown error from the channel\)/);
    assert.equal(agentTexts(from).length, 1);
  });

  test('outside the 24-hour window without a template (Twilio error 63016): the agents are told by a note', async () => {
    const { from, ticket } = await customerWithTicket();
    stack.emulator.closeWindow(from);
    await stack.emulator.agentComments(ticket.id, 'Are you still there?');
    const t = () => stack.tickets().find((x) => x.id === ticket.id);
    // Generous: it timed out once at 20 s on a machine loaded by four builds; a pass takes ~1 s.
    await waitFor(() => t().comments.some((c) => !c.public && c.body.includes('63016')), { what: 'internal note', timeoutMs: 45_000 });
    const note = t().comments.find((c) => !c.public);
    assert.match(note.body, /24-hour/);
  });

  test('forged, unsigned and replayed Zendesk webhooks are refused and call nothing', async () => {
    const { ticket } = await customerWithTicket();
    await new Promise((r) => setTimeout(r, 500)); // the check the indexing call caused
    const before = stack.requests().length;
    const forged = await stack.emulator.zendeskWebhook(ticket.id, { signWith: 'not-the-secret' });
    assert.equal(forged.status, 403);
    assert.equal(JSON.parse(forged.body).error, 'invalid_signature');
    const unsigned = await stack.emulator.zendeskWebhook(ticket.id, { signWith: null });
    assert.equal(unsigned.status, 401);
    const replay = await stack.emulator.zendeskWebhook(ticket.id, { timestamp: new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    assert.equal(replay.status, 403);
    assert.equal(JSON.parse(replay.body).error, 'stale_timestamp');
    // tampered body, signature of another body
    const url = `${stack.gateway.url}/zendesk/events`;
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const sig = zendeskSignature(SANDBOX_CREDENTIALS.ZENDESK_WEBHOOK_SECRET, ts, JSON.stringify({ ticket_id: '1' }));
    const tampered = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Zendesk-Webhook-Signature': sig, 'X-Zendesk-Webhook-Signature-Timestamp': ts }, body: JSON.stringify({ ticket_id: String(ticket.id) }) });
    assert.equal(tampered.status, 403);
    assert.equal((await fetch(url)).status, 405);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(stack.requests().length, before, 'nothing called upstream');
    await stack.waitForLogLine((l) => l.event === 'webhook.refused' && l.endpoint === '/zendesk/events' && l.reason === 'stale_timestamp');
  });

  test("a ticket whose comments Zendesk refuses to list gets an internal note: the agent's reply may not have reached WhatsApp", async () => {
    const { from, ticket } = await customerWithTicket();
    // The read the indexing event asked for goes first (the fault is for the agent's event).
    const comments = `/api/v2/tickets/${ticket.id}/comments.json`;
    await waitFor(() => stack.requests().some((q) => q.method === 'GET' && q.path.startsWith(comments)), { what: 'the first read' });
    // Zendesk refuses the read for good (403), with markup in its description.
    stack.fault('zendesk', [{ match: `GET ${comments}`, status: 403, body: { error: 'Forbidden', description: '<b>You do not have access</b>' } }]);
    await stack.emulator.agentComments(ticket.id, 'Your refund was approved.');
    await stack.waitForLogLine((l) => l.event === 'agent.check_failed' && l.ticket_id === ticket.id && l.reason === 'refused');
    const note = await waitFor(() => stack.tickets().find((t) => t.id === ticket.id).comments.find((c) => !c.public), { what: 'the internal note' });
    assert.match(note.body, /^WhatsApp: the latest public replies on this ticket may NOT have been sent to the customer: Zendesk refused to list this ticket's comments to the gateway \(HTTP 403\)/);
    assert.ok(!note.body.includes('<b>'), 'no upstream text in the note');
    assert.deepEqual(agentTexts(from), [], 'not sent');
  });

  test('a webhook about a ticket the gateway does not know is answered 200 and ignored', async () => {
    const r = await stack.emulator.zendeskWebhook(424242);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).status, 'ignored');
  });

  test('an agent answering while Zendesk has not yet answered the ticket creation is not dropped', async () => {
    const from = customer();
    // Zendesk creates the ticket at once but its answer reaches the gateway 1.5 s later.
    stack.fault('zendesk', [{ match: 'POST /api/v2/tickets.json', afterEffectDelayMs: 1500 }]);
    const r = await stack.send({ from, body: DETAILED });
    const ticket = await waitFor(() => stack.tickets().find((t) => t.external_id === r.messageSid), { what: 'ticket in Zendesk' });
    const text = 'Already on it: a replacement ships today.';
    const { results } = await stack.emulator.agentComments(ticket.id, text);
    assert.equal(results[0].status, 200, 'Zendesk is told the event was taken');
    assert.equal(JSON.parse(results[0].body).status, 'accepted');
    await stack.waitForLogLine((l) => l.event === 'agent.unknown_ticket' && l.ticket_id === ticket.id);
    await waitFor(() => agentTexts(from).length === 1, { what: 'agent reply on WhatsApp', timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(agentTexts(from), [text], 'once');
  });

  test('a trigger that sends only the ticket id still reaches the conversation, with no Zendesk read', async () => {
    const { from, ticket } = await customerWithTicket();
    const { comment } = await stack.emulator.agentComments(ticket.id, 'Found it: your refund is on its way.', { deliveries: 0 });
    const before = stack.requests().length;
    const r = await stack.emulator.zendeskWebhook(ticket.id, { body: JSON.stringify({ ticket_id: String(ticket.id) }) });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).status, 'accepted');
    await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id);
    assert.ok(!stack.requests().slice(before).some((q) => q.method === 'GET' && q.path.startsWith(`/api/v2/tickets/${ticket.id}.json`)), 'found through the directory: the ticket was not read');
    assert.deepEqual(agentTexts(from), ['Found it: your refund is on its way.']);
  });

  test('a ticket no conversation entered is read from Zendesk; when that read fails, Zendesk is asked to retry (503)', async () => {
    // A ticket made in Zendesk by someone else (or by a version that kept no directory).
    const auth = Buffer.from(`${SANDBOX_CREDENTIALS.ZENDESK_EMAIL}/token:${SANDBOX_CREDENTIALS.ZENDESK_API_KEY}`).toString('base64');
    const made = await fetch(`${stack.apiUrl}/api/v2/tickets.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${auth}` },
      body: JSON.stringify({ ticket: { subject: 'Phone call', comment: { body: 'Called about billing' }, requester: { name: 'Jane', email: 'jane@phone.example' }, tags: ['whatsapp'] } }),
    }).then((res) => res.json());
    const id = made.ticket.id;
    const body = JSON.stringify({ ticket_id: String(id) });
    stack.fault('zendesk', [{ match: `GET /api/v2/tickets/${id}.json`, status: 503 }]);
    const first = await stack.emulator.zendeskWebhook(id, { body });
    assert.equal(first.status, 503, 'not answered "ignored": Zendesk retries');
    assert.equal(first.headers['retry-after'], '10', 'Zendesk retries a 503 only with a Retry-After under a minute');
    const retry = await stack.emulator.zendeskWebhook(id, { body });
    assert.equal(retry.status, 200);
    assert.equal(JSON.parse(retry.body).status, 'ignored', 'read this time: not a WhatsApp customer\'s ticket');
  });

  test("an agent's reply still arrives after the ticket's requester was merged into a real profile in Zendesk", async () => {
    const { from, ticket } = await customerWithTicket();
    // An admin merges the placeholder requester into the customer's real profile: the event's
    // requester e-mail no longer names the customer.
    const s = stack.emulator.state;
    const jane = { id: s.nextUserId++, name: 'Jane Doe', email: 'jane@acme.example', role: 'end-user', created_at: new Date().toISOString() };
    s.users.set(jane.email, jane);
    s.tickets.get(ticket.id).requester_id = jane.id;
    const { comment, results } = await stack.emulator.agentComments(ticket.id, 'We merged your profiles, here is your answer.');
    assert.equal(results[0].status, 200);
    assert.equal(JSON.parse(results[0].body).status, 'accepted');
    await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id);
    assert.deepEqual(agentTexts(from), ['We merged your profiles, here is your answer.']);
  });

  /** Zendesk's webhook as Zendesk delivers it: a 503 with a Retry-After is delivered again. */
  async function deliverAsZendesk(ticketId) {
    const answers = [];
    await waitFor(async () => {
      const r = await stack.emulator.zendeskWebhook(ticketId);
      answers.push(r);
      // Zendesk retries a 503 only with a Retry-After under a minute.
      if (r.status === 503) assert.equal(r.headers['retry-after'], '10', r.body);
      return r.status !== 503;
    }, { what: 'the event taken', timeoutMs: 30_000 });
    return answers;
  }
  const userOf = (phone) => stack.emulator.state.users.get(`${phone}@whatsapp.zendesk.com`);
  const notesOn = (ticketId) => stack.emulator.state.tickets.get(ticketId).comments.filter((c) => !c.public).map((c) => c.body);

  test("an agent's reply on a ticket whose requester was merged into another WhatsApp customer, before the owner recorded the ticket, reaches the customer who wrote", async () => {
    // B is another WhatsApp customer, with a conversation of their own.
    const { from: other } = await customerWithTicket();
    const from = customer();
    // A's ticket is made, but Zendesk's answer is late (past the gateway's 2 s deadline): the
    // conversation does not know its ticket for a while.
    stack.fault('zendesk', [{ afterEffectDelayMs: 5000, match: 'POST /api/v2/tickets.json' }]);
    const r = await stack.send({ from, body: DETAILED });
    const ticket = await waitFor(() => stack.tickets().find((t) => t.external_id === r.messageSid), { what: 'the ticket made' });
    // At once: the requester is merged into B in Zendesk, and an agent answers.
    ticket.requester_id = userOf(other).id;
    const text = 'Merged with your other profile; here is your answer.';
    const comment = { id: stack.emulator.state.nextCommentId++, body: text, public: true, author_id: SANDBOX_AGENT.id, created_at: new Date().toISOString(), attachments: [] };
    ticket.comments.push(comment);
    const answers = await deliverAsZendesk(ticket.id);
    // The message was entered in the directory before the create went out, so the ticket's
    // external_id leads to the conversation making it at once: taken on the first delivery.
    assert.equal(answers[0].status, 200, answers[0].body);
    assert.equal(JSON.parse(answers[0].body).status, 'accepted', answers[0].body);
    await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id, 'the reply sent', 40_000);
    assert.deepEqual(agentTexts(from), [text], 'to the customer who wrote, once');
    assert.deepEqual(agentTexts(other), [], 'nothing to the customer the requester became');

    // Once known, every event on the ticket reaches its owner; the agents are told once that
    // replies still go to the customer who wrote (masked).
    await stack.emulator.agentComments(ticket.id, 'One more thing: the courier comes tomorrow.', { deliveries: 2 });
    await waitFor(() => agentTexts(from).length === 2, { what: 'the second reply' });
    const masked = `${from.slice(0, 5)}***${from.slice(-4)}`;
    await waitFor(() => notesOn(ticket.id).some((b) => b.includes(masked)), { what: 'the note about the requester' });
    await stack.emulator.agentComments(ticket.id, 'And the tracking number is 42.');
    await waitFor(() => agentTexts(from).length === 3, { what: 'the third reply' });
    assert.equal(notesOn(ticket.id).filter((b) => b.includes('requester was changed')).length, 1, 'one note per ticket');
    assert.ok(!notesOn(ticket.id).some((b) => b.includes(from)), 'the number masked');
  });

  test('an event for a second ticket made from a message that already has its ticket is ignored, not retried forever', async () => {
    const { from, ticket } = await customerWithTicket();
    // The same message's ticket made twice in Zendesk (a create that committed after the
    // gateway had found or made the first): its conversation will never act on the second.
    const auth = Buffer.from(`${SANDBOX_CREDENTIALS.ZENDESK_EMAIL}/token:${SANDBOX_CREDENTIALS.ZENDESK_API_KEY}`).toString('base64');
    const made = await fetch(`${stack.apiUrl}/api/v2/tickets.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${auth}` },
      body: JSON.stringify({ ticket: { subject: 'Copy', external_id: ticket.external_id, comment: { body: 'Copy' }, requester: { name: 'Customer', email: `${from}@whatsapp.zendesk.com` }, tags: ['whatsapp'] } }),
    }).then((res) => res.json());
    const res = await stack.emulator.zendeskWebhook(made.ticket.id);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(JSON.parse(res.body), { status: 'ignored', reason: 'orphan: its conversation does not know it' });
  });

  test('an event for a ticket no conversation made is not "accepted" because its e-mail names a customer', async () => {
    const { from: other } = await customerWithTicket();
    // An agent opens a ticket in Zendesk for that customer's profile (not made by the gateway).
    const auth = Buffer.from(`${SANDBOX_CREDENTIALS.ZENDESK_EMAIL}/token:${SANDBOX_CREDENTIALS.ZENDESK_API_KEY}`).toString('base64');
    const made = await fetch(`${stack.apiUrl}/api/v2/tickets.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${auth}` },
      body: JSON.stringify({ ticket: { subject: 'Called us', comment: { body: 'Phone call about billing' }, requester: { name: 'Customer', email: `${other}@whatsapp.zendesk.com` }, tags: ['whatsapp'] } }),
    }).then((res) => res.json());
    const res = await stack.emulator.zendeskWebhook(made.ticket.id);
    assert.equal(res.status, 200, res.body);
    assert.equal(JSON.parse(res.body).status, 'ignored', res.body);
  });

  test('Twilio status callbacks are checked like any Twilio webhook', async () => {
    const r = await fetch(`${stack.gateway.url}/twilio/status?c=${'a'.repeat(64)}`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'forged' }, body: 'MessageSid=SM1&MessageStatus=failed',
    });
    assert.equal(r.status, 403);
  });
});

describe('agents answer outside the window with a template configured', () => {
  let stack;
  before(async () => { stack = await startStack({ name: 'two-way-template', vars: { TWILIO_AGENT_REPLY_CONTENT_SID: 'HXaaaabbbbccccddddeeeeffff00001111' } }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, ['+15550709999']); } });

  test('Twilio error 63016 falls back to the approved template, once', async () => {
    const from = '+15550709999';
    const r = await stack.send({ from, body: DETAILED });
    await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.done');
    const [ticket] = stack.tickets();
    await waitFor(async () => JSON.parse((await stack.emulator.zendeskWebhook(ticket.id)).body).status === 'accepted', { what: 'indexed' });
    stack.emulator.closeWindow(from);
    await stack.emulator.agentComments(ticket.id, 'Your refund was approved today.');
    await waitFor(() => stack.replies(`whatsapp:${from}`).some((m) => m.content_sid === 'HXaaaabbbbccccddddeeeeffff00001111'), { what: 'template' });
    const template = stack.replies(`whatsapp:${from}`).find((m) => m.content_sid);
    assert.deepEqual(JSON.parse(template.content_variables), { 1: 'Your refund was approved today.', 2: String(ticket.id) });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(stack.replies(`whatsapp:${from}`).filter((m) => m.content_sid).length, 1);
    assert.equal(stack.tickets()[0].comments.filter((c) => !c.public).length, 0, 'no note: it was delivered');
    assert.equal(SANDBOX_AGENT.id, 7001);
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 19 (points 3 and 9): only agents speak from the business number, and agents' replies
// are cut as Twilio counts its 1600-character Body limit (UTF-16 code units).
// ---------------------------------------------------------------------------------------------
describe('only agents speak from the business number, in bodies Twilio accepts', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555064');
  before(async () => { stack = await startStack({ name: 'two-way-agents-only' }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const customerWithTicket = (body = DETAILED) => customerWithTicketOn(stack, customer(), body);
  const agentTexts = (from) => stack.replies(`whatsapp:${from}`).slice(1).map((m) => m.body);
  const notForwarded = (commentId) => stack.waitForLogLine((l) => l.event === 'agent.comment_not_forwarded' && l.comment_id === commentId, `comment ${commentId} not forwarded`);
  const notes = (ticketId) => stack.tickets().find((t) => t.id === ticketId).comments.filter((c) => !c.public);

  test("a CC'd end-user's public comment and Zendesk's merge notice are not sent to WhatsApp; the agent's reply is; the agents are told once", async () => {
    const { from, ticket } = await customerWithTicket();
    // Another customer's ticket, merged into this one later: its text must never reach this customer.
    const other = await customerWithTicket(`${DETAILED}: I paid with the card ending 4242`);

    // A vendor CC'd on the ticket answers Zendesk's notification e-mail; Zendesk threads it in.
    const phishing = 'Your parcel is held at customs: pay the fee at http://parcel-fee.example/pay';
    const cc = await stack.emulator.endUserComments(ticket.id, phishing);
    assert.equal(cc.results[0].status, 200);
    const skipped = await notForwarded(cc.comment.id);
    assert.equal(skipped.reason, 'author_not_agent');
    assert.equal(skipped.author_role, 'end-user');
    assert.ok(!JSON.stringify(skipped).includes('parcel'), 'no text in the log line');
    const note = await waitFor(() => notes(ticket.id).find((c) => c.body.includes(`comment ${cc.comment.id} (written by an end-user`)), { what: 'the internal note' });
    assert.match(note.body, /Only agents' public replies/);

    // The agent's reply goes out, and nothing else did before it.
    const { comment } = await stack.emulator.agentComments(ticket.id, 'We are on it: a replacement ships today.');
    await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id);
    assert.deepEqual(agentTexts(from), ['We are on it: a replacement ships today.']);

    // Later: the CC again, and an agent merges the other customer's ticket in with a public notice.
    const again = await stack.emulator.endUserComments(ticket.id, 'Any update? Pay here: http://parcel-fee.example/pay');
    const merged = await stack.emulator.mergeTickets(ticket.id, [other.ticket.id], { targetCommentIsPublic: true });
    assert.match(merged.comment.body, /card ending 4242/, 'the notice quotes the other ticket');
    assert.equal((await notForwarded(again.comment.id)).reason, 'author_not_agent');
    assert.equal((await notForwarded(merged.comment.id)).reason, 'merge');

    // A failed delivery queues a note after any the comments above could have queued; notes are
    // written in order, so once it is in Zendesk, every earlier note is too.
    stack.emulator.failNextDelivery(30008);
    const last = await stack.emulator.agentComments(ticket.id, 'Did the replacement arrive?');
    await waitFor(() => notes(ticket.id).some((c) => c.body.includes(`comment ${last.comment.id}) failed`)), { what: 'the delivery note' });
    assert.equal(notes(ticket.id).filter((c) => c.body.includes('not sent to the customer')).length, 1, 'one note for the ticket');
    assert.deepEqual(agentTexts(from), ['We are on it: a replacement ships today.', 'Did the replacement arrive?']);
    assert.ok(!stack.replies().some((m) => /4242|parcel-fee/.test(m.body)), 'no CC text and no other customer\'s text on WhatsApp');
  });

  test("an agent's reply of 1,600 emoji (3,200 UTF-16 code units) arrives whole, in parts Twilio accepts", async () => {
    // The emulator's Twilio counts as Twilio does: more than 1600 UTF-16 code units is refused.
    const auth = Buffer.from(`${SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID}:${SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN}`).toString('base64');
    const refused = await fetch(`${stack.apiUrl}/2010-04-01/Accounts/${SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: `Basic ${auth}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: 'whatsapp:+15550640999', From: `whatsapp:${SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER}`, Body: '😀'.repeat(801) }).toString(),
    });
    assert.equal(refused.status, 400);
    assert.equal((await refused.json()).code, 21617);

    const { from, ticket } = await customerWithTicket();
    const text = '😀'.repeat(1600);
    const { comment } = await stack.emulator.agentComments(ticket.id, text);
    await stack.waitForLogLine((l) => l.event === 'agent.reply_sent' && l.comment_id === comment.id && l.part === l.parts, 'the last part sent');
    const parts = agentTexts(from);
    assert.equal(parts.length, 2);
    assert.ok(parts.every((p) => p.length <= 1600), `parts of ${parts.map((p) => p.length)} UTF-16 code units`);
    assert.equal(parts.join(''), text);
    assert.equal(notes(ticket.id).length, 0, 'no "not delivered" note');
  });
});
