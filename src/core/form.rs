//! Twilio's inbound webhook form (application/x-www-form-urlencoded) to a typed message.

use crate::core::text::without_controls;
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

/// Who wrote: a phone number, or a WhatsApp business-scoped user id (BSUID) when the user
/// hides their number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sender {
    /// E.164 with the leading `+`, e.g. `+15550001234`.
    Phone(String),
    /// Business-scoped user id, e.g. `US.13491208655302741918`.
    ScopedId(String),
}

impl Sender {
    /// The identity as shown to agents: `+15550001234` or the BSUID.
    pub fn display(&self) -> &str {
        match self {
            Sender::Phone(p) | Sender::ScopedId(p) => p,
        }
    }

    /// The address Twilio's Messages API expects in `To`.
    pub fn whatsapp_address(&self) -> String {
        format!("whatsapp:{}", self.display())
    }

    fn parse(raw: &str) -> Result<Sender, FormError> {
        let invalid = |reason: &str| FormError::Invalid {
            field: "From",
            reason: reason.to_string(),
        };
        let address = raw.strip_prefix("whatsapp:").unwrap_or(raw).trim();
        if let Some(digits) = address.strip_prefix('+') {
            if (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(Sender::Phone(address.to_string()));
            }
            return Err(invalid("expected whatsapp:+<6 to 15 digits>"));
        }
        let id_ok = !address.is_empty()
            && address.len() <= 128
            && address
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if id_ok {
            Ok(Sender::ScopedId(address.to_string()))
        } else {
            Err(invalid("neither a phone number nor a WhatsApp user id"))
        }
    }
}

/// One inbound WhatsApp message, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMessage {
    pub message_sid: String,
    pub account_sid: Option<String>,
    pub from: Sender,
    pub to: Option<String>,
    /// The text as the customer wrote it (may be empty for media, location or contact messages).
    pub body: String,
    pub profile_name: Option<String>,
    pub num_media: u32,
    /// The files sent with the message (`MediaUrl{N}`, `MediaContentType{N}`).
    #[serde(default)]
    pub media: Vec<MediaRef>,
    /// A shared location (`Latitude`, `Longitude`, `Address`, `Label`).
    #[serde(default)]
    pub location: Option<Location>,
}

/// WhatsApp allows at most this many files per message; Twilio numbers them from 0.
pub const MAX_MEDIA: u32 = 10;

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

