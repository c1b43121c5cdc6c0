use rocket::{get, serde::json::Json, State};

use crate::{error::Error, state::AppState};

use super::{dto::HealthResponse, responses::Unavailable};

/// Liveness and database readiness.
///
/// 503 when the database does not answer within a second.
#[utoipa::path(
    get, path = "/health", tag = "health",
    responses(
        (status = 200, description = "The database answers", body = HealthResponse),
        (status = 503, response = Unavailable),
    )
)]
#[get("/health")]
pub async fn health(app: &State<AppState>) -> Result<Json<HealthResponse>, Error> {
    match tokio::time::timeout(std::time::Duration::from_secs(1), app.db.ping()).await {
        Ok(Ok(())) => Ok(Json(HealthResponse { status: "ok" })),
        Ok(Err(err)) => {
            log::warn!("health check: database error: {err}");
            Err(Error::unavailable())
        }
        Err(_) => {
            log::warn!("health check: database did not answer within 1 s");
            Err(Error::unavailable())
        }
    }
}
