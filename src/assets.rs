//! Templates and static files, compiled into the binary so that it runs from any directory
//! (`cargo install --path .`, then `gatehouse` anywhere). TEMPLATE_DIR / STATIC_DIR point at
//! folders on disk instead, for custom themes. (In debug builds rust-embed reads the crate's own
//! folders at run time, so editing a template needs no rebuild.)

use std::{borrow::Cow, path::PathBuf};

use rocket::{
    get,
    http::{ContentType, Header},
    response::{self, Responder},
    Request, Response, Route,
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Templates;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Static;

/// Every embedded template as (name, source), named as rocket_dyn_templates names files:
/// `account.html.tera` → `account`, `email/goodbye/text.tera` stays a path under `email/`.
pub fn page_templates() -> Vec<(String, String)> {
    Templates::iter()
        .filter(|path| !path.starts_with("email/"))
        .filter_map(|path| {
            let source = text(&path)?;
            let name = path.trim_end_matches(".tera").trim_end_matches(".html");
            Some((name.to_owned(), source))
        })
        .collect()
}

/// The mail templates as (name relative to `email/`, source): `goodbye/text.tera`.
pub fn mail_templates() -> Vec<(String, String)> {
    Templates::iter()
        .filter_map(|path| {
            let name = path.strip_prefix("email/")?.to_owned();
            Some((name, text(&path)?))
        })
        .collect()
}

fn text(path: &str) -> Option<String> {
    let file = Templates::get(path)?;
    String::from_utf8(file.data.into_owned()).ok()
}

/// An empty folder for rocket_dyn_templates, which insists on scanning one even when every
/// template is registered from memory. Created afresh for this process (a new name, mode 0700),
/// so nobody else can plant templates in it; removed when dropped.
pub struct EmptyTemplateDir(PathBuf);

impl EmptyTemplateDir {
    pub fn create() -> std::io::Result<Self> {
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        let base = std::env::temp_dir();
        let mut last = None;
        for _ in 0..8 {
            let dir = base.join(format!(
                "gatehouse-templates-{}-{:016x}",
                std::process::id(),
                rand::random::<u64>()
            ));
            // `create` (not `create_all`) fails on an existing path: the folder is ours.
            match builder.create(&dir) {
                Ok(()) => return Ok(Self(dir)),
                Err(err) => last = Some(err),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no name left")))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for EmptyTemplateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// `/static/<path>` from the binary.
pub fn static_routes() -> Vec<Route> {
    rocket::routes![static_file, favicon]
}

/// Browsers ask for `/favicon.ico` whatever the page says; they all read SVG.
#[get("/favicon.ico")]
fn favicon() -> Option<Asset> {
    Some(Asset {
        data: Static::get("favicon.svg")?.data,
        content_type: ContentType::SVG,
    })
}

pub struct Asset {
    data: Cow<'static, [u8]>,
    content_type: ContentType,
}

impl Asset {
    pub fn new(data: Cow<'static, [u8]>, content_type: ContentType) -> Self {
        Self { data, content_type }
    }
}

#[get("/static/<path..>", rank = 20)]
fn static_file(path: PathBuf) -> Option<Asset> {
    let name = path.to_str()?.replace('\\', "/");
    let file = Static::get(&name)?;
    let content_type = path
        .extension()
        .and_then(|ext| ext.to_str())
        .and_then(ContentType::from_extension)
        .unwrap_or(ContentType::Binary);
    Some(Asset {
        data: file.data,
        content_type,
    })
}

impl<'r> Responder<'r, 'static> for Asset {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Response::build()
            .header(self.content_type)
            .header(Header::new("Cache-Control", "public, max-age=3600"))
            .sized_body(self.data.len(), std::io::Cursor::new(self.data))
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::EmptyTemplateDir;

    #[test]
    fn the_template_folder_is_new_private_and_removed_on_drop() {
        let (one, two) = (
            EmptyTemplateDir::create().expect("a folder"),
            EmptyTemplateDir::create().expect("another"),
        );
        assert_ne!(one.path(), two.path(), "a fresh name each time");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(one.path())
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700, "only this user: {mode:o}");
        }
        let path = one.path().to_owned();
        drop(one);
        assert!(!path.exists(), "{} removed", path.display());
    }
}
