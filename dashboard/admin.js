// The operator's dashboard (admin.html). A file of its own, not inline: the page's
// Content-Security-Policy (dashboard/_headers) runs scripts from this origin only, so an
// injected inline script could not run even if some value were ever written as HTML.
// A module (strict by default): story.js and csv.js are its parts, from this origin too.
import { storyEvents } from './story.js';
import { messagesCsv, seriesCsv } from './csv.js';
import { historyFigure } from './history.js';
const KEY = 'wa-gateway-admin-token';
const $ = (id) => document.getElementById(id);
// A token handed over in the fragment (the sandbox's link) never reaches a server. It is taken
// out of the address bar at once, whatever happens next. With nobody signed in it signs in; a
// signed-in session is replaced only when the operator says so here (a link someone sends
// must not silently swap the session for another gateway's or another person's token).
let handedToken = null;
/** True when the fragment's token signed in (nobody was signed in). */
function takeHandedToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token === null) return false;
  history.replaceState(null, '', location.pathname + location.search);
  const current = sessionStorage.getItem(KEY);
  if (!token.trim() || token === current) return false;
  if (!current) { sessionStorage.setItem(KEY, token); return true; }
  handedToken = token;
  $('handover').hidden = false;
  $('handover-keep').focus();
  return false;
}
function closeHandover() { handedToken = null; $('handover').hidden = true; }
$('handover-use').addEventListener('click', () => {
  const token = handedToken;
  closeHandover();
  if (token) { sessionStorage.setItem(KEY, token); start(); }
});
$('handover-keep').addEventListener('click', closeHandover);
window.addEventListener('hashchange', () => { if (takeHandedToken()) start(); });
const el = (tag, props = {}, ...children) => { const e = document.createElement(tag); Object.assign(e, props); e.append(...children); return e; };
const fmtTime = (ms) => (ms ? new Date(ms).toLocaleString() : '');
let listMode = { kind: 'latest' };
let range = 24; // hours the charts show
let lastOverview = null;
let listShown = []; // the messages the list shows, for the CSV download
let zendeskAgentUrl = null; // `https://{subdomain}.zendesk.com/agent/tickets/`, from the overview

/** The admin API with the session's token; `body` is sent as JSON by POST. */
async function api(path, body) {
  const token = sessionStorage.getItem(KEY);
  const init = { headers: { Authorization: `Bearer ${token}` } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  if (r.status === 401) {
    // Only the session's own token signs it out: a refusal of one replaced meanwhile (signed
    // in again, a link's token taken) must not sign out the new one.
    if (sessionStorage.getItem(KEY) === token) signOut('The token was refused.');
    throw new Error('unauthorized');
  }
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(answer.detail || `HTTP ${r.status}`);
  return answer;
}

function signOut(message = '') {
  stopRefreshing();
  sessionStorage.removeItem(KEY);
  $('board').hidden = true; $('signout').hidden = true; $('refresh-now').hidden = true; $('signin').hidden = false;
  $('updated').textContent = '';
  $('signin-error').textContent = message;
}

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $('token').value.trim());
  $('token').value = '';
  start();
});
$('signout').addEventListener('click', () => signOut());

/** A ticket number as a link to Zendesk's agent view (text only when no Zendesk is known). */
function ticketLink(id) {
  if (id === null || id === undefined || id === '') return document.createTextNode('');
  if (!zendeskAgentUrl) return document.createTextNode(`#${id}`);
  return el('a', { href: `${zendeskAgentUrl}${encodeURIComponent(id)}`, target: '_blank', rel: 'noopener noreferrer', textContent: `#${id}`, title: `Open ticket #${id} in Zendesk` });
}

function tile(label, value, period, bad = false) {
  return el('div', { className: `tile${bad ? ' bad' : ''}` }, el('b', { textContent: value ?? '–' }), el('span', { textContent: label }), el('small', { textContent: period }));
}

