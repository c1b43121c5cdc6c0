//! The configuration refuses to start on values that would make the deployment unsafe.

use rocket::figment::Figment;

fn release(settings: &[(&str, &str)]) -> Figment {
    let mut figment = Figment::from(rocket::Config::release_default()).select("release");
    for (key, value) in settings {
        figment = figment.merge((format!("gatehouse.{key}"), *value));
    }
    figment
}

fn problems(figment: Figment) -> String {
    match gatehouse::build(figment) {
        Ok(_) => panic!("configuration was accepted"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn release_refuses_missing_short_and_example_secrets_with_a_hint() {
    for settings in [
        vec![],
        vec![("secret_key", "too-short")],
        vec![("secret_key", "your-super-secret-key-minimum-32-characters")],
    ] {
        let message = problems(release(&settings));
        assert!(message.contains("SECRET_KEY"), "{message}");
        assert!(message.contains("openssl rand -hex 32"), "{message}");
        assert!(
            !message.contains("too-short"),
            "the value is never echoed: {message}"
        );
    }
}

#[test]
fn release_refuses_weak_bcrypt_and_reports_every_problem() {
    let message = problems(release(&[
        (
            "secret_key",
            "0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a4938",
        ),
        ("bcrypt_cost", "4"),
        ("algorithm", "RS256"),
        ("access_token_expire_minutes", "0"),
        ("allowed_origins", "*"),
        ("database_url", "mysql://x"),
    ]));
    for expected in [
        "BCRYPT_COST",
        "ALGORITHM",
        "ACCESS_TOKEN_EXPIRE_MINUTES",
        "ALLOWED_ORIGINS",
        "DATABASE_URL",
    ] {
        assert!(
            message.contains(expected),
            "{expected} not reported: {message}"
        );
    }
}

#[test]
fn a_strong_release_configuration_is_accepted() {
    let figment = release(&[(
        "secret_key",
        "0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a4938",
    )]);
    assert!(gatehouse::build(figment).is_ok());
}

#[test]
fn non_numeric_values_name_the_key_without_echoing_the_value() {
    let figment = release(&[
        (
            "secret_key",
            "0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a4938",
        ),
        ("bcrypt_cost", "twelve-secret-ish"),
    ]);
    let message = problems(figment);
    assert!(message.contains("BCRYPT_COST"), "{message}");
    assert!(!message.contains("twelve-secret-ish"), "{message}");
}
