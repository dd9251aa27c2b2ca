//! What a customer's message is, with its data: the conversation keeps the text, the files, the
//! place and the button's payload inside the kind that has them, so no code reads a location
//! off a text message or files off a reaction. Built from the webhook's form (`of`); stored as
//! `stored::v7::Content`.

use crate::core::form::{InboundMessage, Location, MessageKind, MAX_MEDIA};

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text {
        text: String,
    },
    /// Files (photo, video, voice note, document, sticker), with or without a caption.
    Files {
        files: Vec<MediaItem>,
        caption: String,
    },
    /// A shared location with its coordinates (`None` once the message is finished, or for a
    /// v6 message whose location text could not be read back: then it is in `text`).
    Location {
        place: Option<Location>,
        text: String,
    },
    /// A shared contact card: a vCard file Twilio hosts, read for the agents when copied.
    Contact {
        cards: Vec<MediaItem>,
        text: String,
    },
    /// A quick-reply or list button the customer pressed: an answer, never refused as a
    /// greeting.
    ButtonReply {
        text: String,
        payload: Option<String>,
    },
    /// An emoji reaction to an earlier message, when Twilio forwards one.
    Reaction {
        emoji: String,
    },
    /// A `MessageType` the gateway has no special handling for, by name, with what it carried
    /// (or a kind carrying what it cannot hold: a pressed button's payload is kept).
    Other {
        message_type: String,
        text: String,
        files: Vec<MediaItem>,
        payload: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct MediaItem {
    pub url: String,
    pub content_type: String,
    pub state: MediaState,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MediaState {
    Pending,
    Uploaded {
        token: String,
        filename: String,
        uploaded_ms: u64,
        /// Readable text for the agents (a shared contact's name and number).
        description: Option<String>,
    },
    /// Not attached (too large, refused type, could not be downloaded): listed in the comment.
    Skipped {
        reason: String,
    },
}

impl Default for Content {
    fn default() -> Self {
        Content::Text {
            text: String::new(),
        }
    }
}

impl Content {
    /// The content of a message as the webhook read it. Files past `MAX_MEDIA` are listed, not
    /// fetched (never silently dropped). A kind that cannot hold what came with it (a button
    /// with a location, say: WhatsApp sends no such thing) keeps it as `Other`.
    pub fn of(message: &InboundMessage) -> Content {
        let files: Vec<MediaItem> = message
            .media
            .iter()
            .map(|r| (r, MediaState::Pending))
            .chain(message.extra_media.iter().map(|r| {
                let reason =
                    format!("over the {MAX_MEDIA} files the gateway takes from one message");
                (r, MediaState::Skipped { reason })
            }))
            .map(|(r, state)| MediaItem {
                url: r.url.clone(),
                content_type: r.content_type.clone(),
                state,
            })
            .collect();
        let text = message.body.clone();
        let place = message.location.clone();
        let plain = files.is_empty() && place.is_none();
        match &message.kind {
            MessageKind::Text if plain => Content::Text { text },
            MessageKind::Media if place.is_none() => Content::Files {
                files,
                caption: text,
            },
            MessageKind::Location if files.is_empty() => Content::Location { place, text },
            MessageKind::Contact if place.is_none() => Content::Contact { cards: files, text },
            MessageKind::ButtonReply { payload } if plain => Content::ButtonReply {
                text,
                payload: payload.clone(),
            },
            MessageKind::Reaction if plain => Content::Reaction { emoji: text },
            kind => Content::Other {
                message_type: kind.name().to_string(),
                payload: match kind {
                    MessageKind::ButtonReply { payload } => payload.clone(),
                    _ => None,
                },
                text: match &place {
                    Some(p) if text.is_empty() => p.describe(),
                    Some(p) => format!("{text}\n\n{}", p.describe()),
                    None => text,
                },
                files,
            },
        }
    }

    /// The kind's name, as logs, metrics and the admin API give it.
    pub fn name(&self) -> &str {
        match self {
            Content::Text { .. } => "text",
            Content::Files { .. } => "media",
            Content::Location { .. } => "location",
            Content::Contact { .. } => "contact",
            Content::ButtonReply { .. } => "button_reply",
            Content::Reaction { .. } => "reaction",
            Content::Other { message_type, .. } => message_type,
        }
    }

    /// What the customer wrote: the text, the caption, the button's text, the emoji.
    pub fn text(&self) -> &str {
        match self {
            Content::Text { text }
            | Content::Location { text, .. }
            | Content::Contact { text, .. }
            | Content::ButtonReply { text, .. }
            | Content::Other { text, .. } => text,
            Content::Files { caption, .. } => caption,
            Content::Reaction { emoji } => emoji,
        }
    }

    /// The files sent with the message (contact cards included), in Twilio's order.
    pub fn files(&self) -> &[MediaItem] {
        match self {
            Content::Files { files, .. }
            | Content::Contact { cards: files, .. }
            | Content::Other { files, .. } => files,
            _ => &[],
        }
    }

    pub fn files_mut(&mut self) -> &mut [MediaItem] {
        match self {
            Content::Files { files, .. }
            | Content::Contact { cards: files, .. }
            | Content::Other { files, .. } => files,
            _ => &mut [],
        }
    }

    /// The shared place, while the message keeps it.
    pub fn place(&self) -> Option<&Location> {
        match self {
            Content::Location { place, .. } => place.as_ref(),
            _ => None,
        }
    }

    /// A pressed button: an answer, never refused as a greeting.
    pub fn is_button_reply(&self) -> bool {
        matches!(self, Content::ButtonReply { .. })
    }

    /// Something beyond its text for the agents (files or a place): never refused by triage.
    pub fn carries_more_than_text(&self) -> bool {
        !self.files().is_empty() || self.place().is_some()
    }

    /// Forgets the customer's content (text, files, place) and keeps the kind, and a short
    /// payload or type name (`clip`s them): a finished message tells its story without it.
    pub fn forget(&mut self, clip: impl Fn(&mut String, usize)) {
        match self {
            Content::Text { text } | Content::Reaction { emoji: text } => text.clear(),
            Content::Files { files, caption } => {
                files.clear();
                caption.clear();
            }
            Content::Location { place, text } => {
                *place = None;
                text.clear();
            }
            Content::Contact { cards, text } => {
                cards.clear();
                text.clear();
            }
            Content::ButtonReply { text, payload } => {
                text.clear();
                if let Some(payload) = payload {
                    clip(payload, 64);
                }
            }
            Content::Other {
                message_type,
                text,
                files,
                payload,
            } => {
                clip(message_type, 32);
                if let Some(payload) = payload {
                    clip(payload, 64);
                }
                text.clear();
                files.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::form::{parse_params, InboundMessage};

    fn content(extra: &str) -> Content {
        let body = format!(
            "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&{extra}"
        );
        Content::of(&InboundMessage::from_params(&parse_params(body.as_bytes()).unwrap()).unwrap())
    }

    #[test]
    fn each_kind_holds_its_data() {
        assert_eq!(
            content("Body=hello"),
            Content::Text {
                text: "hello".into()
            }
        );
        let photo = content("NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm0&MediaContentType0=image%2Fjpeg&Body=look");
        assert_eq!(
            (photo.name(), photo.text(), photo.files().len()),
            ("media", "look", 1)
        );
        let place = content("Latitude=52.52&Longitude=-13.4&Label=Shop&MessageType=location");
        let p = place.place().unwrap();
        assert_eq!(
            (p.latitude.as_str(), p.longitude.as_str()),
            ("52.52", "-13.4")
        );
        assert!(place.carries_more_than_text());
        let button = content("MessageType=button&Body=Yes&ButtonPayload=confirm");
        assert_eq!(
            button,
            Content::ButtonReply {
                text: "Yes".into(),
                payload: Some("confirm".into())
            }
        );
        assert!(button.is_button_reply());
        assert_eq!(
            content("MessageType=reaction&Body=%F0%9F%91%8D"),
            Content::Reaction {
                emoji: "👍".into()
            }
        );
    }

    #[test]
    fn what_a_kind_cannot_hold_is_kept_as_other() {
        // A button with a file (WhatsApp sends no such thing): nothing is dropped.
        let odd = content("MessageType=button&Body=Yes&ButtonPayload=confirm&NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm0&MediaContentType0=image%2Fjpeg");
        assert_eq!(
            (odd.name(), odd.text(), odd.files().len()),
            ("button_reply", "Yes", 1)
        );
        assert!(
            matches!(&odd, Content::Other { payload: Some(p), .. } if p == "confirm"),
            "the button's payload is kept: {odd:?}"
        );
    }

    #[test]
    fn forgetting_keeps_the_kind_and_drops_the_customers_content() {
        let mut c = content("Latitude=52.52&Longitude=13.4&Body=here");
        c.forget(|_, _| {});
        assert_eq!(c.name(), "location");
        assert!(c.text().is_empty() && c.place().is_none());
    }
}
