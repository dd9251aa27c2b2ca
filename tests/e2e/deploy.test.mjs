// `npm run deploy -- --rehearse`, as anyone can run it: the whole deploy and setup path against
// the local emulator and the real Worker in `wrangler dev`, with a stand-in for the Cloudflare
// account behind wrangler's account calls (scripts/deploy-rehearsal.mjs). The command itself
// checks each step; this test checks that it passes and that its transcript says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';
import { SANDBOX_CREDENTIALS } from '../../sandbox/emulator/common.mjs';

/** Runs `node scripts/deploy.mjs ARGS` (what `npm run deploy -- ARGS` runs after the tools are installed). */
function deploy(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/deploy.mjs'), ...args], {
      cwd: REPO_ROOT,
      // build/ is current (npm test builds first); nothing else from the caller's environment is needed.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, WA_GATEWAY_PREBUILT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('npm run deploy -- --rehearse: a missing secret is refused, the complete configuration deploys, setup connects Zendesk and the Twilio sender, a signed message becomes a ticket', { timeout: 600_000 }, async () => {
  const r = await deploy(['--rehearse']);
  console.log(r.out);
  assert.equal(r.code, 0, r.out);
  // 1. refused by name, nothing uploaded
  assert.match(r.out, /\|\s+missing: TWILIO_AUTH_TOKEN/);
  assert.match(r.out, /Not deployed: fix the settings named above .*nothing was uploaded/);
  assert.match(r.out, /✓ nothing uploaded \(the account saw: whoami, secret list\)/);
  // 2. deployed with its variables and secrets, /healthz checked
  assert.match(r.out, /\|\s+configuration ok/);
  assert.match(r.out, /✓ deployed, and the deployed \/healthz passes/);
  assert.match(r.out, /✓ uploaded \d+ variables with --var and the secrets ADMIN_TOKEN, TWILIO_AUTH_TOKEN, ZENDESK_API_KEY with --secrets-file/);
  // 3. setup: webhook, trigger, secret, the Twilio sender's URLs
  assert.match(r.out, /\| ✓ Zendesk webhook .* \(created\)/);
  assert.match(r.out, /\| ✓ Zendesk trigger .* \(created\)/);
  assert.match(r.out, /\| ✓ Worker secret ZENDESK_WEBHOOK_SECRET stored/);
  assert.match(r.out, /✓ the Twilio sender's incoming URL is http:\/\/127\.0\.0\.1:\d+\/twilio\/whatsapp, its status URL http:\/\/127\.0\.0\.1:\d+\/twilio\/status/);
  // 4. a signed message through the sender's URL becomes a ticket and gets its reply
  assert.match(r.out, /✓ ticket #\d+ created in Zendesk/);
  assert.match(r.out, /✓ the customer got the reply: "Ticket #\d+ created/);
  assert.match(r.out, /Rehearsal passed/);
  for (const name of ['TWILIO_AUTH_TOKEN', 'ZENDESK_API_KEY', 'ZENDESK_WEBHOOK_SECRET']) {
    assert.ok(!r.out.includes(SANDBOX_CREDENTIALS[name]), `${name}'s value was printed`);
  }
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
