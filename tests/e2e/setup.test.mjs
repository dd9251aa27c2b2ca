// `npm run setup` against the emulator: credentials checked, webhook and trigger created once,
// the signing secret stored, a second run changes nothing, and every failure says what to fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createEmulator, SANDBOX_CREDENTIALS } from '../../sandbox/emulator.mjs';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';

let emulator;
let apiUrl;
const dir = mkdtempSync(path.join(os.tmpdir(), 'setup-test-'));
const secretFile = path.join(dir, 'secrets');
const GATEWAY = 'https://whatsapp-zendesk-gateway.acme.workers.dev';

before(async () => {
  emulator = createEmulator();
  apiUrl = await emulator.listen(0);
});
after(() => emulator?.close());

/** Runs the set-up script (asynchronously: the emulator answers from this same process). */
function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function runSetup({ env = {}, args = [], state = path.join(dir, 'state.json') } = {}) {
  const started = performance.now();
  const r = await run([
    path.join(REPO_ROOT, 'scripts/setup.mjs'),
    '--zendesk', 'acme.zendesk.com', '--gateway', GATEWAY,
    '--zendesk-base-url', apiUrl, '--twilio-base-url', apiUrl,
    '--secret-command', `${process.execPath} ${path.join(REPO_ROOT, 'tests/fixtures/secret-store.mjs')}`,
    '--state', state, ...args,
  ], { PATH: process.env.PATH, SECRET_STORE_FILE: secretFile, ...pick(SANDBOX_CREDENTIALS, ['ZENDESK_EMAIL', 'ZENDESK_API_KEY', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']), ...env });
  return { ...r, ms: performance.now() - started };
}
const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, o[k]]));
const writes = () => emulator.state.requests.filter((q) => q.method !== 'GET').length;

test('the first run checks the credentials, creates the webhook and trigger and stores the secret', async () => {
  const r = await runSetup();
  assert.equal(r.code, 0, r.out);
  console.log(`# setup against the emulator took ${r.ms.toFixed(0)} ms`);
  const hooks = [...emulator.state.webhooks.values()];
  assert.equal(hooks.length, 1);
  assert.equal(hooks[0].endpoint, `${GATEWAY}/zendesk/events`);
  assert.deepEqual(hooks[0].subscriptions, ['conditional_ticket_events']);
  const triggers = [...emulator.state.triggers.values()];
  assert.equal(triggers.length, 2, 'the agents\' replies\' trigger and the solved tickets\' one');
  assert.deepEqual(triggers[0].actions, [{ field: 'notification_webhook', value: [hooks[0].id, '{"ticket_id": "{{ticket.id}}", "requester_email": "{{ticket.requester.email}}", "requester_id": "{{ticket.requester.id}}", "requester_external_id": "{{ticket.requester.external_id}}"}'] }]);
  for (const t of triggers) assert.ok(t.conditions.all.some((c) => c.field === 'current_tags' && c.value === 'whatsapp'), t.title);
  // Trigger mode's stand-in for ticket.status_changed: "status changed to solved".
  assert.ok(triggers[1].conditions.all.some((c) => c.field === 'status' && c.operator === 'value' && c.value === 'solved'));
  assert.deepEqual(JSON.parse(triggers[1].actions[0].value[1]).status, 'solved');
  assert.match(r.out, /Zendesk trigger "WhatsApp gateway: solved tickets \(satisfaction question\)" \(created\)/);
  const stored = readFileSync(secretFile, 'utf8');
  assert.equal(stored, `ZENDESK_WEBHOOK_SECRET=${createHash('sha256').update(SANDBOX_CREDENTIALS.ZENDESK_WEBHOOK_SECRET).digest('hex')}\n`);
  assert.match(r.out, new RegExp(`When a message comes in:  ${GATEWAY}/twilio/whatsapp`));
  for (const secret of ['ZENDESK_API_KEY', 'TWILIO_AUTH_TOKEN', 'ZENDESK_WEBHOOK_SECRET']) {
    assert.ok(!r.out.includes(SANDBOX_CREDENTIALS[secret]), `${secret} printed`);
  }
});

test('a second run changes nothing', async () => {
  const before = writes();
  const r = await runSetup();
  assert.equal(r.code, 0, r.out);
  assert.equal(writes(), before, 'no POST or PUT');
  assert.match(r.out, /nothing changed/);
  assert.equal(readFileSync(secretFile, 'utf8').trim().split('\n').length, 1, 'the secret is not stored again');
});

test('a changed gateway URL updates the webhook in place, once', async () => {
  const r = await runSetup({ args: ['--gateway', 'https://support.acme.com'] });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /webhook .* \(updated\)/);
  assert.equal([...emulator.state.webhooks.values()][0].endpoint, 'https://support.acme.com/zendesk/events');
  assert.equal(emulator.state.webhooks.size, 1);
  assert.match(r.out, /When a message comes in: {2}https:\/\/support\.acme\.com\/twilio\/whatsapp/);
  const again = await runSetup({ args: ['--gateway', 'https://support.acme.com'] });
  assert.match(again.out, /nothing changed/);
});

