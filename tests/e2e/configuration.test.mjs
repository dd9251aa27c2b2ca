// Configuration: optional settings change what is sent, and missing or invalid settings give a
// clear error naming the variable, never its value.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, signedForm, twilioParams } from './harness.mjs';
import { SANDBOX_CREDENTIALS } from '../../sandbox/emulator/common.mjs';

describe('with the optional settings', () => {
  let stack;
  const vars = {
    TWILIO_CONTENT_SID: 'HX0123456789abcdef0123456789abcdef',
    TWILIO_WHATSAPP_NUMBER: 'MG0123456789abcdef0123456789abcdef',
    REQUESTER_EMAIL_DOMAIN: 'customers.acme.test',
    PUBLIC_BASE_URL: 'https://support.acme.test',
    TWILIO_WEBHOOK_SECRET: 'rotated-webhook-secret-0002',
    REPLY_MORE_DETAILS: 'Tell us a little more, please: what went wrong?',
    TRIAGE_ISSUE_KEYWORDS: 'problem,error,refund',
    // The guide's rule: the configured keywords are the whole rule (docs/triage.md).
    TRIAGE_MODE: 'guide',
  };
  before(async () => { stack = await startStack({ name: 'config-optional', vars }); });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, ['+15550003333', '+15550003334', '+15550003335', '+15550003336', '+15550003337', '+15550003338']); } });

  const signUrl = 'https://support.acme.test/twilio/whatsapp';

  test('the confirmation is the Content template, with the message (50 chars) and the ticket id', async () => {
    const body = 'My parcel tracking page shows an error since Monday and nobody answers the phone';
    const r = await stack.send({ from: '+15550003333', body, signUrl });
    assert.equal(r.status, 200, r.body);
    const ticket = await waitFor(() => stack.tickets().find((t) => t.idempotency_key === r.messageSid), { what: 'ticket' });
    assert.equal(ticket.requester.email, '+15550003333@customers.acme.test');
    const reply = await waitFor(() => stack.replies('whatsapp:+15550003333')[0], { what: 'reply' });
    assert.equal(reply.content_sid, vars.TWILIO_CONTENT_SID);
    assert.equal(reply.messaging_service_sid, vars.TWILIO_WHATSAPP_NUMBER, 'sent through the Messaging Service');
    assert.deepEqual(JSON.parse(reply.content_variables), { 1: body.slice(0, 50), 2: String(ticket.id) });
    const call = stack.requests('twilio').at(-1);
    const form = new URLSearchParams(call.body);
    assert.equal(form.get('Body'), null, 'no Body with a ContentSid');
    assert.equal(form.get('From'), null);
  });

  test('triage lists and reply texts come from the configuration', async () => {
    const r = await stack.send({ from: '+15550003335', body: 'I would like a refund for order 12', signUrl });
    assert.equal(r.status, 200);
    await waitFor(() => stack.tickets().find((t) => t.external_id === r.messageSid), { what: 'ticket from a configured keyword' });
    const r2 = await stack.send({ from: '+15550003336', body: 'I need help with my order', signUrl });
    assert.equal(r2.status, 200);
    const reply = await waitFor(() => stack.replies('whatsapp:+15550003336')[0], { what: 'reply' });
    assert.equal(reply.body, 'Tell us a little more, please: what went wrong?', '"need" is no longer a keyword');
  });

  test('TRIAGE_MODE=guide asks for details when no keyword is named', async () => {
    for (const [from, body] of [['+15550003337', 'The weather is lovely today'], ['+15550003338', 'My app keeps closing when I pay']]) {
      const r = await stack.send({ from, body, signUrl });
      assert.equal(r.status, 200);
      const reply = await waitFor(() => stack.replies(`whatsapp:${from}`)[0], { what: 'reply' });
      assert.equal(reply.body, 'Tell us a little more, please: what went wrong?', body);
      assert.equal(stack.tickets().find((t) => t.external_id === r.messageSid), undefined, body);
    }
  });

  test('the other replies stay free text', async () => {
    // a customer without an open ticket (for one with a ticket, "hello" is a comment)
    const r = await stack.send({ from: '+15550003334', body: 'hello', signUrl });
    assert.equal(r.status, 200);
    const reply = await waitFor(() => stack.replies('whatsapp:+15550003334').find((m) => !m.content_sid), { what: 'reply' });
    assert.equal(reply.body, 'Tell us a little more, please: what went wrong?');
  });

  test('signatures are checked against PUBLIC_BASE_URL, and the webhook secret is accepted as a key', async () => {
    const local = await stack.send({ from: '+15550003333', body: 'I need a copy of my invoice' });
    assert.equal(local.status, 403, 'signed for the local URL, but Twilio calls the public one');
    const signed = signedForm(signUrl, twilioParams({ from: '+15550003333' }), vars.TWILIO_WEBHOOK_SECRET);
    const r = await stack.post(signed.body, { headers: signed.headers });
    assert.equal(r.status, 200, await r.text());
  });
});

