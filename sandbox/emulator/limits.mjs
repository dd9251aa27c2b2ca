// Zendesk's rate limits, as the emulator applies them to every /api/v2 request
// (https://developer.zendesk.com/api-reference/introduction/rate-limits):
// - the account's limit: one sliding 60-second window over ALL requests (every endpoint, GET
//   and uploads included), `accountPerMinute`;
// - the Update Ticket endpoint's own account limit (`PUT /api/v2/tickets/{id}`: 100 a minute,
//   300 with High Volume), `updatesPerMinute`, on top of the per-ticket 30 updates / 10 minutes
//   (zendesk.mjs);
// - the ticket creation token bucket (`perMinute`, `burst`: the bench's --rate-per-min), a
//   stand-in for the creation throttling seen in practice
//   (https://support.zendesk.com/hc/en-us/community/posts/4588596383514).
// Every answer carries the account's `X-Rate-Limit` and `X-Rate-Limit-Remaining`: "For each
// Ticketing API call you make, Zendesk includes the above account-wide rate limit information in
// the response headers"
// (https://developer.zendesk.com/documentation/api-basics/best-practices/best-practices-for-avoiding-rate-limiting).
// Without a configured account limit they show the Growth plan's 400 and what is left of it over
// the last 60 s (no request is refused for it). A request answered 429, by any limit or an
// injected fault, does not count in the windows. The windows read the emulator's clock
// (`ctx.now()`), which tests may advance instead of sleeping.
import { send } from './common.mjs';