test('missing credentials are listed by name', async () => {
  const r = await run([path.join(REPO_ROOT, 'scripts/setup.mjs')], { PATH: process.env.PATH });
  assert.equal(r.code, 1);
  assert.match(r.out, /missing: ZENDESK_EMAIL, ZENDESK_API_KEY, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, --zendesk \(or ZENDESK_DOMAIN\), --gateway/);
});

for (const [what, env, expected] of [
  ['a wrong Zendesk token', { ZENDESK_API_KEY: 'wrong' }, /Zendesk refused the credentials: check ZENDESK_EMAIL .* and ZENDESK_API_KEY/],
  ['a wrong Twilio token', { TWILIO_AUTH_TOKEN: 'wrong' }, /Twilio refused the credentials: check TWILIO_ACCOUNT_SID .* and TWILIO_AUTH_TOKEN/],
]) {
  test(`${what} is named and nothing is changed`, async () => {
    const before = writes();
    const r = await runSetup({ env });
    assert.equal(r.code, 1);
    assert.match(r.out, expected);
    assert.equal(writes(), before);
    assert.ok(!r.out.includes('wrong'), 'the value is not echoed');
  });
}

test('an API user without admin rights is told so', async () => {
  emulator.state.apiUserRole = 'agent';
  try {
    const r = await runSetup();
    assert.equal(r.code, 1);
    assert.match(r.out, /is a Zendesk agent, not an admin: webhooks and triggers need an admin's API token/);
  } finally {
    emulator.state.apiUserRole = 'admin';
  }
});

test('a wrong subdomain is reported as such', async () => {
  const r = await runSetup({ args: ['--zendesk-base-url', 'http://127.0.0.1:9'] });
  assert.equal(r.code, 1);
  assert.match(r.out, /cannot reach Zendesk at http:\/\/127\.0\.0\.1:9 .*check the subdomain/);
  assert.ok(existsSync(secretFile));
});

test('--help prints the usage (no stack trace); an unknown option is named', async () => {
  const help = await run([path.join(REPO_ROOT, 'scripts/setup.mjs'), '--help'], { PATH: process.env.PATH });
  assert.equal(help.code, 0, help.out);
  assert.match(help.out, /^npm run setup -- --gateway URL/);
  assert.match(help.out, /--dry-run/);
  const bad = await run([path.join(REPO_ROOT, 'scripts/setup.mjs'), '--gatway', 'x'], { PATH: process.env.PATH });
  assert.equal(bad.code, 2);
  assert.match(bad.out, /Unknown option '--gatway'/);
  assert.ok(!/at .*\.mjs:\d+/.test(bad.out), 'no stack trace');
});

test('--dry-run with a bare subdomain and a custom domain says what would change, changing nothing', async () => {
  const vars = path.join(dir, 'dry.env');
  const before = writes();
  const r = await runSetup({ args: ['--zendesk', 'acme', '--gateway', 'https://support.acme.test', '--dry-run', '--vars-file', vars] });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Zendesk: acme\.zendesk\.com/);
  assert.match(r.out, /webhook .* -> https:\/\/support\.acme\.test\/zendesk\/events: would be updated/);
  assert.match(r.out, /would write PUBLIC_BASE_URL=https:\/\/support\.acme\.test/);
  assert.match(r.out, /Dry run: nothing was changed/);
  assert.equal(writes(), before);
  assert.ok(!existsSync(vars));
});

