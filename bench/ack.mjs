// Benchmark: webhook acknowledgement latency and end-to-end drain, on loopback only.
// Starts the emulator (its own process) and the built Worker in wrangler dev, sends N distinct
// signed webhooks with C concurrent senders, and prints acknowledgement latency percentiles (as
// the sender saw them, and as the Worker measured them), the time until every message is done,
// messages per second, and correctness (each message in Zendesk exactly once, replies).
//
//   node bench/ack.mjs [--n 200] [--c 20] [--zendesk-latency-ms 300] [--rate-per-min 0]
//                      [--customers N] [--faults 500:2,429:2,503:2] [--drain-timeout-s 300] [--json]
// --customers spreads the N messages over that many customers (default: one each), so later
// messages of a customer become comments on their ticket. --faults queues Zendesk answers for
// ticket creation (status:count). The Worker must be built; run it through `npm run bench`.
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { SANDBOX_CREDENTIALS, twilioSignature, newMessageSid } from '../sandbox/emulator.mjs';
import { startGateway } from '../sandbox/gateway.mjs';

const { values: o } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    c: { type: 'string', default: '20' },
    'zendesk-latency-ms': { type: 'string', default: '300' },
    'rate-per-min': { type: 'string', default: '0' },
    customers: { type: 'string', default: '0' },
    faults: { type: 'string', default: '' },
    'drain-timeout-s': { type: 'string', default: '300' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(o.n), C = Number(o.c), LATENCY = Number(o['zendesk-latency-ms']);
const RATE = Number(o['rate-per-min']), CUSTOMERS = Number(o.customers) || N;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

// The emulated APIs in a process of their own.
const emulatorProcess = spawn(process.execPath, [fileURLToPath(new URL('../sandbox/serve.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const apiUrl = await new Promise((resolve, reject) => {
  emulatorProcess.stdout.once('data', (d) => resolve(JSON.parse(d.toString().split('\n')[0]).url));
  emulatorProcess.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
});
const control = (p, body) => fetch(`${apiUrl}/__sandbox${p}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

const gateway = await startGateway({
  vars: { ...SANDBOX_CREDENTIALS, ZENDESK_BASE_URL: apiUrl, TWILIO_API_BASE_URL: apiUrl, UPSTREAM_TIMEOUT_MS: '10000', ADMIN_TOKEN },
  prebuilt: true,
  persistTo: `.wrangler/bench-${process.pid}`,
});
const webhook = `${gateway.url}/twilio/whatsapp`;
await control('/gateway', { url: webhook });

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const customer = (i) => `+1555${String(3000000 + (i % CUSTOMERS)).padStart(7, '0')}`;

/** One webhook, signed as Twilio signs it; returns the status and the time to the answer. */
async function deliver(from, body, messageSid) {
  const params = [
    ['SmsMessageSid', messageSid], ['NumMedia', '0'], ['ProfileName', 'Bench'], ['MessageType', 'text'], ['SmsSid', messageSid],
    ['WaId', from.slice(1)], ['SmsStatus', 'received'], ['Body', body], ['To', `whatsapp:${SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER}`],
    ['NumSegments', '1'], ['ReferralNumMedia', '0'], ['MessageSid', messageSid], ['AccountSid', SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID],
    ['From', `whatsapp:${from}`], ['ApiVersion', '2010-04-01'],
  ];
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN, webhook, params) };
  const started = performance.now();
  const r = await fetch(webhook, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  await r.text();
  return { status: r.status, ms: performance.now() - started };
}

// warm-up: one message, not measured
await deliver('+15559999999', 'warm-up: I need help with my order', newMessageSid());
await control('/latency', { zendesk: LATENCY });
if (RATE) await control('/rate-limit', { perMinute: RATE });
if (o.faults) {
  const faults = o.faults.split(',').flatMap((spec) => {
    const [status, count = '1'] = spec.split(':');
    return Array.from({ length: Number(count) }, () => ({ status: Number(status), match: 'POST /api/v2/tickets.json', ...(status === '429' ? { retryAfter: 1 } : {}) }));
  });
  await control('/faults', { api: 'zendesk', faults });
}

const sids = Array.from({ length: N }, () => newMessageSid());
const bodies = sids.map((_, i) => `Order ${i}: my parcel arrived broken, I need a replacement`);
const acks = [];
const statuses = new Map();
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: C }, async () => {
  while (next < N) {
    const i = next++;
    const r = await deliver(customer(i), bodies[i], sids[i]);
    acks.push(r.ms);
    statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
  }
}));
const sendSeconds = (performance.now() - started) / 1000;

// drain: wait until the gateway reports every message done (ticket or comment, and reply)
const doneSids = () => {
  const seen = new Set();
  for (const line of gateway.output().split('\n')) {
    const i = line.indexOf('{"');
    if (i < 0 || !line.includes('"message.done"')) continue;
    try { seen.add(JSON.parse(line.slice(i, line.lastIndexOf('}') + 1)).message_sid); } catch { /* not a log line */ }
  }
  return seen;
};
const deadline = Date.now() + Number(o['drain-timeout-s']) * 1000;
let drained = null;
for (;;) {
  const seen = doneSids();
  if (sids.every((sid) => seen.has(sid))) { drained = (performance.now() - started) / 1000; break; }
  if (Date.now() > deadline) break;
  await new Promise((r) => setTimeout(r, 100));
}

// correctness, from what the emulated Zendesk and Twilio received
const state = await control('/state');
const ticketsPerSid = new Map();
for (const t of state.tickets) if (t.external_id) ticketsPerSid.set(t.external_id, (ticketsPerSid.get(t.external_id) || 0) + 1);
const occurrences = new Map(bodies.map((b) => [b, 0]));
for (const t of state.tickets) for (const c of t.comments) for (const part of c.body.split('\n\n')) if (occurrences.has(part)) occurrences.set(part, occurrences.get(part) + 1);
const replies = state.messages.filter((m) => m.to !== 'whatsapp:+15559999999');
const ticketCount = sids.filter((sid) => ticketsPerSid.has(sid)).length;
// the Worker's own measure of its acknowledgements (from request to the Durable Object's answer)
const metrics = await fetch(`${gateway.url}/admin/metrics`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json()).catch(() => null);
const sorted = [...acks].sort((a, b) => a - b);
const result = {
  machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model },
  params: { n: N, c: C, zendesk_latency_ms: LATENCY, rate_per_min: RATE || null, customers: CUSTOMERS, faults: o.faults || null },
  ack_ms: { median: +percentile(sorted, 50).toFixed(1), p95: +percentile(sorted, 95).toFixed(1), p99: +percentile(sorted, 99).toFixed(1), max: +sorted.at(-1).toFixed(1) },
  ack_ms_in_worker: metrics?.ack_ms ?? null,
  statuses: Object.fromEntries(statuses),
  send_seconds: +sendSeconds.toFixed(2),
  drain_seconds: drained === null ? null : +drained.toFixed(2),
  messages_per_second: drained === null ? null : +(N / drained).toFixed(1),
  correctness: {
    messages: N,
    new_tickets: ticketCount,
    messages_with_two_or_more_tickets: sids.filter((sid) => (ticketsPerSid.get(sid) || 0) > 1).length,
    text_in_zendesk_once: [...occurrences.values()].filter((v) => v === 1).length,
    text_in_zendesk_twice_or_more: [...occurrences.values()].filter((v) => v > 1).length,
    lost: [...occurrences.values()].filter((v) => v === 0).length,
    replies: replies.length,
    replies_expected: ticketCount,
  },
};
await gateway.stop();
emulatorProcess.kill('SIGTERM');
if (o.json) console.log(JSON.stringify(result));
else console.log(JSON.stringify(result, null, 2));
process.exit(0);
