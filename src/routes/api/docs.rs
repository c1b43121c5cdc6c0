//! The OpenAPI document (`/openapi.json`), Swagger UI (`/docs`, vendored by utoipa-swagger-ui)
//! and ReDoc (`/redoc`, vendored under `static/vendor/redoc`). All of it works offline.

use rocket::{get, response::content::RawHtml};
use utoipa::{
    openapi::security::{
        Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
    },
    Modify, OpenApi,
};

use super::{account, auth, dto, health, passwords, users};
use super::{activity, sessions};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse",
        description = "Accounts for browsers and API clients: registration, log-in, rotating JWT \
                       sessions and password reset by email. Errors are always `{\"detail\": ...}`."
    ),
    paths(
        auth::register,
        auth::login,
        auth::refresh,
        auth::logout,
        passwords::forgot_password,
        passwords::change_password,
        sessions::list,
        sessions::end,
        sessions::end_others,
        users::me,
        account::verify_email,
        account::resend_verification,
        account::change_email,
        account::delete_me,
        activity::activity,
        health::health,
    ),
    components(schemas(dto::ErrorResponse, dto::LoginForm)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Registration, log-in, tokens and passwords"),
        (name = "users", description = "The signed-in user"),
        (name = "account", description = "Email verification and change"),
        (name = "sessions", description = "The signed-in user's sessions (devices), and ending them"),
        (name = "health", description = "Liveness and database readiness"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::new([Flow::Password(Password::new(
                "/auth/login",
                Scopes::new(),
            ))])),
        );
    }
}

#[get("/redoc")]
pub fn redoc() -> RawHtml<&'static str> {
    RawHtml(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse API — ReDoc</title>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/static/vendor/redoc/redoc.standalone.js"></script>
</body>
</html>
"#,
    )
}
