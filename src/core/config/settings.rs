//! Every configuration variable, documented once: `docs/configuration.md` is generated from
//! this table (`cargo run --example config_doc > docs/configuration.md`), and a native test
//! fails when the file is stale or when the configuration reads a name this table lacks.

/// One documented setting.
pub struct Setting {
    pub name: &'static str,
    /// `yes`, `no`, or when it is needed (`for agents' replies`).
    pub required: &'static str,
    /// A secret (`.secrets.env`, `wrangler secret put`), not a plain variable.
    pub secret: bool,
    /// What it does, its allowed values and its default (Markdown).
    pub meaning: &'static str,
}

pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "TWILIO_ACCOUNT_SID",
        required: "yes",
        secret: false,
        meaning: "Twilio account SID (`AC` and 32 hex digits); webhooks naming another account are refused.",
    },
    Setting {
        name: "TWILIO_AUTH_TOKEN",
        required: "yes",
        secret: true,
        meaning: "Twilio primary auth token: signs webhooks and authenticates API calls.",
    },
    Setting {
        name: "TWILIO_WHATSAPP_NUMBER",
        required: "yes",
        secret: false,
        meaning: "The WhatsApp sender, `+14155238886` (a `whatsapp:` prefix is accepted), or a Messaging Service SID `MG...` to send through a service.",
    },
    Setting {
        name: "CHANNELS",
        required: "no",
        secret: false,
        meaning: "Further WhatsApp senders, each routed to its own Zendesk brand, group, form, tags and fields, with its own languages, texts and hours: a JSON object keyed by channel id (a TOML table under `[vars]`). The variables above are the `default` channel. See [channels.md](channels.md).",
    },
    Setting {
        name: "ZENDESK_API_KEY",
        required: "yes",
        secret: true,
        meaning: "Zendesk API token (Admin Center → Apps and integrations → Zendesk API).",
    },
    Setting {
        name: "ZENDESK_API_TOKEN",
        required: "no",
        secret: true,
        meaning: "Zendesk's own name for the API token, accepted instead of `ZENDESK_API_KEY` (set only one; two different values are refused).",
    },
    Setting {
        name: "ZENDESK_DOMAIN",
        required: "yes",
        secret: false,
        meaning: "Your Zendesk host, `acme.zendesk.com` (a scheme or trailing `/` is stripped; `acme` alone means `acme.zendesk.com`).",
    },
    Setting {
        name: "ZENDESK_EMAIL",
        required: "yes",
        secret: false,
        meaning: "E-mail of the Zendesk user the API token acts as (an agent or admin).",
    },
    Setting {
        name: "TWILIO_CONTENT_SID",
        required: "no",
        secret: false,
        meaning: "Content template (`HX...`) for the ticket confirmation in the default language (and in languages without their own `TWILIO_CONTENT_SID_XX`); variables `1` (message, 50 chars) and `2` (ticket id).",
    },
    Setting {
        name: "LANGUAGES",
        required: "no",
        secret: false,
        meaning: "The languages customers are detected and answered in (see [languages.md](languages.md)): ISO 639-1 codes, a region is accepted and dropped (`pt-BR` is `pt`). Default `en,es,pt,fr,de,it,id`; a code not shipped needs `LANGUAGE_WORDS_XX`.",
    },
    Setting {
        name: "DEFAULT_LANGUAGE",
        required: "no",
        secret: false,
        meaning: "The language of a message that does not say (and of one in a language not enabled). Default `en` (or the first of `LANGUAGES` when English is not in it).",
    },
    Setting {
        name: "ZENDESK_LOCALE_IDS",
        required: "no",
        secret: false,
        meaning: "Zendesk locale ids for new requesters per language, `code=id` comma-separated (`it=22,id=77`); added to the shipped es=2, pt=19, fr=16, de=8. `off`: no locale is sent.",
    },
    Setting {
        name: "*_XX",
        required: "no",
        secret: false,
        meaning: "Any triage list, reply text or template below for one language: `PRIORITY_URGENT_KEYWORDS_ES`, `REPLY_TICKET_CREATED_PT`, `TWILIO_CONTENT_SID_FR`, `LANGUAGE_WORDS_NL`...; a list starting with `+` extends the shipped one (see [languages.md](languages.md)).",
    },
    Setting {
        name: "TWILIO_WEBHOOK_SECRET",
        required: "no",
        secret: true,
        meaning: "A second key accepted for `X-Twilio-Signature` (e.g. a Webhooks Rule shared key).",
    },
    Setting {
        name: "REQUESTER_EMAIL_DOMAIN",
        required: "no",
        secret: false,
        meaning: "Domain of the requesters' placeholder e-mail. Default `whatsapp.zendesk.com` (as in the guide). Agents' replies are routed by the requester's e-mail: a number on any domain still leads to its customer after a change; a WhatsApp user id only on the current domain.",
    },
    Setting {
        name: "REQUESTER_IDENTITY",
        required: "no",
        secret: false,
        meaning: "Who the requester of a ticket is in Zendesk. `email` (the default, as in the guide): a placeholder e-mail per customer (`REQUESTER_EMAIL_DOMAIN`). `whatsapp` (recommended): an end user found or made by `external_id` `whatsapp:<number or user id>`, with the number as a phone identity and no e-mail, so Zendesk never e-mails an address that does not exist and agents see the number. One more Zendesk call per customer. See [behaviour.md](behaviour.md#the-requester-in-zendesk).",
    },
    Setting {
        name: "PUBLIC_BASE_URL",
        required: "no",
        secret: false,
        meaning: "The origin Twilio calls (`https://support.acme.com`) when it is not the Worker's own URL (custom domain, proxy): signatures are checked against it, and status-callback and file links use it. Without it the gateway uses the origin of the signed webhook it received.",
    },
    Setting {
        name: "ZENDESK_WEBHOOK_SECRET",
        required: "for agents' replies",
        secret: true,
        meaning: "The signing secret of the Zendesk webhook (shown when you create it). Without it `/zendesk/events` answers 503.",
    },
    Setting {
        name: "TWILIO_AGENT_REPLY_CONTENT_SID",
        required: "no",
        secret: false,
        meaning: "Approved Content template (`HX...`) for agents' replies outside WhatsApp's 24-hour window (the default language's; `TWILIO_AGENT_REPLY_CONTENT_SID_XX` per language); variables `1` (text) and `2` (ticket id).",
    },
    Setting {
        name: "TWILIO_CSAT_CONTENT_SID",
        required: "no",
        secret: false,
        meaning: "With `CSAT=on`: the satisfaction question as a `twilio/quick-reply` Content template (`HX...`; the default language's, `TWILIO_CSAT_CONTENT_SID_XX` per language): variable `1` is the ticket's number, the two buttons' ids `csat_good` and `csat_bad`. Approved for WhatsApp, it also reaches a customer who last wrote more than 24 hours ago. Unset, the question goes as text (\"👍 Good / 👎 Bad\"), within the window only. See [satisfaction.md](satisfaction.md).",
    },
    Setting {
        name: "MEDIA_MAX_BYTES",
        required: "no",
        secret: false,
        meaning: "Largest file attached to a ticket; larger ones are listed. Default 16777216 (16 MB, WhatsApp's limit for most media); at most 52428800 (Zendesk's attachment limit; a file is held in the isolate's 128 MB while it is copied).",
    },
    Setting {
        name: "MEDIA_ALLOWED_TYPES",
        required: "no",
        secret: false,
        meaning: "Comma-separated MIME types attached (`type/*` allowed); others are listed. Default: images, audio, video, PDF, vCard, plain text and Office documents.",
    },
    Setting {
        name: "TRIAGE_MIN_LENGTH",
        required: "no",
        secret: false,
        meaning: "Shortest first message that can become a ticket, in characters. Default 10.",
    },
    Setting {
        name: "TRIAGE_MODE",
        required: "no",
        secret: false,
        meaning: "Default `problems`: a message becomes a ticket when it says anything beyond pleasantries. `guide`: the guide's keyword rule exactly (see [triage.md](triage.md)).",
    },
    Setting {
        name: "TRIAGE_GREETING_WORDS",
        required: "no",
        secret: false,
        meaning: "Comma-separated words that alone make a message a greeting, in the default language (this and the lists and texts below; `_XX` for another language). Default: the guide's (hi, hello, hey, good morning, thanks, ok, yes, no, help, support, ...).",
    },
    Setting {
        name: "TRIAGE_ISSUE_KEYWORDS",
        required: "no",
        secret: false,
        meaning: "Comma-separated words or phrases that name an issue. Default: the guide's list (above).",
    },
    Setting {
        name: "PRIORITY_URGENT_KEYWORDS",
        required: "no",
        secret: false,
        meaning: "Comma-separated; any of them makes the ticket urgent. Default `urgent,emergency,critical,broken,down,outage`.",
    },
    Setting {
        name: "PRIORITY_HIGH_KEYWORDS",
        required: "no",
        secret: false,
        meaning: "Comma-separated; any of them makes it high. Default `important,issue,problem,error,failed,not working`.",
    },
    Setting {
        name: "REPLY_TICKET_CREATED",
        required: "no",
        secret: false,
        meaning: "Confirmation text; must contain `{ticket_id}`, may contain `{subject}`. Default `Ticket #{ticket_id} created: '{subject}'. We'll get back to you soon.`",
    },
    Setting {
        name: "REPLY_MORE_DETAILS",
        required: "no",
        secret: false,
        meaning: "Reply when triage refuses a message. Default: the guide's text.",
    },
    Setting {
        name: "REPLY_APOLOGY",
        required: "no",
        secret: false,
        meaning: "Reply when no ticket could be made. Default: the guide's text.",
    },
    Setting {
        name: "REPLY_COMMENT_ADDED",
        required: "no",
        secret: false,
        meaning: "Acknowledgement of a follow-up (with `FOLLOWUP_ACK=true`); must contain `{ticket_id}`.",
    },
    Setting {
        name: "REPLY_QUEUE_FULL",
        required: "no",
        secret: false,
        meaning: "Reply to a message refused because the customer's queue is full (see [Limits of this version](behaviour.md#limits-of-this-version)). Default `We're still working on your earlier messages, so we couldn't take this one. Please wait for our answer, then send it again.`",
    },
    Setting {
        name: "REPLY_OUT_OF_HOURS",
        required: "no",
        secret: false,
        meaning: "Sent with the answer to a customer's message outside `BUSINESS_HOURS`, once per closed period (every language pack ships one).",
    },
    Setting {
        name: "REPLY_OPT_OUT",
        required: "no",
        secret: false,
        meaning: "Acknowledges an opt-out word, once (every language pack ships one).",
    },
    Setting {
        name: "REPLY_OPT_IN",
        required: "no",
        secret: false,
        meaning: "Acknowledges an opt-in word from an opted-out customer (every language pack ships one).",
    },
    Setting {
        name: "BUSINESS_HOURS",
        required: "no",
        secret: false,
        meaning: "When the team works, weekly, in `BUSINESS_TIMEZONE`: `mon-fri 09:00-17:30; sat 10:00-14:00` (days `mon`..`sun`, a range `mon-fri` or a list `mon,wed`; one or more `HH:MM-HH:MM` ranges separated by commas; `24:00` ends a day; unlisted days are closed). Outside them tickets are made as usual and the customer also gets `REPLY_OUT_OF_HOURS`, once per closed period. Unset: always open. See [behaviour.md](behaviour.md#business-hours).",
    },
    Setting {
        name: "BUSINESS_TIMEZONE",
        required: "with BUSINESS_HOURS",
        secret: false,
        meaning: "The IANA time zone of `BUSINESS_HOURS`, e.g. `Europe/Berlin` (daylight-saving time followed; `UTC` accepted).",
    },
    Setting {
        name: "BUSINESS_HOLIDAYS",
        required: "no",
        secret: false,
        meaning: "Days closed all day, in `BUSINESS_TIMEZONE`: comma-separated `2026-12-25` dates and `2026-12-31..2027-01-01` ranges.",
    },
    Setting {
        name: "OPT_OUT_WORDS",
        required: "no",
        secret: false,
        meaning: "Comma-separated words that, sent alone, opt the customer out of messages they did not ask for (templates), in the default language (`OPT_OUT_WORDS_XX` per language; `+` extends). Default per pack: `stop`, `unsubscribe`... See [behaviour.md](behaviour.md#opt-out).",
    },
    Setting {
        name: "OPT_IN_WORDS",
        required: "no",
        secret: false,
        meaning: "Comma-separated words that, sent alone, opt the customer back in (`OPT_IN_WORDS_XX` per language). Default per pack: `start`, `unstop`...",
    },
    Setting {
        name: "UPSTREAM_TIMEOUT_MS",
        required: "no",
        secret: false,
        meaning: "Time limit of each Zendesk or Twilio call, 100 to 60000. Default 10000.",
    },
    Setting {
        name: "RETRY_WINDOW_HOURS",
        required: "no",
        secret: false,
        meaning: "How long transient failures are retried before the message is marked failed, 1 to 168. Default 24.",
    },
    Setting {
        name: "ZENDESK_API_BUDGET_PER_MIN",
        required: "no",
        secret: false,
        meaning: "Zendesk API calls a minute for all conversations together (docs/zendesk-budget.md). Default: half of the account's limit as Zendesk names it in `X-Rate-Limit` (Team 200 → 100, Growth and Professional 400 → 200, Enterprise 700 → 350), 100 until its first answer; the other half is the agents'. Never more than that limit.",
    },
    Setting {
        name: "ZENDESK_UPDATE_BUDGET_PER_MIN",
        required: "no",
        secret: false,
        meaning: "Ticket updates (comments, notes) a minute for all conversations together, 1 to 300: Zendesk's Update Ticket endpoint allows 100 a minute per account, agents' updates included. Default 60.",
    },
    Setting {
        name: "RETRY_BASE_MS",
        required: "no",
        secret: false,
        meaning: "First retry delay; doubles each attempt (with jitter). Default 2000.",
    },
    Setting {
        name: "RETRY_MAX_DELAY_MS",
        required: "no",
        secret: false,
        meaning: "Longest delay between two attempts. Default 600000 (10 minutes).",
    },
    Setting {
        name: "FOLLOWUP_ACK",
        required: "no",
        secret: false,
        meaning: "`true` to acknowledge on WhatsApp each message added to an open ticket. Default `false`.",
    },
    Setting {
        name: "TYPING_INDICATOR",
        required: "no",
        secret: false,
        meaning: "`true` to show WhatsApp's typing indicator while the gateway makes the ticket or copies the files (Twilio's typing-indicator API, public beta). It also marks the customer's message **read** (blue ticks) at once, before any agent has seen it. Default `false`. See [behaviour.md](behaviour.md#typing-indicator).",
    },
    Setting {
        name: "CSAT",
        required: "no",
        secret: false,
        meaning: "`on` to ask the customer of a solved WhatsApp ticket one satisfaction question in their language (good / bad quick-reply buttons); the answer becomes the tag `csat_good` or `csat_bad` and an internal note on the ticket. Default `off`. Zendesk says a ticket is solved by the `ticket.status_changed` event, or in trigger mode by the solved tickets' trigger; `npm run setup` makes either. See [satisfaction.md](satisfaction.md).",
    },
    Setting {
        name: "ADMIN_TOKEN",
        required: "no",
        secret: true,
        meaning: "Bearer token for `/admin/...` (at least 16 characters); without it those endpoints are off.",
    },
    Setting {
        name: "ALERT_WEBHOOK_URL",
        required: "no",
        secret: true,
        meaning: "Where alerts are posted (see [alerts.md](alerts.md)): an `https://` URL (plain `http://` only to `localhost`), e.g. a Slack incoming webhook. Without it the scheduled check does nothing. Never logged.",
    },
    Setting {
        name: "ALERT_WEBHOOK_FORMAT",
        required: "no",
        secret: false,
        meaning: "`slack` (default): `{\"text\": ...}`, what Slack, Mattermost and Discord's `/slack` endpoint take. `json`: a plain object (`event`, `condition`, `incident`, `since`, `at`, `summary`).",
    },
    Setting {
        name: "ALERT_FAILURE_RATE_PERCENT",
        required: "no",
        secret: false,
        meaning: "Alert when at least this share of customers' messages failed (ticket or reply) since the previous check, 1 to 100. Default 20.",
    },
    Setting {
        name: "ALERT_FAILURE_MIN_COUNT",
        required: "no",
        secret: false,
        meaning: "Fewest failures since the previous check that can raise the failure-rate alert, 1 to 10000. Default 3.",
    },
    Setting {
        name: "ALERT_RETRIES_GROWING_CHECKS",
        required: "no",
        secret: false,
        meaning: "Alert when the retries pending rose at this many checks in a row, 2 to 12. Default 3 (15 minutes with the 5-minute cron).",
    },
    Setting {
        name: "ALERT_UNFINISHED_MINUTES",
        required: "no",
        secret: false,
        meaning: "Alert when a message has waited for a retry longer than this, in minutes, 1 to 10080. Default 30.",
    },
    Setting {
        name: "ALERT_RESOLVE_AFTER_CHECKS",
        required: "no",
        secret: false,
        meaning: "An incident is resolved (one \"resolved\" message) after this many checks in a row without its condition, 1 to 12. Default 2.",
    },
    Setting {
        name: "ANALYTICS_API_TOKEN",
        required: "for the long history",
        secret: true,
        meaning: "A Cloudflare API token with *Account Analytics: Read*: the Worker reads the dashboard's 7/30/90-day history from Workers Analytics Engine's SQL API with it (never sent to the browser; see [dashboard.md](dashboard.md#history-workers-analytics-engine)). Without it the history section says it is not readable; the data points are written regardless (binding `MESSAGE_ANALYTICS`).",
    },
    Setting {
        name: "CLOUDFLARE_ACCOUNT_ID",
        required: "for the long history",
        secret: false,
        meaning: "The 32-hex-digit account id in the SQL API's URL (`https://api.cloudflare.com/client/v4/accounts/{id}/analytics_engine/sql`).",
    },
    Setting {
        name: "ANALYTICS_DATASET",
        required: "no",
        secret: false,
        meaning: "The Analytics Engine dataset the history reads; default `wa_gateway_messages` (the `dataset` of the `MESSAGE_ANALYTICS` binding in `wrangler.toml`: change both together). Letters, digits and `_`.",
    },
    Setting {
        name: "ANALYTICS_SQL_URL",
        required: "no",
        secret: false,
        meaning: "Replaces the SQL API's URL (the tests point it at the emulator); `https://`, or `http://` to localhost only. The token is sent only to this URL.",
    },
    Setting {
        name: "LOG_FORMAT",
        required: "no",
        secret: false,
        meaning: "`object` (default) or `json`: log each event as a JSON text line instead of an object (objects are what Workers Logs indexes field by field; `npm start`, the tests and the bench set `json`).",
    },
    Setting {
        name: "REFUSAL_LOG_WINDOW_SECS",
        required: "no",
        secret: false,
        meaning: "How long refused webhook signatures are summed up into one log line after the first (see [security.md](security.md), floods), 1 to 3600. Default 60; the tests use 2.",
    },
    Setting {
        name: "USAGE_LOG",
        required: "no",
        secret: false,
        meaning: "`true`: every invocation logs the isolate's usage totals (`usage` line), which `npm run bench` reads to print the cost per message. Off by default (log lines are billed too).",
    },
    Setting {
        name: "ZENDESK_BASE_URL",
        required: "no",
        secret: false,
        meaning: "Zendesk API origin. Default `https://{ZENDESK_DOMAIN}`; the sandbox and tests point it at the emulator.",
    },
    Setting {
        name: "TWILIO_API_BASE_URL",
        required: "no",
        secret: false,
        meaning: "Twilio API origin. Default `https://api.twilio.com`.",
    },
    Setting {
        name: "TWILIO_MESSAGING_BASE_URL",
        required: "no",
        secret: false,
        meaning: "Origin of Twilio's Messaging v2 API (the typing indicator). Default `https://messaging.twilio.com`; the sandbox and tests point it at the emulator. Twilio's credentials go only to this origin.",
    },];

