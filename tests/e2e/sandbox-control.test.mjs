// The sandbox's control API (/__sandbox/*) drives a fake customer and fake agents. A web page
// the developer happens to visit must not be able to drive it: a cross-site page can only send
// a "simple" request (a form post, text/plain) without a CORS preflight, which the emulator never
// approves. So every state-changing request must be JSON (415 otherwise), come from the
// emulator's own page or from no page at all (403 for another Origin), and name the emulator's
// own host (403 otherwise: a DNS-rebound name is another site). Needs only the emulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createEmulator, SANDBOX_CREDENTIALS } from '../../sandbox/emulator.mjs';

let emulator;
let apiUrl;
let gateway; // stands in for the gateway: records what the customer's phone posts to it
const delivered = [];

before(async () => {
  gateway = http.createServer((req, res) => {
    delivered.push(req.url);
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'Content-Type': 'text/xml' }); res.end('<Response/>'); });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
  emulator = createEmulator({ gatewayUrl: `http://127.0.0.1:${gateway.address().port}/twilio/whatsapp` });
  apiUrl = await emulator.listen(0);
});

after(async () => {
  await emulator?.close();
  gateway?.closeAllConnections?.();
  await new Promise((r) => (gateway ? gateway.close(r) : r()));
});

const message = JSON.stringify({ from: '+15550901000', body: 'My order is broken, please help' });
const post = (path, { headers = {}, body = message } = {}) => fetch(`${apiUrl}/__sandbox${path}`, { method: 'POST', headers, body });
const nothingSent = () => {
  assert.equal(emulator.state.inbound.length, 0, 'the customer sent nothing');
  assert.equal(delivered.length, 0, 'nothing reached the gateway');
};

test('a simple cross-site request (text/plain, a form, no type) is refused with 415', async () => {
  for (const headers of [{ 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/x-www-form-urlencoded' }, { 'Content-Type': 'multipart/form-data; boundary=x' }, {}]) {
    const r = await post('/customer/send', { headers });
    assert.equal(r.status, 415, `${JSON.stringify(headers)}: ${await r.text()}`);
  }
  const form = await post('/customer/send', { body: new URLSearchParams({ body: 'hi' }) });
  assert.equal(form.status, 415);
  nothingSent();
});

test('a JSON request from another origin is refused with 403', async () => {
  for (const origin of ['http://evil.example', 'null', `${apiUrl}.evil.example`, apiUrl.replace('http:', 'https:')]) {
    const r = await post('/customer/send', { headers: { 'Content-Type': 'application/json', Origin: origin } });
    assert.equal(r.status, 403, `${origin}: ${await r.text()}`);
  }
  nothingSent();
});

test('a request for another host name (DNS rebinding) is refused with 403', async () => {
  const { port } = new URL(apiUrl);
  const status = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/__sandbox/customer/send', method: 'POST', headers: { Host: `rebound.example:${port}`, 'Content-Type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end(message);
  });
  assert.equal(status, 403);
  nothingSent();
});

test('no CORS preflight is approved', async () => {
  const r = await fetch(`${apiUrl}/__sandbox/customer/send`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
  await r.text();
  for (const name of r.headers.keys()) assert.ok(!name.startsWith('access-control-'), `${name} in the answer to a preflight`);
  nothingSent();
});

test('JSON from the sandbox page or from a script is accepted', async () => {
  const fromScript = await post('/customer/send', { headers: { 'Content-Type': 'application/json' } });
  assert.equal(fromScript.status, 200, await fromScript.text());
  const fromPage = await post('/customer/send', { headers: { 'Content-Type': 'application/json; charset=utf-8', Origin: apiUrl } });
  assert.equal(fromPage.status, 200, await fromPage.text());
  const viaLocalhost = await post('/customer/send', { headers: { 'Content-Type': 'application/json', Origin: apiUrl.replace('127.0.0.1', 'localhost') } });
  assert.equal(viaLocalhost.status, 200, await viaLocalhost.text());
  assert.equal(emulator.state.inbound.length, 3);
  assert.equal(delivered.length, 3);
  // Every state-changing endpoint is covered, not only the customer's phone.
  const reset = await post('/reset', { headers: { 'Content-Type': 'text/plain' }, body: '{}' });
  assert.equal(reset.status, 415);
  assert.equal(emulator.state.inbound.length, 3, 'the refused reset changed nothing');
  const ok = await post('/reset', { headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(ok.status, 200);
  assert.equal(emulator.state.inbound.length, 0);
  // Reading the state stays a plain GET (the page polls it).
  assert.equal((await fetch(`${apiUrl}/__sandbox/state`)).status, 200);
});

test('a message sent before the gateway listens says so, not a bare "fetch failed"', async () => {
  // A port nobody listens on: what a newcomer meets when they write before npm start is ready.
  const closed = http.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const { port } = closed.address();
  await new Promise((r) => closed.close(r));
  const json = { 'Content-Type': 'application/json' };
  const pointed = await post('/gateway', { headers: json, body: JSON.stringify({ url: `http://127.0.0.1:${port}/twilio/whatsapp` }) });
  assert.equal(pointed.status, 200);
  try {
    const r = await post('/customer/send', { headers: json });
    assert.equal(r.status, 200);
    const sent = await r.json();
    assert.equal(sent.status, 0, 'no answer from the gateway');
    assert.match(sent.body, /^the gateway did not answer \(.+\): if it is still starting, wait for "Press Ctrl-C" in the output of npm start and send again$/);
  } finally {
    await post('/gateway', { headers: json, body: JSON.stringify({ url: `http://127.0.0.1:${gateway.address().port}/twilio/whatsapp` }) });
    await post('/reset', { headers: json, body: '{}' });
  }
});

test("the agent's merge control (the page's Merge button) merges as Zendesk does, with its refusals", async () => {
  const auth = `Basic ${Buffer.from(`${SANDBOX_CREDENTIALS.ZENDESK_EMAIL}/token:${SANDBOX_CREDENTIALS.ZENDESK_API_KEY}`).toString('base64')}`;
  const ticket = async (i) => {
    const r = await fetch(`${apiUrl}/api/v2/tickets.json`, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ ticket: { subject: `Order ${i}`, comment: { body: `Order ${i} is late` }, requester: { name: 'Ana', email: 'ana@example.com' } } }) });
    return (await r.json()).ticket.id;
  };
  const [source, target] = [await ticket(1), await ticket(2)];
  const merge = (body) => post('/agent/merge', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await merge({ target_id: target })).status, 400, 'no source');
  assert.equal((await merge({ target_id: 'x', source_ids: [source] })).status, 400);
  assert.equal((await merge({ target_id: target, source_ids: [target] })).status, 400, 'into itself');
  assert.equal((await merge({ target_id: 999999, source_ids: [source] })).status, 404);
  const ok = await merge({ target_id: target, source_ids: [source] });
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.equal(emulator.state.tickets.get(source).status, 'closed');
  assert.match(emulator.state.tickets.get(target).comments.at(-1).body, new RegExp(`Request #${source} "Order 1" was closed and merged into this request`));
  assert.equal((await merge({ target_id: target, source_ids: [source] })).status, 422, 'a closed ticket cannot be merged again');
  assert.equal((await post('/agent/merge', { headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ target_id: target, source_ids: [source] }) })).status, 415);
});
