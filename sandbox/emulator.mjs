// The local stand-in for Zendesk's and Twilio's APIs, and the customer's phone.
// One emulator serves both `npm start` (the sandbox page) and the end-to-end tests.
// It behaves like the real APIs where the gateway depends on it: Basic auth checked (401 with
// the real error bodies), 201 bodies shaped as the real answers, 429 with Retry-After,
// Zendesk's Idempotency-Key, and injectable faults and latency. Each API is a module of
// `emulator/`; this file holds their shared state, the control API and the HTTP server.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { SANDBOX_CREDENTIALS, readBody, send } from './emulator/common.mjs';
import { zendeskApi } from './emulator/zendesk.mjs';
import { twilioApi, whatsappSender } from './emulator/twilio.mjs';
import { faultInjection } from './emulator/faults.mjs';
import { analyticsApi } from './emulator/analytics.mjs';
import { rateLimits, freshLimits, invalidLimits } from './emulator/limits.mjs';

export { SANDBOX_CREDENTIALS, SANDBOX_AGENT, zendeskSignature, twilioSignature, newMessageSid } from './emulator/common.mjs';
export { SANDBOX_ANALYTICS_TOKEN } from './emulator/analytics.mjs';

const PAGE = new URL('./page.html', import.meta.url);

/**
 * @param {object} opts
 * @param {string} [opts.gatewayUrl] where the customer's phone posts webhooks (.../twilio/whatsapp)
 * @param {object} [opts.credentials] overrides of SANDBOX_CREDENTIALS
 * @param {string} [opts.contentTemplate] how the sandbox renders the Content template
 * @param {() => number} [opts.now] the rate limits' clock in ms (default Date.now), for tests
 */
