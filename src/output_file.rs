//! The one way estate writes a file for the user (a report, a rejects file,
//! a backup, a generated spreadsheet, the demo's register): refuse a target
//! that must not be written over ([`check`]), write into a temporary file
//! beside the target ([`OutputFile`]), flush and sync it, and only when the
//! whole output succeeded rename it over the target. A command that fails,
//! or is killed, leaves the target as it was.
//!
//! The temporary file is named `.NAME.PID-N.estate-partial` in the target's
//! folder (the same file system, so the rename is atomic): hidden, and with
//! an extension no program opens as the output.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The first 16 bytes of every `SQLite` database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The end of every temporary file's name.
pub const PARTIAL_SUFFIX: &str = ".estate-partial";

/// A target estate will not write, and why. Reported as a usage problem
/// (exit status 2): nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("refusing to write `{}`: {reason}", target.display())]
pub struct Refused {
    /// The file named.
    pub target: PathBuf,
    /// Why it is refused.
    pub reason: String,
    /// What to do instead.
    pub help: String,
}

impl Refused {
    /// A refusal of `target` for `reason`, with a `help` line.
    pub fn new(target: &Path, reason: impl Into<String>, help: impl Into<String>) -> Self {
        Refused {
            target: target.into(),
            reason: reason.into(),
            help: help.into(),
        }
    }
}

/// What a command is about to write over: the register it has open and the
/// files it reads.
#[derive(Debug, Clone, Copy)]
pub struct Protected<'a> {
    /// The register in use (`--db`).
    pub register: &'a Path,
    /// The command's input files.
    pub inputs: &'a [&'a Path],
}

/// Refuses `target` (named by `flag`, e.g. `--rejects`) when it is the
/// register in use or its `-wal`, `-shm` or `-journal` file, any `SQLite`
/// database, a folder, or one of the command's input files. Files are
/// compared by identity (device and inode, or the Windows file index, so a
/// symlink or hard link is caught) and by canonical folder and name (so
/// `./x`, `dir/../x`, and on Windows and macOS a different case, are caught
/// even for a file that does not exist yet).
///
/// # Errors
/// [`Refused`] saying which rule the target breaks.
pub fn check(target: &Path, flag: &str, protected: Protected<'_>) -> Result<(), Refused> {
    let help = format!("give another file name for {flag}");
    let register = protected.register;
    if same(target, register) {
        return Err(Refused::new(
            target,
            format!("it is the register in use (`{}`)", register.display()),
            help,
        ));
    }
    for suffix in ["-wal", "-shm", "-journal"] {
        let sidecar = with_suffix(register, suffix);
        if same(target, &sidecar) {
            return Err(Refused::new(
                target,
                format!(
                    "it is the {suffix} file of the register in use (`{}`)",
                    register.display()
                ),
                help,
            ));
        }
    }
    for input in protected.inputs {
        if same(target, input) {
            return Err(Refused::new(
                target,
                format!("it is `{}`, which this command reads", input.display()),
                help,
            ));
        }
    }
    if target.is_dir() {
        return Err(Refused::new(target, "it is a folder", help));
    }
    if is_sqlite_file(target) {
        return Err(Refused::new(
            target,
            "it is a SQLite database (a register or a backup), which estate never writes over",
            help,
        ));
    }
    Ok(())
}

/// True when the file at `path` starts with the `SQLite` header.
pub fn is_sqlite_file(path: &Path) -> bool {
    let mut head = [0u8; 16];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == SQLITE_HEADER)
}

/// `path` with `suffix` added to its file name (`estate.db` → `estate.db-wal`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// True when `a` and `b` name the same file: the same file on disk, or (for
/// a file that is not there yet) the same name in the same canonical folder.
fn same(a: &Path, b: &Path) -> bool {
    if same_file::is_same_file(a, b).unwrap_or(false) {
        return true;
    }
    match (canonical_place(a), canonical_place(b)) {
        (Some((da, na)), Some((db, nb))) => da == db && same_name(&na, &nb),
        _ => false,
    }
}

/// The canonical folder and the file name of `path`.
fn canonical_place(path: &Path) -> Option<(PathBuf, OsString)> {
    let name = path.file_name()?.to_owned();
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some((parent.canonicalize().ok()?, name))
}

/// File names compare case-insensitively where the file system usually does.
fn same_name(a: &OsString, b: &OsString) -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
    } else {
        a == b
    }
}

/// An output file being written: a temporary file beside its target, renamed
/// over the target by [`OutputFile::commit`]. Dropped without a commit (an
/// error, a panic), it removes the temporary file and the target is
/// untouched.
#[derive(Debug)]
pub struct OutputFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
    committed: bool,
}

impl OutputFile {
    /// Starts writing `target`: creates an empty temporary file in its
    /// folder, readable and writable by its owner only (the target takes
    /// the permissions of the file it replaces, if any). Fails, leaving
    /// nothing behind, when the folder cannot be written.
    ///
    /// # Errors
    /// The temporary file cannot be created.
    pub fn create(target: &Path) -> io::Result<OutputFile> {
        let mut out = OutputFile::reserve(target);
        for _ in 0..100 {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(&out.temp) {
                Ok(file) => {
                    out.file = Some(BufWriter::new(file));
                    return Ok(out);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    out.temp = temp_name(target);
                }
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary file name",
        ))
    }

