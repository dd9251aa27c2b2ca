// Benchmark: webhook acknowledgement latency and end-to-end drain, on loopback only.
// Starts the emulator (its own process) and the built Worker in wrangler dev, sends N distinct
// signed webhooks with C concurrent senders, and prints acknowledgement latency percentiles (as
// the sender saw them, and as the Worker measured them), the time until every message is done,
// messages per second, and correctness (each message in Zendesk exactly once, replies).
//
//   node bench/ack.mjs [--n 200] [--c 20] [--zendesk-latency-ms 300] [--rate-per-min 0]
//                      [--account-per-min 0] [--updates-per-min 0] [--budget-per-min N]
//                      [--customers N] [--existing-customers] [--faults 500:2,429:2,503:2]
//                      [--arrivals-per-s 0]
//                      [--via wrangler|workerd] [--state-dir .wrangler] [--drain-timeout-s 300]
//                      [--profile F] [--healthz] [--json]
// A chatty customer (40 messages, one every 2 s): --n 40 --customers 1 --arrivals-per-s 0.5
// (end_to_end_ms_in_worker: how long each waited to be on the ticket).
// --zendesk-latency-ms takes a list (`0,300`): one run each, then the ratio of their p99s.
// --customers spreads the N messages over that many customers (default: one each), so later
// messages of a customer become comments on their ticket. --existing-customers has every
// customer write once, unmeasured, before the run (their Durable Objects and tickets exist, so
// the measured messages become comments; the Worker's figures include those first messages).
// --rate-per-min limits the emulated Zendesk's ticket creations (a token bucket),
// --account-per-min all its API calls (the account's 60 s window, 429 + Retry-After),
// --updates-per-min its Update Ticket calls (that endpoint's own account window): 0 is off.
// `zendesk_calls` reports the calls the measured messages made (all, creates, updates), the
// ones answered 429 per kind, and calls per new ticket and per message.
// --faults queues Zendesk answers for
// ticket creation (status:count). --arrivals-per-s R sends at a fixed rate instead of C
// senders that each wait for their answer (an open loop, as Twilio delivers: latency is then
// the service time, not C queued requests). --via workerd sends straight to the workerd that
// runs the Worker, past wrangler dev's proxy (which production does not have). --state-dir
// puts the Durable Objects' SQLite files elsewhere (e.g. /dev/shm: the local disk's share).
// --healthz sends N `GET /healthz` instead (no storage, no work): the runtime's own floor.
// --channels K spreads the customers over K channels (the default and K-1 in CHANNELS).
// --target seed measures the original FastAPI design instead (../shared/peers/seed_fastapi,
// or --seed-dir; --seed-python is the python of the environment scripts/seed-peer.sh makes):
// it answers each webhook after doing the work, so its drain is its send phase.
// The Worker must be built; run it through `npm run bench` (or `npm run bench:side-by-side`).
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SANDBOX_CREDENTIALS, twilioSignature, newMessageSid } from '../sandbox/emulator.mjs';
import { startGateway, REPO_ROOT } from '../sandbox/gateway.mjs';

// Stopped from outside (a test's timeout, Ctrl-C): exit, so that the 'exit' handlers stop the
// gateway and the emulator this run started instead of leaving them running.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(130));

