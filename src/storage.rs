//! Durable Object storage helpers: values are stored as JSON strings (exact integers, one
//! format for every value) and alarms are only ever moved earlier.

use serde::{de::DeserializeOwned, Serialize};
use worker::{js_sys, Result, ScheduledTime, Storage};

pub async fn load<T: DeserializeOwned>(storage: &Storage, key: &str) -> Result<Option<T>> {
    crate::usage::rows_read(1);
    match storage.get::<String>(key).await? {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| worker::Error::RustError(format!("stored {key} unreadable: {e}"))),
    }
}

pub async fn save<T: Serialize>(storage: &Storage, key: &str, value: &T) -> Result<()> {
    let text = serde_json::to_string(value).map_err(|e| worker::Error::RustError(e.to_string()))?;
    crate::usage::rows_written(1);
    storage.put(key, text).await
}

/// Sets the object's alarm to `at_ms` unless one is already set earlier.
pub async fn wake_at(storage: &Storage, at_ms: u64) -> Result<()> {
    crate::usage::rows_read(1);
    let current = storage.get_alarm().await?;
    if current.is_some_and(|c| c <= at_ms as i64) {
        return Ok(());
    }
    let date = js_sys::Date::new(&(at_ms as f64).into());
    crate::usage::rows_written(1);
    storage.set_alarm(ScheduledTime::new(date)).await
}

/// Deletes one key.
pub async fn delete(storage: &Storage, key: &str) -> Result<()> {
    crate::usage::rows_written(1);
    storage.delete(key).await.map(|_| ())
}

/// A value stored as text by `save_text` (e.g. a versioned envelope the caller decodes).
pub async fn load_text(storage: &Storage, key: &str) -> Result<Option<String>> {
    crate::usage::rows_read(1);
    storage.get::<String>(key).await
}

pub async fn save_text(storage: &Storage, key: &str, text: String) -> Result<()> {
    crate::usage::rows_written(1);
    storage.put(key, text).await
}

/// Several values stored as text, read in one call (the keys not stored are absent).
pub async fn load_texts(
    storage: &Storage,
    keys: &[&str],
) -> Result<std::collections::HashMap<String, String>> {
    crate::usage::rows_read(keys.len() as u64);
    let map = storage.get_multiple(keys.to_vec()).await?;
    Ok(texts_of(&map))
}

/// Several values written as text in one call: all or none is stored. Built as a plain JS
/// object (`put_multiple` would serialize a Rust map as a JS `Map`, whose entries are not the
/// object's own properties: the storage API would store none of them).
pub async fn save_texts(storage: &Storage, rows: Vec<(String, String)>) -> Result<()> {
    crate::usage::rows_written(rows.len() as u64);
    let values = js_sys::Object::new();
    for (key, text) in rows {
        js_sys::Reflect::set(&values, &key.into(), &text.into())?;
    }
    storage.put_multiple_raw(values).await
}

/// Every value whose key starts with `prefix`, as text.
/// Visits every row under `prefix`, a page of `LIST_PAGE` rows at a time: one list call never
/// holds a whole archive (a customer writing all week may have thousands of rows).
pub async fn visit_prefixed(
    storage: &Storage,
    prefix: &str,
    mut visit: impl FnMut(String, String),
) -> Result<()> {
    let mut after: Option<String> = None;
    loop {
        // `start` is inclusive (Cloudflare's `list()`): the next page starts just past the last
        // key read (https://developers.cloudflare.com/durable-objects/api/storage-api/#list).
        let start = after.as_ref().map(|k| format!("{k}\u{0}"));
        let mut options = worker::ListOptions::new().prefix(prefix).limit(LIST_PAGE);
        if let Some(start) = &start {
            options = options.start(start);
        }
        let texts = texts_of(&storage.list_with_options(options).await?);
        crate::usage::rows_read(texts.len() as u64);
        let full = texts.len() >= LIST_PAGE;
        after = texts.keys().max().cloned();
        for (key, text) in texts {
            visit(key, text);
        }
        if !full || after.is_none() {
            return Ok(());
        }
    }
}

/// Rows per list call (`visit_prefixed`).
const LIST_PAGE: usize = 256;

/// Deletes these keys (in batches of 128, the most one call takes).
pub async fn delete_many(storage: &Storage, keys: Vec<String>) -> Result<()> {
    crate::usage::rows_written(keys.len() as u64);
    for batch in keys.chunks(128) {
        storage.delete_multiple(batch.to_vec()).await?;
    }
    Ok(())
}

/// The string values of a storage `Map`, by key.
fn texts_of(map: &js_sys::Map) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    map.for_each(&mut |value, key| {
        if let (Some(k), Some(v)) = (key.as_string(), value.as_string()) {
            out.insert(k, v);
        }
    });
    out
}
