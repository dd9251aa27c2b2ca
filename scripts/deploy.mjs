// `npm run deploy`: checks, deploys, checks again. Re-runnable.
//
//   1. the wrangler login (`wrangler whoami`);
//   2. reads the operator's values: deploy.env (variables) and .secrets.env (secrets), both
//      git-ignored (copy the committed .example files); a secret already stored on the Worker
//      counts as set (`wrangler secret list`, names only);
//   3. validates them with the Worker's own rules (src/core/config.rs, through the native
//      `examples/check_config.rs`), naming each missing or invalid setting, never a value; nothing
//      is built or uploaded when one is wrong;
//   4. builds, checks the bundle size, and deploys with `--var` for the variables and
//      `--secrets-file` for the secrets (a Worker that does not exist yet gets its secrets in the
//      same step); wrangler.toml keeps dashboard variables (`keep_vars`) and refuses a deploy
//      without the required secrets (`[secrets] required`);
//   5. calls the deployed `/healthz` and prints what is missing or off; exits non-zero when the
//      gateway is not ready; then offers `npm run setup`.
//
// `--rehearse` runs all of this, and `npm run setup`, here against the local emulator and a
// stand-in for the Cloudflare account (scripts/deploy-rehearsal.mjs): no account, loopback only.
//
// Values never appear in arguments or in this script's output: the validator reads them on
// stdin; the secrets reach wrangler in a temporary file (mode 600) deleted right after.
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const HELP = `npm run deploy [-- OPTIONS] [-- WRANGLER ARGS]

Validates deploy.env and .secrets.env with the Worker's own rules, deploys, then checks /healthz.

  --vars-file FILE     variables (default: deploy.env; see deploy.env.example)
  --secrets-file FILE  secrets (default: .secrets.env; see .secrets.env.example)
  --check              validate only: no login check, no build, no upload
  --rehearse           rehearse the whole deploy and setup here, with no account: the local
                       emulator of Zendesk and Twilio, and a stand-in for Cloudflare that runs
                       the Worker in wrangler dev (a refused and a complete configuration, setup
                       with --twilio-sender, then a signed message that becomes a ticket)
  --no-setup           do not offer \`npm run setup\` at the end
  --help               this text
`;

/** `NAME=value` lines; `#` comments and blank lines skipped; one pair of quotes removed. */
export function parseEnvFile(text) {
  const out = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`a line is not NAME=value (${line.split('=')[0].slice(0, 40)}...)`);
    let value = m[2];
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

function readEnvFile(file, { required }) {
  if (!existsSync(file)) {
    if (required) throw new Error(`${path.relative(process.cwd(), file) || file} not found: copy ${path.basename(file)}.example and fill it in`);
    return {};
  }
  return parseEnvFile(readFileSync(file, 'utf8'));
}

// The wrangler CLI (a stand-in may replace it for the rehearsal: WA_GATEWAY_WRANGLER).
const WRANGLER = process.env.WA_GATEWAY_WRANGLER || 'wrangler';
function wrangler(args, opts = {}) {
  return spawnSync(WRANGLER, args, { cwd: ROOT, encoding: 'utf8', ...opts });
}

/** Secret names already stored on the Worker (none when it does not exist yet). */
function remoteSecretNames() {
  const r = wrangler(['secret', 'list', '--format', 'json']);
  if (r.status !== 0) return [];
  try { return JSON.parse(r.stdout).map((s) => s.name); } catch { return []; }
}

