// `npm run deploy -- --rehearse`: the whole deploy and setup path, here, with no account and no
// network beyond loopback. The real scripts run unchanged (scripts/deploy.mjs, scripts/setup.mjs)
// against:
//   - the project's emulator of Zendesk's and Twilio's APIs (sandbox/emulator.mjs), including
//     Twilio's Senders API;
//   - a stand-in for the Cloudflare account behind the `wrangler` CLI's account calls
//     (scripts/wrangler-stand-in.mjs talks to the small server below): `deploy` runs the built
//     Worker in `wrangler dev` with exactly the variables and secrets it was given, refusing a
//     deploy without the secrets wrangler.toml requires (as wrangler does); `secret put` stores
//     a secret and starts the Worker again with it (a new version, same URL), as Cloudflare does.
// Steps: (1) a configuration with a secret missing is refused by name and nothing is uploaded;
// (2) the complete configuration deploys and /healthz passes; (3) setup creates the Zendesk
// webhook and trigger, stores the webhook's secret and sets the Twilio sender's URLs; (4) a
// second deploy uploads the PUBLIC_BASE_URL setup wrote; (5) a customer's message, signed as Twilio signs it and sent to the sender's incoming URL,
// becomes a ticket and gets a reply. Exits 0 only when every step did what it should.
// Every wait is a condition with a deadline (no fixed sleeps).
import http from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEmulator, SANDBOX_CREDENTIALS } from '../sandbox/emulator.mjs';
import { startGateway, freePort, REPO_ROOT } from '../sandbox/gateway.mjs';

const STAND_IN = path.join(REPO_ROOT, 'scripts/wrangler-stand-in.mjs');
const ADMIN_TOKEN = 'rehearsal-admin-token-0123456789';

/** The secrets wrangler.toml requires (`[secrets] required`), which a deploy must carry or have stored. */
function requiredSecrets() {
  const toml = readFileSync(path.join(REPO_ROOT, 'wrangler.toml'), 'utf8');
  const list = /^\[secrets\]\s*\nrequired\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? '';
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The Cloudflare account, as the stand-in CLI sees it. Records each call by name (never a value).
 * One Worker: its URL is fixed at start, as a workers.dev URL is.
 */
async function accountStandIn({ port, persistTo, log }) {
  const secrets = {};
  let vars = {};
  let gateway = null;
  let version = 0;
  const calls = [];
  const url = `http://127.0.0.1:${port}`;
  async function run() {
    if (gateway) await gateway.stop();
    gateway = null;
    gateway = await startGateway({ vars: { ...vars, ...secrets }, port, prebuilt: true, persistTo });
    version += 1;
  }
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const answer = (status, json) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(json)); };
    try {
      if (req.method === 'GET' && req.url === '/whoami') { calls.push({ command: 'whoami' }); return answer(200, { email: 'ops@acme.test' }); }
      if (req.method === 'GET' && req.url === '/secrets') { calls.push({ command: 'secret list' }); return answer(200, { names: Object.keys(secrets).sort() }); }
      const put = req.url.match(/^\/secrets\/([A-Z0-9_]+)$/);
      if (req.method === 'PUT' && put) {
        calls.push({ command: 'secret put', name: put[1] });
        secrets[put[1]] = body.value;
        if (gateway) await run(); // a secret put deploys a new version
        return answer(200, { ok: true });
      }
      if (req.method === 'POST' && req.url === '/deploy') {
        calls.push({ command: 'deploy', vars: Object.keys(body.vars).sort(), secrets: Object.keys(body.secrets).sort() });
        const missing = requiredSecrets().filter((n) => !(n in body.secrets) && !(n in secrets));
        if (missing.length) return answer(400, { error: `Missing required secrets: ${missing.join(', ')}` });
        // keep_vars = true: variables set earlier stay unless this deploy sets them.
        vars = { ...vars, ...body.vars };
        Object.assign(secrets, body.secrets);
        await run();
        return answer(200, { url, version: `rehearsal-${version}` });
      }
      return answer(404, { error: `stand-in account: no ${req.method} ${req.url}` });
    } catch (e) {
      log(`   stand-in account: ${e.message.split('\n')[0]}`);
      return answer(500, { error: e.message.split('\n')[0] });
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    gatewayUrl: url,
    calls,
    storedSecretNames: () => Object.keys(secrets).sort(),
    async close() { if (gateway) await gateway.stop(); server.closeAllConnections?.(); await new Promise((r) => server.close(r)); },
  };
}