export const WINDOW_MS = 60_000;
/** The Growth and Professional plans' account limit, shown when none is configured. */
export const DEFAULT_ACCOUNT_LIMIT = 400;
// The account limit's 429 body; the endpoint limits answer with the same (their own body is
// UNVERIFIED), and with the account's headers, whose remaining count may be high
// (https://support.zendesk.com/hc/en-us/community/posts/4588596383514): Retry-After is what counts.
const LIMITED = { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' };

/** What a request is, for the counts per kind. */
export function kindOf(method, path) {
  if (method === 'POST' && path === '/api/v2/tickets.json') return 'creates';
  if (method === 'PUT' && /^\/api\/v2\/tickets\/\d+(?:\.json)?$/.test(path)) return 'updates';
  return 'other';
}

/** The rate-limit state a fresh emulator starts with (`s.limits`). */
export function freshLimits() {
  const kind = () => ({ calls: 0, answered: 0, refused: 0 });
  return {
    account: { perMinute: null, window: [], counted: 0, refused: 0 },
    updates: { perMinute: null, window: [], counted: 0, refused: 0 },
    creates: null, // the token bucket, see configure
    perTicketRefused: 0, // 429s of the per-ticket 30 updates / 10 minutes limit
    // Every /api/v2 call by kind: made, answered other than 429, answered 429 (any cause).
    calls: { all: kind(), creates: kind(), updates: kind() },
  };
}

/** Why a control body is invalid, or null: each limit is a whole number >= 0, or null. */
export function invalidLimits(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  for (const key of ['perMinute', 'burst', 'accountPerMinute', 'updatesPerMinute']) {
    const v = body[key];
    if (v !== undefined && v !== null && !(Number.isInteger(v) && v >= 0)) return `${key} must be a whole number >= 0, or null`;
  }
  return null;
}

/** @param {object} ctx the emulator's shared context: `s` (state), `now()` */
export function rateLimits(ctx) {
  const L = () => ctx.s.limits;
  const prune = (w, now) => { while (w.length && now - w[0] >= WINDOW_MS) w.shift(); };
  // Whole seconds until enough of the window's oldest requests leave it for one more (>= 1).
  const retryAfter = (w, perMinute, now) => Math.max(1, Math.ceil((w[w.length - perMinute] + WINDOW_MS - now) / 1000));

  /**
   * Sets every limit from one control body (`POST /__sandbox/rate-limit`): each absent, null or
   * 0 limit is off. `perMinute` (with `burst`, default a tenth of it) is the creation bucket.
   */
  function configure({ perMinute, burst, accountPerMinute, updatesPerMinute } = {}) {
    const l = L();
    const b = burst || Math.max(1, Math.round((perMinute || 0) / 10));
    l.creates = perMinute ? { perMinute, burst: b, tokens: b, at: ctx.now(), counted: 0, refused: 0 } : null;
    l.account.perMinute = accountPerMinute || null;
    l.updates.perMinute = updatesPerMinute || null;
  }

  function limitHeaders(refusedByAccount) {
    const l = L();
    prune(l.account.window, ctx.now());
    const limit = l.account.perMinute ?? DEFAULT_ACCOUNT_LIMIT;
    const remaining = refusedByAccount ? 0 : Math.max(0, limit - l.account.window.length);
    return { 'X-Rate-Limit': String(limit), 'X-Rate-Limit-Remaining': String(remaining) };
  }

  function refuse(res, limit, w, kind) {
    limit.refused += 1;
    const now = ctx.now();
    send(res, 429, LIMITED, { 'Retry-After': String(retryAfter(w, limit.perMinute, now)), ...limitHeaders(kind === 'account') });
  }

  /**
   * Admits a /api/v2 request or answers it 429. When admitted, the request holds a place in
   * the windows it counts in until its answer: a 429 gives the place back (`answered`). Returns
   * the admission (to pass to `answered`), or null when it answered.
   */
  function admit(req, res, path) {
    const l = L();
    const now = ctx.now();
    const kind = kindOf(req.method, path);
    l.calls.all.calls += 1;
    if (kind !== 'other') l.calls[kind].calls += 1;
    const admission = { kind, now, account: false, updates: false, creates: false, refused: false };
    prune(l.account.window, now);
    if (l.account.perMinute && l.account.window.length >= l.account.perMinute) {
      admission.refused = true;
      refuse(res, l.account, l.account.window, 'account');
      return tally(admission, 429);
    }
    if (kind === 'updates') {
      prune(l.updates.window, now);
      if (l.updates.perMinute && l.updates.window.length >= l.updates.perMinute) {
        admission.refused = true;
        refuse(res, l.updates, l.updates.window, 'updates');
        return tally(admission, 429);
      }
    }
    if (kind === 'creates' && l.creates) {
      // A bucket of `perMinute` tokens a minute holding at most `burst`; 429 with Retry-After in
      // whole seconds when empty.
      const bucket = l.creates;
      const perMs = bucket.perMinute / 60_000;
      bucket.tokens = Math.min(bucket.burst, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      if (bucket.tokens < 1) {
        bucket.refused += 1;
        admission.refused = true;
        const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
        send(res, 429, LIMITED, { 'Retry-After': String(wait), ...limitHeaders(false) });
        return tally(admission, 429);
      }
      bucket.tokens -= 1;
      bucket.counted += 1;
      admission.creates = true;
    }
    l.account.window.push(now);
    l.account.counted += 1;
    admission.account = true;
    if (kind === 'updates') {
      l.updates.window.push(now);
      l.updates.counted += 1;
      admission.updates = true;
    }
    return admission;
  }

  /** Counts the answer by kind; returns null (the request was answered). */
  function tally(admission, status) {
    const l = L();
    const field = status === 429 ? 'refused' : 'answered';
    l.calls.all[field] += 1;
    if (admission.kind !== 'other') l.calls[admission.kind][field] += 1;
    return null;
  }

  const giveBack = (w, at) => { const i = w.lastIndexOf(at); if (i >= 0) w.splice(i, 1); };

  /**
   * The headers of an admitted request's answer, called as its status is written: a 429 (the
   * per-ticket limit, an injected fault) gives back its places in the windows.
   */
  function answered(admission, status) {
    const l = L();
    if (status === 429) {
      if (admission.account) { giveBack(l.account.window, admission.now); l.account.counted -= 1; }
      if (admission.updates) { giveBack(l.updates.window, admission.now); l.updates.counted -= 1; }
      if (admission.creates) l.creates.counted -= 1;
      admission.account = admission.updates = admission.creates = false;
    }
    tally(admission, status);
    return limitHeaders(false);
  }

  /** The limits as the control state reports them. */
  function snapshot() {
    const l = L();
    const now = ctx.now();
    prune(l.account.window, now);
    prune(l.updates.window, now);
    const windowed = (x, shown) => ({ perMinute: x.perMinute, limit: shown, inWindow: x.window.length, counted: x.counted, refused: x.refused });
    return {
      account: windowed(l.account, l.account.perMinute ?? DEFAULT_ACCOUNT_LIMIT),
      updates: windowed(l.updates, l.updates.perMinute),
      creates: l.creates ? { perMinute: l.creates.perMinute, burst: l.creates.burst, counted: l.creates.counted, refused: l.creates.refused } : { perMinute: null, burst: null, counted: 0, refused: 0 },
      perTicketUpdates: { perTicket: 30, windowMs: 600_000, refused: l.perTicketRefused },
      calls: structuredClone(l.calls),
    };
  }

  return { configure, admit, answered, snapshot };
}
