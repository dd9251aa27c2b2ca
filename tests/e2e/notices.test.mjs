// Opt-out and business hours (docs/behaviour.md): STOP and its equivalents are recorded and
// acknowledged once in the customer's language; outside a channel's hours the ticket is made as
// usual and the customer hears the out-of-hours text once per closed period.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, phoneBook } from './harness.mjs';

const NIGHT_NUMBER = '+14155550199';
const OPT_OUT_EN = "Done: you won't receive any more WhatsApp messages from us.";
const OPT_OUT_ES = 'Listo: no recibirás más mensajes nuestros por WhatsApp.';
const OPT_IN_EN = "Welcome back: you'll receive our WhatsApp messages again.";
const OUT_OF_HOURS_EN = "We're outside our support hours right now";

/**
 * A schedule that is closed now, whatever the time the test runs: open one half-hour, twelve
 * hours away from now, every day (UTC). The clock is the machine's; the schedule is the test's.
 */
function closedNow() {
  const h = (new Date().getUTCHours() + 12) % 24;
  const hh = String(h).padStart(2, '0');
  return `mon-sun ${hh}:00-${hh}:30`;
}

describe('opt-out and business hours', () => {
  let stack;
  const { customer, phones } = phoneBook('+1555093');
  const spanish = ['+34600930001', '+34600930002'];
  before(async () => {
    stack = await startStack({
      name: 'notices',
      vars: {
        CHANNELS: JSON.stringify({ night: { sender: NIGHT_NUMBER, business_hours: closedNow(), business_timezone: 'UTC' } }),
      },
    });
  });
  after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, [...phones, ...spanish]); } });

  const admin = (sid) => fetch(`${stack.gateway.url}/admin/messages/${sid}`, { headers: { Authorization: `Bearer ${stack.bindings.ADMIN_TOKEN}` } });
  const done = (sid) => waitFor(async () => {
    const r = await admin(sid);
    const v = r.status === 200 ? await r.json() : null;
    return v && v.status.startsWith('done') ? v : null;
  }, { what: `message ${sid} done` });
  const repliesTo = (from) => stack.replies(`whatsapp:${from}`).map((m) => m.body ?? '');

  test('STOP is recorded and acknowledged once, makes no ticket, and START brings the customer back', async () => {
    const from = customer();
    const stop = await stack.send({ from, body: 'STOP' });
    await waitFor(() => repliesTo(from).some((b) => b.startsWith(OPT_OUT_EN)), { what: 'the opt-out acknowledgement' });
    await stack.waitForLogLine((l) => l.event === 'customer.opt_out' && l.message_sid === stop.messageSid);
    const again = await stack.send({ from, body: 'stop' });
    await done(again.messageSid);
    assert.equal(repliesTo(from).filter((b) => b.startsWith(OPT_OUT_EN)).length, 1, 'acknowledged once');
    assert.equal(stack.tickets().filter((t) => [stop.messageSid, again.messageSid].includes(t.external_id)).length, 0, 'no ticket for STOP');
    const start = await stack.send({ from, body: 'START' });
    await waitFor(() => repliesTo(from).some((b) => b.startsWith(OPT_IN_EN)), { what: 'the opt-in acknowledgement' });
    await stack.waitForLogLine((l) => l.event === 'customer.opt_in' && l.message_sid === start.messageSid);
  });

  test("a Spanish customer's 'baja' is acknowledged in Spanish", async () => {
    const from = spanish[0];
    await stack.send({ from, body: 'baja' });
    await waitFor(() => repliesTo(from).some((b) => b.startsWith(OPT_OUT_ES)), { what: 'the Spanish opt-out acknowledgement' });
  });

  test("outside a channel's hours the ticket is made and the out-of-hours text comes once per closed period", async () => {
    const from = customer();
    const first = await stack.send({ from, to: NIGHT_NUMBER, body: 'My parcel arrived broken and the tracking page shows an error' });
    const ticket = await waitFor(() => stack.tickets().find((t) => t.external_id === first.messageSid), { what: 'the ticket' });
    const reply = await waitFor(() => stack.replies(`whatsapp:${from}`)[0], { what: 'the confirmation' });
    assert.match(reply.body, new RegExp(`#${ticket.id}`), 'the confirmation');
    assert.ok(reply.body.includes(OUT_OF_HOURS_EN), reply.body);
    assert.equal(reply.from, `whatsapp:${NIGHT_NUMBER}`);
    await stack.waitForLogLine((l) => l.event === 'message.out_of_hours_notice' && l.message_sid === first.messageSid);
    const second = await stack.send({ from, to: NIGHT_NUMBER, body: 'The order number is 88120' });
    await done(second.messageSid);
    assert.equal(repliesTo(from).filter((b) => b.includes(OUT_OF_HOURS_EN)).length, 1, 'once per closed period');
    // The default channel has no hours: no notice there.
    const other = customer();
    const open = await stack.send({ from: other, body: 'My parcel arrived broken and the tracking page shows an error' });
    await done(open.messageSid);
    assert.ok(!repliesTo(other).some((b) => b.includes(OUT_OF_HOURS_EN)));
  });
});
