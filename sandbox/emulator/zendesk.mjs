// Zendesk's side of the emulator: the REST API the gateway calls (tickets, comments, uploads,
// private files, users, webhooks, triggers, rate limits) and what Zendesk does on its own (an
// agent's comment, then the signed webhook call to the gateway).
import crypto from 'node:crypto';
import { basicAuth, send, sampleBytes, zendeskSignature, SANDBOX_AGENT } from './common.mjs';
import { faultInjection } from './faults.mjs';
import { zendeskEvents, EVENT_PREFIX } from './zendesk-events.mjs';

/** @param {object} ctx the emulator's shared context: `s` (state), `creds`, `selfUrl`, `gatewayUrl` */
export function zendeskApi(ctx) {
  const { applyFault } = faultInjection(ctx);
  const events = zendeskEvents(ctx);
  function authOk(req) {
    const a = basicAuth(req);
    return a && a.user === `${ctx.creds.ZENDESK_EMAIL}/token` && a.pass === ctx.creds.ZENDESK_API_KEY;
  }

  function upsertUser(requester) {
    const email = String(requester.email || '').toLowerCase();
    let user = ctx.s.users.get(email);
    if (!user) {
      // Zendesk applies `locale_id` to a requester it creates with the ticket (else the account's
      // default locale, here en-US = 1); an existing user keeps the locale it has.
      user = { id: ctx.s.nextUserId++, name: requester.name, email, role: 'end-user', locale_id: requester.locale_id ?? 1, created_at: new Date().toISOString() };
      ctx.s.users.set(email, user);
    }
    return user;
  }

  /**
   * `POST /api/v2/users/create_or_update.json`
   * (https://developer.zendesk.com/api-reference/ticketing/users/users/#create-or-update-user):
   * the user is found by `external_id`, else by `email` (never by phone), and updated (200), or
   * made (201). A phone identity must be E.164 (else 422 InvalidFormat, as in Zendesk:
   * https://gist.github.com/dpawluk/77ec3f245fb299f70291c9c180dfe008), and one that belongs to
   * another user is refused (422; the exact Zendesk text is unverified).
   */
  function createOrUpdateUser(res, body) {
    const u = body && body.user;
    if (!u || typeof u !== 'object') return send(res, 400, { error: 'InvalidEndpoint', description: 'user is required' });
    const externalId = u.external_id === undefined || u.external_id === null ? null : String(u.external_id);
    const email = u.email ? String(u.email).toLowerCase() : null;
    if (!externalId && !email) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'An email or external_id is required to create or update a user' }] } });
    const users = [...ctx.s.users.values()];
    const existing = (externalId && users.find((x) => x.external_id === externalId)) || (email && users.find((x) => x.email === email)) || null;
    const phones = (Array.isArray(u.identities) ? u.identities : []).filter((i) => i && i.type === 'phone_number').map((i) => String(i.value));
    for (const phone of phones) {
      if (!/^\+[1-9]\d{6,14}$/.test(phone)) {
        return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { value: [{ description: `Phone ${phone} is not properly formatted`, error: 'InvalidFormat' }] } });
      }
      const owner = users.find((x) => x.phone === phone && x !== existing);
      if (owner) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { value: [{ description: `Value: ${phone} is already being used by another user`, error: 'DuplicateValue' }] } });
    }
    ctx.s.userUpserts.push({ external_id: externalId, email, phones, status: existing ? 200 : 201 });
    if (existing) {
      if (u.name) existing.name = String(u.name);
      if (phones[0]) existing.phone = phones[0];
      return send(res, 200, { user: userResource(existing.id) });
    }
    const user = { id: ctx.s.nextUserId++, name: String(u.name || ''), email, external_id: externalId, phone: phones[0] ?? null, role: 'end-user', locale_id: u.locale_id ?? 1, created_at: new Date().toISOString() };
    ctx.s.users.set(email ?? `external_id:${externalId}`, user);
    return send(res, 201, { user: userResource(user.id) });
  }

  /** The Zendesk API user the gateway authenticates as (GET /api/v2/users/me.json). */
  const API_USER_ID = 8001;

  /**
   * A user as Zendesk side-loads it (`include=users`): the fields of the Users API, `role`
   * among them ("end-user", "agent" or "admin";
   * https://developer.zendesk.com/api-reference/ticketing/users/users/#json-format).
   */
  function userResource(id) {
    const known = [...ctx.s.users.values()].find((u) => u.id === id);
    const user = known
      ?? (id === SANDBOX_AGENT.id ? { id, name: SANDBOX_AGENT.name, email: 'sam.agent@sandbox.example', role: 'agent', locale_id: 1, created_at: '2024-01-02T03:04:05Z' }
        : id === API_USER_ID ? { id, name: 'Sandbox Admin', email: ctx.creds.ZENDESK_EMAIL, role: ctx.s.apiUserRole, locale_id: 1, created_at: '2024-01-02T03:04:05Z' }
          : null);
    if (!user) return null;
    return {
      id: user.id, url: `https://${ctx.creds.ZENDESK_DOMAIN}/api/v2/users/${user.id}.json`, name: user.name, email: user.email,
      created_at: user.created_at, updated_at: user.created_at, time_zone: 'America/New_York', iana_time_zone: 'America/New_York',
      phone: user.phone ?? null, shared_phone_number: user.phone ? false : null, photo: null, locale_id: user.locale_id ?? 1, locale: 'en-US', organization_id: null,
      role: user.role, verified: true, external_id: user.external_id ?? null, tags: [], alias: null, active: true, shared: false, shared_agent: false,
      last_login_at: null, two_factor_auth_enabled: null, signature: null, details: null, notes: null, role_type: null,
      custom_role_id: null, moderator: user.role !== 'end-user', ticket_restriction: user.role === 'end-user' ? 'requested' : null,
      only_private_comments: false, restricted_agent: false, suspended: false, default_group_id: null, report_csv: false, user_fields: {},
    };
  }

  /** A comment's `via` when it came through `channel` (https://developer.zendesk.com/documentation/ticketing/reference-guides/via-object-reference/). */
  const viaOf = (channel, from = {}) => ({ channel, source: { from, to: {}, rel: null } });

  function ticketResource(t) {
    return {
      url: `https://${ctx.creds.ZENDESK_DOMAIN}/api/v2/tickets/${t.id}.json`,
      id: t.id,
      external_id: t.external_id ?? null,
      via: t.via_followup_source_id
        ? { channel: 'api', source: { from: { ticket_id: t.via_followup_source_id, subject: ctx.s.tickets.get(t.via_followup_source_id)?.subject ?? '' }, to: {}, rel: 'follow_up' } }
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
      group_id: t.group_id ?? null,
      collaborator_ids: t.email_cc_ids ?? [],
      follower_ids: [],
      email_cc_ids: t.email_cc_ids ?? [],
      forum_topic_id: null,
      problem_id: null,
      has_incidents: false,
      is_public: true,
      due_at: null,
      tags: t.tags,
      custom_fields: t.custom_fields ?? [],
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      custom_status_id: 1,
      fields: t.custom_fields ?? [],
      followup_ids: [],
      ticket_form_id: t.ticket_form_id ?? 1,
      brand_id: t.brand_id ?? 1,
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
    // Zendesk refuses an id that is not a whole number (an unknown brand or group too; the
    // emulator knows brands 1-3 and groups 1-9, as a small account would have).
    for (const [field, known] of [['brand_id', (v) => v >= 1 && v <= 3], ['group_id', (v) => v >= 1 && v <= 9], ['ticket_form_id', (v) => v >= 1]]) {
      if (t[field] !== undefined && t[field] !== null && !(Number.isInteger(t[field]) && known(t[field]))) {
        errors[field] = [{ description: `${field}: is invalid`, error: 'InvalidValue' }];
      }
    }
    if (t.custom_fields !== undefined && !(Array.isArray(t.custom_fields) && t.custom_fields.every((f) => f && Number.isInteger(f.id)))) {
      errors.custom_fields = [{ description: 'Custom fields: is invalid', error: 'InvalidValue' }];
    }
    if (t.requester && t.requester.locale_id !== undefined && !Number.isInteger(t.requester.locale_id)) {
      errors.requester = [{ description: 'Requester: Locale is invalid', error: 'InvalidValue' }];
    }
    if (t.requester && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(t.requester.email || ''))) {
      errors.requester = [{ description: 'Requester: Email is invalid', error: 'InvalidValue' }];
    }
    return Object.keys(errors).length ? errors : null;
  }

  async function zendesk(req, res, url, raw) {
    const path = url.pathname;
    if (!authOk(req)) return send(res, 401, { error: "Couldn't authenticate you" });
    // The rate limits (ticket creation, the account's, Update Ticket's) were applied before
    // (emulator/limits.mjs); the per-ticket update limit is below.
    if (req.method === 'GET' && path === '/api/v2/users/me.json') {
      return send(res, 200, { user: { id: 8001, url: `https://${ctx.creds.ZENDESK_DOMAIN}/api/v2/users/8001.json`, name: 'Sandbox Admin', email: ctx.creds.ZENDESK_EMAIL, role: ctx.s.apiUserRole, active: true, verified: true } });
    }
    if (path === '/api/v2/webhooks' || path.startsWith('/api/v2/webhooks/')) {
      if (ctx.s.apiUserRole !== 'admin') return send(res, 403, { errors: [{ code: 'Forbidden', title: 'Forbidden', detail: 'You do not have access to this resource' }] });
      const [, id, sub] = path.match(/^\/api\/v2\/webhooks(?:\/([^/]+))?(?:\/(signing_secret))?$/) || [];
      let body = {};
      try { body = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { return send(res, 400, { errors: [{ code: 'InvalidJSON', title: 'Invalid JSON' }] }); }
      if (req.method === 'GET' && !id) {
        const q = url.searchParams.get('filter[name_contains]') || '';
        const list = [...ctx.s.webhooks.values()].filter((w) => w.name.includes(q));
        return send(res, 200, { webhooks: list, meta: { has_more: false, after_cursor: null, before_cursor: null }, links: { next: null, prev: null } });
      }
      if (req.method === 'POST' && !id) {
        const w = body.webhook || {};
        if (!w.name || !/^https?:\/\//.test(w.endpoint || '')) return send(res, 400, { errors: [{ code: 'InvalidInput', title: 'Invalid webhook: name and endpoint are required' }] });
        // Event subscriptions or the trigger connection, never both
        // (https://developer.zendesk.com/documentation/webhooks/creating-and-monitoring-webhooks/);
        // an account without ticket events refuses them (the emulator's `ticketEvents` option).
        const subs = (w.subscriptions || []).map(String);
        const eventSubs = subs.filter((x) => x.startsWith(EVENT_PREFIX));
        if (eventSubs.length && subs.includes('conditional_ticket_events')) return send(res, 400, { errors: [{ code: 'InvalidValue', title: 'Invalid subscriptions', detail: 'A webhook cannot subscribe to events and be connected to triggers' }] });
        if (eventSubs.length && (w.http_method !== 'POST' || w.request_format !== 'json')) return send(res, 400, { errors: [{ code: 'InvalidValue', title: 'Invalid webhook', detail: 'Event subscriptions need http_method POST and request_format json' }] });
        if (eventSubs.some((x) => x.startsWith(`${EVENT_PREFIX}ticket.`)) && !ctx.s.ticketEvents) return send(res, 400, { errors: [{ code: 'InvalidValue', title: 'Invalid subscriptions', detail: 'Ticket events are not available on this account' }] });
        const hook = { id: `01H${crypto.randomBytes(12).toString('hex').toUpperCase()}`, ...w, created_at: new Date().toISOString(), created_by: '8001', signing_secret_value: ctx.creds.ZENDESK_WEBHOOK_SECRET };
        ctx.s.webhooks.set(hook.id, hook);
        const { signing_secret_value, ...shown } = hook;
        return send(res, 201, { webhook: shown });
      }
      const hook = ctx.s.webhooks.get(id);
      if (!hook) return send(res, 404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found' }] });
      if (req.method === 'GET' && sub === 'signing_secret') return send(res, 200, { signing_secret: { algorithm: 'SHA256', secret: hook.signing_secret_value } });
      if ((req.method === 'PUT' || req.method === 'PATCH') && !sub) {
        // The connection method (events or triggers) cannot be changed once made.
        const isEvents = (list) => (list || []).some((x) => String(x).startsWith(EVENT_PREFIX));
        if (body.webhook?.subscriptions && isEvents(body.webhook.subscriptions) !== isEvents(hook.subscriptions)) {
          return send(res, 400, { errors: [{ code: 'InvalidValue', title: 'Invalid subscriptions', detail: "A webhook's connection method cannot be changed" }] });
        }
        Object.assign(hook, body.webhook || {});
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'GET') { const { signing_secret_value, ...shown } = hook; return send(res, 200, { webhook: shown }); }
    }
    const trig = path.match(/^\/api\/v2\/triggers(?:\/(\d+))?\.json$/);
    if (trig) {
      if (ctx.s.apiUserRole !== 'admin') return send(res, 403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });
      let body = {};
      try { body = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch { return send(res, 400, { error: 'InvalidJSON' }); }
      if (req.method === 'GET' && !trig[1]) return send(res, 200, { triggers: [...ctx.s.triggers.values()], next_page: null, previous_page: null, count: ctx.s.triggers.size });
      if (req.method === 'POST' && !trig[1]) {
        const t = body.trigger || {};
        if (!t.title || !t.actions?.length) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Title and actions are required' }] } });
        const hookIds = t.actions.filter((a) => a.field === 'notification_webhook').map((a) => a.value[0]);
        if (hookIds.some((h) => !ctx.s.webhooks.has(h))) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Webhook not found' }] } });
        const trigger = { id: ctx.s.nextTriggerId++, url: `https://${ctx.creds.ZENDESK_DOMAIN}/api/v2/triggers/${ctx.s.nextTriggerId - 1}.json`, active: true, position: ctx.s.triggers.size + 1, ...t, created_at: new Date().toISOString() };
        ctx.s.triggers.set(trigger.id, trigger);
        return send(res, 201, { trigger });
      }
      const t = ctx.s.triggers.get(Number(trig[1]));
      if (!t) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
      if (req.method === 'PUT') { Object.assign(t, body.trigger || {}); return send(res, 200, { trigger: t }); }
      if (req.method === 'GET') return send(res, 200, { trigger: t });
    }
    if (req.method === 'POST' && path === '/api/v2/users/create_or_update.json') {
      if (!String(req.headers['content-type'] || '').startsWith('application/json')) {
        return send(res, 415, { error: 'Unsupported Media Type', description: 'Content-Type must be application/json' });
      }
      let body;
      try { body = JSON.parse(raw.toString('utf8')); } catch {
        return send(res, 400, { error: 'Unprocessable Entity', description: 'Server could not parse JSON' });
      }
      return createOrUpdateUser(res, body);
    }
    if (req.method === 'POST' && path === '/api/v2/uploads.json') {
      const fileName = url.searchParams.get('filename');
      if (!fileName) return send(res, 400, { error: 'InvalidParameter', description: 'filename is required' });
      const attachment = storeFile(fileName, String(req.headers['content-type'] || 'application/octet-stream'), raw);
      const token = crypto.randomBytes(12).toString('base64url');
      ctx.s.uploads.set(token, attachment);
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
        const seen = ctx.s.idempotency.get(key);
        if (seen && seen.hash !== hash) {
          return send(res, 400, { error: 'IdempotentRequestError', description: "Request parameters don't match the given idempotency key" });
        }
        if (seen) return send(res, seen.status, seen.body, { 'x-idempotency-lookup': 'hit', Location: seen.location });
      }
      const invalid = validateTicket(body);
      if (invalid) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: invalid });
      const t = body.ticket;
      // `requester_id` names an existing user; else `requester` is found or made by e-mail.
      const requester = t.requester_id !== undefined && t.requester_id !== null
        ? [...ctx.s.users.values()].find((u) => u.id === t.requester_id) ?? null
        : t.requester ? upsertUser(t.requester) : null;
      if ((t.requester_id ?? null) !== null && !requester) {
        return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { requester: [{ description: 'Requester: is invalid', error: 'InvalidValue' }] } });
      }
      const now = new Date().toISOString();
      const ticket = {
        id: ctx.s.nextTicketId++,
        subject: t.subject || '',
        priority: t.priority || null,
        type: t.type || null,
        status: 'new',
        tags: [...new Set((t.tags || []).map(String))].sort(),
        requester_id: requester ? requester.id : null,
        requester: requester ? { name: requester.name, email: requester.email } : null,
        comments: [{ id: ctx.s.nextCommentId++, body: t.comment.body ?? t.comment.html_body, public: t.comment.public !== false, author_id: t.comment.author_id ?? requester?.id ?? API_USER_ID, created_at: now, attachments: attachmentsFor(t.comment.uploads), via: viaOf('api') }],
        created_at: now,
        updated_at: now,
        idempotency_key: key || null,
        external_id: t.external_id ?? null,
        via_followup_source_id: t.via_followup_source_id ?? null,
        // Where the ticket goes: the account's default brand and form, no group, unless given.
        brand_id: t.brand_id ?? 1,
        group_id: t.group_id ?? null,
        ticket_form_id: t.ticket_form_id ?? 1,
        custom_fields: (t.custom_fields || []).map((f) => ({ id: Number(f.id), value: f.value ?? null })),
        updates: [],
      };
      ctx.s.tickets.set(ticket.id, ticket);
      const answer = {
        ticket: ticketResource(ticket),
        audit: { id: Number(`${Date.now()}1`), ticket_id: ticket.id, created_at: now, author_id: ticket.requester_id, metadata: { system: {}, custom: {} }, events: [{ id: 1, type: 'Create', field_name: 'subject', value: ticket.subject }], via: { channel: 'api' } },
      };
      const location = `https://${ctx.creds.ZENDESK_DOMAIN}/api/v2/tickets/${ticket.id}.json`;
      if (key) ctx.s.idempotency.set(key, { hash, status: 201, body: answer, location });
      return send(res, 201, answer, key ? { 'x-idempotency-lookup': 'miss', Location: location } : { Location: location });
    }
    const merge = path.match(/^\/api\/v2\/tickets\/(\d+)\/merge(?:\.json)?$/);
    if (req.method === 'POST' && merge) return mergeApi(res, Number(merge[1]), raw);
    // Zendesk answers `/api/v2/tickets/{id}` with or without `.json`.
    const m = path.match(/^\/api\/v2\/tickets\/(\d+)(?:\.json)?$/);
    const notFound = () => send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
    if (req.method === 'GET' && m) {
      const t = ctx.s.tickets.get(Number(m[1]));
      if (!t) return notFound();
      // Side-loading, as Zendesk does: `?include=users` adds the ticket's users.
      const include = (url.searchParams.get('include') || '').split(',');
      const users = include.includes('users') ? [...ctx.s.users.values()].filter((u) => u.id === t.requester_id) : undefined;
      return send(res, 200, users ? { ticket: ticketResource(t), users } : { ticket: ticketResource(t) });
    }
    if (req.method === 'PUT' && m) {
      const t = ctx.s.tickets.get(Number(m[1]));
      if (!t) return notFound();
      let body;
      try { body = JSON.parse(raw.toString('utf8')); } catch {
        return send(res, 400, { error: 'Unprocessable Entity', description: 'Server could not parse JSON' });
      }
      // Zendesk: 30 updates per ticket per 10 minutes
      const now = ctx.now();
      t.updates = t.updates.filter((u) => now - u < 600_000);
      if (t.updates.length >= 30) {
        ctx.s.limits.perTicketRefused += 1;
        return send(res, 429, { error: 'TooManyRequests', description: 'Ticket update rate limit exceeded' }, { 'Retry-After': String(Math.ceil((600_000 - (now - t.updates[0])) / 1000)) });
      }
      if (t.status === 'closed') {
        return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: 'Status: closed prevents ticket update' }] } });
      }
      const c = body?.ticket?.comment;
      if (c) {
        if (!(c.body || c.html_body)) return send(res, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Comment: cannot be blank' }] } });
        // As in Zendesk, a comment without `author_id` is written as the user making the request.
        const author = c.author_id ?? API_USER_ID;
        t.comments.push({ id: ctx.s.nextCommentId++, body: c.body ?? c.html_body, public: c.public !== false, author_id: author, created_at: new Date().toISOString(), attachments: attachmentsFor(c.uploads), via: viaOf('api') });
        // A comment by the requester reopens a solved ticket, as in Zendesk; an agent's
        // internal note (the API user's) leaves the status as it is.
        if (author === t.requester_id && (t.status === 'solved' || t.status === 'pending')) t.status = 'open';
      }
      // Tags: `tags` replaces the list, `additional_tags` adds to it, `remove_tags` takes out
      // ("Updating tag lists": https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#updating-tag-lists).
      const u = body?.ticket ?? {};
      if (Array.isArray(u.tags)) t.tags = u.tags.map(String);
      if (Array.isArray(u.additional_tags)) t.tags = [...new Set([...(t.tags || []), ...u.additional_tags.map(String)])];
      if (Array.isArray(u.remove_tags)) t.tags = (t.tags || []).filter((g) => !u.remove_tags.map(String).includes(g));
      t.updates.push(now);
      t.updated_at = new Date().toISOString();
      return send(res, 200, { ticket: ticketResource(t), audit: { id: now, ticket_id: t.id, events: [] } });
    }
    const cm = path.match(/^\/api\/v2\/tickets\/(\d+)\/comments\.json$/);
    if (req.method === 'GET' && cm) {
      const t = ctx.s.tickets.get(Number(cm[1]));
      if (!t) return notFound();
      const list = t.comments.map((c) => ({ id: c.id, type: 'Comment', author_id: c.author_id, body: c.body, html_body: `<p>${c.body}</p>`, plain_body: c.body, public: c.public, attachments: c.attachments || [], via: c.via ?? viaOf('web'), created_at: c.created_at, metadata: { system: {}, custom: {} } }));
      if (url.searchParams.get('sort_order') === 'desc') list.reverse();
      // Side-loading, as Zendesk does: `include=users` adds a top-level `users` array with the
      // comments' authors and the ticket's CCs, each with its role
      // (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments).
      const include = (url.searchParams.get('include') || '').split(',');
      const answer = { comments: list, next_page: null, previous_page: null, count: list.length };
      if (include.includes('users')) {
        const ids = [...new Set([...list.map((c) => c.author_id), ...(t.email_cc_ids ?? [])].filter((id) => id !== null))];
        answer.users = ids.map(userResource).filter(Boolean);
      }
      return send(res, 200, answer);
    }
    const shown = path.match(/^\/api\/v2\/attachments\/(\d+)\.json$/);
    if (req.method === 'GET' && shown) {
      const f = ctx.s.files.get(Number(shown[1]));
      if (!f) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
      return send(res, 200, { attachment: f.attachment });
    }
    if (req.method === 'GET' && path === '/api/v2/tickets.json') {
      const ext = url.searchParams.get('external_id');
      const list = [...ctx.s.tickets.values()].filter((t) => ext === null || t.external_id === ext).map(ticketResource);
      return send(res, 200, { tickets: list, next_page: null, previous_page: null, count: list.length });
    }
    return send(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
  }

  /** Stores a file as Zendesk does; its content_url needs the API credentials (private). */
  function storeFile(fileName, contentType, bytes) {
    const id = ctx.s.nextAttachmentId++;
    const attachment = {
      url: `${ctx.selfUrl}/api/v2/attachments/${id}.json`, id, file_name: fileName,
      content_url: `${ctx.selfUrl}/zendesk-files/${id}/${encodeURIComponent(fileName)}`, mapped_content_url: null,
      content_type: contentType.split(';')[0].trim(), size: bytes.length, width: null, height: null, inline: false, deleted: false, thumbnails: [],
    };
    ctx.s.files.set(id, { attachment, bytes });
    return attachment;
  }

  function attachmentsFor(tokens) {
    return (tokens || []).map((t) => ctx.s.uploads.get(t)).filter(Boolean);
  }

  /** An agent's comment on a ticket (public reply or internal note), then Zendesk's webhook. */
  async function agentComments(ticketId, body, { isPublic = true, deliveries = 1, signWith, timestamp, files = [] } = {}) {
    const t = ctx.s.tickets.get(Number(ticketId));
    if (!t) throw new Error(`no ticket ${ticketId}`);
    const attachments = files.map((f) => storeFile(f.name, f.contentType, f.bytes || sampleBytes(f.contentType, f.size)));
    const comment = { id: ctx.s.nextCommentId++, body, public: isPublic, author_id: SANDBOX_AGENT.id, created_at: new Date().toISOString(), attachments, via: viaOf('web') };
    t.comments.push(comment);
    if (isPublic && (t.status === 'new' || t.status === 'open')) t.status = 'pending';
    t.updated_at = comment.created_at;
    // An event-subscribed webhook hears of every comment (notes too); the trigger fires on
    // public comments only (the gateway must still ignore notes if called).
    if (events.eventMode()) return { comment, results: await events.send(events.commentAdded(t, comment, userResource(comment.author_id)), { deliveries, signWith, timestamp }) };
    const results = [];
    for (let i = 0; i < deliveries; i++) results.push(await zendeskWebhook(t.id, { signWith, timestamp }));
    return { comment, results };
  }

  /**
   * An agent solves a ticket in Zendesk's UI (the sandbox page's Solve button): its status
   * becomes `solved`, and an event-subscribed webhook hears `ticket.status_changed`; in trigger
   * mode the solved tickets' trigger that `npm run setup` makes ("status changed to solved" on
   * tickets tagged whatsapp) calls the webhook with its body.
   */
  async function solveTicket(ticketId, { deliveries = 1 } = {}) {
    const t = ctx.s.tickets.get(Number(ticketId));
    if (!t) throw new Error(`no ticket ${ticketId}`);
    const previous = t.status;
    t.status = 'solved';
    t.updated_at = new Date().toISOString();
    if (previous === 'solved') return { results: [] };
    if (events.eventMode()) return { results: await events.send(events.statusChanged(t, previous), { deliveries }) };
    if (!(t.tags || []).includes('whatsapp')) return { results: [] };
    const results = [];
    for (let i = 0; i < deliveries; i++) results.push(await zendeskWebhook(t.id, { solved: true }));
    return { results };
  }

  /**
   * A public comment by an end-user who is not the requester: someone CC'd on the ticket
   * replying to Zendesk's notification e-mail, which Zendesk threads into the ticket (via
   * `email`). Then Zendesk's webhook, as for any public comment.
   */
  async function endUserComments(ticketId, body, { name = 'Casey Colleague', email = 'casey@partner.example', deliveries = 1 } = {}) {
    const t = ctx.s.tickets.get(Number(ticketId));
    if (!t) throw new Error(`no ticket ${ticketId}`);
    const user = upsertUser({ name, email });
    t.email_cc_ids = [...new Set([...(t.email_cc_ids ?? []), user.id])];
    const comment = { id: ctx.s.nextCommentId++, body, public: true, author_id: user.id, created_at: new Date().toISOString(), attachments: [], via: viaOf('email', { address: user.email, name: user.name }) };
    t.comments.push(comment);
    if (t.status === 'solved' || t.status === 'pending') t.status = 'open';
    t.updated_at = comment.created_at;
    if (events.eventMode()) return { comment, user, results: await events.send(events.commentAdded(t, comment, userResource(user.id)), { deliveries }) };
    const results = [];
    for (let i = 0; i < deliveries; i++) results.push(await zendeskWebhook(t.id));
    return { comment, user, results };
  }

  /**
   * An agent merges `sourceIds` into `targetId`, as Zendesk does: each source is closed with a
   * notice, and the target gets one written as the merging agent through the `merge` channel
   * (via id 19, https://developer.zendesk.com/documentation/ticketing/reference-guides/via-types/)
   * that quotes each source's last comment. The notices are private unless the agent makes
   * them public (`target_comment_is_public`,
   * https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#merge-tickets-into-target-ticket).
   * Then Zendesk's webhook for the target, when its notice is public.
   */
  async function mergeTickets(targetId, sourceIds, { targetCommentIsPublic = false, deliveries = 1 } = {}) {
    const target = ctx.s.tickets.get(Number(targetId));
    if (!target) throw new Error(`no ticket ${targetId}`);
    const now = new Date().toISOString();
    const quoted = sourceIds.map((id) => {
      const source = ctx.s.tickets.get(Number(id));
      if (!source) throw new Error(`no ticket ${id}`);
      const last = [...source.comments].reverse().find((c) => c.public) ?? source.comments.at(-1);
      source.comments.push({ id: ctx.s.nextCommentId++, body: `Request #${source.id} "${source.subject}" was closed and merged into request #${target.id} "${target.subject}".`, public: false, author_id: SANDBOX_AGENT.id, created_at: now, attachments: [], via: viaOf('merge', { ticket_id: target.id, subject: target.subject }) });
      source.status = 'closed';
      return `Request #${source.id} "${source.subject}" was closed and merged into this request. Last comment in request #${source.id}:\n\n${last?.body ?? ''}`;
    });
    const comment = { id: ctx.s.nextCommentId++, body: quoted.join('\n\n'), public: targetCommentIsPublic, author_id: SANDBOX_AGENT.id, created_at: now, attachments: [], via: viaOf('merge', { ticket_ids: sourceIds.map(Number) }) };
    target.comments.push(comment);
    target.updated_at = now;
    const results = [];
    if (events.eventMode()) {
      // One action, one sequence: each source's `ticket.merged` naming the target, and the
      // target's notice as a comment (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events).
      const sequence = crypto.randomUUID();
      for (const id of sourceIds) results.push(...await events.send(events.merged(ctx.s.tickets.get(Number(id)), target.id, sequence), { deliveries }));
      results.push(...await events.send(events.commentAdded(target, comment, userResource(comment.author_id)), { deliveries }));
    } else if (targetCommentIsPublic) {
      for (let i = 0; i < deliveries; i++) results.push(await zendeskWebhook(target.id));
    }
    return { comment, results };
  }

  /** Why Zendesk would refuse to merge `ids` into `targetId` ([status, body]), or null. */
  function mergeRefusal(targetId, ids) {
    const target = ctx.s.tickets.get(targetId);
    if (!target) return [404, { error: 'RecordNotFound', description: 'Not found' }];
    if (!ids.length || ids.includes(targetId) || ids.some((id) => !ctx.s.tickets.has(id))) return [400, { error: 'InvalidParameter', description: 'ids must name other existing tickets' }];
    if ([target, ...ids.map((id) => ctx.s.tickets.get(id))].some((t) => t.status === 'closed')) return [422, { error: 'RecordInvalid', description: 'Closed tickets cannot be merged' }];
    return null;
  }

  /**
   * `POST /api/v2/tickets/{target}/merge` with `{ids, target_comment, source_comment,
   * target_comment_is_public, source_comment_is_public}`: Zendesk merges asynchronously and
   * answers with a job status (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#merge-tickets-into-target-ticket;
   * the exact answer is UNVERIFIED: docs/zendesk-events.md). Closed tickets and the target itself
   * cannot be merged.
   */
  async function mergeApi(res, targetId, raw) {
    let body;
    try { body = JSON.parse(raw.toString('utf8') || '{}'); } catch { return send(res, 400, { error: 'InvalidJSON' }); }
    const ids = (Array.isArray(body?.ids) ? body.ids : []).map(Number);
    const refused = mergeRefusal(targetId, ids);
    if (refused) return send(res, ...refused);
    const job = { id: crypto.randomBytes(16).toString('hex'), status: 'completed', job_type: 'MergeTicketsJob', total: ids.length, progress: ids.length, message: 'Completed', results: [] };
    send(res, 200, { job_status: { ...job, url: `https://${ctx.creds.ZENDESK_DOMAIN}/api/v2/job_statuses/${job.id}.json` } });
    // Zendesk's events follow the answer.
    await mergeTickets(targetId, ids, { targetCommentIsPublic: body.target_comment_is_public === true }).catch(() => {});
    return undefined;
  }

  /** Zendesk's webhook call for a ticket, signed as Zendesk does. */
  async function zendeskWebhook(ticketId, { signWith, timestamp, body, solved = false } = {}) {
    const t = ctx.s.tickets.get(Number(ticketId));
    const url = ctx.gatewayUrl.replace(/\/twilio\/whatsapp$/, '/zendesk/events');
    // The body a trigger made by `npm run setup` sends (its placeholders filled in): the agents'
    // replies' trigger, or the solved tickets' (`status`, `{{ticket.tags}}` space-separated,
    // the solve's time).
    const requester = [...ctx.s.users.values()].find((u) => u.id === t?.requester_id);
    const named = { ticket_id: String(ticketId), requester_email: requester?.email ?? '', requester_id: requester ? String(requester.id) : '', requester_external_id: requester?.external_id ?? '' };
    // `{{ticket.updated_at_with_timestamp}}` is ISO 8601 to the minute, UTC (2013-12-12T05:35Z).
    const updatedAt = (t?.updated_at ?? new Date().toISOString()).replace(/:\d{2}(\.\d+)?Z$/, 'Z');
    const payload = body ?? JSON.stringify(solved ? { ...named, status: 'solved', tags: (t?.tags || []).join(' '), updated_at: updatedAt } : named);
    const ts = timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const headers = { 'Content-Type': 'application/json', 'User-Agent': 'Zendesk Webhook' };
    if (signWith !== null) {
      headers['X-Zendesk-Webhook-Signature'] = zendeskSignature(signWith ?? ctx.creds.ZENDESK_WEBHOOK_SECRET, ts, payload);
      headers['X-Zendesk-Webhook-Signature-Timestamp'] = ts;
    }
    const r = await fetch(url, { method: 'POST', headers, body: payload });
    const result = { ticket_id: ticketId, status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
    ctx.s.webhookCalls.push(result);
    return result;
  }

  /**
   * A private attachment's content URL: the API credentials are required, as in Zendesk, which
   * then redirects to its file CDN (`*.zdusercontent.com`) with a short-lived signed URL. Faults
   * queued for 'zendeskFiles' apply here (a download that hangs or stalls mid-file).
   */
  async function serveFile(req, res, id) {
    if (await applyFault('zendeskFiles', req, res, () => {})) return;
    if (!authOk(req)) return send(res, 401, { error: "Couldn't authenticate you" });
    const f = ctx.s.files.get(Number(id));
    if (!f) return send(res, 404, { error: 'RecordNotFound', description: 'Not found' });
    res.writeHead(302, { Location: `${ctx.selfUrl}/__zdcdn/${id}` });
    return res.end();
  }

  /** Zendesk's file CDN: signed URLs, no second authentication. Downloads are counted. */
  function serveCdnFile(req, res, id) {
    const f = ctx.s.files.get(Number(id));
    if (!f) return send(res, 404, 'Not Found');
    if (req.headers.authorization) return send(res, 400, 'Only one auth mechanism allowed');
    f.downloads = (f.downloads || 0) + 1;
    res.writeHead(200, { 'Content-Type': f.attachment.content_type, 'Content-Length': f.bytes.length });
    return res.end(f.bytes);
  }

  return { handle: zendesk, serveFile, serveCdnFile, agentComments, endUserComments, solveTicket, mergeTickets, mergeRefusal, zendeskWebhook, zendeskEvents: events };
}
