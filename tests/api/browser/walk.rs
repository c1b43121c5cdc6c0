//! [`Walk`]: what a person does in the browser — open, fill in by label, press, follow — with a
//! screenshot of each step worth seeing.

use std::{
    io::{Read, Write},
    net::TcpStream,
    path::PathBuf,
    time::Duration,
};

use fantoccini::{Client, Locator};

pub(super) struct Walk {
    pub(super) browser: Client,
    /// The app's address, `http://localhost:<port>`.
    pub(super) base: String,
    /// Where the screenshots go.
    pub(super) shots: PathBuf,
    pub(super) step: usize,
}

impl Walk {
    pub(super) async fn open(&self, path: &str) {
        self.browser
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("goto");
    }

    /// Types into the input whose `<label>` reads exactly `label`.
    pub(super) async fn fill(&self, label: &str, value: &str) {
        let label_el = self
            .browser
            .find(Locator::XPath(&format!(
                "//label[normalize-space()='{label}']"
            )))
            .await
            .unwrap_or_else(|_| panic!("a label reading {label:?}"));
        let id = label_el
            .attr("for")
            .await
            .expect("attr")
            .expect("label has for=");
        let input = self
            .browser
            .find(Locator::Id(&id))
            .await
            .expect("the labelled input");
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }

    /// Clicks a button and waits for the page it loads (the old document goes stale).
    pub(super) async fn press(&self, button: &str) {
        let locator = format!("//button[normalize-space()='{button}']");
        let target = self
            .browser
            .find(Locator::XPath(&locator))
            .await
            .unwrap_or_else(|_| panic!("a button reading {button:?}"));
        self.click_and_wait(target).await;
    }

    pub(super) async fn follow(&self, link: &str) {
        let target = self
            .browser
            .find(Locator::LinkText(link))
            .await
            .unwrap_or_else(|_| panic!("a link reading {link:?}"));
        self.click_and_wait(target).await;
    }

    async fn click_and_wait(&self, target: fantoccini::elements::Element) {
        let old = self
            .browser
            .find(Locator::Css("html"))
            .await
            .expect("document");
        target.click().await.expect("click");
        Self::until_replaced(&old, "the click").await;
    }

    /// Waits until `old` (the `<html>` of the page before an action) is gone: a new page loaded.
    pub(super) async fn until_replaced(old: &fantoccini::elements::Element, action: &str) {
        // Generous: CI runs this beside the rest of the suite on two cores.
        for _ in 0..300 {
            if old.tag_name().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{action} did not load a new page");
    }

    pub(super) async fn wait_for_path(&self, path: &str) {
        for _ in 0..150 {
            let url = self.browser.current_url().await.expect("url");
            if url.path() == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self.browser.current_url().await.expect("url");
        panic!("expected to reach {path}, still at {url}");
    }

    /// The visible text of the page.
    pub(super) async fn text(&self) -> String {
        self.browser
            .find(Locator::Css("body"))
            .await
            .expect("body")
            .text()
            .await
            .expect("text")
    }

    pub(super) async fn shot(&mut self, name: &str) {
        self.step += 1;
        let png = self.browser.screenshot().await.expect("screenshot");
        let file = self.shots.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&file, png).expect("write screenshot");
    }

    /// A screenshot at a phone's width (375 px); the window gets its size back afterwards.
    pub(super) async fn phone_shot(&mut self, name: &str) {
        let (width, height) = self.browser.get_window_size().await.expect("window size");
        self.browser
            .set_window_size(375, 812)
            .await
            .expect("resize");
        self.shot(&format!("{name}-375")).await;
        let size = |n: u64| u32::try_from(n).expect("a window size");
        self.browser
            .set_window_size(size(width), size(height))
            .await
            .expect("resize back");
    }

    /// How many elements match a CSS selector.
    pub(super) async fn count(&self, css: &str) -> usize {
        self.browser
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
            .len()
    }
}

/// `POST /auth/login` with a JSON body over a plain TCP connection, as an API client elsewhere
/// would; returns the status code.
pub(super) async fn login_over_http(port: u16, email: &str, password: &str) -> u16 {
    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    let request = format!(
        "POST /auth/login HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Type: application/json\r\n\
         User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(request.as_bytes()).expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
    })
    .await
    .expect("the request thread");
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP status line: {response}"))
}
