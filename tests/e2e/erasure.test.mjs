// Erasure: DELETE /admin/customers forgets a customer on every channel (their conversations,
// messages, the look-ups that name them), logs one masked `customer.erased`, and their messages
// answer 404 afterwards (docs/operations.md, "Erasing a customer").
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';

const TRAVEL_NUMBER = '+14155550142';
const PROBLEM = 'My parcel arrived broken and the tracking page shows an error';

describe('erasing a customer', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555092');
  before(async () => {
    stack = await startStack({ name: 'erasure', vars: { CHANNELS: JSON.stringify({ travel: { sender: TRAVEL_NUMBER, brand_id: 2 } }) } });
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

  const adminFetch = (path, { method = 'GET', body } = {}) => fetch(`${stack.gateway.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const done = (sid) => waitFor(async () => {
    const r = await adminFetch(`/admin/messages/${sid}`);
    const v = r.status === 200 ? await r.json() : null;
    return v && v.status.startsWith('done') ? v : null;
  }, { what: `message ${sid} done` });

  test('every channel\'s conversation is forgotten, and the messages answer 404 afterwards', async () => {
    const from = customer();
    const a = await stack.send({ from, body: PROBLEM });
    const b = await stack.send({ from, to: TRAVEL_NUMBER, body: 'My booking was cancelled without a refund' });
    await done(a.messageSid);
    await done(b.messageSid);
    const r = await adminFetch('/admin/customers', { method: 'DELETE', body: { customer: from } });
    assert.equal(r.status, 200, await r.clone().text());
    const { erased } = await r.json();
    assert.equal(erased.conversations, 2);
    assert.equal(erased.messages, 2);
    assert.equal(erased.tickets.length, 2);
    for (const sid of [a.messageSid, b.messageSid]) {
      assert.equal((await adminFetch(`/admin/messages/${sid}`)).status, 404, sid);
    }
    const search = await (await adminFetch('/admin/messages', { method: 'POST', body: { customer: from } })).json();
    assert.deepEqual(search.messages, []);
    const line = await stack.waitForLogLine((l) => l.event === 'customer.erased' && l.conversations === 2);
    assert.match(line.customer, /^\+1555\*\*\*\d{4}$/, 'masked');
    // Erased twice: nothing left.
    assert.equal((await adminFetch('/admin/customers', { method: 'DELETE', body: { customer: from } })).status, 404);
    // The customer may write again: a new conversation, a new ticket.
    const again = await stack.send({ from, body: 'Another problem: the app crashes on login' });
    await waitFor(() => stack.tickets().find((t) => t.external_id === again.messageSid), { what: 'a new ticket' });
  });

  test('a number linked to a WhatsApp user id is erased through the id', async () => {
    const from = customer();
    const id = `US.${Date.now()}7`;
    const a = await stack.send({ from, body: PROBLEM, extra: { ExternalUserId: id } });
    await done(a.messageSid);
    const r = await adminFetch(`/admin/customers/${id}`, { method: 'DELETE' });
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal((await r.json()).erased.conversations, 1);
    assert.equal((await adminFetch(`/admin/messages/${a.messageSid}`)).status, 404);
  });

  test("Zendesk's user deletion event erases the customer its e-mail names", async () => {
    const from = customer();
    const a = await stack.send({ from, body: PROBLEM });
    await done(a.messageSid);
    const ticket = stack.tickets().find((t) => t.external_id === a.messageSid);
    const ev = stack.emulator.zendeskEvents;
    const user = {
      type: 'zen:event-type:user.deleted', account_id: 1, id: `u-${Date.now()}`, time: new Date().toISOString(), zendesk_event_version: '2022-06-20',
      subject: `zen:user:${ticket.requester_id}`, detail: { id: String(ticket.requester_id), email: ticket.requester.email, external_id: '' }, event: {},
    };
    const [answer] = await ev.send(user);
    assert.equal(answer.status, 200, answer.body);
    assert.equal(JSON.parse(answer.body).status, 'erased');
    assert.equal((await adminFetch(`/admin/messages/${a.messageSid}`)).status, 404);
    await stack.waitForLogLine((l) => l.event === 'customer.erased' && l.conversations === 1);
  });

  test('bad requests get a clear answer', async () => {
    assert.equal((await adminFetch(`/admin/customers/${encodeURIComponent('+15550920999')}`, { method: 'DELETE' })).status, 400, 'no full number in a URL');
    assert.equal((await adminFetch('/admin/customers', { method: 'DELETE', body: { customer: 'nobody' } })).status, 400);
    assert.equal((await adminFetch('/admin/customers', { method: 'DELETE', body: { customer: '+15550920998' } })).status, 404);
    assert.equal((await adminFetch('/admin/customers')).status, 405);
    const unauthorised = await fetch(`${stack.gateway.url}/admin/customers`, { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: '{"customer":"+15550920997"}' });
    assert.equal(unauthorised.status, 401);
  });
});
