//! The HTML pages: GETs and form posts, as a browser without JavaScript makes them.

use rocket::http::ContentType;

use super::{PageReply, TestApp};

/// `application/x-www-form-urlencoded`: each key and value percent-encoded (all but the
/// unreserved characters), pairs joined by `&`.
pub fn form_encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{}={}", percent_encode(key), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    /// GET a page.
    pub async fn page(&self, path: &str) -> PageReply {
        PageReply::from(self.client.get(path.to_owned()).dispatch().await).await
    }

    /// POST a form, exactly these fields (no CSRF token is added).
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> PageReply {
        PageReply::from(
            self.client
                .post(path.to_owned())
                .header(ContentType::Form)
                .body(form_encode(fields))
                .dispatch()
                .await,
        )
        .await
    }

    /// GETs `page_path` for its CSRF token, then POSTs `fields` plus `csrf_token` to `path`.
    pub async fn submit_with_csrf(
        &self,
        page_path: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> PageReply {
        let csrf = self.page(page_path).await.csrf();
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &csrf));
        self.submit(path, &fields).await
    }
}
