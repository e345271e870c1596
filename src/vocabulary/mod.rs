//! The register's own vocabulary: class words, headings, statuses, model
//! names and placeholders that people teach estate with `estate vocabulary
//! add`, shared by everyone who uses the register and recorded in the audit
//! trail. An import uses the built-in words (`data/`) and these on top.
//!
//! This module holds the words and their meanings (no database); their SQL
//! is in [`store`].

pub mod store;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::domain::{AssetClass, AssetStatus, ClassSynonyms};
use crate::import::mapping::{self, Dictionary, Field, ModelRules, normalise_heading};

/// What kind of word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordKind {
    /// A class word (`Docking Station` → other).
    Class,
    /// A column heading (`Tag No` → `asset_tag`).
    Heading,
    /// An asset status (`Repair` → `in_store`).
    Status,
    /// A word in model names that tells the class (`chromebook` → laptop).
    Model,
    /// A cell text that means "nothing here" (`No tag`).
    Placeholder,
}

impl WordKind {
    /// Every kind, in listing order.
    pub const ALL: [WordKind; 5] = [
        WordKind::Class,
        WordKind::Heading,
        WordKind::Status,
        WordKind::Model,
        WordKind::Placeholder,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            WordKind::Class => "class",
            WordKind::Heading => "heading",
            WordKind::Status => "status",
            WordKind::Model => "model",
            WordKind::Placeholder => "placeholder",
        }
    }
}

impl fmt::Display for WordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WordKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalise_heading(s).as_str() {
            "class" | "classes" => Ok(WordKind::Class),
            "heading" | "headings" | "column" => Ok(WordKind::Heading),
            "status" | "statuses" => Ok(WordKind::Status),
            "model" | "models" => Ok(WordKind::Model),
            "placeholder" | "placeholders" => Ok(WordKind::Placeholder),
            _ => Err(format!(
                "`{}` is not a kind of word; use class, heading, status, model or placeholder",
                s.trim()
            )),
        }
    }
}

/// One word of the vocabulary, built in or taught.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// What kind of word.
    pub kind: WordKind,
    /// The word as written.
    pub word: String,
    /// What it means: a class, a field or a status (empty for a placeholder).
    pub meaning: String,
    /// A model rule's maker.
    pub maker: Option<String>,
    /// `built in` or `register`.
    pub source: &'static str,
    /// Who taught it (register words only).
    pub added_by: Option<String>,
    /// When (register words only).
    pub added_at: Option<String>,
}

/// A word to teach, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWord {
    /// What kind of word.
    pub kind: WordKind,
    /// The word as written (trimmed).
    pub word: String,
    /// Its meaning in canonical form (`other`, `asset_tag`, `in_store`, '').
    pub meaning: String,
    /// A model rule's maker.
    pub maker: Option<String>,
}

