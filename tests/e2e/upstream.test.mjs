// Zendesk or Twilio failing, slow or refusing: Twilio still gets its 200, the customer hears
// back (the seed's apology when no ticket could be made), nothing panics, and the log says why.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, newMessageSid } from './harness.mjs';

const APOLOGY = "Sorry, we couldn't create your ticket right now. Please try again later or contact support directly.";
const DETAILED = 'My order arrived broken and I need a replacement';

describe('faults injected into Zendesk and Twilio', () => {
  let stack;
  let n = 0;
  const phones = [];
  const customer = () => { const p = `+1555020${String(1000 + n++).slice(-4)}`; phones.push(p); return p; };
  before(async () => { stack = await startStack({ name: 'upstream' }); });
  after(async () => { if (stack) { assertLogsClean(stack, phones); await stack.stop(); } });

  const fault = (api, faults) => fetch(`${stack.apiUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ api, faults }) });

  async function sendAndGetReply(from = customer()) {
    const started = Date.now();
    const r = await stack.send({ from, body: DETAILED });
    assert.equal(r.status, 200, `Twilio gets 200, not ${r.status}: ${r.body}`);
    assert.match(r.body, /<Response><\/Response>/);
    const reply = await waitFor(() => stack.replies(`whatsapp:${from}`)[0], { what: 'a reply' });
    return { reply, messageSid: r.messageSid, elapsed: Date.now() - started };
  }

  for (const [label, f, reason] of [
    ['500', { status: 500 }, 'http 500'],
    ['503', { status: 503 }, 'http 503'],
    ['429 with Retry-After', { status: 429, retryAfter: 7 }, 'http 429'],
    ['422 validation error', { status: 422 }, 'http 422'],
    ['a dropped connection', { dropConnection: true }, 'network error'],
  ]) {
    test(`Zendesk answering ${label}: the customer gets the apology`, async () => {
      await fault('zendesk', [f]);
      const { reply, messageSid } = await sendAndGetReply();
      assert.equal(reply.body, APOLOGY);
      assert.equal(stack.tickets().filter((t) => t.idempotency_key === messageSid).length, 0);
      const line = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'zendesk.ticket_failed');
      assert.equal(line.level, 'error');
      assert.equal(line.reason, reason);
      if (f.retryAfter) assert.equal(line.retry_after_secs, 7);
      if (f.status === 422) {
        assert.equal(line.failure, 'permanent');
        assert.equal(line.zendesk_error, 'RecordInvalid: Record validation errors');
      }
    });
  }

  test('Zendesk slower than UPSTREAM_TIMEOUT_MS: the gateway gives up in time and apologises', async () => {
    await fault('zendesk', [{ delayMs: 4000 }]);
    const { reply, messageSid, elapsed } = await sendAndGetReply();
    assert.equal(reply.body, APOLOGY);
    assert.ok(elapsed < 3900, `answered after ${elapsed} ms, timeout is 2000 ms`);
    const line = await stack.waitForLogLine((l) => l.message_sid === messageSid && l.event === 'zendesk.ticket_failed');
    assert.equal(line.reason, 'timeout');
  });

  test('Zendesk latency within the timeout is just slower', async () => {
    await fetch(`${stack.apiUrl}/__sandbox/latency`, { method: 'POST', body: JSON.stringify({ zendesk: 300 }) });
    try {
      const { reply } = await sendAndGetReply();
      assert.match(reply.body, /^Ticket #\d+ created/);
    } finally {
      await fetch(`${stack.apiUrl}/__sandbox/latency`, { method: 'POST', body: JSON.stringify({ zendesk: 0 }) });
    }
  });

  for (const [label, f, failure] of [
    ['500 (ambiguous: it may have sent)', { status: 500 }, 'ambiguous'],
    ['429', { status: 429, retryAfter: 1 }, 'transient'],
    ['a timeout', { delayMs: 4000 }, 'ambiguous'],
  ]) {
    test(`Twilio answering ${label}: Twilio's webhook still gets 200 and the failure is logged`, async () => {
      await fault('twilio', [f]);
      const from = customer();
      const r = await stack.send({ from, body: DETAILED });
      assert.equal(r.status, 200, r.body);
      const line = await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'twilio.reply_failed');
      assert.equal(line.failure, failure);
      assert.equal(stack.tickets().filter((t) => t.idempotency_key === r.messageSid).length, 1, 'the ticket exists');
    });
  }

  test('a Twilio retry of the same MessageSid does not create a second ticket (Idempotency-Key)', async () => {
    const from = customer();
    const messageSid = newMessageSid();
    for (let i = 0; i < 3; i++) assert.equal((await stack.send({ from, body: DETAILED, messageSid })).status, 200);
    assert.equal(stack.tickets().filter((t) => t.idempotency_key === messageSid).length, 1);
    const lookups = stack.requests('zendesk').filter((r) => r.headers['idempotency-key'] === messageSid);
    assert.equal(lookups.length, 3);
    const replies = stack.replies(`whatsapp:${from}`);
    const ids = new Set(replies.map((m) => m.body.match(/^Ticket #(\d+)/)[1]));
    assert.equal(ids.size, 1, 'every confirmation names the same ticket');
  });
});

describe('wrong credentials', () => {
  let stack;
  before(async () => {
    stack = await startStack({ name: 'upstream-creds', vars: { ZENDESK_API_KEY: 'wrong-zendesk-token-9', TWILIO_AUTH_TOKEN: 'wrong-twilio-token-9' } });
  });
  after(async () => { if (stack) { assertLogsClean(stack, ['+15550204444']); await stack.stop(); } });

  test('Zendesk 401 and Twilio 401 are logged clearly, and Twilio still gets 200', async () => {
    // the phone signs with the token the gateway has, as the real Twilio would with the real one
    const r = await stack.send({ from: '+15550204444', body: DETAILED, signWith: 'wrong-twilio-token-9' });
    assert.equal(r.status, 200, r.body);
    const z = await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'zendesk.ticket_failed');
    assert.equal(z.reason, 'http 401');
    assert.equal(z.failure, 'permanent');
    assert.equal(z.zendesk_error, "Couldn't authenticate you");
    const t = await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'twilio.reply_failed');
    assert.equal(t.twilio_code, 20003);
    assert.equal(t.failure, 'permanent');
    const zcall = stack.requests('zendesk')[0];
    assert.equal(zcall.status, 401);
    assert.equal(stack.tickets().length, 0);
  });
});
