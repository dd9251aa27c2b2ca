// Media both ways: customers' photos, documents and locations become attachments and readable
// comments; agents' files reach WhatsApp through short-lived signed links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor, assertLogsClean, mediaLink, zendeskAttachment, SANDBOX_CREDENTIALS } from './harness.mjs';

let stack;
const phones = ['+15550801001', '+15550801002', '+15550801003', '+15550801004', '+15550801005'];
before(async () => { stack = await startStack({ name: 'media' }); });
after(async () => { if (stack) { await stack.stop(); assertLogsClean(stack, phones); } });

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

/** How many times the gateway asked Zendesk for attachment `id`'s record. */
const lookUps = (id) => stack.requests('zendesk').filter((q) => q.method === 'GET' && q.path === `/api/v2/attachments/${id}.json`).length;

test("an agent's file link costs one Zendesk look-up however often it is fetched", async () => {
  const r = await stack.send({ from: phones[4], body: 'I need the manual for my broken device' });
  await done(r.messageSid);
  const t = ticketOf(r.messageSid);
  await waitFor(async () => JSON.parse((await stack.emulator.zendeskWebhook(t.id)).body).status === 'accepted', { what: 'indexed' });
  await stack.emulator.agentComments(t.id, 'The manual.', { files: [{ name: 'manual.pdf', contentType: 'application/pdf', size: 4000 }] });
  const sent = await waitFor(() => stack.replies(`whatsapp:${phones[4]}`).find((m) => m.media), { what: 'the file sent' });
  assert.equal(sent.media.status, 200);
  const file = [...stack.emulator.state.files.values()].find((f) => f.attachment.file_name === 'manual.pdf');
  const id = file.attachment.id;
  assert.equal(lookUps(id), 1, "Twilio's fetch looked the file up");
  // Twilio's retries, a HEAD before the GET, anyone holding the link: all answered from the
  // cached record, each GET still streaming the file from Zendesk.
  for (const method of ['GET', 'HEAD', 'GET', 'HEAD']) {
    const again = await fetch(sent.media_url, { method });
    assert.equal(again.status, 200, method);
    assert.equal(again.headers.get('content-length'), '4000', method);
    assert.equal((await again.arrayBuffer()).byteLength, method === 'GET' ? 4000 : 0, method);
  }
  assert.equal(lookUps(id), 1, 'the repeats cost no look-up');
  assert.equal(file.downloads, 3, 'the content itself is never cached');
});

test('a cached look-up lives no longer than the link that made it', async () => {
  const file = await zendeskAttachment(stack, 'short-lived.pdf', 'application/pdf', 1200);
  const ttlMs = 2500;
  const short = mediaLink(stack, file.id, ttlMs);
  const expires = Date.now() + ttlMs;
  assert.equal((await fetch(short, { method: 'HEAD' })).status, 200);
  assert.equal(lookUps(file.id), 1);
  // The record was kept for the link's remaining life (whole seconds, rounded down); once the
  // link is gone, so is the record, and a new link for the same file looks it up again.
  await waitFor(() => Date.now() > expires + 50, { what: 'the short link expired' });
  assert.equal((await fetch(short, { method: 'HEAD' })).status, 410);
  const fresh = await fetch(mediaLink(stack, file.id), { method: 'HEAD' });
  assert.equal(fresh.status, 200);
  assert.equal(lookUps(file.id), 2, 'looked up again after the first link expired');
});