impl NewWord {
    /// Checks a word and its meaning: a class word needs a class, a heading
    /// a field, a status a status, a model word a class (and perhaps a
    /// maker); a placeholder nothing.
    ///
    /// # Errors
    /// A message naming what is wrong and what is allowed.
    pub fn parse(kind: WordKind, word: &str, meaning: &[String]) -> Result<NewWord, String> {
        let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
        if normalise_heading(&word).is_empty() {
            return Err(format!("the {kind} word `{word}` has no letters or digits"));
        }
        let classes = || {
            AssetClass::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let most = match kind {
            WordKind::Model => 2,
            WordKind::Placeholder => 0,
            _ => 1,
        };
        if meaning.len() > most.max(1) || (kind == WordKind::Placeholder && meaning.len() > 1) {
            return Err(format!(
                "too many words after `{word}`: {}; quote a word that has spaces (\"Docking \
                 Station\")",
                meaning.join(" ")
            ));
        }
        let first = meaning.first().map(|m| m.trim());
        let (meaning, maker) = match (kind, first) {
            (WordKind::Placeholder, None) => (String::new(), None),
            (WordKind::Placeholder, Some(_)) => {
                return Err(format!(
                    "a placeholder has no meaning to give: `estate vocabulary add placeholder \"{word}\"`"
                ));
            }
            (_, None) => {
                let what = match kind {
                    WordKind::Class | WordKind::Model => format!("a class ({})", classes()),
                    WordKind::Heading => "a field (as `--map` takes: asset_tag, serial, …)".into(),
                    _ => "a status (in_use, in_store, retired, disposed, lost)".into(),
                };
                return Err(format!("say what `{word}` means: {what}"));
            }
            (WordKind::Class | WordKind::Model, Some(m)) => {
                let class: AssetClass = m
                    .parse()
                    .map_err(|_| format!("`{m}` is not a class; use one of {}", classes()))?;
                let maker = if kind == WordKind::Model {
                    meaning
                        .get(1)
                        .map(|m| m.trim().to_string())
                        .filter(|m| !m.is_empty())
                } else {
                    None
                };
                (class.as_str().to_string(), maker)
            }
            (WordKind::Heading, Some(m)) => (m.parse::<Field>()?.as_str().to_string(), None),
            (WordKind::Status, Some(m)) => {
                let status: AssetStatus = m.parse().map_err(|_| {
                    format!(
                        "`{m}` is not a status; use in_use, in_store, retired, disposed or lost"
                    )
                })?;
                (status.as_str().to_string(), None)
            }
        };
        Ok(NewWord {
            kind,
            word,
            meaning,
            maker,
        })
    }

    /// The command that teaches this word, as a person would type it.
    pub fn command(&self) -> String {
        teach_command(self.kind, &self.word, &self.meaning)
    }
}

/// The command that teaches `word` as a `kind` meaning `meaning`:
/// `estate vocabulary add class "Fire Protection" other`.
pub fn teach_command(kind: WordKind, word: &str, meaning: &str) -> String {
    let quoted = if word.contains(' ') || word.is_empty() {
        format!("\"{word}\"")
    } else {
        word.to_string()
    };
    if meaning.is_empty() {
        format!("estate vocabulary add {kind} {quoted}")
    } else {
        format!("estate vocabulary add {kind} {quoted} {meaning}")
    }
}

/// The words the register has been taught, ready for an import.
#[derive(Debug, Clone, Default)]
pub struct Taught {
    /// Class words.
    pub classes: Vec<(String, AssetClass)>,
    /// Headings.
    pub headings: Vec<(String, Field)>,
    /// Statuses.
    pub statuses: Vec<(String, AssetStatus)>,
    /// Model words, with a maker when given.
    pub models: Vec<(String, AssetClass, Option<String>)>,
    /// Placeholders.
    pub placeholders: Vec<String>,
}

impl Taught {
    /// The taught words, sorted into their kinds (a word whose meaning no
    /// longer parses is skipped: the migration's CHECKs and `NewWord`
    /// make that impossible short of editing the file by hand).
    pub fn from_words(words: &[Word]) -> Self {
        let mut t = Taught::default();
        for w in words {
            match w.kind {
                WordKind::Class => {
                    if let Ok(c) = w.meaning.parse() {
                        t.classes.push((w.word.clone(), c));
                    }
                }
                WordKind::Heading => {
                    if let Ok(f) = w.meaning.parse() {
                        t.headings.push((w.word.clone(), f));
                    }
                }
                WordKind::Status => {
                    if let Ok(s) = w.meaning.parse() {
                        t.statuses.push((w.word.clone(), s));
                    }
                }
                WordKind::Model => {
                    if let Ok(c) = w.meaning.parse() {
                        t.models.push((w.word.clone(), c, w.maker.clone()));
                    }
                }
                WordKind::Placeholder => t.placeholders.push(normalise_heading(&w.word)),
            }
        }
        t
    }

    /// The taught headings as a dictionary.
    pub fn dictionary(&self) -> Dictionary {
        let mut d = Dictionary::default();
        for (h, f) in &self.headings {
            d.insert(h, *f);
        }
        d
    }

    /// The built-in class words with the taught ones on top.
    pub fn synonyms(&self) -> ClassSynonyms {
        let mut s = ClassSynonyms::builtin();
        for (w, c) in &self.classes {
            s.insert(w, *c);
        }
        s
    }

