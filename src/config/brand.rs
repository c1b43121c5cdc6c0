//! The look a deployment gives Gatehouse without a fork: its name in pages, titles and mails, a
//! logo in the header, an accent colour for buttons and links. Checked at start: a logo that is
//! missing, too large or not an image, or an accent that white text cannot be read on, stops
//! the server with a message naming the setting.

use std::path::Path;

/// The largest logo served: a header image, not a photograph.
const MAX_LOGO_BYTES: u64 = 256 * 1024;
/// WCAG AA for normal text: the accent is the background of white button text and the colour of
/// links on white.
const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone)]
pub struct Brand {
    pub name: String,
    pub logo: Option<Logo>,
    /// `#rrggbb`, lower case.
    pub accent: Option<String>,
}

#[derive(Clone)]
pub struct Logo {
    pub bytes: Vec<u8>,
    /// `svg`, `png`, `jpg` or `webp`: the extension Rocket knows the content type of.
    pub extension: &'static str,
}

pub(super) fn brand(
    name: String,
    logo: Option<&str>,
    accent: Option<&str>,
    problems: &mut Vec<String>,
) -> Brand {
    let name = name.trim().to_owned();
    let name = if name.is_empty() {
        problems.push("BRAND_NAME must not be empty (leave it unset for \"Gatehouse\")".into());
        "Gatehouse".to_owned()
    } else if name.chars().count() > 60 || name.chars().any(char::is_control) {
        problems.push("BRAND_NAME must be one line of at most 60 characters".into());
        "Gatehouse".to_owned()
    } else {
        name
    };
    Brand {
        name,
        logo: logo.and_then(|path| read_logo(Path::new(path), problems)),
        accent: accent.and_then(|value| check_accent(value, problems)),
    }
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({} bytes of {})", self.bytes.len(), self.extension)
    }
}

fn read_logo(path: &Path, problems: &mut Vec<String>) -> Option<Logo> {
    let extension = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => "svg",
        Some("png") => "png",
        Some("jpg" | "jpeg") => "jpg",
        Some("webp") => "webp",
        _ => {
            problems.push("BRAND_LOGO must be an .svg, .png, .jpg or .webp file".into());
            return None;
        }
    };
    let size = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => {
            problems.push(format!("BRAND_LOGO: no file at {}", path.display()));
            return None;
        }
    };
    if size > MAX_LOGO_BYTES {
        problems.push(format!(
            "BRAND_LOGO is larger than {} KB; use a smaller header image",
            MAX_LOGO_BYTES / 1024
        ));
        return None;
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(Logo { bytes, extension }),
        Err(err) => {
            problems.push(format!("BRAND_LOGO cannot be read: {err}"));
            None
        }
    }
}

fn check_accent(value: &str, problems: &mut Vec<String>) -> Option<String> {
    let Some(rgb) = parse_hex(value.trim()) else {
        problems.push("BRAND_ACCENT must be a colour written #rrggbb or #rgb".into());
        return None;
    };
    let ratio = contrast_with_white(rgb);
    if ratio < MIN_CONTRAST {
        problems.push(format!(
            "BRAND_ACCENT is too light for white text and links on white (contrast {ratio:.1}:1, \
             at least {MIN_CONTRAST}:1 is needed); choose a darker shade"
        ));
        return None;
    }
    Some(format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]))
}

fn parse_hex(value: &str) -> Option<[u8; 3]> {
    let digits = value.strip_prefix('#')?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match digits.len() {
        6 => Some([
            channel(&digits[0..2])?,
            channel(&digits[2..4])?,
            channel(&digits[4..6])?,
        ]),
        3 => {
            let mut rgb = [0; 3];
            for (i, c) in digits.chars().enumerate() {
                rgb[i] = channel(&c.to_string())? * 17;
            }
            Some(rgb)
        }
        _ => None,
    }
}

/// WCAG 2 contrast ratio of the colour against white.
fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    1.05 / (l + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_checked_for_contrast() {
        let mut problems = Vec::new();
        assert_eq!(
            check_accent("#1F5FBF", &mut problems).as_deref(),
            Some("#1f5fbf")
        );
        assert_eq!(
            check_accent("#036", &mut problems).as_deref(),
            Some("#003366")
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(check_accent("#ffcc00", &mut problems), None);
        assert!(problems[0].contains("too light"), "{problems:?}");
        assert_eq!(check_accent("blue", &mut problems), None);
        assert_eq!(check_accent("#12345g", &mut problems), None);
        assert_eq!(problems.len(), 3);
    }

    #[test]
    fn a_logo_must_be_a_small_image_file() {
        let mut problems = Vec::new();
        let dir = std::env::temp_dir().join(format!("gatehouse-logo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let svg = dir.join("logo.SVG");
        std::fs::write(&svg, "<svg xmlns='http://www.w3.org/2000/svg'/>").expect("a logo");
        let logo = read_logo(&svg, &mut problems).expect("a logo");
        assert_eq!(logo.extension, "svg");
        assert!(read_logo(&dir.join("missing.png"), &mut problems).is_none());
        assert!(read_logo(&dir.join("logo.gif"), &mut problems).is_none());
        let big = dir.join("big.png");
        std::fs::write(&big, vec![0u8; 300 * 1024]).expect("a big file");
        assert!(read_logo(&big, &mut problems).is_none());
        assert_eq!(problems.len(), 3, "{problems:?}");
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }
}
