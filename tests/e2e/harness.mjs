// Shared set-up for the end-to-end tests: the project's emulator of Zendesk and Twilio on
// loopback, and the real built Worker in `wrangler dev` pointed at it.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createEmulator, SANDBOX_CREDENTIALS, SANDBOX_AGENT, twilioSignature, zendeskSignature, newMessageSid } from '../../sandbox/emulator.mjs';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startGateway, REPO_ROOT } from '../../sandbox/gateway.mjs';

export { SANDBOX_CREDENTIALS, SANDBOX_AGENT, twilioSignature, zendeskSignature, newMessageSid };
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The test runner ends a file that runs past its timeout with SIGTERM: exit, so that the
// gateways this file started are killed with it (sandbox/gateway.mjs, on 'exit') instead of
// running on into the next files.
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(130));

/**
 * Starts an emulator and a gateway. `vars` override the gateway's bindings (a value of null
 * removes the binding; a function is given the emulator's URL). Returns helpers bound to both.
 */
export async function startStack({ vars = {}, name = 'e2e', testScheduled = false } = {}) {
  // The emulator's admin token lets the sandbox page show what the gateway did per message.
  const emulator = createEmulator({ adminToken: vars.ADMIN_TOKEN ?? 'test-admin-token-0123456789' });
  const apiUrl = await emulator.listen(0);
  const bindings = { ...SANDBOX_CREDENTIALS, ZENDESK_BASE_URL: apiUrl, TWILIO_API_BASE_URL: apiUrl, TWILIO_MESSAGING_BASE_URL: apiUrl, UPSTREAM_TIMEOUT_MS: '2000', RETRY_BASE_MS: '200', ADMIN_TOKEN: 'test-admin-token-0123456789',
    // Tests of other things are not paced by the account's Zendesk budget (its own tests,
    // zendesk-budget.test.mjs, remove this to run with the default).
    ZENDESK_API_BUDGET_PER_MIN: '6000' };
  for (const [k, v] of Object.entries(vars)) {
    if (v === null) delete bindings[k];
    else bindings[k] = typeof v === 'function' ? v(apiUrl) : v;
  }
  const persistTo = `.wrangler/test-${name}-${process.pid}`;
  let gateway = await startGateway({ vars: bindings, prebuilt: true, persistTo, testScheduled });
  let webhookUrl = `${gateway.url}/twilio/whatsapp`;
  emulator.setGatewayUrl(webhookUrl);
  let earlierOutput = '';
  const stack = {
    emulator,
    get gateway() { return gateway; },
    apiUrl,
    get webhookUrl() { return webhookUrl; },
    /** Everything the gateway printed, across restarts. */
    output: () => earlierOutput + gateway.output(),
    /** Kills the gateway (SIGKILL: no clean shutdown) and starts it again on the same state. */
    async killAndRestart() {
      await gateway.kill();
      earlierOutput += gateway.output();
      gateway = await startGateway({ vars: bindings, prebuilt: true, persistTo, testScheduled });
      webhookUrl = `${gateway.url}/twilio/whatsapp`;
      emulator.setGatewayUrl(webhookUrl);
    },
    /** GET /admin/messages/{sid} with the admin token (or `token`). */
    admin: (sid, token = bindings.ADMIN_TOKEN) =>
      fetch(`${gateway.url}/admin/messages/${sid}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }),
    /**
     * The message's view (`GET /admin/messages/{sid}`), once it answers 200: it is found through
     * the look-up index, written moments after the message is done (a 404 until then on a
     * loaded machine).
     */
    adminView: (sid, { timeoutMs } = {}) => waitFor(async () => {
      const answer = await fetch(`${gateway.url}/admin/messages/${sid}`, { headers: { Authorization: `Bearer ${bindings.ADMIN_TOKEN}` } });
      return answer.status === 200 ? answer.json() : null;
    }, { timeoutMs, what: `the admin view of ${sid}` }),
    bindings,
    /** A customer message, delivered and signed exactly as Twilio does. */
    send: (opts) => emulator.customerSends(opts),
    requests: (api) => emulator.state.requests.filter((r) => !api || r.api === api),
    tickets: () => [...emulator.state.tickets.values()],
    replies: (to) => emulator.state.messages.filter((m) => !to || m.to === to),
    /** POSTs a raw request to the webhook. */
    post: (body, { headers = {}, method = 'POST', url = webhookUrl } = {}) => fetch(url, { method, headers, body }),
    fault: (api, faults) => emulator.setFaults(api, faults),
    /** Waits until the gateway's output contains `needle` (logs arrive asynchronously). */
    async waitForLog(needle, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stack.output().includes(needle)) {
        if (Date.now() > deadline) assert.fail(`gateway output never contained ${JSON.stringify(needle)}:\n${stack.output().slice(-3000)}`);
        await sleep(50);
      }
    },
    /** Waits for a structured log line matching `pred` and returns it. */
    waitForLogLine(pred, what = 'log line', timeoutMs = 20_000) {
      // Generous: a loaded 2-core machine can be slow; a passing test never waits this long.
      return waitFor(() => stack.logLines().find(pred), { what, timeoutMs });
    },
    /** Structured log lines the Worker printed (one JSON object per line). */
    logLines() {
      // wrangler decorates console.warn/error lines ("✘ [ERROR] {...}", with colours): keep the JSON.
      return stack.output().replace(/\x1b\[[0-9;]*m/g, '').split('\n').flatMap((l) => {
        const start = l.indexOf('{"');
        if (start < 0) return [];
        try { return [JSON.parse(l.slice(start, l.lastIndexOf('}') + 1))]; } catch { return []; }
      });
    },
    async stop() {
      await gateway.stop();
      await emulator.close();
      rmSync(path.join(REPO_ROOT, persistTo), { recursive: true, force: true });
    },
  };
  return stack;
}

/** Form-encodes and signs `params` for `url` with the sandbox auth token (or `key`). */
export function signedForm(url, params, key = SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN) {
  const pairs = Object.entries(params);
  return {
    body: new URLSearchParams(pairs).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(key, url, pairs) },
  };
}

/** Twilio's fields for a text message from `from`. */
export function twilioParams({ from = '+15550001234', body = 'I need help, my order is broken', messageSid = newMessageSid() } = {}) {
  return {
    SmsMessageSid: messageSid, NumMedia: '0', ProfileName: 'Test', MessageType: 'text', SmsSid: messageSid,
    WaId: from.replace(/^\+/, ''), SmsStatus: 'received', Body: body, To: `whatsapp:${SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER}`,
    NumSegments: '1', ReferralNumMedia: '0', MessageSid: messageSid, AccountSid: SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID,
    From: `whatsapp:${from}`, ApiVersion: '2010-04-01',
  };
}

/**
 * Distinct customers for a suite (`+1555030` gives +15550301000, +15550301001, ...), and every
 * number handed out, for the suite's final log check.
 */
export function phoneBook(prefix) {
  const phones = [];
  return {
    phones,
    customer: () => {
      const p = `${prefix}${1000 + phones.length}`;
      phones.push(p);
      return p;
    },
  };
}

/**
 * The log check every suite ends with: no secret value and no full phone number in anything
 * the Worker or wrangler printed during the run.
 */
export function assertLogsClean(stack, phones = []) {
  const out = stack.output();
  for (const name of ['TWILIO_AUTH_TOKEN', 'ZENDESK_API_KEY', 'TWILIO_WEBHOOK_SECRET', 'ADMIN_TOKEN', 'ZENDESK_WEBHOOK_SECRET', 'ALERT_WEBHOOK_URL']) {
    const value = stack.bindings[name];
    if (value) assert.ok(!out.includes(value), `${name}'s value appears in the gateway output`);
  }
  for (const phone of phones) {
    const digits = phone.replace(/\D/g, '');
    assert.ok(!out.includes(digits), `full number ${phone.slice(0, 5)}... appears in the gateway output`);
  }
  assert.ok(stack.logLines().length > 0, 'the gateway printed no structured log line');
}

/** Polls `fn` until it returns a truthy value (work may finish after the webhook is answered). */
export async function waitFor(fn, { timeoutMs = 20_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A link to Zendesk attachment `attachmentId` as the gateway mints them for Twilio (see
 * src/core/media_url.rs), good for `ttlMs`: for tests that need a link no one has fetched yet.
 */
export function mediaLink(stack, attachmentId, ttlMs = 15 * 60_000) {
  const key = createHmac('sha256', SANDBOX_CREDENTIALS.ZENDESK_API_KEY).update('whatsapp-zendesk-gateway/media-url/v1').digest();
  const payload = Buffer.from(JSON.stringify({ a: attachmentId, e: Date.now() + ttlMs })).toString('base64url');
  const signature = createHmac('sha256', key).update(payload).digest('base64url');
  return `${stack.gateway.url}/media/${payload}.${signature}`;
}

/** A file stored in the emulated Zendesk through its uploads API; returns its attachment record. */
export async function zendeskAttachment(stack, fileName, contentType, size) {
  const auth = Buffer.from(`${SANDBOX_CREDENTIALS.ZENDESK_EMAIL}/token:${SANDBOX_CREDENTIALS.ZENDESK_API_KEY}`).toString('base64');
  const r = await fetch(`${stack.apiUrl}/api/v2/uploads.json?filename=${encodeURIComponent(fileName)}`, {
    method: 'POST', headers: { Authorization: `Basic ${auth}`, 'Content-Type': contentType }, body: Buffer.alloc(size, 0x61),
  });
  assert.equal(r.status, 201);
  return (await r.json()).upload.attachment;
}
