//! What a 429 is about, so that a page can say what is true: who is limited, and by what.

/// What a log-in throttle refusal is about, so that a page can say what is true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleScope {
    /// The account, tried too often (from this network, or from everywhere).
    Account,
    /// This client's network, over every account.
    Network,
    /// The current password asked again inside this signed-in session.
    Session,
}

/// What a rate limit counts, so that a page can say who is limited and by what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Sign-ups from the client's network.
    SignUps,
    /// Sign-ups from the client's network answered "already registered" (the enumeration bound).
    TakenAddresses,
    /// Mails with a link (reset, confirmation) for one address or account.
    LinksForTarget,
    /// Mails with a link asked for from the client's network.
    LinksFromNetwork,
    /// Mails that people who are not signed in cause, across the whole service.
    MailBudget,
}
