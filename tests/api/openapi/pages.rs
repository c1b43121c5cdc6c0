//! Swagger UI and ReDoc: a phone's width, offline, and an Authorize dialog that explains itself.

use rocket::http::Status;

use super::{schema, spec};
use crate::helpers::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn authorize_dialog_explains_the_password_flow() {
    let app = spawn().await;
    let spec = spec(&app).await;
    let oauth2 = &spec["components"]["securitySchemes"]["oauth2"];
    let description = oauth2["description"].as_str().unwrap_or_default();
    for words in [
        "email",
        "username",
        "client_id",
        "client_secret",
        "leave them empty",
    ] {
        assert!(description.contains(words), "{words}: {description}");
    }
    let form = schema(&spec, "LoginForm");
    assert!(form["description"]
        .as_str()
        .is_some_and(|d| d.contains("client_secret")));

    let page = app.client.get("/docs/").dispatch().await;
    let html = page.into_string().await.unwrap_or_default();
    assert!(
        html.contains("client_id_password"),
        "the dialog hides client_id"
    );
    let init = app
        .client
        .get("/docs/swagger-initializer.js")
        .dispatch()
        .await;
    let init = init.into_string().await.unwrap_or_default();
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");
}

#[tokio::test(flavor = "multi_thread")]
async fn swagger_ui_fits_a_phone_and_loads_only_vendored_files() {
    let app = spawn().await;
    for path in ["/docs/", "/docs/index.html"] {
        let page = app.client.get(path).dispatch().await;
        assert_eq!(page.status(), Status::Ok, "{path}");
        let html = page.into_string().await.unwrap_or_default();
        assert!(
            html.contains(
                r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
            ),
            "{path}: {html}"
        );
        assert!(!html.contains("http"), "{path} names no other host");
        for asset in [
            "swagger-ui.css",
            "index.css",
            "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js",
            "swagger-initializer.js",
        ] {
            assert!(html.contains(&format!("./{asset}")), "{asset}");
            let served = app.client.get(format!("/docs/{asset}")).dispatch().await;
            assert_eq!(served.status(), Status::Ok, "{asset}");
        }
    }
    let bare = app.client.get("/docs").dispatch().await;
    assert_eq!(bare.status(), Status::Found);
    assert_eq!(bare.headers().get_one("Location"), Some("/docs/"));
}

#[tokio::test(flavor = "multi_thread")]
async fn redoc_asks_nothing_of_another_host() {
    let app = spawn().await;
    let page = app.client.get("/redoc").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let csp = page
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap_or_default()
        .to_owned();
    let html = page.into_string().await.unwrap_or_default();
    assert!(html.contains(r#"<meta name="viewport""#));
    assert!(html.contains(r#"<script src="/static/vendor/redoc/redoc.standalone.js">"#));
    for external in ["http://", "https://", "src=\"//", "href=\"//"] {
        assert!(!html.contains(external), "{external} in {html}");
    }
    // The page's policy lets nothing load from elsewhere either (fonts included).
    assert!(!csp.is_empty());
    for host in ["http:", "https:", "googleapis", "gstatic"] {
        assert!(!csp.contains(host), "{host} in {csp}");
    }
    let docs_csp = app.client.get("/docs/").dispatch().await;
    assert_eq!(
        docs_csp.headers().get_one("Content-Security-Policy"),
        Some(csp.as_str())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_id_no_database_can_hold_is_not_found() {
    let app = spawn().await;
    let (access, _) = app.signed_in("nul@example.com").await;
    for id in ["%00", "a%00b"] {
        let reply = crate::helpers::Reply::from(
            app.client
                .delete(format!("/auth/sessions/{id}"))
                .header(rocket::http::Header::new(
                    "Authorization",
                    format!("Bearer {access}"),
                ))
                .dispatch()
                .await,
        )
        .await;
        assert_eq!(reply.status, Status::NotFound, "{id}: {}", reply.body);
    }
}
