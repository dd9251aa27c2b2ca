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
