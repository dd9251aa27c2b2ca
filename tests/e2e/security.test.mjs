// Security and bad input: forged webhooks are refused before any upstream call, and every kind
// of bad request gets a clear 4xx, never a 5xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, signedForm, twilioParams, twilioSignature, assertLogsClean, waitFor, SANDBOX_CREDENTIALS } from './harness.mjs';

let stack;
// Refused signatures are summed up per window (a minute in production): 2 s here, so that the
// summary line comes within the test.
before(async () => { stack = await startStack({ name: 'security', vars: { REFUSAL_LOG_WINDOW_SECS: '2' } }); });
after(async () => {
  if (!stack) return;
  await stack.stop();
  assertLogsClean(stack, ['+15550002222']);
});

const FORM = 'application/x-www-form-urlencoded';
const upstreamCalls = () => stack.requests().length;

async function expectRefused(response, status, code) {
  const text = await response.text();
  assert.equal(response.status, status, text);
  const body = JSON.parse(text);
  assert.equal(body.error, code);
  assert.ok(body.detail, 'a human-readable detail');
  return body;
}

test('a forged, absent or tampered signature gets 403 and no upstream call', async () => {
  const params = twilioParams({ from: '+15550002222' });
  const before = upstreamCalls();
  const good = signedForm(stack.webhookUrl, params);

  await expectRefused(await stack.post(good.body, { headers: { 'Content-Type': FORM } }), 403, 'invalid_signature');
  const forged = signedForm(stack.webhookUrl, params, 'not-the-auth-token');
  await expectRefused(await stack.post(forged.body, { headers: forged.headers }), 403, 'invalid_signature');
  const tampered = new URLSearchParams(good.body);
  tampered.set('Body', 'I need a refund of everything');
  await expectRefused(await stack.post(tampered.toString(), { headers: good.headers }), 403, 'invalid_signature');
  const extra = new URLSearchParams(good.body);
  extra.append('Injected', 'x');
  await expectRefused(await stack.post(extra.toString(), { headers: good.headers }), 403, 'invalid_signature');
  const otherUrl = signedForm('https://attacker.example/twilio/whatsapp', params);
  await expectRefused(await stack.post(otherUrl.body, { headers: otherUrl.headers }), 403, 'invalid_signature');
  await expectRefused(await stack.post(good.body, { headers: { ...good.headers, 'X-Twilio-Signature': 'garbage!!' } }), 403, 'invalid_signature');

  assert.equal(upstreamCalls(), before, 'no call to Zendesk or Twilio');
  const refusal = await stack.waitForLogLine((l) => l.event === 'webhook.refused' && l.signature === 'mismatch');
  assert.equal(refusal.level, 'error', 'refusals are loud');
  assert.equal(refusal.url_checked, stack.webhookUrl, 'the log names the URL the signature was checked against');
  await stack.waitForLogLine((l) => l.event === 'webhook.refused' && l.signature === 'absent');
});

