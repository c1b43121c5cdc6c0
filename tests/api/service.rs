use rocket::http::Status;

use crate::helpers::{spawn, spawn_with_settings};

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_the_database() {
    let app = spawn().await;
    let ok = app.get("/health").await;
    assert_eq!(ok.status, Status::Ok);
    assert_eq!(ok.body, serde_json::json!({ "status": "ok" }));

    app.state().close_database().await.expect("close the pools");
    let down = app.get("/health").await;
    assert_eq!(down.status, Status::ServiceUnavailable);
    assert_eq!(down.detail(), "Service temporarily unavailable");
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_documents_every_route_with_the_bearer_scheme() {
    let app = spawn().await;
    let spec = app.get("/openapi.json").await;
    assert_eq!(spec.status, Status::Ok);
    for path in [
        "/auth/register",
        "/auth/login",
        "/auth/refresh",
        "/auth/logout",
        "/auth/change-password",
        "/users/me",
        "/health",
    ] {
        assert!(
            spec.body["paths"][path].is_object(),
            "{path} missing from the spec"
        );
    }
    let schemes = &spec.body["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(
        schemes["oauth2"]["flows"]["password"]["tokenUrl"],
        "/auth/login"
    );
    assert!(spec.body["components"]["schemas"]["ErrorResponse"].is_object());
    assert!(spec.body["paths"]["/users/me"]["get"]["responses"]["401"].is_object());

    let docs = app.client.get("/docs/").dispatch().await;
    assert_eq!(docs.status(), Status::Ok);
    let html = docs.into_string().await.unwrap_or_default();
    assert!(html.contains("swagger"), "Swagger UI is served locally");
    let redoc = app.client.get("/redoc").dispatch().await;
    assert_eq!(redoc.status(), Status::Ok);
    let vendored = app
        .client
        .get("/static/vendor/redoc/redoc.standalone.js")
        .dispatch()
        .await;
    assert_eq!(vendored.status(), Status::Ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_routes_and_methods_answer_json_errors() {
    let app = spawn().await;
    let missing = app.get("/nope").await;
    assert_eq!(missing.status, Status::NotFound);
    assert_eq!(missing.detail(), "Not Found");
    let wrong_method = app.get("/auth/login").await;
    assert_eq!(wrong_method.status, Status::MethodNotAllowed);
    assert_eq!(wrong_method.header("Allow"), Some("POST"));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_response_carries_the_security_headers() {
    let app = spawn().await;
    let reply = app.get("/users/me").await;
    assert_eq!(reply.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(reply.header("X-Frame-Options"), Some("DENY"));
    assert_eq!(reply.header("Referrer-Policy"), Some("no-referrer"));
    assert!(reply
        .header("Content-Security-Policy")
        .is_some_and(
            |csp| csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline")
        ));
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_is_granted_to_listed_origins_only() {
    let app = spawn_with_settings(&[("gatehouse.allowed_origins", "http://localhost:3000")]).await;
    let listed = app
        .client
        .get("/health")
        .header(rocket::http::Header::new("Origin", "http://localhost:3000"))
        .dispatch()
        .await;
    assert_eq!(
        listed.headers().get_one("Access-Control-Allow-Origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(
        listed.headers().get_one("Access-Control-Allow-Credentials"),
        Some("true")
    );
    let other = app
        .client
        .get("/health")
        .header(rocket::http::Header::new("Origin", "https://evil.example"))
        .dispatch()
        .await;
    assert!(other
        .headers()
        .get_one("Access-Control-Allow-Origin")
        .is_none());
}
