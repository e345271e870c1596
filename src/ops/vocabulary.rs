//! The words imports understand, as use cases: list them (built in, and
//! taught to this register and by whom), teach the register one, forget a
//! taught one.

use crate::error::Result;
use crate::register::Actor;
use crate::vocabulary::{self, NewWord, Word, WordKind, store};

use super::Register;

/// The words of `kind` (all kinds when none): those taught to the register
/// and, unless `taught_only`, the built-in ones; by kind, taught words
/// first within each (they win over the built-in ones).
///
/// # Errors
/// The register cannot be read.
pub fn list(register: &Register, kind: Option<WordKind>, taught_only: bool) -> Result<Vec<Word>> {
    let mut words = store::taught_words(register.reader())?;
    if !taught_only {
        words.extend(vocabulary::builtin_words());
    }
    words.retain(|w| kind.is_none_or(|k| w.kind == k));
    words.sort_by_key(|w| (w.kind, w.source != "register"));
    Ok(words)
}

/// Teaches the register `word`, audited as `actor`'s.
///
/// # Errors
/// The word is already taught; a busy register.
pub fn add(register: &mut Register, word: &NewWord, actor: &Actor) -> Result<Word> {
    Ok(store::add_word(
        register.connection_mut(),
        word,
        &actor.who,
        &actor.command,
    )?)
}

/// Forgets the taught `word` of `kind`, audited as `actor`'s.
///
/// # Errors
/// No such taught word; a busy register.
pub fn remove(register: &mut Register, kind: WordKind, word: &str, actor: &Actor) -> Result<Word> {
    Ok(store::remove_word(
        register.connection_mut(),
        kind,
        word,
        &actor.who,
        &actor.command,
    )?)
}
