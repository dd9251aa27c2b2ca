// The dashboard's longer history (`GET /admin/history?days=7|30|90`): messages per day from
// Workers Analytics Engine as bars (failed ones darker, and in the table), and the breakdown
// per receiving channel. Values are written as text, never as HTML.
const ns = 'http://www.w3.org/2000/svg';

/** A figure: the daily bars (an accessible name and a table fallback) and the channels' table. */
export function historyFigure(h, el) {
  const days = h.series || [];
  const W = 600, H = 200, L = 48, B = 26, T = 10, R = 8;
  const max = Math.max(1, ...days.map((d) => d.messages));
  const slot = (W - L - R) / Math.max(1, days.length);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const total = days.reduce((t, d) => t + d.messages, 0);
  const failed = days.reduce((t, d) => t + d.failed, 0);
  svg.setAttribute('aria-label', `Messages per day, last ${h.days} days: ${total} finished, ${failed} failed. The table below has the figures.`);
  const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
  for (const f of [0, 0.5, 1]) {
    add('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#cbd2d9' });
    add('text', { x: L - 6, y: y(max * f) + 5, 'text-anchor': 'end', 'font-size': 14, fill: '#52606d' }, String(Math.round(max * f)));
  }
  days.forEach((d, i) => {
    const x = L + i * slot + slot * 0.1, w = Math.max(1, slot * 0.8);
    // Colours at least 3:1 against white (WCAG 2.2 1.4.11); failed is the lower, darker part.
    if (d.messages) add('rect', { x, y: y(d.messages), width: w, height: y(0) - y(d.messages), fill: '#1f73b7' }).append(Object.assign(document.createElementNS(ns, 'title'), { textContent: `${d.day}: ${d.messages} messages, ${d.failed} failed` }));
    if (d.failed) add('rect', { x, y: y(d.failed), width: w, height: y(0) - y(d.failed), fill: '#8b1e14' });
    if (i % Math.ceil(days.length / 6) === 0 || i === days.length - 1) add('text', { x: x + w / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 13, fill: '#52606d' }, d.day.slice(5));
  });
  const legend = el('div', { className: 'legend' }, el('span', { textContent: 'bars: messages per day (UTC); darker lower part: failed' }));
  const rows = days.filter((d) => d.messages);
  const dayTable = el('table', {},
    el('caption', { className: 'muted', textContent: `Days with messages, last ${h.days} days (UTC)` }),
    el('thead', {}, el('tr', {}, ...['day', 'messages', 'failed', 'end-to-end avg (ms)', 'acknowledgement avg (ms)'].map((t) => el('th', { scope: 'col', textContent: t })))),
    el('tbody', {}, ...(rows.length ? rows.map((d) => el('tr', {}, ...[d.day, d.messages, d.failed, d.end_to_end_ms_avg ?? '–', d.ack_ms_avg ?? '–'].map((v) => el('td', { textContent: String(v) }))))
      : [el('tr', {}, el('td', { colSpan: 5, textContent: 'No messages.' }))])));
  const channels = h.channels || [];
  const channelTable = el('table', {},
    el('caption', { textContent: `Per receiving channel, last ${h.days} days` }),
    el('thead', {}, el('tr', {}, ...['channel', 'messages', 'failed', 'end-to-end avg (ms)', 'acknowledgement avg (ms)'].map((t) => el('th', { scope: 'col', textContent: t })))),
    el('tbody', {}, ...(channels.length ? channels.map((c) => el('tr', {}, ...[c.channel, c.messages, c.failed, c.end_to_end_ms_avg ?? '–', c.ack_ms_avg ?? '–'].map((v) => el('td', { textContent: String(v) }))))
      : [el('tr', {}, el('td', { colSpan: 5, textContent: 'No messages.' }))])));
  const details = el('details', {}, el('summary', { textContent: 'Figures as a table' }), el('div', { className: 'scroll' }, dayTable));
  return el('div', {}, el('figure', {}, svg, el('figcaption', {}, legend), details), el('div', { className: 'scroll' }, channelTable));
}
