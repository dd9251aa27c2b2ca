// Twilio's side of the emulator: the REST API the gateway calls (messages, media, accounts), what
// WhatsApp then does (delivery, signed status callbacks), and the customer's phone (inbound
// messages signed as Twilio signs its webhooks).
import crypto from 'node:crypto';
import { basicAuth, send, sleep, rfc2822, sampleBytes, newMessageSid, twilioSignature } from './common.mjs';

export const twilioError = (status, code, message) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** The sandbox's one WhatsApp sender (Senders API, below): its SID is `XE` and 32 hex digits. */
export const SANDBOX_SENDER_SID = 'XE00000000000000000000000000000001';
export const MESSAGING_API = 'https://messaging.twilio.com';

/**
 * The WhatsApp sender of the sandbox's number as Twilio's Senders API returns it (Public Beta,
 * https://www.twilio.com/docs/whatsapp/api/senders; field names as in twilio-go's
 * MessagingV2ChannelsSenderResponse): its webhook still points at Twilio's demo reply, as a new
 * sender's does until someone changes it.
 */
export function whatsappSender(creds, sid = SANDBOX_SENDER_SID) {
  return {
    sid,
    status: 'ONLINE',
    sender_id: `whatsapp:${creds.TWILIO_WHATSAPP_NUMBER}`,
    configuration: { waba_id: '1234567890', verification_method: 'sms', verification_code: null, voice_application_sid: null },
    webhook: { callback_url: 'https://demo.twilio.com/welcome/sms/reply/', callback_method: 'POST', fallback_url: null, fallback_method: 'POST', status_callback_url: null, status_callback_method: 'POST' },
    profile: { name: 'Sandbox Support', about: null, address: null, description: null, emails: null, logo_url: null, vertical: null, websites: null },
    properties: { quality_rating: 'HIGH', messaging_limit: '1K Customers/24hr' },
    offline_reasons: null,
    url: `${MESSAGING_API}/v2/Channels/Senders/${sid}`,
  };
}