test('a gateway on a custom domain gets PUBLIC_BASE_URL written to deploy.env, once', async () => {
  const vars = path.join(dir, 'custom.env');
  writeFileSync(vars, 'ZENDESK_DOMAIN=acme.zendesk.com\nPUBLIC_BASE_URL=https://old.acme.test\n');
  const args = ['--gateway', 'https://support.acme.test/', '--vars-file', vars];
  const r = await runSetup({ args });
  assert.equal(r.code, 0, r.out);
  assert.equal(readFileSync(vars, 'utf8'), 'ZENDESK_DOMAIN=acme.zendesk.com\nPUBLIC_BASE_URL=https://support.acme.test\n');
  assert.match(r.out, /PUBLIC_BASE_URL=https:\/\/support\.acme\.test written to custom\.env: run `npm run deploy` again/);
  const again = await runSetup({ args });
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /✓ PUBLIC_BASE_URL=https:\/\/support\.acme\.test \(in custom\.env\)/);
});

// --twilio-sender: the WhatsApp sender's URLs through Twilio's Senders API (emulated in
// sandbox/emulator/twilio.mjs: Basic auth, 404 for an unknown SID, the resource as Twilio returns it).
const SENDER_ENV = { TWILIO_WHATSAPP_NUMBER: SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER };
const senderArgs = (...more) => ['--twilio-sender', '--twilio-messaging-base-url', apiUrl, ...more];
const senderWrites = () => emulator.state.requests.filter((q) => q.method === 'POST' && q.path.startsWith('/v2/Channels/Senders/'));

test('--twilio-sender --dry-run says what it would set, and sets nothing', async () => {
  const before = senderWrites().length;
  const r = await runSetup({ env: SENDER_ENV, args: senderArgs('--dry-run') });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`Twilio WhatsApp sender whatsapp:\\${SANDBOX_CREDENTIALS.TWILIO_WHATSAPP_NUMBER} \\(XE0+1\\): incoming ${GATEWAY}/twilio/whatsapp, status ${GATEWAY}/twilio/status: would be set \\(now https://demo\\.twilio\\.com/welcome/sms/reply/\\)`));
  assert.equal(senderWrites().length, before);
});

