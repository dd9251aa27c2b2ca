// The operator's dashboard (admin.html). A file of its own, not inline: the page's
// Content-Security-Policy (dashboard/_headers) runs scripts from this origin only, so an
// injected inline script could not run even if some value were ever written as HTML.
'use strict';
const KEY = 'wa-gateway-admin-token';
let timer = null;
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
let lastSeries = null;

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
  if (r.status === 401) { signOut('The token was refused.'); throw new Error('unauthorized'); }
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(answer.detail || `HTTP ${r.status}`);
  return answer;
}

function signOut(message = '') {
  clearInterval(timer);
  timer = null;
  sessionStorage.removeItem(KEY);
  $('board').hidden = true; $('signout').hidden = true; $('signin').hidden = false;
  $('signin-error').textContent = message;
}

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $('token').value.trim());
  $('token').value = '';
  start();
});
$('signout').addEventListener('click', () => signOut());

function tile(label, value, bad = false) {
  return el('div', { className: `tile${bad ? ' bad' : ''}` }, el('b', { textContent: value ?? '–' }), el('span', { textContent: label }));
}

function renderMetrics(m) {
  const c = m.counters || {};
  $('tiles').replaceChildren(
    tile('messages received', c.received ?? 0),
    tile('tickets created', (c.tickets_created ?? 0) + (c.follow_up_tickets_created ?? 0)),
    tile('comments added', c.comments_added ?? 0),
    tile('replies sent', c.replies_sent ?? 0),
    tile('agent replies sent', c.agent_replies_sent ?? 0),
    tile('failures', c.failures ?? 0, (c.failures ?? 0) > 0),
    tile('retries pending', m.retries_pending ?? 0, (m.retries_pending ?? 0) > 0),
    tile('ack p50 / p99 (ms)', m.ack_ms?.count ? `${m.ack_ms.p50} / ${m.ack_ms.p99}` : '–'),
    tile('end-to-end p50 / p99 (ms)', m.end_to_end_ms?.count ? `${m.end_to_end_ms.p50} / ${m.end_to_end_ms.p99}` : '–'),
  );
  const languages = Object.entries(m.messages_by_language || {}).sort((a, b) => b[1] - a[1]);
  $('languages').replaceChildren(...(languages.length
    ? languages.map(([code, n]) => el('tr', {}, el('td', { textContent: code }), el('td', { textContent: n })))
    : [el('tr', {}, el('td', { className: 'muted', colSpan: 2, textContent: 'No message yet.' }))]));
  const failures = Object.entries(m.failures_by_reason || {}).sort((a, b) => b[1] - a[1]);
  $('failures').replaceChildren(...(failures.length
    ? failures.map(([reason, n]) => el('tr', {}, el('td', { textContent: reason }), el('td', { textContent: n })))
    : [el('tr', {}, el('td', { className: 'muted', colSpan: 2, textContent: 'No failures.' }))]));
}

/** A legend's colour square (set through the style object: the CSP allows no style attribute). */
function swatch(color) {
  const i = el('i');
  i.style.background = color;
  return i;
}

