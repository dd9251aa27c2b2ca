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

/// True for a file of this message exactly as Twilio names it:
/// `{api origin}/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/ME<32 hex>`,
/// nothing else (no query). The account's credentials go with the download, so not even
/// another resource on Twilio's API (a message list, say) may be named here.
pub fn is_twilio_media_url(
    url: &str,
    api_base: &str,
    account_sid: &str,
    message_sid: &str,
) -> bool {
    let Ok(parsed) = Url::parse(url) else {
        return false;
    };
    let prefix = format!("/2010-04-01/Accounts/{account_sid}/Messages/{message_sid}/Media/");
    let media_id = parsed.path().strip_prefix(prefix.as_str()).unwrap_or("");
    same_origin(url, api_base)
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && media_id.len() == 34
        && media_id.starts_with("ME")
        && media_id[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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

    #[test]
    fn media_urls_name_this_messages_file_only() {
        let (base, ac, mm) = ("https://api.twilio.com", "AC1", "MM2");
        let me = format!("ME{}", "0a".repeat(16));
        let good = format!("{base}/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/{me}");
        assert!(is_twilio_media_url(&good, base, ac, mm));
        for bad in [
            format!("{base}/2010-04-01/Accounts/{ac}/Messages.json?x=/Messages/{mm}/Media/{me}"),
            format!("{good}?x=1"),
            format!("{good}#x"),
            format!("{good}0"),
            format!("{base}/2010-04-01/Accounts/{ac}/Messages/MM3/Media/{me}"),
            format!("{base}/2010-04-01/Accounts/AC9/Messages/{mm}/Media/{me}"),
            format!("{base}/2010-04-01/Accounts/{ac}/Messages/{mm}/Media/../../MM3/Media/{me}"),
            good.replace("https://api.twilio.com", "https://evil.example"),
        ] {
            assert!(!is_twilio_media_url(&bad, base, ac, mm), "{bad}");
        }
    }
}
