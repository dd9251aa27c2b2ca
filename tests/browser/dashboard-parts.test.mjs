// The dashboard's pure parts, without a browser: the CSV it downloads (formula starts
// neutralised, RFC 4180 quoting) and a message's story in words, for the cases the browser
// test does not reach (failures, retries, refusals, undeliverable agent replies).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../sandbox/gateway.mjs';

// The page loads these as ES modules; Node 20 reads a .js file as CommonJS, so they are
// imported from their text.
const load = (name) => import(`data:text/javascript,${encodeURIComponent(readFileSync(path.join(REPO_ROOT, 'dashboard', name), 'utf8'))}`);
const { csvCell, toCsv, messagesCsv } = await load('csv.js');
const { storyEvents } = await load('story.js');
const words = (view) => storyEvents(view).map((s) => s.parts.map((p) => (typeof p === 'string' ? p : `#${p.ticket}`)).join(''));

test('a CSV cell a spreadsheet would run as a formula is made text', () => {
  for (const bad of ['=HYPERLINK("http://x")', '+1555***1234', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
    assert.ok(csvCell(bad).replace(/^"/, '').startsWith("'"), `${JSON.stringify(bad)} -> ${csvCell(bad)}`);
  }
  assert.equal(csvCell('=1+2'), "'=1+2");
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=cmd|"/c calc"!A0'), `"'=cmd|""/c calc""!A0"`);
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(42), '42');
  assert.equal(csvCell('ticket.http_422'), 'ticket.http_422');
  assert.equal(toCsv(['a', 'b'], [[1, '=x']]), "a,b\r\n1,'=x\r\n");
  const csv = messagesCsv([{ message_sid: 'SM1', customer: '+1555***0001', status: 'failed', received_at_ms: 1_000, ticket: { state: 'failed' }, last_error: '=evil()' }]);
  assert.match(csv, /^received_utc,message_sid,customer,status,/);
  assert.match(csv, /\r\n1970-01-01T00:00:01\.000Z,SM1,'\+1555\*\*\*0001,failed,.*,'=evil\(\)\r\n$/);
});

const base = { message_sid: 'SM1', customer: '+1555***0001', content: 'text', language: 'en', received_at_ms: 1_000, body_chars: 12, duplicates: 0, attempts: 1, current_step_attempts: 0, reply: { state: 'waiting' } };

test('a failed ticket says why, and that the customer gets an apology', () => {
  const story = words({ ...base, status: 'failed', finished_at_ms: 3_000, attempts: 1, ticket: { state: 'failed', reason: 'http 422' }, reply: { state: 'sent', kind: 'apology', sid: 'SMx' }, delivery: 'delivered' });
  assert.deepEqual(story, [
    'Received from +1555***0001, 12 characters.',
    'Triaged in language "en".',
    'The ticket could not be made: http 422. Not tried again; the customer is sent one apology for the messages that failed together.',
    'Sent an apology (no ticket could be made) on WhatsApp.',
    'The reply was delivered to the customer\'s phone.',
    'Finished (failed) 2.0 s after it arrived, in 1 attempt.',
  ]);
  assert.deepEqual(storyEvents({ ...base, status: 'failed', finished_at_ms: 3_000, ticket: { state: 'failed', reason: 'x' } }).at(-1).tone, 'bad');
});

test('a message waiting to retry says what failed and when it is tried again', () => {
  const steps = storyEvents({ ...base, status: 'waiting_to_retry', ticket: { state: 'pending' }, attempts: 2, current_step_attempts: 2, next_attempt_at_ms: 9_000, last_error: 'create_ticket: http 503' });
  const text = steps.map((s) => s.parts.join(''));
  assert.ok(text.includes('Attempt 2 failed: create_ticket: http 503.'), text.join('\n'));
  const next = steps.find((s) => s.at === 9_000);
  assert.match(next.parts.join(''), /^Next attempt/);
  assert.equal(next.tone, 'wait');
});

test('follow-ups, comments, triage, refusals and agent replies read as words, tickets as links', () => {
  const created = storyEvents({ ...base, status: 'done', ticket: { state: 'created', ticket_id: 7, follow_up_of: 5 }, reply: { state: 'sent', kind: 'ticket_created' } });
  assert.deepEqual(created[2].parts, ['Ticket ', { ticket: 7 }, ' created', ' as a follow-up of ', { ticket: 5 }, ' (closed)', '.']);
  assert.deepEqual(words({ ...base, status: 'done', ticket: { state: 'commented', ticket_id: 7 }, reply: { state: 'not_needed' } }).slice(2), ['Added as a comment to the open ticket #7.', 'No reply to the customer was needed.']);
  assert.match(words({ ...base, status: 'done', ticket: { state: 'rejected', reason: 'little_content', rule: 'a single word' }, reply: { state: 'sent', kind: 'more_details' } })[2], /more details: a single word\. No ticket was made/);
  assert.match(words({ ...base, status: 'refused', ticket: { state: 'queue_full' } })[2], /queue was full/);
  assert.match(words({ ...base, status: 'done_reply_failed', ticket: { state: 'created', ticket_id: 7 }, reply: { state: 'unknown', kind: 'ticket_created', reason: 'timeout' } })[3], /not known \(timeout\); it is not sent again/);
  const agents = words({ ...base, status: 'done', ticket: { state: 'created', ticket_id: 7 }, reply: { state: 'sent', kind: 'ticket_created' }, agent_replies: [
    { ticket_id: 7, received_at_ms: 5_000, status: 'undeliverable', template: false, reason: 'twilio 63016' },
    { ticket_id: 7, received_at_ms: 6_000, status: 'sent', template: true, delivery: 'failed', error_code: 63049 },
  ] });
  assert.ok(agents.includes('An agent replied on #7; it could not be delivered: twilio 63016. The agents were told by an internal note on the ticket.'), agents.join('\n'));
  assert.ok(agents.some((w) => /template.*not delivered: Twilio reports it failed \(Twilio error 63049\)/.test(w)), agents.join('\n'));
});
