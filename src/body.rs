//! Request bodies read with a cap that holds while they arrive: a declared `Content-Length`
//! over the cap is refused before reading, and a body without one (chunked) is read chunk by
//! chunk and dropped as soon as it passes the cap. Reading first and measuring after let four
//! 100 MB chunked requests take the local runtime from 542 to 951 MB (the production isolate
//! has 128 MB).

use futures_util::StreamExt;
use worker::Request;

pub enum BodyError {
    /// Over the cap (declared, or seen while reading).
    TooLarge,
    /// The stream failed mid-way.
    Unreadable(String),
}

pub async fn read_bounded(req: &mut Request, max: usize) -> Result<Vec<u8>, BodyError> {
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(BodyError::TooLarge);
    }
    // No body at all (a bodiless POST) reads as empty.
    let Ok(mut stream) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Unreadable(e.to_string()))?;
        if body.len() + chunk.len() > max {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
