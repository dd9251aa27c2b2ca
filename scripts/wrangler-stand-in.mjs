#!/usr/bin/env node
// A stand-in for the `wrangler` CLI's account calls, for `npm run deploy -- --rehearse`
// (scripts/deploy-rehearsal.mjs): `whoami`, `secret list`, `secret put NAME` and `deploy` go to the
// rehearsal's stand-in for the Cloudflare account ($STAND_IN_ACCOUNT, on loopback), which runs the
// "deployed" Worker in `wrangler dev` with exactly the variables and secrets it was given.
// Answers the way wrangler does; prints names, never values.
import { readFileSync } from 'node:fs';

const account = process.env.STAND_IN_ACCOUNT;
if (!account) { console.error('stand-in: STAND_IN_ACCOUNT is not set (run through npm run deploy -- --rehearse)'); process.exit(1); }
const args = process.argv.slice(2);

async function call(method, path, body) {
  const r = await fetch(`${account}${path}`, {
    method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) { console.error(`✘ [ERROR] ${json.error || `HTTP ${r.status}`}`); process.exit(1); }
  return json;
}

if (args[0] === 'whoami') {
  const me = await call('GET', '/whoami');
  console.log(`You are logged in with an OAuth Token, associated with the email ${me.email}.`);
} else if (args[0] === 'secret' && args[1] === 'list') {
  console.log(JSON.stringify((await call('GET', '/secrets')).names.map((name) => ({ name, type: 'secret_text' }))));
} else if (args[0] === 'secret' && args[1] === 'put' && args[2]) {
  await call('PUT', `/secrets/${encodeURIComponent(args[2])}`, { value: readFileSync(0, 'utf8') });
  console.log(`✨ Success! Uploaded secret ${args[2]}`);
} else if (args[0] === 'deploy') {
  // --var NAME:VALUE (the value may contain ':'), --secrets-file FILE (JSON, as wrangler takes it).
  const vars = Object.fromEntries(args.filter((_, i) => args[i - 1] === '--var').map((v) => [v.slice(0, v.indexOf(':')), v.slice(v.indexOf(':') + 1)]));
  const file = args.includes('--secrets-file') ? args[args.indexOf('--secrets-file') + 1] : null;
  const secrets = file ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const started = Date.now();
  const d = await call('POST', '/deploy', { vars, secrets });
  console.log(`Uploaded whatsapp-zendesk-gateway (${((Date.now() - started) / 1000).toFixed(2)} sec)\nDeployed whatsapp-zendesk-gateway triggers (0.01 sec)\n  ${d.url}\nCurrent Version ID: ${d.version}`);
} else {
  console.error(`stand-in: unexpected wrangler ${args.join(' ')}`);
  process.exit(1);
}