function renderMetrics(m) {
  const c = m.counters || {};
  const since = m.since_ms ? `since ${fmtTime(m.since_ms)}` : 'nothing counted yet';
  const latest = (h) => (h?.count ? `latest ${h.count} message${h.count === 1 ? '' : 's'}` : 'no message yet');
  $('tiles').replaceChildren(
    tile('messages received', c.received ?? 0, since),
    tile('tickets created', (c.tickets_created ?? 0) + (c.follow_up_tickets_created ?? 0), since),
    tile('comments added', c.comments_added ?? 0, since),
    tile('replies sent', c.replies_sent ?? 0, since),
    tile('agent replies sent', c.agent_replies_sent ?? 0, since),
    tile('failures', c.failures ?? 0, since, (c.failures ?? 0) > 0),
    tile('retries pending', m.retries_pending ?? 0, 'now', (m.retries_pending ?? 0) > 0),
    tile('ack p50 / p99 (ms)', m.ack_ms?.count ? `${m.ack_ms.p50} / ${m.ack_ms.p99}` : '–', latest(m.ack_ms)),
    tile('end-to-end p50 / p99 (ms)', m.end_to_end_ms?.count ? `${m.end_to_end_ms.p50} / ${m.end_to_end_ms.p99}` : '–', latest(m.end_to_end_ms)),
  );
  $('languages-period').textContent = `Counted ${since}.`;
  $('failures-period').textContent = `Counted ${since}.`;
  const languages = Object.entries(m.messages_by_language || {}).sort((a, b) => b[1] - a[1]);
  $('languages').replaceChildren(...(languages.length
    ? languages.map(([code, n]) => el('tr', {}, el('td', { textContent: code }), el('td', { textContent: n })))
    : [el('tr', {}, el('td', { className: 'muted', colSpan: 2, textContent: 'No message yet.' }))]));
  $('channels-period').textContent = `Counted ${since}.`;
  const channels = Object.entries(m.messages_by_channel || {}).sort((a, b) => b[1] - a[1]);
  $('channels').replaceChildren(...(channels.length
    ? channels.map(([id, n]) => el('tr', {}, el('td', { textContent: id }), el('td', { textContent: n })))
    : [el('tr', {}, el('td', { className: 'muted', colSpan: 2, textContent: 'No message yet.' }))]));
  const failures = Object.entries(m.failures_by_reason || {}).sort((a, b) => b[1] - a[1]);
  $('failures').replaceChildren(...(failures.length
    ? failures.map(([reason, n]) => el('tr', {}, el('td', { textContent: reason }), el('td', { textContent: n })))
    : [el('tr', {}, el('td', { className: 'muted', colSpan: 2, textContent: 'No failures.' }))]));
}

/** The account's Zendesk budget: its rate, what Zendesk named, calls made, waited, refused. */
function renderBudget(b, c) {
  const row = (label, value) => el('tr', {}, el('th', { scope: 'row', textContent: label }), el('td', { textContent: value }));
  if (!b) {
    $('budget').replaceChildren(el('tr', {}, el('td', { className: 'muted', textContent: 'The budget could not be read.' })));
    return;
  }
  $('budget').replaceChildren(
    row('calls a minute (all conversations)', `${b.per_min}${b.configured_per_min ? ' (ZENDESK_API_BUDGET_PER_MIN)' : ' (half the account limit)'}`),
    row('ticket updates a minute', b.updates_per_min),
    row('account limit Zendesk names', b.account_limit ?? 'not yet seen'),
    row('Zendesk calls made', c.zendesk_calls ?? 0),
    row('calls that waited for the budget', c.zendesk_budget_waits ?? 0),
    row('429s received', c.zendesk_429s ?? 0),
    row('paused now', b.paused_for_ms > 0 ? `for ${Math.ceil(b.paused_for_ms / 1000)} s more` : 'no'),
  );
}

/** A legend's colour square (set through the style object: the CSP allows no style attribute). */
function swatch(color) {
  const i = el('i');
  i.style.background = color;
  return i;
}

const rangeWords = (hours) => (hours > 1 ? `the last ${hours} hours` : 'the last hour');

/**
 * A line chart in plain SVG (one polyline per series) in a <figure> named by its caption, with
 * the same figures as a table for screen readers and for reading exact values.
 */
