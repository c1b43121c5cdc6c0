//! Tests of the whole path: env names in, `Settings` or every problem out.

use rocket::figment::Figment;

use super::{
    build::build,
    from_env,
    table::{Kind, TABLE},
    ConfigError, Secret, Settings, SmtpTls,
};

/// A figment holding `pairs` exactly as `figment()` would take them from the environment.
pub(super) fn env(pairs: &[(&str, &str)]) -> Figment {
    let lookup = |key: &str| {
        pairs
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| (*value).to_owned())
    };
    Figment::new().merge(from_env(lookup))
}

fn settings(pairs: &[(&str, &str)]) -> Settings {
    build(&env(pairs), false).expect("valid configuration")
}

fn problems(pairs: &[(&str, &str)], strict: bool) -> String {
    build(&env(pairs), strict)
        .map(|_| ())
        .expect_err("configuration was accepted")
        .to_string()
}

const STRONG: &str = "0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a4938";

#[test]
fn strict_mode_refuses_missing_short_and_example_secrets() {
    for bad in [
        "",
        "short",
        "your-super-secret-key-minimum-32-characters",
        &"a".repeat(40),
    ] {
        let err = problems(&[("SECRET_KEY", bad)], true);
        assert!(err.contains("openssl rand -hex 32"), "{err}");
    }
}

#[test]
fn debug_mode_generates_a_key_when_missing() {
    assert_eq!(settings(&[]).secret_key.expose().len(), 64);
}

#[test]
fn strict_mode_refuses_low_bcrypt_cost() {
    let err = problems(&[("SECRET_KEY", STRONG), ("BCRYPT_COST", "5")], true);
    assert!(err.contains("BCRYPT_COST is too weak"), "{err}");
    assert!(!err.contains('5'), "the cost is not echoed: {err}");
    assert!(build(&env(&[("SECRET_KEY", STRONG)]), true).is_ok());
}

#[test]
fn errors_never_echo_the_secret() {
    let err = problems(&[("SECRET_KEY", "tiny-secret-value")], true);
    assert!(!err.contains("tiny-secret-value"), "{err}");
    assert!(!format!("{:?}", Secret::new("abc")).contains("abc"));
}

#[test]
fn every_problem_is_reported_by_name_and_no_value_is_echoed() {
    let bad = [
        ("ALGORITHM", "RS256-leak"),
        ("PUBLIC_URL", "ftp://leak.example"),
        ("SMTP_TLS", "sslv2-leak"),
        ("MAIL_FROM", "leak at example"),
        ("BCRYPT_COST", "leak-twelve"),
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "987654321"),
        ("COOKIE_SECURE", "leak-maybe"),
        ("ALLOWED_ORIGINS", "https://ok.example, ftp://leak.example"),
        ("DATABASE_URL", "mysql://user:leak@db"),
        ("TRUSTED_PROXY_HEADER", "X Leak"),
        ("SMTP_USERNAME", "leak-user"),
    ];
    let err = problems(&bad, false);
    for (key, _) in bad {
        assert!(err.contains(key), "{key} not reported: {err}");
    }
    assert!(err.contains("SMTP_PASSWORD"), "{err}");
    assert!(!err.to_ascii_lowercase().contains("leak"), "{err}");
    assert!(!err.contains("987654321"), "{err}");
}

#[test]
fn every_integer_accepts_its_range_and_refuses_beyond_it() {
    for setting in TABLE {
        let Kind::Int { min, max, .. } = setting.kind else {
            continue;
        };
        for good in [min, max] {
            let config = env(&[(setting.key, &good.to_string())]);
            if let Err(err) = build(&config, false) {
                panic!("{} refused {good}: {err}", setting.key);
            }
        }
        for bad in [min - 987_654_321, max + 987_654_321] {
            let bad = bad.to_string();
            let err = problems(&[(setting.key, &bad)], false);
            assert!(err.contains(setting.key), "{err}");
            assert!(!err.contains(&bad), "{err}");
        }
    }
}

