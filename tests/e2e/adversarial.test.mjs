// What an adversarial review found, each reproduced against the real built Worker: credentials
// sent to foreign hosts, a body re-posted on a redirect, a captured webhook replayed under a new
// MessageSid, bodies read whole before the size check, and the agents' file links (`/media/`).
// The attacker is a loopback listener that records whatever reaches it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startStack, signedForm, twilioParams, twilioSignature, waitFor, sleep, assertLogsClean, phoneBook, mediaLink, zendeskAttachment, SANDBOX_CREDENTIALS } from './harness.mjs';

const SECONDARY_KEY = 'secondary-webhook-key-0123456789';
const MAX_MEDIA = 1024 * 1024;
let stack;
let attacker;
const book = phoneBook('+1555090');

/** A listener standing in for an attacker's server: records every request, answers a PNG. */
function listen() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': 4 });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ requests, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) });
  }));
}

before(async () => {
  attacker = await listen();
  stack = await startStack({ name: 'adversarial', vars: { TWILIO_WEBHOOK_SECRET: SECONDARY_KEY, MEDIA_MAX_BYTES: String(MAX_MEDIA) } });
});
after(async () => {
  if (stack) { await stack.stop(); assertLogsClean(stack, book.phones); }
  await attacker?.close();
});

const done = (sid) => stack.waitForLogLine((l) => l.message_sid === sid && l.event === 'message.done', `done ${sid}`);
const ticketOf = (sid) => stack.tickets().find((t) => t.external_id === sid);
const post = (form) => stack.post(form.body, { headers: form.headers });

