// The local stand-in for Zendesk's and Twilio's APIs, and the customer's phone.
// One emulator serves both `npm start` (the sandbox page) and the end-to-end tests.
// It behaves like the real APIs where the gateway depends on it: Basic auth checked (401 with
// the real error bodies), 201 bodies shaped as the real answers, 429 with Retry-After,
// Zendesk's Idempotency-Key, and injectable faults and latency.
import http from 'node:http';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';

const PAGE = new URL('./page.html', import.meta.url);

export const SANDBOX_CREDENTIALS = Object.freeze({
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000sandbox',
  TWILIO_AUTH_TOKEN: 'sandbox-twilio-auth-token-0001',
  TWILIO_WHATSAPP_NUMBER: '+14155238886',
  ZENDESK_API_KEY: 'sandbox-zendesk-api-token-0001',
  ZENDESK_DOMAIN: 'sandbox.zendesk.com',
  ZENDESK_EMAIL: 'agent@sandbox.example',
  ZENDESK_WEBHOOK_SECRET: 'sandbox-zendesk-webhook-secret-0001',
});

/** Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp + body)). */
export function zendeskSignature(secret, timestamp, body) {
  return crypto.createHmac('sha256', secret).update(timestamp + body).digest('base64');
}

/** The agent who answers in the sandbox (a Zendesk user other than the requester). */
export const SANDBOX_AGENT = Object.freeze({ id: 7001, name: 'Sam Agent' });

