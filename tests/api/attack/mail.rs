//! The HTML part of a mail is a page too: what a user typed that reaches it comes back escaped.
//! The one typed value mails carry is an address (the new one, in the notice of a change), so
//! the addresses here are payloads (refused as addresses) and addresses that hold the
//! characters markup needs escaped (`'` and `&`, which an address may contain).

use rocket::http::Status;
use serde_json::json;

use super::{injected, PAYLOADS};
use crate::helpers::spawn_with_mail;

const CHANGE_NOTICE: &str = "An email change was requested for your Gatehouse account";

#[tokio::test(flavor = "multi_thread")]
async fn an_address_in_a_mail_comes_back_escaped() {
    let mut app = spawn_with_mail().await;
    let (access, _) = app.signed_in("mail-battery@example.com").await;
    let mut accepted = 0;
    let addresses = PAYLOADS.iter().map(|p| format!("{p}@example.com")).chain([
        "o'hara&co@example.com".to_owned(),
        "a&amp{b}'c@example.com".to_owned(),
    ]);
    for address in addresses {
        let reply = app
            .post_json_auth(
                "/auth/change-email",
                &access,
                json!({ "password": crate::helpers::PASSWORD, "new_email": address }),
            )
            .await;
        assert!(reply.status.code < 500, "{address}: {}", reply.status);
        if reply.status != Status::Accepted {
            continue;
        }
        accepted += 1;
        let notice = app.next_mail_where(|m| m.subject == CHANGE_NOTICE).await;
        let found = injected(&notice.html);
        assert!(found.is_empty(), "{address}: {found:?}");
        // Escaped, not dropped: the address is there as text, each special character an entity.
        let text = scraper::Html::parse_document(&notice.html)
            .root_element()
            .text()
            .collect::<String>();
        assert!(text.contains(&address), "{address} in {text}");
        assert!(
            !notice.html.contains(&address) || !address.contains(['&', '<', '"', '\'']),
            "{address} is in the HTML unescaped"
        );
    }
    assert!(
        accepted >= 2,
        "the escaping was exercised ({accepted} addresses accepted)"
    );
}
