use rocket::{
    data::{self, FromData, Limits},
    http::Status,
    outcome::Outcome,
    Data, Request,
};
use serde::de::DeserializeOwned;

use crate::error::{stash, Error};

/// A JSON body whose every failure becomes a readable `{"detail": ...}`: too large → 413,
/// malformed or wrong shape → 422 naming the problem. An empty body deserialises as `null`, so
/// `JsonBody<Option<T>>` makes the whole body optional.
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
            Err(_) => {
                return fail(
                    req,
                    Error::BadRequest("Could not read the request body".into()),
                )
            }
        };
        let input: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &bytes
        };
        match serde_json::from_slice(input) {
            Ok(value) => Outcome::Success(JsonBody(value)),
            Err(err) => fail(req, Error::Validation(describe(&err, input == b"null"))),
        }
    }
}

fn fail<'r, T>(req: &Request<'_>, err: Error) -> data::Outcome<'r, T, Error> {
    let status: Status = stash(req, err.clone());
    Outcome::Error((status, err))
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
