// CSV for the dashboard's downloads (the message list, the per-minute series), made in the
// browser from what the page already has: no request, nothing on the server.
//
// A spreadsheet runs a cell that starts with = + - or @ as a formula (CSV injection), and a
// leading tab or carriage return can hide such a start: each such cell is prefixed with a single
// quote, which makes it text (OWASP, https://owasp.org/www-community/attacks/CSV_Injection).
// Values come from the admin API (masked numbers, ids, reasons), never message text, but a
// failure reason or a masked number (`+1555***1234`) can start with one of these characters.

/** One cell: text, formula starts neutralised, quoted when it holds a separator or a quote. */
export function csvCell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (arrays of values) as CSV text, the header first, lines ended by CRLF (RFC 4180). */
export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The message list's columns (one row per message, as the admin API shows it). */
export function messagesCsv(messages) {
  const iso = (ms) => (ms ? new Date(ms).toISOString() : '');
  return toCsv(
    ['received_utc', 'message_sid', 'customer', 'status', 'outcome', 'language', 'ticket', 'reply', 'delivery', 'attempts', 'finished_utc', 'last_error'],
    messages.map((m) => [
      iso(m.received_at_ms), m.message_sid, m.customer, m.status, m.outcome, m.language,
      m.ticket?.ticket_id ?? '', m.reply?.state, m.delivery, m.attempts, iso(m.finished_at_ms), m.last_error,
    ]),
  );
}

/** The per-minute series (minutes with activity within the last 24 hours). */
export function seriesCsv(points) {
  const columns = ['received', 'tickets_created', 'follow_up_tickets_created', 'comments_added', 'replies_sent', 'agent_replies_sent', 'failures',
    'ack_p50_ms', 'ack_p95_ms', 'ack_p99_ms', 'end_to_end_p50_ms', 'end_to_end_p95_ms', 'end_to_end_p99_ms'];
  return toCsv(['minute_utc', ...columns], points.map((p) => [new Date(p.minute_ms).toISOString(), ...columns.map((c) => p[c])]));
}