/** Runs a script of this repository as a user would, its output shown indented as it comes. */
function runScript(script, args, env, log) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let pending = '';
    const onData = (d) => {
      out += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const l of lines) log(`   | ${l}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => { if (pending) log(`   | ${pending}`); resolve({ code, out }); });
  });
}

const envFile = (file, entries) => writeFileSync(file, `${Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });

export async function rehearse({ build = true, log = console.log } = {}) {
  if (build) {
    log('Building the Worker (scripts/build.sh)...');
    const b = spawnSync('bash', ['scripts/build.sh'], { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, WA_GATEWAY_PREBUILT: '' } });
    if (b.status !== 0) { log('✗ the build failed'); return 1; }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wa-gateway-rehearsal-'));
  const persistTo = `.wrangler/rehearsal-${process.pid}`;
  const emulator = createEmulator({ adminToken: ADMIN_TOKEN });
  let account = null;
  const step = (n, text) => log(`\n${n}. ${text}`);
  const check = (ok, text) => { if (!ok) throw new Error(text); log(`   ✓ ${text}`); };
  try {
    const apiUrl = await emulator.listen(0);
    account = await accountStandIn({ port: await freePort(), persistTo, log });
    const gatewayUrl = account.gatewayUrl;
    log('Rehearsal of `npm run deploy` and `npm run setup`: no account, loopback only.');
    log(`   Zendesk and Twilio: the emulator at ${apiUrl}; Cloudflare: a stand-in that runs the`);
    log(`   deployed Worker in wrangler dev at ${gatewayUrl}. Values: the sandbox's (your deploy.env`);
    log('   and .secrets.env are not read).');

    const { TWILIO_AUTH_TOKEN, ZENDESK_API_KEY, ZENDESK_WEBHOOK_SECRET, ...plain } = SANDBOX_CREDENTIALS;
    const vars = path.join(dir, 'deploy.env');
    const secrets = path.join(dir, '.secrets.env');
    envFile(vars, { ...plain, ZENDESK_BASE_URL: apiUrl, TWILIO_API_BASE_URL: apiUrl });
    const deployEnv = { ...process.env, WA_GATEWAY_WRANGLER: STAND_IN, STAND_IN_ACCOUNT: account.url, WA_GATEWAY_URL: gatewayUrl, WA_GATEWAY_PREBUILT: '1' };
    const deployArgs = ['--vars-file', vars, '--secrets-file', secrets, '--no-setup'];
    const secretValues = [TWILIO_AUTH_TOKEN, ZENDESK_API_KEY, ZENDESK_WEBHOOK_SECRET, ADMIN_TOKEN];
    const noValue = (out) => !secretValues.some((v) => out.includes(v));

    step(1, 'A configuration with a secret missing (.secrets.env without TWILIO_AUTH_TOKEN):');
    envFile(secrets, { ZENDESK_API_KEY, ADMIN_TOKEN });
    log('   $ npm run deploy');
    const refused = await runScript('scripts/deploy.mjs', deployArgs, deployEnv, log);
    check(refused.code === 1 && /missing: TWILIO_AUTH_TOKEN/.test(refused.out), 'refused, naming the missing secret');
    check(!account.calls.some((c) => c.command === 'deploy'), `nothing uploaded (the account saw: ${account.calls.map((c) => c.command).join(', ')})`);
    check(noValue(refused.out), 'no secret value printed');

    step(2, 'The complete configuration:');
    envFile(secrets, { TWILIO_AUTH_TOKEN, ZENDESK_API_KEY, ADMIN_TOKEN });
    log('   $ npm run deploy');
    const deployed = await runScript('scripts/deploy.mjs', deployArgs, deployEnv, log);
    const upload = account.calls.find((c) => c.command === 'deploy');
    check(deployed.code === 0 && /\/healthz: ok/.test(deployed.out), 'deployed, and the deployed /healthz passes');
    check(upload && upload.secrets.join() === 'ADMIN_TOKEN,TWILIO_AUTH_TOKEN,ZENDESK_API_KEY',
      `uploaded ${upload?.vars.length} variables with --var and the secrets ${upload?.secrets.join(', ')} with --secrets-file`);
    check(noValue(deployed.out), 'no secret value printed');

    step(3, 'Setup connects Zendesk and points the Twilio sender at the gateway:');
    log(`   $ npm run setup -- --gateway ${gatewayUrl} --twilio-sender`);
    const setupEnv = { PATH: process.env.PATH, STAND_IN_ACCOUNT: account.url };
    const setup = await runScript('scripts/setup.mjs', [
      '--gateway', gatewayUrl, '--twilio-sender', '--vars-file', vars, '--secrets-file', secrets,
      '--zendesk-base-url', apiUrl, '--twilio-base-url', apiUrl, '--twilio-messaging-base-url', apiUrl,
      '--state', path.join(dir, 'setup-state.json'), '--secret-command', `${process.execPath} ${STAND_IN} secret put`,
    ], setupEnv, log);
    check(setup.code === 0, 'setup succeeded, ending with the gateway\'s /healthz');
    const hooks = [...emulator.state.webhooks.values()];
    check(hooks.length === 1 && hooks[0].endpoint === `${gatewayUrl}/zendesk/events` && emulator.state.triggers.size === 2,
      'the Zendesk webhook (to /zendesk/events) and its triggers (agents\' replies, solved tickets) exist');
    check(account.storedSecretNames().includes('ZENDESK_WEBHOOK_SECRET'), 'the webhook\'s signing secret is a Worker secret (a new version was started with it)');
    const sender = [...emulator.state.senders.values()].find((s) => s.sender_id === `whatsapp:${plain.TWILIO_WHATSAPP_NUMBER}`);
    check(sender?.webhook.callback_url === `${gatewayUrl}/twilio/whatsapp` && sender?.webhook.status_callback_url === `${gatewayUrl}/twilio/status`,
      `the Twilio sender's incoming URL is ${sender?.webhook.callback_url}, its status URL ${sender?.webhook.status_callback_url}`);
    check(noValue(setup.out), 'no secret value printed');

    step(4, 'Setup wrote PUBLIC_BASE_URL (the gateway is not on workers.dev): deploy again, as it says:');
    log('   $ npm run deploy');
    const again = await runScript('scripts/deploy.mjs', deployArgs, deployEnv, log);
    const second = account.calls.filter((c) => c.command === 'deploy')[1];
    check(again.code === 0 && second?.vars.includes('PUBLIC_BASE_URL') && !/off: public_base_url/.test(again.out),
      'deployed with PUBLIC_BASE_URL, the origin Twilio calls, and /healthz passes');
    check(second?.secrets.join() === 'ADMIN_TOKEN,TWILIO_AUTH_TOKEN,ZENDESK_API_KEY' && account.storedSecretNames().includes('ZENDESK_WEBHOOK_SECRET'),
      'the secret setup stored is kept (stored secrets count as set)');

    step(5, 'A customer writes on WhatsApp (Twilio signs it and posts it to the sender\'s incoming URL):');
    const customer = '+15550004401';
    const sent = await emulator.customerSends({ from: customer, body: 'My order arrived broken and the invoice shows an error' });
    check(sent.status === 200, `the gateway answered Twilio 200 in ${Math.round(sent.ms)} ms`);
    const ticket = await waitFor('the ticket', () => [...emulator.state.tickets.values()].find((t) => t.external_id === sent.messageSid), 60_000);
    check(true, `ticket #${ticket.id} created in Zendesk ("${ticket.subject}", priority ${ticket.priority})`);
    const reply = await waitFor('the reply', () => emulator.state.messages.find((m) => m.to === `whatsapp:${customer}`), 60_000);
    check(true, `the customer got the reply: "${reply.body}"`);
    log('\nRehearsal passed: with real accounts, `npm run deploy` then `npm run setup -- --gateway <url> --twilio-sender` do the same.');
    return 0;
  } catch (e) {
    log(`   ✗ ${e.message}`);
    log('\nRehearsal FAILED at the step above.');
    return 1;
  } finally {
    await account?.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(REPO_ROOT, persistTo), { recursive: true, force: true });
  }
}
