//! The OpenAPI document (`/openapi.json`), Swagger UI (`/docs`, vendored by utoipa-swagger-ui)
//! and ReDoc (`/redoc`, vendored under `static/vendor/redoc`). All of it works offline: neither
//! page asks anything of another host.

use rocket::{
    get,
    http::{Method, Status},
    response::content::RawHtml,
    route::{Handler, Outcome},
    Data, Request, Route,
};
use utoipa::{
    openapi::security::{
        Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
    },
    openapi::{RefOr, Required},
    Modify, OpenApi,
};
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::{account, auth, dto, health, passwords, responses, users};
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
        users::update_me,
        account::verify_email,
        account::resend_verification,
        account::change_email,
        account::delete_me,
        activity::activity,
        health::health,
    ),
    components(
        schemas(dto::ErrorResponse, dto::LoginForm),
        responses(
            responses::PayloadTooLarge,
            responses::UnsupportedMediaType,
            responses::NotAuthenticated,
            responses::Unavailable,
        ),
    ),
    modifiers(&SecuritySchemes, &OptionalBodies),
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
                    .description(Some(
                        "The `access_token` of POST /auth/login or POST /auth/refresh.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::Password(Password::new("/auth/login", Scopes::new()))],
                OAUTH2_DESCRIPTION,
            )),
        );
    }
}

/// States `required: false` on the request bodies that may be left out (`/auth/refresh`,
/// `/auth/logout`): the default, but readers and tools should not have to know that.
struct OptionalBodies;

impl Modify for OptionalBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
                    if body.required != Some(Required::True) {
                        body.required = Some(Required::False);
                    }
                }
            }
        }
    }
}

/// What the Authorize dialog says about the password flow.
pub const OAUTH2_DESCRIPTION: &str = "Log in with your account: `username` takes your email \
    address or your username, `password` your password. `client_id` and `client_secret` are not \
    used; leave them empty if a client asks for them. The access token lasts \
    ACCESS_TOKEN_EXPIRE_MINUTES (15 by default); authorize again when it expires.";

/// The routes of Swagger UI at `/docs/` and of the document at `/openapi.json`, to mount at `/`.
/// The online validator badge is off (it would fetch from validator.swagger.io), and the page
/// itself is [`SWAGGER_INDEX`].
pub fn swagger_ui() -> Vec<Route> {
    let mut routes: Vec<Route> = SwaggerUi::new("/docs/<_..>")
        .url("/openapi.json", ApiDoc::openapi())
        .config(Config::default().validator_url("none"))
        .into();
    // Ranked before utoipa-swagger-ui's own `/docs/<_..>`, which serves every other file.
    routes.push(Route::ranked(-20, Method::Get, "/docs/<_..>", SwaggerIndex));
    routes
}

#[derive(Clone)]
struct SwaggerIndex;

#[rocket::async_trait]
impl Handler for SwaggerIndex {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r> {
        match req.uri().path().as_str() {
            "/docs/" | "/docs/index.html" => Outcome::from(req, RawHtml(SWAGGER_INDEX)),
            _ => Outcome::forward(data, Status::NotFound),
        }
    }
}

/// Swagger UI's page, served instead of the one utoipa-swagger-ui bundles (which has no viewport
/// meta tag, so phones render it 980 px wide). The scripts and styles it loads are still the
/// vendored ones from `/docs/`. The OAuth2 password flow needs only a username and a password,
/// so the Authorize dialog hides `client_id`, `client_secret` and where to send them.
const SWAGGER_INDEX: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse API — Swagger UI</title>
<link rel="stylesheet" href="./swagger-ui.css">
<link rel="stylesheet" href="./index.css">
<link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="./favicon-16x16.png" sizes="16x16">
<style>
.auth-container .wrapper:has(> label[for="client_id_password"]),
.auth-container .wrapper:has(> label[for="client_secret_password"]),
.auth-container .wrapper:has(> label[for="password_type"]) { display: none; }
</style>
</head>
<body>
<div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js" charset="utf-8"></script>
<script src="./swagger-ui-standalone-preset.js" charset="utf-8"></script>
<script src="./swagger-initializer.js" charset="utf-8"></script>
</body>
</html>
"#;

/// ReDoc's page. ReDoc 2 loads no fonts, but its side menu shows Redocly's logo from
/// cdn.redoc.ly, and no option turns that off: the script before the bundle blanks the `src` of
/// any image on another host (React sets it both as an attribute and, once mounted, as a
/// property), so the browser never asks for it, and the logo's own error handler removes it.
/// Everything else comes from this server.
#[get("/redoc")]
pub fn redoc() -> RawHtml<&'static str> {
    RawHtml(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse API — ReDoc</title>
<script>
(function () {
  function local(value) {
    var url = new URL(String(value), document.baseURI);
    return !/^https?:$/.test(url.protocol) || url.origin === location.origin;
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src" && !local(value)) {
      value = "";
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    get: src.get,
    set: function (value) {
      src.set.call(this, local(value) ? value : "");
    },
    configurable: true,
    enumerable: src.enumerable
  });
})();
</script>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/static/vendor/redoc/redoc.standalone.js"></script>
</body>
</html>
"#,
    )
}
