// The deploy rehearsal: `scripts/deploy.mjs` end to end, with a stand-in for wrangler's account
// calls (tests/e2e/fixtures/wrangler-stand-in.mjs) and the real Worker in `wrangler dev` as the
// "deployed" gateway. A missing secret is named and nothing is uploaded; a complete configuration
// is deployed with its variables and secrets, and the deployed /healthz is checked.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, waitFor } from './harness.mjs';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';
import { SANDBOX_CREDENTIALS } from '../../sandbox/emulator/common.mjs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
const STAND_IN = path.join(REPO_ROOT, 'tests/e2e/fixtures/wrangler-stand-in.mjs');

function envFile(name, entries) {
  const file = path.join(dir, name);
  writeFileSync(file, Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  return file;
}

function calls(log) {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

/** Runs the deploy script (asynchronously: the gateway answers /healthz meanwhile). */
function deploy({ vars, secrets, gatewayUrl = 'http://127.0.0.1:9', log }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      path.join(REPO_ROOT, 'scripts/deploy.mjs'), '--vars-file', vars, '--secrets-file', secrets, '--no-setup',
    ], {
      cwd: REPO_ROOT,
      env: { ...process.env, WA_GATEWAY_WRANGLER: STAND_IN, STAND_IN_LOG: log, WA_GATEWAY_URL: gatewayUrl, WA_GATEWAY_PREBUILT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

const { TWILIO_AUTH_TOKEN, ZENDESK_API_KEY, ZENDESK_WEBHOOK_SECRET, ...plainVars } = SANDBOX_CREDENTIALS;

describe('npm run deploy (rehearsal)', () => {
  let stack;
  before(async () => {
    // The "deployed" Worker: the real build in wrangler dev, against the emulator.
    stack = await startStack({ name: 'deploy-rehearsal' });
  });
  after(async () => { if (stack) await stack.stop(); });

  test('a missing secret is named, no value is printed, nothing is uploaded', async () => {
    const log = path.join(dir, 'refused.log');
    const r = await deploy({
      vars: envFile('refused.env', { ...plainVars, FOLLOW_UP_ACK: 'true' }),
      secrets: envFile('refused.secrets.env', { ZENDESK_API_KEY }),
      log,
    });
    console.log(r.out);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /missing: TWILIO_AUTH_TOKEN/);
    assert.match(r.out, /unused: FOLLOW_UP_ACK/);
    assert.match(r.out, /nothing was uploaded/);
    assert.ok(!r.out.includes(ZENDESK_API_KEY), 'a secret value was printed');
    assert.deepEqual(calls(log).map((c) => c.command), ['whoami', 'secret'], 'no deploy call');
  });

  test('a complete configuration deploys with its variables and secrets, then /healthz passes', async () => {
    const log = path.join(dir, 'ok.log');
    const r = await deploy({
      vars: envFile('ok.env', plainVars),
      // Zendesk's own name for the key is accepted, and uploaded under the Worker's name
      secrets: envFile('ok.secrets.env', { TWILIO_AUTH_TOKEN, ZENDESK_API_TOKEN: ZENDESK_API_KEY }),
      gatewayUrl: stack.gateway.url,
      log,
    });
    console.log(r.out);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /configuration ok/);
    assert.match(r.out, /\/healthz: ok/);
    for (const value of [TWILIO_AUTH_TOKEN, ZENDESK_API_KEY]) assert.ok(!r.out.includes(value), 'a secret value was printed');
    const deployCall = calls(log).find((c) => c.command === 'deploy');
    assert.deepEqual(deployCall.vars.sort(), Object.keys(plainVars).sort());
    assert.deepEqual(deployCall.secrets, ['TWILIO_AUTH_TOKEN', 'ZENDESK_API_KEY']);
  });

  test('then setup connects Zendesk to the deployed gateway, and a signed message becomes a ticket', async () => {
    const secrets = envFile('setup.secrets.env', { TWILIO_AUTH_TOKEN, ZENDESK_API_KEY });
    const vars = envFile('setup.env', plainVars);
    const store = path.join(dir, 'stored-secrets');
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, [
        path.join(REPO_ROOT, 'scripts/setup.mjs'), '--gateway', stack.gateway.url,
        '--zendesk-base-url', stack.apiUrl, '--twilio-base-url', stack.apiUrl,
        '--vars-file', vars, '--secrets-file', secrets, '--state', path.join(dir, 'setup-state.json'),
        '--secret-command', `${process.execPath} ${path.join(REPO_ROOT, 'tests/fixtures/secret-store.mjs')}`,
      ], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, SECRET_STORE_FILE: store }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      child.on('close', (code) => resolve({ code, out }));
    });
    console.log(r.out);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Zendesk webhook .* \(created\)/);
    assert.match(r.out, /Zendesk trigger .* \(created\)/);
    assert.match(r.out, /healthz: ok/);
    assert.match(readFileSync(store, 'utf8'), /^ZENDESK_WEBHOOK_SECRET=/);
    for (const value of [TWILIO_AUTH_TOKEN, ZENDESK_API_KEY]) assert.ok(!r.out.includes(value), 'a secret value was printed');
    const sent = await stack.send({ from: '+15550004401', body: 'My order arrived broken and the invoice shows an error' });
    assert.equal(sent.status, 200);
    await waitFor(() => stack.tickets().find((t) => t.external_id === sent.messageSid), { what: 'ticket after the rehearsed deploy' });
  });
});

test('the tracked wrangler.toml holds no operator values, keeps dashboard variables and requires the secrets', () => {
  const toml = readFileSync(path.join(REPO_ROOT, 'wrangler.toml'), 'utf8');
  assert.ok(!/^\[vars\]/m.test(toml), 'no [vars] section: values live in deploy.env');
  assert.match(toml, /^keep_vars = true$/m);
  assert.match(toml, /^\[secrets\]\nrequired = \["TWILIO_AUTH_TOKEN", "ZENDESK_API_KEY"\]$/m);
  for (const file of ['deploy.env', '.secrets.env']) {
    assert.match(readFileSync(path.join(REPO_ROOT, '.gitignore'), 'utf8'), new RegExp(`^/${file.replace('.', '\\.')}$`, 'm'));
    assert.ok(existsSync(path.join(REPO_ROOT, `${file}.example`)), `${file}.example is committed`);
  }
});