/** Twilio's webhook signature: base64(HMAC-SHA1(token, url + sorted name+value pairs)). */
export function twilioSignature(authToken, url, params) {
  const pairs = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + pairs.map(([k, v]) => k + v).join('');
  return crypto.createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

const hex = (n) => crypto.randomBytes(n).toString('hex');
export const newMessageSid = () => `SM${hex(16)}`;
const rfc2822 = (d = new Date()) => d.toUTCString().replace('GMT', '+0000');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function basicAuth(req) {
  const h = req.headers.authorization || '';
  if (!h.startsWith('Basic ')) return null;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(text);
}

/**
 * @param {object} opts
 * @param {string} [opts.gatewayUrl] where the customer's phone posts webhooks (.../twilio/whatsapp)
 * @param {object} [opts.credentials] overrides of SANDBOX_CREDENTIALS
 * @param {string} [opts.contentTemplate] how the sandbox renders the Content template
 */
export function createEmulator(opts = {}) {
  const creds = { ...SANDBOX_CREDENTIALS, ...(opts.credentials || {}) };
  const contentTemplate = opts.contentTemplate || 'Ticket #{{2}} created: "{{1}}". We\'ll get back to you soon.';
  let gatewayUrl = opts.gatewayUrl || 'http://127.0.0.1:8787/twilio/whatsapp';
  let selfUrl = 'http://127.0.0.1:0';

  const fresh = () => ({
    tickets: new Map(), // id -> ticket
    users: new Map(), // email -> user
    idempotency: new Map(), // key -> {hash, status, body}
    messages: [], // outbound Twilio messages (replies to customers)
    inbound: [], // messages the customer's phone sent to the gateway
    requests: [], // every API request received: {api, method, path, headers, body, status}
    faults: { zendesk: [], twilio: [] },
    latencyMs: { zendesk: 0, twilio: 0 },
    rateLimit: { zendesk: null }, // token bucket, see setRateLimit
    closedWindows: new Set(), // WhatsApp addresses whose 24-hour window is closed
    deliveryFaults: [], // [{code, status}] applied to the next sends' status callbacks
    webhookCalls: [], // Zendesk webhook deliveries to the gateway: {ticket_id, status}
    mediaBlobs: new Map(), // Twilio media id -> {contentType, bytes}
    uploads: new Map(), // Zendesk upload token -> attachment
    files: new Map(), // Zendesk attachment id -> {attachment, bytes}
    nextAttachmentId: 70001,
    apiUserRole: opts.apiUserRole || 'admin', // the Zendesk API user's role (setup checks it)
    webhooks: new Map(), // id -> webhook
    triggers: new Map(), // id -> trigger
    nextTriggerId: 360001,
    nextTicketId: 1001,
    nextUserId: 9001,
    nextCommentId: 50001,
  });
  let s = fresh();

  // ---------- Zendesk ----------
  function zendeskAuthOk(req) {
    const a = basicAuth(req);
    return a && a.user === `${creds.ZENDESK_EMAIL}/token` && a.pass === creds.ZENDESK_API_KEY;
  }

  function upsertUser(requester) {
    const email = String(requester.email || '').toLowerCase();
    let user = s.users.get(email);
    if (!user) {
      user = { id: s.nextUserId++, name: requester.name, email, role: 'end-user', created_at: new Date().toISOString() };
      s.users.set(email, user);
    }
    return user;
  }

  function ticketResource(t) {
    return {
      url: `https://${creds.ZENDESK_DOMAIN}/api/v2/tickets/${t.id}.json`,
      id: t.id,
      external_id: t.external_id ?? null,
      via: t.via_followup_source_id
        ? { channel: 'api', source: { from: { ticket_id: t.via_followup_source_id, subject: s.tickets.get(t.via_followup_source_id)?.subject ?? '' }, to: {}, rel: 'follow_up' } }
        : { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: t.created_at,
      updated_at: t.updated_at,
      type: t.type,
      subject: t.subject,
      raw_subject: t.subject,
      description: t.comments[0]?.body ?? '',
      priority: t.priority,
      status: t.status,
      recipient: null,
      requester_id: t.requester_id,
      submitter_id: t.requester_id,
      assignee_id: null,
      organization_id: null,
      group_id: null,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      forum_topic_id: null,
      problem_id: null,
      has_incidents: false,
      is_public: true,
      due_at: null,
      tags: t.tags,
      custom_fields: [],
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      custom_status_id: 1,
      fields: [],
      followup_ids: [],
      ticket_form_id: 1,
      brand_id: 1,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
    };
  }

  function validateTicket(body) {
    const errors = {};
    const t = body && body.ticket;
    if (!t || typeof t !== 'object') return { base: [{ description: 'Ticket is missing' }] };
    const comment = t.comment;
    if (!comment || (typeof comment.body !== 'string' && typeof comment.html_body !== 'string') || !(comment.body || comment.html_body)) {
      errors.description = [{ description: 'Description: cannot be blank', error: 'BlankValue' }];
    }
    if (t.priority && !['urgent', 'high', 'normal', 'low'].includes(t.priority)) {
      errors.priority = [{ description: 'Priority: is not valid', error: 'InvalidValue' }];
    }
    if (t.type && !['problem', 'incident', 'question', 'task'].includes(t.type)) {
      errors.type = [{ description: 'Type: is not valid', error: 'InvalidValue' }];
    }
    if (t.requester && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(t.requester.email || ''))) {
      errors.requester = [{ description: 'Requester: Email is invalid', error: 'InvalidValue' }];
    }
    return Object.keys(errors).length ? errors : null;
  }

  async function zendesk(req, res, url, raw) {
    const path = url.pathname;
    if (!zendeskAuthOk(req)) return send(res, 401, { error: "Couldn't authenticate you" });
    // Ticket creation rate limit: a token bucket of `perMinute` tokens a minute holding at most
    // `burst`, answered like Zendesk: 429 with Retry-After in whole seconds.
    const limit = s.rateLimit.zendesk;
    if (limit && req.method === 'POST' && path === '/api/v2/tickets.json') {
      const now = Date.now();
      const perMs = limit.perMinute / 60_000;
      limit.tokens = Math.min(limit.burst, limit.tokens + (now - limit.at) * perMs);
      limit.at = now;
      if (limit.tokens < 1) {
        limit.refused += 1;
        const retryAfter = Math.max(1, Math.ceil((1 - limit.tokens) / perMs / 1000));
        return send(res, 429, { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }, {
          'Retry-After': String(retryAfter), 'X-Rate-Limit': String(limit.perMinute), 'X-Rate-Limit-Remaining': '0',
        });
      }
      limit.tokens -= 1;
    }
    if (req.method === 'GET' && path === '/api/v2/users/me.json') {
      return send(res, 200, { user: { id: 8001, url: `https://${creds.ZENDESK_DOMAIN}/api/v2/users/8001.json`, name: 'Sandbox Admin', email: creds.ZENDESK_EMAIL, role: s.apiUserRole, active: true, verified: true } });
    }
    if (path === '/api/v2/webhooks' || path.startsWith('/api/v2/webhooks/')) {
      if (s.apiUserRole !== 'admin') return send(res, 403, { errors: [{ code: 'Forbidden', title: 'Forbidden', detail: 'You do not have access to this resource' }] });
      const [, id, sub] = path.match(/^\/api\/v2\/webhooks(?:\/([^/]+))?(?:\/(signing_secret))?$/) || [];
      let body = {};
      try { body = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { return send(res, 400, { errors: [{ code: 'InvalidJSON', title: 'Invalid JSON' }] }); }
      if (req.method === 'GET' && !id) {
        const q = url.searchParams.get('filter[name_contains]') || '';
        const list = [...s.webhooks.values()].filter((w) => w.name.includes(q));
        return send(res, 200, { webhooks: list, meta: { has_more: false, after_cursor: null, before_cursor: null }, links: { next: null, prev: null } });
      }
      if (req.method === 'POST' && !id) {
        const w = body.webhook || {};
        if (!w.name || !/^https?:\/\//.test(w.endpoint || '')) return send(res, 400, { errors: [{ code: 'InvalidInput', title: 'Invalid webhook: name and endpoint are required' }] });
        const hook = { id: `01H${crypto.randomBytes(12).toString('hex').toUpperCase()}`, ...w, created_at: new Date().toISOString(), created_by: '8001', signing_secret_value: creds.ZENDESK_WEBHOOK_SECRET };
        s.webhooks.set(hook.id, hook);
        const { signing_secret_value, ...shown } = hook;
        return send(res, 201, { webhook: shown });
      }
      const hook = s.webhooks.get(id);
      if (!hook) return send(res, 404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found' }] });
      if (req.method === 'GET' && sub === 'signing_secret') return send(res, 200, { signing_secret: { algorithm: 'SHA256', secret: hook.signing_secret_value } });
      if ((req.method === 'PUT' || req.method === 'PATCH') && !sub) {
        Object.assign(hook, body.webhook || {});
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'GET') { const { signing_secret_value, ...shown } = hook; return send(res, 200, { webhook: shown }); }
    }
    const trig = path.match(/^\/api\/v2\/triggers(?:\/(\d+))?\.json$/);
    if (trig) {
      if (s.apiUserRole !== 'admin') return send(res, 403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });
      let body = {};
      try { body = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { return send(res, 400, { error: 'InvalidJSON' }); }
      if (req.method === 'GET' && !trig[1]) return send(res, 200, { triggers: [...s.triggers.values()], next_page: null, previous_page: null, count: s.triggers.size });
      if (req.method === 'POST' && !trig[1]) {
        const t = body.trigger || {};
        if (!t.title || !t.actions?.length) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Title and actions are required' }] } });
        const hookIds = t.actions.filter((a) => a.field === 'notification_webhook').map((a) => a.value[0]);
        if (hookIds.some((h) => !s.webhooks.has(h))) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Webhook not found' }] } });
        const trigger = { id: s.nextTriggerId++, url: `https://${creds.ZENDESK_DOMAIN}/api/v2/triggers/${s.nextTriggerId - 1}.json`, active: true, position: s.triggers.size + 1, ...t, created_at: new Date().toISOString() };
        s.triggers.set(trigger.id, trigger);
        return send(res, 201, { trigger });
      }
      const t = s.triggers.get(Number(trig[1]));
      if (!t) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
      if (req.method === 'PUT') { Object.assign(t, body.trigger || {}); return send(res, 200, { trigger: t }); }
      if (req.method === 'GET') return send(res, 200, { trigger: t });
    }
    if (req.method === 'POST' && path === '/api/v2/uploads.json') {
      const fileName = url.searchParams.get('filename');
      if (!fileName) return send(res, 400, { error: 'InvalidParameter', description: 'filename is required' });
      const attachment = storeFile(fileName, String(req.headers['content-type'] || 'application/octet-stream'), raw);
      const token = crypto.randomBytes(12).toString('base64url');
      s.uploads.set(token, attachment);
      return send(res, 201, { upload: { token, expires_at: new Date(Date.now() + 3 * 86400_000).toISOString(), attachments: [attachment], attachment } });
    }
    if (req.method === 'POST' && path === '/api/v2/tickets.json') {
      if (!String(req.headers['content-type'] || '').startsWith('application/json')) {
        return send(res, 415, { error: 'Unsupported Media Type', description: 'Content-Type must be application/json' });
      }
      let body;
      try { body = JSON.parse(raw.toString('utf8')); } catch {
        return send(res, 400, { error: 'Unprocessable Entity', description: 'Server could not parse JSON' });
      }
      const key = req.headers['idempotency-key'];
      const hash = crypto.createHash('sha256').update(raw).digest('hex');
      if (key) {
        const seen = s.idempotency.get(key);
        if (seen && seen.hash !== hash) {
          return send(res, 400, { error: 'IdempotentRequestError', description: "Request parameters don't match the given idempotency key" });
        }
        if (seen) return send(res, seen.status, seen.body, { 'x-idempotency-lookup': 'hit', Location: seen.location });
      }
      const invalid = validateTicket(body);
      if (invalid) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: invalid });
      const t = body.ticket;
      const requester = t.requester ? upsertUser(t.requester) : null;
      const now = new Date().toISOString();
      const ticket = {
        id: s.nextTicketId++,
        subject: t.subject || '',
        priority: t.priority || null,
        type: t.type || null,
        status: 'new',
        tags: [...new Set((t.tags || []).map(String))].sort(),
        requester_id: requester ? requester.id : null,
        requester: requester ? { name: requester.name, email: requester.email } : null,
        comments: [{ id: s.nextCommentId++, body: t.comment.body ?? t.comment.html_body, public: t.comment.public !== false, author_id: requester?.id ?? null, created_at: now, attachments: attachmentsFor(t.comment.uploads) }],
        created_at: now,
        updated_at: now,
        idempotency_key: key || null,
        external_id: t.external_id ?? null,
        via_followup_source_id: t.via_followup_source_id ?? null,
        updates: [],
      };
      s.tickets.set(ticket.id, ticket);
      const answer = {
        ticket: ticketResource(ticket),
        audit: { id: Number(`${Date.now()}1`), ticket_id: ticket.id, created_at: now, author_id: ticket.requester_id, metadata: { system: {}, custom: {} }, events: [{ id: 1, type: 'Create', field_name: 'subject', value: ticket.subject }], via: { channel: 'api' } },
      };
      const location = `https://${creds.ZENDESK_DOMAIN}/api/v2/tickets/${ticket.id}.json`;
      if (key) s.idempotency.set(key, { hash, status: 201, body: answer, location });
      return send(res, 201, answer, key ? { 'x-idempotency-lookup': 'miss', Location: location } : { Location: location });
    }
    const m = path.match(/^\/api\/v2\/tickets\/(\d+)\.json$/);
    const notFound = () => send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
    if (req.method === 'GET' && m) {
      const t = s.tickets.get(Number(m[1]));
      return t ? send(res, 200, { ticket: ticketResource(t) }) : notFound();
    }
    if (req.method === 'PUT' && m) {
      const t = s.tickets.get(Number(m[1]));
      if (!t) return notFound();
      let body;
      try { body = JSON.parse(raw.toString('utf8')); } catch {
        return send(res, 400, { error: 'Unprocessable Entity', description: 'Server could not parse JSON' });
      }
      // Zendesk: 30 updates per ticket per 10 minutes
      const now = Date.now();
      t.updates = t.updates.filter((u) => now - u < 600_000);
      if (t.updates.length >= 30) {
        return send(res, 429, { error: 'TooManyRequests', description: 'Ticket update rate limit exceeded' }, { 'Retry-After': String(Math.ceil((600_000 - (now - t.updates[0])) / 1000)) });
      }
      if (t.status === 'closed') {
        return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: 'Status: closed prevents ticket update' }] } });
      }
      const c = body?.ticket?.comment;
      if (c) {
        if (!(c.body || c.html_body)) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Comment: cannot be blank' }] } });
        t.comments.push({ id: s.nextCommentId++, body: c.body ?? c.html_body, public: c.public !== false, author_id: c.author_id ?? null, created_at: new Date().toISOString(), attachments: attachmentsFor(c.uploads) });
        // A comment by the requester reopens a solved ticket, as in Zendesk.
        if (t.status === 'solved' || t.status === 'pending') t.status = 'open';
      }
      t.updates.push(now);
      t.updated_at = new Date().toISOString();
      return send(res, 200, { ticket: ticketResource(t), audit: { id: now, ticket_id: t.id, events: [] } });
    }
    const cm = path.match(/^\/api\/v2\/tickets\/(\d+)\/comments\.json$/);
    if (req.method === 'GET' && cm) {
      const t = s.tickets.get(Number(cm[1]));
      if (!t) return notFound();
      const list = t.comments.map((c) => ({ id: c.id, type: 'Comment', author_id: c.author_id, body: c.body, html_body: `<p>${c.body}</p>`, plain_body: c.body, public: c.public, attachments: c.attachments || [], created_at: c.created_at }));
      if (url.searchParams.get('sort_order') === 'desc') list.reverse();
      return send(res, 200, { comments: list, next_page: null, previous_page: null, count: list.length });
    }
    if (req.method === 'GET' && path === '/api/v2/tickets.json') {
      const ext = url.searchParams.get('external_id');
      const list = [...s.tickets.values()].filter((t) => ext === null || t.external_id === ext).map(ticketResource);
      return send(res, 200, { tickets: list, next_page: null, previous_page: null, count: list.length });
    }
    return send(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
  }

  /** Stores a file as Zendesk does; its content_url needs the API credentials (private). */
  function storeFile(fileName, contentType, bytes) {
    const id = s.nextAttachmentId++;
    const attachment = {
      url: `${selfUrl}/api/v2/attachments/${id}.json`, id, file_name: fileName,
      content_url: `${selfUrl}/zendesk-files/${id}/${encodeURIComponent(fileName)}`, mapped_content_url: null,
      content_type: contentType.split(';')[0].trim(), size: bytes.length, width: null, height: null, inline: false, deleted: false, thumbnails: [],
    };
    s.files.set(id, { attachment, bytes });
    return attachment;
  }

  function attachmentsFor(tokens) {
    return (tokens || []).map((t) => s.uploads.get(t)).filter(Boolean);
  }

  /** Bytes that look like the type (a real 1x1 PNG for images, a PDF header for PDFs). */
  function sampleBytes(contentType, size) {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f2a7a90000000049454e44ae426082', 'hex');
    const head = contentType.startsWith('image/') ? png : contentType === 'application/pdf' ? Buffer.from('%PDF-1.4\n% sandbox file\n') : Buffer.from(`${contentType} sandbox file\n`);
    if (!size || size <= head.length) return head;
    return Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]);
  }

  // ---------- Twilio ----------
  const twilioError = (status, code, message) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  function renderTemplate(variablesJson) {
    let vars = {};
    try { vars = JSON.parse(variablesJson || '{}'); } catch { return null; }
    return contentTemplate.replace(/\{\{(\d+)\}\}/g, (_, n) => (vars[n] ?? ''));
  }

  async function twilio(req, res, url, raw) {
    const a = basicAuth(req);
    // Media can be fetched without credentials (the account's default); given ones must be right.
    const mediaFetch = req.method === 'GET' && /\/Media\/[^/.]+$/.test(url.pathname);
    if ((!mediaFetch || a) && (!a || a.user !== creds.TWILIO_ACCOUNT_SID || a.pass !== creds.TWILIO_AUTH_TOKEN)) {
      return send(res, 401, twilioError(401, 20003, 'Authenticate'), { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
    }
    const acct = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\.json$/);
    if (acct && req.method === 'GET') {
      if (acct[1] !== creds.TWILIO_ACCOUNT_SID) return send(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
      return send(res, 200, { sid: creds.TWILIO_ACCOUNT_SID, friendly_name: 'Sandbox account', status: 'active', type: 'Full', owner_account_sid: creds.TWILIO_ACCOUNT_SID, date_created: rfc2822(), date_updated: rfc2822(), uri: `/2010-04-01/Accounts/${creds.TWILIO_ACCOUNT_SID}.json` });
    }
    const media = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/);
    if (media && req.method === 'GET') {
      if (!s.mediaBlobs.has(media[3])) return send(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
      // Twilio answers with a redirect to a short-lived CDN URL.
      res.writeHead(307, { Location: `${selfUrl}/__cdn/${media[3]}` });
      return res.end();
    }
    const m = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    if (!m) return send(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
    if (m[1] !== creds.TWILIO_ACCOUNT_SID) return send(res, 404, twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${m[1]}/Messages.json was not found`));
    if (req.method === 'GET') {
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const size = Math.min(1000, Number(url.searchParams.get('PageSize') || 50));
      const list = s.messages.filter((m) => (!to || m.to === to) && (!from || m.from === from)).slice().reverse().slice(0, size)
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
      account_sid: creds.TWILIO_ACCOUNT_SID,
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
      subresource_uris: { media: `/2010-04-01/Accounts/${creds.TWILIO_ACCOUNT_SID}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${creds.TWILIO_ACCOUNT_SID}/Messages/${sid}.json`,
    };
    const mediaUrl = form.get('MediaUrl');
    if (mediaUrl) resource.num_media = '1';
    const stored = { ...resource, content_sid: contentSid || null, content_variables: form.get('ContentVariables') || null, created_ms: Date.now(), status_callback: form.get('StatusCallback') || null, delivery: [], media_url: mediaUrl || null, media: null };
    s.messages.push(stored);
    send(res, 201, resource);
    // What WhatsApp then does, reported as Twilio does: signed status callbacks.
    if (mediaUrl) {
      // Twilio fetches the file to send it: record what it got.
      try {
        const r = await fetch(mediaUrl);
        const bytes = Buffer.from(await r.arrayBuffer());
        stored.media = { status: r.status, content_type: r.headers.get('content-type'), bytes: bytes.length, file_name: /filename="([^"]+)"/.exec(r.headers.get('content-disposition') || '')?.[1] || null };
      } catch (e) {
        stored.media = { status: 0, error: String(e.message || e) };
      }
    }
    const fault = s.deliveryFaults.shift();
    const windowClosed = !contentSid && s.closedWindows.has(to);
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

  async function statusCallback(message, status, code) {
    const params = [
      ['SmsSid', message.sid], ['SmsStatus', status], ['MessageStatus', status], ['ChannelToAddress', message.to.replace(/^whatsapp:/, '').replace(/\d{4}$/, 'XXXX')],
      ['To', message.to], ['ChannelPrefix', 'whatsapp'], ['MessageSid', message.sid], ['AccountSid', creds.TWILIO_ACCOUNT_SID],
      ['From', message.from || ''], ['ApiVersion', '2010-04-01'], ['ChannelInstallSid', 'XE00000000000000000000000000000000'],
      ...(code ? [['ErrorCode', String(code)]] : []),
    ];
    const signature = twilioSignature(creds.TWILIO_AUTH_TOKEN, message.status_callback, params);
    await fetch(message.status_callback, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature, 'User-Agent': 'TwilioProxy/1.1' },
      body: new URLSearchParams(params).toString(),
    });
  }

  // ---------- Zendesk's side: agents and the webhook ----------
  /** An agent's comment on a ticket (public reply or internal note), then Zendesk's webhook. */
  async function agentComments(ticketId, body, { isPublic = true, deliveries = 1, signWith, timestamp, files = [] } = {}) {
    const t = s.tickets.get(Number(ticketId));
    if (!t) throw new Error(`no ticket ${ticketId}`);
    const attachments = files.map((f) => storeFile(f.name, f.contentType, f.bytes || sampleBytes(f.contentType, f.size)));
    const comment = { id: s.nextCommentId++, body, public: isPublic, author_id: SANDBOX_AGENT.id, created_at: new Date().toISOString(), attachments };
    t.comments.push(comment);
    if (isPublic && (t.status === 'new' || t.status === 'open')) t.status = 'pending';
    t.updated_at = comment.created_at;
    const results = [];
    // The trigger fires on public comments only (the gateway must still ignore notes if called).
    for (let i = 0; i < deliveries; i++) results.push(await zendeskWebhook(t.id, { signWith, timestamp }));
    return { comment, results };
  }

  /** Zendesk's webhook call for a ticket, signed as Zendesk does. */
  async function zendeskWebhook(ticketId, { signWith, timestamp, body } = {}) {
    const url = gatewayUrl.replace(/\/twilio\/whatsapp$/, '/zendesk/events');
    const payload = body ?? JSON.stringify({ ticket_id: String(ticketId), event: 'public_comment_added' });
    const ts = timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const headers = { 'Content-Type': 'application/json', 'User-Agent': 'Zendesk Webhook' };
    if (signWith !== null) {
      headers['X-Zendesk-Webhook-Signature'] = zendeskSignature(signWith ?? creds.ZENDESK_WEBHOOK_SECRET, ts, payload);
      headers['X-Zendesk-Webhook-Signature-Timestamp'] = ts;
    }
    const r = await fetch(url, { method: 'POST', headers, body: payload });
    const result = { ticket_id: ticketId, status: r.status, body: await r.text() };
    s.webhookCalls.push(result);
    return result;
  }

  // ---------- the customer's phone ----------
  /** Sends a WhatsApp message to the gateway exactly as Twilio does (all fields, signed). */
  async function customerSends({ from = '+15550001234', body = '', profileName = 'Sandbox Customer', messageSid = newMessageSid(), extra = {}, signWith, url, signUrl, media = [], location = null } = {}) {
    if (media.length) messageSid = messageSid.replace(/^SM/, 'MM');
    const mediaParams = media.flatMap((f, i) => {
      const id = `ME${crypto.randomBytes(16).toString('hex')}`;
      const contentType = f.contentType || 'image/jpeg';
      s.mediaBlobs.set(id, { contentType, bytes: f.bytes || sampleBytes(contentType, f.size) });
      return [[`MediaContentType${i}`, contentType], [`MediaUrl${i}`, `${selfUrl}/2010-04-01/Accounts/${creds.TWILIO_ACCOUNT_SID}/Messages/${messageSid}/Media/${id}`]];
    });
    const locationParams = location ? [['Latitude', String(location.latitude)], ['Longitude', String(location.longitude)], ...(location.address ? [['Address', location.address]] : []), ...(location.label ? [['Label', location.label]] : [])] : [];
    const messageType = location ? 'location' : media.length ? (media[0].contentType || 'image/jpeg').split('/')[0].replace('application', 'document') : 'text';
    const target = url || gatewayUrl;
    const waFrom = from.startsWith('whatsapp:') ? from : `whatsapp:${from}`;
    const params = [
      ['SmsMessageSid', messageSid], ['NumMedia', String(media.length)], ['ProfileName', profileName], ['MessageType', messageType], ...mediaParams, ...locationParams,
      ['SmsSid', messageSid], ['WaId', waFrom.replace(/^whatsapp:\+?/, '')], ['SmsStatus', 'received'], ['Body', body],
      ['To', `whatsapp:${creds.TWILIO_WHATSAPP_NUMBER}`], ['NumSegments', '1'], ['ReferralNumMedia', '0'],
      ['MessageSid', messageSid], ['AccountSid', creds.TWILIO_ACCOUNT_SID], ['From', waFrom], ['ApiVersion', '2010-04-01'],
      ...Object.entries(extra),
    ];
    const signature = twilioSignature(signWith ?? creds.TWILIO_AUTH_TOKEN, signUrl || target, params);
    const entry = { message_sid: messageSid, from: waFrom, body, sent_ms: Date.now(), gateway_status: null, gateway_ms: null, media: media.map((f) => f.contentType || 'image/jpeg'), location };
    s.closedWindows.delete(waFrom); // the customer wrote: WhatsApp's window opens
    s.inbound.push(entry);
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
      entry.gateway_status = 0;
      entry.gateway_body = String(e.message || e);
    }
    entry.gateway_ms = performance.now() - started;
    return { messageSid, status: entry.gateway_status, body: entry.gateway_body, ms: entry.gateway_ms };
  }

  // ---------- faults ----------
  /** Applies the next queued fault of `api`, or the configured latency. Returns true when it answered. */
  async function applyFault(api, req, res, handler) {
    // A fault may name the request it applies to ("POST /api/v2/tickets.json", a prefix);
    // requests it does not name pass untouched.
    const here = `${req.method} ${new URL(req.url, 'http://x').pathname}`;
    const index = s.faults[api].findIndex((f) => !f.match || here.startsWith(f.match));
    const fault = index >= 0 ? s.faults[api].splice(index, 1)[0] : undefined;
    const latency = s.latencyMs[api];
    if (!fault) {
      if (latency) await sleep(latency);
      return false;
    }
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.dropConnection) { res.socket.destroy(); return true; }
    if (fault.afterEffectDelayMs !== undefined) {
      // Do the work, then answer late (the gateway may have given up by then).
      await sleep(0);
      const buffered = { status: 0 };
      const realWriteHead = res.writeHead.bind(res);
      const realEnd = res.end.bind(res);
      res.writeHead = (st, h) => { buffered.status = st; buffered.headers = h; return res; };
      res.end = (b) => { buffered.body = b; return res; };
      await handler();
      await sleep(fault.afterEffectDelayMs);
      realWriteHead(buffered.status, buffered.headers);
      realEnd(buffered.body);
      return true;
    }
    const headers = {};
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    const status = fault.status || 500;
    const body = fault.body ?? (api === 'twilio'
      ? twilioError(status, status === 429 ? 20429 : 20500, status === 429 ? 'Too Many Requests' : 'Internal Server Error')
      : status === 429 ? { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }
        : status >= 500 ? 'Internal Server Error' : { error: 'RecordInvalid', description: 'Record validation errors' });
    send(res, status, body, headers);
    return true;
  }

  /** Limits ticket creation to `perMinute`, with bursts of at most `burst` (default 1/10 of it). */
  function setRateLimit({ perMinute, burst } = {}) {
    const b = burst ?? Math.max(1, Math.round(perMinute / 10));
    s.rateLimit.zendesk = perMinute ? { perMinute, burst: b, tokens: b, at: Date.now(), refused: 0 } : null;
  }

  // ---------- control API and page ----------
  function publicState() {
    return {
      gatewayUrl,
      tickets: [...s.tickets.values()].map((t) => ({ ...t })),
      messages: s.messages,
      inbound: s.inbound,
      faults: s.faults,
      latencyMs: s.latencyMs,
    };
  }

  async function control(req, res, url, raw) {
    const path = url.pathname.slice('/__sandbox'.length);
    const json = () => { try { return JSON.parse(raw.toString('utf8') || '{}'); } catch { return {}; } };
    if (req.method === 'GET' && path === '/state') return send(res, 200, publicState());
    const status = path.match(/^\/status\/([A-Za-z0-9]+)$/);
    if (req.method === 'GET' && status) {
      // What the gateway says about a message (its admin look-up), for the sandbox page.
      if (!opts.adminToken) return send(res, 503, { error: 'no admin token configured' });
      try {
        const r = await fetch(gatewayUrl.replace(/\/twilio\/whatsapp$/, `/admin/messages/${status[1]}`), { headers: { Authorization: `Bearer ${opts.adminToken}` } });
        return send(res, r.status, await r.json());
      } catch (e) {
        return send(res, 502, { error: 'gateway unreachable', detail: String(e.message || e) });
      }
    }
    if (req.method === 'GET' && path === '/requests') {
      const api = url.searchParams.get('api');
      return send(res, 200, s.requests.filter((r) => !api || r.api === api));
    }
    if (req.method === 'POST' && path === '/reset') { const keepUrl = gatewayUrl; s = fresh(); gatewayUrl = keepUrl; return send(res, 200, { ok: true }); }
    if (req.method === 'POST' && path === '/faults') { const b = json(); s.faults[b.api] = [...(b.faults || [])]; return send(res, 200, { ok: true }); }
    if (req.method === 'POST' && path === '/gateway') { gatewayUrl = json().url; return send(res, 200, { ok: true }); }
    if (req.method === 'POST' && path === '/latency') { const b = json(); Object.assign(s.latencyMs, b); return send(res, 200, { ok: true }); }
    if (req.method === 'POST' && path === '/rate-limit') { setRateLimit(json()); return send(res, 200, { ok: true }); }
    const st = path.match(/^\/tickets\/(\d+)\/status$/);
    if (req.method === 'POST' && st) {
      const t = s.tickets.get(Number(st[1]));
      if (!t) return send(res, 404, { error: 'no such ticket' });
      t.status = json().status || 'closed';
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/agent/reply') {
      const b = json();
      if (!s.tickets.has(Number(b.ticket_id)) || typeof b.body !== 'string' || !b.body.trim()) return send(res, 400, { error: 'ticket_id and body are required' });
      const r = await agentComments(b.ticket_id, b.body, { isPublic: b.public !== false, files: b.files || [] });
      return send(res, 200, r);
    }
    if (req.method === 'POST' && path === '/window') {
      const b = json();
      const to = b.to?.startsWith('whatsapp:') ? b.to : `whatsapp:${b.to}`;
      if (b.open === false) s.closedWindows.add(to); else s.closedWindows.delete(to);
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/customer/send') {
      const b = json();
      if ((typeof b.body !== 'string' || !b.body.trim()) && !b.media?.length && !b.location) return send(res, 400, { error: 'a body, media or a location is required' });
      return send(res, 200, await customerSends({ from: b.from || undefined, body: b.body, profileName: b.profileName || undefined, media: b.media || [], location: b.location || null }));
    }
    return send(res, 404, { error: 'unknown sandbox endpoint' });
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://sandbox');
    try {
      const raw = await readBody(req);
      if (url.pathname.startsWith('/__sandbox/')) return await control(req, res, url, raw);
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(readFileSync(PAGE));
      }
      const cdn = url.pathname.match(/^\/__cdn\/([^/]+)$/);
      if (cdn && req.method === 'GET') {
        const blob = s.mediaBlobs.get(cdn[1]);
        if (!blob) return send(res, 404, 'Not Found');
        res.writeHead(200, { 'Content-Type': blob.contentType, 'Content-Length': blob.bytes.length });
        return res.end(blob.bytes);
      }
      const file = url.pathname.match(/^\/zendesk-files\/(\d+)\//);
      if (file && req.method === 'GET') {
        // Private attachments: the API credentials are required.
        if (!zendeskAuthOk(req)) return send(res, 401, { error: "Couldn't authenticate you" });
        const f = s.files.get(Number(file[1]));
        if (!f) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
        res.writeHead(200, { 'Content-Type': f.attachment.content_type, 'Content-Length': f.bytes.length });
        return res.end(f.bytes);
      }
      const api = url.pathname.startsWith('/api/v2/') ? 'zendesk' : url.pathname.startsWith('/2010-04-01/') ? 'twilio' : null;
      if (!api) return send(res, 404, { error: 'not found' });
      const record = { api, method: req.method, path: url.pathname + url.search, headers: req.headers, body: raw.toString('utf8'), at: Date.now(), status: null };
      s.requests.push(record);
      const handler = () => (api === 'zendesk' ? zendesk(req, res, url, raw) : twilio(req, res, url, raw));
      const origWriteHead = res.writeHead.bind(res);
      res.writeHead = (st, ...rest) => { record.status = st; return origWriteHead(st, ...rest); };
      if (await applyFault(api, req, res, handler)) return;
      await handler();
    } catch (e) {
      if (!res.headersSent) send(res, 500, { error: 'sandbox failure', detail: String(e) });
    }
  });

  return {
    credentials: creds,
    server,
    get state() { return s; },
    setGatewayUrl(u) { gatewayUrl = u; },
    setRateLimit,
    agentComments,
    zendeskWebhook,
    closeWindow(to) { s.closedWindows.add(to.startsWith('whatsapp:') ? to : `whatsapp:${to}`); },
    failNextDelivery(code, status = 'undelivered') { s.deliveryFaults.push({ code, status }); },
    setFaults(api, faults) { s.faults[api] = [...faults]; },
    setLatency(latency) { Object.assign(s.latencyMs, latency); },
    customerSends,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve) => server.listen(port, host, () => {
        selfUrl = `http://${host}:${server.address().port}`;
        resolve(selfUrl);
      }));
    },
    close() { server.closeAllConnections?.(); return new Promise((r) => server.close(() => r())); },
  };
}
