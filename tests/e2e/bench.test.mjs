// The benchmark is part of the product's claims: it must keep running and keep checking
// correctness. A small run here (the figures themselves are not asserted: CI machines vary).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';

const run = async (...args) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['bench/ack.mjs', '--json', ...args], { cwd: REPO_ROOT, timeout: 240_000, maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
};

const assertCorrect = (r, n) => {
  assert.deepEqual(r.statuses, { 200: n });
  assert.equal(r.correctness.messages, n);
  assert.equal(r.correctness.new_tickets, n);
  assert.equal(r.correctness.messages_with_two_or_more_tickets, 0);
  assert.equal(r.correctness.text_in_zendesk_once, n);
  assert.equal(r.correctness.lost, 0);
  assert.equal(r.correctness.replies, n);
  assert.ok(r.drain_seconds > 0, 'every message was done');
  for (const k of ['median', 'p95', 'p99', 'max']) assert.ok(r.ack_ms[k] > 0, `ack ${k}`);
  assert.ok(r.ack_ms.median <= r.ack_ms.p99 && r.ack_ms.p99 <= r.ack_ms.max);
  assert.equal(r.ack_ms_in_worker.count, n + 1, 'the Worker timed every acknowledgement (and the warm-up)');
};

test('bench: two Zendesk latencies, each message once, and the p99 ratio reported', async () => {
  const out = await run('--n', '12', '--c', '4', '--zendesk-latency-ms', '0,100');
  assert.equal(out.runs.length, 2);
  assert.deepEqual(out.runs.map((r) => r.params.zendesk_latency_ms), [0, 100]);
  for (const r of out.runs) assertCorrect(r, 12);
  const [fast, slow] = out.runs;
  assert.ok(Math.abs(out.p99_ratio_slowest_to_fastest_zendesk - slow.ack_ms.p99 / fast.ack_ms.p99) <= 0.1, 'the ratio is of the two runs\' p99');
});

test('bench: open loop straight to workerd, messages spread over customers', async () => {
  // The account's limits are set high enough not to be reached: the calls are counted.
  const r = await run('--n', '12', '--arrivals-per-s', '20', '--customers', '3', '--via', 'workerd', '--zendesk-latency-ms', '0', '--account-per-min', '5000', '--updates-per-min', '5000');
  assert.deepEqual(r.statuses, { 200: 12 });
  assert.equal(r.correctness.new_tickets, 3, 'one ticket per customer, the rest comments');
  assert.equal(r.correctness.text_in_zendesk_once, 12);
  assert.equal(r.correctness.lost, 0);
  assert.deepEqual([r.params.account_per_min, r.params.updates_per_min], [5000, 5000]);
  const calls = r.zendesk_calls;
  assert.equal(calls.creates, 3, 'one create per new ticket');
  assert.ok(calls.updates >= 1 && calls.updates <= 9, `the other messages are comments (merged or not): ${calls.updates}`);
  assert.ok(calls.all >= calls.creates + calls.updates, JSON.stringify(calls));
  assert.deepEqual(calls.refused_429, { all: 0, creates: 0, updates: 0 });
  assert.equal(calls.per_new_ticket, +(calls.all / 3).toFixed(1));
  assert.ok(r.send_seconds >= 0.5, 'sent at the given rate (12 at 20/s take 0.55 s)');
});
