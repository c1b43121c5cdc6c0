//! The OpenAPI document says what the server does, and the pages that show it work on a phone
//! and offline. (CI also fuzzes the whole document against the binary with schemathesis; see
//! `.ci/run`.)
//!
//! - `spec`: optional bodies, documented errors, plain summaries, the server's string limits.
//! - `pages`: Swagger UI and ReDoc, and the Authorize dialog.

mod pages;
mod spec;

use rocket::http::Status;
use serde_json::Value;

use crate::helpers::TestApp;

pub(super) const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub(super) async fn spec(app: &TestApp) -> Value {
    let reply = app.get("/openapi.json").await;
    assert_eq!(reply.status, Status::Ok);
    reply.body
}

/// Every operation of the document: (method, path, operation).
pub(super) fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let paths = spec["paths"].as_object().expect("paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if item[method].is_object() {
                found.push((method.to_owned(), path.clone(), item[method].clone()));
            }
        }
    }
    assert!(found.len() >= 16, "{found:?}");
    found
}

pub(super) fn statuses(operation: &Value) -> Vec<String> {
    operation["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .cloned()
        .collect()
}

pub(super) fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    let schema = &spec["components"]["schemas"][name];
    assert!(schema.is_object(), "schema {name}");
    schema
}
