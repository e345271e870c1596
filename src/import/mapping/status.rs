//! Asset status words (`data/import/status-words.csv` and the words a
//! register was taught).

use super::{AssetStatus, FromStr, normalise_heading};

/// The shipped status words (`data/import/status-words.csv`).
pub const BUILTIN_STATUS_WORDS: &str = include_str!("../../../data/import/status-words.csv");

/// Status words inventory tools (Snipe-IT) use, as compared, beyond the
/// names [`AssetStatus`] reads itself: `data/import/status-words.csv`,
/// read once.
pub fn status_words() -> &'static [(String, AssetStatus)] {
    static WORDS: std::sync::OnceLock<Vec<(String, AssetStatus)>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        parse_status_words(BUILTIN_STATUS_WORDS)
            .expect("invariant: the shipped data/import/status-words.csv is valid (tested)")
    })
}

/// Reads `word,status` lines (after `#` comments and a `word,status`
/// header); each word is kept as compared.
///
/// # Errors
/// A message naming the line that is wrong.
pub fn parse_status_words(text: &str) -> Result<Vec<(String, AssetStatus)>, String> {
    let mut words = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.eq_ignore_ascii_case("word,status") {
            continue;
        }
        let Some((word, status)) = line.split_once(',') else {
            return Err(format!("line {}: write it as word,status", i + 1));
        };
        let status =
            AssetStatus::from_str(status.trim()).map_err(|e| format!("line {}: {e}", i + 1))?;
        let word = normalise_heading(word);
        if word.is_empty() {
            return Err(format!("line {}: the word is empty", i + 1));
        }
        words.push((word, status));
    }
    Ok(words)
}

/// Asset statuses, with the words inventory tools (Snipe-IT) use and the
/// ones the register was taught (`taught`, as compared, tried first).
/// Snipe-IT writes a label with its type in brackets, `Ready to Deploy
/// (deployed)`: a known type decides, else the label without its brackets,
/// so `Archived` and `Archived (archived)` are the same.
pub(super) fn parse_asset_status(
    word: &str,
    taught: &[(String, AssetStatus)],
) -> Result<AssetStatus, String> {
    let n = normalise_heading(word);
    let (label, kind) = match word.rsplit_once('(') {
        Some((label, inner)) => (
            normalise_heading(label),
            Some(normalise_heading(inner.trim_end_matches(')'))),
        ),
        None => (n.clone(), None),
    };
    let find = |w: &str| -> Option<AssetStatus> {
        taught
            .iter()
            .find(|(t, _)| t == w)
            .map(|(_, s)| *s)
            .or_else(|| AssetStatus::from_str(w).ok())
            .or_else(|| status_words().iter().find(|(t, _)| t == w).map(|(_, s)| *s))
    };
    if let Some(s) = taught.iter().find(|(t, _)| *t == n).map(|(_, s)| *s) {
        return Ok(s);
    }
    if let Some(kind) = kind.as_deref() {
        let by_kind = match kind {
            "deployed" => Some(AssetStatus::InUse),
            "deployable" | "pending" => Some(AssetStatus::InStore),
            "undeployable" => Some(AssetStatus::Retired),
            "archived" => Some(AssetStatus::Disposed),
            _ => None,
        };
        if let Some(s) = by_kind {
            return Ok(s);
        }
    }
    find(&n).or_else(|| find(&label)).ok_or_else(|| {
        format!(
            "`{}` is not a status estate knows; use in use, in store, retired, disposed or lost, \
             or teach it with `{}`",
            word.trim(),
            crate::vocabulary::teach_command(
                crate::vocabulary::WordKind::Status,
                word.trim(),
                "in_use"
            )
        )
    })
}
