//! Uploaded files waiting for their import to be confirmed or cancelled.
//!
//! Each upload is held in its own folder under one private folder of the
//! server's (made when it starts, removed when it stops), named by a random
//! id and kept for the session that uploaded it only. The files in it are
//! named `1.xlsx`, `2.csv`, … by estate: no name or path from the request
//! reaches the file system (the name the person's computer gave is kept only
//! as text, to show and to record as the batch's file name). A held upload
//! is deleted when it is confirmed or cancelled, and after
//! [`HOLD_FOR`] unused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};

/// How long an upload waits for its confirmation.
pub const HOLD_FOR: Duration = Duration::from_secs(30 * 60);

/// The file extensions the importer reads; an upload named otherwise is
/// refused before anything is written.
pub const EXTENSIONS: [&str; 8] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"];

/// One uploaded file, held.
#[derive(Debug, Clone)]
pub struct HeldFile {
    /// The name the person's computer gave it (its last path component,
    /// cleaned), shown on the page and recorded as the batch's file name.
    pub name: String,
    /// Where estate put it (a name estate chose).
    pub path: PathBuf,
}

/// An upload waiting for confirmation.
#[derive(Debug, Clone)]
pub struct Held {
    /// The session that uploaded it.
    session: String,
    /// When it was uploaded.
    at: Instant,
    /// Its folder.
    dir: PathBuf,
    /// Its files, in the order given.
    pub files: Vec<HeldFile>,
    /// The organisation the rows go to, when one was chosen.
    pub organisation: Option<String>,
}

/// Every upload held by the server.
#[derive(Debug)]
pub struct Uploads {
    root: PathBuf,
    held: Mutex<HashMap<String, Held>>,
}

impl Uploads {
    /// A private folder for uploads in the system's temporary folder.
    ///
    /// # Errors
    /// The folder cannot be made.
    pub fn new() -> Result<Self> {
        let id = random_id()?;
        let root = std::env::temp_dir().join(format!("estate-uploads-{id}"));
        std::fs::create_dir(&root).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "failed to make a folder for uploads in `{}`: {e}",
                    std::env::temp_dir().display()
                ),
            )
        })?;
        Ok(Uploads {
            root,
            held: Mutex::new(HashMap::new()),
        })
    }

    /// Starts holding an upload for `session`: a new folder and its id.
    ///
    /// # Errors
    /// The folder cannot be made.
    pub fn start(&self, session: &str, organisation: Option<String>) -> Result<(String, Held)> {
        self.expire();
        let id = random_id()?;
        let dir = self.root.join(&id);
        std::fs::create_dir(&dir)
            .map_err(|e| Error::new(ErrorKind::Io, format!("failed to hold the upload: {e}")))?;
        Ok((
            id,
            Held {
                session: session.to_string(),
                at: Instant::now(),
                dir,
                files: Vec::new(),
                organisation,
            },
        ))
    }

    /// Writes the `n`th file (`name` as given) of an upload started with
    /// [`Uploads::start`].
    ///
    /// # Errors
    /// Its name has no extension the importer reads, or it cannot be written.
    pub fn add_file(held: &mut Held, given_name: &str, bytes: &[u8]) -> Result<()> {
        let name = clean_name(given_name);
        let ext = Path::new(&name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .filter(|e| EXTENSIONS.contains(&e.as_str()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Refused,
                    format!(
                        "`{name}` is not a file estate imports: give a spreadsheet or text file \
                         ({})",
                        EXTENSIONS.map(|e| format!(".{e}")).join(", ")
                    ),
                )
            })?;
        let path = held.dir.join(format!("{}.{ext}", held.files.len() + 1));
        std::fs::write(&path, bytes)
            .map_err(|e| Error::new(ErrorKind::Io, format!("failed to hold `{name}`: {e}")))?;
        held.files.push(HeldFile { name, path });
        Ok(())
    }

    /// Keeps `held` under `id` until it is taken or expires.
    pub fn keep(&self, id: String, held: Held) {
        if let Ok(mut all) = self.held.lock() {
            all.insert(id, held);
        }
    }

    /// The upload `id` of `session`, still held (`None` for another
    /// session's, an expired or an unknown one).
    pub fn get(&self, id: &str, session: &str) -> Option<Held> {
        self.expire();
        let all = self.held.lock().ok()?;
        all.get(id).filter(|h| h.session == session).cloned()
    }

    /// Stops holding upload `id` of `session` and deletes its files.
    pub fn drop_upload(&self, id: &str, session: &str) -> bool {
        let taken = self.held.lock().ok().and_then(|mut all| {
            if all.get(id).is_some_and(|h| h.session == session) {
                all.remove(id)
            } else {
                None
            }
        });
        match taken {
            Some(h) => {
                let _ = std::fs::remove_dir_all(&h.dir);
                true
            }
            None => false,
        }
    }

    /// Deletes a folder started but never kept (the upload failed).
    pub fn discard(held: &Held) {
        let _ = std::fs::remove_dir_all(&held.dir);
    }

    /// How many uploads are held (for tests).
    pub fn len(&self) -> usize {
        self.held.lock().map_or(0, |all| all.len())
    }

    /// True when no upload is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Deletes the uploads held longer than [`HOLD_FOR`].
    fn expire(&self) {
        let old: Vec<Held> = match self.held.lock() {
            Ok(mut all) => {
                let ids: Vec<String> = all
                    .iter()
                    .filter(|(_, h)| h.at.elapsed() > HOLD_FOR)
                    .map(|(id, _)| id.clone())
                    .collect();
                ids.iter().filter_map(|id| all.remove(id)).collect()
            }
            Err(_) => Vec::new(),
        };
        for h in old {
            let _ = std::fs::remove_dir_all(&h.dir);
        }
    }
}

impl Drop for Uploads {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// 16 random bytes as 32 hex digits.
fn random_id() -> Result<String> {
    use std::fmt::Write as _;
    let bytes: [u8; 16] = crate::accounts::random_bytes()?;
    Ok(bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    }))
}

/// True when `id` looks like one [`random_id`] makes.
pub fn is_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The last component of a name a browser sent (some send a whole Windows
/// path), without control characters, at most 120 characters; "upload"
/// when nothing is left.
pub fn clean_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or(given);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "upload".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_loses_its_path_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\ann\\dell.xlsx"), "dell.xlsx");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\n.csv"), "ab.csv");
        assert_eq!(clean_name(".."), "upload");
        assert_eq!(clean_name(""), "upload");
    }

    #[test]
    fn an_upload_is_held_for_its_session_only_and_deleted_when_dropped() {
        let uploads = Uploads::new().expect("uploads");
        let (id, mut held) = uploads.start("s1", None).expect("start");
        Uploads::add_file(&mut held, "../x/dell.xlsx", b"PK").expect("held");
        assert!(Uploads::add_file(&mut held, "run.sh", b"#!").is_err());
        let path = held.files[0].path.clone();
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("1.xlsx"));
        uploads.keep(id.clone(), held);
        assert!(uploads.get(&id, "s2").is_none());
        assert_eq!(
            uploads.get(&id, "s1").map(|h| h.files[0].name.clone()),
            Some("dell.xlsx".into())
        );
        assert!(!uploads.drop_upload(&id, "s2"));
        assert!(path.exists());
        assert!(uploads.drop_upload(&id, "s1"));
        assert!(!path.exists());
        assert!(uploads.is_empty());
    }
}