const { values: o } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    c: { type: 'string', default: '20' },
    'zendesk-latency-ms': { type: 'string', default: '300' },
    'rate-per-min': { type: 'string', default: '0' },
    'account-per-min': { type: 'string', default: '0' },
    'budget-per-min': { type: 'string', default: '' },
    'updates-per-min': { type: 'string', default: '0' },
    customers: { type: 'string', default: '0' },
    'existing-customers': { type: 'boolean', default: false },
    healthz: { type: 'boolean', default: false },
    faults: { type: 'string', default: '' },
    'arrivals-per-s': { type: 'string', default: '0' },
    via: { type: 'string', default: 'wrangler' },
    'state-dir': { type: 'string', default: '.wrangler' },
    'drain-timeout-s': { type: 'string', default: '300' },
    profile: { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
    target: { type: 'string', default: 'gateway' },
    'seed-dir': { type: 'string', default: path.resolve(REPO_ROOT, '../shared/peers/seed_fastapi') },
    'seed-python': { type: 'string', default: '' },
    channels: { type: 'string', default: '1' },
  },
});
if (!['gateway', 'seed'].includes(o.target)) throw new Error('--target is gateway or seed');
// --channels K: the default channel and K-1 more (docs/channels.md), each its own number,
// brand and group; customers are spread over them.
const channelCount = Math.max(1, Number(o.channels));
const extraChannels = Object.fromEntries(Array.from({ length: channelCount - 1 }, (_, i) => [`brand${i + 2}`, { sender: `+1415555${String(100 + i).padStart(4, '0')}`, brand_id: 2, group_id: 2, tags: [`brand${i + 2}`] }]));
const channelVars = channelCount > 1 ? { CHANNELS: JSON.stringify(extraChannels) } : {};
const channelNumbers = [SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER, ...Object.values(extraChannels).map((c) => c.sender)];
const SEED = o.target === 'seed';
if (!['wrangler', 'workerd'].includes(o.via)) throw new Error('--via is wrangler or workerd');
const N = Number(o.n), C = Number(o.c), RATE = Number(o['rate-per-min']);
// --budget-per-min N: ZENDESK_API_BUDGET_PER_MIN (default: unset, the gateway's own default:
// half the limit Zendesk names; the emulator names 400 unless --account-per-min sets it).
const budgetVars = o['budget-per-min'] ? { ZENDESK_API_BUDGET_PER_MIN: o['budget-per-min'] } : {};
const ACCOUNT_RATE = Number(o['account-per-min']), UPDATES_RATE = Number(o['updates-per-min']);
for (const [name, v] of [['rate-per-min', RATE], ['account-per-min', ACCOUNT_RATE], ['updates-per-min', UPDATES_RATE]]) {
  if (!(Number.isInteger(v) && v >= 0)) throw new Error(`--${name} is a whole number >= 0`);
}
const CUSTOMERS = Number(o.customers) || N, ARRIVALS = Number(o['arrivals-per-s']);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (x) => +x.toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const results = [];
for (const latency of o['zendesk-latency-ms'].split(',').map(Number)) results.push(await run(latency));
const output = results.length === 1 ? results[0] : {
  runs: results,
  // The acknowledgement must not depend on Zendesk's latency.
  p99_ratio_slowest_to_fastest_zendesk: round(results.at(-1).ack_ms.p99 / results[0].ack_ms.p99),
};
console.log(o.json ? JSON.stringify(output) : JSON.stringify(output, null, 2));
process.exit(0);