test("a MediaUrl outside Twilio's API origin is never fetched, whichever key signed the webhook", async () => {
  const apiHost = new URL(stack.apiUrl).host;
  for (const key of [SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN, SECONDARY_KEY]) {
    const sid = `MM${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    const params = {
      ...twilioParams({ from: book.customer(), body: 'My screen is broken, see the photos', messageSid: sid }),
      NumMedia: '2', MessageType: 'image',
      MediaUrl0: `${attacker.url}/x.png`, MediaContentType0: 'image/png',
      // Looks like the API host to a suffix check; parsed, it is the attacker's host.
      MediaUrl1: `${attacker.url}\\.${apiHost}/y.png`, MediaContentType1: 'image/png',
    };
    const r = await post(signedForm(stack.webhookUrl, params, key));
    assert.equal(r.status, 200, await r.text());
    await done(sid);
    const comment = ticketOf(sid).comments[0];
    assert.equal(comment.attachments.length, 0, 'nothing from a foreign host is attached');
    assert.equal(comment.body.match(/refused: not this message's file on Twilio's media host/g)?.length, 2, comment.body);
    const refused = stack.logLines().filter((l) => l.event === 'media.refused_host' && l.message_sid === sid);
    assert.deepEqual(refused.map((l) => l.host), ['127.0.0.1', '127.0.0.1']);
  }
  assert.equal(attacker.requests.length, 0, 'the attacker received no request (and so no credentials)');
});

test("Twilio's media redirect is followed without the account's credentials", async () => {
  const before = attacker.requests.length;
  const sid = SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID;
  stack.fault('twilio', [{ match: `GET /2010-04-01/Accounts/${sid}/Messages/`, status: 307, headers: { Location: `${attacker.url}/cdn/photo.png` }, body: '' }]);
  const r = await stack.send({ from: book.customer(), body: 'The device is broken, photo attached', media: [{ contentType: 'image/png', size: 4 }] });
  assert.equal(r.status, 200, r.body);
  await done(r.messageSid);
  const got = attacker.requests.slice(before);
  assert.equal(got.length, 1, 'the redirect target was fetched once');
  assert.equal(got[0].url, '/cdn/photo.png');
  assert.equal(got[0].headers.authorization, undefined, 'no credentials on a redirect');
  assert.equal(ticketOf(r.messageSid).comments[0].attachments.length, 1);
  // The emulator's own CDN refuses a second authentication, as a pre-signed URL does: the
  // ordinary path (same-origin redirect) must work without credentials too.
  const plain = await stack.send({ from: book.customer(), body: 'Another broken screen photo', media: [{ contentType: 'image/jpeg', size: 2000 }] });
  await done(plain.messageSid);
  assert.equal(ticketOf(plain.messageSid).comments[0].attachments[0]?.size, 2000);
});

test('a redirect from Zendesk or Twilio never re-sends the request body elsewhere', async () => {
  const before = attacker.requests.length;
  stack.fault('zendesk', [{ match: 'POST /api/v2/tickets.json', status: 307, headers: { Location: `${attacker.url}/steal` }, body: '' }]);
  stack.fault('twilio', [{ match: 'POST /2010-04-01/Accounts/', status: 307, headers: { Location: `${attacker.url}/steal` }, body: '' }]);
  const from = book.customer();
  const r = await stack.send({ from, body: 'My payment failed twice, please help' });
  await done(r.messageSid);
  assert.equal(attacker.requests.length, before, 'nothing reached the redirect target');
  assert.ok(ticketOf(r.messageSid), 'the ticket was created on a later attempt');
  assert.equal(stack.replies(`whatsapp:${from}`).length, 1, 'one confirmation, sent on a later attempt');
  const retried = stack.logLines().filter((l) => l.event === 'call.retry' && l.message_sid === r.messageSid);
  assert.ok(retried.some((l) => /redirect not followed/.test(l.reason)), JSON.stringify(retried));
});

test('a captured webhook replayed with a parameter folded into an identifier is refused', async () => {
  const from = book.customer();
  const params = twilioParams({ from, body: 'hi' });
  const original = signedForm(stack.webhookUrl, params);
  assert.equal((await post(original)).status, 200);
  await done(params.MessageSid);
  const repliesBefore = stack.replies(`whatsapp:${from}`).length;
  const ticketsBefore = stack.tickets().length;

  // Twilio's signature concatenates names and values: these carry the original signature.
  const { MessageType, ...rest } = params;
  const folded = new URLSearchParams({ ...rest, MessageSid: `${params.MessageSid}MessageType${MessageType}` });
  const r = await stack.post(folded.toString(), { headers: original.headers });
  assert.equal(r.status, 400);
  const body = await r.json();
  assert.equal(body.error, 'invalid_form');
  assert.match(body.detail, /MessageSid/);

  const { ApiVersion, ...noVersion } = params;
  const account = new URLSearchParams({ ...noVersion, AccountSid: `${params.AccountSid}ApiVersion${ApiVersion}` });
  const r2 = await stack.post(account.toString(), { headers: original.headers });
  assert.equal(r2.status, 400);
  assert.match((await r2.json()).detail, /AccountSid/);

  // Well-formed, signed, but another account's message.
  const other = signedForm(stack.webhookUrl, { ...twilioParams({ from }), AccountSid: `AC${'f'.repeat(32)}` });
  const r3 = await post(other);
  assert.equal(r3.status, 400);
  assert.match((await r3.json()).detail, /AccountSid/);

  await sleep(1500);
  assert.equal(stack.tickets().length, ticketsBefore, 'no ticket from a replay');
  assert.equal(stack.replies(`whatsapp:${from}`).length, repliesBefore, 'no reply to a replay');
});

test("a captured webhook re-split to move text out of Body into another sender is refused", async () => {
  // The victim's number sorts first, so that a repeated From keeps the signing order.
  const victim = book.customer();
  const attackerPhone = book.customer();
  const victimDigits = victim.slice(1);
  // The attacker's own message, ending in what a forged From needs.
  const params = twilioParams({ from: attackerPhone, body: `please help me with my order Fromwhatsapp:${victim}` });
  const original = signedForm(stack.webhookUrl, params);
  assert.equal((await post(original)).status, 200);
  await done(params.MessageSid);
  const ticketsBefore = stack.tickets().length;
  const body = 'please help me with my order ';
  const { From, Body, ...rest } = params;
  // Sorted by name and concatenated, the first two sign exactly as the original does
  // ("Body" body "From" "whatsapp:victim" "From"... "whatsapp:attacker"); the third also claims
  // the victim's WaId (and so no longer matches the signature).
  const forgeries = [
    [...Object.entries(rest), ['Body', body], ['From', `whatsapp:${victim}`], ['Fromwhatsapp:', From.slice('whatsapp:'.length)]],
    [...Object.entries(rest), ['Body', body], ['From', `whatsapp:${victim}`], ['From', From]],
    [...Object.entries(rest).map(([k, v]) => (k === 'WaId' ? [k, victimDigits] : [k, v])), ['Body', body], ['From', `whatsapp:${victim}`]],
  ];
  for (const pairs of forgeries) {
    const r = await stack.post(new URLSearchParams(pairs).toString(), { headers: original.headers });
    assert.ok([400, 403].includes(r.status), `forged sender: ${r.status}`);
  }
  // The first two really sign as the original: only the form check stops them.
  for (const pairs of forgeries.slice(0, 2)) {
    assert.equal(twilioSignature(SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN, stack.webhookUrl, pairs), original.headers['X-Twilio-Signature']);
    const r = await stack.post(new URLSearchParams(pairs).toString(), { headers: original.headers });
    assert.equal(r.status, 400, 'refused by the form check, not the signature');
  }
  await sleep(1000);
  assert.equal(stack.tickets().length, ticketsBefore, 'no ticket as the victim');
  assert.equal(stack.replies(`whatsapp:${victim}`).length, 0, 'nothing sent to the victim');
});

test('a sender without a phone number cannot be replaced by re-splitting a captured webhook', async () => {
  // Business-scoped ids (users who hide their number): nothing later in the signing string
  // pins them, so the MessageSid is claimed for its first sender.
  const stamp = String(Date.now());
  const victim = `US.${stamp}1`;
  const attackerId = `US.${stamp}2`;
  const params = twilioParams({ from: attackerId, body: `please help with my order Fromwhatsapp:${victim}Labelhome ` });
  const original = signedForm(stack.webhookUrl, params);
  assert.equal((await post(original)).status, 200);
  await done(params.MessageSid);
  assert.equal((await post(original)).status, 200, "Twilio's own retry is still a duplicate, not refused");
  const ticketsBefore = stack.tickets().length;
  const { Body, From, ...rest } = params;
  // The end of Body becomes a From of its own; the real From hides in a free-text Label.
  const forged = [...Object.entries(rest), ['Body', 'please help with my order '], ['From', `whatsapp:${victim}`], ['Label', `home ${'From'}${From}`]];
  assert.equal(twilioSignature(SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN, stack.webhookUrl, forged), original.headers['X-Twilio-Signature'], 'the forgery signs as the original');
  const r = await stack.post(new URLSearchParams(forged).toString(), { headers: original.headers });
  assert.equal(r.status, 400);
  assert.match((await r.json()).detail, /already received from another sender/);
  await sleep(1000);
  assert.equal(stack.tickets().length, ticketsBefore, 'no ticket as the victim');
  assert.equal(stack.replies(`whatsapp:${victim}`).length, 0, 'nothing sent to the victim');
});

test("a MediaUrl naming another resource on Twilio's API is not fetched with the credentials", async () => {
  const sid = `MM${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  const list = `${stack.apiUrl}/2010-04-01/Accounts/${SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID}/Messages.json?x=/Messages/${sid}/Media/ME${'0'.repeat(32)}`;
  const before = stack.requests('twilio').filter((q) => q.method === 'GET').length;
  const params = { ...twilioParams({ from: book.customer(), body: 'My invoice is wrong, see file', messageSid: sid }), NumMedia: '1', MediaUrl0: list, MediaContentType0: 'application/pdf' };
  assert.equal((await post(signedForm(stack.webhookUrl, params))).status, 200);
  await done(sid);
  assert.equal(stack.requests('twilio').filter((q) => q.method === 'GET').length, before, 'no GET to Twilio at all');
  assert.match(ticketOf(sid).comments[0].body, /refused: not this message's file/);
});

test('a status callback with a folded or unknown value is refused', async () => {
  const url = `${stack.gateway.url}/twilio/status?c=${'a'.repeat(64)}`;
  const base = { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered', AccountSid: SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID };
  for (const [params, field] of [
    [{ ...base, MessageSid: `${base.MessageSid}SmsSidSM1` }, /MessageSid/],
    [{ ...base, MessageStatus: 'deliveredSmsStatusdelivered' }, /MessageStatus/],
    [{ ...base, AccountSid: `AC${'f'.repeat(32)}` }, /AccountSid/],
    [{ ...base, ErrorCode: '30003From' }, /ErrorCode/],
  ]) {
    const f = signedForm(url, params);
    const r = await stack.post(f.body, { headers: f.headers, url });
    assert.equal(r.status, 400);
    assert.match((await r.json()).detail, field);
  }
});

/**
 * Streams up to `total` bytes in 64 KiB chunks without Content-Length, a chunk every 4 ms, and
 * stops when the answer comes (or the server resets the connection after answering: a reset can
 * overtake the answer, so the Worker's own log line is the evidence too).
 */
function chunkedPost(url, contentType, total) {
  return new Promise((resolve) => {
    let written = 0;
    let outcome = null;
    const finish = (o) => { if (!outcome) { outcome = { ...o, written }; req.destroy(); resolve(outcome); } };
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': contentType, 'Transfer-Encoding': 'chunked' } }, (res) => {
      const status = res.statusCode;
      res.resume();
      res.on('end', () => finish({ status }));
      res.on('error', () => finish({ status }));
    });
    req.on('error', (e) => setTimeout(() => finish({ error: e.code }), 200));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      if (outcome || req.destroyed) return;
      if (written >= total) return req.end();
      written += chunk.length;
      if (req.write(chunk)) setTimeout(pump, 4);
      else req.once('drain', pump);
    };
    pump();
  });
}

test('a chunked body without Content-Length is refused as it passes the cap, not read whole', async () => {
  const total = 64 * 1024 * 1024;
  // Straight to workerd: wrangler dev's proxy buffers megabytes of a request and sometimes
  // resets the connection when the Worker answers before the body is consumed.
  const base = (await stack.gateway.runtimeUrl()) ?? stack.gateway.url;
  for (const [path, type] of [['/twilio/whatsapp', 'application/x-www-form-urlencoded'], ['/zendesk/events', 'application/json']]) {
    const a = await chunkedPost(`${base}${path}`, type, total);
    if (a.status !== undefined) assert.equal(a.status, 413, `${path}: ${JSON.stringify(a)}`);
    // The server closed the connection on the sender: seen as a reset, or as a broken pipe
    // when the sender was writing at that instant (timing on a loaded machine).
    else assert.ok(['ECONNRESET', 'EPIPE'].includes(a.error), `${path}: ${a.error}`);
    // Not read whole: answered long before the sender is done (a loaded machine may take a
    // second or two to answer, hence the margin).
    assert.ok(a.written < total / 2, `${path}: answered after ${a.written} of ${total} bytes`);
    await stack.waitForLogLine((l) => l.event === 'webhook.refused' && l.endpoint === path && l.status === 413, `413 on ${path}`);
  }
});

test("a customer's file over MEDIA_MAX_BYTES without a declared size stops downloading at the limit", async () => {
  const size = 12 * MAX_MEDIA;
  const r = await stack.send({ from: book.customer(), body: 'The video of the broken device', media: [{ contentType: 'video/mp4', size, chunked: true }] });
  await done(r.messageSid);
  const body = ticketOf(r.messageSid).comments[0].body;
  assert.match(body, new RegExp(`more than \\d+ bytes, over the ${MAX_MEDIA} byte limit`), body);
  // The byte count in the log is a number, not a masked "phone number" (`+52***00 bytes`).
  const line = await stack.waitForLogLine((l) => l.event === 'media.not_attached' && l.message_sid === r.messageSid);
  assert.match(line.reason, new RegExp(`^more than \\d+ bytes, over the ${MAX_MEDIA} byte limit`), line.reason);
  const blob = [...stack.emulator.state.mediaBlobs.values()].find((b) => b.chunked);
  await waitFor(() => blob.aborted || blob.sent === size, { what: 'the download ended' });
  assert.ok(blob.aborted, 'the gateway stopped reading');
  assert.ok(blob.sent < size / 2, `sent ${blob.sent} of ${size}`);
});

test('files past the 10 the gateway takes from one message are listed on the ticket, not dropped', async () => {
  const media = Array.from({ length: 12 }, () => ({ contentType: 'image/jpeg', size: 100 }));
  const r = await stack.send({ from: book.customer(), body: 'Photos of every broken part', media });
  await done(r.messageSid);
  const c = ticketOf(r.messageSid).comments[0];
  assert.equal(c.attachments.length, 10);
  assert.equal(c.body.match(/over the 10 files the gateway takes from one message/g)?.length, 2, c.body);
});

/** An agent's reply with one file; returns the link Twilio was given and Twilio's record. */
async function agentFile(name, size = 3000) {
  const from = book.customer();
  const r = await stack.send({ from, body: 'Please send me the invoice, billing problem' });
  await done(r.messageSid);
  const t = ticketOf(r.messageSid);
  await waitFor(async () => JSON.parse((await stack.emulator.zendeskWebhook(t.id)).body).status === 'accepted', { what: 'indexed' });
  await stack.emulator.agentComments(t.id, 'Attached.', { files: [{ name, contentType: 'application/pdf', size }] });
  const file = await waitFor(() => stack.replies(`whatsapp:${from}`).find((m) => m.media), { what: 'the file sent' });
  return file;
}

test('file links are opaque, names are safe headers, HEAD does not download, a hanging Zendesk times out', async () => {
  const cyrillic = await agentFile('счёт.pdf', 3000);
  assert.deepEqual(cyrillic.media, { status: 200, content_type: 'application/pdf', bytes: 3000, file_name: 'счёт.pdf' });
  const token = cyrillic.media_url.split('/media/')[1];
  const payload = Buffer.from(token.split('.')[0], 'base64url').toString('utf8');
  assert.match(payload, /^\{"a":\d+,"e":\d+\}$/, `the link names an attachment id only: ${payload}`);

  const crlf = await agentFile('bad\r\nSet-Cookie: x=1.pdf', 1000);
  assert.equal(crlf.media.status, 200, 'a CR/LF in the name is not a 500');
  assert.equal(crlf.media.file_name, 'badSet-Cookie: x=1.pdf');

  const file = [...stack.emulator.state.files.values()].find((f) => f.attachment.file_name === 'счёт.pdf');
  const downloads = file.downloads;
  const head = await fetch(cyrillic.media_url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '3000');
  assert.equal(head.headers.get('content-type'), 'application/pdf');
  assert.equal(file.downloads, downloads, 'HEAD did not download the file');

  // A link no one has fetched yet: its attachment is not in the cache, so it is looked up.
  const fresh = await zendeskAttachment(stack, 'slow.pdf', 'application/pdf', 1000);
  stack.fault('zendesk', [{ match: `GET /api/v2/attachments/${fresh.id}.json`, delayMs: 15_000, status: 200 }]);
  const started = Date.now();
  const hung = await fetch(mediaLink(stack, fresh.id), { signal: AbortSignal.timeout(20_000) });
  assert.equal(hung.status, 502);
  assert.ok(Date.now() - started < 8000, `answered after ${Date.now() - started} ms (UPSTREAM_TIMEOUT_MS is 2000)`);

  // No structured log line carries a whole link.
  for (const t of [token, crlf.media_url.split('/media/')[1]]) {
    assert.ok(!stack.logLines().some((l) => JSON.stringify(l).includes(t)), 'a full media token in a log line');
  }
});

test("Zendesk's credentials go to Zendesk's origin only, compared parsed", async () => {
  // A link no one has fetched yet, so that its look-up reaches Zendesk (the emulator).
  const file = await zendeskAttachment(stack, 'contract.pdf', 'application/pdf', 500);
  const link = mediaLink(stack, file.id);
  const zendeskHost = new URL(stack.apiUrl).host;
  const before = attacker.requests.length;
  // Zendesk's attachment look-up answers with a content URL that only looks like Zendesk's.
  const attachment = { id: file.id, file_name: 'x.pdf', content_type: 'application/pdf', size: 4, content_url: `${attacker.url}\\.${zendeskHost}/x.pdf` };
  stack.fault('zendesk', [{ match: `GET /api/v2/attachments/${file.id}.json`, status: 200, body: { attachment } }]);
  const r = await fetch(link);
  await r.arrayBuffer();
  const got = attacker.requests.slice(before);
  assert.equal(got.length, 1);
  assert.equal(got[0].headers.authorization, undefined, 'no Zendesk credentials to a look-alike host');
});

/** Reads an answer's body to its end; what happened: `{ bytes }`, or `{ error }` when it broke off. */
const readAll = (r) => r.arrayBuffer().then((b) => ({ bytes: b.byteLength }), (error) => ({ error }));
const testGaveUp = (outcome) => ['TimeoutError', 'AbortError'].includes(outcome.error?.name);

test("an agent's file whose download never answers, or stalls after its headers, is cut off within the deadline", async () => {
  // Twilio has fetched the file once: the look-up is in the cache, the content never is.
  const link = (await agentFile('stalled.pdf', 3000)).media_url;
  const limit = 12_000; // the test's own bound; the gateway's is 2 x UPSTREAM_TIMEOUT_MS = 4000 ms

  // No headers at all.
  const hang = { match: 'GET /zendesk-files/', hang: true };
  stack.fault('zendeskFiles', [hang]);
  let started = Date.now();
  const unanswered = await fetch(link, { signal: AbortSignal.timeout(limit) }).catch((e) => assert.fail(`no answer: the test gave up after ${limit} ms (${e.name})`));
  assert.equal(unanswered.status, 502, 'the headers never came: a 502 after UPSTREAM_TIMEOUT_MS');
  assert.ok(Date.now() - started < 8000, `answered after ${Date.now() - started} ms`);
  await waitFor(() => hang.closedAfterMs !== undefined, { what: 'the gateway closed the hung download' });
  await stack.waitForLogLine((l) => l.event === 'media.fetch_failed' && l.step === 'content' && l.status === 'timeout', 'content timeout');

  // Headers and the first bytes, then nothing: the headers have gone on to Twilio, so the
  // answer can only break off (never end as if the file were whole).
  const stall = { match: 'GET /zendesk-files/', stallBody: true, status: 200, headers: { 'Content-Type': 'application/pdf', 'Content-Length': '3000' }, body: '%PDF-1.4\n' };
  stack.fault('zendeskFiles', [stall]);
  started = Date.now();
  const stalled = await fetch(link, { signal: AbortSignal.timeout(limit) }).catch((e) => assert.fail(`no answer: the test gave up after ${limit} ms (${e.name})`));
  assert.equal(stalled.status, 200);
  const outcome = await readAll(stalled);
  assert.ok(!testGaveUp(outcome), `the body never ended: the test gave up after ${Date.now() - started} ms`);
  assert.ok(outcome.error || outcome.bytes < 3000, `a cut-off file is never whole: ${JSON.stringify(outcome)}`);
  assert.ok(Date.now() - started < 8000, `cut off after ${Date.now() - started} ms`);
  await waitFor(() => stall.closedAfterMs !== undefined, { what: 'the gateway closed the stalled download' });
  await stack.waitForLogLine((l) => l.event === 'media.fetch_failed' && l.step === 'body' && l.status === 'timeout', 'body timeout');
});

test("a customer's file whose download stalls after its headers is retried, never waited on forever", async () => {
  const account = SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID;
  const stall = { match: `GET /2010-04-01/Accounts/${account}/Messages/`, stallBody: true, status: 200, headers: { 'Content-Type': 'image/jpeg', 'Content-Length': '3000' }, body: Buffer.alloc(100, 0xff) };
  stack.fault('twilio', [stall]);
  const r = await stack.send({ from: book.customer(), body: 'Photo of the broken screen', media: [{ contentType: 'image/jpeg', size: 3000 }] });
  assert.equal(r.status, 200, r.body);
  await done(r.messageSid);
  await waitFor(() => stall.closedAfterMs !== undefined, { what: 'the gateway closed the stalled download' });
  assert.ok(stall.closedAfterMs < 10_000, `the stalled download was held ${stall.closedAfterMs} ms (bound: 2 x UPSTREAM_TIMEOUT_MS)`);
  assert.equal(ticketOf(r.messageSid).comments[0].attachments[0]?.size, 3000, 'attached on a later attempt');
});