#[test]
fn new_settings_have_their_defaults() {
    let s = settings(&[]);
    assert_eq!(s.session_max_secs, 30 * 86_400);
    assert_eq!(s.login_max_failures, 5);
    assert_eq!(s.login_max_failures_per_ip, 50);
    assert_eq!(s.register_limit_per_ip, 100);
    assert_eq!(s.register_taken_limit_per_ip, 10);
    assert_eq!(s.brand.name, "Gatehouse");
    assert!(s.brand.logo.is_none() && s.brand.accent.is_none());
    assert!(!s.require_email_verification);
    assert_eq!(s.audit_retention_days, 90);
    assert_eq!(s.trusted_proxy_header, None);
    assert_eq!((s.template_dir, s.static_dir), (None, None));
    assert_eq!(s.access_token_ttl_secs, 15 * 60);
    assert_eq!(s.refresh_token_ttl_secs, 7 * 86_400);
    assert_eq!(s.smtp.tls, SmtpTls::None);
    assert_eq!(s.outbox_lease_secs, 60);
}

#[test]
fn new_settings_are_read() {
    let s = settings(&[
        ("SESSION_MAX_DAYS", "2"),
        ("LOGIN_MAX_FAILURES", "7"),
        ("LOGIN_MAX_FAILURES_PER_IP", "1000000"),
        ("REGISTER_LIMIT_PER_IP", "3"),
        ("REQUIRE_EMAIL_VERIFICATION", "yes"),
        ("AUDIT_RETENTION_DAYS", "3650"),
        ("TRUSTED_PROXY_HEADER", "X-Forwarded-For"),
        ("TEMPLATE_DIR", "/srv/templates"),
        ("STATIC_DIR", ""),
        ("OUTBOX_LEASE_SECONDS", "2"),
    ]);
    assert_eq!(s.session_max_secs, 2 * 86_400);
    assert_eq!(s.login_max_failures, 7);
    assert_eq!(s.login_max_failures_per_ip, 1_000_000);
    assert_eq!(s.register_limit_per_ip, 3);
    assert!(s.require_email_verification);
    assert_eq!(s.audit_retention_days, 3650);
    assert_eq!(s.trusted_proxy_header.as_deref(), Some("X-Forwarded-For"));
    assert_eq!(s.template_dir.as_deref(), Some("/srv/templates"));
    assert_eq!(s.static_dir, None);
    assert_eq!(s.outbox_lease_secs, 2);
}

#[test]
fn new_settings_refuse_values_out_of_range() {
    for (key, bad) in [
        ("SESSION_MAX_DAYS", "-1"),
        ("SESSION_MAX_DAYS", "3651"),
        ("LOGIN_MAX_FAILURES", "1001"),
        ("LOGIN_MAX_FAILURES_PER_IP", "-1"),
        ("REGISTER_LIMIT_PER_IP", "1000001"),
        ("AUDIT_RETENTION_DAYS", "-1"),
        ("OUTBOX_LEASE_SECONDS", "-1"),
        ("REQUIRE_EMAIL_VERIFICATION", "perhaps"),
        ("TRUSTED_PROXY_HEADER", "X Real"),
    ] {
        let err = problems(&[(key, bad)], false);
        assert!(err.contains(key), "{key}={bad}: {err}");
        assert!(!err.contains(bad), "{key}={bad} echoed: {err}");
    }
}

#[test]
fn env_values_stay_text_and_choices_ignore_case() {
    let s = settings(&[
        ("SMTP_USERNAME", "0123"),
        ("SMTP_PASSWORD", "007"),
        ("ALGORITHM", "hs512"),
        ("SMTP_TLS", "StartTLS"),
    ]);
    assert_eq!(s.smtp.username.as_deref(), Some("0123"));
    assert_eq!(s.smtp.password.as_ref().map(Secret::expose), Some("007"));
    assert_eq!(s.algorithm, jsonwebtoken::Algorithm::HS512);
    assert_eq!(s.smtp.tls, SmtpTls::StartTls);
}

#[test]
fn typed_values_from_rocket_toml_are_read() {
    let figment = Figment::new()
        .merge(("gatehouse.bcrypt_cost", 11))
        .merge(("gatehouse.cookie_secure", false))
        .merge(("gatehouse.smtp_username", "mailer"))
        .merge(("gatehouse.smtp_password", 1234));
    let s = build(&figment, false).expect("valid");
    assert_eq!(s.bcrypt_cost, 11);
    assert!(!s.cookie_secure);
    assert_eq!(s.smtp.password.as_ref().map(Secret::expose), Some("1234"));
}

#[test]
fn config_error_lists_every_problem() {
    let err = ConfigError(vec!["A is wrong".into(), "B is wrong".into()]);
    assert_eq!(
        err.to_string(),
        "invalid configuration:\n  - A is wrong\n  - B is wrong\n"
    );
}
