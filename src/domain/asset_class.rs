//! `AssetClass`: the kinds of hardware the register holds, and the supplier
//! words that name them.
//!
//! `FromStr` accepts only the canonical names (with spaces, hyphens and case
//! folded); the words suppliers use ("Notebook", "MFP") come from
//! `data/class-synonyms.csv` through [`ClassSynonyms`], and a register's own
//! words (`estate vocabulary add class`) are added on top for an import.

use std::collections::BTreeMap;

use super::enums::{UnknownValue, normalise_word, string_enum};

string_enum! {
    /// A class of hardware asset.
    AssetClass, "an asset class" {
        /// Physical server (rack, tower or blade).
        Server => "server",
        /// Storage array, SAN, NAS, tape library.
        Storage => "storage",
        /// Switch, router, firewall, wireless access point.
        Network => "network",
        /// Desktop PC, all-in-one or desktop workstation.
        Desktop => "desktop",
        /// Laptop or notebook.
        Laptop => "laptop",
        /// Thin or zero client.
        ThinClient => "thin_client",
        /// Monitor or display.
        Monitor => "monitor",
        /// Tablet.
        Tablet => "tablet",
        /// Mobile phone.
        Mobile => "mobile" | "mobile_phone",
        /// Multi-function printer/copier.
        Mfd => "mfd" | "mfp",
        /// Single-function printer.
        Printer => "printer",
        /// Anything else.
        Other => "other",
    }
}

impl AssetClass {
    /// The order the capital programme funds classes in when a budget cap
    /// forces a choice among assets due on the same day (lower first):
    /// server, storage, network, desktop, laptop, thin client, MFD, printer,
    /// monitor, tablet, mobile, other.
    pub fn priority(self) -> u8 {
        match self {
            AssetClass::Server => 0,
            AssetClass::Storage => 1,
            AssetClass::Network => 2,
            AssetClass::Desktop => 3,
            AssetClass::Laptop => 4,
            AssetClass::ThinClient => 5,
            AssetClass::Mfd => 6,
            AssetClass::Printer => 7,
            AssetClass::Monitor => 8,
            AssetClass::Tablet => 9,
            AssetClass::Mobile => 10,
            AssetClass::Other => 11,
        }
    }

    /// A label for people: "thin client", "MFD".
    pub fn label(self) -> &'static str {
        match self {
            AssetClass::ThinClient => "thin client",
            AssetClass::Mfd => "MFD",
            other => other.as_str(),
        }
    }
}

impl AssetClass {
    /// How many classes there are.
    pub const COUNT: usize = AssetClass::ALL.len();

    /// The class's place in [`AssetClass::ALL`] (its declaration order).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One value per asset class: an array sized by the class enum, so a new
/// class grows it (a table indexed by class can never be a slot short).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByClass<T>([T; AssetClass::COUNT]);

impl<T> ByClass<T> {
    /// Each class's value from `f`.
    pub fn from_fn(mut f: impl FnMut(AssetClass) -> T) -> Self {
        ByClass(std::array::from_fn(|i| f(AssetClass::ALL[i])))
    }
}

impl<T> std::ops::Index<AssetClass> for ByClass<T> {
    type Output = T;
    fn index(&self, class: AssetClass) -> &T {
        &self.0[class.index()]
    }
}

impl<T> std::ops::IndexMut<AssetClass> for ByClass<T> {
    fn index_mut(&mut self, class: AssetClass) -> &mut T {
        &mut self.0[class.index()]
    }
}

/// Why the synonyms file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynonymsError {
    /// A line is not `word,class`.
    #[error("line {line}: expected `word,class`, found `{text}`")]
    Malformed {
        /// Line number in the file (1-based).
        line: usize,
        /// The line.
        text: String,
    },
    /// The class named is not a class.
    #[error("line {line}: {source}")]
    UnknownClass {
        /// Line number in the file (1-based).
        line: usize,
        /// What was wrong.
        source: UnknownValue,
    },
}

/// Supplier words for asset classes, from `data/class-synonyms.csv`.
#[derive(Debug, Clone, Default)]
pub struct ClassSynonyms {
    words: BTreeMap<String, AssetClass>,
}

/// The shipped synonyms file.
pub const BUILTIN_CLASS_SYNONYMS: &str = include_str!("../../data/class-synonyms.csv");

impl ClassSynonyms {
    /// The synonyms shipped in `data/class-synonyms.csv`.
    pub fn builtin() -> Self {
        ClassSynonyms::parse(BUILTIN_CLASS_SYNONYMS)
            .expect("invariant: the shipped class-synonyms.csv is valid (tested)")
    }

