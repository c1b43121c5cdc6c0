//! Quantities as people write them, for pages and mails alike.

/// "1 minute", "30 minutes": a count with its unit, in the singular for one.
pub fn counted(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular() {
        assert_eq!(counted(1, "minute"), "1 minute");
        assert_eq!(counted(30, "minute"), "30 minutes");
        assert_eq!(counted(24, "hour"), "24 hours");
    }
}