test('the signature covers unknown parameters and is accepted with or without the default port', async () => {
  const params = { ...twilioParams({ from: '+15550002222' }), SomethingTwilioAddsLater: 'value', ChannelMetadata: '{"type":"whatsapp"}' };
  const signed = signedForm(stack.webhookUrl, params);
  const r = await stack.post(signed.body, { headers: signed.headers });
  assert.equal(r.status, 200, await r.text());

  // The gateway listens on a non-default port; Twilio's libraries also accept a signature over
  // the URL without its port. Prove the gateway does the same.
  const withoutPort = stack.webhookUrl.replace(/:\d+\//, '/');
  const p2 = twilioParams({ from: '+15550002222' });
  const pairs = Object.entries(p2);
  const r2 = await stack.post(new URLSearchParams(pairs).toString(), {
    headers: { 'Content-Type': FORM, 'X-Twilio-Signature': twilioSignature(SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN, withoutPort, pairs) },
  });
  assert.equal(r2.status, 200, await r2.text());
  // Both are real messages: done before the next tests count upstream calls (the account's
  // Zendesk budget may space their calls past this test's end).
  for (const sid of [params.MessageSid, p2.MessageSid]) {
    await stack.waitForLogLine((l) => l.event === 'message.done' && l.message_sid === sid, `message.done ${sid}`, 30_000);
  }
});

test('wrong method 405 with Allow, unknown path 404', async () => {
  const r = await fetch(stack.webhookUrl);
  await expectRefused(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'POST');
  await expectRefused(await fetch(stack.webhookUrl, { method: 'PUT', body: 'x' }), 405, 'method_not_allowed');
  await expectRefused(await fetch(`${stack.gateway.url}/twilio/sms`, { method: 'POST' }), 404, 'not_found');
  await expectRefused(await fetch(`${stack.gateway.url}/healthz`, { method: 'POST' }), 405, 'method_not_allowed');
});

test('an oversized body gets 413 and a wrong content type 415', async () => {
  const before = upstreamCalls();
  const huge = signedForm(stack.webhookUrl, { ...twilioParams(), Body: 'x'.repeat(70 * 1024) });
  await expectRefused(await stack.post(huge.body, { headers: huge.headers }), 413, 'payload_too_large');
  const json = JSON.stringify(twilioParams());
  await expectRefused(await stack.post(json, { headers: { 'Content-Type': 'application/json' } }), 415, 'unsupported_media_type');
  await expectRefused(await stack.post('a=b', { headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
  assert.equal(upstreamCalls(), before);
});

test('a malformed or incomplete form gets 400 naming what is wrong', async () => {
  const before = upstreamCalls();
  // signed correctly, but MessageSid is missing
  const { MessageSid, ...noSid } = twilioParams();
  const a = signedForm(stack.webhookUrl, noSid);
  const body = await expectRefused(await stack.post(a.body, { headers: a.headers }), 400, 'invalid_form');
  assert.match(body.detail, /MessageSid/);
  const { From, ...noFrom } = twilioParams();
  const b = signedForm(stack.webhookUrl, noFrom);
  assert.match((await expectRefused(await stack.post(b.body, { headers: b.headers }), 400, 'invalid_form')).detail, /From/);
  const c = signedForm(stack.webhookUrl, { ...twilioParams(), From: 'whatsapp:<script>' });
  assert.match((await expectRefused(await stack.post(c.body, { headers: c.headers }), 400, 'invalid_form')).detail, /From/);
  // bytes that are not UTF-8 text
  await expectRefused(await stack.post('Body=%FF%FE&MessageSid=SM1', { headers: { 'Content-Type': FORM, 'X-Twilio-Signature': 'x' } }), 400, 'malformed_form');
  // an empty body is an incomplete form (after the signature check)
  const empty = signedForm(stack.webhookUrl, {});
  await expectRefused(await stack.post('', { headers: empty.headers }), 400, 'invalid_form');
  assert.equal(upstreamCalls(), before);
});

test('no bad input ever produces a 5xx', async () => {
  const cases = [
    ['POST', '%%%&&&===', FORM],
    ['POST', '&', FORM],
    ['POST', 'From=whatsapp%3A%2B1&MessageSid=' + 'A'.repeat(5000), FORM],
    ['POST', '\u0000\u0001', FORM],
    ['POST', 'x', 'multipart/form-data; boundary=x'],
    ['DELETE', '', FORM],
    ['PATCH', 'a=b', FORM],
  ];
  for (const [method, body, type] of cases) {
    const r = await fetch(stack.webhookUrl, { method, body, headers: { 'Content-Type': type, 'X-Twilio-Signature': 'AAAA' } });
    await r.text();
    assert.ok(r.status >= 400 && r.status < 500, `${method} ${JSON.stringify(body).slice(0, 40)} -> ${r.status}`);
  }
});

test('a flood of forged signatures is logged once at once, then as one line with the count', async () => {
  const N = 40;
  const url = `${stack.gateway.url}/zendesk/events`;
  const before = upstreamCalls();
  const body = JSON.stringify({ ticket_id: '1' });
  const forged = () => fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Zendesk-Webhook-Signature': Buffer.from('forged').toString('base64'),
      'X-Zendesk-Webhook-Signature-Timestamp': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    body,
  }).then(async (r) => { await r.text(); return r.status; });
  const statuses = await Promise.all(Array.from({ length: N }, forged));
  assert.deepEqual([...new Set(statuses)], [403], 'every forged request is still refused');
  const isFlood = (l) => l.event === 'webhook.refused' && l.endpoint === '/zendesk/events' && l.reason === 'invalid_signature';
  // The first refusal of a quiet period is logged at once (a wrong secret shows up at once).
  const first = stack.logLines().find(isFlood);
  assert.ok(first, 'the first refusal was logged with its request');
  assert.equal(first.level, 'error');
  assert.equal(first.repeated, undefined);
  // Once the window has passed, the next request (any) writes the summary: every refusal is
  // then in the log exactly once, as a line of its own or in a summary's count.
  const lines = await waitFor(async () => {
    await (await fetch(`${stack.gateway.url}/healthz`)).text();
    const found = stack.logLines().filter(isFlood);
    const accounted = found.reduce((n, l) => n + (l.summary ? l.repeated : 1), 0);
    assert.ok(accounted <= N, `no refusal counted twice (${accounted} of ${N})`);
    return accounted === N ? found : null;
  }, { what: `the ${N} refusals accounted for`, timeoutMs: 30_000 });
  assert.ok(lines.length < N, `fewer lines than requests (${lines.length} for ${N})`);
  const summaries = lines.filter((l) => l.summary);
  assert.ok(summaries.length >= 1, 'a summary line');
  for (const l of summaries) {
    assert.equal(l.level, 'error');
    assert.ok(Number.isInteger(l.repeated) && l.repeated >= 1, JSON.stringify(l));
    assert.equal(l.window_secs, 2);
    assert.equal(l.endpoint, '/zendesk/events');
  }
  assert.equal(upstreamCalls(), before, 'no call to Zendesk or Twilio');
});

test("the dashboard's page is served with a strict Content-Security-Policy, no framing, nosniff and no referrer", async () => {
  const page = await fetch(`${stack.gateway.url}/admin`);
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  const csp = page.headers.get('content-security-policy');
  assert.ok(csp, 'a Content-Security-Policy');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['frame-ancestors'], ["'none'"]);
  assert.deepEqual(directives['script-src'], ["'self'"], 'scripts from this origin only');
  assert.deepEqual(directives['style-src'], ["'self'"]);
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  // Nothing inline that the policy would block: the page's script and styles are files.
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script');
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or handler');
  for (const [file, type] of [['/admin.js', /javascript/], ['/admin.css', /text\/css/]]) {
    const r = await fetch(`${stack.gateway.url}${file}`);
    await r.text();
    assert.equal(r.status, 200, file);
    assert.match(r.headers.get('content-type'), type, file);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', file);
  }
  // The headers file itself is not served, and the Worker's own answers are not affected.
  assert.notEqual((await fetch(`${stack.gateway.url}/_headers`)).status, 200);
});
