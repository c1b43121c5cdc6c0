//! The real binary, as an operator runs it: start-up refusal of unsafe configuration, and logs
//! that never carry a password, a token or a hash.

use std::{
    io::{Read, Write},
    net::TcpStream,
    process::{Command, Stdio},
    time::Duration,
};

use crate::helpers::{free_port, PASSWORD};

fn gatehouse() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// One HTTP/1.1 request; returns the status code and the whole response text.
fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, response)
}

fn json_field(response: &str, field: &str) -> String {
    let body = response.split("\r\n\r\n").nth(1).expect("a body");
    let value: serde_json::Value = serde_json::from_str(body).expect("JSON body");
    value[field].as_str().expect("field").to_owned()
}

#[test]
fn the_binary_refuses_weak_secrets_in_release_and_says_how_to_fix_it() {
    let output = gatehouse()
        .env("ROCKET_PROFILE", "release")
        .env("SECRET_KEY", "tiny-secret-xyz")
        .output()
        .expect("run gatehouse");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SECRET_KEY must be at least 32 characters"),
        "{stderr}"
    );
    assert!(stderr.contains("openssl rand -hex 32"), "{stderr}");
    assert!(
        !stderr.contains("tiny-secret-xyz"),
        "the value is not echoed: {stderr}"
    );
}

#[test]
fn logs_carry_no_passwords_tokens_or_hashes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let mut child = gatehouse()
        .env("SECRET_KEY", crate::helpers::SECRET)
        .env("BCRYPT_COST", "4")
        .env("LOG_LEVEL", "debug")
        .env("ROCKET_PORT", port.to_string())
        .env("SMTP_PORT", free_port().to_string())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/log.db?mode=rwc", dir.path().display()),
        )
        .spawn()
        .expect("start gatehouse");
    let mut up = false;
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "gatehouse did not start");

    let credentials = format!(r#"{{"email":"log@example.com","password":"{PASSWORD}"}}"#);
    assert_eq!(http(port, "POST", "/auth/register", &credentials).0, 201);
    let (status, login) = http(port, "POST", "/auth/login", &credentials);
    assert_eq!(status, 200);
    let access = json_field(&login, "access_token");
    let refresh = json_field(&login, "refresh_token");
    let (status, _) = http(
        port,
        "POST",
        "/auth/refresh",
        &format!(r#"{{"refresh_token":"{refresh}"}}"#),
    );
    assert_eq!(status, 200);
    let wrong = r#"{"email":"log@example.com","password":"wrong-password-zz9"}"#;
    assert_eq!(http(port, "POST", "/auth/login", wrong).0, 401);
    assert_eq!(
        http(
            port,
            "POST",
            "/auth/forgot-password",
            r#"{"email":"log@example.com"}"#
        )
        .0,
        202
    );
    assert_eq!(
        http(port, "GET", "/reset-password?token=query-token-q7", "").0,
        400
    );
    assert_eq!(
        http(port, "GET", "/nowhere?token=query-token-q7", "").0,
        404
    );
    std::thread::sleep(Duration::from_millis(500));

    let _ = child.kill();
    let output = child.wait_with_output().expect("logs");
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        logs.contains("method=POST path=/auth/login status=200"),
        "{logs}"
    );
    assert!(logs.contains("path=/reset-password status=400"), "{logs}");
    for secret in [
        PASSWORD,
        "wrong-password-zz9",
        access.as_str(),
        refresh.as_str(),
        "query-token-q7",
        crate::helpers::SECRET,
        "$2b$",
    ] {
        assert!(
            !logs.contains(secret),
            "{secret:?} appears in the logs:\n{logs}"
        );
    }
}
