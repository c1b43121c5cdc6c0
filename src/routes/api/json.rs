//! The API's request bodies: [`JsonBody`] (415, 413, 422 with readable messages) narrowed to
//! what the OpenAPI document describes, a JSON object.
//!
//! - serde's derived structs also accept an array of the field values in order
//!   (`["john@example.com", "a password"]`), which no client means and the document does not
//!   allow: [`Body`] accepts an object only.
//! - [`OptionalBody`] is for the bodies that may be left out (refresh, logout): no body at all,
//!   JSON `null` or an object.

use rocket::{
    data::{self, FromData},
    Data, Request,
};
use serde::{de::DeserializeOwned, Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::{error::Error, http::JsonBody};

/// A JSON object deserialised as `T`.
struct Object<T>(T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = Map::<String, Value>::deserialize(deserializer)?;
        T::deserialize(Value::Object(fields))
            .map(Object)
            .map_err(serde::de::Error::custom)
    }
}

/// A required JSON object body.
#[derive(Debug)]
pub struct Body<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for Body<T> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        JsonBody::<Object<T>>::from_data(req, data)
            .await
            .map(|body| Self(body.0 .0))
    }
}

/// An optional JSON object body: `None` for no body (or `null`).
#[derive(Debug)]
pub struct OptionalBody<T>(pub Option<T>);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for OptionalBody<T> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        JsonBody::<Option<Object<T>>>::from_data(req, data)
            .await
            .map(|body| Self(body.0.map(|object| object.0)))
    }
}
