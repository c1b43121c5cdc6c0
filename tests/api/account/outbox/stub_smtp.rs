//! A tiny SMTP server for tests that refuses one recipient for good (`550` to its `RCPT TO`)
//! and accepts every other; it remembers what it was offered and what it took.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

pub struct StubSmtp {
    pub port: u16,
    log: Arc<Mutex<Log>>,
    accept: tokio::task::JoinHandle<()>,
}

#[derive(Debug, Default, Clone)]
pub struct Log {
    /// Every `RCPT TO` address, in order (refused ones too).
    pub offered: Vec<String>,
    /// The recipients of every message accepted after `DATA`.
    pub delivered: Vec<String>,
}

impl StubSmtp {
    pub async fn start(refuse: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind stub");
        let port = listener.local_addr().expect("stub address").port();
        let log = Arc::new(Mutex::new(Log::default()));
        let shared = log.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, refuse, shared.clone()));
            }
        });
        Self { port, log, accept }
    }

    pub fn log(&self) -> Log {
        self.log.lock().expect("stub log").clone()
    }
}

impl Drop for StubSmtp {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn session(stream: TcpStream, refuse: &str, log: Arc<Mutex<Log>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 stub ESMTP\r\n").await?;
    let mut recipients: Vec<String> = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-stub\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL FROM") || upper.starts_with("RSET") {
            recipients.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let address = line["RCPT TO:".len()..]
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            log.lock().expect("stub log").offered.push(address.clone());
            if address == refuse {
                b"550 5.1.1 No such mailbox here\r\n"
            } else {
                recipients.push(address);
                b"250 OK\r\n"
            }
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            while let Some(body) = lines.next_line().await? {
                if body == "." {
                    break;
                }
            }
            log.lock()
                .expect("stub log")
                .delivered
                .append(&mut recipients);
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}
