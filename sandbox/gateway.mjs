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

const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/**
 * @param {object} o
 * @param {Record<string,string>} o.vars  bindings passed with --var NAME:VALUE
 * @param {number} [o.port]
 * @param {string} [o.persistTo]  Durable state folder (relative to the repo)
 * @param {boolean} [o.prebuilt]  skip the [build] step (build/ is current)
 * @param {(line:string)=>void} [o.onLine]
 */
export async function startGateway({ vars, port, persistTo = '.wrangler/state', prebuilt = false, onLine, timeoutMs = 180_000 }) {
  port ??= await freePort();
  const inspectorPort = await freePort();
  const args = [
    'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort),
    '--show-interactive-dev-session=false', '--persist-to', persistTo,
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
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
  child.on('exit', (code, signal) => { exited = { code, signal }; });

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
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await r.text();
      break;
    } catch { await new Promise((r) => setTimeout(r, 250)); }
  }
  const kill = () => new Promise((resolve) => {
    if (exited) return resolve();
    child.once('exit', () => resolve());
    try { process.kill(-child.pid, 'SIGKILL'); } catch { resolve(); }
  });
  return { url, port, stop, kill, output: () => output, child };
}