test('--twilio-sender finds the sender by its number and sets its incoming and status URLs to the gateway\'s, once', async () => {
  const r = await runSetup({ env: SENDER_ENV, args: senderArgs() });
  assert.equal(r.code, 0, r.out);
  const sender = [...emulator.state.senders.values()][0];
  assert.equal(sender.webhook.callback_url, `${GATEWAY}/twilio/whatsapp`);
  assert.equal(sender.webhook.callback_method, 'POST');
  assert.equal(sender.webhook.status_callback_url, `${GATEWAY}/twilio/status`);
  assert.equal(sender.webhook.status_callback_method, 'POST');
  assert.match(r.out, /Twilio WhatsApp sender .* \(set; Twilio's Senders API is a Public Beta\)/);
  assert.doesNotMatch(r.out, /In Twilio's console/, 'no console step left');
  const write = senderWrites().at(-1);
  assert.equal(write.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(write.body), { webhook: { callback_url: `${GATEWAY}/twilio/whatsapp`, callback_method: 'POST', status_callback_url: `${GATEWAY}/twilio/status`, status_callback_method: 'POST' } });
  for (const secret of ['ZENDESK_API_KEY', 'TWILIO_AUTH_TOKEN']) assert.ok(!r.out.includes(SANDBOX_CREDENTIALS[secret]), `${secret} printed`);
  const before = senderWrites().length;
  const again = await runSetup({ env: SENDER_ENV, args: senderArgs() });
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /Twilio WhatsApp sender .* \(unchanged\)/);
  assert.equal(senderWrites().length, before, 'a second run writes nothing');
});

test('--twilio-sender names a sender Twilio does not have, and a number with no sender', async () => {
  const unknown = await runSetup({ env: SENDER_ENV, args: senderArgs('--twilio-sender-sid', 'XE0000000000000000000000000000dead') });
  assert.equal(unknown.code, 1, unknown.out);
  assert.match(unknown.out, /Twilio has no WhatsApp sender XE0000000000000000000000000000dead in this account/);
  const other = await runSetup({ env: { TWILIO_WHATSAPP_NUMBER: '+15550009999' }, args: senderArgs() });
  assert.equal(other.code, 1, other.out);
  assert.match(other.out, /no WhatsApp sender for \+15550009999 in this Twilio account \(senders: whatsapp:\+14155238886\); pass --twilio-sender-sid XE/);
  const wrong = await runSetup({ env: { ...SENDER_ENV, TWILIO_AUTH_TOKEN: 'wrong' }, args: senderArgs() });
  assert.equal(wrong.code, 1);
  assert.ok(!wrong.out.includes('wrong'), 'the value is not echoed');
});

test('an account with ticket events gets an event-subscribed webhook and no trigger; one without falls back to the trigger', async () => {
  // A fresh account that offers ticket events to webhooks.
  emulator.state.webhooks.clear();
  emulator.state.triggers.clear();
  emulator.state.ticketEvents = true;
  const state = path.join(dir, 'state-events.json');
  try {
    const r = await runSetup({ state });
    assert.equal(r.code, 0, r.out);
    const hooks = [...emulator.state.webhooks.values()];
    assert.equal(hooks.length, 1);
    assert.deepEqual(hooks[0].subscriptions, ['zen:event-type:ticket.comment_added', 'zen:event-type:ticket.merged', 'zen:event-type:ticket.status_changed', 'zen:event-type:ticket.soft_deleted', 'zen:event-type:user.deleted']);
    assert.equal(hooks[0].endpoint, `${GATEWAY}/zendesk/events`);
    assert.equal(emulator.state.triggers.size, 0, 'no trigger: a webhook cannot be both');
    assert.match(r.out, /webhook .* ticket events: ticket\.comment_added, ticket\.merged.* \(created\)/);
    assert.match(r.out, /no Zendesk trigger needed/);
    const again = await runSetup({ state });
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /Everything was already in place: nothing changed\./);
    // An existing trigger-connected webhook keeps its mode (Zendesk cannot change it), even on
    // an account that now offers events: the trigger is still checked.
    emulator.state.webhooks.clear();
    emulator.state.ticketEvents = false;
    const fallback = await runSetup({ state });
    assert.equal(fallback.code, 0, fallback.out);
    assert.match(fallback.out, /ticket events refused \(Zendesk answered 400: Ticket events are not available on this account\): the webhook is trigger-connected instead/);
    assert.deepEqual([...emulator.state.webhooks.values()][0].subscriptions, ['conditional_ticket_events']);
    assert.equal(emulator.state.triggers.size, 2);
    emulator.state.ticketEvents = true;
    const kept = await runSetup({ state });
    assert.equal(kept.code, 0, kept.out);
    assert.match(kept.out, /trigger mode \(unchanged\)/);
    assert.deepEqual([...emulator.state.webhooks.values()][0].subscriptions, ['conditional_ticket_events']);
  } finally {
    emulator.state.ticketEvents = false;
  }
});