    /// Reads a synonyms file: `#` comment lines, a `word,class` header, then
    /// one `word,class` pair a line.
    ///
    /// # Errors
    /// A [`SynonymsError`] naming the line that is wrong.
    pub fn parse(text: &str) -> Result<Self, SynonymsError> {
        let mut words = BTreeMap::new();
        let mut seen_header = false;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((word, class)) = line.rsplit_once(',') else {
                return Err(SynonymsError::Malformed {
                    line: i + 1,
                    text: line.to_string(),
                });
            };
            if !seen_header {
                seen_header = true;
                if normalise_word(word) == "word" {
                    continue;
                }
            }
            let class: AssetClass =
                class
                    .parse()
                    .map_err(|source| SynonymsError::UnknownClass {
                        line: i + 1,
                        source,
                    })?;
            words.insert(normalise_word(word), class);
        }
        Ok(ClassSynonyms { words })
    }

    /// The class a supplier's word names, if known: a canonical name, or a
    /// word in the synonyms file (case, spaces and hyphens ignored).
    pub fn lookup(&self, word: &str) -> Option<AssetClass> {
        if let Ok(class) = word.parse::<AssetClass>() {
            return Some(class);
        }
        self.words.get(&normalise_word(word)).copied()
    }

    /// Adds (or replaces) one word.
    pub fn insert(&mut self, word: &str, class: AssetClass) {
        self.words.insert(normalise_word(word), class);
    }

    /// Every word and its class, in word order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, AssetClass)> {
        self.words.iter().map(|(w, c)| (w.as_str(), *c))
    }

    /// Like [`ClassSynonyms::lookup`], with an error listing the classes.
    ///
    /// # Errors
    /// An [`UnknownValue`] naming the word and the valid classes.
    pub fn parse_class(&self, word: &str) -> Result<AssetClass, UnknownValue> {
        self.lookup(word).ok_or_else(|| UnknownValue {
            what: "a known asset class",
            value: word.trim().to_string(),
            valid: AssetClass::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_table_by_class_has_a_slot_for_every_class_in_its_own_place() {
        let mut by = ByClass::from_fn(AssetClass::as_str);
        for class in AssetClass::ALL {
            assert_eq!(by[*class], class.as_str());
        }
        by[AssetClass::Other] = "else";
        assert_eq!(by[AssetClass::Other], "else");
        assert_eq!(by[AssetClass::Printer], "printer");
        assert_eq!(AssetClass::COUNT, 12);
    }

    use super::*;

    #[test]
    fn all_is_pinned_against_from_str() {
        assert_eq!(AssetClass::ALL.len(), 12);
        for class in AssetClass::ALL {
            assert_eq!(class.as_str().parse::<AssetClass>(), Ok(*class));
        }
        let mut priorities: Vec<u8> = AssetClass::ALL.iter().map(|c| c.priority()).collect();
        priorities.sort_unstable();
        priorities.dedup();
        assert_eq!(priorities.len(), 12, "every class has its own priority");
    }

    #[test]
    fn canonical_names_fold_case_and_separators() {
        assert_eq!(
            "Thin Client".parse::<AssetClass>(),
            Ok(AssetClass::ThinClient)
        );
        assert_eq!(
            "THIN-CLIENT".parse::<AssetClass>(),
            Ok(AssetClass::ThinClient)
        );
        assert_eq!("Mobile Phone".parse::<AssetClass>(), Ok(AssetClass::Mobile));
        assert!(
            "Notebook".parse::<AssetClass>().is_err(),
            "supplier words go through synonyms"
        );
    }

    #[test]
    fn supplier_words_map_to_classes() {
        let syn = ClassSynonyms::builtin();
        let cases = [
            ("Desktop PC", AssetClass::Desktop),
            ("Notebook", AssetClass::Laptop),
            ("Multifunction Printer", AssetClass::Mfd),
            ("Multi-Function Printer", AssetClass::Mfd),
            ("MFP", AssetClass::Mfd),
            ("  mfd ", AssetClass::Mfd),
            ("Photocopier", AssetClass::Mfd),
            ("SAN", AssetClass::Storage),
            ("Firewall", AssetClass::Network),
            ("Smartphone", AssetClass::Mobile),
            ("iPad", AssetClass::Tablet),
            ("Zero Client", AssetClass::ThinClient),
            ("TFT", AssetClass::Monitor),
            ("Laser Printer", AssetClass::Printer),
            ("server", AssetClass::Server),
        ];
        for (word, class) in cases {
            assert_eq!(syn.lookup(word), Some(class), "{word}");
        }
        assert_eq!(syn.lookup("Widget"), None);
        assert_eq!(
            syn.parse_class("Widget").unwrap_err().to_string(),
            "`Widget` is not a known asset class; use one of: server, storage, network, desktop, \
             laptop, thin_client, monitor, tablet, mobile, mfd, printer, other"
        );
    }

    proptest::proptest! {
        /// Case, spaces and hyphens never change what a class word names, and
        /// an unknown word is refused naming it.
        #[test]
        fn class_words_ignore_case_and_separators(
            i in 0usize..12,
            upper in proptest::bool::ANY,
            pad in " {0,3}",
            text in "\\PC{0,16}",
        ) {
            let syn = ClassSynonyms::builtin();
            let class = AssetClass::ALL[i];
            let word = class.as_str().replace('_', if upper { "-" } else { " " });
            let word = if upper { word.to_uppercase() } else { word };
            proptest::prop_assert_eq!(syn.lookup(&format!("{pad}{word}{pad}")), Some(class));
            match syn.parse_class(&text) {
                Ok(c) => proptest::prop_assert_eq!(syn.lookup(&text.to_uppercase()), Some(c)),
                Err(e) => proptest::prop_assert!(e.to_string().contains(text.trim())),
            }
        }
    }

    #[test]
    fn a_bad_synonyms_file_names_its_line() {
        let err = ClassSynonyms::parse("word,class\nnotebook,laptop\nwidget,gizmo\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("line 3: `gizmo` is not an asset class"),
            "{err}"
        );
        let err = ClassSynonyms::parse("word,class\nnotebook\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: expected `word,class`, found `notebook`"
        );
    }
}