/** @param {object} ctx the emulator's shared context: `s` (state), `creds`, `selfUrl`, `gatewayUrl`, `contentTemplate` */
export function twilioApi(ctx) {
  function renderTemplate(variablesJson) {
    let vars = {};
    try { vars = JSON.parse(variablesJson || '{}'); } catch { return null; }
    return ctx.contentTemplate.replace(/\{\{(\d+)\}\}/g, (_, n) => (vars[n] ?? ''));
  }

  async function twilio(req, res, url, raw) {
    const a = basicAuth(req);
    // Media can be fetched without credentials (the account's default); given ones must be right.
    const mediaFetch = req.method === 'GET' && /\/Media\/[^/.]+$/.test(url.pathname);
    if ((!mediaFetch || a) && (!a || a.user !== ctx.creds.TWILIO_ACCOUNT_SID || a.pass !== ctx.creds.TWILIO_AUTH_TOKEN)) {
      return send(res, 401, twilioError(401, 20003, 'Authenticate'), { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
    }
    const acct = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\.json$/);
    if (acct && req.method === 'GET') {
      if (acct[1] !== ctx.creds.TWILIO_ACCOUNT_SID) return send(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
      return send(res, 200, { sid: ctx.creds.TWILIO_ACCOUNT_SID, friendly_name: 'Sandbox account', status: 'active', type: 'Full', owner_account_sid: ctx.creds.TWILIO_ACCOUNT_SID, date_created: rfc2822(), date_updated: rfc2822(), uri: `/2010-04-01/Accounts/${ctx.creds.TWILIO_ACCOUNT_SID}.json` });
    }
    const media = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/);
    if (media && req.method === 'GET') {
      if (!ctx.s.mediaBlobs.has(media[3])) return send(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
      // Twilio answers with a redirect to a short-lived CDN URL.
      res.writeHead(307, { Location: `${ctx.selfUrl}/__cdn/${media[3]}` });
      return res.end();
    }
    const m = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    if (!m) return send(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
    if (m[1] !== ctx.creds.TWILIO_ACCOUNT_SID) return send(res, 404, twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${m[1]}/Messages.json was not found`));
    if (req.method === 'GET') {
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const size = Math.min(1000, Number(url.searchParams.get('PageSize') || 50));
      const list = ctx.s.messages.filter((m) => (!to || m.to === to) && (!from || m.from === from)).slice().reverse().slice(0, size)
        .map(({ content_sid, content_variables, created_ms, status_callback, delivery, ...resource }) => resource);
      return send(res, 200, { messages: list, end: list.length - 1, first_page_uri: url.pathname, next_page_uri: null, page: 0, page_size: size, previous_page_uri: null, start: 0, uri: url.pathname + url.search });
    }
    if (req.method !== 'POST') return send(res, 405, twilioError(405, 20004, 'Method not allowed'));
    const form = new URLSearchParams(raw.toString('utf8'));
    const to = form.get('To');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body');
    const contentSid = form.get('ContentSid');
    if (!to) return send(res, 400, twilioError(400, 21604, "A 'To' phone number is required."));
    if (!from && !service) return send(res, 400, twilioError(400, 21603, "A 'From' phone number is required."));
    if (!body && !contentSid && !form.get('MediaUrl')) return send(res, 400, twilioError(400, 21602, 'Message body is required.'));
    // Twilio counts the Body's 1,600 characters as JavaScript's `length` does, in UTF-16 code
    // units (an emoji outside the BMP counts as two), and refuses a longer one whole: 400,
    // error 21617 (https://www.twilio.com/docs/api/errors/21617: "emojis, emoticons or non-GSM
    // characters will be counted as multiple characters").
    if (body && body.length > 1600) return send(res, 400, twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'));
    if (!/^whatsapp:(\+\d{6,15}|[A-Za-z0-9._-]+)$/.test(to)) return send(res, 400, twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`));
    if (contentSid && !/^HX[0-9a-f]{32}$/i.test(contentSid) && !contentSid.startsWith('HX')) return send(res, 400, twilioError(400, 21656, 'The ContentSid is Invalid.'));
    let rendered = body || '';
    if (contentSid) {
      rendered = renderTemplate(form.get('ContentVariables'));
      if (rendered === null) return send(res, 400, twilioError(400, 21656, 'The ContentVariables Parameter is invalid.'));
    }
    const now = new Date();
    const sid = newMessageSid();
    const resource = {
      account_sid: ctx.creds.TWILIO_ACCOUNT_SID,
      api_version: '2010-04-01',
      body: rendered,
      date_created: rfc2822(now),
      date_sent: null,
      date_updated: rfc2822(now),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: from || null,
      messaging_service_sid: service || null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: null,
      sid,
      status: service ? 'accepted' : 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${ctx.creds.TWILIO_ACCOUNT_SID}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${ctx.creds.TWILIO_ACCOUNT_SID}/Messages/${sid}.json`,
    };
    const mediaUrl = form.get('MediaUrl');
    if (mediaUrl) resource.num_media = '1';
    const stored = { ...resource, content_sid: contentSid || null, content_variables: form.get('ContentVariables') || null, created_ms: Date.now(), status_callback: form.get('StatusCallback') || null, delivery: [], media_url: mediaUrl || null, media: null };
    ctx.s.messages.push(stored);
    send(res, 201, resource);
    // What WhatsApp then does, reported as Twilio does: signed status callbacks.
    if (mediaUrl) {
      // Twilio fetches the file to send it: record what it got.
      try {
        const r = await fetch(mediaUrl);
        const bytes = Buffer.from(await r.arrayBuffer());
        stored.media = { status: r.status, content_type: r.headers.get('content-type'), bytes: bytes.length, file_name: fileNameOf(r.headers.get('content-disposition')) };
      } catch (e) {
        stored.media = { status: 0, error: String(e.message || e) };
      }
    }
    const fault = ctx.s.deliveryFaults.shift();
    const windowClosed = !contentSid && ctx.s.closedWindows.has(to);
    const steps = fault ? [['sent'], [fault.status || 'undelivered', fault.code]]
      : windowClosed ? [['failed', 63016]] : [['sent'], ['delivered'], ['read']];
    (async () => {
      for (const [status, code] of steps) {
        await sleep(40);
        stored.status = status;
        stored.error_code = code ?? null;
        stored.delivery.push(status);
        if (stored.status_callback) await statusCallback(stored, status, code).catch(() => {});
      }
    })();
    return;
  }

  /**
   * Twilio's Senders API (messaging.twilio.com/v2/Channels/Senders, Public Beta): list the
   * account's WhatsApp senders, fetch one, and update one (POST with a JSON body; a `webhook`
   * object sets its inbound and status-callback URLs). Basic auth with the account's SID and
   * auth token; an unknown SID is 404 with Twilio's error body.
   */
  /**
   * WhatsApp's typing indicator (Public Beta, https://www.twilio.com/docs/whatsapp/api/typing-indicators-resource):
   * `POST /v2/Indicators/Typing.json`, form `messageId` (the inbound SM/MM SID) and
   * `channel=whatsapp`, Basic auth; answers 200 `{"success": true}`. Twilio also marks the
   * message read; the emulator records the call (`typing`).
   */
  function typing(req, res, url, raw) {
    const a = basicAuth(req);
    if (!a || a.user !== ctx.creds.TWILIO_ACCOUNT_SID || a.pass !== ctx.creds.TWILIO_AUTH_TOKEN) {
      return send(res, 401, twilioError(401, 20003, 'Authenticate'), { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
    }
    if (url.pathname !== '/v2/Indicators/Typing.json') return send(res, 404, twilioError(404, 20404, `The requested resource ${url.pathname} was not found`));
    if (req.method !== 'POST') return send(res, 405, twilioError(405, 20004, 'Method not allowed'));
    const form = new URLSearchParams(raw.toString('utf8'));
    const messageId = form.get('messageId');
    const channel = form.get('channel');
    if (!messageId || !/^(SM|MM)[0-9a-fA-F]{32}$/.test(messageId)) return send(res, 400, twilioError(400, 20001, 'Invalid parameter messageId'));
    if (channel !== 'whatsapp') return send(res, 400, twilioError(400, 20001, 'Invalid parameter channel'));
    ctx.s.typing.push({ messageId, channel, at: Date.now() });
    return send(res, 200, { success: true });
  }

  function senders(req, res, url, raw) {
    const a = basicAuth(req);
    if (!a || a.user !== ctx.creds.TWILIO_ACCOUNT_SID || a.pass !== ctx.creds.TWILIO_AUTH_TOKEN) {
      return send(res, 401, twilioError(401, 20003, 'Authenticate'), { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
    }
    if (url.pathname === '/v2/Channels/Senders' && req.method === 'GET') {
      const channel = url.searchParams.get('Channel');
      if (!channel) return send(res, 400, twilioError(400, 20001, 'Missing required parameter Channel'));
      const size = Math.min(100, Number(url.searchParams.get('PageSize') || 20));
      const list = channel.toLowerCase() === 'whatsapp' ? [...ctx.s.senders.values()] : [];
      const pageUrl = `${MESSAGING_API}/v2/Channels/Senders?Channel=${channel}&PageSize=${size}&Page=0`;
      return send(res, 200, { senders: list.slice(0, size), meta: { page: 0, page_size: size, first_page_url: pageUrl, previous_page_url: null, url: pageUrl, next_page_url: null, key: 'senders' } });
    }
    const one = url.pathname.match(/^\/v2\/Channels\/Senders\/([^/]+)$/);
    if (!one) return send(res, 404, twilioError(404, 20404, `The requested resource ${url.pathname} was not found`));
    const sender = ctx.s.senders.get(one[1]);
    if (!sender) return send(res, 404, twilioError(404, 20404, `The requested resource ${url.pathname} was not found`));
    if (req.method === 'GET') return send(res, 200, sender);
    if (req.method !== 'POST') return send(res, 405, twilioError(405, 20004, 'Method not allowed'));
    if (!(req.headers['content-type'] || '').startsWith('application/json')) return send(res, 415, twilioError(415, 20001, 'Unsupported media type: the body must be JSON'));
    let body;
    try { body = JSON.parse(raw.toString('utf8')); } catch { return send(res, 400, twilioError(400, 20001, 'Invalid JSON body')); }
    const hook = body?.webhook ?? {};
    for (const k of ['callback_url', 'fallback_url', 'status_callback_url']) {
      if (hook[k] != null && !/^https?:\/\/[^\s]+$/.test(hook[k])) return send(res, 400, twilioError(400, 20001, `Invalid parameter webhook.${k}`));
    }
    for (const k of ['callback_method', 'fallback_method', 'status_callback_method']) {
      if (hook[k] != null && !['POST', 'PUT'].includes(hook[k])) return send(res, 400, twilioError(400, 20001, `Invalid parameter webhook.${k}: POST or PUT`));
    }
    Object.assign(sender.webhook, Object.fromEntries(Object.entries(hook).filter(([k]) => k in sender.webhook)));
    return send(res, 200, sender);
  }

  /** Where Twilio posts a customer's message to `to`: the sender's webhook, once one is set. */
  function inboundUrlFor(to) {
    const sender = [...ctx.s.senders.values()].find((s) => s.sender_id === to);
    return sender && !sender.webhook.callback_url.startsWith('https://demo.twilio.com/') ? sender.webhook.callback_url : null;
  }

  async function statusCallback(message, status, code) {
    const params = [
      ['SmsSid', message.sid], ['SmsStatus', status], ['MessageStatus', status], ['ChannelToAddress', message.to.replace(/^whatsapp:/, '').replace(/\d{4}$/, 'XXXX')],
      ['To', message.to], ['ChannelPrefix', 'whatsapp'], ['MessageSid', message.sid], ['AccountSid', ctx.creds.TWILIO_ACCOUNT_SID],
      ['From', message.from || ''], ['ApiVersion', '2010-04-01'], ['ChannelInstallSid', 'XE00000000000000000000000000000000'],
      ...(code ? [['ErrorCode', String(code)]] : []),
    ];
    const signature = twilioSignature(ctx.creds.TWILIO_AUTH_TOKEN, message.status_callback, params);
    await fetch(message.status_callback, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature, 'User-Agent': 'TwilioProxy/1.1' },
      body: new URLSearchParams(params).toString(),
    });
  }

  /** Sends a WhatsApp message to the gateway exactly as Twilio does (all fields, signed). */
  async function customerSends({ from = '+15550001234', to = ctx.creds.TWILIO_WHATSAPP_NUMBER, messagingServiceSid = null, body = '', profileName = 'Sandbox Customer', messageSid = newMessageSid(), extra = {}, signWith, url, signUrl, media = [], location = null, button = null } = {}) {
    if (media.length) messageSid = messageSid.replace(/^SM/, 'MM');
    const mediaParams = media.flatMap((f, i) => {
      const id = `ME${crypto.randomBytes(16).toString('hex')}`;
      const contentType = f.contentType || 'image/jpeg';
      ctx.s.mediaBlobs.set(id, { contentType, bytes: f.bytes || sampleBytes(contentType, f.size), chunked: !!f.chunked });
      return [[`MediaContentType${i}`, contentType], [`MediaUrl${i}`, `${ctx.selfUrl}/2010-04-01/Accounts/${ctx.creds.TWILIO_ACCOUNT_SID}/Messages/${messageSid}/Media/${id}`]];
    });
    const locationParams = location ? [['Latitude', String(location.latitude)], ['Longitude', String(location.longitude)], ...(location.address ? [['Address', location.address]] : []), ...(location.label ? [['Label', location.label]] : [])] : [];
    // A pressed quick-reply button: `MessageType` button, its text as the body and in
    // `ButtonText`, its id in `ButtonPayload` (https://www.twilio.com/docs/messaging/guides/webhook-request).
    if (button) body = button.text;
    const buttonParams = button ? [['ButtonText', button.text], ['ButtonPayload', button.payload]] : [];
    const messageType = button ? 'button' : location ? 'location' : media.length ? (media[0].contentType || 'image/jpeg').split('/')[0].replace('application', 'document') : 'text';
    // The sender's inbound URL when the Senders API set one (npm run setup --twilio-sender), else
    // the gateway the sandbox was started for.
    const waTo = String(to).startsWith('whatsapp:') ? String(to) : `whatsapp:${to}`;
    const target = url || inboundUrlFor(waTo) || inboundUrlFor(`whatsapp:${ctx.creds.TWILIO_WHATSAPP_NUMBER}`) || ctx.gatewayUrl;
    const waFrom = from.startsWith('whatsapp:') ? from : `whatsapp:${from}`;
    const params = [
      ['SmsMessageSid', messageSid], ['NumMedia', String(media.length)], ['ProfileName', profileName], ['MessageType', messageType], ...mediaParams, ...locationParams, ...buttonParams,
      ['SmsSid', messageSid], ['WaId', waFrom.replace(/^whatsapp:\+?/, '')], ['SmsStatus', 'received'], ['Body', body],
      ['To', waTo], ['NumSegments', '1'], ['ReferralNumMedia', '0'],
      // Twilio adds the service for a number in a Messaging Service's sender pool.
      ...(messagingServiceSid ? [['MessagingServiceSid', messagingServiceSid]] : []),
      ['MessageSid', messageSid], ['AccountSid', ctx.creds.TWILIO_ACCOUNT_SID], ['From', waFrom], ['ApiVersion', '2010-04-01'],
      ...Object.entries(extra),
    ];
    const signature = twilioSignature(signWith ?? ctx.creds.TWILIO_AUTH_TOKEN, signUrl || target, params);
    const entry = { message_sid: messageSid, from: waFrom, to: waTo, body, sent_ms: Date.now(), gateway_status: null, gateway_ms: null, media: media.map((f) => f.contentType || 'image/jpeg'), location };
    ctx.s.closedWindows.delete(waFrom); // the customer wrote: WhatsApp's window opens
    ctx.s.inbound.push(entry);
    const started = performance.now();
    try {
      const r = await fetch(target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature, 'I-Twilio-Idempotency-Token': crypto.randomUUID(), 'User-Agent': 'TwilioProxy/1.1' },
        body: new URLSearchParams(params).toString(),
      });
      entry.gateway_status = r.status;
      entry.gateway_body = await r.text();
    } catch (e) {
      // No answer at all (Twilio would log error 11200): most often `npm start` is still
      // building the gateway; say so rather than a bare "fetch failed".
      entry.gateway_status = 0;
      entry.gateway_body = `the gateway did not answer (${e.message || e}): if it is still starting, wait for "Press Ctrl-C" in the output of npm start and send again`;
    }
    entry.gateway_ms = performance.now() - started;
    return { messageSid, status: entry.gateway_status, body: entry.gateway_body, ms: entry.gateway_ms };
  }

  /**
   * Twilio's CDN, where a media URL redirects: a pre-signed URL that, like S3's, refuses a
   * second authentication (the account's credentials must not follow the redirect). A blob
   * marked `chunked` is sent without Content-Length, in 64 KiB chunks, and the download is
   * recorded (`served`, `aborted` when the reader stopped early).
   */
  async function serveMedia(req, res, id) {
    const blob = ctx.s.mediaBlobs.get(id);
    if (!blob) return send(res, 404, 'Not Found');
    if (req.headers.authorization) {
      return send(res, 400, '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>', { 'Content-Type': 'application/xml' });
    }
    blob.downloads = (blob.downloads || 0) + 1;
    if (!blob.chunked) {
      res.writeHead(200, { 'Content-Type': blob.contentType, 'Content-Length': blob.bytes.length });
      return res.end(blob.bytes);
    }
    res.writeHead(200, { 'Content-Type': blob.contentType });
    let sent = 0;
    blob.aborted = false;
    res.on('close', () => { if (sent < blob.bytes.length) blob.aborted = true; });
    while (sent < blob.bytes.length && !res.destroyed) {
      const chunk = blob.bytes.subarray(sent, sent + 64 * 1024);
      sent += chunk.length;
      if (!res.write(chunk)) await new Promise((r) => { res.once('drain', r); res.once('close', r); });
      await sleep(2);
    }
    blob.sent = sent;
    if (!res.destroyed) res.end();
  }

  /** The file name a client reads from Content-Disposition: RFC 6266's filename* first. */
  function fileNameOf(disposition) {
    const d = disposition || '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(d);
    if (star) return decodeURIComponent(star[1]);
    return /filename="([^"]+)"/.exec(d)?.[1] || null;
  }

  return { handle: twilio, senders, typing, serveMedia, customerSends };
}
