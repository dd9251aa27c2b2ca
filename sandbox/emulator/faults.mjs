// Injected faults, latency and the ticket creation rate limit, for either API.
import { send, sleep } from './common.mjs';
import { twilioError } from './twilio.mjs';
import { rateLimits } from './limits.mjs';

/** @param {object} ctx the emulator's shared context (`s`: its state) */
export function faultInjection(ctx) {
  /**
   * Applies the next queued fault of `api` ('zendesk', 'twilio', or 'zendeskFiles': attachments'
   * content URLs), or the configured latency. Returns true when it answered.
   */
  async function applyFault(api, req, res, handler) {
    // A fault may name the request it applies to ("POST /api/v2/tickets.json", a prefix);
    // requests it does not name pass untouched.
    const here = `${req.method} ${new URL(req.url, 'http://x').pathname}`;
    const queue = ctx.s.faults[api] || [];
    const index = queue.findIndex((f) => !f.match || here.startsWith(f.match));
    const fault = index >= 0 ? queue.splice(index, 1)[0] : undefined;
    const latency = ctx.s.latencyMs[api];
    if (!fault) {
      if (latency) await sleep(latency);
      return false;
    }
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.dropConnection) { res.socket.destroy(); return true; }
    // A server that never answers (`hang`: not even its headers), or that sends its headers and
    // the start of its `body` and then stalls (`stallBody`), until the client gives up. The fault
    // records how long the client waited before it closed the connection (`closedAfterMs`).
    if (fault.hang || fault.stallBody) {
      const started = Date.now();
      const closed = new Promise((resolve) => res.on('close', resolve));
      if (fault.stallBody) {
        res.writeHead(fault.status || 200, fault.headers || {});
        res.flushHeaders();
        if (fault.body) res.write(fault.body);
      }
      await closed;
      fault.closedAfterMs = Date.now() - started;
      return true;
    }
    // `headers`: e.g. a redirect's Location.
    const headers = { ...(fault.headers || {}) };
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    // A body given as text goes out as text/plain unless the fault names its type
    // (`contentType: 'text/html'`: a proxy's page).
    if (fault.contentType) headers['Content-Type'] = fault.contentType;
    if (fault.afterEffectDelayMs !== undefined) {
      // Do the work, then answer late (the gateway may have given up by then), with the real
      // answer or, when the fault has a `body`, with that instead (the work done, the answer
      // unreadable).
      await sleep(0);
      const buffered = { status: 0 };
      const realWriteHead = res.writeHead.bind(res);
      const realEnd = res.end.bind(res);
      res.writeHead = (st, h) => { buffered.status = st; buffered.headers = h; return res; };
      res.end = (b) => { buffered.body = b; return res; };
      await handler();
      await sleep(fault.afterEffectDelayMs);
      res.writeHead = realWriteHead;
      res.end = realEnd;
      if (fault.body !== undefined) send(res, fault.status || 200, fault.body, headers);
      else {
        realWriteHead(buffered.status, buffered.headers);
        realEnd(buffered.body);
      }
      return true;
    }
    const status = fault.status || 500;
    const body = fault.body ?? (api === 'twilio'
      ? twilioError(status, status === 429 ? 20429 : 20500, status === 429 ? 'Too Many Requests' : 'Internal Server Error')
      : status === 429 ? { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }
        : status >= 500 ? 'Internal Server Error' : { error: 'RecordInvalid', description: 'Record validation errors' });
    send(res, status, body, headers);
    return true;
  }

  /**
   * Limits ticket creation to `perMinute`, with bursts of at most `burst` (default 1/10 of it),
   * and sets the account's limits (`accountPerMinute`, `updatesPerMinute`): emulator/limits.mjs.
   */
  function setRateLimit(limits = {}) {
    rateLimits(ctx).configure(limits);
  }

  return { applyFault, setRateLimit };
}
