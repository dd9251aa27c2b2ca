//! The Zendesk locale id each language's requesters get (`ZENDESK_LOCALE_IDS`, merged over the
//! ids shipped for the languages whose ids are verified).

/// Zendesk locale ids verified against Zendesk's documentation (`GET /api/v2/locales/public`:
/// en-US 1 and de 8 in the Locales API reference; es 2 and fr 16 in the Dynamic Content API
/// reference's examples; pt-BR 19 in a Zendesk account's public locale list). Italian and
/// Indonesian are left to `ZENDESK_LOCALE_IDS`: a wrong id would make Zendesk refuse the ticket.
const SHIPPED_LOCALE_IDS: [(&str, u32); 4] = [("es", 2), ("pt", 19), ("fr", 16), ("de", 8)];

pub(crate) fn locale_ids(
    raw: Option<String>,
    bad: &mut dyn FnMut(&str, String),
) -> Vec<(String, u32)> {
    // `off`: no requester gets a locale (an account whose Zendesk refuses them).
    if raw
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case("off"))
    {
        return Vec::new();
    }
    let mut ids: Vec<(String, u32)> = SHIPPED_LOCALE_IDS
        .iter()
        .map(|(c, id)| (c.to_string(), *id))
        .collect();
    for item in raw
        .iter()
        .flat_map(|r| r.split(','))
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        let parsed = item.split_once('=').and_then(|(code, id)| {
            Some((
                code.trim().to_ascii_lowercase(),
                id.trim().parse::<u32>().ok()?,
            ))
        });
        match parsed {
            Some((code, id)) => {
                ids.retain(|(c, _)| *c != code);
                ids.push((code, id));
            }
            None => bad(
                "ZENDESK_LOCALE_IDS",
                "must be a comma-separated list of code=id such as pt=19,it=22 (GET /api/v2/locales/public.json)".into(),
            ),
        }
    }
    ids
}
