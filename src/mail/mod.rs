//! Outgoing mail: rendered from `templates/email/<name>/{text,html}.tera` as multipart text +
//! HTML and written to the outbox table in the caller's transaction, together with whatever it
//! announces, so a mail is never lost and never sent for something that did not happen. The
//! worker (`services::outbox_worker`) delivers it over SMTP (lettre) with [`Mailer::deliver`]
//! and records the outcome through [`outbox`] (see there for what is guaranteed); requests
//! never wait for SMTP. Message bodies hold live links, so they are sealed at rest and never
//! logged.

mod kinds;
pub mod outbox;
mod transport;

use kinds::KINDS;
pub use kinds::{Address, Notice, To};

use std::{path::Path, sync::Arc};

use lettre::{
    message::{Mailbox, MultiPart},
    Message,
};
use sea_orm::ConnectionTrait;
use tera::{Context, Tera};
use tokio::sync::Notify;

use crate::{
    auth::seal::Sealer, config::Settings, domain::words::counted, entities, error::Result,
};

/// Why a queued mail was not delivered. Neither kind carries the message or its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Trying again cannot help: the relay refused it (5xx), the recipient is not an address,
    /// the stored message does not open (a changed SECRET_KEY).
    Permanent(String),
    /// May pass: no connection, a 4xx, a timeout.
    Transient(String),
}

pub struct Mailer {
    templates: Tera,
    from: Mailbox,
    public_url: String,
    /// BRAND_NAME, in subjects and bodies.
    brand: String,
    sealer: Sealer,
    /// Wakes this instance's worker when a mail is queued (others find it by polling).
    wake: Arc<Notify>,
    transport: transport::Smtp,
}

impl Mailer {
    /// Loads and checks the templates and prepares the SMTP transport (connections are opened on
    /// first use).
    /// `template_dir`: a folder holding `email/`, or `None` for the templates in the binary.
    pub fn new(settings: &Settings, template_dir: Option<&Path>) -> Result<Self, String> {
        let root = template_dir.unwrap_or_else(|| Path::new("(built in)"));
        let glob = root.join("email/**/*.tera");
        let mut templates = if template_dir.is_some() {
            Tera::new(&glob.to_string_lossy()).map_err(|e| format!("mail templates: {e}"))?
        } else {
            let mut tera = Tera::default();
            tera.add_raw_templates(crate::assets::mail_templates())
                .map_err(|e| format!("mail templates: {e}"))?;
            tera
        };
        templates.autoescape_on(vec!["html.tera"]);
        for name in KINDS {
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
        Ok(Self {
            templates,
            from: settings.smtp.from.clone(),
            public_url: settings.public_url.clone(),
            brand: settings.brand.name.clone(),
            sealer: Sealer::new(settings.secret_key.expose(), "outbox"),
            wake: Arc::new(Notify::new()),
            transport: transport::Smtp::new(settings)?,
        })
    }

    /// Resolves when a mail is queued on this instance.
    pub async fn queued(&self) {
        self.wake.notified().await;
    }

    /// Opens a queued row's message and sends it to its recipient.
    pub async fn deliver(&self, row: &entities::outbox::Model) -> Result<(), DeliveryError> {
        let message = self
            .sealer
            .open(&row.payload)
            .map_err(|_| DeliveryError::Permanent("the stored message does not open".into()))?;
        self.transport.send(&row.recipient, &message).await
    }

    fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.public_url)
    }

    /// Links are inserted unescaped into the HTML part (`| safe`): they are built here from
    /// PUBLIC_URL (validated) and base64url tokens, so they hold no markup.
    pub async fn password_reset(
        &self,
        db: &impl ConnectionTrait,
        now: i64,
        to: To<'_>,
        token: &str,
        ttl_minutes: i64,
    ) -> Result<()> {
        let mut context = Context::new();
        context.insert(
            "link",
            &self.link(&format!("/reset-password?token={token}")),
        );
        context.insert("expires_in", &counted(ttl_minutes, "minute"));
        let subject = "Reset your Gatehouse password";
        self.queue(db, now, to, "reset_password", subject, &context)
            .await
    }

    /// A confirmation link (`/verify-email?token=…`): for the account's address, or for the new
    /// address of an email change.
    pub async fn confirmation(
        &self,
        db: &impl ConnectionTrait,
        now: i64,
        to: To<'_>,
        address: Address,
        token: &str,
        hours: i64,
    ) -> Result<()> {
        let mut context = Context::new();
        context.insert("link", &self.link(&format!("/verify-email?token={token}")));
        context.insert("expires_in", &counted(hours, "hour"));
        let (kind, subject) = match address {
            Address::Current => ("verify_email", "Confirm your email address for Gatehouse"),
            Address::New => (
                "confirm_new_email",
                "Confirm your new email address for Gatehouse",
            ),
        };
        self.queue(db, now, to, kind, subject, &context).await
    }

    /// To the old address when a change to `new_email` was asked for.
    pub async fn email_changed(
        &self,
        db: &impl ConnectionTrait,
        now: i64,
        to: To<'_>,
        new_email: &str,
    ) -> Result<()> {
        let mut context = self.security_context();
        context.insert("new_email", new_email);
        let subject = "An email change was requested for your Gatehouse account";
        self.queue(db, now, to, "email_changed", subject, &context)
            .await
    }

    /// To the old address when the change to `new_email` is done: it no longer controls the
    /// account, so a reset link would not reach it; the way back is through the operator.
    pub async fn email_change_completed(
        &self,
        db: &impl ConnectionTrait,
        now: i64,
        to: To<'_>,
        new_email: &str,
    ) -> Result<()> {
        let mut context = Context::new();
        context.insert("new_email", new_email);
        let subject = "The email address of your Gatehouse account was changed";
        self.queue(db, now, to, "email_change_completed", subject, &context)
            .await
    }

    pub async fn goodbye(&self, db: &impl ConnectionTrait, now: i64, to: To<'_>) -> Result<()> {
        let context = Context::new();
        let subject = "Your Gatehouse account was deleted";
        self.queue(db, now, to, "goodbye", subject, &context).await
    }

    /// A notice about the account's security; each offers the way to reset the password.
    pub async fn notice(
        &self,
        db: &impl ConnectionTrait,
        now: i64,
        to: To<'_>,
        notice: Notice,
    ) -> Result<()> {
        let mut context = self.security_context();
        if let Notice::LoginThrottled { ceiling } = notice {
            let longest = crate::domain::lockout::MAX_DELAY_SECS / 60;
            context.insert("longest_wait", &counted(longest, "minute"));
            context.insert("ceiling", &ceiling);
        }
        let (kind, subject) = notice.template_and_subject();
        self.queue(db, now, to, kind, subject, &context).await
    }

    /// Notices about the account's security each offer the way to reset the password.
    fn security_context(&self) -> Context {
        let mut context = Context::new();
        context.insert("forgot_link", &self.link("/forgot-password"));
        context
    }

    async fn queue(
        &self,
        db: &impl ConnectionTrait,
        now: i64,
        to: To<'_>,
        kind: &'static str,
        subject: &str,
        context: &Context,
    ) -> Result<()> {
        // Subjects are written with the default name; a deployment's BRAND_NAME replaces it.
        let subject = subject.replace("Gatehouse", &self.brand);
        let message = self
            .render(kind, &subject, to.address, context)
            .map_err(|e| crate::error::Error::internal(format!("mail {kind}: {e}")))?;
        let payload = self.sealer.seal(&message.formatted())?;
        outbox::insert(db, now, to, kind, payload).await?;
        self.wake.notify_one();
        Ok(())
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
        context.insert("brand", &self.brand);
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
