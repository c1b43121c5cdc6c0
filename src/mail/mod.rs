//! Outgoing mail: rendered from `templates/email/<name>/{text,html}.tera` as multipart text +
//! HTML and delivered by a background task over SMTP (lettre). Callers only enqueue: a slow or
//! dead SMTP server never delays or fails a request. Failures are logged (never with the message
//! body, which may hold a reset link) and retried with exponential backoff.

use std::{path::Path, sync::Arc, time::Duration};

use lettre::{
    message::{Mailbox, MultiPart},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use tera::{Context, Tera};
use tokio::sync::{mpsc, Semaphore};

use crate::config::{Settings, SmtpTls};

const QUEUE: usize = 1024;
const ATTEMPTS: u32 = 4;
const FIRST_RETRY: Duration = Duration::from_secs(2);
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
const PARALLEL_DELIVERIES: usize = 4;

struct Outgoing {
    kind: &'static str,
    message: Message,
}

pub struct Mailer {
    queue: mpsc::Sender<Outgoing>,
    templates: Tera,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// Loads the templates and starts the delivery task (needs a Tokio runtime).
    pub fn start(settings: &Settings, template_dir: &Path) -> Result<Self, String> {
        let glob = template_dir.join("email/**/*.tera");
        let mut templates =
            Tera::new(&glob.to_string_lossy()).map_err(|e| format!("mail templates: {e}"))?;
        templates.autoescape_on(vec!["html.tera"]);
        for name in ["reset_password", "password_changed", "login_throttled"] {
            for part in ["text", "html"] {
                let template = format!("{name}/{part}.tera");
                if !templates.get_template_names().any(|n| n == template) {
                    return Err(format!(
                        "mail template {} is missing",
                        glob.with_file_name(&template).display()
                    ));
                }
            }
        }
        let transport = transport(settings)?;
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(deliver_all(transport, receiver));
        Ok(Self {
            queue,
            templates,
            from: settings.smtp.from.clone(),
            public_url: settings.public_url.clone(),
        })
    }

    /// The mail with a reset link. The token goes into the link only, never into a log line.
    /// Links are inserted unescaped into the HTML part (`| safe`): they are built here from
    /// PUBLIC_URL (validated) and a base64url token, so they hold no markup, and Tera's escaping
    /// of `/` would otherwise garble them in mail viewers that show the source.
    pub fn password_reset(&self, to: &str, token: &str, ttl_minutes: i64) {
        let mut context = Context::new();
        context.insert(
            "link",
            &format!("{}/reset-password?token={token}", self.public_url),
        );
        context.insert("minutes", &ttl_minutes);
        self.send(
            "reset_password",
            "Reset your Gatehouse password",
            to,
            &context,
        );
    }

    pub fn password_changed(&self, to: &str) {
        let mut context = Context::new();
        context.insert(
            "forgot_link",
            &format!("{}/forgot-password", self.public_url),
        );
        self.send(
            "password_changed",
            "Your Gatehouse password was changed",
            to,
            &context,
        );
    }

    /// Sent once when an account starts being throttled after repeated failed log-ins.
    pub fn login_throttled(&self, to: &str) {
        let mut context = Context::new();
        context.insert(
            "forgot_link",
            &format!("{}/forgot-password", self.public_url),
        );
        self.send(
            "login_throttled",
            "Someone tried to sign in to your Gatehouse account",
            to,
            &context,
        );
    }

    fn send(&self, kind: &'static str, subject: &str, to: &str, context: &Context) {
        let message = match self.render(kind, subject, to, context) {
            Ok(message) => message,
            Err(err) => {
                log::error!("mail {kind}: not sent: {err}");
                return;
            }
        };
        if self.queue.try_send(Outgoing { kind, message }).is_err() {
            log::error!("mail {kind}: not sent: the outgoing queue is full or closed");
        }
    }

    fn render(
        &self,
        kind: &str,
        subject: &str,
        to: &str,
        context: &Context,
    ) -> Result<Message, String> {
        let mut context = context.clone();
        context.insert("public_url", &self.public_url);
        let text = self
            .templates
            .render(&format!("{kind}/text.tera"), &context)
            .map_err(|e| format!("template: {e}"))?;
        let html = self
            .templates
            .render(&format!("{kind}/html.tera"), &context)
            .map_err(|e| format!("template: {e}"))?;
        let to: Mailbox = to.parse().map_err(|e| format!("recipient address: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| format!("building the message: {e}"))
    }
}

fn transport(settings: &Settings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let smtp = &settings.smtp;
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|e| format!("SMTP_HOST: {e}"))?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
            .map_err(|e| format!("SMTP_HOST: {e}"))?,
    };
    let mut builder = builder.port(smtp.port).timeout(Some(SMTP_TIMEOUT));
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    Ok(builder.build())
}

async fn deliver_all(
    transport: AsyncSmtpTransport<Tokio1Executor>,
    mut receiver: mpsc::Receiver<Outgoing>,
) {
    let transport = Arc::new(transport);
    let slots = Arc::new(Semaphore::new(PARALLEL_DELIVERIES));
    while let Some(outgoing) = receiver.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let transport = transport.clone();
        tokio::spawn(async move {
            deliver(&transport, outgoing).await;
            drop(slot);
        });
    }
}

async fn deliver(transport: &AsyncSmtpTransport<Tokio1Executor>, outgoing: Outgoing) {
    let mut delay = FIRST_RETRY;
    for attempt in 1..=ATTEMPTS {
        match transport.send(outgoing.message.clone()).await {
            Ok(_) => {
                log::info!("mail {}: delivered to the SMTP server", outgoing.kind);
                return;
            }
            Err(err) if attempt < ATTEMPTS => {
                log::warn!(
                    "mail {}: attempt {attempt}/{ATTEMPTS} failed ({err}); retrying in {}s",
                    outgoing.kind,
                    delay.as_secs()
                );
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            Err(err) => log::error!(
                "mail {}: giving up after {ATTEMPTS} attempts: {err}",
                outgoing.kind
            ),
        }
    }
}
