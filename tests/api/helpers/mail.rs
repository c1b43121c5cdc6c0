//! Mail as received over SMTP by a server started inside the test.

use std::time::Duration;

use mailcrab::TestMailServerHandle;

use super::{wait_for_port, TestApp};

/// Starts an SMTP server on 127.0.0.1:`port` and waits until it accepts connections.
pub async fn start_mail_server(port: u16) -> TestMailServerHandle {
    let handle = mailcrab::development_mail_server([127, 0, 0, 1], port).await;
    wait_for_port(port).await;
    handle
}

/// The next mail `server` receives, waiting up to `within`.
pub async fn receive_mail(server: &mut TestMailServerHandle, within: Duration) -> Mail {
    let message = tokio::time::timeout(within, server.rx.recv())
        .await
        .unwrap_or_else(|_| panic!("a mail within {within:?}"))
        .expect("mail channel open");
    let raw = String::from_utf8_lossy(&message.raw_bytes().unwrap_or_default()).into_owned();
    let value = serde_json::to_value(&message).expect("mail as JSON");
    let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
    Mail {
        to: value["to"].to_string(),
        subject: field("subject"),
        text: field("text"),
        html: field("html"),
        raw,
    }
}

/// A mail as received over SMTP.
#[derive(Debug)]
pub struct Mail {
    /// The recipients, as JSON.
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The whole message as sent (headers, MIME parts).
    pub raw: String,
}

impl Mail {
    /// The reset link of a reset mail, checked to be the same in the text and the HTML part.
    pub fn reset_link(&self) -> String {
        let find = |body: &str| {
            let start = body.find("http").expect("a link in the mail");
            body[start..]
                .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
                .next()
                .expect("link")
                .to_owned()
        };
        let link = find(&self.text);
        assert!(
            self.html.contains(&link),
            "the HTML part carries the same link: {link} {}",
            self.html
        );
        link
    }

    pub fn reset_token(&self) -> String {
        let link = self.reset_link();
        link.split_once("token=")
            .expect("token parameter")
            .1
            .to_owned()
    }
}

impl TestApp {
    /// The next mail the app sent, waiting up to 10 s.
    pub async fn next_mail(&mut self) -> Mail {
        let server = self.mail.as_mut().expect("started with mail: true");
        receive_mail(server, Duration::from_secs(10)).await
    }

    /// Asserts that no mail arrives within `millis`.
    pub async fn no_mail_within(&mut self, millis: u64) {
        let server = self.mail.as_mut().expect("started with mail: true");
        let waited = tokio::time::timeout(Duration::from_millis(millis), server.rx.recv()).await;
        assert!(
            waited.is_err(),
            "unexpected mail: {:?}",
            waited.map(|m| m.map(|m| serde_json::to_value(&m).ok()))
        );
    }
}