/** Runs the native validator; returns its lines (names only) and whether the values are ready. */
function validate(vars, secrets) {
  const r = spawnSync('cargo', ['run', '--quiet', '--example', 'check_config'], {
    cwd: ROOT, input: JSON.stringify({ vars, secrets }), encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`the configuration check could not run (exit ${r.status})`);
  return { ready: r.status === 0, lines: r.stdout.split('\n').filter(Boolean) };
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.status})`);
}

/** GET /healthz, retried for a minute while the new version reaches the edge. */
async function healthz(base) {
  const deadline = Date.now() + 60_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
      const body = await r.json().catch(() => null);
      if (body && (r.status === 200 || body.status === 'misconfigured')) return { status: r.status, body };
      last = `HTTP ${r.status}`;
    } catch (e) { last = e.cause?.code || e.message; }
    await new Promise((res) => setTimeout(res, 2000));
  }
  return { status: 0, body: null, last };
}

function printHealth({ status, body, last }) {
  if (!body) { console.log(`/healthz did not answer (${last})`); return false; }
  for (const m of body.missing ?? []) console.log(`  missing: ${m}`);
  for (const i of body.invalid ?? []) console.log(`  invalid: ${i.name} ${i.expected}`);
  for (const f of body.features_off ?? []) console.log(`  off: ${f.feature}: ${f.why}`);
  for (const n of body.unread ?? []) console.log(`  unused: ${n} (nothing reads it: a typo?)`);
  console.log(status === 200 ? '/healthz: ok' : `/healthz: ${body.status}`);
  return status === 200;
}

async function main() {
  const { values: opt, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'vars-file': { type: 'string', default: path.join(ROOT, 'deploy.env') },
      'secrets-file': { type: 'string', default: path.join(ROOT, '.secrets.env') },
      check: { type: 'boolean', default: false },
      rehearse: { type: 'boolean', default: false },
      'no-setup': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (opt.help) { process.stdout.write(HELP); return 0; }
  if (opt.rehearse) {
    const { rehearse } = await import('./deploy-rehearsal.mjs');
    // WA_GATEWAY_PREBUILT=1: build/ is current (the tests); otherwise build first.
    return rehearse({ build: process.env.WA_GATEWAY_PREBUILT !== '1' });
  }

  if (!opt.check) {
    const who = wrangler(['whoami']);
    if (who.status !== 0 || /not authenticated/i.test(`${who.stdout}${who.stderr}`)) {
      console.error('Not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), then `npm run deploy` again.');
      return 1;
    }
  }
  const vars = readEnvFile(opt['vars-file'], { required: true });
  const secrets = readEnvFile(opt['secrets-file'], { required: false });
  // Zendesk calls it an API token: the Worker accepts both names, wrangler's check knows one.
  if (secrets.ZENDESK_API_TOKEN && !secrets.ZENDESK_API_KEY) {
    secrets.ZENDESK_API_KEY = secrets.ZENDESK_API_TOKEN;
    delete secrets.ZENDESK_API_TOKEN;
  }
  // Secrets already stored count as set; a placeholder that passes every rule stands for them.
  const stored = opt.check ? [] : remoteSecretNames().filter((n) => !(n in secrets));
  const forCheck = { ...secrets, ...Object.fromEntries(stored.map((n) => [n, 'x'.repeat(32)])) };

  console.log('Checking the configuration with the Worker\'s rules (src/core/config.rs)...');
  const check = validate(vars, forCheck);
  for (const line of check.lines) console.log(`  ${line}`);
  if (!check.ready) {
    console.error('Not deployed: fix the settings named above in deploy.env / .secrets.env (nothing was uploaded).');
    return 1;
  }
  console.log('  configuration ok');
  if (opt.check) return 0;

  // WA_GATEWAY_PREBUILT=1: build/ is current (the rehearsal in the tests); otherwise build.
  if (process.env.WA_GATEWAY_PREBUILT !== '1') {
    run('bash', ['scripts/build.sh'], { WA_GATEWAY_PREBUILT: '' });
    run('bash', ['scripts/check-bundle.sh'], { WA_GATEWAY_PREBUILT: '1' });
  }

  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wa-gateway-deploy-'));
  const secretsFile = path.join(dir, 'secrets.json');
  let out;
  try {
    const args = ['deploy', ...varArgs];
    if (Object.keys(secrets).length) {
      writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
      args.push('--secrets-file', secretsFile);
    }
    // --var values are variables (shown in the dashboard), never secrets: the validator refused
    // any secret name in deploy.env.
    const r = wrangler([...args, ...positionals], {
      env: { ...process.env, WA_GATEWAY_PREBUILT: '1' }, stdio: ['inherit', 'pipe', 'inherit'],
    });
    out = r.stdout ?? '';
    process.stdout.write(out);
    if (r.status !== 0) { console.error('wrangler deploy failed (see above).'); return 1; }
  } finally { rmSync(dir, { recursive: true, force: true }); }

  const base = vars.PUBLIC_BASE_URL?.replace(/\/+$/, '') || /https:\/\/[^\s]+\.workers\.dev/.exec(out)?.[0]
    || process.env.WA_GATEWAY_URL;
  if (!base) { console.error('Deployed, but the Worker\'s URL was not found in wrangler\'s output: open <url>/healthz.'); return 1; }
  console.log(`Checking ${base}/healthz ...`);
  const ok = printHealth(await healthz(base));
  if (!opt['no-setup']) {
    console.log(`Next: \`npm run setup -- --gateway ${base}\` connects Zendesk (webhook, trigger) and prints Twilio's URLs.`);
    if (process.stdin.isTTY) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = (await rl.question('Run it now? [y/N] ')).trim().toLowerCase();
      rl.close();
      if (answer === 'y' || answer === 'yes') {
        spawnSync('bash', ['scripts/setup.sh', '--gateway', base], { cwd: ROOT, stdio: 'inherit' });
      }
    }
  }
  return ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => process.exit(code), (e) => { console.error(`deploy: ${e.message}`); process.exit(2); });
}
