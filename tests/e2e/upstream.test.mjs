// Zendesk or Twilio failing, slow or refusing. Twilio's webhook is answered at once whatever
// happens upstream; transient failures are retried from the Durable Object's alarm until the
// ticket and the reply exist exactly once; permanent ones end in one apology and a visible
// failed state.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';

const APOLOGY = "Sorry, we couldn't create your ticket right now. Please try again later or contact support directly.";
const DETAILED = 'My order arrived broken and I need a replacement';
const CREATE = 'POST /api/v2/tickets.json';
const SEND = 'POST /2010-04-01/';
const HTML_PAGE = '<html><head><title>Service</title></head><body><h1>Thank you</h1></body></html>';

describe('faults injected into Zendesk and Twilio', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555020');
  before(async () => { stack = await startStack({ name: 'upstream' }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  async function deliver(from = customer()) {
    const r = await stack.send({ from, body: DETAILED });
    assert.equal(r.status, 200, `Twilio gets 200 at once, not ${r.status}: ${r.body}`);
    assert.match(r.body, /<Response><\/Response>/);
    return { messageSid: r.messageSid, from, ms: r.ms };
  }
  const repliesTo = (from) => stack.replies(`whatsapp:${from}`);
  const ticketsFor = (sid) => stack.tickets().filter((t) => t.idempotency_key === sid);
  const done = (sid) => stack.waitForLogLine((l) => l.message_sid === sid && l.event === 'message.done', `message.done for ${sid}`);

  for (const [label, faults, reason] of [
    ['500 twice', [{ status: 500, match: CREATE }, { status: 500, match: CREATE }], 'http 500'],
    ['503', [{ status: 503, match: CREATE }], 'http 503'],
    ['429 with Retry-After: 1', [{ status: 429, retryAfter: 1, match: CREATE }], 'http 429'],
    ['a dropped connection', [{ dropConnection: true, match: CREATE }], 'network error'],
    ['slower than UPSTREAM_TIMEOUT_MS (without creating)', [{ delayMs: 3000, status: 504, match: CREATE }], 'timeout'],
  ]) {
    test(`Zendesk answering ${label}: retried, then one ticket and one confirmation`, async () => {
      stack.fault('zendesk', faults);
      const { messageSid, from } = await deliver();
      await done(messageSid);
      assert.equal(ticketsFor(messageSid).length, 1);
      const replies = repliesTo(from);
      assert.equal(replies.length, 1, JSON.stringify(replies.map((r) => r.body)));
      assert.match(replies[0].body, /^Ticket #\d+ created/);
      const retry = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'call.retry');
      assert.equal(retry.level, 'warn');
      assert.ok(retry.reason.startsWith(reason), retry.reason);
      assert.equal(retry.attempt, 1);
      if (label.startsWith('429')) assert.ok(retry.retry_in_ms >= 1000, 'Retry-After honoured');
    });
  }

  for (const [label, status] of [['400', 400], ['403', 403], ['422 validation error', 422]]) {
    test(`Zendesk answering ${label}: not retried, one apology, message failed`, async () => {
      stack.fault('zendesk', [{ status, match: CREATE }]);
      const { messageSid, from } = await deliver();
      await done(messageSid);
      assert.deepEqual(repliesTo(from).map((r) => r.body), [APOLOGY]);
      assert.equal(stack.requests('zendesk').filter((r) => r.headers['idempotency-key'] === messageSid).length, 1, 'not retried');
      const failed = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'message.failed');
      assert.equal(failed.level, 'error');
      assert.match(failed.reason, new RegExp(`http ${status}`));
      const view = await stack.adminView(messageSid);
      assert.equal(view.status, 'failed');
      assert.equal(view.ticket.state, 'failed');
      assert.equal(view.reply.state, 'sent');
      assert.equal(view.reply.kind, 'apology');
    });
  }

  test('Twilio answering 500 without sending: the send is checked, then made once', async () => {
    stack.fault('twilio', [{ status: 500, match: SEND }]);
    const { messageSid, from } = await deliver();
    await done(messageSid);
    assert.equal(repliesTo(from).length, 1);
    const lists = stack.requests('twilio').filter((r) => r.method === 'GET' && r.path.includes(encodeURIComponent(`whatsapp:${from}`)));
    assert.ok(lists.length >= 1, 'Twilio\'s message list was read before sending again');
  });

  test('Twilio sending but answering after the timeout: found in the list, not sent twice', async () => {
    stack.fault('twilio', [{ afterEffectDelayMs: 3000, match: SEND }]);
    const { messageSid, from } = await deliver();
    await done(messageSid);
    assert.equal(repliesTo(from).length, 1, 'one WhatsApp message');
    const found = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'twilio.reply_found');
    assert.ok(found.reply_sid.startsWith('SM'));
  });

  // A 2xx that is not Twilio's message resource (a proxy's or a captive portal's page) says
  // nothing about whether the message exists: it is reconciled like a lost answer.
  for (const [label, fault, sentFirst] of [
    ['without sending: looked for, then sent once', { status: 200, contentType: 'text/html', body: HTML_PAGE, match: SEND }, false],
    ['after sending: found in the list, not sent twice', { afterEffectDelayMs: 0, status: 200, contentType: 'text/html', body: HTML_PAGE, match: SEND }, true],
  ]) {
    test(`Twilio answering 200 with an HTML page ${label}`, async () => {
      stack.fault('twilio', [fault]);
      const { messageSid, from } = await deliver();
      await done(messageSid);
      const replies = repliesTo(from);
      assert.equal(replies.length, 1, JSON.stringify(replies.map((r) => r.body)));
      assert.match(replies[0].body, /^Ticket #\d+ created/);
      const lists = stack.requests('twilio').filter((r) => r.method === 'GET' && r.path.includes(encodeURIComponent(`whatsapp:${from}`)));
      assert.ok(lists.length >= 1, 'Twilio\'s message list was read before sending again');
      const ambiguous = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'twilio.reply_ambiguous');
      assert.match(ambiguous.reason, /without a message sid/);
      const sent = stack.logLines().filter((l) => l.message_sid === messageSid && l.event === 'twilio.reply_sent');
      assert.equal(sent.length, 1, JSON.stringify(sent));
      assert.equal(sent[0].reply_sid, replies[0].sid, 'the sid Twilio gave the message, never "unknown"');
      assert.equal(sent[0].reconciled, sentFirst);
      const view = await stack.adminView(messageSid);
      assert.equal(view.reply.state, 'sent');
      assert.equal(view.reply.sid, replies[0].sid);
    });
  }

  test('Twilio answering 429: retried, one reply', async () => {
    stack.fault('twilio', [{ status: 429, match: SEND }]);
    const { messageSid, from } = await deliver();
    await done(messageSid);
    assert.equal(repliesTo(from).length, 1);
  });

  test('Twilio refusing the recipient (400, code 21211): the failure is recorded with its code', async () => {
    stack.fault('twilio', [{ status: 400, body: { code: 21211, message: "Invalid 'To' Phone Number", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }, match: SEND }]);
    const { messageSid, from } = await deliver();
    await done(messageSid);
    assert.equal(repliesTo(from).length, 0);
    const line = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'twilio.reply_failed');
    assert.equal(line.twilio_code, 21211);
    const view = await stack.adminView(messageSid);
    assert.equal(view.status, 'done_reply_failed');
    assert.equal(ticketsFor(messageSid).length, 1);
  });

  test('the webhook is answered quickly even while Zendesk is slow', async () => {
    stack.emulator.setLatency({ zendesk: 1500 });
    try {
      const { messageSid, ms } = await deliver();
      assert.ok(ms < 1000, `acknowledged in ${ms} ms while Zendesk takes 1500 ms`);
      await done(messageSid);
    } finally {
      stack.emulator.setLatency({ zendesk: 0 });
    }
  });
});

describe('wrong credentials', () => {
  let stack;
  before(async () => {
    stack = await startStack({ name: 'upstream-creds', vars: { ZENDESK_API_KEY: 'wrong-zendesk-token-9', TWILIO_AUTH_TOKEN: 'wrong-twilio-token-9' } });
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, ['+15550204444']); } });

  test('Zendesk 401 and Twilio 401 are logged clearly, nothing is retried forever', async () => {
    // the phone signs with the token the gateway has, as the real Twilio would with the real one
    const r = await stack.send({ from: '+15550204444', body: DETAILED, signWith: 'wrong-twilio-token-9' });
    assert.equal(r.status, 200, r.body);
    const z = await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'message.failed');
    assert.match(z.reason, /http 401 \(Couldn't authenticate you\)/);
    const t = await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'twilio.reply_failed');
    assert.equal(t.twilio_code, 20003);
    assert.equal(stack.requests('zendesk')[0].status, 401);
    assert.equal(stack.tickets().length, 0);
  });
});