/** One run on a fresh emulator and a fresh Worker state. */
async function run(latency) {
  // The emulated APIs in a process of their own: the senders' timing must not share its loop.
  const emulatorProcess = spawn(process.execPath, [fileURLToPath(new URL('../sandbox/serve.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stopEmulator = () => emulatorProcess.kill('SIGTERM');
  process.on('exit', stopEmulator);
  const apiUrl = await new Promise((resolve, reject) => {
    emulatorProcess.stdout.once('data', (d) => resolve(JSON.parse(d.toString().split('\n')[0]).url));
    emulatorProcess.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const control = (p, body) => fetch(`${apiUrl}/__sandbox${p}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const persistTo = path.join(o['state-dir'], `bench-${process.pid}-${latency}`);
  const gateway = SEED ? await startSeed(apiUrl) : await startGateway({
    vars: { ...SANDBOX_CREDENTIALS, ZENDESK_BASE_URL: apiUrl, TWILIO_API_BASE_URL: apiUrl, UPSTREAM_TIMEOUT_MS: '10000', ADMIN_TOKEN, USAGE_LOG: '1', ...channelVars, ...budgetVars },
    prebuilt: true,
    persistTo,
  });
  try {
    return await measure({ latency, gateway, control });
  } finally {
    await gateway.stop();
    stopEmulator();
    process.off('exit', stopEmulator);
    rmSync(path.resolve(REPO_ROOT, persistTo), { recursive: true, force: true });
  }
}

async function measure({ latency, gateway, control }) {
  const base = o.via === 'workerd' ? await gateway.runtimeUrl() : gateway.url;
  if (!base) throw new Error("the Worker's workerd socket was not found (--via workerd needs Linux /proc)");
  if (o.healthz) return healthzFloor(base);
  const webhook = `${base}/twilio/whatsapp`;
  await control('/gateway', { url: webhook });
  const customer = (i) => `+1555${String(3000000 + (i % CUSTOMERS)).padStart(7, '0')}`;

  /** One webhook, signed as Twilio signs it; returns the status and the time to the answer. */
  async function deliver(from, body, messageSid) {
    // With --channels K, customers write to the K channels' numbers in turn (customer i to i mod K).
    const to = channelNumbers[Number(from.slice(-7)) % channelNumbers.length];
    const params = [
      ['SmsMessageSid', messageSid], ['NumMedia', '0'], ['ProfileName', 'Bench'], ['MessageType', 'text'], ['SmsSid', messageSid],
      ['WaId', from.slice(1)], ['SmsStatus', 'received'], ['Body', body], ['To', `whatsapp:${to}`],
      ['NumSegments', '1'], ['ReferralNumMedia', '0'], ['MessageSid', messageSid], ['AccountSid', SANDBOX_CREDENTIALS.TWILIO_ACCOUNT_SID],
      ['From', `whatsapp:${from}`], ['ApiVersion', '2010-04-01'],
    ];
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(SANDBOX_CREDENTIALS.TWILIO_AUTH_TOKEN, webhook, params) };
    const started = performance.now();
    const r = await fetch(webhook, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    await r.text();
    return { status: r.status, ms: performance.now() - started };
  }

  // messages the gateway reports done (ticket or comment, and reply)
  const doneSids = () => {
    const seen = new Set();
    for (const line of gateway.output().split('\n')) {
      const i = line.indexOf('{"');
      if (i < 0 || !line.includes('"message.done"')) continue;
      try { seen.add(JSON.parse(line.slice(i, line.lastIndexOf('}') + 1)).message_sid); } catch { /* not a log line */ }
    }
    return seen;
  };
  // warm-up: one message, not measured, and done before the measured ones start (its Zendesk
  // calls and reply are counted as before the run, whatever the budget makes it wait)
  const warmUp = newMessageSid();
  await deliver('+15559999999', 'warm-up: I need help with my order', warmUp);
  for (const deadline = Date.now() + 120_000; !SEED && !doneSids().has(warmUp);) {
    if (Date.now() > deadline) throw new Error('the warm-up message was not done in 120 s');
    await sleep(100);
  }
  if (o['existing-customers']) {
    const first = Array.from({ length: CUSTOMERS }, () => newMessageSid());
    let i = 0;
    await Promise.all(Array.from({ length: C }, async () => {
      while (i < CUSTOMERS) { const k = i++; await deliver(customer(k), `Order ${k}: my parcel never arrived, I need help`, first[k]); }
    }));
    const deadline = Date.now() + 120_000;
    while (!SEED && !first.every((sid) => doneSids().has(sid))) {
      if (Date.now() > deadline) throw new Error('the existing customers\' first messages were not done in 120 s');
      await sleep(250);
    }
  }
  // replies before the measured messages (the warm-up's, the existing customers' first ones)
  const earlierReplies = (await control('/state')).messages.length;
  await control('/latency', { zendesk: latency });
  if (RATE || ACCOUNT_RATE || UPDATES_RATE) {
    await control('/rate-limit', { perMinute: RATE || null, accountPerMinute: ACCOUNT_RATE || null, updatesPerMinute: UPDATES_RATE || null });
  }
  // Zendesk calls before the measured messages (the warm-up's, the existing customers' first ones).
  const callsBefore = (await control('/state')).rateLimits?.calls ?? null;
  if (o.faults) {
    const faults = o.faults.split(',').flatMap((spec) => {
      const [status, count = '1'] = spec.split(':');
      return Array.from({ length: Number(count) }, () => ({ status: Number(status), match: 'POST /api/v2/tickets.json', ...(status === '429' ? { retryAfter: 1 } : {}) }));
    });
    await control('/faults', { api: 'zendesk', faults });
  }
  // --profile FILE: a V8 CPU profile of the Worker's isolate during the send phase (open it in
  // Chrome DevTools or speedscope), taken through wrangler's inspector.
  const profiler = o.profile ? await startProfiler(gateway.inspectorPort) : null;

  // The usage the Worker records (USAGE_LOG=1): what the measured messages cost is the total
  // after them minus the total before them.
  await sleep(1000);
  const usageBefore = SEED ? null : usageTotals(gateway.output());
  const cpuBefore = SEED ? 0 : await workerdCpuMs(gateway.child.pid);
  const sids = Array.from({ length: N }, () => newMessageSid());
  const bodies = sids.map((_, i) => `Order ${i}: my parcel arrived broken, I need a replacement`);
  const acks = []; // [completed at (ms since start), latency]
  const statuses = new Map();
  const started = performance.now();
  const one = async (i) => {
    const r = await deliver(customer(i), bodies[i], sids[i]);
    acks.push([performance.now() - started, r.ms]);
    statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
  };
  if (ARRIVALS) {
    const inFlight = [];
    for (let i = 0; i < N; i++) {
      const due = started + (i * 1000) / ARRIVALS;
      if (due > performance.now()) await sleep(due - performance.now());
      inFlight.push(one(i));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    await Promise.all(Array.from({ length: C }, async () => {
      while (next < N) await one(next++);
    }));
  }
  const sendSeconds = (performance.now() - started) / 1000;
  if (profiler) await profiler.stop(o.profile);

  // drain: wait until the gateway reports every message done
  const deadline = Date.now() + Number(o['drain-timeout-s']) * 1000;
  let drained = null;
  // The seed peer has done each message's work when it answers.
  if (SEED) drained = sendSeconds;
  while (drained === null) {
    const seen = doneSids();
    if (sids.every((sid) => seen.has(sid))) { drained = (performance.now() - started) / 1000; break; }
    if (Date.now() > deadline) break;
    await sleep(250);
  }

  // Twilio's status callbacks (sent, delivered, read) for the replies: wait until they are in.
  if (!SEED && drained !== null) {
    const until = Date.now() + 30_000;
    const callbacksDone = (st) => st.messages.every((m) => !m.status_callback || m.delivery.length >= 3 || ['failed', 'undelivered'].includes(m.delivery.at(-1)));
    while (Date.now() < until && !callbacksDone(await control('/state'))) await sleep(250);
    await sleep(1000);
  }
  const usage = SEED ? null : usagePerMessage(gateway.output(), N, usageBefore, (await workerdCpuMs(gateway.child.pid)) - cpuBefore);

  // correctness, from what the emulated Zendesk and Twilio received
  const state = await control('/state');
  const ticketsPerSid = new Map();
  for (const t of state.tickets) if (t.external_id) ticketsPerSid.set(t.external_id, (ticketsPerSid.get(t.external_id) || 0) + 1);
  const occurrences = new Map(bodies.map((b) => [b, 0]));
  for (const t of state.tickets) for (const c of t.comments) for (const part of c.body.split('\n\n')) if (occurrences.has(part)) occurrences.set(part, occurrences.get(part) + 1);
  const replies = state.messages.slice(earlierReplies).filter((m) => m.to !== 'whatsapp:+15559999999');
  // The seed peer sets no external_id: its tickets are found by their text.
  const ticketCount = SEED
    ? bodies.filter((b) => state.tickets.some((t) => t.comments[0]?.body === b)).length
    : sids.filter((sid) => ticketsPerSid.has(sid)).length;
  // the Worker's own measure of its acknowledgements (from the webhook's arrival to the message
  // stored), as /admin/metrics reports it; the warm-up message is one of its samples
  const metrics = SEED ? null : await fetch(`${gateway.url}/admin/metrics`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json()).catch(() => null);
  const sorted = acks.map(([, ms]) => ms).sort((a, b) => a - b);
  const zendeskCalls = callsMade(callsBefore, state.rateLimits?.calls, ticketCount, N);
  // the longest time in which no acknowledgement came back (the runtime stalled)
  const completions = acks.map(([at]) => at).sort((a, b) => a - b);
  const longestPause = completions.reduce((worst, at, i) => Math.max(worst, at - (completions[i - 1] ?? 0)), 0);
  return {
    machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model },
    params: { target: o.target, n: N, c: ARRIVALS ? null : C, arrivals_per_s: ARRIVALS || null, zendesk_latency_ms: latency, rate_per_min: RATE || null, account_per_min: ACCOUNT_RATE || null, updates_per_min: UPDATES_RATE || null, budget_per_min: o['budget-per-min'] || null, customers: CUSTOMERS, existing_customers: o['existing-customers'], faults: o.faults || null, via: o.via },
    ack_ms: { median: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)) },
    ack_ms_in_worker: metrics?.ack_ms ?? null,
    // from a message's arrival to its last step done (its ticket or comment, and its reply)
    end_to_end_ms_in_worker: metrics?.end_to_end_ms ?? null,
    longest_pause_ms: round(longestPause),
    usage_per_message: usage,
    statuses: Object.fromEntries(statuses),
    send_seconds: +sendSeconds.toFixed(2),
    drain_seconds: drained === null ? null : +drained.toFixed(2),
    messages_per_second: drained === null ? null : round(N / drained),
    zendesk_calls: zendeskCalls,
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
}

/**
 * The Zendesk calls the measured messages made, from the emulator's counts before and after
 * (`rateLimits.calls`: per kind, made and answered 429), and per new ticket and per message.
 */
function callsMade(before, after, tickets, n) {
  if (!before || !after) return null;
  const made = (k) => after[k].calls - before[k].calls;
  const refused = (k) => after[k].refused - before[k].refused;
  return {
    all: made('all'),
    creates: made('creates'),
    updates: made('updates'),
    refused_429: { all: refused('all'), creates: refused('creates'), updates: refused('updates') },
    per_new_ticket: tickets ? round(made('all') / tickets) : null,
    per_message: round(made('all') / n),
  };
}

/**
 * The isolates' usage totals from the Worker's `usage` lines (the last line of each isolate
 * carries its running totals), summed over isolates.
 */
function usageTotals(output) {
  const last = new Map();
  for (const line of output.split('\n')) {
    const i = line.indexOf('{"');
    if (i < 0 || !line.includes('"usage"')) continue;
    try {
      const u = JSON.parse(line.slice(i, line.lastIndexOf('}') + 1));
      if (u.event === 'usage') last.set(u.isolate, u);
    } catch { /* not a log line */ }
  }
  const keys = ['worker_requests', 'object_requests', 'object_alarms', 'object_ms', 'rows_read', 'rows_written', 'subrequests'];
  const sum = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const u of last.values()) for (const k of keys) sum[k] += u[k] || 0;
  return sum;
}

/**
 * Per message, and at Cloudflare's published Workers Paid prices (docs/performance.md, "Cost per message"): Workers
 * $0.30 per million requests and $0.02 per million CPU ms; Durable Objects $0.15 per million
 * requests (alarms included) and $12.50 per million GB-s of duration (128 MB objects, billed on
 * wall time: the sum of the objects' invocation times, an upper bound); SQLite storage $0.001
 * per million rows read and $1.00 per million rows written. Marginal prices, beyond the plan's
 * included amounts. CPU time is not visible inside the Worker (its clock stands still while it
 * computes): it is the CPU time of the workerd process running the Worker and its objects, an
 * upper bound that includes the runtime's own work (Linux only; null elsewhere).
 */
function usagePerMessage(output, n, before, cpuMs) {
  const after = usageTotals(output);
  const per = (k) => (after[k] - before[k]) / n;
  const u = {
    worker_requests: per('worker_requests'),
    object_requests: per('object_requests'),
    object_alarms: per('object_alarms'),
    invocations: per('worker_requests') + per('object_requests') + per('object_alarms'),
    object_ms: per('object_ms'),
    rows_read: per('rows_read'),
    rows_written: per('rows_written'),
    subrequests: per('subrequests'),
    cpu_ms: Number.isFinite(cpuMs) ? cpuMs / n : null,
  };
  const dollars = u.worker_requests * 0.30 + (u.object_requests + u.object_alarms) * 0.15
    + (u.object_ms / 1000) * 0.125 * 12.50 + u.rows_read * 0.001 + u.rows_written * 1.00
    + (u.cpu_ms ?? 0) * 0.02;
  for (const k of Object.keys(u)) if (u[k] !== null) u[k] = +u[k].toFixed(2);
  u.cost_per_million_messages_usd = +dollars.toFixed(2);
  return u;
}

/** CPU time (ms) used so far by the workerd that runs the Worker (Linux /proc; NaN elsewhere). */
async function workerdCpuMs(processGroup) {
  const { readdir, readFile } = await import('node:fs/promises');
  let ticks = 0, found = false;
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat.includes('(workerd)')) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== processGroup) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('--inspector-addr')) continue; // the dev proxy's workerd
    ticks += Number(fields[11]) + Number(fields[12]); // utime + stime, in 1/100 s
    found = true;
  }
  return found ? ticks * 10 : NaN;
}

/** The seed peer under uvicorn (one worker, its default), configured as the gateway is. */
async function startSeed(apiUrl) {
  if (!o['seed-python']) throw new Error('--seed-python: the python of scripts/seed-peer.sh (use npm run bench:side-by-side)');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const env = {
    ...process.env, ...SANDBOX_CREDENTIALS, TWILIO_API_BASE_URL: apiUrl, ZENDESK_BASE_URL: apiUrl,
  };
  const child = spawn(o['seed-python'], ['-m', 'uvicorn', 'app:app', '--app-dir', o['seed-dir'], '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the seed peer exited ${child.exitCode}`);
    if (await fetch(`${url}/docs`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error('the seed peer did not start in 30 s');
    await sleep(200);
  }
  return {
    url,
    output: () => '',
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }),
  };
}

/** N `GET /healthz` with C senders: what any request costs the local runtime. */
async function healthzFloor(base) {
  const ms = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next++ < N) {
      const t = performance.now();
      const r = await fetch(`${base}/healthz`);
      await r.text();
      if (r.status !== 200) throw new Error(`/healthz answered ${r.status}`);
      ms.push(performance.now() - t);
    }
  }));
  const sorted = ms.sort((a, b) => a - b);
  return {
    machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model },
    params: { n: N, c: C, healthz: true, via: o.via },
    ack_ms: { median: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)) },
    send_seconds: +((performance.now() - started) / 1000).toFixed(2),
  };
}

/** Starts V8's sampling profiler in the Worker's isolate, over the DevTools protocol. */
async function startProfiler(inspectorPort) {
  const [target] = await fetch(`http://127.0.0.1:${inspectorPort}/json`).then((r) => r.json());
  // wrangler's inspector proxy wants a local Origin (it keeps web pages out).
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: 'http://localhost' } });
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) { waiting.get(msg.id)(msg.result); waiting.delete(msg.id); }
  };
  const call = (method, params = {}) => new Promise((resolve) => { waiting.set(++id, resolve); ws.send(JSON.stringify({ id, method, params })); });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 200 });
  await call('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await call('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      ws.close();
    },
  };
}