/** A line chart in plain SVG: one polyline per series over the last 24 hours. */
function chart(points, series, { now = Date.now(), hours = range, height = 220 } = {}) {
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
  const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
  for (const f of [0, 0.5, 1]) {
    add('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#e4e7eb' });
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
      else add('polyline', { points: run.map((p) => `${x(p.minute_ms).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 1.5 });
    }
  }
  const legend = el('div', { className: 'legend' }, ...series.map((s) => el('span', {}, swatch(s.color), s.label)));
  const box = el('div');
  box.append(svg, legend);
  if (!points.length) box.prepend(el('p', { className: 'muted', textContent: `No activity in the last ${hours > 1 ? `${hours} hours` : 'hour'}.` }));
  return box;
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

function renderSeries(s) {
  lastSeries = s;
  const pts = s.points || [];
  $('volume').replaceChildren(chart(everyMinute(pts, range), [
    { key: 'received', label: 'received', color: '#1f73b7' },
    { key: 'tickets', label: 'tickets', color: '#03363d' },
    { key: 'replies_sent', label: 'replies', color: '#25d366' },
    { key: 'failures', label: 'failures', color: '#c0392b' },
  ]));
  $('ack').replaceChildren(chart(pts, [
    { key: 'ack_p50_ms', label: 'p50', color: '#1f73b7' },
    { key: 'ack_p99_ms', label: 'p99', color: '#d35400' },
  ]));
  $('e2e').replaceChildren(chart(pts, [
    { key: 'end_to_end_p50_ms', label: 'p50', color: '#1f73b7' },
    { key: 'end_to_end_p99_ms', label: 'p99', color: '#d35400' },
  ]));
}

function renderMessages(list) {
  $('messages').replaceChildren(...(list.length ? list.map((m) => {
    const tr = el('tr', { className: 'pick', title: 'Show what happened to this message' },
      el('td', { textContent: fmtTime(m.received_at_ms) }),
      el('td', {}, el('code', { textContent: m.message_sid })),
      el('td', { textContent: m.customer ?? '' }),
      el('td', { className: `status-${m.status}`, textContent: m.status ?? '' }),
      el('td', { textContent: m.outcome ?? '' }),
      el('td', { textContent: m.ticket?.ticket_id ?? m.open_ticket_id ?? '' }),
      el('td', { textContent: m.attempts ?? '' }));
    tr.addEventListener('click', () => story(m.message_sid));
    return tr;
  }) : [el('tr', {}, el('td', { className: 'muted', colSpan: 7, textContent: 'No messages.' }))]));
}

async function story(sid) {
  try {
    const view = await api(`/admin/messages/${encodeURIComponent(sid)}`);
    $('story-title').hidden = false; $('story').hidden = false;
    $('story-title').textContent = `Story of ${sid}`;
    $('story').textContent = JSON.stringify(view, null, 2);
  } catch (e) { $('story').hidden = false; $('story').textContent = `Not found: ${e.message}`; }
}

async function loadList() {
  let path, title, body;
  if (listMode.kind === 'latest') { path = '/admin/messages?latest=20'; title = 'Latest messages'; }
  else {
    const q = listMode.query;
    if (/^(SM|MM)[0-9a-f]{32}$/i.test(q)) { await story(q); path = null; title = `Message ${q}`; }
    else if (/^\d+$/.test(q)) { path = `/admin/messages?ticket=${q}`; title = `Ticket #${q}`; }
    // The number goes in a POST body, never in the URL or a header: Cloudflare keeps request
    // URLs and headers in the Worker's invocation logs, not bodies.
    else { path = '/admin/messages'; body = { customer: q }; title = `Customer ${q.includes('*') ? q : 'searched (shown masked)'}`; }
  }
  $('list-title').textContent = title;
  if (path) {
    try { renderMessages((await api(path, body)).messages || []); }
    catch (e) { $('messages').replaceChildren(el('tr', {}, el('td', { className: 'error', colSpan: 7, textContent: e.message }))); }
  }
}

$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = $('query').value.trim();
  listMode = q ? { kind: 'search', query: q } : { kind: 'latest' };
  loadList();
});
document.querySelectorAll('#range-bar button').forEach((b) => b.addEventListener('click', () => {
  range = Number(b.dataset.hours);
  document.querySelectorAll('#range-bar button').forEach((o) => { o.className = o === b ? '' : 'quiet'; });
  if (lastSeries) renderSeries(lastSeries);
}));
$('latest').addEventListener('click', () => { listMode = { kind: 'latest' }; $('query').value = ''; loadList(); });

// Each refresh reads every metrics shard (and the latest messages' conversations): a few
// dozen Durable Object requests, so at most one at a time, every 30 s, and none while the tab
// is hidden.
let refreshing = false;
async function refresh() {
  if (refreshing || document.hidden || !sessionStorage.getItem(KEY)) return;
  refreshing = true;
  try {
    const [metrics, series] = await Promise.all([api('/admin/metrics'), api('/admin/metrics/series')]);
    renderMetrics(metrics);
    renderSeries(series);
    if (listMode.kind === 'latest') await loadList();
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    if (e.message !== 'unauthorized') $('updated').textContent = `update failed: ${e.message}`;
  } finally {
    refreshing = false;
  }
}
document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });

function start() {
  if (!sessionStorage.getItem(KEY)) { signOut(); return; }
  $('signin').hidden = true; $('board').hidden = false; $('signout').hidden = false;
  refresh();
  if (listMode.kind !== 'latest') loadList();
  clearInterval(timer);
  timer = setInterval(refresh, 30_000);
}
takeHandedToken();
start();