    /// The built-in model rules with the taught ones tried first.
    pub fn model_rules(&self) -> ModelRules {
        let mut m = ModelRules::builtin();
        for (p, c, maker) in self.models.iter().rev() {
            m.prepend(p, *c, maker.clone());
        }
        m
    }
}

/// Every built-in word, in kind then word order.
pub fn builtin_words() -> Vec<Word> {
    let word = |kind, word: &str, meaning: &str, maker: Option<String>| Word {
        kind,
        word: word.to_string(),
        meaning: meaning.to_string(),
        maker,
        source: "built in",
        added_by: None,
        added_at: None,
    };
    let mut out = Vec::new();
    for c in AssetClass::ALL {
        out.push(word(WordKind::Class, c.as_str(), c.as_str(), None));
    }
    for (w, c) in ClassSynonyms::builtin().entries() {
        if w != c.as_str() {
            out.push(word(
                WordKind::Class,
                &w.replace('_', " "),
                c.as_str(),
                None,
            ));
        }
    }
    for (h, f) in Dictionary::builtin().entries() {
        out.push(word(WordKind::Heading, h, f.as_str(), None));
    }
    for (w, s) in mapping::status_words() {
        out.push(word(WordKind::Status, w, s.as_str(), None));
    }
    for (p, c, maker) in ModelRules::builtin().entries() {
        out.push(word(
            WordKind::Model,
            p,
            c.as_str(),
            maker.map(str::to_string),
        ));
    }
    for p in &mapping::placeholders().any {
        out.push(word(WordKind::Placeholder, p, "", None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_string()).collect()
    }

    #[test]
    fn new_words_are_checked_and_made_canonical() {
        let w = NewWord::parse(WordKind::Class, " Docking  Station ", &m(&["Other"])).unwrap();
        assert_eq!(
            (w.word.as_str(), w.meaning.as_str()),
            ("Docking Station", "other")
        );
        assert_eq!(
            w.command(),
            "estate vocabulary add class \"Docking Station\" other"
        );
        let w = NewWord::parse(WordKind::Heading, "Tag No", &m(&["asset tag"])).unwrap();
        assert_eq!(w.meaning, "asset_tag");
        let w = NewWord::parse(WordKind::Status, "Repair", &m(&["in store"])).unwrap();
        assert_eq!(w.meaning, "in_store");
        let w = NewWord::parse(WordKind::Model, "chromebook", &m(&["laptop", "Acer"])).unwrap();
        assert_eq!(
            (w.meaning.as_str(), w.maker.as_deref()),
            ("laptop", Some("Acer"))
        );
        let w = NewWord::parse(WordKind::Placeholder, "No tag", &[]).unwrap();
        assert_eq!(w.command(), "estate vocabulary add placeholder \"No tag\"");
        assert!(
            NewWord::parse(WordKind::Class, "Gizmo", &m(&["widget"]))
                .unwrap_err()
                .starts_with("`widget` is not a class; use one of server,")
        );
        assert!(
            NewWord::parse(WordKind::Class, "Gizmo", &[])
                .unwrap_err()
                .starts_with("say what `Gizmo` means: a class")
        );
        assert!(NewWord::parse(WordKind::Heading, "X", &m(&["nonsense"])).is_err());
        assert!(NewWord::parse(WordKind::Placeholder, "--", &[]).is_err());
        assert!(
            NewWord::parse(WordKind::Class, "Docking", &m(&["Station", "other"]))
                .unwrap_err()
                .starts_with("too many words after `Docking`: Station other; quote")
        );
    }

    #[test]
    fn taught_words_join_the_built_in_ones() {
        let t = Taught {
            classes: vec![("Fire Protection".into(), AssetClass::Other)],
            models: vec![("chromebook".into(), AssetClass::Laptop, None)],
            ..Taught::default()
        };
        assert_eq!(
            t.synonyms().lookup("fire protection"),
            Some(AssetClass::Other)
        );
        assert_eq!(t.synonyms().lookup("notebook"), Some(AssetClass::Laptop));
        assert_eq!(
            t.model_rules().class_of("Acer Chromebook 314"),
            Some(AssetClass::Laptop)
        );
        let builtin = builtin_words();
        assert!(
            builtin
                .iter()
                .any(|w| w.kind == WordKind::Heading && w.word == "serial number")
        );
        assert!(builtin.iter().all(|w| w.source == "built in"));
    }
}
