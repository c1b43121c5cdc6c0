//! Every route's handler, request guards included, runs inside [`Deadline`]: when the database
//! stops answering (see `db::Liveness`), a request that has been waiting for longer than
//! [`PATIENCE`] is answered 503 with `Retry-After` instead of hanging until the server thaws.
//! Requests the database does not hold up finish long before and are never cut.

use std::time::Duration;

use rocket::{
    http::Status,
    route::{Handler, Outcome},
    Data, Request, Route,
};

use crate::{error::Error, http::error::stash, state::AppState};

/// How long a request may have been running before an unresponsive database cuts it short.
pub const PATIENCE: Duration = Duration::from_millis(1500);

#[derive(Clone)]
struct Deadline(Box<dyn Handler>);

/// Wraps the handler of each route in [`Deadline`].
pub fn with_deadline(routes: Vec<Route>) -> Vec<Route> {
    routes
        .into_iter()
        .map(|mut route| {
            route.handler = Box::new(Deadline(route.handler));
            route
        })
        .collect()
}

#[rocket::async_trait]
impl Handler for Deadline {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r> {
        let Some(app) = req.rocket().state::<AppState>() else {
            return self.0.handle(req, data).await;
        };
        let started = tokio::time::Instant::now();
        let cut = async {
            app.liveness.unresponsive().await;
            tokio::time::sleep_until(started + PATIENCE).await;
        };
        tokio::select! {
            outcome = self.0.handle(req, data) => outcome,
            () = cut => {
                log::warn!("{} {}: database unresponsive, answering 503", req.method(), req.uri().path());
                let status = stash(req, Error::Unavailable { retry_after_secs: 2 });
                debug_assert_eq!(status, Status::ServiceUnavailable);
                Outcome::Error(status)
            }
        }
    }
}
