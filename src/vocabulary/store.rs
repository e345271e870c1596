//! The vocabulary's SQL: list, add and remove the register's own words,
//! each change in one transaction with its audit row.

use rusqlite::{Connection, OptionalExtension, params};

use super::{NewWord, Taught, Word, WordKind, teach_command};
use crate::db::{self, DbError, now_timestamp};
use crate::import::mapping::normalise_heading;

/// What went wrong changing the vocabulary.
#[derive(Debug, thiserror::Error)]
pub enum VocabularyError {
    /// The word is taught already.
    #[error(
        "the register already knows the {kind} `{word}` (as `{meaning}`, added by {by} at {at}); \
         `estate vocabulary remove {kind} \"{word}\"` first to change it"
    )]
    Exists {
        /// What kind.
        kind: WordKind,
        /// The word as stored.
        word: String,
        /// What it means.
        meaning: String,
        /// Who added it.
        by: String,
        /// When.
        at: String,
    },
    /// No such taught word.
    #[error(
        "the register has not been taught the {kind} `{word}`; `estate vocabulary` lists the \
         words (only words added with `estate vocabulary add` can be removed)"
    )]
    Missing {
        /// What kind.
        kind: WordKind,
        /// The word asked for.
        word: String,
    },
    /// A database failure; nothing was changed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for VocabularyError {
    fn from(e: rusqlite::Error) -> Self {
        VocabularyError::Db(DbError::from(e))
    }
}

/// The words the register has been taught, in kind then word order.
///
/// # Errors
/// A database failure.
pub fn taught_words(conn: &Connection) -> Result<Vec<Word>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT kind, word, meaning, maker, added_by, added_at FROM vocabulary \
         ORDER BY kind, word_key",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(0)?;
        Ok((
            kind,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, word, meaning, maker, by, at) = row?;
        let Ok(kind) = kind.parse::<WordKind>() else {
            continue;
        };
        out.push(Word {
            kind,
            word,
            meaning,
            maker,
            source: "register",
            added_by: Some(by),
            added_at: Some(at),
        });
    }
    out.sort_by_key(|w| (w.kind, normalise_heading(&w.word)));
    Ok(out)
}

/// The taught words, ready for an import.
///
/// # Errors
/// A database failure.
pub fn load_taught(conn: &Connection) -> Result<Taught, DbError> {
    Ok(Taught::from_words(&taught_words(conn)?))
}

/// Teaches the register one word, with an audit row naming `who` and the
/// command.
///
/// # Errors
/// [`VocabularyError::Exists`] when the word is taught already; a database
/// failure (nothing changed).
pub fn add_word(
    conn: &mut Connection,
    word: &NewWord,
    who: &str,
    command: &str,
) -> Result<Word, VocabularyError> {
    let key = normalise_heading(&word.word);
    db::write(conn, |tx| {
        let existing = tx
            .query_row(
                "SELECT word, meaning, added_by, added_at FROM vocabulary \
                 WHERE kind = ?1 AND word_key = ?2",
                params![word.kind.as_str(), key],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        if let Some((stored, meaning, by, at)) = existing {
            return Err(VocabularyError::Exists {
                kind: word.kind,
                word: stored,
                meaning,
                by,
                at,
            });
        }
        let at = now_timestamp();
        tx.execute(
            "INSERT INTO vocabulary (kind, word, word_key, meaning, maker, added_by, added_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                word.kind.as_str(),
                word.word,
                key,
                word.meaning,
                word.maker,
                who,
                at
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO audit_log (at, entity, entity_id, action, field, new_value, command, who) \
             VALUES (?1, 'policy', ?2, 'insert', 'vocabulary', ?3, ?4, ?5)",
            params![
                at,
                id,
                format!("{} (by {who})", word.command()),
                command,
                who
            ],
        )?;
        Ok(Word {
            kind: word.kind,
            word: word.word.clone(),
            meaning: word.meaning.clone(),
            maker: word.maker.clone(),
            source: "register",
            added_by: Some(who.to_string()),
            added_at: Some(at),
        })
    })
}

/// Removes one taught word, with an audit row.
///
/// # Errors
/// [`VocabularyError::Missing`] when the register was not taught it; a
/// database failure (nothing changed).
pub fn remove_word(
    conn: &mut Connection,
    kind: WordKind,
    word: &str,
    who: &str,
    command: &str,
) -> Result<Word, VocabularyError> {
    let key = normalise_heading(word);
    db::write(conn, |tx| {
        let found = tx
            .query_row(
                "SELECT vocabulary_id, word, meaning, maker, added_by, added_at FROM vocabulary \
                 WHERE kind = ?1 AND word_key = ?2",
                params![kind.as_str(), key],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, stored, meaning, maker, by, at)) = found else {
            return Err(VocabularyError::Missing {
                kind,
                word: word.trim().to_string(),
            });
        };
        tx.execute("DELETE FROM vocabulary WHERE vocabulary_id = ?1", [id])?;
        tx.execute(
            "INSERT INTO audit_log (at, entity, entity_id, action, field, old_value, command, who) \
             VALUES (?1, 'policy', ?2, 'delete', 'vocabulary', ?3, ?4, ?5)",
            params![
                now_timestamp(),
                id,
                format!(
                    "{} (removed by {who})",
                    teach_command(kind, &stored, &meaning)
                ),
                command,
                who
            ],
        )?;
        Ok(Word {
            kind,
            word: stored,
            meaning,
            maker,
            source: "register",
            added_by: Some(by),
            added_at: Some(at),
        })
    })
}
