// Text that is valid UTF-8 but hostile: a signed Zendesk timestamp written with non-ASCII
// digits gets a clear 4xx (the parser once panicked on it: a 5xx), and control characters a
// customer sends (NUL, escape sequences, C1) never reach the ticket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, zendeskSignature, SANDBOX_CREDENTIALS, phoneBook } from './harness.mjs';

const book = phoneBook('+1555031');
let stack;
before(async () => { stack = await startStack({ name: 'hostile-text' }); });
after(async () => {
  if (!stack) return;
  await stack.stop();
  assertLogsClean(stack, book.phones);
});

/**
 * A Zendesk webhook whose timestamp header carries the UTF-8 bytes of `written`, signed over
 * the timestamp as the gateway reads it. HTTP header values are bytes (fetch takes them as a
 * latin1 string, one character per byte); whether the runtime hands them to the Worker decoded
 * as UTF-8 or as latin1 is its business, so both readings are signed, one request each: one of
 * the two signatures is right, and its request reaches the timestamp check.
 */
async function zendeskWebhookWithTimestamp(written) {
  const url = `${stack.gateway.url}/zendesk/events`;
  const body = JSON.stringify({ ticket_id: '1001', event: 'public_comment_added' });
  const header = Buffer.from(written, 'utf8').toString('latin1');
  const answers = [];
  for (const signedText of [written, header]) {
    const r = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Zendesk-Webhook-Signature': zendeskSignature(SANDBOX_CREDENTIALS.ZENDESK_WEBHOOK_SECRET, signedText, body),
        'X-Zendesk-Webhook-Signature-Timestamp': header,
      },
      body,
    });
    answers.push({ status: r.status, text: await r.text() });
  }
  return answers;
}

test('a signed Zendesk webhook whose timestamp has non-ASCII digits gets 403, never a 5xx', async () => {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const arabicIndic = (s) => s.replace(/\d/g, (d) => String.fromCharCode(0x660 + Number(d)));
  for (const written of [
    `${now.slice(0, 9)}${arabicIndic(now[9])}${now.slice(10)}`, // 2026-11-2٥T06:38:33Z
    `${arabicIndic(now.slice(0, 4))}${now.slice(4)}`, // ٢٠٢٦-11-25T06:38:33Z
    `${now.slice(0, 17)}${arabicIndic(now.slice(17, 19))}Z`, // the seconds
    now.replace('T', '\u00a0'), // a no-break space for the T
  ]) {
    const answers = await zendeskWebhookWithTimestamp(written);
    for (const a of answers) assert.ok(a.status >= 400 && a.status < 500, `${written}: ${a.status} ${a.text}`);
    const reached = answers.filter((a) => a.status === 403 && JSON.parse(a.text).error === 'stale_timestamp');
    assert.equal(reached.length, 1, `${written}: the correctly signed request is refused as stale: ${JSON.stringify(answers)}`);
  }
  // The Worker is still healthy: a well-formed webhook is answered as usual.
  const ok = await stack.emulator.zendeskWebhook(424242);
  assert.equal(ok.status, 200, ok.body);
});

const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

test('control characters a customer sends never reach the ticket', async () => {
  const from = book.customer();
  const body = 'My order\u0000 is broken\u001b[2J and I cannot log in\r\nplease\u0007 help\u0085 me\u007f fix it 😀 ação مرحبا';
  const r = await stack.send({ from, body, profileName: 'An\u0000a\u001b' });
  assert.equal(r.status, 200, r.body);
  const ticket = await waitFor(() => stack.tickets().find((t) => t.requester?.email?.startsWith(from)), { what: 'the ticket' });
  assert.doesNotMatch(ticket.subject, CONTROLS, JSON.stringify(ticket.subject));
  assert.equal(ticket.subject, 'My order is broken[2J and I cannot log in');
  const description = ticket.comments[0].body;
  assert.doesNotMatch(description, CONTROLS, JSON.stringify(description));
  assert.equal(description, 'My order is broken[2J and I cannot log in\nplease help me fix it 😀 ação مرحبا');
  assert.doesNotMatch(ticket.requester.name, CONTROLS);

  // A shared location's name and address are customer text too.
  const other = book.customer();
  const shared = await stack.send({ from: other, body: '', location: { latitude: 52.52, longitude: 13.405, address: 'Alexander\u0000platz 1', label: 'Off\u001b[31mice\u0000' } });
  assert.equal(shared.status, 200, shared.body);
  const located = await waitFor(() => stack.tickets().find((t) => t.requester?.email?.startsWith(other)), { what: 'the location ticket' });
  for (const text of [located.subject, located.comments[0].body]) assert.doesNotMatch(text, CONTROLS, JSON.stringify(text));
  assert.match(located.comments[0].body, /Off\[31mice, Alexanderplatz 1/);
  // Nothing the gateway sent Zendesk carried one (nor a carriage return), in any field.
  const texts = (v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(texts) : []);
  const sent = stack.requests('zendesk').filter((q) => q.method !== 'GET' && q.body.startsWith('{'));
  assert.ok(sent.length >= 2, 'the tickets were created through the API');
  for (const req of sent) {
    for (const text of texts(JSON.parse(req.body))) assert.doesNotMatch(text, CONTROLS, req.body);
  }
});
