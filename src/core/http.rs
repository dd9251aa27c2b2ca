//! Plain descriptions of outbound HTTP requests and the answers to them. The core builds and
//! reads these; the shell carries them out with the Worker Fetch API.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What became of a request: an answer, or none (timeout, network failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exchange {
    Answered(HttpAnswer),
    TimedOut,
    NetworkError(String),
}
