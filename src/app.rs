//! Wiring: configuration → Rocket with state, fairings, routes and catchers. `main` and the tests
//! both go through [`build`], so tests run the real application.

use std::path::{Path, PathBuf};

use rocket::{
    catchers,
    data::{Limits, ToByteUnit},
    fairing::AdHoc,
    figment::Figment,
    fs::FileServer,
    Build, Rocket,
};
use rocket_dyn_templates::Template;

use crate::{
    assets,
    auth::{keys::derive_key, password::PasswordHasher, tokens::Tokens},
    clock::Clock,
    config::{ConfigError, Settings},
    db,
    http::{with_deadline, Cors, RequestLog, SecurityHeaders},
    mail::Mailer,
    routes::{api, web},
    services::{housekeeping, outbox_worker},
    state::{AppState, Shared},
};

/// Validates the configuration in `figment` and assembles the server. The database is connected
/// (and migrated) when Rocket ignites; a failure there aborts launch with a logged reason.
pub fn build(figment: Figment) -> Result<Rocket<Build>, ConfigError> {
    let settings = Settings::from_figment(&figment)?;
    let body_limit = 16.kibibytes();
    let cookie_key = derive_key(settings.secret_key.expose(), "rocket-cookies");
    let figment = figment
        // Rocket's private cookies get their own key derived from SECRET_KEY: one secret to set.
        .merge(("secret_key", hex::encode(&cookie_key[..32])))
        // Rocket trusts X-Real-IP by default, and would take the first entry of a list: any
        // client could choose its address for every per-IP limit. `http::request::client_ip`
        // reads TRUSTED_PROXY_HEADER itself.
        .merge(("ip_header", false))
        .join((
            "limits",
            Limits::default()
                .limit("json", body_limit)
                .limit("form", body_limit)
                .limit("data-form", body_limit)
                .limit("string", body_limit),
        ))
        .join(("ident", false));

    // Templates come from the binary unless TEMPLATE_DIR names a folder (pages and mails share
    // it); Rocket's own `template_dir` is overridden either way.
    let template_dir = settings.template_dir.clone().map(PathBuf::from);
    let (scanned, private_dir) = if let Some(dir) = &template_dir {
        (dir.clone(), None)
    } else {
        let dir = assets::EmptyTemplateDir::create().map_err(|e| {
            ConfigError(vec![format!(
                "cannot create a folder in the temporary directory: {e}"
            )])
        })?;
        (dir.path().to_path_buf(), Some(dir))
    };
    let figment = figment.merge(("template_dir", scanned.display().to_string()));
    let templates = Template::try_custom(move |engines| {
        // The closure lives as long as the server: so does the private folder it owns.
        let embedded = private_dir.is_some();
        if embedded {
            engines.tera.add_raw_templates(assets::page_templates())?;
        }
        // Tera escapes by name suffix, and embedded pages are named without one (`login`):
        // the empty suffix matches every name, so every page is escaped however it was
        // registered. Nothing a page renders is trusted markup.
        engines.tera.autoescape_on(vec![""]);
        Ok(())
    });
    let static_dir = settings.static_dir.clone().map(PathBuf::from);

    let mut rocket = rocket::custom(figment)
        .attach(RequestLog)
        .attach(SecurityHeaders)
        .attach(templates)
        .attach(AdHoc::try_on_ignite("database", |rocket| async move {
            match init_state(settings, template_dir.as_deref()).await {
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
                    outbox_worker::spawn(app.clone());
                    watch_database(app);
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
        .mount("/", with_deadline(web::routes()))
        .mount("/", with_deadline(api::root_routes()))
        .mount("/auth", with_deadline(api::auth_routes()))
        .mount("/", api::docs::swagger_ui())
        .mount("/", crate::routes::brand::routes());
    rocket = match static_dir {
        Some(dir) => rocket.mount("/static", FileServer::from(dir)),
        None => rocket.mount("/", assets::static_routes()),
    };
    Ok(rocket)
}

async fn init_state(settings: Settings, template_dir: Option<&Path>) -> Result<AppState, String> {
    let stores = db::connect(
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
        db: stores.read,
        writer: stores.write,
        probe: stores.probe,
        tokens: Tokens::new(&settings),
        hasher,
        clock: Clock::default(),
        mailer,
        stop: tokio::sync::watch::channel(false).0,
        lock_gate: tokio::sync::Semaphore::new(db::POOL_SIZE_FOR_LOCKS),
        throttle_released: tokio::sync::Notify::new(),
        liveness: db::Liveness::default(),
        settings,
    }))
}

/// PostgreSQL only: a server can freeze without closing anything (see `db::Liveness`).
fn watch_database(app: &AppState) {
    let url = app.settings.database_url.expose();
    if url.starts_with("sqlite:") {
        return;
    }
    let (url, app) = (url.to_owned(), app.clone());
    tokio::spawn(async move { app.liveness.watch(&url, app.stopped()).await });
}
