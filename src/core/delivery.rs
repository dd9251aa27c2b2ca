//! Twilio's delivery statuses for the messages the gateway sends: what a status callback is
//! about (carried in its URL, which Twilio signs) and which statuses are failures.

/// What a message sent to the customer was, carried in its status callback URL: the Worker
/// logs a delivery status that changes nothing (`sent`, `delivered`, `read`) from this alone,
/// and only a failure wakes the conversation (it writes a note for the agents, or retries with
/// the template). Saves a Durable Object request and a storage write per status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryAbout {
    /// The gateway's own reply to a customer message (confirmation, details, apology...).
    GatewayReply { message_sid: String, kind: String },
    /// An agent's public comment, sent on.
    AgentReply { ticket_id: u64, comment_id: u64 },
}

impl DeliveryAbout {
    pub fn to_query(&self) -> String {
        let pairs: Vec<(&str, String)> = match self {
            DeliveryAbout::GatewayReply { message_sid, kind } => {
                vec![("m", message_sid.clone()), ("k", kind.clone())]
            }
            DeliveryAbout::AgentReply {
                ticket_id,
                comment_id,
            } => vec![("t", ticket_id.to_string()), ("cm", comment_id.to_string())],
        };
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// From the callback URL's query pairs; `None` for a callback URL made before this existed.
    pub fn from_query(pairs: &[(String, String)]) -> Option<DeliveryAbout> {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let short =
            |v: &str| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if let (Some(t), Some(c)) = (get("t"), get("cm")) {
            return Some(DeliveryAbout::AgentReply {
                ticket_id: t.parse().ok()?,
                comment_id: c.parse().ok()?,
            });
        }
        match (get("m"), get("k")) {
            (Some(m), Some(k)) if short(m) && short(k) => Some(DeliveryAbout::GatewayReply {
                message_sid: m.to_string(),
                kind: k.to_string(),
            }),
            _ => None,
        }
    }
}

/// The customer's masked number (`+1555***0001`), carried in the callback URL too, so the
/// Worker's `delivery.status` line names the customer as every other line does.
pub fn customer_query(masked: &str) -> String {
    serde_urlencoded::to_string([("f", masked)]).unwrap_or_default()
}

/// The masked number from a callback URL's query; only a masked form is taken (never a
/// full number, whatever the URL says).
pub fn customer_from_query(pairs: &[(String, String)]) -> Option<&str> {
    pairs
        .iter()
        .find(|(n, _)| n == "f")
        .map(|(_, v)| v.as_str())
        .filter(|v| {
            v.len() <= 48
                && v.contains("***")
                && v.bytes().all(|b| b.is_ascii_graphic())
                && v.bytes().filter(u8::is_ascii_digit).count() <= 8
        })
}

/// Statuses after which Twilio will not deliver the message (the conversation must know).
pub fn is_delivery_failure(status: &str) -> bool {
    matches!(status, "failed" | "undelivered")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_about_travels_in_the_callback_url() {
        for about in [
            DeliveryAbout::GatewayReply {
                message_sid: "SM0123".into(),
                kind: "ticket_created".into(),
            },
            DeliveryAbout::AgentReply {
                ticket_id: 7,
                comment_id: 99,
            },
        ] {
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_str(&about.to_query()).unwrap();
            assert_eq!(DeliveryAbout::from_query(&pairs), Some(about));
        }
        let odd = vec![
            ("m".to_string(), "SM 1".to_string()),
            ("k".into(), "x".into()),
        ];
        assert_eq!(DeliveryAbout::from_query(&odd), None);
        assert!(is_delivery_failure("undelivered") && !is_delivery_failure("read"));
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&customer_query("+1555***0001")).unwrap();
        assert_eq!(customer_from_query(&pairs), Some("+1555***0001"));
        let full = vec![("f".to_string(), "+15550001234".to_string())];
        assert_eq!(customer_from_query(&full), None, "never a full number");
    }
}
