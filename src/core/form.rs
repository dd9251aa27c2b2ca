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
/// The text, files and location themselves are the message's other fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
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

impl Content {
    pub fn name(&self) -> &str {
        match self {
            Content::Text => "text",
            Content::Media => "media",
            Content::Location => "location",
            Content::Contact => "contact",
            Content::ButtonReply { .. } => "button_reply",
            Content::Reaction => "reaction",
            Content::Other { message_type } => message_type,
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
            Some("button" | "interactive") => Content::ButtonReply { payload },
            Some("reaction") => Content::Reaction,
            Some("contacts" | "contact") => Content::Contact,
            Some("location") => Content::Location,
            _ if location => Content::Location,
            Some("image" | "video" | "audio" | "document" | "sticker") => Content::Media,
            _ if media => Content::Media,
            None | Some("text") => Content::Text,
            Some(other) => Content::Other {
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
    #[serde(default)]
    pub content: Content,
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
        // Checked, not kept: replies go from the configured sender (TWILIO_WHATSAPP_NUMBER).
        match non_empty(params, "To") {
            None => {}
            Some(raw) if !raw.starts_with("whatsapp:") => {
                return Err(FormError::Invalid {
                    field: "To",
                    reason: "expected a whatsapp: address".into(),
                })
            }
            Some(raw) => match Sender::parse(raw) {
                Ok(Sender::Phone(_)) => {}
                _ => {
                    return Err(FormError::Invalid {
                        field: "To",
                        reason: "expected whatsapp:+<6 to 15 digits>".into(),
                    })
                }
            },
        }
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
        // A decimal number: optional sign, digits, optional fraction (what Twilio sends).
        let coordinate = |name: &str| {
            non_empty(params, name)
                .filter(|v| {
                    let digits = v.strip_prefix('-').unwrap_or(v);
                    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
                    !int.is_empty()
                        && int.len() <= 3
                        && int.bytes().all(|b| b.is_ascii_digit())
                        && !frac.is_empty()
                        && frac.len() <= 12
                        && frac.bytes().all(|b| b.is_ascii_digit())
                })
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
        let content = Content::of(
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
            content,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "SM0123456789abcdef0123456789abcdef";
    const ACC: &str = "AC00000000000000000000000000000001";

    fn params(body: &str) -> FormParams {
        parse_params(body.as_bytes()).unwrap()
    }

    #[test]
    fn parses_a_typical_twilio_webhook() {
        let p = params("SmsMessageSid=SM0123456789abcdef0123456789abcdef&NumMedia=0&ProfileName=Ana&MessageType=text&WaId=15550001234&Body=I+can%E2%80%99t+log+in&To=whatsapp%3A%2B14155238886&From=whatsapp%3A%2B15550001234&MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&ApiVersion=2010-04-01");
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.message_sid, "SM0123456789abcdef0123456789abcdef");
        assert_eq!(m.from, Sender::Phone("+15550001234".into()));
        assert_eq!(m.body, "I can’t log in");
        assert_eq!(m.num_media, 0);
    }

    #[test]
    fn accepts_a_business_scoped_user_id() {
        let p = params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3AUS.13491208655302741918&Body=hello");
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.from, Sender::ScopedId("US.13491208655302741918".into()));
        assert_eq!(
            m.from.whatsapp_address(),
            "whatsapp:US.13491208655302741918"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            InboundMessage::from_params(&params("From=whatsapp%3A%2B15550001234&Body=x")),
            Err(FormError::Missing("MessageSid"))
        );
        assert_eq!(
            InboundMessage::from_params(&params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&Body=x")),
            Err(FormError::Missing("From"))
        );
        assert_eq!(
            InboundMessage::from_params(&params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=")),
            Err(FormError::Missing("From"))
        );
    }

    #[test]
    fn a_missing_body_is_an_empty_message() {
        let m = InboundMessage::from_params(&params(
            "MessageSid=MM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=1&MediaUrl0=https%3A%2F%2Fx%2Fm&MediaContentType0=image%2Fpng",
        ))
        .unwrap();
        assert_eq!(m.body, "");
        assert_eq!(m.num_media, 1);
    }

    #[test]
    fn invalid_values_are_refused() {
        let cases: Vec<String> = vec![
            "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B12ab".to_string(),
            "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%3Cscript%3E".to_string(),
            "MessageSid=SM%20x&From=whatsapp%3A%2B15550001234".to_string(),
            // A parameter folded into an identifier (the signature cannot tell).
            format!("MessageSid={SID}MessageTypetext&AccountSid={ACC}&From=whatsapp%3A%2B15550001234"),
            format!("MessageSid={}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234", SID.to_uppercase()),
            format!("MessageSid=SM{}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234", &SID[3..]),
            format!("MessageSid=XX{}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234", &SID[2..]),
            format!("MessageSid={SID}&AccountSid={ACC}ApiVersion2010-04-01&From=whatsapp%3A%2B15550001234"),
            format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3AUS.1234LabelHome"),
            format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3AUS.12.34"),
            format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3Aus.1234"),
            format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234&To=whatsapp%3A%2B14155238886WaId15550001234"),
            "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=-1".to_string(),
        ];
        for body in &cases {
            assert!(
                matches!(
                    InboundMessage::from_params(&params(body)),
                    Err(FormError::Invalid { .. }) | Err(FormError::Missing(_))
                ),
                "{body}"
            );
        }
    }

    #[test]
    fn twilio_identifiers_have_their_exact_shape() {
        assert!(is_message_sid(SID) && is_message_sid(&SID.replacen("SM", "MM", 1)));
        assert!(!is_message_sid(&format!("{SID}0")) && !is_message_sid(&SID[..33]));
        assert!(is_account_sid(ACC) && is_account_sid(&format!("AC{}", ACC[2..].to_uppercase())));
        assert!(!is_account_sid("AC1") && !is_account_sid(&format!("{ACC}ApiVersion")));
        let parent = params(&format!(
            "MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3AUS.ENT.11815799212886844830"
        ));
        assert_eq!(
            InboundMessage::from_params(&parent).unwrap().from,
            Sender::ScopedId("US.ENT.11815799212886844830".into())
        );
        let no_account = params(&format!("MessageSid={SID}&From=whatsapp%3A%2B15550001234"));
        assert_eq!(
            InboundMessage::from_params(&no_account),
            Err(FormError::Missing("AccountSid"))
        );
    }

    #[test]
    fn text_moved_out_of_body_into_new_parameters_is_refused() {
        // A captured webhook whose Body ended in "From" + another number, re-split: the same
        // signing string, another sender. Each shape the leftover can take is refused.
        let base = format!("MessageSid={SID}&AccountSid={ACC}&Body=hi+");
        for forged in [
            "&From=whatsapp%3A%2B15559990000&Fromwhatsapp%3A=%2B15550001234&WaId=15550001234",
            "&From=whatsapp%3A%2B15559990000&Fromwhatsapp=%3A%2B15550001234&WaId=15550001234",
            "&From=whatsapp%3A%2B15559990000&From=whatsapp%3A%2B15550001234&WaId=15550001234",
            "&From=whatsapp%3A%2B15559990000&Label=xFromwhatsapp%3A%2B15550001234&WaId=15550001234",
            "&From=%2B15559990000&WaId=15559990000",
        ] {
            let m = InboundMessage::from_params(&params(&format!("{base}{forged}")));
            assert!(
                matches!(m, Err(FormError::Invalid { .. })),
                "{forged}: {m:?}"
            );
        }
        let fine = format!("{base}&From=whatsapp%3A%2B15550001234&WaId=15550001234&FromCountry=US");
        assert!(InboundMessage::from_params(&params(&fine)).is_ok());
    }

    #[test]
    fn files_past_the_limit_are_kept_to_be_listed() {
        let mut body =
            format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234&NumMedia=12");
        for i in 0..12 {
            body.push_str(&format!(
                "&MediaUrl{i}=https%3A%2F%2Fapi.twilio.com%2Fm{i}&MediaContentType{i}=image%2Fjpeg"
            ));
        }
        let m = InboundMessage::from_params(&params(&body)).unwrap();
        assert_eq!((m.media.len(), m.extra_media.len()), (10, 2));
        assert_eq!(m.extra_media[1].url, "https://api.twilio.com/m11");
        // NumMedia larger than the files present: the ones present past 10 are listed.
        let lying = body.replace("NumMedia=12", "NumMedia=4000000000");
        assert_eq!(
            InboundMessage::from_params(&params(&lying))
                .unwrap()
                .extra_media
                .len(),
            2
        );
    }

    #[test]
    fn media_and_locations_are_read() {
        let p = params("MessageSid=MM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm0&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm1&MediaContentType1=application%2Fpdf&Body=");
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.media.len(), 2);
        assert_eq!(
            m.media[1],
            MediaRef {
                url: "https://api.twilio.com/m1".into(),
                content_type: "application/pdf".into()
            }
        );
        let missing = params("MessageSid=MM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=1");
        assert_eq!(
            InboundMessage::from_params(&missing),
            Err(FormError::Missing("MediaUrl{N}"))
        );
        let loc = params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&Latitude=52.52&Longitude=13.405&Address=Alexanderplatz&Label=Office&Body=");
        let m = InboundMessage::from_params(&loc).unwrap();
        assert_eq!(
            m.location.unwrap().describe(),
            "Location shared: Office, Alexanderplatz (52.52, 13.405) https://www.google.com/maps?q=52.52,13.405"
        );
    }

    #[test]
    fn odd_coordinates_are_not_a_location() {
        for (lat, lng) in [
            ("NaN", "1"),
            ("1e999", "2"),
            ("12", "abc"),
            ("", "3"),
            ("1234.5", "3"),
        ] {
            let body = format!(
                "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&Latitude={lat}&Longitude={lng}"
            );
            let m = InboundMessage::from_params(&params(&body)).unwrap();
            assert_eq!(m.location, None, "{lat},{lng}");
        }
        let ok = InboundMessage::from_params(&params(
            "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&Latitude=-33.8688&Longitude=151",
        ))
        .unwrap();
        assert_eq!(ok.location.unwrap().longitude, "151");
    }

    #[test]
    fn control_characters_never_reach_the_message() {
        let p = params(&format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234&Body=I+need%00+help%1B%5B2J%0D%0Anow%C2%85%7F%09ok&ProfileName=%00An%07a&Latitude=1.5&Longitude=2&Address=Main%00St&Label=%1B%00"));
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.body, "I need help[2J\nnow\tok");
        let location = m.location.unwrap();
        assert_eq!(location.address.as_deref(), Some("MainSt"));
        assert_eq!(location.label, None, "nothing left of the label");
    }

    #[test]
    fn invalid_utf8_is_malformed() {
        assert!(matches!(
            parse_params(b"Body=%FF%FE"),
            Err(FormError::Malformed(_))
        ));
    }

    #[test]
    fn decoding_follows_form_rules() {
        assert_eq!(
            parse_params(b"a=1+2%2B3&b&=x&c=%zz%4").unwrap(),
            vec![
                ("a".into(), "1 2+3".into()),
                ("b".into(), "".into()),
                ("".into(), "x".into()),
                ("c".into(), "%zz%4".into())
            ]
        );
        assert_eq!(parse_params(b"").unwrap(), vec![]);
        assert_eq!(parse_params(b"e=%F0%9F%91%8D").unwrap()[0].1, "👍");
    }

    #[test]
    fn unknown_and_repeated_parameters_are_kept_for_the_signature() {
        let p = params("B=2&A=1&B=1&Zz=");
        assert_eq!(p.len(), 4);
    }

    #[test]
    fn the_content_kind_follows_messagetype_and_what_the_message_carries() {
        let base = format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234");
        let kind = |extra: &str| {
            InboundMessage::from_params(&params(&format!("{base}&{extra}")))
                .unwrap()
                .content
        };
        assert_eq!(
            kind("MessageType=button&Body=Talk+to+an+agent&ButtonPayload=agent"),
            Content::ButtonReply {
                payload: Some("agent".into())
            }
        );
        assert_eq!(
            kind("MessageType=image&NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fx&MediaContentType0=image%2Fjpeg"),
            Content::Media
        );
        assert_eq!(kind("Latitude=1.5&Longitude=2.25"), Content::Location);
        assert_eq!(kind("MessageType=text&Body=hi"), Content::Text);
        assert_eq!(kind("Body=hi"), Content::Text);
        assert_eq!(
            kind("MessageType=order"),
            Content::Other {
                message_type: "order".into()
            }
        );
        assert_eq!(
            kind("MessageType=Te%20xt"),
            Content::Text,
            "not a Twilio type name"
        );
    }
}

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