export function createEmulator(opts = {}) {
  const creds = { ...SANDBOX_CREDENTIALS, ...(opts.credentials || {}) };
  const contentTemplate = opts.contentTemplate || 'Ticket #{{2}} created: "{{1}}". We\'ll get back to you soon.';
  let gatewayUrl = opts.gatewayUrl || 'http://127.0.0.1:8787/twilio/whatsapp';
  let selfUrl = 'http://127.0.0.1:0';

  const fresh = () => ({
    tickets: new Map(), // id -> ticket
    users: new Map(), // email (or `external_id:<id>` for a user without one) -> user
    userUpserts: [], // create_or_update calls: {external_id, email, phones, status}
    typing: [], // typing indicators asked for: {messageId, channel}
    idempotency: new Map(), // key -> {hash, status, body}
    messages: [], // outbound Twilio messages (replies to customers)
    inbound: [], // messages the customer's phone sent to the gateway
    requests: [], // every API request received: {api, method, path, headers, body, status}
    faults: { zendesk: [], twilio: [] },
    latencyMs: { zendesk: 0, twilio: 0 },
    limits: freshLimits(), // Zendesk's rate limits and the calls they counted (emulator/limits.mjs)
    // The creation token bucket, where callers of an earlier emulator read it.
    get rateLimit() { return { zendesk: this.limits.creates }; },
    clockOffsetMs: 0, // added to the rate limits' clock (advanceClock): tests wait without sleeping
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
    senders: new Map([[whatsappSender(creds).sid, whatsappSender(creds)]]), // Twilio WhatsApp senders (Senders API)
    nextTriggerId: 360001,
    nextTicketId: 1001,
    nextUserId: 9001,
    nextCommentId: 50001,
    // Whether the account offers ticket events to webhooks (`npm run setup` subscribes to them,
    // else falls back to the trigger), and how agents' changes reach the gateway: 'events',
    // 'trigger', or null (events when an event-subscribed webhook exists).
    ticketEvents: opts.ticketEvents === true,
    zendeskDelivery: opts.zendeskDelivery ?? null,
    analyticsPoints: new Map(), // Analytics Engine dataset -> data points (the SQL API stand-in)
  });
  let s = fresh();
  // What the API modules share: read through getters, as a reset replaces the state.
  const ctx = {
    creds,
    contentTemplate,
    get s() { return s; },
    get selfUrl() { return selfUrl; },
    get gatewayUrl() { return gatewayUrl; },
    /**
     * The clock of Zendesk's rate limits: real time (or the tests' own clock, `opts.now`), plus
     * what tests advanced it by.
     */
    now() { return (opts.now ? opts.now() : Date.now()) + s.clockOffsetMs; },
  };
  const zendeskSide = zendeskApi(ctx);
  const twilioSide = twilioApi(ctx);
  const analyticsSide = analyticsApi(ctx);
  const { applyFault, setRateLimit } = faultInjection(ctx);
  const limits = rateLimits(ctx);
  const { agentComments, endUserComments, mergeTickets, zendeskWebhook } = zendeskSide;
  const { customerSends } = twilioSide;

  // ---------- control API and page ----------
  function publicState() {
    return {
      gatewayUrl,
      // The gateway's operator dashboard, signed in with the sandbox's own admin token (in the
      // fragment: the dashboard moves it to the tab's session storage, no server sees it).
      dashboardUrl: opts.adminToken ? `${gatewayUrl.replace(/\/twilio\/whatsapp$/, '/admin')}#token=${encodeURIComponent(opts.adminToken)}` : null,
      tickets: [...s.tickets.values()].map((t) => ({ ...t })),
      messages: s.messages,
      inbound: s.inbound,
      faults: s.faults,
      latencyMs: s.latencyMs,
      // Zendesk's rate limits: per limit its setting, the requests it counted and refused (429),
      // and every /api/v2 call by kind (all, creates, updates): made, answered, answered 429.
      rateLimits: limits.snapshot(),
    };
  }

  /**
   * Why a control request is refused, or null. The control API drives the customer's phone and
   * the agents: the sandbox page and local scripts may use it, a web page the developer happens
   * to have open may not. Such a page can send a form post or text/plain without asking (no
   * CORS preflight), so a state-changing request must be JSON, which it cannot send without a
   * preflight, and the emulator approves none (it sends no Access-Control-Allow-* header).
   * A browser names the page in Origin: only the emulator's own is accepted. And the Host must
   * be the emulator's own name: a name rebound to 127.0.0.1 (DNS rebinding) is another site,
   * whose page would otherwise be same-origin with this API.
   */
  function refusal(req) {
    const port = server.address()?.port;
    const hosts = new Set([new URL(selfUrl).host, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
    if (!hosts.has((req.headers.host || '').toLowerCase())) return [403, 'the sandbox answers only to its own address (Host)'];
    const origin = req.headers.origin;
    if (origin !== undefined && ![...hosts].some((h) => origin.toLowerCase() === `http://${h}`)) {
      return [403, 'cross-origin requests to the sandbox are refused'];
    }
    const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (req.method !== 'GET' && req.method !== 'HEAD' && type !== 'application/json') {
      return [415, 'the sandbox control API takes Content-Type: application/json only'];
    }
    return null;
  }

  async function control(req, res, url, raw) {
    const refused = refusal(req);
    if (refused) return send(res, refused[0], { error: refused[1] });
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
    if (req.method === 'POST' && path === '/rate-limit') {
      const b = json();
      const invalid = invalidLimits(b);
      if (invalid) return send(res, 400, { error: invalid });
      setRateLimit(b);
      return send(res, 200, { ok: true, rateLimits: limits.snapshot() });
    }
    if (req.method === 'POST' && path === '/clock') {
      const { advanceMs } = json();
      if (!(Number.isInteger(advanceMs) && advanceMs >= 0)) return send(res, 400, { error: 'advanceMs must be a whole number >= 0' });
      s.clockOffsetMs += advanceMs;
      return send(res, 200, { ok: true, clockOffsetMs: s.clockOffsetMs });
    }
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
    if (req.method === 'POST' && path === '/agent/solve') {
      const b = json();
      if (!s.tickets.has(Number(b.ticket_id))) return send(res, 400, { error: 'ticket_id (an existing ticket) is required' });
      return send(res, 200, await zendeskSide.solveTicket(b.ticket_id));
    }
    if (req.method === 'POST' && path === '/agent/merge') {
      // An agent merges tickets in Zendesk's UI (the sandbox page's Merge button): as the merge
      // API does it, with the same refusals (emulator/zendesk.mjs mergeTickets).
      const b = json();
      const targetId = Number(b.target_id);
      const sourceIds = (Array.isArray(b.source_ids) ? b.source_ids : []).map(Number);
      if (!Number.isInteger(targetId) || !sourceIds.every(Number.isInteger)) return send(res, 400, { error: 'target_id and source_ids (ticket ids) are required' });
      const refused = zendeskSide.mergeRefusal(targetId, sourceIds);
      if (refused) return send(res, refused[0], refused[1]);
      const r = await mergeTickets(targetId, sourceIds, { targetCommentIsPublic: b.public === true });
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
      if ((typeof b.body !== 'string' || !b.body.trim()) && !b.media?.length && !b.location && !b.button) return send(res, 400, { error: 'a body, media, a location or a button is required' });
      const button = b.button && typeof b.button.payload === 'string' && typeof b.button.text === 'string' ? { payload: b.button.payload, text: b.button.text } : null;
      return send(res, 200, await customerSends({ from: b.from || undefined, to: b.to || undefined, body: b.body, profileName: b.profileName || undefined, media: b.media || [], location: b.location || null, button }));
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
      if (cdn && req.method === 'GET') return await twilioSide.serveMedia(req, res, cdn[1]);
      const zdcdn = url.pathname.match(/^\/__zdcdn\/(\d+)$/);
      if (zdcdn && req.method === 'GET') return zendeskSide.serveCdnFile(req, res, zdcdn[1]);
      const file = url.pathname.match(/^\/zendesk-files\/(\d+)\//);
      if (file && req.method === 'GET') return zendeskSide.serveFile(req, res, file[1]);
      // Twilio's two API hosts share the emulator: api.twilio.com (/2010-04-01/) and
      // messaging.twilio.com (/v2/Channels/, the Senders API; /v2/Indicators/, typing).
      const messagingApi = url.pathname.startsWith('/v2/Channels/') || url.pathname.startsWith('/v2/Indicators/');
      const api = url.pathname.startsWith('/api/v2/') ? 'zendesk' : url.pathname.startsWith('/2010-04-01/') || messagingApi ? 'twilio' : null;
      // Analytics Engine's SQL API (Cloudflare's path), for the dashboard's history.
      if (!api && /^\/client\/v4\/accounts\/[^/]+\/analytics_engine\/sql$/.test(url.pathname)) {
        s.requests.push({ api: 'analytics', method: req.method, path: url.pathname, headers: req.headers, body: raw.toString('utf8'), at: Date.now(), status: null });
        return analyticsSide.handle(req, res, url, raw);
      }
      if (!api) return send(res, 404, { error: 'not found' });
      const record = { api, method: req.method, path: url.pathname + url.search, headers: req.headers, body: raw.toString('utf8'), at: Date.now(), status: null };
      s.requests.push(record);
      const handler = () => (api === 'zendesk' ? zendeskSide.handle(req, res, url, raw)
        : url.pathname.startsWith('/v2/Channels/') ? twilioSide.senders(req, res, url, raw)
          : url.pathname.startsWith('/v2/Indicators/') ? twilioSide.typing(req, res, url, raw) : twilioSide.handle(req, res, url, raw));
      const origWriteHead = res.writeHead.bind(res);
      // A Zendesk request admitted by the rate limits: its answer carries the account's headers
      // (and a 429 gives its place in the windows back).
      let admission = null;
      res.writeHead = (st, ...rest) => {
        record.status = st;
        if (admission) {
          for (const [name, value] of Object.entries(limits.answered(admission, st))) res.setHeader(name, value);
          admission = null;
        }
        return origWriteHead(st, ...rest);
      };
      if (api === 'zendesk') {
        admission = limits.admit(req, res, url.pathname);
        if (!admission) return;
      }
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
    /**
     * Zendesk's rate limits, all at once (absent, null or 0: off): `perMinute` (and `burst`)
     * the ticket creation bucket, `accountPerMinute` the account's window over every request,
     * `updatesPerMinute` the Update Ticket endpoint's account window.
     */
    setRateLimit,
    /** Moves the rate limits' clock forward (a test waits out a Retry-After without sleeping). */
    advanceClock(ms) { s.clockOffsetMs += ms; },
    agentComments,
    endUserComments,
    mergeTickets,
    /** An agent solves a ticket (`ticket.status_changed` in the events mode). */
    solveTicket: (id, opts) => zendeskSide.solveTicket(id, opts),
    zendeskWebhook,
    /** Zendesk's event webhooks (`emulator/zendesk-events.mjs`): `send(payload)`, `commentAdded`, `merged`. */
    zendeskEvents: zendeskSide.zendeskEvents,
    /** 'events' or 'trigger': how agents' changes reach the gateway from now on. */
    setZendeskDelivery(mode) { s.zendeskDelivery = mode; },
    closeWindow(to) { s.closedWindows.add(to.startsWith('whatsapp:') ? to : `whatsapp:${to}`); },
    failNextDelivery(code, status = 'undelivered') { s.deliveryFaults.push({ code, status }); },
    setFaults(api, faults) { s.faults[api] = [...faults]; },
    setLatency(latency) { Object.assign(s.latencyMs, latency); },
    /** Adds data points to an Analytics Engine dataset of the SQL API stand-in. */
    addAnalyticsPoints(dataset, points) { s.analyticsPoints.set(dataset, [...(s.analyticsPoints.get(dataset) ?? []), ...points]); },
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