    /// Names a temporary file beside `target` without creating it, for a
    /// writer that creates its own file (`SQLite`, a workbook saved by path):
    /// it writes to [`OutputFile::temp_path`], then [`OutputFile::commit`].
    pub fn reserve(target: &Path) -> OutputFile {
        OutputFile {
            target: target.into(),
            temp: temp_name(target),
            file: None,
            committed: false,
        }
    }

    /// The file to write before the commit.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// The file the commit replaces.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes and syncs the whole output, then renames it over the target
    /// (replacing it atomically, if it exists) and syncs the folder.
    ///
    /// # Errors
    /// Writing, syncing or renaming fails; the target is then untouched.
    pub fn commit(mut self) -> io::Result<()> {
        if let Ok(old) = std::fs::metadata(&self.target) {
            // A file its owner made read-only is not replaced, as it would
            // not have been written in place.
            if old.permissions().readonly() {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the file is read-only",
                ));
            }
            self.sync()?;
            std::fs::set_permissions(&self.temp, old.permissions())?;
        } else {
            self.sync()?;
        }
        std::fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        sync_folder(&self.target);
        Ok(())
    }

    /// As [`OutputFile::commit`], but fails with `AlreadyExists` instead of
    /// replacing a file that is there (a backup never overwrites a file).
    ///
    /// # Errors
    /// The target exists, or writing, syncing or renaming fails.
    pub fn commit_new(mut self) -> io::Result<()> {
        self.sync()?;
        match std::fs::hard_link(&self.temp, &self.target) {
            Ok(()) => {
                let _ = std::fs::remove_file(&self.temp);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
            // A file system without hard links (some network shares, FAT):
            // check, then rename.
            Err(_) => {
                if self.target.exists() {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "the file already exists",
                    ));
                }
                std::fs::rename(&self.temp, &self.target)?;
            }
        }
        self.committed = true;
        sync_folder(&self.target);
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.flush()?;
            let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()
        } else {
            // Written through another handle: sync through one of ours.
            std::fs::OpenOptions::new()
                .write(true)
                .open(&self.temp)?
                .sync_all()
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }
}

impl OutputFile {
    fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("the output file was reserved, not created"))
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if !self.committed {
            self.file = None;
            let _ = std::fs::remove_file(&self.temp);
            // A register built here by SQLite leaves these beside it.
            for suffix in ["-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(with_suffix(&self.temp, suffix));
            }
        }
    }
}

/// A fresh temporary name beside `target`.
fn temp_name(target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let file = format!(
        ".{name}.{}-{n}-{nanos:x}{PARTIAL_SUFFIX}",
        std::process::id()
    );
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(file),
        _ => PathBuf::from(file),
    }
}

/// Makes a rename in `target`'s folder durable (Unix; elsewhere the rename
/// is durable when it returns, or there is no way to ask).
fn sync_folder(target: &Path) {
    #[cfg(unix)]
    {
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = target;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_output_replaces_the_target_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut out = OutputFile::create(&target).unwrap();
        out.write_all(b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_output_dropped_before_its_commit_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut out = OutputFile::create(&target).unwrap();
        out.write_all(b"half").unwrap();
        drop(out);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_read_only_target_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut read_only = std::fs::metadata(&target).unwrap().permissions();
        read_only.set_readonly(true);
        std::fs::set_permissions(&target, read_only).unwrap();
        let mut out = OutputFile::create(&target).unwrap();
        out.write_all(b"new").unwrap();
        let err = out.commit().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_only_commit_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("backup.db");
        std::fs::write(&target, "old").unwrap();
        let mut out = OutputFile::create(&target).unwrap();
        out.write_all(b"new").unwrap();
        let err = out.commit_new().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_register_its_sidecars_inputs_and_databases_are_refused_by_any_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let register = d.join("estate.db");
        std::fs::write(&register, b"SQLite format 3\0rest").unwrap();
        let input = d.join("supplier.csv");
        std::fs::write(&input, "a,b").unwrap();
        let other_db = d.join("other.sqlite");
        std::fs::write(&other_db, b"SQLite format 3\0rest").unwrap();
        std::fs::create_dir(d.join("sub")).unwrap();
        let inputs = [input.as_path()];
        let p = Protected {
            register: &register,
            inputs: &inputs,
        };
        for bad in [
            register.clone(),
            d.join("sub/../estate.db"),
            d.join("./estate.db"),
            d.join("estate.db-wal"),
            d.join("estate.db-journal"),
            d.join("sub/../supplier.csv"),
            other_db,
            d.join("sub"),
        ] {
            assert!(check(&bad, "--out", p).is_err(), "{}", bad.display());
        }
        assert!(check(&d.join("report.csv"), "--out", p).is_ok());
        assert!(check(&d.join("sub/estate.db-wal"), "--out", p).is_ok());
    }
}
