//! Twilio's inbound webhook form (application/x-www-form-urlencoded) to a typed message.

use crate::core::text::without_controls;
pub use crate::core::twilio_ids::{is_account_sid, is_message_sid, Sender};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The raw parameters, in body order, exactly as decoded. They are what the signature covers,
/// unknown ones included (Twilio adds parameters without notice).
pub type FormParams = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// The body is not valid form encoding (e.g. its decoded bytes are not UTF-8).
    Malformed(String),
    /// A required parameter is absent or empty.
    Missing(&'static str),
    /// A parameter is present but not in the shape Twilio sends.
    Invalid { field: &'static str, reason: String },
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::Malformed(why) => write!(f, "malformed form body: {why}"),
            FormError::Missing(field) => write!(f, "missing required parameter {field}"),
            FormError::Invalid { field, reason } => {
                write!(f, "invalid parameter {field}: {reason}")
            }
        }
    }
}

/// Decodes a form body strictly: invalid UTF-8 after percent-decoding is an error, not a
/// silent replacement character.
pub fn parse_params(body: &[u8]) -> Result<FormParams, FormError> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &pair[pair.len()..]),
            };
            Ok((decode_component(name)?, decode_component(value)?))
        })
        .collect()
}

/// `+` is a space, `%XX` a byte; the bytes must be UTF-8. A `%` not followed by two hex
/// digits is kept as is, as browsers and Twilio's libraries do.
fn decode_component(raw: &[u8]) -> Result<String, FormError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => bytes.push(b' '),
            b'%' if i + 2 < raw.len() && hex(raw[i + 1]).is_some() && hex(raw[i + 2]).is_some() => {
                bytes.push(hex(raw[i + 1]).unwrap_or(0) << 4 | hex(raw[i + 2]).unwrap_or(0));
                i += 2;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| FormError::Malformed("not UTF-8 text".into()))
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// What a customer's message is (Twilio's `MessageType`, with a pressed button's payload).
/// The text, files and location themselves are the form's other fields; the conversation keeps
/// them together as its `Content`, an enum with the data of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageKind {
    #[default]
    Text,
    /// Files (photo, video, voice note, document, sticker), with or without a caption.
    Media,
    Location,
    /// A shared contact card.
    Contact,
    /// A quick-reply or list button the customer pressed (its text is the body): an answer,
    /// never refused as a greeting.
    ButtonReply {
        payload: Option<String>,
    },
    /// An emoji reaction to an earlier message, when Twilio forwards one.
    Reaction,
    /// A `MessageType` the gateway has no special handling for, by name.
    Other {
        message_type: String,
    },
}

impl MessageKind {
    pub fn name(&self) -> &str {
        match self {
            MessageKind::Text => "text",
            MessageKind::Media => "media",
            MessageKind::Location => "location",
            MessageKind::Contact => "contact",
            MessageKind::ButtonReply { .. } => "button_reply",
            MessageKind::Reaction => "reaction",
            MessageKind::Other { message_type } => message_type,
        }
    }

    /// From Twilio's `MessageType` and what the message carries.
    fn of(
        message_type: Option<&str>,
        payload: Option<String>,
        media: bool,
        location: bool,
    ) -> Self {
        match message_type {
            Some("button" | "interactive") => MessageKind::ButtonReply { payload },
            Some("reaction") => MessageKind::Reaction,
            Some("contacts" | "contact") => MessageKind::Contact,
            Some("location") => MessageKind::Location,
            _ if location => MessageKind::Location,
            Some("image" | "video" | "audio" | "document" | "sticker") => MessageKind::Media,
            _ if media => MessageKind::Media,
            None | Some("text") => MessageKind::Text,
            Some(other) => MessageKind::Other {
                message_type: other.to_string(),
            },
        }
    }
}

/// One inbound WhatsApp message, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMessage {
    pub message_sid: String,
    pub account_sid: Option<String>,
    pub from: Sender,
    /// The text as the customer wrote it (may be empty for media, location or contact messages).
    pub body: String,
    pub num_media: u32,
    /// The files sent with the message (`MediaUrl{N}`, `MediaContentType{N}`).
    #[serde(default)]
    pub media: Vec<MediaRef>,
    /// Files past `MAX_MEDIA`: not fetched, listed on the ticket.
    #[serde(default)]
    pub extra_media: Vec<MediaRef>,
    /// A shared location (`Latitude`, `Longitude`, `Address`, `Label`).
    #[serde(default)]
    pub location: Option<Location>,
    /// Named `content` on the Worker -> Durable Object edge, as before the conversation's
    /// `Content` carried the data.
    #[serde(default, rename = "content")]
    pub kind: MessageKind,
    /// Where the customer wrote: the number (`To`, `+E164`) and the Messaging Service it came
    /// through, and the channel the Worker routed it to (`Config::route`).
    #[serde(default, skip_serializing_if = "Addressed::is_empty")]
    pub addressed: Addressed,
    /// The sender's WhatsApp business-scoped user id (BSUID), when Twilio names it: the `From`
    /// itself for a user who hides their number, else Twilio's `ExternalUserId` parameter sent
    /// alongside the number (docs/channels.md, "One identity per customer").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// Which of the company's senders a message was written to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_service_sid: Option<String>,
    /// The channel's id; absent for the default channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// No channel names the number: the message went to the default channel.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unrouted: bool,
}

