//! Wiring: configuration → Rocket with state, fairings, routes and catchers. `main` and the tests
//! both go through [`build`], so tests run the real application.

use std::path::Path;

use rocket::{
    catchers,
    data::{Limits, ToByteUnit},
    fairing::AdHoc,
    figment::Figment,
    fs::FileServer,
    Build, Rocket,
};
use rocket_dyn_templates::Template;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{keys::derive_key, password::PasswordHasher, tokens::Tokens},
    clock::Clock,
    config::{ConfigError, Settings},
    db,
    http::{Cors, RequestLog, SecurityHeaders},
    mail::Mailer,
    routes::{api, web},
    services::housekeeping,
    state::{AppState, Shared},
};

/// Validates the configuration in `figment` and assembles the server. The database is connected
/// (and migrated) when Rocket ignites; a failure there aborts launch with a logged reason.
pub fn build(figment: Figment) -> Result<Rocket<Build>, ConfigError> {
    let settings = Settings::from_figment(&figment)?;
    let body_limit = 16.kibibytes();
    let cookie_key = derive_key(settings.secret_key.expose(), "rocket-cookies");
    // Rocket trusts X-Real-IP by default, which would let any client choose its address for
    // every per-IP limit: only the configured proxy header, or else the TCP peer, counts.
    let ip_header = match &settings.trusted_proxy_header {
        Some(header) => rocket::figment::value::Value::from(header.clone()),
        None => rocket::figment::value::Value::from(false),
    };
    let figment = figment
        // Rocket's private cookies get their own key derived from SECRET_KEY: one secret to set.
        .merge(("secret_key", hex::encode(&cookie_key[..32])))
        .merge(("ip_header", ip_header))
        .join((
            "limits",
            Limits::default()
                .limit("json", body_limit)
                .limit("form", body_limit)
                .limit("data-form", body_limit)
                .limit("string", body_limit),
        ))
        .join(("ident", false));

    // TEMPLATE_DIR wins over Rocket's own `template_dir`; pages and mails share the folder.
    let template_dir: std::path::PathBuf = settings
        .template_dir
        .clone()
        .or_else(|| figment.extract_inner::<String>("template_dir").ok())
        .unwrap_or_else(|| "templates".to_owned())
        .into();
    let figment = figment.merge(("template_dir", template_dir.display().to_string()));
    let static_dir = std::path::PathBuf::from(settings.static_dir.as_deref().unwrap_or("static"));

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
                if let Some(app) = rocket.state::<AppState>() {
                    housekeeping::spawn(app.clone());
                    crate::mail::outbox::spawn(app.clone());
                }
                let config = rocket.config();
                log::info!(
                    "gatehouse listening on http://{}:{}",
                    config.address,
                    config.port
                );
            })
        }))
        .attach(AdHoc::on_shutdown("stop background work", |rocket| {
            Box::pin(async move {
                if let Some(app) = rocket.state::<AppState>() {
                    app.stop_background();
                }
            })
        }))
        .attach(Cors)
        .register("/", catchers![crate::routes::catcher])
        .mount("/", Cors::routes())
        .mount("/", web::routes())
        .mount("/", api::root_routes())
        .mount("/auth", api::auth_routes())
        .mount(
            "/",
            SwaggerUi::new("/docs/<_..>").url("/openapi.json", api::docs::ApiDoc::openapi()),
        );
    if static_dir.is_dir() {
        rocket = rocket.mount("/static", FileServer::from(&static_dir));
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
    let mailer = Mailer::new(&settings, template_dir)?;
    Ok(AppState::new(Shared {
        db,
        tokens: Tokens::new(&settings),
        hasher,
        clock: Clock::default(),
        mailer,
        stop: tokio::sync::watch::channel(false).0,
        lock_gate: tokio::sync::Semaphore::new(db::POOL_SIZE_FOR_LOCKS),
        settings,
    }))
}