function chart(title, points, series, { now = Date.now(), hours = range, height = 220 } = {}) {
  const W = 600, H = height, L = 56, B = 28, T = 10, R = 10;
  const from = now - hours * 3600e3;
  points = points.filter((p) => p.minute_ms >= from);
  const values = points.flatMap((p) => series.map((s) => p[s.key] ?? 0));
  const max = Math.max(1, ...values);
  const x = (ms) => L + ((ms - from) / (now - from)) * (W - L - R);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const active = points.filter((p) => series.some((s) => (p[s.key] ?? 0) > 0));
  const peaks = series.map((s) => `${s.label} up to ${Math.max(0, ...points.map((p) => p[s.key] ?? 0))}`).join(', ');
  svg.setAttribute('aria-label', `${title}, ${rangeWords(hours)}, per minute: ${active.length ? `${active.length} minute${active.length === 1 ? '' : 's'} with activity; ${peaks}` : 'no activity'}. The table below has the figures.`);
  const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
  for (const f of [0, 0.5, 1]) {
    add('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#cbd2d9' });
    add('text', { x: L - 6, y: y(max * f) + 5, 'text-anchor': 'end', 'font-size': 15, fill: '#52606d' }, String(Math.round(max * f)));
  }
  for (let i = 4; i >= 0; i--) {
    const h = (hours * i) / 4;
    const at = now - h * 3600e3;
    const label = h ? (hours > 1 ? `-${h}h` : `-${Math.round(h * 60)}m`) : 'now';
    add('text', { x: Math.min(Math.max(x(at), L + 12), W - R - 14), y: H - 6, 'text-anchor': 'middle', 'font-size': 15, fill: '#52606d' }, label);
  }
  for (const s of series) {
    const pts = points.filter((p) => p[s.key] !== null && p[s.key] !== undefined);
    // A line only joins consecutive minutes: a quiet stretch is a gap (latencies) or zeros
    // (counts, filled in by the caller), never a line drawn across it.
    const runs = [];
    for (const p of pts) {
      const run = runs.at(-1);
      if (run && p.minute_ms - run.at(-1).minute_ms <= 60_000) run.push(p); else runs.push([p]);
    }
    for (const run of runs) {
      if (run.length === 1) add('circle', { cx: x(run[0].minute_ms), cy: y(run[0][s.key]), r: 3, fill: s.color });
      else add('polyline', { points: run.map((p) => `${x(p.minute_ms).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2, ...(s.dash ? { 'stroke-dasharray': s.dash } : {}) });
    }
  }
  const legend = el('div', { className: 'legend' }, ...series.map((s) => el('span', {}, swatch(s.color), s.label)));
  const table = el('table', {},
    el('caption', { className: 'muted', textContent: `${title}: minutes with activity in ${rangeWords(hours)} (local time)` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: 'minute' }), ...series.map((s) => el('th', { scope: 'col', textContent: s.label })))),
    el('tbody', {}, ...(active.length
      ? active.map((p) => el('tr', {}, el('td', { textContent: new Date(p.minute_ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }), ...series.map((s) => el('td', { textContent: p[s.key] ?? '–' }))))
      : [el('tr', {}, el('td', { colSpan: series.length + 1, textContent: 'No activity.' }))])));
  const details = el('details', {}, el('summary', { textContent: 'Figures as a table' }), el('div', { className: 'scroll' }, table));
  const figure = el('figure', {}, svg, el('figcaption', {}, legend), details);
  if (!points.length) figure.prepend(el('p', { className: 'muted', textContent: `No activity in ${rangeWords(hours)}.` }));
  return figure;
}

/** Every minute of the range, 0 where nothing happened (counts only). */
function everyMinute(points, hours) {
  const byMinute = new Map(points.map((p) => [p.minute_ms, p]));
  const last = Math.floor(Date.now() / 60_000) * 60_000;
  const out = [];
  for (let m = last - hours * 3600e3; m <= last; m += 60_000) {
    const p = byMinute.get(m);
    out.push({ minute_ms: m, received: p?.received ?? 0, tickets: (p?.tickets_created ?? 0) + (p?.follow_up_tickets_created ?? 0), replies_sent: p?.replies_sent ?? 0, failures: p?.failures ?? 0 });
  }
  return out;
}

// Colours: each at least 3:1 against the white chart (WCAG 2.2 1.4.11), told apart by the
// legend, by dashes and by the table, not by colour alone.
function renderSeries(s) {
  const pts = s.points || [];
  $('volume').replaceChildren(chart('Messages per minute', everyMinute(pts, range), [
    { key: 'received', label: 'received', color: '#1f73b7' },
    { key: 'tickets', label: 'tickets', color: '#03363d', dash: '6 3' },
    { key: 'replies_sent', label: 'replies', color: '#1e7e34', dash: '2 2' },
    { key: 'failures', label: 'failures', color: '#c0392b', dash: '8 2 2 2' },
  ]));
  $('ack').replaceChildren(chart('Acknowledgement latency (ms)', pts, [
    { key: 'ack_p50_ms', label: 'p50', color: '#1f73b7' },
    { key: 'ack_p99_ms', label: 'p99', color: '#b45309', dash: '6 3' },
  ]));
  $('e2e').replaceChildren(chart('End-to-end latency (ms)', pts, [
    { key: 'end_to_end_p50_ms', label: 'p50', color: '#1f73b7' },
    { key: 'end_to_end_p99_ms', label: 'p99', color: '#b45309', dash: '6 3' },
  ]));
}

/** The history section (Workers Analytics Engine, docs/dashboard.md): the chart and the
 * channels, or the gateway's note on why there is none (the charts below keep 24 hours). */
let historyDays = 30;
let historyReadAt = 0;
let historyConfigured = true; // false once the Worker said it has no binding or no read token
async function loadHistory(force = false) {
  // The Worker caches the history for minutes; asking more often would only repeat it. Where
  // the configuration has no history, only signing in again (a new page) asks again.
  if (!force && (!historyConfigured || Date.now() - historyReadAt < 5 * 60_000)) return;
  historyReadAt = Date.now();
  const days = historyDays;
  let h;
  try { h = await api(`/admin/history?days=${days}`); }
  catch (e) { h = { available: false, note: `The history could not be read: ${e.message}` }; }
  if (days !== historyDays) return; // another period was asked meanwhile: its answer is drawn
  historyConfigured = !['no_binding', 'no_read_token', 'misconfigured'].includes(h.reason);
  renderHistory(h);
}
function renderHistory(h) {
  const note = $('history-note');
  note.hidden = Boolean(h.available);
  // The period toggle only where there is a history to show.
  $('history-range').hidden = !h.available;
  note.textContent = h.available ? '' : h.note;
  $('history-charts').replaceChildren(...(h.available ? [historyFigure(h, el)] : []));
}
for (const b of document.querySelectorAll('#history-range button')) {
  b.addEventListener('click', () => {
    historyDays = Number(b.dataset.days);
    for (const o of document.querySelectorAll('#history-range button')) {
      o.setAttribute('aria-pressed', String(o === b));
      o.classList.toggle('quiet', o !== b);
    }
    loadHistory(true);
  });
}

function renderMessages(list) {
  listShown = list;
  // A refresh redraws the rows every 30 s: a keyboard user on a row's button keeps their place
  // (the new button of the same message takes the focus) instead of being thrown to the page.
  const focused = $('messages').contains(document.activeElement) ? document.activeElement.dataset.sid : undefined;
  $('messages').replaceChildren(...(list.length ? list.map((m) => {
    // The MessageSid is a button: every row is reached and opened by keyboard (Tab, Enter or
    // Space); a click anywhere on the row does the same for a mouse.
    const open = el('button', { type: 'button', className: 'link', textContent: m.message_sid, title: 'Show what happened to this message' });
    open.setAttribute('aria-label', `Story of message ${m.message_sid}`);
    open.dataset.sid = m.message_sid;
    open.addEventListener('click', (e) => { e.stopPropagation(); story(m.message_sid); });
    const cell = (label, ...content) => { const td = el('td', {}, ...content); td.dataset.label = label; return td; };
    const status = cell('status', m.status?.replace(/_/g, ' ') ?? '');
    status.className = `status-${m.status}`;
    const tr = el('tr', { className: 'pick' },
      cell('received', fmtTime(m.received_at_ms)),
      cell('message', open),
      cell('customer', m.channel && m.channel !== 'default' ? `${m.customer ?? ''} · ${m.channel}` : (m.customer ?? '')),
      status,
      cell('outcome', m.outcome?.replace(/_/g, ' ') ?? ''),
      cell('ticket', ticketLink(m.ticket?.ticket_id ?? m.open_ticket_id)),
      cell('attempts', String(m.attempts ?? '')));
    tr.addEventListener('click', (e) => { if (!e.target.closest('a')) story(m.message_sid); });
    return tr;
  }) : [el('tr', {}, el('td', { className: 'muted', colSpan: 7, textContent: 'No messages.' }))]));
  if (focused) [...$('messages').querySelectorAll('button[data-sid]')].find((b) => b.dataset.sid === focused)?.focus();
}

function clearStory() {
  storyAsked = null;
  $('story').hidden = true;
  $('story-events').replaceChildren();
}

let storyAsked = null; // the sid whose story is on its way (a later search or click wins)
async function story(sid) {
  clearStory();
  storyAsked = sid;
  $('story').hidden = false;
  $('story-title').textContent = `Story of ${sid}`;
  $('story-events').replaceChildren(el('li', { className: 'muted', textContent: 'Loading…' }));
  // Focus moves when the operator asks, never when the answer arrives: by then they may have
  // moved on to another row, and a late focus would take their next key press (CI's dashboard
  // test lost an Enter to it on a loaded machine). The section is a polite live region.
  $('story-title').focus();
  let view;
  try { view = await api(`/admin/messages/${encodeURIComponent(sid)}`); }
  catch (e) {
    if (storyAsked !== sid) return;
    $('story-events').replaceChildren(el('li', { className: 'error', textContent: `Not found: ${e.message}` }));
    return;
  }
  if (storyAsked !== sid) return;
  $('story-events').replaceChildren(...storyEvents(view).map((step) => el('li', { className: `step ${step.tone}` },
    step.at ? el('time', { dateTime: new Date(step.at).toISOString(), textContent: fmtTime(step.at) }) : el('span', { className: 'muted', textContent: 'then' }),
    el('span', {}, ...step.parts.map((p) => (typeof p === 'string' ? p : ticketLink(p.ticket)))))));
}

async function loadList() {
  // Answers can arrive out of order: one to a search the operator has since replaced (another
  // search, "Latest") is dropped, never drawn under the newer title.
  const asked = listMode;
  let path, title, body;
  if (listMode.kind === 'latest') { $('list-title').textContent = 'Latest messages'; await refresh({ force: true }); return; }
  const q = listMode.query;
  if (/^(SM|MM)[0-9a-f]{32}$/i.test(q)) { await story(q); path = null; title = `Message ${q}`; }
  else if (/^\d+$/.test(q)) { path = `/admin/messages?ticket=${q}`; title = `Ticket #${q}`; }
  // The number goes in a POST body, never in the URL or a header: Cloudflare keeps request
  // URLs and headers in the Worker's invocation logs, not bodies.
  else { path = '/admin/messages'; body = { customer: q }; title = `Customer ${q.includes('*') ? q : 'searched (shown masked)'}`; }
  $('list-title').textContent = title;
  if (path) {
    let list;
    try { list = (await api(path, body)).messages || []; }
    catch (e) {
      if (listMode !== asked) return;
      listShown = []; $('messages').replaceChildren(el('tr', {}, el('td', { className: 'error', colSpan: 7, textContent: e.message })));
      return;
    }
    if (listMode === asked) renderMessages(list);
  }
}

$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = $('query').value.trim();
  listMode = q ? { kind: 'search', query: q } : { kind: 'latest' };
  clearStory();
  loadList();
});
document.querySelectorAll('#range-bar button[data-hours]').forEach((b) => b.addEventListener('click', () => {
  range = Number(b.dataset.hours);
  document.querySelectorAll('#range-bar button[data-hours]').forEach((o) => {
    o.className = o === b ? '' : 'quiet';
    o.setAttribute('aria-pressed', String(o === b));
  });
  if (lastOverview) renderSeries(lastOverview.series);
}));
$('latest').addEventListener('click', () => { listMode = { kind: 'latest' }; $('query').value = ''; clearStory(); loadList(); });

/** Hands `text` to the browser as a file (made here; nothing is sent anywhere). */
function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
const stamp = () => new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
$('export-messages').addEventListener('click', () => download(`messages-${stamp()}.csv`, messagesCsv(listShown)));
$('export-series').addEventListener('click', () => download(`series-${stamp()}.csv`, seriesCsv(lastOverview?.series?.points || [])));

// Refreshing. Each refresh is one GET /admin/overview: one request per metrics shard (8), and
// one per conversation whose latest messages are new or unfinished (finished ones are kept by
// the Worker). Every 30 s while something changes; while nothing does, the wait doubles up to
// 5 minutes; none while the tab is hidden (at once when it is shown again). docs/dashboard.md
// gives what this costs per day, measured by scripts/dashboard-cost.mjs.
const REFRESH_MIN_MS = 30_000;
const REFRESH_MAX_MS = 5 * 60_000;
let refreshDelay = REFRESH_MIN_MS;
let refreshTimer = null;
let refreshing = null; // the refresh on its way: { token, done }
let lastFingerprint = null;

/** What a change is: a counter, a failure, a retry, or a message of the list moving on. */
const fingerprint = (o) => JSON.stringify([o.metrics?.counters, o.metrics?.failures_by_reason, o.metrics?.retries_pending,
  (o.latest || []).map((m) => [m.message_sid, m.status, m.attempts])]);

function stopRefreshing() { clearTimeout(refreshTimer); refreshTimer = null; }

function schedule() {
  stopRefreshing();
  if (document.visibilityState === 'hidden' || !sessionStorage.getItem(KEY)) return;
  refreshTimer = setTimeout(() => refresh(), refreshDelay);
}

async function refresh({ force = false } = {}) {
  const token = sessionStorage.getItem(KEY);
  // One refresh at a time. One asked with another token (signed in again, a link's token taken
  // while a refresh was on its way) waits for that one and then asks with the new token: the
  // old token's answer is not this session's, and the next timed refresh may be minutes away.
  if (refreshing) return refreshing.token === token ? refreshing.done : refreshing.done.then(() => refresh({ force }));
  if (!token || (!force && document.visibilityState === 'hidden')) return undefined;
  stopRefreshing();
  const done = (async () => {
    const current = () => sessionStorage.getItem(KEY) === token;
    try {
      const o = await api('/admin/overview');
      if (!current()) return;
      lastOverview = o;
      zendeskAgentUrl = o.zendesk_agent_url || null;
      renderMetrics(o.metrics || {});
      renderBudget(o.zendesk_budget, o.metrics?.counters || {});
      renderSeries(o.series || {});
      loadHistory();
      if (listMode.kind === 'latest') renderMessages(o.latest || []);
      const print = fingerprint(o);
      refreshDelay = print === lastFingerprint ? Math.min(refreshDelay * 2, REFRESH_MAX_MS) : REFRESH_MIN_MS;
      lastFingerprint = print;
      const next = refreshDelay >= 60_000 ? `${Math.round(refreshDelay / 60_000)} min` : `${refreshDelay / 1000} s`;
      $('updated').textContent = `figures of ${new Date(o.as_of_ms || Date.now()).toLocaleTimeString()} · next update in ${next}${refreshDelay > REFRESH_MIN_MS ? ' (quiet)' : ''}`;
    } catch (e) {
      if (e.message !== 'unauthorized' && current()) $('updated').textContent = `update failed: ${e.message}`;
    } finally {
      refreshing = null;
      schedule();
    }
  })();
  refreshing = { token, done };
  return done;
}
$('refresh-now').addEventListener('click', () => { refreshDelay = REFRESH_MIN_MS; refresh({ force: true }); });
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') stopRefreshing();
  else { refreshDelay = REFRESH_MIN_MS; refresh(); }
});

function start() {
  if (!sessionStorage.getItem(KEY)) { signOut(); return; }
  $('signin').hidden = true; $('board').hidden = false; $('signout').hidden = false; $('refresh-now').hidden = false;
  refreshDelay = REFRESH_MIN_MS;
  lastFingerprint = null;
  refresh();
  if (listMode.kind !== 'latest') loadList();
}
takeHandedToken();
start();
