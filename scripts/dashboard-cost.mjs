// What the operator's dashboard costs when left open, in Durable Object requests (the Free
// plan allows 100,000 a day, shared with the gateway's own traffic; docs/dashboard.md).
//
//   node scripts/dashboard-cost.mjs [--repo DIR] [--customers 20] [--hours 2] [--samples 2] [--json]
//
// Runs the built Worker of --repo (default: this checkout; build it first with `npm run build`)
// in wrangler dev with USAGE_LOG=1 against the emulator, has --customers customers write one
// message each (the dashboard's latest list then spans that many conversations, at most 20),
// and opens the real dashboard (that checkout's dashboard/) in headless Chromium:
//  1. Durable Object requests per refresh, from the Worker's `usage` lines (src/usage.rs, the
//     requests the objects served): on a quiet gateway, and after a new message. Refreshes are
//     measured at least 21 s apart in real time, as a tab's are (>= 30 s), so a per-isolate
//     cache is not counted as a saving it would not give one tab.
//  2. Refreshes per hour of an open, visible tab on a quiet gateway: --hours of the page's own
//     timers, run on Playwright's fake clock (minutes take milliseconds).
// Per day = refreshes per hour in the last simulated hour (the steady state) x 24 x requests per
// quiet refresh; and, for a gateway busy all day (a new message before every refresh), one
// refresh every 30 s x requests per refresh after a new message.
// To measure an earlier version: `git worktree add /tmp/before <ref>`, link node_modules into
// it, `npm run build` there, then `node scripts/dashboard-cost.mjs --repo /tmp/before`.
import { parseArgs } from 'node:util';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: o } = parseArgs({
  options: {
    repo: { type: 'string', default: HERE },
    customers: { type: 'string', default: '20' },
    hours: { type: 'string', default: '2' },
    samples: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});
const REPO = path.resolve(o.repo);
const CUSTOMERS = Number(o.customers), HOURS = Number(o.hours), SAMPLES = Number(o.samples);
if (!existsSync(path.join(REPO, 'build/index.js'))) throw new Error(`${REPO}/build is missing: run npm run build there first`);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ADMIN_TOKEN = 'cost-admin-token-0123456789';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (...a) => { if (!o.json) console.error('[dashboard-cost]', ...a); };

const { createEmulator, SANDBOX_CREDENTIALS } = await import(pathToFileURL(path.join(REPO, 'sandbox/emulator.mjs')));
const { startGateway } = await import(pathToFileURL(path.join(REPO, 'sandbox/gateway.mjs')));

async function waitFor(fn, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The isolates' running totals from the Worker's `usage` lines, summed over isolates. */
function usage(output) {
  const last = new Map();
  for (const line of output.split('\n')) {
    const i = line.indexOf('{"');
    if (i < 0 || !line.includes('"usage"')) continue;
    try {
      const u = JSON.parse(line.slice(i, line.lastIndexOf('}') + 1));
      if (u.event === 'usage') last.set(u.isolate, u);
    } catch { /* not a log line */ }
  }
  const sum = { worker_requests: 0, object_requests: 0, object_alarms: 0 };
  for (const u of last.values()) for (const k of Object.keys(sum)) sum[k] += u[k] || 0;
  return sum;
}

const emulator = createEmulator({ adminToken: ADMIN_TOKEN });
const apiUrl = await emulator.listen(0);
const persistTo = `.wrangler/dashboard-cost-${process.pid}`;
const gateway = await startGateway({
  vars: { ...SANDBOX_CREDENTIALS, ZENDESK_BASE_URL: apiUrl, TWILIO_API_BASE_URL: apiUrl, ADMIN_TOKEN, USAGE_LOG: '1', RETRY_BASE_MS: '200' },
  prebuilt: true,
  persistTo,
});
emulator.setGatewayUrl(`${gateway.url}/twilio/whatsapp`);
const totals = () => usage(gateway.output());
/** Waits until no invocation has ended for `quietMs` (alarms and metrics deltas included). */
async function quiet(quietMs = 1500) {
  let seen = JSON.stringify(totals()), since = Date.now();
  await waitFor(async () => {
    const now = JSON.stringify(totals());
    if (now !== seen) { seen = now; since = Date.now(); }
    return Date.now() - since >= quietMs;
  }, 'a quiet gateway', 120_000);
  return totals();
}
const adminJson = async (p) => (await fetch(`${gateway.url}${p}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json();

let browser;
try {
  say(`${CUSTOMERS} customers write once (${REPO})`);
  for (let i = 0; i < CUSTOMERS; i++) await emulator.customerSends({ from: `+1555077${String(1000 + i)}`, body: `My order ${1000 + i} arrived damaged, I need a replacement` });
  await waitFor(async () => (await adminJson('/admin/metrics')).counters?.received >= CUSTOMERS, 'every message in the metrics', 120_000);
  await waitFor(async () => ((await adminJson('/admin/messages?latest=20')).messages || []).every((m) => m.status === 'done'), 'every message done', 120_000);
  await quiet();

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  let started = 0, finished = 0;
  const isAdmin = (r) => new URL(r.url()).pathname.startsWith('/admin/');
  page.on('request', (r) => { if (isAdmin(r)) started++; });
  for (const e of ['requestfinished', 'requestfailed']) page.on(e, (r) => { if (isAdmin(r)) finished++; });
  // Answered, and no further request for 300 ms (a refresh may ask one thing after another).
  const settled = async () => {
    let seen = -1, since = Date.now();
    await waitFor(() => {
      if (started !== seen) { seen = started; since = Date.now(); }
      return started === finished && Date.now() - since >= 300;
    }, 'the page\'s requests answered');
  };
  await page.clock.install();
  await page.goto(`${gateway.url}/admin#token=${ADMIN_TOKEN}`);
  await waitFor(async () => started > 0, 'the first refresh');
  await settled();
  let lastRefreshAt = Date.now();

  /** Runs the page's clock 30 s at a time until it refreshes; the DO requests that refresh made. */
  async function measuredRefresh() {
    await sleep(Math.max(0, 21_000 - (Date.now() - lastRefreshAt))); // past any per-isolate cache
    const before = await quiet();
    const asked = started;
    for (let step = 0; started === asked; step++) {
      if (step > 40) throw new Error('the page did not refresh within 20 simulated minutes');
      await page.clock.runFor(30_000);
      await sleep(30);
    }
    await settled();
    lastRefreshAt = Date.now();
    const after = await quiet();
    return { requests: started - asked, object_requests: after.object_requests - before.object_requests, object_alarms: after.object_alarms - before.object_alarms };
  }

  const quietSamples = [];
  for (let i = 0; i < SAMPLES; i++) quietSamples.push(await measuredRefresh());
  say('quiet refreshes:', JSON.stringify(quietSamples));
  const news = await emulator.customerSends({ from: '+15550771000', body: 'Any news about my replacement?' });
  await waitFor(async () => (await adminJson('/admin/metrics')).counters?.received >= CUSTOMERS + 1, 'the new message in the metrics');
  await waitFor(async () => (await adminJson(`/admin/messages/${news.messageSid}`)).status === 'done', 'the new message done');
  const afterMessage = await measuredRefresh();
  say('refresh after a new message:', JSON.stringify(afterMessage));

  // Refreshes per hour of an open tab on a quiet gateway (the page's timers on the fake clock).
  const perHour = [];
  for (let h = 0; h < HOURS; h++) {
    const from = started;
    for (let t = 0; t < 3600_000; t += 30_000) {
      const asked = started;
      await page.clock.runFor(30_000);
      await sleep(30);
      if (started !== asked) await settled();
    }
    perHour.push(started - from);
  }
  say('refreshes (page requests to /admin) per simulated hour:', perHour.join(', '));
  const batch = quietSamples[0].requests; // admin requests per refresh
  const refreshesPerHour = perHour.at(-1) / batch;
  const perQuietRefresh = Math.max(...quietSamples.map((s) => s.object_requests + s.object_alarms));
  const perBusyRefresh = afterMessage.object_requests + afterMessage.object_alarms;
  const result = {
    repo: REPO,
    latest_conversations: Math.min(CUSTOMERS, 20),
    admin_requests_per_refresh: batch,
    do_requests_per_refresh_quiet: quietSamples.map((s) => s.object_requests + s.object_alarms),
    do_requests_per_refresh_after_new_message: perBusyRefresh,
    refreshes_per_hour_quiet: perHour.map((n) => n / batch),
    do_requests_per_day_open_tab_quiet: Math.round(refreshesPerHour * 24 * perQuietRefresh),
    do_requests_per_day_open_tab_busy: 2 * 60 * 24 * perBusyRefresh,
  };
  console.log(JSON.stringify(result, null, o.json ? 0 : 2));
} finally {
  await browser?.close();
  await gateway.stop();
  await emulator.close();
  rmSync(path.join(REPO, persistTo), { recursive: true, force: true });
}
process.exit(0);
