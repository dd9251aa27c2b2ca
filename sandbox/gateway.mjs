// Starts the real built Worker in `wrangler dev` (workerd) and stops it again, for the sandbox
// and the end-to-end tests alike.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A free loopback TCP port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The address of the workerd process that runs the Worker itself, behind wrangler's dev proxy
 * (wrangler dev puts a proxy Worker, in a second workerd, in front of it for live reload; it
 * is not there in production). Linux only (/proc); null when it cannot be found. For the
 * benchmark, which reports the acknowledgement both ways.
 */
export async function runtimeUrl(processGroup) {
  const fs = await import('node:fs/promises');
  const listening = new Map(); // socket inode -> port
  for (const table of ['/proc/net/tcp']) {
    const text = await fs.readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local address 0100007F:PORT (127.0.0.1), state 0A = LISTEN
      if (f.length > 9 && f[3] === '0A' && f[1].startsWith('0100007F:')) listening.set(f[9], parseInt(f[1].split(':')[1], 16));
    }
  }
  const ports = [];
  for (const pid of await fs.readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (!stat.includes('(workerd)') || Number(fields[2]) !== processGroup) continue;
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('--inspector-addr')) continue; // the proxy's workerd has no inspector
    for (const fd of await fs.readdir(`/proc/${pid}/fd`).catch(() => [])) {
      const link = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = link.match(/^socket:\[(\d+)\]$/)?.[1];
      if (inode && listening.has(inode)) ports.push(listening.get(inode));
    }
  }
  for (const port of ports) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = await r.json().catch(() => null);
      if (r.status === 200 && body?.status === 'ok') return `http://127.0.0.1:${port}`;
    } catch { /* not the Worker's socket */ }
  }
  return null;
}

const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/**
 * @param {object} o
 * @param {Record<string,string>} o.vars  bindings passed with --var NAME:VALUE
 * @param {number} [o.port]
 * @param {string} [o.persistTo]  Durable state folder (relative to the repo)
 * @param {boolean} [o.prebuilt]  skip the [build] step (build/ is current)
 * @param {(line:string)=>void} [o.onLine]
 * @param {boolean} [o.testScheduled]  `--test-scheduled`: GET /__scheduled?cron=... runs the
 *   Cron Trigger's handler (https://developers.cloudflare.com/workers/configuration/cron-triggers/#test-cron-triggers)
 */
export async function startGateway(options) {
  // A port found free can be taken again before wrangler binds it (by wrangler's own helper
  // servers, which listen on ports the system hands out): wrangler then exits with "Address
  // already in use". With ports of our choosing, try again on new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGatewayOnce(options);
    } catch (e) {
      if (options.port !== undefined || attempt >= 3 || !/Address already in use/.test(e.message)) throw e;
    }
  }
}

/** Live gateways' process groups: killed when this process exits, whatever ends it. */
const running = new Set();
process.on('exit', () => {
  for (const pid of running) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
});

async function startGatewayOnce({ vars, port, persistTo = '.wrangler/state', prebuilt = false, onLine, timeoutMs = 180_000, testScheduled = false }) {
  port ??= await freePort();
  const inspectorPort = await freePort();
  const args = [
    'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort),
    '--show-interactive-dev-session=false', '--persist-to', persistTo,
    ...(testScheduled ? ['--test-scheduled'] : []),
    // JSON text lines unless the caller asks otherwise: wrangler dev prints logged objects in its
    // own inspect format, and the sandbox, the tests and the bench read JSON (the Worker logs
    // objects by default, for Workers Logs).
    ...Object.entries({ LOG_FORMAT: 'json', ...vars }).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const command = `source scripts/toolchain.sh && exec wrangler ${args.map(quote).join(' ')}`;
  const child = spawn('bash', ['-c', command], {
    cwd: REPO_ROOT,
    detached: true, // own process group: stopping it stops wrangler and workerd
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1', WA_GATEWAY_PREBUILT: prebuilt ? '1' : '', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let output = '';
  const onData = (chunk) => {
    const text = chunk.toString('utf8');
    output += text;
    if (onLine) for (const line of text.split('\n')) if (line.trim()) onLine(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  running.add(child.pid);
  child.on('exit', (code, signal) => { exited = { code, signal }; running.delete(child.pid); });

  const url = `http://127.0.0.1:${port}`;
  const stop = () => new Promise((resolve) => {
    if (exited) return resolve();
    child.once('exit', () => resolve());
    try { process.kill(-child.pid, 'SIGTERM'); } catch { resolve(); }
    setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000).unref();
  });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited (${JSON.stringify(exited)}):\n${output.slice(-4000)}`);
    if (Date.now() > deadline) { await stop(); throw new Error(`wrangler dev not ready after ${timeoutMs} ms:\n${output.slice(-4000)}`); }
    try {
      // The gateway's own answer (ok, or misconfigured: a 503 naming what is missing), not
      // whatever else may listen on the port (miniflare's loopback server answers 403).
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = await r.json().catch(() => null);
      if (typeof body?.status === 'string' && 'unread' in body) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  const kill = () => new Promise((resolve) => {
    if (exited) return resolve();
    child.once('exit', () => resolve());
    try { process.kill(-child.pid, 'SIGKILL'); } catch { resolve(); }
  });
  return { url, port, inspectorPort, stop, kill, output: () => output, child, runtimeUrl: () => runtimeUrl(child.pid) };
}
