//! The simulated Zendesk and Twilio the scenarios run against, with injectable faults.

use super::*;

#[derive(Debug, Default, Clone)]
pub(super) struct SimTicket {
    pub(super) id: u64,
    pub(super) external_id: Option<String>,
    pub(super) follow_up_of: Option<u64>,
    pub(super) closed: bool,
    pub(super) deleted: bool,
    pub(super) comments: Vec<(String, Option<u64>)>,
    /// The id of each comment, in the same order.
    pub(super) ids: Vec<u64>,
    /// The ticket as the create sent it.
    pub(super) created: Value,
}

#[derive(Debug, Default, Clone)]
pub(super) struct World {
    pub(super) tickets: Vec<SimTicket>,
    pub(super) idempotency: HashMap<String, u64>,
    pub(super) sent: Vec<(String, String)>, // (sid, body)
    pub(super) notes: Vec<(u64, String)>,   // (ticket id, internal note)
    /// Tags added by updates (`additional_tags`), by ticket.
    pub(super) tags_added: Vec<(u64, String)>,
    pub(super) faults: VecDeque<Option<Fault>>,
    pub(super) calls: Vec<String>,
    pub(super) now: u64,
    pub(super) update_times: Vec<u64>,
    /// Size of every file the simulated Twilio serves, and the limit of the transfer asked.
    pub(super) media_size: u64,
    pub(super) transfer_limit: u64,
    pub(super) uploads: Vec<String>,
    /// Upload tokens attached to each ticket's comments.
    pub(super) attached: Vec<String>,
    /// Files on agents' comments, by comment id.
    pub(super) agent_files: HashMap<u64, Value>,
    /// Zendesk roles of the comments' authors other than the requester (77: "end-user") and
    /// the agent (5: "agent"), as the `users` side-load lists them; "none" leaves one out.
    pub(super) roles: HashMap<u64, &'static str>,
    /// Comments Zendesk wrote for a merge (`via.channel` "merge").
    pub(super) merges: Vec<u64>,
    /// When comments were written (`created_at`), for those that say.
    pub(super) comment_times: HashMap<u64, &'static str>,
    /// Every Zendesk call answers 503 (Twilio's are unaffected).
    pub(super) zendesk_down: bool,
    /// Every Zendesk call answers 503 until then (an `Outage`).
    pub(super) zendesk_down_until: Option<u64>,
    /// Users made by `create_or_update` (`REQUESTER_IDENTITY=whatsapp`), as it was sent.
    pub(super) users: Vec<Value>,
    /// The customer's number belongs to another user: a phone identity answers 422.
    pub(super) phone_taken: bool,
}

impl World {
    /// The bodies of the messages sent to the customer, from the `from`-th on.
    pub(super) fn sent_bodies(&self, from: usize) -> Vec<&str> {
        self.sent[from..].iter().map(|(_, b)| b.as_str()).collect()
    }

    pub(super) fn ticket_json(t: &SimTicket) -> Value {
        // The requester the create named (`REQUESTER_IDENTITY=whatsapp`), else the one Zendesk
        // made from the placeholder e-mail (77).
        let requester = t.created["requester_id"].as_u64().unwrap_or(77);
        json!({"id": t.id, "requester_id": requester, "status": if t.closed { "closed" } else { "open" }, "external_id": t.external_id})
    }

