//! Throttle keys: `p:<account>:<network>`, `a:<account>`, `n:<network>`, `s:<session>`, each
//! part 128 bits of a SHA-256, so keys stay short and the table holds no address, identifier or
//! session id.

use std::net::IpAddr;

use super::{
    policy::{Role, Rule},
    store::Keys,
    Subject,
};
use crate::{auth::keys::hash_token, state::AppState};

/// 128 bits of a hash: keys stay short, and the table holds no address or identifier.
fn part(value: &str) -> String {
    let mut hash = hash_token(value);
    hash.truncate(32);
    hash
}

pub(super) fn account_part(user_id: Option<i32>, identifier: &str) -> String {
    match user_id {
        Some(id) => part(&format!("user:{id}")),
        None => part(&format!("typed:{}", identifier.trim().to_lowercase())),
    }
}

/// The client's network: its IPv4 address, or the /56 of an IPv6 one (a subscriber's usual
/// delegation; counting single addresses would be no limit).
pub fn network_key(ip: Option<IpAddr>) -> String {
    let ip = match ip {
        Some(IpAddr::V6(v6)) => Some(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)),
        other => other,
    };
    match ip {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/56", s[0], s[1], s[2], s[3] & 0xff00)
        }
        None => "unknown".to_owned(),
    }
}

/// The rows a check of `subject` counts on, with the rule each follows.
pub(super) fn of(app: &AppState, subject: Subject<'_>) -> Keys {
    let max = i64::from(app.settings.login_max_failures);
    match subject {
        Subject::LogIn {
            user_id,
            identifier,
            ip,
        } => {
            let account = account_part(user_id, identifier);
            let network = part(&network_key(ip));
            vec![
                (
                    Rule {
                        role: Role::Pair,
                        max,
                    },
                    format!("p:{account}:{network}"),
                ),
                (
                    Rule {
                        role: Role::Account,
                        max: i64::from(app.settings.login_max_failures_per_account),
                    },
                    format!("a:{account}"),
                ),
                (
                    Rule {
                        role: Role::Network,
                        max: i64::from(app.settings.login_max_failures_per_ip),
                    },
                    format!("n:{network}"),
                ),
            ]
        }
        Subject::Session { session_id } => vec![(
            Rule {
                role: Role::Session,
                max,
            },
            format!("s:{}", part(session_id)),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::{account_part, network_key};

    #[test]
    fn keys_ignore_case_and_hold_no_identifier() {
        assert_eq!(
            account_part(None, "Ann@Example.com "),
            account_part(None, "ann@example.com")
        );
        assert!(!account_part(None, "ann@example.com").contains("ann"));
        assert_ne!(account_part(Some(1), ""), account_part(None, "1"));
    }

    #[test]
    fn networks_are_ipv4_addresses_and_ipv6_56s() {
        let v6 = |s: &str| network_key(Some(s.parse().expect("address")));
        assert_eq!(v6("2001:db8:1:2ff::1"), v6("2001:db8:1:200::9"));
        assert_ne!(v6("2001:db8:1:200::1"), v6("2001:db8:1:300::1"));
        assert_eq!(v6("::ffff:192.0.2.1"), "192.0.2.1");
    }
}
