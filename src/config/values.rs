//! Reads every setting of the table from the figment, checks it against its declaration and hands
//! the results out by name. A bad value is reported by its env name and never quoted: figment's
//! own messages quote the value, which may be a secret typed into the wrong setting.

use std::collections::HashMap;

use rocket::figment::{value::Value, Figment};

use super::{
    table::{Kind, Setting, Unit, TABLE},
    Secret, SECTION,
};

/// A value that passed its declaration's checks, or the default if it did not (the problem is
/// recorded, so such settings are never used).
enum Checked {
    Text(String),
    Secret(Secret),
    Int { value: i64, unit: Unit },
    Bool(bool),
}

/// Every setting of the table, checked, and the problems found so far. Each accessor takes its
/// value out, so that a setting declared but never used shows up (see [`Values::into_problems`]).
pub(super) struct Values {
    checked: HashMap<&'static str, Checked>,
    problems: Vec<String>,
}

impl Values {
    pub fn read(figment: &Figment) -> Self {
        let mut problems = Vec::new();
        let checked = TABLE
            .iter()
            .map(|setting| (setting.key, check(figment, setting, &mut problems)))
            .collect();
        Self { checked, problems }
    }

    /// Every problem, reading and later checks alike. A declared setting that no accessor took
    /// is a bug in `build.rs`, reported like the rest so that the tests catch it.
    pub fn into_problems(mut self) -> Vec<String> {
        let mut unused: Vec<_> = self.checked.keys().copied().collect();
        unused.sort_unstable();
        for key in unused {
            self.problems
                .push(format!("internal error: {key} is declared but never used"));
        }
        self.problems
    }

    /// A text or choice setting (a choice as spelled in the table).
    pub fn text(&mut self, key: &'static str) -> String {
        match self.checked.remove(key) {
            Some(Checked::Text(text)) => text,
            _ => self.misuse(key, "text"),
        }
    }

    /// A text setting that is off when unset or blank.
    pub fn optional(&mut self, key: &'static str) -> Option<String> {
        Some(self.text(key)).filter(|text| !text.is_empty())
    }

    pub fn secret(&mut self, key: &'static str) -> Secret {
        match self.checked.remove(key) {
            Some(Checked::Secret(secret)) => secret,
            _ => self.misuse(key, "a secret"),
        }
    }

    /// An integer setting as configured, in the field's type (the table's range must fit it).
    pub fn int<T: TryFrom<i64> + Default>(&mut self, key: &'static str) -> T {
        match self.checked.remove(key) {
            Some(Checked::Int { value, .. }) => T::try_from(value)
                .unwrap_or_else(|_| self.misuse(key, "a range that fits its field")),
            _ => self.misuse(key, "an integer"),
        }
    }

    /// A duration setting, converted to seconds.
    pub fn secs(&mut self, key: &'static str) -> i64 {
        match self.checked.remove(key) {
            Some(Checked::Int { value, unit }) => match unit.seconds() {
                Some(per_unit) => value * per_unit,
                None => self.misuse(key, "a duration"),
            },
            _ => self.misuse(key, "a duration"),
        }
    }

    pub fn bool(&mut self, key: &'static str) -> bool {
        match self.checked.remove(key) {
            Some(Checked::Bool(flag)) => flag,
            _ => self.misuse(key, "true or false"),
        }
    }

    /// `build.rs` asked for a key the way the table does not declare it.
    fn misuse<T: Default>(&mut self, key: &str, expected: &str) -> T {
        self.problems.push(format!(
            "internal error: {key} is not declared as {expected} in the settings table"
        ));
        T::default()
    }
}

