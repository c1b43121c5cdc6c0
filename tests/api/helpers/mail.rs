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
    try_receive_mail(server, within)
        .await
        .unwrap_or_else(|| panic!("a mail within {within:?}"))
}

/// The next mail `server` receives within `within`, if one does.
pub async fn try_receive_mail(server: &mut TestMailServerHandle, within: Duration) -> Option<Mail> {
    let message = tokio::time::timeout(within, server.rx.recv())
        .await
        .ok()?
        .expect("mail channel open");
    let raw = String::from_utf8_lossy(&message.raw_bytes().unwrap_or_default()).into_owned();
    let value = serde_json::to_value(&message).expect("mail as JSON");
    let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
    Some(Mail {
        to: value["to"].to_string(),
        subject: field("subject"),
        text: field("text"),
        html: field("html"),
        raw,
    })
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
        self.link()
    }

    pub fn reset_token(&self) -> String {
        self.token()
    }

    /// Whether `address` is among the recipients.
    pub fn is_to(&self, address: &str) -> bool {
        self.to.contains(&format!("\"{address}\""))
    }

    /// The first link of any mail, checked to be the same in the text and the HTML part.
    pub fn link(&self) -> String {
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

    /// The `token` parameter of the mail's [`Mail::link`].
    pub fn token(&self) -> String {
        let link = self.link();
        link.split_once("token=")
            .expect("token parameter")
            .1
            .to_owned()
    }
}

/// The subject of the mail every registration sends.
pub const VERIFICATION_SUBJECT: &str = "Confirm your email address for Gatehouse";

impl Mail {
    pub fn is_verification(&self) -> bool {
        self.subject == VERIFICATION_SUBJECT
    }
}

impl TestApp {
    /// The next mail the app sent that is not a registration's verification mail (which every
    /// registration sends; tests about it use [`TestApp::next_mail_where`]), waiting up to 10 s.
    pub async fn next_mail(&mut self) -> Mail {
        self.next_mail_where(|mail| !mail.is_verification()).await
    }

    /// The next mail that matches, waiting up to 10 s; others are held for later calls.
    pub async fn next_mail_where(&mut self, wanted: impl Fn(&Mail) -> bool) -> Mail {
        self.next_mail_within(Duration::from_secs(10), wanted).await
    }

    /// The next mail that matches, waiting up to `within`; others are held for later calls.
    pub async fn next_mail_within(
        &mut self,
        within: Duration,
        wanted: impl Fn(&Mail) -> bool,
    ) -> Mail {
        if let Some(at) = self.held.iter().position(&wanted) {
            return self.held.remove(at);
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let server = self.mail.as_mut().expect("started with mail: true");
            let mail = receive_mail(server, left).await;
            if wanted(&mail) {
                return mail;
            }
            self.held.push(mail);
        }
    }

    /// Asserts that no mail but verification mails arrives within `millis`.
    pub async fn no_mail_within(&mut self, millis: u64) {
        let unexpected: Vec<&Mail> = self.held.iter().filter(|m| !m.is_verification()).collect();
        assert!(unexpected.is_empty(), "unexpected mail: {unexpected:?}");
        let deadline = tokio::time::Instant::now() + Duration::from_millis(millis);
        loop {
            let server = self.mail.as_mut().expect("started with mail: true");
            let Ok(message) = tokio::time::timeout_at(deadline, server.rx.recv()).await else {
                return;
            };
            let subject = message
                .as_ref()
                .ok()
                .and_then(|m| serde_json::to_value(m).ok())
                .and_then(|v| v["subject"].as_str().map(str::to_owned))
                .unwrap_or_default();
            assert!(
                subject == VERIFICATION_SUBJECT,
                "unexpected mail: {:?}",
                message.map(|m| serde_json::to_value(&m).ok())
            );
        }
    }

    /// Asserts that no mail for which `unwanted` holds arrives within `millis` (nor was held);
    /// other mails are held for later calls.
    pub async fn no_mail_where(&mut self, millis: u64, unwanted: impl Fn(&Mail) -> bool) {
        let held: Vec<&Mail> = self.held.iter().filter(|m| unwanted(m)).collect();
        assert!(held.is_empty(), "unexpected mail: {held:?}");
        let deadline = tokio::time::Instant::now() + Duration::from_millis(millis);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let server = self.mail.as_mut().expect("started with mail: true");
            let Some(mail) = try_receive_mail(server, left).await else {
                return;
            };
            assert!(!unwanted(&mail), "unexpected mail: {mail:?}");
            self.held.push(mail);
        }
    }
}