describe('with settings missing or invalid', () => {
  let stack;
  before(async () => {
    stack = await startStack({
      name: 'config-missing',
      vars: {
        TWILIO_AUTH_TOKEN: null,
        ZENDESK_API_KEY: null,
        UPSTREAM_TIMEOUT_MS: 'soon',
        ZENDESK_EMAIL: 'agent-without-at-sign',
        // a language not shipped without the words that tell it apart; a bad per-language template
        LANGUAGES: 'en,es,hi',
        TWILIO_CONTENT_SID_ES: 'sid-with-a-secret-look',
      },
    });
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack); } });

  test('GET /healthz names every missing and invalid variable, never a value', async () => {
    const r = await fetch(`${stack.gateway.url}/healthz`);
    const text = await r.text();
    assert.equal(r.status, 503);
    const body = JSON.parse(text);
    assert.equal(body.status, 'misconfigured');
    assert.deepEqual(body.missing, ['TWILIO_AUTH_TOKEN', 'ZENDESK_API_KEY']);
    assert.deepEqual(body.invalid.map((i) => i.name).sort(), ['LANGUAGE_WORDS_HI', 'TWILIO_CONTENT_SID_ES', 'UPSTREAM_TIMEOUT_MS', 'ZENDESK_EMAIL']);
    assert.ok(!text.includes('soon') && !text.includes('agent-without-at-sign') && !text.includes('sid-with-a-secret-look'), 'values are not echoed');
  });

  test('the webhook answers 503 naming the variables and calls nothing', async () => {
    const signed = signedForm(stack.webhookUrl, twilioParams());
    const r = await stack.post(signed.body, { headers: signed.headers });
    const body = await r.json();
    assert.equal(r.status, 503);
    assert.equal(body.error, 'configuration_error');
    assert.match(body.detail, /TWILIO_AUTH_TOKEN, ZENDESK_API_KEY/);
    assert.equal(stack.requests().length, 0);
    const line = await stack.waitForLogLine((l) => l.event === 'config.invalid');
    assert.deepEqual(line.missing, ['TWILIO_AUTH_TOKEN', 'ZENDESK_API_KEY']);
  });

  test('GET /healthz also names the bindings nothing reads (a typo), never their values', async () => {
    const body = await (await fetch(`${stack.gateway.url}/healthz`)).json();
    assert.deepEqual(body.unread, []);
  });

  test('the healthy stack says ok, lists the features that are off and the settings nothing reads', async () => {
    // FOLLOW_UP_ACK is a typo of FOLLOWUP_ACK; ZENDESK_API_TOKEN stands in for ZENDESK_API_KEY;
    // USAGE_LOG takes the same words as every boolean.
    const ok = await startStack({
      name: 'config-ok',
      vars: { FOLLOW_UP_ACK: 'typo-value-7', ZENDESK_API_KEY: null, ZENDESK_API_TOKEN: SANDBOX_CREDENTIALS.ZENDESK_API_KEY, USAGE_LOG: 'off' },
    });
    try {
      const r = await fetch(`${ok.gateway.url}/healthz`);
      const text = await r.text();
      assert.equal(r.status, 200, text);
      const body = JSON.parse(text);
      assert.equal(body.status, 'ok');
      assert.deepEqual(body.unread, ['FOLLOW_UP_ACK']);
      assert.deepEqual(body.features_off.map((f) => f.feature), ['agent_reply_template', 'alerts', 'public_base_url']);
      assert.match(body.features_off[0].why, /^TWILIO_AGENT_REPLY_CONTENT_SID is not set/);
      assert.ok(!text.includes('typo-value-7') && !text.includes(SANDBOX_CREDENTIALS.ZENDESK_API_KEY), 'values are not echoed');
      // the alias is the API key: a message becomes a ticket
      const sent = await ok.send({ from: '+15550003390', body: 'My order arrived broken, error on the invoice too' });
      assert.equal(sent.status, 200);
      await waitFor(() => ok.tickets().find((t) => t.external_id === sent.messageSid), { what: 'ticket made with ZENDESK_API_TOKEN' });
    } finally { await ok.stop(); }
  });

  test('an invalid boolean or log setting is named, like every other setting', async () => {
    const bad = await startStack({ name: 'config-bool', vars: { USAGE_LOG: 'sometimes', FOLLOWUP_ACK: 'maybe' } });
    try {
      const r = await fetch(`${bad.gateway.url}/healthz`);
      const text = await r.text();
      assert.equal(r.status, 503);
      assert.deepEqual(JSON.parse(text).invalid.map((i) => i.name), ['FOLLOWUP_ACK', 'USAGE_LOG']);
      assert.ok(!text.includes('sometimes') && !text.includes('maybe'), 'values are not echoed');
    } finally { await bad.stop(); }
  });
});
