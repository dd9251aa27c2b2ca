// The emulator's Zendesk rate limits (sandbox/emulator/limits.mjs), driven directly (no Worker):
// every /api/v2 answer carries X-Rate-Limit and X-Rate-Limit-Remaining; the account's limit is
// one sliding 60-second window over all requests, answered 429 with Retry-After and recovered
// when the oldest request leaves it; the Update Ticket endpoint has its own account window on
// top of the per-ticket 30 updates / 10 minutes; 429s do not count; the control state reports
// calls and 429s per limit and per kind. The limits' clock is the test's own (no sleeps).
import { test, beforeEach, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEmulator, SANDBOX_CREDENTIALS as C } from '../../sandbox/emulator.mjs';

let clock = 1_000_000_000; // ms; moved only by the tests
let emulator;
let apiUrl;

before(async () => {
  emulator = createEmulator({ now: () => clock });
  apiUrl = await emulator.listen(0);
});
after(() => emulator?.close());

const control = async (path, body) => {
  const r = await fetch(`${apiUrl}/__sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
};
beforeEach(async () => { await control('/reset', {}); });

const AUTH = `Basic ${Buffer.from(`${C.ZENDESK_EMAIL}/token:${C.ZENDESK_API_KEY}`).toString('base64')}`;
async function zendesk(method, path, body, { auth = AUTH, type = 'application/json' } = {}) {
  const headers = { Authorization: auth, 'Content-Type': type };
  const r = await fetch(`${apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
  const text = await r.text();
  return {
    status: r.status,
    limit: r.headers.get('x-rate-limit'),
    remaining: r.headers.get('x-rate-limit-remaining'),
    retryAfter: r.headers.get('retry-after'),
    body: text.startsWith('{') ? JSON.parse(text) : text,
  };
}
const newTicket = (i = 0) => ({ ticket: { subject: `Order ${i}`, comment: { body: `My order ${i} never arrived` }, requester: { name: 'Ana', email: `ana${i}@example.com` } } });
const comment = (text) => ({ ticket: { comment: { body: text, public: true } } });
const createTicket = async (i = 0) => {
  const r = await zendesk('POST', '/api/v2/tickets.json', newTicket(i));
  assert.equal(r.status, 201);
  return r.body.ticket.id;
};
const limits = async () => (await control('/state')).body.rateLimits;
const LIMITED = { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' };

test('every answer carries the account headers: the Growth plan\'s 400 and what is left of the last 60 s when no limit is set', async () => {
  const me = await zendesk('GET', '/api/v2/users/me.json');
  assert.equal(me.status, 200);
  assert.deepEqual([me.limit, me.remaining], ['400', '399']);
  const created = await zendesk('POST', '/api/v2/tickets.json', newTicket());
  assert.equal(created.status, 201);
  assert.deepEqual([created.limit, created.remaining], ['400', '398']);
  const upload = await zendesk('POST', '/api/v2/uploads.json?filename=a.txt', 'hello', { type: 'text/plain' });
  assert.equal(upload.status, 201);
  assert.deepEqual([upload.limit, upload.remaining], ['400', '397']);
  // Errors too: a 404 and a 401.
  const missing = await zendesk('GET', '/api/v2/tickets/999999.json');
  assert.deepEqual([missing.status, missing.limit, missing.remaining], [404, '400', '396']);
  const unauthenticated = await zendesk('GET', '/api/v2/users/me.json', undefined, { auth: 'Basic eDp5' });
  assert.deepEqual([unauthenticated.status, unauthenticated.limit, unauthenticated.remaining], [401, '400', '395']);
  // Nothing is refused without a configured limit; the window slides.
  clock += 60_000;
  const later = await zendesk('GET', '/api/v2/users/me.json');
  assert.deepEqual([later.status, later.remaining], [200, '399']);
  assert.equal((await limits()).account.refused, 0);
});

test('the account limit is one window over every endpoint: 429 with Retry-After, and served again when the oldest request leaves it', async () => {
  assert.equal((await control('/rate-limit', { accountPerMinute: 4 })).status, 200);
  const ticket = await createTicket(); // t = 0
  clock += 10_000;
  assert.equal((await zendesk('GET', `/api/v2/tickets/${ticket}.json`)).status, 200); // t = 10 s
  assert.equal((await zendesk('POST', '/api/v2/uploads.json?filename=a.txt', 'x', { type: 'text/plain' })).status, 201);
  const last = await zendesk('PUT', `/api/v2/tickets/${ticket}.json`, comment('one more thing'));
  assert.deepEqual([last.status, last.limit, last.remaining], [200, '4', '0']);

  clock += 5_000; // t = 15 s: the oldest request (t = 0) leaves the window at 60 s
  for (const [method, path, body] of [['GET', '/api/v2/users/me.json'], ['POST', '/api/v2/tickets.json', newTicket(1)], ['PUT', `/api/v2/tickets/${ticket}`, comment('again')]]) {
    const refused = await zendesk(method, path, body);
    assert.equal(refused.status, 429, `${method} ${path}`);
    assert.deepEqual(refused.body, LIMITED);
    assert.deepEqual([refused.limit, refused.remaining, refused.retryAfter], ['4', '0', '45']);
  }
  clock += 44_999; // a millisecond early
  assert.equal((await zendesk('GET', '/api/v2/users/me.json')).status, 429);
  clock += 1;
  const served = await zendesk('GET', '/api/v2/users/me.json');
  assert.deepEqual([served.status, served.remaining], [200, '0'], 'one place freed, taken');
  // The next place frees when the t = 10 s requests leave (two at once): 10 s from now.
  const next = await zendesk('GET', '/api/v2/users/me.json');
  assert.deepEqual([next.status, next.retryAfter], [429, '10']);

  const l = await limits();
  assert.deepEqual(l.account, { perMinute: 4, limit: 4, inWindow: 4, counted: 5, refused: 5 });
  assert.deepEqual(l.calls.all, { calls: 10, answered: 5, refused: 5 });
  assert.deepEqual(l.calls.creates, { calls: 2, answered: 1, refused: 1 });
  assert.deepEqual(l.calls.updates, { calls: 2, answered: 1, refused: 1 });
});

test('requests answered 429 do not count: many refused calls do not push the recovery back', async () => {
  await control('/rate-limit', { accountPerMinute: 2 });
  await zendesk('GET', '/api/v2/users/me.json');
  await zendesk('GET', '/api/v2/users/me.json');
  for (let i = 0; i < 5; i++) {
    clock += 10_000;
    assert.equal((await zendesk('GET', '/api/v2/users/me.json')).status, 429);
  }
  clock += 10_000; // t = 60 s
  assert.equal((await zendesk('GET', '/api/v2/users/me.json')).status, 200);
  // A 429 from elsewhere (an injected fault) gives its place back as well.
  clock += 60_000;
  emulator.setFaults('zendesk', [{ status: 429, retryAfter: 3 }]);
  const fault = await zendesk('GET', '/api/v2/users/me.json');
  assert.deepEqual([fault.status, fault.retryAfter, fault.limit, fault.remaining], [429, '3', '2', '2']);
  assert.deepEqual((await zendesk('GET', '/api/v2/users/me.json')).remaining, '1');
  assert.equal((await limits()).account.refused, 5, 'the fault is not the account limit\'s refusal');
});

test('Update Ticket has its own account window, on top of the per-ticket 30 updates / 10 minutes', async () => {
  await control('/rate-limit', { updatesPerMinute: 3 });
  const tickets = [await createTicket(1), await createTicket(2)];
  assert.equal((await zendesk('PUT', `/api/v2/tickets/${tickets[0]}.json`, comment('a'))).status, 200);
  assert.equal((await zendesk('PUT', `/api/v2/tickets/${tickets[1]}.json`, comment('b'))).status, 200);
  clock += 20_000;
  assert.equal((await zendesk('PUT', `/api/v2/tickets/${tickets[1]}`, comment('c'))).status, 200, 'without .json too');
  const refused = await zendesk('PUT', `/api/v2/tickets/${tickets[0]}.json`, comment('d'));
  assert.equal(refused.status, 429);
  assert.deepEqual(refused.body, LIMITED);
  assert.equal(refused.retryAfter, '40');
  assert.deepEqual([refused.limit, refused.remaining], ['400', '395'], 'the account has room: its headers say so');
  // Other endpoints are not limited by it.
  assert.equal((await zendesk('GET', `/api/v2/tickets/${tickets[0]}.json`)).status, 200);
  clock += 40_000;
  assert.equal((await zendesk('PUT', `/api/v2/tickets/${tickets[0]}.json`, comment('d'))).status, 200);
  const l = await limits();
  assert.deepEqual(l.updates, { perMinute: 3, limit: 3, inWindow: 2, counted: 4, refused: 1 });
  assert.deepEqual(l.calls.updates, { calls: 5, answered: 4, refused: 1 });

  // The per-ticket limit stays: 30 updates of one ticket in 10 minutes, then 429.
  await control('/rate-limit', {});
  const one = await createTicket(3);
  for (let i = 0; i < 30; i++) {
    clock += 2_000;
    assert.equal((await zendesk('PUT', `/api/v2/tickets/${one}.json`, comment(`m${i}`))).status, 200, `update ${i}`);
  }
  const tooMany = await zendesk('PUT', `/api/v2/tickets/${one}.json`, comment('m30'));
  assert.equal(tooMany.status, 429);
  assert.equal(tooMany.body.error, 'TooManyRequests');
  assert.equal(tooMany.retryAfter, String(600 - 58), 'until the first of the 30 is 10 minutes old');
  assert.equal((await limits()).perTicketUpdates.refused, 1);
});

test('the control: the creation bucket keeps its meaning, bad bodies are refused, the clock can be advanced', async () => {
  const set = await control('/rate-limit', { perMinute: 60, burst: 1, accountPerMinute: 100, updatesPerMinute: 10 });
  assert.equal(set.status, 200);
  assert.deepEqual([set.body.rateLimits.creates.perMinute, set.body.rateLimits.account.perMinute, set.body.rateLimits.updates.perMinute], [60, 100, 10]);
  await createTicket(1);
  const refused = await zendesk('POST', '/api/v2/tickets.json', newTicket(2));
  assert.deepEqual([refused.status, refused.retryAfter, refused.limit, refused.remaining], [429, '1', '100', '99']);
  assert.equal(emulator.state.rateLimit.zendesk.refused, 1, 'where earlier callers read the bucket');
  clock += 1_000;
  await createTicket(2);
  const l = await limits();
  assert.deepEqual(l.creates, { perMinute: 60, burst: 1, counted: 2, refused: 1 });
  assert.deepEqual(l.calls.creates, { calls: 3, answered: 2, refused: 1 });
  assert.equal(l.account.refused, 0);

  for (const bad of [{ accountPerMinute: -1 }, { updatesPerMinute: 1.5 }, { perMinute: '60' }, [1]]) {
    assert.equal((await control('/rate-limit', bad)).status, 400, JSON.stringify(bad));
  }
  // An empty body turns every limit off.
  await control('/rate-limit', {});
  assert.deepEqual(Object.values(await limits()).slice(0, 3).map((x) => x.perMinute), [null, null, null]);

  // The clock control, for tests that drive the emulator from outside (the gateway's).
  await control('/rate-limit', { accountPerMinute: 1 });
  await zendesk('GET', '/api/v2/users/me.json');
  assert.equal((await zendesk('GET', '/api/v2/users/me.json')).status, 429);
  assert.equal((await control('/clock', { advanceMs: 60_000 })).status, 200);
  assert.equal((await zendesk('GET', '/api/v2/users/me.json')).status, 200);
  assert.equal((await control('/clock', { advanceMs: -5 })).status, 400);
});