impl InboundMessage {
    pub fn from_params(params: &FormParams) -> Result<InboundMessage, FormError> {
        let message_sid =
            non_empty(params, "MessageSid").ok_or(FormError::Missing("MessageSid"))?;
        let sid_ok =
            message_sid.len() <= 64 && message_sid.bytes().all(|b| b.is_ascii_alphanumeric());
        if !sid_ok {
            return Err(FormError::Invalid {
                field: "MessageSid",
                reason: "expected letters and digits (SM... or MM...)".into(),
            });
        }
        let from = Sender::parse(non_empty(params, "From").ok_or(FormError::Missing("From"))?)?;
        let num_media = match non_empty(params, "NumMedia") {
            None => 0,
            Some(n) => n.parse::<u32>().map_err(|_| FormError::Invalid {
                field: "NumMedia",
                reason: "expected a non-negative integer".into(),
            })?,
        };
        let mut media = Vec::new();
        for i in 0..num_media.min(MAX_MEDIA) {
            let field = |name: &str| non_empty(params, &format!("{name}{i}")).map(str::to_string);
            let (Some(url), content_type) = (field("MediaUrl"), field("MediaContentType")) else {
                return Err(FormError::Missing("MediaUrl{N}"));
            };
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(FormError::Invalid {
                    field: "MediaUrl{N}",
                    reason: "expected an http(s) URL".into(),
                });
            }
            media.push(MediaRef {
                url,
                content_type: content_type.unwrap_or_else(|| "application/octet-stream".into()),
            });
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
        Ok(InboundMessage {
            message_sid: message_sid.to_string(),
            account_sid: non_empty(params, "AccountSid").map(str::to_string),
            from,
            to: non_empty(params, "To").map(str::to_string),
            body: without_controls(get(params, "Body").unwrap_or("")),
            profile_name: customer_text(params, "ProfileName"),
            num_media,
            media,
            location,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(body: &str) -> FormParams {
        parse_params(body.as_bytes()).unwrap()
    }

    #[test]
    fn parses_a_typical_twilio_webhook() {
        let p = params("SmsMessageSid=SM1&NumMedia=0&ProfileName=Ana&MessageType=text&WaId=15550001234&Body=I+can%E2%80%99t+log+in&To=whatsapp%3A%2B14155238886&From=whatsapp%3A%2B15550001234&MessageSid=SMabc123&AccountSid=AC1&ApiVersion=2010-04-01");
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.message_sid, "SMabc123");
        assert_eq!(m.from, Sender::Phone("+15550001234".into()));
        assert_eq!(m.body, "I can’t log in");
        assert_eq!(m.to.as_deref(), Some("whatsapp:+14155238886"));
        assert_eq!(m.profile_name.as_deref(), Some("Ana"));
        assert_eq!(m.num_media, 0);
    }

    #[test]
    fn accepts_a_business_scoped_user_id() {
        let p = params("MessageSid=SM1&From=whatsapp%3AUS.13491208655302741918&Body=hello");
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
            InboundMessage::from_params(&params("MessageSid=SM1&Body=x")),
            Err(FormError::Missing("From"))
        );
        assert_eq!(
            InboundMessage::from_params(&params("MessageSid=SM1&From=")),
            Err(FormError::Missing("From"))
        );
    }

    #[test]
    fn a_missing_body_is_an_empty_message() {
        let m = InboundMessage::from_params(&params(
            "MessageSid=MM1&From=whatsapp%3A%2B15550001234&NumMedia=1&MediaUrl0=https%3A%2F%2Fx%2Fm&MediaContentType0=image%2Fpng",
        ))
        .unwrap();
        assert_eq!(m.body, "");
        assert_eq!(m.num_media, 1);
    }

    #[test]
    fn invalid_values_are_refused() {
        for body in [
            "MessageSid=SM1&From=whatsapp%3A%2B12ab",
            "MessageSid=SM1&From=whatsapp%3A%3Cscript%3E",
            "MessageSid=SM%20x&From=whatsapp%3A%2B15550001234",
            "MessageSid=SM1&From=whatsapp%3A%2B15550001234&NumMedia=-1",
        ] {
            assert!(
                matches!(
                    InboundMessage::from_params(&params(body)),
                    Err(FormError::Invalid { .. })
                ),
                "{body}"
            );
        }
    }

    #[test]
    fn media_and_locations_are_read() {
        let p = params("MessageSid=MM1&From=whatsapp%3A%2B15550001234&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm0&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm1&MediaContentType1=application%2Fpdf&Body=");
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.media.len(), 2);
        assert_eq!(
            m.media[1],
            MediaRef {
                url: "https://api.twilio.com/m1".into(),
                content_type: "application/pdf".into()
            }
        );
        let missing = params("MessageSid=MM1&From=whatsapp%3A%2B15550001234&NumMedia=1");
        assert_eq!(
            InboundMessage::from_params(&missing),
            Err(FormError::Missing("MediaUrl{N}"))
        );
        let loc = params("MessageSid=SM1&From=whatsapp%3A%2B15550001234&Latitude=52.52&Longitude=13.405&Address=Alexanderplatz&Label=Office&Body=");
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
                "MessageSid=SM1&From=whatsapp%3A%2B15550001234&Latitude={lat}&Longitude={lng}"
            );
            let m = InboundMessage::from_params(&params(&body)).unwrap();
            assert_eq!(m.location, None, "{lat},{lng}");
        }
        let ok = InboundMessage::from_params(&params(
            "MessageSid=SM1&From=whatsapp%3A%2B15550001234&Latitude=-33.8688&Longitude=151",
        ))
        .unwrap();
        assert_eq!(ok.location.unwrap().longitude, "151");
    }

    #[test]
    fn control_characters_never_reach_the_message() {
        let p = params("MessageSid=SM1&From=whatsapp%3A%2B15550001234&Body=I+need%00+help%1B%5B2J%0D%0Anow%C2%85%7F%09ok&ProfileName=%00An%07a&Latitude=1.5&Longitude=2&Address=Main%00St&Label=%1B%00");
        let m = InboundMessage::from_params(&p).unwrap();
        assert_eq!(m.body, "I need help[2J\nnow\tok");
        assert_eq!(m.profile_name.as_deref(), Some("Ana"));
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
