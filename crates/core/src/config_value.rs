//! Typed deserialization of config values with the key path of the first problem.

use serde::de::DeserializeOwned;

use crate::component::ConfigProblem;

/// Deserializes `value` into `T`, naming the key path (`queries[0].sql`) where it fails.
pub fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, ConfigProblem> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        ConfigProblem::new(path, e.into_inner().to_string())
    })
}