impl Addressed {
    pub fn is_empty(&self) -> bool {
        self == &Addressed::default()
    }
}

/// WhatsApp allows at most this many files per message; Twilio numbers them from 0.
pub const MAX_MEDIA: u32 = 10;
/// How many files past `MAX_MEDIA` are still listed on the ticket.
pub const MAX_EXTRA_MEDIA: u32 = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaRef {
    pub url: String,
    pub content_type: String,
}

/// Coordinates are kept as Twilio sent them (checked to be numbers): formatting floats would pull
/// the float printing code into the wasm bundle for nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub latitude: String,
    pub longitude: String,
    pub address: Option<String>,
    pub label: Option<String>,
}

impl Location {
    /// The location as text an agent can read and open.
    pub fn describe(&self) -> String {
        let place: Vec<&str> = [self.label.as_deref(), self.address.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let name = if place.is_empty() {
            String::new()
        } else {
            format!("{} ", place.join(", "))
        };
        format!(
            "Location shared: {name}({lat}, {lng}) https://www.google.com/maps?q={lat},{lng}",
            lat = self.latitude,
            lng = self.longitude
        )
    }
}

/// A decimal number as Twilio sends a coordinate: optional sign, at most 3 integer digits,
/// optional fraction of at most 12 digits.
pub fn is_coordinate(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && int.len() <= 3
        && int.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.len() <= 12
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn get<'a>(params: &'a FormParams, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn non_empty<'a>(params: &'a FormParams, name: &str) -> Option<&'a str> {
    get(params, name).map(str::trim).filter(|v| !v.is_empty())
}

