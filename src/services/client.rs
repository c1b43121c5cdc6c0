use std::net::IpAddr;

/// Who is asking, as far as the services care: the client's address (per-IP limits, session
/// list) and its User-Agent (only ever reduced to a short device label).
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// "Firefox on Linux": the browser and the OS, never the raw string (which fingerprints).
    pub fn device(&self) -> Option<String> {
        self.user_agent.as_deref().map(device_label)
    }
}

fn device_label(ua: &str) -> String {
    const BROWSERS: [(&str, &str); 9] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python-requests/", "Python requests"),
        ("Wget/", "Wget"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(needle, _)| ua.contains(needle))
            .map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(os)) => format!("{browser} on {os}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(os)) => format!("Unknown browser on {os}"),
        (None, None) => "Unknown device".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::device_label;

    #[test]
    fn labels_common_browsers() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device_label(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                      Gecko) Chrome/126.0 Safari/537.36";
        assert_eq!(device_label(chrome), "Chrome on Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(iphone), "Safari on iOS");
        assert_eq!(device_label("curl/8.5.0"), "curl");
        assert_eq!(device_label(""), "Unknown device");
    }
}
