// Workers Logs indexes the fields of an object passed to console.log: unless LOG_FORMAT=json
// (which the sandbox, the tests and the bench set, to read JSON lines), every event is logged
// as an object, printed by wrangler dev in its inspect format.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor } from './harness.mjs';

let stack;
after(async () => { if (stack) await stack.stop(); });

test('without LOG_FORMAT=json each event is logged as an object, still masked', async () => {
  stack = await startStack({ name: 'log-objects', vars: { LOG_FORMAT: 'object' } });
  const from = '+15550971234';
  const r = await stack.send({ from, body: 'My order arrived broken and I need a replacement' });
  await waitFor(() => stack.tickets().some((t) => t.external_id === r.messageSid) && stack.replies(`whatsapp:${from}`).length === 1, { what: 'ticket and reply' });
  await waitFor(() => /event: 'message\.done'/.test(stack.output()), { what: 'message.done logged as an object' });
  const out = stack.output();
  assert.match(out, new RegExp(`message_sid: '${r.messageSid}'`), 'fields are object properties');
  assert.doesNotMatch(out, /"event":"message\.done"/, 'not a JSON string');
  assert.ok(!out.includes('5550971234'), 'the number is masked in objects too');
  assert.ok(!out.includes('replacement'), 'no message text');
});
