// `npm run setup -- --zendesk acme.zendesk.com --gateway https://<worker>.workers.dev`
//
// Connects a real Zendesk account and Twilio number to a deployed gateway:
//   1. checks the credentials against the real APIs (Zendesk: the authenticated user, who must be
//      an admin; Twilio: the account);
//   2. creates, or updates when it differs, the Zendesk webhook that calls the gateway, and stores
//      its signing secret as the Worker secret ZENDESK_WEBHOOK_SECRET. A new webhook subscribes
//      to Zendesk's ticket events (comment added, merged...: docs/zendesk-events.md) where the
//      account offers them; on a 4xx it is made trigger-connected instead. A webhook is one or
//      the other, and its connection method cannot be changed: an existing one keeps its mode;
//   3. in trigger mode only, creates, or updates, the trigger that calls the webhook on agents'
//      public comments and the one that calls it when a WhatsApp ticket is solved (for the
//      satisfaction question, CSAT=on: docs/satisfaction.md); event mode needs no trigger;
//   4. with --twilio-sender, sets the Twilio WhatsApp sender's inbound and status-callback URLs
//      through Twilio's Senders API (Public Beta); otherwise prints the URL to paste into
//      Twilio's console.
// Idempotent: a second run finds everything in place and changes nothing.
//
// Credentials (never from arguments, so they stay out of shell history): the environment, else
// .secrets.env and deploy.env (the files `npm run deploy` reads), else a hidden prompt:
// ZENDESK_EMAIL, ZENDESK_API_KEY (or ZENDESK_API_TOKEN), TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN.
// --dry-run checks the credentials and says what would change, changing nothing. A gateway on a
// custom domain gets PUBLIC_BASE_URL written to deploy.env (Twilio signs the URL it calls). The
// gateway's /healthz is checked at the end.
// Options: --zendesk HOST (or ZENDESK_DOMAIN), --gateway URL, --twilio-sender [--twilio-sender-sid
// XE...], --zendesk-base-url URL, --twilio-base-url URL and --twilio-messaging-base-url URL (for
// tests), --secret-command CMD (default: wrangler secret put;
// receives the name as last argument and the value on stdin), --state FILE (remembers what
// was stored, so that an unchanged secret is not stored again).
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { parseEnvFile } from './deploy.mjs';
import path from 'node:path';

export const WEBHOOK_NAME = 'WhatsApp gateway: agent replies';
export const TRIGGER_TITLE = 'WhatsApp gateway: send agent replies to WhatsApp';
export const SOLVED_TRIGGER_TITLE = 'WhatsApp gateway: solved tickets (satisfaction question)';
/** The events an event-subscribed webhook gets (src/core/zendesk_event.rs `SUBSCRIBED`). */
export const EVENT_SUBSCRIPTIONS = [
  'zen:event-type:ticket.comment_added',
  'zen:event-type:ticket.merged',
  'zen:event-type:ticket.status_changed',
  'zen:event-type:ticket.soft_deleted',
  'zen:event-type:user.deleted',
];
const isEventHook = (hook) => (hook?.subscriptions || []).some((s) => String(s).startsWith('zen:event-type:'));

class SetupError extends Error {}
const fail = (msg) => { throw new SetupError(msg); };