/// Reads one setting and checks it against its declaration.
fn check(figment: &Figment, setting: &Setting, problems: &mut Vec<String>) -> Checked {
    let key = setting.key;
    let found = figment
        .find_value(&format!("{SECTION}.{}", key.to_ascii_lowercase()))
        .ok();
    let mut refuse = |rule: String| problems.push(format!("{key} must be {rule}"));
    match setting.kind {
        Kind::Text { default } => {
            Checked::Text(read_text(found, &mut refuse).unwrap_or_else(|| default.to_owned()))
        }
        Kind::Secret { default } => Checked::Secret(Secret::new(
            read_text(found, &mut refuse).unwrap_or_else(|| default.to_owned()),
        )),
        Kind::Choice { default, options } => {
            let chosen = read_text(found, &mut refuse).map(|word| {
                options
                    .iter()
                    .find(|option| option.eq_ignore_ascii_case(&word))
                    .unwrap_or_else(|| {
                        refuse(format!("one of: {}", options.join(", ")));
                        &default
                    })
            });
            Checked::Text(chosen.unwrap_or(&default).to_string())
        }
        Kind::Int {
            default,
            min,
            max,
            unit,
        } => {
            let value = found.map(|value| {
                as_int(&value)
                    .and_then(|int| i64::try_from(int).ok())
                    .filter(|int| (min..=max).contains(int))
                    .unwrap_or_else(|| {
                        refuse(format!("a whole number between {min} and {max}"));
                        default
                    })
            });
            Checked::Int {
                value: value.unwrap_or(default),
                unit,
            }
        }
        Kind::Bool { default } => {
            let flag = found.map(|value| {
                as_bool(&value).unwrap_or_else(|| {
                    refuse("true or false".to_owned());
                    default
                })
            });
            Checked::Bool(flag.unwrap_or(default))
        }
    }
}

/// The value as trimmed text; numbers and booleans (from `Rocket.toml`) are spelled out.
fn read_text(found: Option<Value>, refuse: &mut impl FnMut(String)) -> Option<String> {
    let text = match found? {
        Value::String(_, text) => text,
        Value::Char(_, c) => c.to_string(),
        Value::Bool(_, flag) => flag.to_string(),
        Value::Num(_, n) => match (n.to_i128(), n.to_u128(), n.to_f64()) {
            (Some(int), _, _) => int.to_string(),
            (None, Some(uint), _) => uint.to_string(),
            (None, None, Some(float)) => float.to_string(),
            (None, None, None) => return refuse_text(refuse),
        },
        _ => return refuse_text(refuse),
    };
    Some(text.trim().to_owned())
}

fn refuse_text(refuse: &mut impl FnMut(String)) -> Option<String> {
    refuse("a string".to_owned());
    None
}

fn as_int(value: &Value) -> Option<i128> {
    match value {
        Value::String(_, text) => text.trim().parse().ok(),
        Value::Num(_, n) => n
            .to_i128()
            .or_else(|| n.to_u128().and_then(|u| i128::try_from(u).ok())),
        _ => None,
    }
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::String(_, text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => None,
        },
        other => other.to_bool(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_for_a_setting_the_wrong_way_is_reported() {
        let mut values = Values::read(&Figment::new());
        let _: String = values.text("BCRYPT_COST");
        let _: u8 = values.int("SMTP_PORT");
        let _: i64 = values.secs("LOGIN_MAX_FAILURES");
        let _: bool = values.bool("NOT_DECLARED");
        let problems = values.into_problems();
        for key in [
            "BCRYPT_COST",
            "SMTP_PORT",
            "LOGIN_MAX_FAILURES",
            "NOT_DECLARED",
            "SECRET_KEY",
        ] {
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains(key) && p.starts_with("internal error")),
                "{key}: {problems:?}"
            );
        }
    }

    #[test]
    fn wrong_types_are_named_without_the_value() {
        let figment = Figment::new()
            .merge(("gatehouse.public_url", ["leak"]))
            .merge(("gatehouse.bcrypt_cost", 12.5))
            .merge(("gatehouse.cookie_secure", "leak"));
        let problems = Values::read(&figment).problems;
        assert_eq!(problems.len(), 3, "{problems:?}");
        for expected in [
            "PUBLIC_URL must be a string",
            "BCRYPT_COST must be a whole number between 4 and 31",
            "COOKIE_SECURE must be true or false",
        ] {
            assert!(problems.iter().any(|p| p == expected), "{problems:?}");
        }
        assert!(problems
            .iter()
            .all(|p| !p.contains("leak") && !p.contains("12.5")));
    }
}
