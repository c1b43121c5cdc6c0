use std::time::Duration;

use lettre::{
    address::Envelope, transport::smtp::authentication::Credentials, Address, AsyncSmtpTransport,
    AsyncTransport, Tokio1Executor,
};

use crate::config::{Settings, SmtpTls};

const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The SMTP relay, and the sender address of every envelope.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Address,
}

impl Smtp {
    pub fn new(settings: &Settings) -> Result<Self, String> {
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
            let credentials = Credentials::new(user.clone(), password.expose().to_owned());
            builder = builder.credentials(credentials);
        }
        Ok(Self {
            transport: builder.build(),
            from: smtp.from.email.clone(),
        })
    }

    /// Sends an already formatted message to one recipient.
    pub async fn send(&self, to: &str, message: &[u8]) -> Result<(), String> {
        let to: Address = to.parse().map_err(|e| format!("recipient address: {e}"))?;
        let envelope = Envelope::new(Some(self.from.clone()), vec![to])
            .map_err(|e| format!("envelope: {e}"))?;
        self.transport
            .send_raw(&envelope, message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
