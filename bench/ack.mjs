// Benchmark: webhook acknowledgement latency and end-to-end drain, on loopback only.
// Starts the emulator and the built Worker in wrangler dev, sends N distinct signed webhooks
// with C concurrent senders, and prints acknowledgement latency percentiles, the time until
// every ticket and reply exists, and correctness (each message exactly once).
//
//   node bench/ack.mjs [--n 200] [--c 20] [--zendesk-latency-ms 300] [--rate-per-min 0]
//                      [--customers N] [--faults 500:2,429:2,503:2] [--drain-timeout-s 300] [--json]
// --customers spreads the N messages over that many customers (default: one each), so later
// messages of a customer become comments on their ticket. --faults queues Zendesk answers for
// ticket creation (status:count). The Worker must be built; run it through `npm run bench`.
import { parseArgs } from 'node:util';
import { createEmulator, SANDBOX_CREDENTIALS, newMessageSid } from '../sandbox/emulator.mjs';
import { startGateway } from '../sandbox/gateway.mjs';
import os from 'node:os';

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

const emulator = createEmulator();
const apiUrl = await emulator.listen(0);
const gateway = await startGateway({
  vars: { ...SANDBOX_CREDENTIALS, ZENDESK_BASE_URL: apiUrl, TWILIO_API_BASE_URL: apiUrl, UPSTREAM_TIMEOUT_MS: '10000' },
  prebuilt: true,
  persistTo: `.wrangler/bench-${process.pid}`,
});
emulator.setGatewayUrl(`${gateway.url}/twilio/whatsapp`);
emulator.state.latencyMs.zendesk = LATENCY;
if (RATE) emulator.setRateLimit({ perMinute: RATE });
const faults = o.faults ? o.faults.split(',').flatMap((spec) => {
  const [status, count = '1'] = spec.split(':');
  return Array.from({ length: Number(count) }, () => ({ status: Number(status), match: 'POST /api/v2/tickets.json', ...(status === '429' ? { retryAfter: 1 } : {}) }));
}) : [];

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const customer = (i) => `+1555${String(3000000 + (i % CUSTOMERS)).padStart(7, '0')}`;

// warm-up: one message, not measured
await emulator.customerSends({ from: '+15559999999', body: 'warm-up: I need help with my order' });
emulator.setFaults('zendesk', faults);

const sids = Array.from({ length: N }, () => newMessageSid());
const acks = [];
const statuses = new Map();
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: C }, async () => {
  while (next < N) {
    const i = next++;
    const r = await emulator.customerSends({ from: customer(i), body: `Order ${i}: my parcel arrived broken, I need a replacement`, messageSid: sids[i] });
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
const allTickets = [...emulator.state.tickets.values()];
const ticketsPerSid = new Map();
for (const t of allTickets) if (t.external_id) ticketsPerSid.set(t.external_id, (ticketsPerSid.get(t.external_id) || 0) + 1);
const bodies = sids.map((_, i) => `Order ${i}: my parcel arrived broken, I need a replacement`);
const occurrences = new Map(bodies.map((b) => [b, 0]));
for (const t of allTickets) for (const c of t.comments) for (const part of c.body.split('\n\n')) if (occurrences.has(part)) occurrences.set(part, occurrences.get(part) + 1);
const replies = emulator.state.messages.filter((m) => m.to !== 'whatsapp:+15559999999');
const ticketCount = sids.filter((sid) => ticketsPerSid.has(sid)).length;
const sorted = [...acks].sort((a, b) => a - b);
const result = {
  machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model },
  params: { n: N, c: C, zendesk_latency_ms: LATENCY, rate_per_min: RATE || null, customers: CUSTOMERS, faults: o.faults || null },
  ack_ms: { median: +percentile(sorted, 50).toFixed(1), p95: +percentile(sorted, 95).toFixed(1), p99: +percentile(sorted, 99).toFixed(1), max: +sorted.at(-1).toFixed(1) },
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
await emulator.close();
if (o.json) console.log(JSON.stringify(result));
else console.log(JSON.stringify(result, null, 2));
