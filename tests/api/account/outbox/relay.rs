//! A slow relay for tests: a TCP proxy in front of an SMTP server that holds each message at its
//! end (the `.` line that ends DATA) before passing it on, so the server accepts it late, as a
//! slow relay does. A message is held for a fixed time, then until its recipient is released;
//! a client that gives up meanwhile loses it (the server never sees the end of it).

use std::{collections::HashSet, sync::Arc, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{tcp::OwnedReadHalf, TcpListener, TcpStream},
    sync::watch,
};

const END_OF_DATA: &[u8] = b"\r\n.\r\n";

pub struct Relay {
    pub port: u16,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

struct Shared {
    upstream: u16,
    hold: Duration,
    /// Recipients whose messages may pass (after `hold`); `None` lets every message pass.
    released: watch::Sender<Option<HashSet<String>>>,
    /// The recipients of the messages held right now.
    held: watch::Sender<Vec<String>>,
}

impl Relay {
    /// A relay to 127.0.0.1:`upstream` that holds each message `hold` long, and then, unless
    /// `open`, until its recipient is released.
    pub async fn start(upstream: u16, hold: Duration, open: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let port = listener.local_addr().expect("relay address").port();
        let shared = Arc::new(Shared {
            upstream,
            hold,
            released: watch::channel((!open).then(HashSet::new)).0,
            held: watch::channel(Vec::new()).0,
        });
        let accepting = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, accepting.clone()));
            }
        });
        Self {
            port,
            shared,
            accept,
        }
    }

    /// Lets the messages to `address` pass.
    pub fn release(&self, address: &str) {
        self.shared.released.send_modify(|released| {
            if let Some(addresses) = released {
                addresses.insert(address.to_owned());
            }
        });
    }

    pub fn release_all(&self) {
        self.shared.released.send_replace(None);
    }

    /// Waits until `count` messages are held at once, and returns their recipients.
    pub async fn wait_held(&self, count: usize, within: Duration) -> Vec<String> {
        let mut held = self.shared.held.subscribe();
        let waited = tokio::time::timeout(within, held.wait_for(|held| held.len() >= count)).await;
        let now = self.shared.held.borrow().clone();
        assert!(
            matches!(waited, Ok(Ok(_))),
            "{count} messages held at once within {within:?}; held: {now:?}"
        );
        now
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Copies one connection both ways; client → server is scanned for recipients and held at
/// each message's end.
async fn serve(client: TcpStream, shared: Arc<Shared>) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", shared.upstream)).await else {
        return;
    };
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
    });
    let mut seen: Vec<u8> = Vec::new();
    let mut buf = vec![0_u8; 16 * 1024];
    while let Ok(read) = from_client.read(&mut buf).await {
        if read == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..read]);
        if let Some(at) = find(&seen, END_OF_DATA) {
            let recipient = recipient(&seen[..at]);
            if !shared.hold(&recipient, &mut from_client).await {
                break;
            }
            seen.drain(..at + END_OF_DATA.len());
        }
        if to_server.write_all(&buf[..read]).await.is_err() {
            break;
        }
    }
    down.abort();
}

impl Shared {
    /// Holds a message to `recipient`; false if the client went away meanwhile.
    async fn hold(&self, recipient: &str, client: &mut OwnedReadHalf) -> bool {
        self.held
            .send_modify(|held| held.push(recipient.to_owned()));
        let mut released = self.released.subscribe();
        let wait = async {
            tokio::time::sleep(self.hold).await;
            let _ = released
                .wait_for(|released| released.as_ref().is_none_or(|r| r.contains(recipient)))
                .await;
        };
        // While it waits for the reply, an SMTP client sends nothing: a read that returns is
        // the client closing (or giving up on) the connection.
        let mut probe = [0_u8; 1];
        let waited = tokio::select! {
            () = wait => true,
            _ = client.read(&mut probe) => false,
        };
        self.held.send_modify(|held| {
            if let Some(at) = held.iter().position(|r| r == recipient) {
                held.remove(at);
            }
        });
        waited
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The address of the transaction's `RCPT TO:<…>` (lower-cased), or empty.
fn recipient(transaction: &[u8]) -> String {
    let text = String::from_utf8_lossy(transaction).to_ascii_lowercase();
    text.rfind("rcpt to:<")
        .map(|start| &text[start + "rcpt to:<".len()..])
        .and_then(|rest| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
