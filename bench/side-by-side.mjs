// The gateway and the original FastAPI design (the seed peer) against the same emulator with
// the same load, at Zendesk latencies 0 and 300 ms, printed side by side with the ratios the
// project measures itself against (gateway / seed: ack p99 at most 1/20 and drain at most 1/10
// at 300 ms; within 2x at 0 ms).
//   npm run bench:side-by-side [-- --n 200 --c 20 --zendesk-latency-ms 0,300]
import { parseArgs } from 'node:util';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values: o } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    c: { type: 'string', default: '20' },
    'zendesk-latency-ms': { type: 'string', default: '0,300' },
    'seed-python': { type: 'string' },
    'seed-dir': { type: 'string' },
  },
});
const ack = fileURLToPath(new URL('ack.mjs', import.meta.url));
const common = ['--json', '--n', o.n, '--c', o.c, '--zendesk-latency-ms', o['zendesk-latency-ms']];
const measure = async (target, extra = []) => {
  const { stdout } = await promisify(execFile)(process.execPath, [ack, ...common, '--target', target, ...extra], { maxBuffer: 64 << 20, timeout: 1_800_000 });
  const out = JSON.parse(stdout.trim().split('\n').at(-1));
  return out.runs ?? [out];
};
const seedArgs = ['--seed-python', o['seed-python'], ...(o['seed-dir'] ? ['--seed-dir', o['seed-dir']] : [])];
const gateway = await measure('gateway');
const seed = await measure('seed', seedArgs);
const ratio = (a, b) => (b > 0 ? +(a / b).toFixed(3) : null);
const rows = gateway.map((g, i) => {
  const s = seed[i];
  return {
    zendesk_latency_ms: g.params.zendesk_latency_ms,
    gateway: { ack_p50_ms: g.ack_ms.median, ack_p99_ms: g.ack_ms.p99, drain_s: g.drain_seconds, lost: g.correctness.lost, doubled: g.correctness.text_in_zendesk_twice_or_more, replies: g.correctness.replies },
    seed: { ack_p50_ms: s.ack_ms.median, ack_p99_ms: s.ack_ms.p99, drain_s: s.drain_seconds, lost: s.correctness.lost, doubled: s.correctness.text_in_zendesk_twice_or_more, replies: s.correctness.replies },
    gateway_over_seed: { ack_p99: ratio(g.ack_ms.p99, s.ack_ms.p99), drain: ratio(g.drain_seconds, s.drain_seconds) },
  };
});
console.log(JSON.stringify({ n: Number(o.n), c: Number(o.c), rows }, null, 2));
