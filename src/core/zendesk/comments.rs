//! A ticket's comments as the gateway reads them: who wrote each (the authors' roles, from the
//! `users` side-load) and whether Zendesk wrote it for a merge, so that only agents' public
//! replies are sent to the customer.

use super::{json_headers, Attachment};
use crate::core::http::HttpRequest;
use serde::Deserialize;
use serde_json::Value;

/// `GET /api/v2/tickets/{id}/comments.json`, newest first, with the comments' authors
/// side-loaded (`include=users`: a top-level `users` array, each with its `role`), so that only
/// agents' comments are sent to the customer. Also read to check whether a comment whose answer
/// was lost was added after all.
/// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
/// https://developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/side_loading/
pub fn list_comments_request(base_url: &str, authorization: &str, ticket_id: u64) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!(
            "{base_url}/api/v2/tickets/{ticket_id}/comments.json?sort_order=desc&per_page=100&include=users"
        ),
        headers: json_headers(authorization),
        body: String::new(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommentSeen {
    pub id: Option<u64>,
    pub body: String,
    pub author_id: Option<u64>,
    /// The author's role in the `users` side-load: "end-user", "agent" or "admin"
    /// (https://developer.zendesk.com/api-reference/ticketing/users/users/#json-format);
    /// `None` when the author is not in it.
    pub author_role: Option<String>,
    /// Written by Zendesk when tickets are merged (`via.channel` "merge", via id 19:
    /// https://developer.zendesk.com/documentation/ticketing/reference-guides/via-types/); the
    /// notice on the target quotes the merged ticket's last comment, someone else's words.
    pub merge: bool,
    pub public: bool,
    pub created_ms: Option<u64>,
    pub attachments: Vec<Attachment>,
}

impl CommentSeen {
    /// Written by someone who answers for the company: an agent or an admin.
    pub fn by_agent(&self) -> bool {
        matches!(self.author_role.as_deref(), Some("agent" | "admin"))
    }
}

/// Whether a comment's `via` says Zendesk wrote it for a merge: the channel as a via type
/// ("merge") or a via id (19), or a source whose `rel` is "merge".
/// https://developer.zendesk.com/documentation/ticketing/reference-guides/via-object-reference/
fn via_merge(via: &Value) -> bool {
    let channel = &via["channel"];
    channel.as_str() == Some("merge")
        || channel.as_u64() == Some(19)
        || channel.as_str() == Some("19")
        || via["source"]["rel"].as_str() == Some("merge")
}

pub fn parse_comment_list(body: &str) -> Result<Vec<CommentSeen>, String> {
    #[derive(Deserialize)]
    struct List {
        comments: Vec<Item>,
        /// The side-loaded users (`include=users`); absent when not asked for.
        #[serde(default)]
        users: Vec<User>,
    }
    #[derive(Deserialize)]
    struct Item {
        #[serde(default)]
        id: Option<u64>,
        #[serde(default)]
        body: String,
        #[serde(default)]
        author_id: Option<u64>,
        #[serde(default = "yes")]
        public: bool,
        #[serde(default)]
        attachments: Vec<Attachment>,
        #[serde(default)]
        created_at: Option<String>,
        #[serde(default)]
        via: Value,
    }
    #[derive(Deserialize)]
    struct User {
        #[serde(default)]
        id: Option<u64>,
        #[serde(default)]
        role: Option<String>,
    }
    fn yes() -> bool {
        true
    }
    let list =
        serde_json::from_str::<List>(body).map_err(|e| format!("unexpected comment list: {e}"))?;
    let role_of = |author: Option<u64>| {
        let author = author?;
        list.users
            .iter()
            .find(|u| u.id == Some(author))
            .and_then(|u| u.role.clone())
    };
    Ok(list
        .comments
        .iter()
        .map(|c| CommentSeen {
            created_ms: c
                .created_at
                .as_deref()
                .and_then(crate::core::time::parse_iso8601_ms),
            id: c.id,
            body: c.body.clone(),
            author_id: c.author_id,
            author_role: role_of(c.author_id),
            merge: via_merge(&c.via),
            public: c.public,
            attachments: c.attachments.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_authors_roles_from_the_users_side_load_and_merge_notices() {
        // Zendesk's shape for GET .../comments.json?include=users (fields trimmed).
        let c = parse_comment_list(
            r#"{"comments":[
                {"id":1,"type":"Comment","author_id":7,"body":"Hi","public":true,"via":{"channel":"web","source":{"from":{},"to":{},"rel":null}}},
                {"id":2,"author_id":9,"body":"Me too","public":true,"via":{"channel":"email","source":{"from":{"address":"cc@example.com"},"to":{},"rel":null}}},
                {"id":3,"author_id":8,"body":"Request #5 was closed and merged into this request.","public":true,"via":{"channel":"merge","source":{"from":{"ticket_id":5},"to":{},"rel":null}}},
                {"id":4,"author_id":8,"body":"merged","via":{"channel":19}},
                {"id":5,"author_id":8,"body":"merged","via":{"channel":"api","source":{"rel":"merge"}}},
                {"id":6,"author_id":404,"body":"who?"}
            ],
            "users":[{"id":7,"name":"Sam","role":"agent"},{"id":9,"name":"Casey","role":"end-user"},{"id":8,"name":"Ada","role":"admin"}],
            "next_page":null,"previous_page":null,"count":6}"#,
        )
        .unwrap();
        let seen: Vec<(Option<&str>, bool, bool)> = c
            .iter()
            .map(|c| (c.author_role.as_deref(), c.by_agent(), c.merge))
            .collect();
        assert_eq!(
            seen,
            vec![
                (Some("agent"), true, false),
                (Some("end-user"), false, false),
                (Some("admin"), true, true),
                (Some("admin"), true, true),
                (Some("admin"), true, true),
                (None, false, false),
            ]
        );
        assert!(list_comments_request("https://z", "a", 5).url.ends_with(
            "/api/v2/tickets/5/comments.json?sort_order=desc&per_page=100&include=users"
        ));
    }
}
