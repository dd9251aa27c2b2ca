// With PUBLIC_BASE_URL set, the origin Twilio is told to call back (status callbacks, agents'
// file links) is that one, whatever Host header a request arrived with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startStack, signedForm, twilioParams, waitFor, assertLogsClean } from './harness.mjs';

const PUBLIC = 'http://support.gateway.test';
const phone = '+15550910001';
let stack;
before(async () => { stack = await startStack({ name: 'public-origin', vars: { PUBLIC_BASE_URL: PUBLIC } }); });
after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, [phone]); } });

/** POSTs a form to the gateway with a Host header of the caller's choosing. */
function postWithHost(form, host) {
  const target = new URL(`${stack.gateway.url}/twilio/whatsapp`);
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: 'POST', headers: { ...form.headers, Host: host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end(form.body);
  });
}

test('a forged Host header does not choose where Twilio calls back', async () => {
  // Signed as Twilio signs: over the public URL it was configured with.
  const params = twilioParams({ from: phone, body: 'My order arrived broken, I need help' });
  const r = await postWithHost(signedForm(`${PUBLIC}/twilio/whatsapp`, params), 'attacker.example');
  assert.equal(r.status, 200, r.body);
  const reply = await waitFor(() => stack.replies(`whatsapp:${phone}`)[0], { what: 'the confirmation' });
  assert.ok(reply.status_callback.startsWith(`${PUBLIC}/twilio/status?c=`), reply.status_callback);

  const ticket = stack.tickets().find((t) => t.external_id === params.MessageSid);
  await waitFor(async () => JSON.parse((await stack.emulator.zendeskWebhook(ticket.id)).body).status === 'accepted', { what: 'indexed' });
  await stack.emulator.agentComments(ticket.id, 'Here is the label.', { files: [{ name: 'label.pdf', contentType: 'application/pdf', size: 300 }] });
  const file = await waitFor(() => stack.replies(`whatsapp:${phone}`).find((m) => m.media_url), { what: 'the file link' });
  assert.ok(file.media_url.startsWith(`${PUBLIC}/media/`), file.media_url);
});