/// The Markdown of `docs/configuration.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Configuration\n\n\
         <!-- Generated from src/core/config/settings.rs by `cargo run --example config_doc > docs/configuration.md`; \
         a native test fails when this file is stale. Do not edit by hand. -->\n\n\
         Every setting is a Worker binding. `npm run deploy` uploads the variables from the git-ignored \
         `deploy.env` and the secrets from `.secrets.env` (see `deploy.env.example`, `.secrets.env.example`), \
         after checking them with the Worker's own rules. Empty values count as missing. Every boolean takes \
         `true/1/yes/on` or `false/0/no/off`. `GET /healthz` names what is missing or invalid, the features \
         that are off and the bindings nothing reads, never a value.\n\n\
         | name | required | kind | meaning |\n| --- | --- | --- | --- |\n",
    );
    for s in SETTINGS {
        let kind = if s.secret { "**secret**" } else { "var" };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            s.name, s.required, kind, s.meaning
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::conventions::{from_lookup_recording, SECRET_NAMES};

    #[test]
    fn docs_configuration_md_is_generated_from_this_table() {
        let committed = include_str!("../../../docs/configuration.md");
        assert!(
            committed == markdown(),
            "docs/configuration.md is stale: run `cargo run --example config_doc > docs/configuration.md`"
        );
    }

    #[test]
    fn every_name_the_configuration_reads_is_documented() {
        let (_, read) = from_lookup_recording(|_| None);
        let documented = |name: &str| {
            SETTINGS.iter().any(|s| s.name == name)
                // per-language variants (`REPLY_TICKET_CREATED_ES`) are the `*_XX` row
                || name.rsplit_once('_').is_some_and(|(_, code)| {
                    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
                })
        };
        let missing: Vec<&String> = read.iter().filter(|n| !documented(n)).collect();
        assert!(missing.is_empty(), "undocumented settings: {missing:?}");
        for secret in SECRET_NAMES {
            let row = SETTINGS.iter().find(|s| s.name == *secret);
            assert!(
                row.is_some_and(|s| s.secret),
                "{secret} is documented as a secret"
            );
        }
    }
}
