use rocket::{
    data::{self, FromData, Limits},
    http::Status,
    outcome::Outcome,
    Data, Request,
};
use serde::de::DeserializeOwned;

use serde_json::Value;

use crate::{error::Error, http::error::stash};

/// A JSON body whose every failure becomes a readable `{"detail": ...}`: not labelled
/// `application/json` → 415 (so a cross-site HTML form, which can only send form or text bodies,
/// can never reach a JSON route), too large → 413, malformed, wrong shape or holding text no
/// database can store (NUL) → 422 naming the problem. A body is a JSON object, as the OpenAPI
/// document says (serde would also read a struct from an array of its fields, which no client
/// means). An empty body deserialises as `null`, so `JsonBody<Option<T>>` makes the whole body
/// optional.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for JsonBody<T> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let limit = req.limits().get("json").unwrap_or(Limits::JSON);
        let bytes = match data.open(limit).into_bytes().await {
            Ok(bytes) if bytes.is_complete() => bytes.into_inner(),
            Ok(_) => return fail(req, Error::PayloadTooLarge),
            Err(_) => return fail(req, Error::BadRequest("Could not read the request body")),
        };
        // Only a body of no bytes at all is "no body"; white space alone is malformed JSON.
        let empty = bytes.is_empty();
        if !empty && !req.content_type().is_some_and(|ct| ct.is_json()) {
            return fail(req, Error::UnsupportedMediaType);
        }
        let value = if empty {
            Value::Null
        } else {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(value) => value,
                Err(err) => return fail(req, Error::Malformed(describe(&err, false))),
            }
        };
        if let Some(kind) = not_an_object(&value) {
            let message = format!("Invalid request body: invalid type: {kind}, expected a map");
            return fail(req, Error::Malformed(message));
        }
        if holds_nul(&value) {
            return fail(
                req,
                Error::Malformed("Text fields may not contain NUL characters".into()),
            );
        }
        match serde_json::from_value(value) {
            Ok(value) => Outcome::Success(JsonBody(value)),
            Err(err) => fail(req, Error::Malformed(describe(&err, empty))),
        }
    }
}

fn fail<'r, T>(req: &Request<'_>, err: Error) -> data::Outcome<'r, T, Error> {
    let status: Status = stash(req, err.clone());
    Outcome::Error((status, err))
}

/// What a body is when it is neither an object nor `null` (no body).
fn not_an_object(value: &Value) -> Option<&'static str> {
    match value {
        Value::Object(_) | Value::Null => None,
        Value::Array(_) => Some("sequence"),
        Value::String(_) => Some("string"),
        Value::Number(_) => Some("number"),
        Value::Bool(_) => Some("boolean"),
    }
}

/// PostgreSQL cannot store NUL in text, and no legitimate field needs it.
fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

fn describe(err: &serde_json::Error, empty: bool) -> String {
    use serde_json::error::Category;
    match err.classify() {
        _ if empty => "Request body is required (JSON)".into(),
        Category::Syntax | Category::Eof => "Request body is not valid JSON".into(),
        Category::Data | Category::Io => {
            // serde's message names the field; the position adds nothing for a client.
            let message = err.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            format!("Invalid request body: {message}")
        }
    }
}