function basic(user, pass) {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

async function call(api, base, auth, method, p, body) {
  let r;
  // A GET is tried twice: a kept-alive connection the server closed while this script waited
  // (storing a secret with wrangler takes seconds) fails the first try with UND_ERR_SOCKET.
  for (let attempt = 1; ; attempt += 1) {
    try {
      r = await fetch(`${base}${p}`, {
        method,
        headers: { Authorization: auth, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
      break;
    } catch (e) {
      if (method === 'GET' && attempt < 2 && e.cause?.code === 'UND_ERR_SOCKET') continue;
      fail(`cannot reach ${api} at ${base} (${e.cause?.code || e.message}): check the ${api === 'Zendesk' ? 'subdomain (--zendesk)' : 'network'}`);
    }
  }
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: r.status, json };
}

/**
 * A trigger on WhatsApp tickets (tagged `whatsapp`, changed by an update) that calls the
 * gateway's webhook with the ticket and its requester, and `extra` fields of its own.
 */
function whatsappTrigger(webhookId, { title, description, conditions, extra = '' }) {
  const body = `{"ticket_id": "{{ticket.id}}", "requester_email": "{{ticket.requester.email}}", "requester_id": "{{ticket.requester.id}}", "requester_external_id": "{{ticket.requester.external_id}}"${extra}}`;
  return {
    title,
    active: true,
    description,
    conditions: {
      all: [
        { field: 'update_type', operator: 'is', value: 'Change' },
        { field: 'current_tags', operator: 'includes', value: 'whatsapp' },
        ...conditions,
      ],
      any: [],
    },
    actions: [{ field: 'notification_webhook', value: [String(webhookId), body] }],
  };
}

export function desiredTrigger(webhookId) {
  return whatsappTrigger(webhookId, {
    title: TRIGGER_TITLE,
    description: 'Created by the WhatsApp gateway set-up: agents\' public comments on WhatsApp tickets go to the customer on WhatsApp.',
    conditions: [
      { field: 'comment_is_public', operator: 'is', value: 'true' },
      { field: 'role', operator: 'is', value: 'agent' },
    ],
  });
}

/**
 * The trigger that tells the gateway a WhatsApp ticket was solved (trigger mode's stand-in for
 * the `ticket.status_changed` event): the gateway asks the satisfaction question when CSAT is on
 * and only logs the call when it is off. `status` `value` is "changed to" (Zendesk's conditions
 * reference: https://developer.zendesk.com/documentation/ticketing/reference-guides/conditions-reference/);
 * `{{ticket.tags}}` is the ticket's tags, space-separated (a ticket solved as spam is not asked);
 * `{{ticket.updated_at_with_timestamp}}` (ISO 8601 to the minute) tells one solve from the next
 * (Zendesk's placeholders reference: https://support.zendesk.com/hc/en-us/articles/4408886858138).
 */
export function desiredSolvedTrigger(webhookId) {
  return whatsappTrigger(webhookId, {
    title: SOLVED_TRIGGER_TITLE,
    description: 'Created by the WhatsApp gateway set-up: when a WhatsApp ticket is solved, the gateway may ask its customer for a rating on WhatsApp (CSAT=on).',
    conditions: [{ field: 'status', operator: 'value', value: 'solved' }],
    extra: ', "status": "solved", "tags": "{{ticket.tags}}", "updated_at": "{{ticket.updated_at_with_timestamp}}"',
  });
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export async function setup(o, log = console.log) {
  const env = o.env;
  const missing = ['ZENDESK_EMAIL', 'ZENDESK_API_KEY', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'].filter((n) => !env[n]);
  let domain = (o.zendesk || env.ZENDESK_DOMAIN || '').replace(/^https?:\/\//, '').replace(/\/.*$/, '').toLowerCase();
  // `acme` is acme.zendesk.com (the Worker reads ZENDESK_DOMAIN the same way).
  if (domain && !domain.includes('.')) domain = `${domain}.zendesk.com`;
  if (!domain) missing.push('--zendesk (or ZENDESK_DOMAIN)');
  if (!o.gateway) missing.push('--gateway');
  if (missing.length) fail(`missing: ${missing.join(', ')} (credentials are read from the environment, .secrets.env and deploy.env, or asked for)`);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) fail(`--zendesk must be a host name like acme.zendesk.com, not "${domain}"`);
  const gateway = o.gateway.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(gateway)) fail('--gateway must be the deployed Worker\'s URL, e.g. https://whatsapp-zendesk-gateway.acme.workers.dev');
  const zBase = (o.zendeskBaseUrl || `https://${domain}`).replace(/\/+$/, '');
  const tBase = (o.twilioBaseUrl || 'https://api.twilio.com').replace(/\/+$/, '');
  const zAuth = basic(`${env.ZENDESK_EMAIL}/token`, env.ZENDESK_API_KEY);
  const tAuth = basic(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN);
  const z = (method, p, body) => call('Zendesk', zBase, zAuth, method, p, body);

  // 1. credentials
  const me = await z('GET', '/api/v2/users/me.json');
  if (me.status === 401 || (me.status === 200 && !me.json?.user?.id)) {
    fail(`Zendesk refused the credentials: check ZENDESK_EMAIL (${env.ZENDESK_EMAIL}) and ZENDESK_API_KEY (an API token, with token access enabled in Admin Center)`);
  }
  if (me.status === 404) fail(`no Zendesk account at ${domain}: check the subdomain (--zendesk)`);
  if (me.status !== 200) fail(`Zendesk answered ${me.status} to GET /api/v2/users/me.json`);
  if (me.json.user.role !== 'admin') fail(`${env.ZENDESK_EMAIL} is a Zendesk ${me.json.user.role}, not an admin: webhooks and triggers need an admin's API token`);
  log(`✓ Zendesk: ${domain}, signed in as ${me.json.user.name} (admin)`);
  const account = await call('Twilio', tBase, tAuth, 'GET', `/2010-04-01/Accounts/${encodeURIComponent(env.TWILIO_ACCOUNT_SID)}.json`);
  if (account.status === 401 || account.status === 404) fail('Twilio refused the credentials: check TWILIO_ACCOUNT_SID (AC...) and TWILIO_AUTH_TOKEN (the primary auth token)');
  if (account.status !== 200) fail(`Twilio answered ${account.status} to GET /Accounts/{sid}.json`);
  if (account.json.status && account.json.status !== 'active') fail(`the Twilio account is ${account.json.status}, not active`);
  log(`✓ Twilio: account ${account.json.friendly_name || env.TWILIO_ACCOUNT_SID} (${account.json.status || 'active'})`);

  // 2. webhook
  const endpoint = `${gateway}/zendesk/events`;
  const triggerHook = { name: WEBHOOK_NAME, endpoint, http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['conditional_ticket_events'] };
  const eventsHook = { ...triggerHook, subscriptions: EVENT_SUBSCRIPTIONS };
  const hooks = await z('GET', `/api/v2/webhooks?filter[name_contains]=${encodeURIComponent(WEBHOOK_NAME)}`);
  if (hooks.status !== 200) fail(`Zendesk answered ${hooks.status} when listing webhooks`);
  let hook = (hooks.json.webhooks || []).find((w) => w.name === WEBHOOK_NAME);
  // An existing webhook keeps its connection method (Zendesk cannot change it).
  let mode = hook ? (isEventHook(hook) ? 'events' : 'trigger') : null;
  let desiredHook = mode === 'events' ? eventsHook : triggerHook;
  const changes = [];
  if (o.dryRun) {
    log(`- Zendesk webhook "${WEBHOOK_NAME}" -> ${endpoint}: would be ${!hook ? 'created (ticket events where the account offers them, else trigger mode)' : Object.entries(desiredHook).some(([k, v]) => !same(hook[k], v)) ? 'updated' : 'left unchanged'}`);
    log(`- ${mode === 'events' ? 'no trigger is needed (ticket events); ' : 'the Zendesk trigger (in trigger mode) and '}the Worker secret ZENDESK_WEBHOOK_SECRET would then be checked and set`);
    publicBaseUrl(o, gateway, log);
    if (o.twilioSender) await twilioSender(o, env, tAuth, gateway, log);
    log('Dry run: nothing was changed.');
    return [];
  }
  if (!hook) {
    let r = await z('POST', '/api/v2/webhooks', { webhook: eventsHook });
    mode = 'events';
    if (r.status >= 400 && r.status < 500) {
      // No ticket events on this account (or not for this token): the trigger mode.
      const why = r.json?.errors?.[0]?.detail || r.json?.errors?.[0]?.title || r.json?.description || '';
      log(`- ticket events refused (Zendesk answered ${r.status}${why ? `: ${why}` : ''}): the webhook is trigger-connected instead`);
      desiredHook = triggerHook;
      mode = 'trigger';
      r = await z('POST', '/api/v2/webhooks', { webhook: triggerHook });
    }
    if (r.status !== 201) fail(`Zendesk answered ${r.status} when creating the webhook: ${JSON.stringify(r.json)}`);
    hook = r.json.webhook;
    changes.push('webhook created');
  } else if (Object.entries(desiredHook).some(([k, v]) => !same(hook[k], v))) {
    const r = await z('PUT', `/api/v2/webhooks/${hook.id}`, { webhook: desiredHook });
    if (r.status !== 204 && r.status !== 200) fail(`Zendesk answered ${r.status} when updating the webhook`);
    changes.push('webhook updated');
  }
  log(`✓ Zendesk webhook "${WEBHOOK_NAME}" -> ${endpoint}, ${mode === 'events' ? `ticket events: ${EVENT_SUBSCRIPTIONS.map((e) => e.slice('zen:event-type:'.length)).join(', ')}` : 'trigger mode'} (${changes.includes('webhook created') ? 'created' : changes.includes('webhook updated') ? 'updated' : 'unchanged'})`);

  // the signing secret, as a Worker secret (stored again only when it changed)
  const secret = await z('GET', `/api/v2/webhooks/${hook.id}/signing_secret`);
  if (secret.status !== 200 || !secret.json?.signing_secret?.secret) fail(`Zendesk answered ${secret.status} for the webhook's signing secret`);
  const fingerprint = createHash('sha256').update(`${gateway}\n${secret.json.signing_secret.secret}`).digest('hex');
  let state = {};
  try { state = JSON.parse(readFileSync(o.state, 'utf8')); } catch { /* first run */ }
  if (state.webhookSecret !== fingerprint) {
    const [cmd, ...args] = o.secretCommand.split(' ').filter(Boolean);
    const r = spawnSync(cmd, [...args, 'ZENDESK_WEBHOOK_SECRET'], { input: secret.json.signing_secret.secret, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) fail(`storing the Worker secret failed (${o.secretCommand} ZENDESK_WEBHOOK_SECRET): ${(r.stderr || r.error?.message || '').trim().slice(-300)}\n  Run \`npx wrangler login\` first, or store it yourself: npx wrangler secret put ZENDESK_WEBHOOK_SECRET`);
    mkdirSync(path.dirname(o.state), { recursive: true });
    writeFileSync(o.state, JSON.stringify({ ...state, webhookSecret: fingerprint }, null, 2));
    changes.push('secret stored');
    log('✓ Worker secret ZENDESK_WEBHOOK_SECRET stored');
  } else {
    log('✓ Worker secret ZENDESK_WEBHOOK_SECRET (unchanged)');
  }

  // 3. trigger (trigger mode only: an event-subscribed webhook needs none, and cannot have one)
  if (mode === 'events') {
    log('✓ no Zendesk trigger needed: the webhook gets ticket events');
  } else {
    await ensureTrigger(z, hook, changes, log);
  }

  if (publicBaseUrl(o, gateway, log)) changes.push('PUBLIC_BASE_URL written');
  return finish(o, env, tAuth, gateway, changes, log);
}

async function ensureTrigger(z, hook, changes, log) {
  const triggers = await z('GET', '/api/v2/triggers.json');
  if (triggers.status !== 200) fail(`Zendesk answered ${triggers.status} when listing triggers`);
  // The agents' replies' trigger, then the solved tickets' (a second kind, so that each change
  // names its trigger: "trigger created", "solved trigger created").
  for (const [want, kind] of [[desiredTrigger(hook.id), 'trigger'], [desiredSolvedTrigger(hook.id), 'solved trigger']]) {
    const trigger = (triggers.json.triggers || []).find((t) => t.title === want.title);
    if (!trigger) {
      const r = await z('POST', '/api/v2/triggers.json', { trigger: want });
      if (r.status !== 201) fail(`Zendesk answered ${r.status} when creating the trigger "${want.title}": ${JSON.stringify(r.json)}`);
      changes.push(`${kind} created`);
      log(`✓ Zendesk trigger "${want.title}" (created)`);
    } else if (!same(trigger.conditions, want.conditions) || !same(trigger.actions, want.actions) || trigger.active !== true) {
      const r = await z('PUT', `/api/v2/triggers/${trigger.id}.json`, { trigger: want });
      if (r.status !== 200) fail(`Zendesk answered ${r.status} when updating the trigger "${want.title}"`);
      changes.push(`${kind} updated`);
      log(`✓ Zendesk trigger "${want.title}" (updated)`);
    } else {
      log(`✓ Zendesk trigger "${want.title}" (unchanged)`);
    }
  }
}

async function finish(o, env, tAuth, gateway, changes, log) {
  // 4. Twilio: the sender's URLs through the Senders API (opt-in), or the console
  if (o.twilioSender) {
    if (await twilioSender(o, env, tAuth, gateway, log)) changes.push('Twilio sender URLs set');
    log(`
Send a WhatsApp message to your number; \`npx wrangler tail\` shows what happens.`);
  } else {
    log(`
In Twilio's console (Messaging → Senders → WhatsApp senders → your number), set:
  When a message comes in:  ${gateway}/twilio/whatsapp   (HTTP POST)
(or run again with --twilio-sender to set it through Twilio's Senders API).
Delivery statuses need nothing: the gateway asks for them on each message it sends.
Then send a WhatsApp message to your number; \`npx wrangler tail\` shows what happens.`);
  }
  log(changes.length ? `Changed: ${changes.join(', ')}.` : 'Everything was already in place: nothing changed.');
  await checkHealth(gateway, log);
  return changes;
}

/**
 * The gateway's two Twilio URLs on the WhatsApp sender, through Twilio's Senders API
 * (`POST https://messaging.twilio.com/v2/Channels/Senders/{Sid}` with a JSON `webhook` object:
 * `callback_url`, `callback_method`, `status_callback_url`, `status_callback_method`; Basic auth
 * with the account SID and auth token; Public Beta, "features ... may be changed without notice":
 * https://www.twilio.com/docs/whatsapp/api/senders). The URLs are exactly those the gateway checks
 * signatures against: `{gateway}/twilio/whatsapp`, and `{gateway}/twilio/status` (the gateway's
 * own messages name their callback, `/twilio/status?c=...`, which Twilio uses instead of the
 * sender's; the sender's receives only statuses of messages sent without one). On a custom domain
 * `{gateway}` is PUBLIC_BASE_URL, which this set-up writes. The sender is the one whose
 * `sender_id` is `whatsapp:{TWILIO_WHATSAPP_NUMBER}` (`GET /v2/Channels/Senders?Channel=whatsapp`),
 * or --twilio-sender-sid. Returns whether it changed anything.
 */
async function twilioSender(o, env, tAuth, gateway, log) {
  const mBase = (o.twilioMessagingBaseUrl || 'https://messaging.twilio.com').replace(/\/+$/, '');
  const m = (method, p, body) => call('Twilio', mBase, tAuth, method, p, body);
  const want = {
    callback_url: `${gateway}/twilio/whatsapp`, callback_method: 'POST',
    status_callback_url: `${gateway}/twilio/status`, status_callback_method: 'POST',
  };
  let sid = o.twilioSenderSid;
  if (sid && !/^XE[0-9a-fA-F]{32}$/.test(sid)) fail(`--twilio-sender-sid must be a sender SID, XE and 32 hex digits, not "${sid}"`);
  if (!sid) {
    const number = (env.TWILIO_WHATSAPP_NUMBER || '').replace(/^whatsapp:/, '');
    if (!/^\+\d{6,15}$/.test(number)) fail('--twilio-sender needs TWILIO_WHATSAPP_NUMBER (+ and digits) to find the sender, or --twilio-sender-sid XE... (a Messaging Service has several)');
    const found = [];
    let next = '/v2/Channels/Senders?Channel=whatsapp&PageSize=100';
    for (let page = 0; next && page < 20 && !sid; page += 1) {
      const r = await m('GET', next);
      if (r.status === 401) fail('Twilio refused the credentials for its Senders API: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
      if (r.status !== 200) fail(`Twilio answered ${r.status} when listing WhatsApp senders (GET /v2/Channels/Senders)`);
      for (const s of r.json?.senders ?? []) {
        found.push(s.sender_id);
        if (s.sender_id === `whatsapp:${number}`) sid = s.sid;
      }
      // next_page_url is absolute (messaging.twilio.com): only its path and query are followed, on mBase.
      next = r.json?.meta?.next_page_url ? new URL(r.json.meta.next_page_url).pathname + new URL(r.json.meta.next_page_url).search : null;
    }
    if (!sid) fail(`no WhatsApp sender for ${number} in this Twilio account (senders: ${found.join(', ') || 'none'}); pass --twilio-sender-sid XE...`);
  }
  const current = await m('GET', `/v2/Channels/Senders/${sid}`);
  if (current.status === 404) fail(`Twilio has no WhatsApp sender ${sid} in this account`);
  if (current.status !== 200) fail(`Twilio answered ${current.status} for the WhatsApp sender ${sid}`);
  const hook = current.json.webhook ?? {};
  const differs = Object.entries(want).some(([k, v]) => hook[k] !== v);
  const label = `Twilio WhatsApp sender ${current.json.sender_id} (${sid}): incoming ${want.callback_url}, status ${want.status_callback_url}`;
  if (!differs) { log(`✓ ${label} (unchanged)`); return false; }
  if (o.dryRun) { log(`- ${label}: would be set (now ${hook.callback_url || 'unset'})`); return false; }
  const r = await m('POST', `/v2/Channels/Senders/${sid}`, { webhook: want });
  if (r.status !== 200 && r.status !== 202) fail(`Twilio answered ${r.status} when setting the sender's URLs: ${JSON.stringify(r.json)}`);
  if (Object.entries(want).some(([k, v]) => r.json?.webhook?.[k] !== v)) fail('Twilio accepted the sender update but does not report the new URLs: check the sender in Twilio\'s console');
  log(`✓ ${label} (set; Twilio's Senders API is a Public Beta)`);
  return true;
}

/**
 * On a custom domain Twilio signs the URL it calls, which is not the Worker's own: the gateway
 * must know it (PUBLIC_BASE_URL), else every webhook is refused with 403. Written to deploy.env,
 * which the next `npm run deploy` uploads. Returns whether the file changed.
 */
function publicBaseUrl(o, gateway, log) {
  if (/\.workers\.dev$/.test(new URL(gateway).hostname) || !o.varsFile) return false;
  const text = existsSync(o.varsFile) ? readFileSync(o.varsFile, 'utf8') : '';
  if (parseEnvFile(text).PUBLIC_BASE_URL === gateway) {
    log(`✓ PUBLIC_BASE_URL=${gateway} (in ${path.basename(o.varsFile)})`);
    return false;
  }
  if (o.dryRun) { log(`- would write PUBLIC_BASE_URL=${gateway} to ${path.basename(o.varsFile)}`); return false; }
  const kept = text.split('\n').filter((l) => !/^\s*PUBLIC_BASE_URL\s*=/.test(l)).join('\n').replace(/\n*$/, '\n');
  writeFileSync(o.varsFile, `${kept === '\n' ? '' : kept}PUBLIC_BASE_URL=${gateway}\n`);
  log(`✓ PUBLIC_BASE_URL=${gateway} written to ${path.basename(o.varsFile)}: run \`npm run deploy\` again to upload it`);
  return true;
}

/** The gateway's own check, last: names what is still missing or off (never values). */
async function checkHealth(gateway, log) {
  let r;
  try { r = await fetch(`${gateway}/healthz`, { signal: AbortSignal.timeout(10_000) }); } catch (e) {
    log(`! ${gateway}/healthz did not answer (${e.cause?.code || e.message}): is the gateway deployed (npm run deploy)?`);
    return;
  }
  const body = await r.json().catch(() => ({}));
  for (const m of body.missing ?? []) log(`  missing: ${m}`);
  for (const i of body.invalid ?? []) log(`  invalid: ${i.name} ${i.expected}`);
  for (const f of body.features_off ?? []) log(`  off: ${f.feature}: ${f.why}`);
  for (const n of body.unread ?? []) log(`  unused: ${n} (nothing reads it: a typo?)`);
  if (r.status !== 200 && body.status !== 'misconfigured') {
    log(`! ${gateway}/healthz answered ${r.status}, not the gateway: check --gateway`);
    return;
  }
  if (r.status !== 200) fail(`${gateway}/healthz answered ${r.status} (${body.status ?? 'not the gateway'}): fix the settings above, then \`npm run deploy\``);
  log(`✓ ${gateway}/healthz: ok`);
}

const HELP = `npm run setup -- --gateway URL [--zendesk acme] [--dry-run]

Connects Zendesk to a deployed gateway: checks the Zendesk and Twilio credentials, creates or
updates the Zendesk webhook and trigger, stores the webhook's signing secret as a Worker secret,
writes PUBLIC_BASE_URL to deploy.env for a custom domain, optionally sets the Twilio WhatsApp
sender's URLs (--twilio-sender), and checks the gateway's /healthz.
Idempotent.

Credentials come from the environment, else .secrets.env and deploy.env, else a hidden prompt
(never from arguments): ZENDESK_EMAIL, ZENDESK_API_KEY (or ZENDESK_API_TOKEN),
TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN.

  --gateway URL        the deployed Worker (https://<name>.<account>.workers.dev or your domain)
  --zendesk HOST       acme or acme.zendesk.com (default: ZENDESK_DOMAIN)
  --dry-run            check the credentials, say what would change, change nothing
  --twilio-sender      also set the Twilio WhatsApp sender's incoming and status URLs to the
                       gateway's, through Twilio's Senders API (Public Beta); the sender is found
                       by TWILIO_WHATSAPP_NUMBER, or named with --twilio-sender-sid XE...
  --vars-file FILE     default deploy.env;  --secrets-file FILE  default .secrets.env
  --help               this text
`;

const SECRET_PROMPTS = ['ZENDESK_API_KEY', 'TWILIO_AUTH_TOKEN'];

/** Reads a line without echoing it (a secret typed at the terminal). */
async function hiddenPrompt(question) {
  process.stdout.write(question);
  return new Promise((resolve) => {
    let value = '';
    process.stdin.setRawMode(true);
    process.stdin.resume();
    const onData = (chunk) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stdin.off('data', onData);
          process.stdout.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    process.stdin.on('data', onData);
  });
}

async function credentials(values) {
  const env = {};
  for (const file of [values['vars-file'], values['secrets-file']]) {
    if (existsSync(file)) Object.assign(env, parseEnvFile(readFileSync(file, 'utf8')));
  }
  Object.assign(env, Object.fromEntries(Object.entries(process.env).filter(([, v]) => v)));
  if (!env.ZENDESK_API_KEY && env.ZENDESK_API_TOKEN) env.ZENDESK_API_KEY = env.ZENDESK_API_TOKEN;
  if (process.stdin.isTTY) {
    for (const name of SECRET_PROMPTS) {
      if (!env[name]) env[name] = (await hiddenPrompt(`${name} (not shown): `)).trim();
    }
  }
  return env;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        zendesk: { type: 'string' },
        gateway: { type: 'string' },
        'zendesk-base-url': { type: 'string' },
        'twilio-base-url': { type: 'string' },
        'twilio-messaging-base-url': { type: 'string' },
        'twilio-sender': { type: 'boolean', default: false },
        'twilio-sender-sid': { type: 'string' },
        'secret-command': { type: 'string', default: 'wrangler secret put' },
        state: { type: 'string', default: '.wrangler/setup-state.json' },
        'vars-file': { type: 'string', default: 'deploy.env' },
        'secrets-file': { type: 'string', default: '.secrets.env' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    console.error(`✗ ${e.message}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) { process.stdout.write(HELP); process.exit(0); }
  try {
    await setup({
      env: await credentials(values),
      dryRun: values['dry-run'],
      varsFile: values['vars-file'],
      zendesk: values.zendesk,
      gateway: values.gateway,
      zendeskBaseUrl: values['zendesk-base-url'] || process.env.ZENDESK_BASE_URL,
      twilioBaseUrl: values['twilio-base-url'] || process.env.TWILIO_API_BASE_URL,
      twilioMessagingBaseUrl: values['twilio-messaging-base-url'],
      twilioSender: values['twilio-sender'] || !!values['twilio-sender-sid'],
      twilioSenderSid: values['twilio-sender-sid'],
      secretCommand: values['secret-command'],
      state: values.state,
    });
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(`✗ ${e.message}`);
    process.exit(1);
  }
}
