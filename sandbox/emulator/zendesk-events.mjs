// Zendesk's event-subscribed webhooks, as the emulator sends them: a webhook created with
// `subscriptions: ["zen:event-type:..."]` (instead of `["conditional_ticket_events"]`, the
// trigger mode) is called with one JSON event per change, signed like any Zendesk webhook
// (base64 HMAC-SHA256 of timestamp + body, https://developer.zendesk.com/documentation/webhooks/verifying/).
// The envelope is the ticket-events page's (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events):
// {type, account_id, id, time, zendesk_event_version, subject, detail, event}. Ids come as strings
// in `detail` (as in Zendesk's own examples) and as numbers elsewhere, so the gateway must read
// both. The comment's fields (id, body, is_public, author {id, is_staff, name}) follow public
// models of the payload (UNVERIFIED against a live account: docs/zendesk-events.md).
import crypto from 'node:crypto';
import { zendeskSignature, SANDBOX_AGENT } from './common.mjs';

export const EVENT_PREFIX = 'zen:event-type:';

/** @param {object} ctx the emulator's shared context */
export function zendeskEvents(ctx) {
  /** The account's event-subscribed webhook, if one was made (`npm run setup` on an account with ticket events). */
  const eventsHook = () => [...ctx.s.webhooks.values()].find((w) => (w.subscriptions || []).some((s) => String(s).startsWith(EVENT_PREFIX)));

  /** Whether agents' changes reach the gateway as events (a subscribed webhook, or the tests' switch). */
  const eventMode = () => ctx.s.zendeskDelivery === 'events' || (ctx.s.zendeskDelivery !== 'trigger' && Boolean(eventsHook()));

  function detail(t) {
    return {
      actor_id: String(SANDBOX_AGENT.id), assignee_id: '', brand_id: String(t.brand_id ?? 1), created_at: t.created_at,
      custom_status: '1', description: t.comments[0]?.body ?? '', external_id: t.external_id ?? '', form_id: '1', group_id: '',
      id: String(t.id), is_public: true, organization_id: '', priority: t.priority ? t.priority.toUpperCase() : null,
      requester_id: t.requester_id ? String(t.requester_id) : '', status: String(t.status).toUpperCase(), subject: t.subject,
      submitter_id: t.requester_id ? String(t.requester_id) : '', tags: t.tags, type: t.type ? t.type.toUpperCase() : null,
      updated_at: t.updated_at, via: { channel: 'web_service' },
    };
  }

  function envelope(type, t, event, sequence) {
    return {
      type: `${EVENT_PREFIX}${type}`, account_id: 12514403, id: crypto.randomUUID(), time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      zendesk_event_version: '2022-11-06', subject: `zen:ticket:${t.id}`, detail: detail(t),
      event: { ...event, meta: { sequence: { id: sequence, position: 1 } } },
    };
  }

  /** Posts one event `deliveries` times (Zendesk may deliver an event again), signed. */
  async function send(payload, { deliveries = 1, signWith, timestamp } = {}) {
    const url = ctx.gatewayUrl.replace(/\/twilio\/whatsapp$/, '/zendesk/events');
    const body = JSON.stringify(payload);
    const secret = signWith ?? eventsHook()?.signing_secret_value ?? ctx.creds.ZENDESK_WEBHOOK_SECRET;
    const results = [];
    for (let i = 0; i < deliveries; i++) {
      const ts = timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const headers = { 'Content-Type': 'application/json', 'User-Agent': 'Zendesk Webhook' };
      if (signWith !== null) {
        headers['X-Zendesk-Webhook-Signature'] = zendeskSignature(secret, ts, body);
        headers['X-Zendesk-Webhook-Signature-Timestamp'] = ts;
      }
      const r = await fetch(url, { method: 'POST', headers, body });
      const result = { event: payload.type, event_id: payload.id, ticket_id: Number(payload.detail?.id), status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
      ctx.s.webhookCalls.push(result);
      results.push(result);
    }
    return results;
  }

  /** `ticket.comment_added` for a comment on ticket `t`. */
  function commentAdded(t, comment, author) {
    const c = { id: comment.id, body: comment.body, is_public: comment.public, author: { id: comment.author_id, is_staff: author?.role !== 'end-user', name: author?.name ?? '' } };
    // A file is named by the event (UNVERIFIED whether as `attachment` on the comment or as
    // separate `ticket.attachment_linked_to_comment` events): the gateway reads the comment then.
    if (comment.attachments?.length) {
      const a = comment.attachments[0];
      c.attachment = { id: a.id, content_type: a.content_type, content_url: a.content_url, filename: a.file_name, is_public: comment.public };
    }
    return envelope('ticket.comment_added', t, { comment: c }, crypto.randomUUID());
  }

  /** `ticket.merged` for `source`, merged into `targetId`. */
  function merged(source, targetId, sequence) {
    return envelope('ticket.merged', source, { target_ticket_id: String(targetId) }, sequence);
  }

  /** `ticket.status_changed` for ticket `t`, from `previous` to its status now. */
  function statusChanged(t, previous) {
    return envelope('ticket.status_changed', t, { current: String(t.status).toUpperCase(), previous: String(previous).toUpperCase() }, crypto.randomUUID());
  }

  return { eventMode, eventsHook, send, commentAdded, merged, statusChanged, envelope };
}
