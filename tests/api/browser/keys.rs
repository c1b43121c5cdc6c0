//! The keyboard: Tab, Enter and typing, always sent to the element that has the focus, as a
//! person without a mouse would.

use fantoccini::Locator;
use serde_json::json;

use super::walk::Walk;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

/// A short name for the focused element: `input#email`, `button:Log in`, `a:Create account`,
/// `main#main`, `div.error-summary`, or `body` when nothing has the focus.
const FOCUSED: &str = r"
const e = document.activeElement;
if (!e || e === document.body) { return 'body'; }
const tag = e.tagName.toLowerCase();
if (tag === 'input') { return 'input#' + e.id; }
if (tag === 'a' || tag === 'button') { return tag + ':' + e.textContent.trim(); }
if (e.id) { return tag + '#' + e.id; }
return tag + (e.classList.length ? '.' + Array.from(e.classList).join('.') : '');
";

impl Walk {
    /// The focused element, named as in [`FOCUSED`].
    pub(super) async fn focused(&self) -> String {
        let name = self
            .browser
            .execute(FOCUSED, vec![])
            .await
            .expect("the focused element");
        name.as_str().expect("a name").to_owned()
    }

    /// Whether the focused element matches a CSS selector.
    pub(super) async fn focus_matches(&self, css: &str) -> bool {
        let script =
            "return !!document.activeElement && document.activeElement.matches(arguments[0]);";
        self.browser
            .execute(script, vec![json!(css)])
            .await
            .expect("match the focused element")
            == json!(true)
    }

    /// Sends keys to whatever has the focus.
    async fn keys(&self, keys: &str) {
        self.browser
            .active_element()
            .await
            .expect("the focused element")
            .send_keys(keys)
            .await
            .expect("send keys");
    }

    pub(super) async fn tab(&self) {
        self.keys(TAB).await;
    }

    /// Types into the focused field.
    pub(super) async fn type_text(&self, text: &str) {
        self.keys(text).await;
    }

    /// Presses Enter on the focused element without expecting a new page (a skip link).
    pub(super) async fn enter(&self) {
        self.keys(ENTER).await;
    }

    /// Presses Enter on the focused link or button and waits for the page it loads.
    pub(super) async fn enter_and_wait(&self) {
        let old = self
            .browser
            .find(Locator::Css("html"))
            .await
            .expect("document");
        let on = self.focused().await;
        self.keys(ENTER).await;
        Self::until_replaced(&old, &format!("Enter on {on}")).await;
    }

    /// Presses Tab until `target` (named as by [`Walk::focused`]) has the focus.
    pub(super) async fn tab_to(&self, target: &str) {
        let mut path = Vec::new();
        for _ in 0..40 {
            self.tab().await;
            let now = self.focused().await;
            if now == target {
                return;
            }
            path.push(now);
        }
        panic!("Tab never reached {target}; it went {}", path.join(" → "));
    }

    /// Tabs to the field and types into it.
    pub(super) async fn tab_and_type(&self, field: &str, text: &str) {
        self.tab_to(&format!("input#{field}")).await;
        self.type_text(text).await;
    }

    /// How the page just loaded starts for the keyboard. Without an error summary the first Tab
    /// reaches the skip link, and Enter on it moves the focus to `<main>`. A page with an error
    /// summary focuses the summary on load (so it is read out first), and the first Tab goes on
    /// into the summary's links or the form. Returns what went wrong, if anything.
    pub(super) async fn keyboard_start(&self) -> Option<String> {
        if self.count(".error-summary[autofocus]").await > 0 {
            if !self.focus_matches(".error-summary").await {
                return Some(format!(
                    "the error summary should have the focus on load, not {}",
                    self.focused().await
                ));
            }
            self.tab().await;
            if !self.focus_matches("main *").await {
                return Some(format!(
                    "the first Tab from the error summary left main for {}",
                    self.focused().await
                ));
            }
            return None;
        }
        let before = self.focused().await;
        if before != "body" {
            return Some(format!("{before} had the focus before any key was pressed"));
        }
        self.tab().await;
        if !self.focus_matches("a.skip-link").await {
            return Some(format!(
                "the first Tab focused {}, not the skip link",
                self.focused().await
            ));
        }
        let visible = "const r = document.activeElement.getBoundingClientRect(); \
                       return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0;";
        if self.browser.execute(visible, vec![]).await.expect("rect") != json!(true) {
            return Some("the focused skip link is not visible".to_owned());
        }
        self.enter().await;
        if !self.focus_matches("main").await {
            return Some(format!(
                "Enter on the skip link focused {}, not main",
                self.focused().await
            ));
        }
        None
    }
}