    /// Carries the request out against the simulated APIs.
    pub(super) fn perform(&mut self, req: &HttpRequest) -> Exchange {
        if req.method == "TRANSFER" {
            if self.media_size > self.transfer_limit {
                return Exchange::Answered(HttpAnswer {
                    status: 413,
                    headers: vec![("x-media-size".into(), self.media_size.to_string())],
                    body: String::new(),
                });
            }
            let token = format!("tok{}", self.uploads.len());
            self.uploads.push(token.clone());
            return answer(201, json!({"upload": {"token": token, "attachment": {}}}));
        }
        if let Ok(v) = serde_json::from_str::<Value>(&req.body) {
            if let Some(list) = v["ticket"]["comment"]["uploads"].as_array() {
                self.attached
                    .extend(list.iter().filter_map(|t| t.as_str().map(str::to_string)));
            }
        }
        let path = req
            .url
            .split_once("://")
            .map(|(_, r)| &r[r.find('/').unwrap()..])
            .unwrap();
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        match (req.method, path) {
            ("POST", "/api/v2/tickets.json") => {
                let key = req
                    .headers
                    .iter()
                    .find(|(k, _)| *k == "Idempotency-Key")
                    .map(|(_, v)| v.clone());
                if let Some(id) = key.as_ref().and_then(|k| self.idempotency.get(k)) {
                    let t = self.tickets.iter().find(|t| t.id == *id).unwrap();
                    return answer(201, json!({"ticket": Self::ticket_json(t), "audit": {}}));
                }
                let v: Value = serde_json::from_str(&req.body).unwrap();
                let id = 1000 + self.tickets.len() as u64;
                let t = SimTicket {
                    id,
                    external_id: v["ticket"]["external_id"].as_str().map(str::to_string),
                    follow_up_of: v["ticket"]["via_followup_source_id"].as_u64(),
                    closed: false,
                    deleted: false,
                    comments: vec![(
                        v["ticket"]["comment"]["body"].as_str().unwrap().to_string(),
                        Some(v["ticket"]["requester_id"].as_u64().unwrap_or(77)),
                    )],
                    ids: vec![id * 100],
                    created: v["ticket"].clone(),
                };
                let body = json!({"ticket": Self::ticket_json(&t), "audit": {}});
                self.tickets.push(t);
                if let Some(k) = key {
                    self.idempotency.insert(k, id);
                }
                answer(201, body)
            }
            // Zendesk matches on `external_id` (or e-mail), never on the phone: 200 found,
            // 201 made; a phone identity another user has is a 422.
            ("POST", "/api/v2/users/create_or_update.json") => {
                let v: Value = serde_json::from_str(&req.body).unwrap();
                let user = &v["user"];
                if self.phone_taken && user.get("identities").is_some() {
                    return answer(
                        422,
                        json!({"error": "RecordInvalid", "description": "Record validation errors", "details": {"value": [{"description": "Value: +15550001234 is already being used by another user"}]}}),
                    );
                }
                let found = self
                    .users
                    .iter()
                    .position(|u| u["external_id"] == user["external_id"]);
                match found {
                    Some(i) => answer(200, json!({"user": {"id": 500 + i as u64}})),
                    None => {
                        self.users.push(user.clone());
                        answer(
                            201,
                            json!({"user": {"id": 500 + self.users.len() as u64 - 1}}),
                        )
                    }
                }
            }
            ("GET", "/api/v2/tickets.json") => {
                let ext = query.strip_prefix("external_id=").unwrap_or("");
                let list: Vec<Value> = self
                    .tickets
                    .iter()
                    .filter(|t| t.external_id.as_deref() == Some(ext))
                    .map(Self::ticket_json)
                    .collect();
                answer(200, json!({"tickets": list, "count": list.len()}))
            }
            ("PUT", p) if p.starts_with("/api/v2/tickets/") => {
                let id: u64 = p
                    .trim_start_matches("/api/v2/tickets/")
                    .trim_end_matches(".json")
                    .parse()
                    .unwrap();
                let Some(t) = self.tickets.iter_mut().find(|t| t.id == id && !t.deleted) else {
                    return answer(
                        404,
                        json!({"error": "RecordNotFound", "description": "Not found"}),
                    );
                };
                if t.closed {
                    return answer(
                        422,
                        json!({"error": "RecordInvalid", "description": "Record validation errors", "details": {"status": [{"description": "Status: closed prevents ticket update"}]}}),
                    );
                }
                let v: Value = serde_json::from_str(&req.body).unwrap();
                for tag in v["ticket"]["additional_tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    self.tags_added
                        .push((id, tag.as_str().unwrap().to_string()));
                }
                let c = &v["ticket"]["comment"];
                if c["public"].as_bool() == Some(false) {
                    let body = c["body"].as_str().unwrap().to_string();
                    self.notes.push((id, body));
                    return answer(200, json!({"ticket": Self::ticket_json(t), "audit": {}}));
                }
                t.ids.push(id * 100 + t.comments.len() as u64);
                t.comments.push((
                    c["body"].as_str().unwrap().to_string(),
                    c["author_id"].as_u64(),
                ));
                self.update_times.push(self.now);
                answer(200, json!({"ticket": Self::ticket_json(t), "audit": {}}))
            }
            ("GET", p) if p.ends_with("/comments.json") => {
                let id: u64 = p
                    .trim_start_matches("/api/v2/tickets/")
                    .trim_end_matches("/comments.json")
                    .parse()
                    .unwrap();
                let t = self.tickets.iter().find(|t| t.id == id).unwrap();
                let mut list: Vec<Value> = t
                    .comments
                    .iter()
                    .zip(&t.ids)
                    .map(|((b, a), cid)| {
                        let files = self.agent_files.get(cid).cloned().unwrap_or(json!([]));
                        let channel = if self.merges.contains(cid) { "merge" } else { "web" };
                        let mut c = json!({"id": cid, "body": b, "author_id": a, "public": true, "attachments": files, "via": {"channel": channel, "source": {"from": {}, "to": {}, "rel": null}}});
                        if let Some(at) = self.comment_times.get(cid) {
                            c["created_at"] = json!(at);
                        }
                        c
                    })
                    .collect();
                list.extend(
                    self.notes
                        .iter()
                        .filter(|(tid, _)| *tid == id)
                        .map(|(_, b)| json!({"id": 1, "body": b, "author_id": 1, "public": false})),
                );
                list.reverse();
                // The `include=users` side-load: every author, with its role.
                let mut users: Vec<Value> = vec![];
                for a in list.iter().filter_map(|c| c["author_id"].as_u64()) {
                    let role = self.roles.get(&a).copied().unwrap_or(match a {
                        // 500 on: the users `create_or_update` made.
                        77 | 500..=599 => "end-user",
                        1 => "admin",
                        _ => "agent",
                    });
                    if role != "none" && !users.iter().any(|u| u["id"] == a) {
                        users.push(json!({"id": a, "name": format!("User {a}"), "role": role}));
                    }
                }
                answer(200, json!({"comments": list, "users": users}))
            }
            ("POST", p) if p.ends_with("/Messages.json") => {
                let form: Vec<(String, String)> = serde_urlencoded::from_str(&req.body).unwrap();
                let get = |k: &str| {
                    form.iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                // Twilio counts the Body in UTF-16 code units and refuses more than 1600.
                if get("Body").encode_utf16().count() > 1600 {
                    return answer(
                        400,
                        json!({"code": 21617, "message": "The concatenated message body exceeds the 1600 character limit.", "status": 400}),
                    );
                }
                // Twilio's shape: SM and 32 hex digits.
                let sid = format!("SM{:032x}", self.sent.len());
                let body = if !get("MediaUrl").is_empty() {
                    format!("media {}", get("MediaUrl"))
                } else if get("ContentSid").is_empty() {
                    get("Body")
                } else {
                    format!("template {} {}", get("ContentSid"), get("ContentVariables"))
                };
                self.sent.push((sid.clone(), body));
                answer(
                    201,
                    json!({"sid": sid, "status": "queued", "to": get("To")}),
                )
            }
            ("GET", p) if p.ends_with("/Messages.json") => {
                let list: Vec<Value> =
                    self.sent.iter().rev().map(|(sid, body)| json!({"sid": sid, "to": format!("whatsapp:{CUSTOMER}"), "body": body})).collect();
                answer(200, json!({"messages": list}))
            }
            other => panic!("unexpected request {other:?}"),
        }
    }
}
