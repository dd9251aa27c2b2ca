//! Origins (scheme, host, port) of URLs, parsed, for deciding where credentials may go.
//! Compared as parsed origins, never by substring or suffix: `http://127.0.0.1:8\.acme.zendesk.com/`
//! is a request to 127.0.0.1, whatever its text ends with.

use url::Url;

/// True when both parse as URLs with the same tuple origin (the default port of a scheme
/// counts as that port). Anything unparsable, or with an opaque origin, matches nothing.
pub fn same_origin(a: &str, b: &str) -> bool {
    match (Url::parse(a), Url::parse(b)) {
        (Ok(a), Ok(b)) => {
            let (a, b) = (a.origin(), b.origin());
            a.is_tuple() && a == b
        }
        _ => false,
    }
}

/// The host of a URL for a log line (`-` when there is none).
pub fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_compared_parsed() {
        let twilio = "https://api.twilio.com";
        assert!(same_origin(
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
            twilio
        ));
        assert!(same_origin("https://api.twilio.com:443/x", twilio));
        assert!(same_origin("HTTPS://API.TWILIO.COM/x", twilio));
        for foreign in [
            "http://api.twilio.com/x",
            "https://api.twilio.com:8443/x",
            "https://api.twilio.com.evil.example/x",
            "https://evil.example/api.twilio.com/x",
            "https://api.twilio.com@evil.example/x",
            "https://evil.example\\.api.twilio.com/x",
            "https://xapi.twilio.com/x",
            "api.twilio.com/x",
            "",
            "data:text/plain,api.twilio.com",
        ] {
            assert!(!same_origin(foreign, twilio), "{foreign}");
        }
        // The finding: a backslash is a path separator, so this is a request to 127.0.0.1.
        let zendesk = "https://acme.zendesk.com";
        assert!(!same_origin(
            "http://127.0.0.1:9000\\.acme.zendesk.com/x.pdf",
            zendesk
        ));
        assert_eq!(
            host_of("http://127.0.0.1:9000\\.acme.zendesk.com/x.pdf"),
            "127.0.0.1"
        );
        assert_eq!(host_of("not a url"), "-");
    }
}
