//! `/auth/sessions`: the signed-in user's live sessions, and ending them.

use rocket::{delete, get, serde::json::Json, State};

use crate::{
    error::Result,
    http::CurrentUser,
    services::{session_list, ClientInfo},
    state::AppState,
};

use super::{
    dto::{ErrorResponse, MessageResponse, SessionResponse, SessionsEndedResponse},
    responses::{NotAuthenticated, Unavailable},
};

/// The signed-in user's live sessions, newest first.
///
/// Exactly one has `current: true`: the session of the access token that asked.
#[utoipa::path(
    get, path = "/auth/sessions", tag = "sessions",
    responses(
        (status = 200, description = "Live sessions, newest first", body = [SessionResponse]),
        (status = 401, response = NotAuthenticated),
        (status = 503, response = Unavailable),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[get("/sessions")]
pub async fn list(app: &State<AppState>, user: CurrentUser) -> Result<Json<Vec<SessionResponse>>> {
    let CurrentUser(auth) = user;
    let sessions = session_list::list(app, auth.user.id, &auth.session_id).await?;
    Ok(Json(sessions.into_iter().map(Into::into).collect()))
}

/// End one of the signed-in user's sessions.
///
/// Takes effect at once: the session's access and refresh tokens stop working.
#[utoipa::path(
    delete, path = "/auth/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "The session's id, from `GET /auth/sessions`")),
    responses(
        (status = 200, description = "Session ended", body = MessageResponse),
        (status = 401, response = NotAuthenticated),
        (status = 503, response = Unavailable),
        (status = 404, description = "No such live session of this user", body = ErrorResponse),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[delete("/sessions/<id>")]
pub async fn end(
    app: &State<AppState>,
    user: CurrentUser,
    client: ClientInfo,
    id: &str,
) -> Result<Json<MessageResponse>> {
    session_list::end(app, user.0.user.id, id, &client).await?;
    Ok(Json(MessageResponse {
        msg: "Session ended",
    }))
}

/// End every session of the signed-in user except the current one.
#[utoipa::path(
    delete, path = "/auth/sessions", tag = "sessions",
    responses(
        (status = 200, description = "Other sessions ended", body = SessionsEndedResponse),
        (status = 401, response = NotAuthenticated),
        (status = 503, response = Unavailable),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[delete("/sessions")]
pub async fn end_others(
    app: &State<AppState>,
    user: CurrentUser,
    client: ClientInfo,
) -> Result<Json<SessionsEndedResponse>> {
    let CurrentUser(auth) = user;
    let count = session_list::end_others(app, auth.user.id, &auth.session_id, &client).await?;
    Ok(Json(SessionsEndedResponse {
        msg: "Other sessions ended",
        count,
    }))
}
