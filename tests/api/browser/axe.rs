//! The axe-core accessibility audit, run inside the page Chromium shows.
//!
//! axe-core is an npm package that CI installs before the tests (`.ci/run`); nothing is
//! downloaded while the test runs. The test reads `axe.min.js` from `GATEHOUSE_AXE_JS`, or by
//! default from `<CARGO_TARGET_DIR or target>/axe/node_modules/axe-core/axe.min.js`:
//!
//! ```sh
//! npm install --prefix "${CARGO_TARGET_DIR:-target}/axe" axe-core@4
//! ```
//!
//! Without the file the audit is skipped with a message, unless `GATEHOUSE_BROWSER_TEST=required`
//! (as in CI), which makes it fail. The script is injected with WebDriver's execute, which the
//! pages' Content-Security-Policy (no inline script) does not apply to.

use std::{fmt::Write as _, path::PathBuf};

use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

/// The WCAG 2.0, 2.1 and 2.2 rules at levels A and AA, and axe's best practices (one main
/// landmark, all content in landmarks, heading order, one `<h1>`).
const TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// Plants two faults in the page (faint text, an image without a text alternative) for
/// [`Axe::self_test`]; `arguments[0]` true plants, false removes.
const PLANT: &str = r"
if (arguments[0]) {
  const p = document.createElement('p');
  p.id = 'axe-planted-text';
  p.style.color = '#d0d0d0';
  p.textContent = 'Faint text';
  const img = document.createElement('img');
  img.id = 'axe-planted-img';
  img.src = '/static/favicon.svg';
  document.querySelector('main').append(p, img);
} else {
  document.getElementById('axe-planted-text').remove();
  document.getElementById('axe-planted-img').remove();
}
";

/// Runs axe on the document and hands back its violations, trimmed to what a report needs.
const RUN: &str = r"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
  .then(function (results) {
    done({ violations: results.violations.map(function (v) {
      return { id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(function (n) {
          return { target: n.target.map(String), html: n.html, summary: n.failureSummary || '' };
        }) };
    }), version: axe.version });
  })
  .catch(function (err) { done({ error: String(err) }); });
";

/// The source of `axe.min.js`, read once per test.
pub(super) struct Axe {
    source: String,
}

#[derive(Deserialize)]
struct Outcome {
    #[serde(default)]
    violations: Vec<Violation>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    #[serde(rename = "helpUrl")]
    help_url: String,
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    target: Vec<String>,
    html: String,
    summary: String,
}

impl Axe {
    /// `axe.min.js` from `GATEHOUSE_AXE_JS` or the target directory. `None` (with a message)
    /// when it is missing; a panic instead when `GATEHOUSE_BROWSER_TEST=required`.
    pub(super) fn load() -> Option<Axe> {
        let path = std::env::var_os("GATEHOUSE_AXE_JS").map_or_else(
            || {
                std::env::var_os("CARGO_TARGET_DIR")
                    .map_or_else(
                        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
                        PathBuf::from,
                    )
                    .join("axe/node_modules/axe-core/axe.min.js")
            },
            PathBuf::from,
        );
        match std::fs::read_to_string(&path) {
            Ok(source) => Some(Axe { source }),
            Err(err) => {
                let advice = format!(
                    "axe-core is not at {} ({err}); install it with `npm install --prefix \
                     \"${{CARGO_TARGET_DIR:-target}}/axe\" axe-core@4` or point GATEHOUSE_AXE_JS \
                     at axe.min.js",
                    path.display()
                );
                assert!(
                    std::env::var("GATEHOUSE_BROWSER_TEST").as_deref() != Ok("required"),
                    "GATEHOUSE_BROWSER_TEST=required but {advice}"
                );
                eprintln!("accessibility audit skipped: {advice}");
                None
            }
        }
    }

    /// The audit finds faults planted in the page: proof that axe runs, with these rules, and
    /// that an empty report means a clean page.
    pub(super) async fn self_test(&self, browser: &Client) {
        browser
            .execute(PLANT, vec![json!(true)])
            .await
            .expect("plant faults");
        let found: Vec<String> = self
            .audit(browser)
            .await
            .into_iter()
            .map(|v| v.id)
            .collect();
        browser
            .execute(PLANT, vec![json!(false)])
            .await
            .expect("remove the planted faults");
        for rule in ["color-contrast", "image-alt"] {
            assert!(
                found.iter().any(|id| id == rule),
                "axe should report the planted {rule} fault; it reported {found:?}"
            );
        }
    }

    /// Audits the page the browser shows against [`TAGS`].
    pub(super) async fn audit(&self, browser: &Client) -> Vec<Violation> {
        let present = browser
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .expect("look for axe");
        if present != json!(true) {
            browser
                .execute(&self.source, vec![])
                .await
                .expect("inject axe-core");
        }
        let outcome = browser
            .execute_async(RUN, vec![json!(TAGS)])
            .await
            .expect("run axe");
        let outcome: Outcome = serde_json::from_value(outcome).expect("axe's results");
        if let Some(error) = outcome.error {
            panic!("axe.run failed: {error}");
        }
        outcome.violations
    }
}

/// One readable block per violation: rule, impact, help and every offending node.
pub(super) fn report(page: &str, violations: &[Violation]) -> String {
    let mut out = String::new();
    for v in violations {
        let impact = v.impact.as_deref().unwrap_or("unknown");
        let _ = writeln!(
            out,
            "{page}: {} [{impact}] {} ({})",
            v.id, v.help, v.help_url
        );
        for node in &v.nodes {
            let _ = writeln!(out, "    at {}: {}", node.target.join(" "), node.html);
            for line in node.summary.lines() {
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    out
}