/// Text the customer wrote (their name, a place's name), without control characters; absent
/// when nothing else is left.
fn customer_text(params: &FormParams, name: &str) -> Option<String> {
    non_empty(params, name)
        .map(|v| without_controls(v).trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Parameter names as Twilio writes them (letters, digits, `_`), each once. A replayed webhook
/// can move the end of one value into new parameters without changing the signature (`Body`
/// ending in `From+1555…` becomes a `From` of its own, the real `From` a leftover named
/// `Fromwhatsapp:`); such leftovers are a repeated name or not a name Twilio would send.
fn check_names(params: &FormParams) -> Result<(), FormError> {
    for (i, (name, _)) in params.iter().enumerate() {
        let shaped = (1..=64).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !shaped || params[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(FormError::Invalid {
                field: "parameter names",
                reason: "a name Twilio does not send, or one sent twice".into(),
            });
        }
    }
    Ok(())
}

impl InboundMessage {
    pub fn from_params(params: &FormParams) -> Result<InboundMessage, FormError> {
        check_names(params)?;
        let message_sid =
            non_empty(params, "MessageSid").ok_or(FormError::Missing("MessageSid"))?;
        if !is_message_sid(message_sid) {
            return Err(FormError::Invalid {
                field: "MessageSid",
                reason: "expected SM or MM and 32 lowercase hex digits".into(),
            });
        }
        let account_sid =
            non_empty(params, "AccountSid").ok_or(FormError::Missing("AccountSid"))?;
        if !is_account_sid(account_sid) {
            return Err(FormError::Invalid {
                field: "AccountSid",
                reason: "expected AC and 32 hex digits".into(),
            });
        }
        // Our own number: the same exact shape as a customer's, so nothing can be folded in.
        // Kept: it chooses the channel, and replies go out from it.
        let to = match non_empty(params, "To") {
            None => None,
            Some(raw) if !raw.starts_with("whatsapp:") => {
                return Err(FormError::Invalid {
                    field: "To",
                    reason: "expected a whatsapp: address".into(),
                })
            }
            Some(raw) => match Sender::parse(raw) {
                Ok(Sender::Phone(number)) => Some(number),
                _ => {
                    return Err(FormError::Invalid {
                        field: "To",
                        reason: "expected whatsapp:+<6 to 15 digits>".into(),
                    })
                }
            },
        };
        let messaging_service_sid = match non_empty(params, "MessagingServiceSid") {
            None => None,
            Some(sid)
                if sid.starts_with("MG")
                    && sid.len() == 34
                    && sid.bytes().skip(2).all(|b| b.is_ascii_hexdigit()) =>
            {
                Some(sid.to_string())
            }
            Some(_) => {
                return Err(FormError::Invalid {
                    field: "MessagingServiceSid",
                    reason: "expected MG and 32 hex digits".into(),
                })
            }
        };
        let raw_from = non_empty(params, "From").ok_or(FormError::Missing("From"))?;
        if !raw_from.starts_with("whatsapp:") {
            return Err(FormError::Invalid {
                field: "From",
                reason: "expected a whatsapp: address".into(),
            });
        }
        let from = Sender::parse(raw_from).map_err(|reason| FormError::Invalid {
            field: "From",
            reason: reason.into(),
        })?;
        // Twilio sends the sender's WhatsApp id last in its signing string, where nothing can
        // be folded into it: a phone sender must be that id (a replay that moved text from
        // `Body` into a new `From` cannot also change `WaId`).
        if let (Sender::Phone(phone), Some(wa_id)) = (&from, non_empty(params, "WaId")) {
            if phone.trim_start_matches('+') != wa_id.trim_start_matches('+') {
                return Err(FormError::Invalid {
                    field: "From",
                    reason: "does not match WaId".into(),
                });
            }
        }
        // Twilio's name for the BSUID parameter: its changelog says `ExternalUserIdentifier`,
        // every public integration reads `ExternalUserId` (docs/channels.md): either is taken.
        let named_user_id = match ["ExternalUserId", "ExternalUserIdentifier"]
            .iter()
            .find_map(|name| non_empty(params, name).map(|v| (*name, v)))
        {
            None => None,
            Some((_, id)) if crate::core::twilio_ids::is_scoped_id(id) => Some(id.to_string()),
            Some((name, _)) => {
                return Err(FormError::Invalid {
                    field: if name == "ExternalUserId" {
                        "ExternalUserId"
                    } else {
                        "ExternalUserIdentifier"
                    },
                    reason: "expected a WhatsApp user id like US.13491208655302741918".into(),
                })
            }
        };
        let user_id = match &from {
            Sender::ScopedId(id) => Some(id.clone()),
            Sender::Phone(_) => named_user_id,
        };
        let num_media = match non_empty(params, "NumMedia") {
            None => 0,
            Some(n) => n.parse::<u32>().map_err(|_| FormError::Invalid {
                field: "NumMedia",
                reason: "expected a non-negative integer".into(),
            })?,
        };
        let mut media = Vec::new();
        let mut extra_media = Vec::new();
        // Files past the gateway's limit are read too (bounded: the body is at most 64 KiB),
        // so that the ticket lists them instead of dropping them silently.
        for i in 0..num_media.min(MAX_MEDIA + MAX_EXTRA_MEDIA) {
            let field = |name: &str| non_empty(params, &format!("{name}{i}")).map(str::to_string);
            let (Some(url), content_type) = (field("MediaUrl"), field("MediaContentType")) else {
                if i >= MAX_MEDIA {
                    break;
                }
                return Err(FormError::Missing("MediaUrl{N}"));
            };
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(FormError::Invalid {
                    field: "MediaUrl{N}",
                    reason: "expected an http(s) URL".into(),
                });
            }
            let item = MediaRef {
                url,
                content_type: content_type.unwrap_or_else(|| "application/octet-stream".into()),
            };
            if i < MAX_MEDIA {
                media.push(item);
            } else {
                extra_media.push(item);
            }
        }
        let coordinate = |name: &str| {
            non_empty(params, name)
                .filter(|v| is_coordinate(v))
                .map(str::to_string)
        };
        let location = match (coordinate("Latitude"), coordinate("Longitude")) {
            (Some(latitude), Some(longitude)) => Some(Location {
                latitude,
                longitude,
                address: customer_text(params, "Address"),
                label: customer_text(params, "Label"),
            }),
            _ => None,
        };
        // Twilio's names are lower-case words; anything else is not a type we would act on.
        let message_type = non_empty(params, "MessageType")
            .filter(|t| t.len() <= 24 && t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        let kind = MessageKind::of(
            message_type,
            customer_text(params, "ButtonPayload"),
            num_media > 0,
            location.is_some(),
        );
        Ok(InboundMessage {
            message_sid: message_sid.to_string(),
            account_sid: Some(account_sid.to_string()),
            from,
            body: without_controls(get(params, "Body").unwrap_or("")),
            num_media,
            media,
            extra_media,
            location,
            kind,
            addressed: Addressed {
                to,
                messaging_service_sid,
                channel: None,
                unrouted: false,
            },
            user_id,
        })
    }
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any bytes: an answer (parameters or an error), never a panic.
        #[test]
        fn any_body_parses_or_is_refused(body in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(params) = parse_params(&body) {
                let _ = InboundMessage::from_params(&params);
            }
        }

        /// Form-shaped input with arbitrary names and values round-trips.
        #[test]
        fn encoded_pairs_decode_to_themselves(pairs in proptest::collection::vec((".{0,12}", ".{0,40}"), 0..12)) {
            let body = serde_urlencoded::to_string(&pairs).unwrap();
            let decoded = parse_params(body.as_bytes()).unwrap();
            prop_assert_eq!(decoded, pairs);
        }
    }
}
