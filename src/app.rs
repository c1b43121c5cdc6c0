//! Wiring: configuration → Rocket with state, fairings, routes and catchers. `main` and the tests
//! both go through [`build`], so tests run the real application.

use std::path::Path;

use rocket::{
    catchers,
    data::{Limits, ToByteUnit},
    fairing::AdHoc,
    figment::Figment,
    fs::FileServer,
    http::Method,
    Build, Rocket,
};
use rocket_dyn_templates::Template;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{password::PasswordHasher, tokens::Tokens},
    clock::Clock,
    config::{ConfigError, Settings},
    db,
    http::{RequestLog, SecurityHeaders},
    mail::Mailer,
    routes::{api, web},
    state::{AppState, Shared},
};

/// Validates the configuration in `figment` and assembles the server. The database is connected
/// (and migrated) when Rocket ignites; a failure there aborts launch with a logged reason.
pub fn build(figment: Figment) -> Result<Rocket<Build>, ConfigError> {
    let settings = Settings::from_figment(&figment)?;
    let body_limit = 16.kibibytes();
    let figment = figment
        // Rocket's private cookies get their own key derived from SECRET_KEY: one secret to set.
        .merge((
            "secret_key",
            hex::encode(&settings.derive_key("rocket-cookies")[..32]),
        ))
        .join((
            "limits",
            Limits::default()
                .limit("json", body_limit)
                .limit("form", body_limit)
                .limit("data-form", body_limit)
                .limit("string", body_limit),
        ))
        .join(("ident", false));

    let cors = cors(&settings)?;
    let template_dir: std::path::PathBuf = figment
        .extract_inner::<String>("template_dir")
        .unwrap_or_else(|_| "templates".to_owned())
        .into();
    let static_dir = Path::new("static");

    let mut rocket = rocket::custom(figment)
        .attach(RequestLog)
        .attach(SecurityHeaders)
        .attach(Template::fairing())
        .attach(AdHoc::try_on_ignite("database", |rocket| async move {
            match init_state(settings, &template_dir).await {
                Ok(state) => Ok(rocket.manage(state)),
                Err(reason) => {
                    log::error!("cannot start: {reason}");
                    Err(rocket)
                }
            }
        }))
        .attach(AdHoc::on_liftoff("liftoff", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                log::info!(
                    "gatehouse listening on http://{}:{}",
                    config.address,
                    config.port
                );
            })
        }))
        .register("/", catchers![crate::routes::catcher])
        .mount("/", web::routes())
        .mount("/", api::root_routes())
        .mount("/auth", api::auth_routes())
        .mount(
            "/",
            SwaggerUi::new("/docs/<_..>").url("/openapi.json", api::docs::ApiDoc::openapi()),
        );
    if let Some(cors) = cors {
        rocket = rocket.attach(cors);
    }
    if static_dir.is_dir() {
        rocket = rocket.mount("/static", FileServer::from(static_dir));
    } else {
        log::warn!("no static/ directory next to the working directory: styles will be missing");
    }
    Ok(rocket)
}

async fn init_state(settings: Settings, template_dir: &Path) -> Result<AppState, String> {
    let db = db::connect(
        settings.database_url.expose(),
        settings.database_schema.as_deref(),
    )
    .await
    .map_err(|e| format!("database: {e}"))?;
    let hasher = PasswordHasher::new(settings.bcrypt_cost)
        .await
        .map_err(|e| format!("password hasher: {e}"))?;
    let mailer = Mailer::start(&settings, template_dir)?;
    Ok(AppState::new(Shared {
        db,
        tokens: Tokens::new(&settings),
        hasher,
        clock: Clock::default(),
        mailer,
        settings,
    }))
}

/// Credentials (the refresh cookie) are only ever shared with the origins listed in
/// ALLOWED_ORIGINS; with none listed, no CORS headers are sent at all.
fn cors(settings: &Settings) -> Result<Option<rocket_cors::Cors>, ConfigError> {
    if settings.allowed_origins.is_empty() {
        return Ok(None);
    }
    rocket_cors::CorsOptions {
        allowed_origins: rocket_cors::AllowedOrigins::some_exact(&settings.allowed_origins),
        allowed_methods: [Method::Get, Method::Post]
            .into_iter()
            .map(From::from)
            .collect(),
        allowed_headers: rocket_cors::AllowedHeaders::some(&["Authorization", "Content-Type"]),
        allow_credentials: true,
        max_age: Some(600),
        ..Default::default()
    }
    .to_cors()
    .map(Some)
    .map_err(|e| ConfigError(vec![format!("ALLOWED_ORIGINS: {e}")]))
}
