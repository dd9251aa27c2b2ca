// A message's story in words, from its view (GET /admin/messages/{sid}, src/core/message_view.rs):
// the steps it went through, oldest first, for the dashboard's timeline. Pure (no DOM), so the
// words can be checked without a browser. Each step is { at, tone, parts }: `at` the time in
// epoch ms when the view knows it (the page shows it in the viewer's local time), else null;
// `tone` ok / wait / bad / info; `parts` strings and { ticket: N } (a link to Zendesk's agent view).
//
// The view keeps times for arrival, the end, the next attempt and each agent reply; the other
// steps are shown in their order without a time of their own.

const REPLY_WORDS = {
  ticket_created: 'the confirmation with the ticket number',
  ticket_created_template: 'the confirmation with the ticket number (approved template)',
  comment_added: 'the confirmation that it was added to the ticket',
  more_details: 'a request for more details',
  apology: 'an apology (no ticket could be made)',
  queue_full: 'a request to send it again once answered',
};
const replyWords = (kind) => REPLY_WORDS[kind] ?? `a reply (${kind})`;

const DELIVERY_WORDS = {
  delivered: ['delivered to the customer\'s phone', 'ok'],
  read: ['read by the customer', 'ok'],
  sent: ['sent to WhatsApp (not yet delivered)', 'wait'],
  queued: ['queued at Twilio', 'wait'],
  accepted: ['accepted by Twilio', 'wait'],
  sending: ['being sent by Twilio', 'wait'],
  scheduled: ['scheduled at Twilio', 'wait'],
  failed: ['not delivered: Twilio reports it failed', 'bad'],
  undelivered: ['not delivered: Twilio reports it undelivered', 'bad'],
  canceled: ['canceled at Twilio', 'bad'],
  partially_delivered: ['partly delivered', 'wait'],
};

function delivery(status, errorCode) {
  if (!status) return null;
  const [words, tone] = DELIVERY_WORDS[status] ?? [`Twilio reports "${status}"`, 'info'];
  return { words: errorCode ? `${words} (Twilio error ${errorCode})` : words, tone };
}

/** The steps of a message's story, oldest first. */
export function storyEvents(view) {
  const steps = [];
  const add = (at, tone, ...parts) => steps.push({ at: at ?? null, tone, parts });
  const content = view.content && view.content !== 'text' ? ` (${view.content})` : '';
  add(view.received_at_ms, 'info', `Received from ${view.customer}${content}, ${view.body_chars ?? 0} characters.`);
  if (view.duplicates) add(null, 'info', `Twilio delivered it ${view.duplicates} more time${view.duplicates > 1 ? 's' : ''}; the copies were ignored.`);
  if (view.language) add(null, 'info', `Triaged in language "${view.language}".`);

  const t = view.ticket || {};
  switch (t.state) {
    case 'created':
      add(null, 'ok', 'Ticket ', { ticket: t.ticket_id }, ' created', ...(t.follow_up_of ? [' as a follow-up of ', { ticket: t.follow_up_of }, ' (closed)'] : []), '.');
      break;
    case 'commented':
      add(null, 'ok', 'Added as a comment to the open ticket ', { ticket: t.ticket_id }, '.');
      break;
    case 'rejected':
      add(null, 'info', `Triage asked the customer for more details${t.rule ? `: ${t.rule}` : ` (${t.reason})`}. No ticket was made; their next message is read afresh.`);
      break;
    case 'failed':
      add(null, 'bad', `The ticket could not be made: ${t.reason}. Not tried again; the customer is sent one apology for the messages that failed together.`);
      break;
    case 'queue_full':
      add(null, 'bad', 'Refused on arrival: the customer\'s queue was full. They are asked to send it again once answered.');
      break;
    case 'recovered':
      add(null, 'bad', 'Known only from a stored conversation that could not be read (quarantined); what happened to it is not known.');
      break;
    case 'pending':
    default:
      if (view.status !== 'waiting_to_retry') add(null, 'wait', view.queue_position ? `Waiting for the ticket step (${view.queue_position} earlier message${view.queue_position > 1 ? 's' : ''} of this customer first).` : 'The ticket or comment is next.');
  }

  if (view.next_attempt_at_ms) {
    add(null, 'bad', `Attempt ${view.current_step_attempts || view.attempts} failed: ${view.last_error ?? 'no reason given'}.`);
    add(view.next_attempt_at_ms, 'wait', 'Next attempt (automatic; the retry window then gives up and the customer is told).');
  }

  const r = view.reply || {};
  switch (r.state) {
    case 'sent': {
      add(null, 'ok', `Sent ${replyWords(r.kind)} on WhatsApp.`);
      const d = delivery(view.delivery);
      // Twilio's `sent`, `delivered` and `read` are logged by the Worker, not kept with the
      // message (a status that changes nothing does not wake the conversation); a failure is.
      if (d) add(null, d.tone, `The reply was ${d.words}.`);
      else add(null, 'info', 'Twilio reported no failure delivering it (its delivered and read receipts are in the logs, not kept here).');
      break;
    }
    case 'failed':
      add(null, 'bad', `${replyWords(r.kind)[0].toUpperCase()}${replyWords(r.kind).slice(1)} could not be sent: ${r.reason}. Not tried again; the ticket is not affected.`);
      break;
    case 'unknown':
      add(null, 'bad', `Whether ${replyWords(r.kind)} reached Twilio is not known (${r.reason}); it is not sent again, so the customer never gets it twice.`);
      break;
    case 'due':
      add(null, 'wait', `${replyWords(r.kind)[0].toUpperCase()}${replyWords(r.kind).slice(1)} is to be sent next.`);
      break;
    case 'not_needed':
      add(null, 'info', 'No reply to the customer was needed.');
      break;
    default:
      break;
  }

  if (view.finished_at_ms) {
    const seconds = (view.finished_at_ms - view.received_at_ms) / 1000;
    add(view.finished_at_ms, view.status === 'done' ? 'ok' : 'bad', `Finished (${view.status.replace(/_/g, ' ')}) ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s after it arrived, in ${view.attempts} attempt${view.attempts === 1 ? '' : 's'}.`);
  }
  // The agents' replies come after the message's own end (they answer it).
  for (const a of view.agent_replies || []) {
    const how = a.template ? ' as the approved template (outside WhatsApp\'s 24-hour window)' : '';
    if (a.status === 'undeliverable') {
      add(a.received_at_ms, 'bad', 'An agent replied on ', { ticket: a.ticket_id }, `; it could not be delivered${a.reason ? `: ${a.reason}` : ''}. The agents were told by an internal note on the ticket.`);
    } else if (a.status === 'due') {
      add(a.received_at_ms, 'wait', 'An agent replied on ', { ticket: a.ticket_id }, `; it is being sent to the customer${how}.`);
    } else {
      const d = delivery(a.delivery, a.error_code);
      const told = d?.tone === 'bad' ? ' The agents were told by an internal note on the ticket.' : '';
      add(a.received_at_ms, d?.tone === 'bad' ? 'bad' : 'ok', 'An agent replied on ', { ticket: a.ticket_id }, `; sent to the customer${how}${d ? `, ${d.words}` : ''}.${told}`);
    }
  }

  return steps;
}
