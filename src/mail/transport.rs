use std::time::Duration;

use lettre::{
    address::Envelope, transport::smtp::authentication::Credentials, Address, AsyncSmtpTransport,
    AsyncTransport, Tokio1Executor,
};

use super::DeliveryError;
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

    /// Sends an already formatted message to one recipient. A recipient that is not an
    /// address, or a refusal with a 5xx code, is permanent; everything else (no connection, a
    /// 4xx, a timeout, TLS) may pass.
    pub async fn send(&self, to: &str, message: &[u8]) -> Result<(), DeliveryError> {
        let to: Address = to
            .parse()
            .map_err(|e| DeliveryError::Permanent(format!("recipient address: {e}")))?;
        let envelope = Envelope::new(Some(self.from.clone()), vec![to])
            .map_err(|e| DeliveryError::Permanent(format!("envelope: {e}")))?;
        self.transport
            .send_raw(&envelope, message)
            .await
            .map(|_| ())
            .map_err(|e| {
                if e.is_permanent() {
                    DeliveryError::Permanent(e.to_string())
                } else {
                    DeliveryError::Transient(e.to_string())
                }
            })
    }
}
