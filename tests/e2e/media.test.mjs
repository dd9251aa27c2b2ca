// Media both ways: customers' photos, documents and locations become attachments and readable
// comments; agents' files reach WhatsApp through short-lived signed links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, SANDBOX_CREDENTIALS } from './harness.mjs';

let stack;
const phones = ['+15550801001', '+15550801002', '+15550801003', '+15550801004'];
before(async () => { stack = await startStack({ name: 'media' }); });
after(async () => { if (stack) { assertLogsClean(stack, phones); await stack.stop(); } });

const done = (sid) => stack.waitForLogLine((l) => l.message_sid === sid && l.event === 'message.done', `done ${sid}`);
const ticketOf = (sid) => stack.tickets().find((t) => t.external_id === sid);

test('a photo without a caption becomes a ticket with the photo attached', async () => {
  const r = await stack.send({ from: phones[0], body: '', media: [{ contentType: 'image/jpeg', size: 48_000 }] });
  assert.equal(r.status, 200, r.body);
  await done(r.messageSid);
  const t = ticketOf(r.messageSid);
  assert.ok(t, 'not rejected by triage');
  assert.equal(t.comments[0].body, '(WhatsApp message with 1 attachment)');
  const [file] = t.comments[0].attachments;
  assert.equal(file.content_type, 'image/jpeg');
  assert.equal(file.size, 48_000, 'the whole file, downloaded with the account credentials through Twilio\'s redirect');
  assert.equal(file.file_name, `whatsapp-${r.messageSid}-1.jpg`);
  assert.match(stack.replies(`whatsapp:${phones[0]}`)[0].body, /^Ticket #\d+ created: 'WhatsApp Support Request'/);
  const download = stack.requests('twilio').find((q) => q.method === 'GET' && q.path.includes('/Media/'));
  assert.match(download.headers.authorization, /^Basic /);
});

test("a file Twilio answers 404 for at first (it can, right after the webhook) is tried again", async () => {
  const sid = SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID;
  stack.fault('twilio', [{ match: `GET /2010-04-01/Accounts/${sid}/Messages/`, status: 404 }]);
  const r = await stack.send({ from: phones[0], body: 'Second photo of the broken screen', media: [{ contentType: 'image/jpeg', size: 3000 }] });
  await done(r.messageSid);
  const t = stack.tickets().find((x) => x.comments.some((c) => c.attachments?.some((a) => a.file_name === `whatsapp-${r.messageSid}-1.jpg`)));
  assert.ok(t, 'attached after the 404');
  const downloads = stack.requests('twilio').filter((q) => q.method === 'GET' && q.path.includes(`/Messages/${r.messageSid}/Media/`));
  assert.deepEqual(downloads.map((q) => q.status), [404, 307]);
});

test('the caption is the comment; an oversized or refused file is listed, never dropped', async () => {
  const r = await stack.send({
    from: phones[1],
    body: 'The invoice is wrong, I need a corrected one',
    media: [{ contentType: 'application/pdf', size: 3000 }, { contentType: 'video/mp4', size: 17 * 1024 * 1024 }, { contentType: 'application/x-msdownload', size: 100 }],
  });
  await done(r.messageSid);
  const c = ticketOf(r.messageSid).comments[0];
  assert.ok(c.body.startsWith('The invoice is wrong, I need a corrected one'));
  assert.match(c.body, /Attachment not attached \(video\/mp4\): 17825792 bytes, over the 16777216 byte limit \(MEDIA_MAX_BYTES\)/);
  assert.match(c.body, /Attachment not attached \(application\/x-msdownload\): application\/x-msdownload files are not accepted/);
  assert.deepEqual(c.attachments.map((a) => a.content_type), ['application/pdf']);
  await stack.waitForLogLine((l) => l.message_sid === r.messageSid && l.event === 'media.not_attached');
});

test('a shared location becomes readable comment text', async () => {
  const r = await stack.send({ from: phones[2], body: '', location: { latitude: 48.8584, longitude: 2.2945, address: 'Champ de Mars, Paris', label: 'Our shop' } });
  await done(r.messageSid);
  assert.equal(ticketOf(r.messageSid).comments[0].body, 'Location shared: Our shop, Champ de Mars, Paris (48.8584, 2.2945) https://www.google.com/maps?q=48.8584,2.2945');
});

test("an agent's reply with a PDF: the text, then the file through a signed link Twilio can fetch", async () => {
  const r = await stack.send({ from: phones[3], body: 'I need a copy of my invoice please' });
  await done(r.messageSid);
  const t = ticketOf(r.messageSid);
  await waitFor(async () => JSON.parse((await stack.emulator.zendeskWebhook(t.id)).body).status === 'accepted', { what: 'indexed' });
  await stack.emulator.agentComments(t.id, 'Here it is.', { files: [{ name: 'invoice-2024.pdf', contentType: 'application/pdf', size: 5000 }] });
  const out = () => stack.replies(`whatsapp:${phones[3]}`).slice(1);
  await waitFor(() => out().length === 2 && out()[1].media, { what: 'text and file' });
  assert.equal(out()[0].body, 'Here it is.');
  const file = out()[1];
  assert.match(file.media_url, new RegExp(`^${stack.gateway.url}/media/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
  assert.deepEqual(file.media, { status: 200, content_type: 'application/pdf', bytes: 5000, file_name: 'invoice-2024.pdf' });
  const forged = await fetch(file.media_url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
  assert.equal(forged.status, 403, 'a tampered link is refused');
});

test('a shared contact is attached as a card and summarised as text', async () => {
  const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nTEL;type=CELL;waid=5511912345678:+55 11 91234-5678\r\nEND:VCARD\r\n';
  const r = await stack.send({ from: phones[2], body: '', media: [{ contentType: 'text/vcard', bytes: Buffer.from(card) }] });
  await done(r.messageSid);
  const t = stack.tickets().find((x) => x.requester.email.startsWith(phones[2]));
  const c = t.comments.at(-1);
  assert.equal(c.body, 'Contact shared: Ana Lima, +55 11 91234-5678');
  assert.deepEqual(c.attachments.map((a) => a.file_name), [`whatsapp-${r.messageSid}-1.vcf`]);
});
