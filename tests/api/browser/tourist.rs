//! The audit tour's guide: a page state is checked with axe at each width, photographed at
//! 375 px, and its keyboard start tested.

use serde_json::json;

use super::{
    axe::{self, Axe},
    walk::Walk,
};

/// Desktop, and a small phone.
pub(super) const WIDTHS: [(u32, u32); 2] = [(1280, 900), (375, 812)];

/// The walk, the audit and what it found so far.
pub(super) struct Tour {
    pub walk: Walk,
    pub axe: Option<Axe>,
    /// One report per page state that failed.
    pub failures: Vec<String>,
    /// The page states checked, in order.
    pub checked: Vec<String>,
}

impl Tour {
    pub async fn width(&self, (width, height): (u32, u32)) {
        self.walk
            .browser
            .set_window_size(width, height)
            .await
            .expect("resize");
        let inner = self
            .walk
            .browser
            .execute("return window.innerWidth;", vec![])
            .await
            .expect("innerWidth");
        assert_eq!(inner, json!(width), "the viewport is {width} px wide");
    }

    /// The page just loaded: axe at both widths, a screenshot at 375 px, then the keyboard's
    /// start (which moves the focus, so it comes last).
    pub async fn check(&mut self, name: &str) {
        self.checked.push(name.to_owned());
        for size in WIDTHS {
            self.width(size).await;
            if let Some(axe) = &self.axe {
                let violations = axe.audit(&self.walk.browser).await;
                if !violations.is_empty() {
                    let url = self.walk.browser.current_url().await.expect("url");
                    let page = format!("{name} at {} px ({})", size.0, url.path());
                    self.failures.push(axe::report(&page, &violations));
                }
            }
            if size.0 < 500 {
                self.walk.shot(&format!("{name}-{}", size.0)).await;
            }
        }
        self.width(WIDTHS[0]).await;
        if let Some(problem) = self.walk.keyboard_start().await {
            self.failures.push(format!("{name}: keyboard: {problem}\n"));
        }
    }

    pub async fn open(&mut self, path: &str, name: &str) {
        self.walk.open(path).await;
        self.check(name).await;
    }

    pub async fn expect_text(&self, wanted: &str) {
        let text = self.walk.text().await;
        assert!(text.contains(wanted), "{wanted:?} in {text}");
    }
}
