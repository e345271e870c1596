//! Mapping profiles: readable files under `data/profiles/` that say what a
//! known kind of supplier file holds and what its headings mean. Their
//! headings take precedence over the dictionary; other headings still go
//! through it.
//!
//! A profile file is `key = value` settings (`kind`, `description`), then a
//! `heading,field` table, with `#` comments. `--profile NAME` picks a
//! shipped one; `--profile path/to/file.csv` reads one from disk.

use std::path::Path;

use super::ImportError;
use super::mapping::{Dictionary, Field, Kind, read_pairs};

/// A mapping profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Its name (the file stem).
    pub name: String,
    /// One line saying what files it is for.
    pub description: String,
    /// What its files hold.
    pub kind: Option<Kind>,
    /// Its headings.
    pub columns: Dictionary,
    /// `unknown class = model`: its class column is a free-form category,
    /// so a word estate does not know falls back to the model's class (the
    /// word kept on the asset); the row is rejected only when neither is
    /// known. Without it an unknown class word rejects the row.
    pub class_fallback: bool,
    /// `age from = HEADING`: the column whose enrolment or first-seen date
    /// stands in for the in-service date, as `--age-from` does.
    pub age_from: Option<String>,
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "hardware-supplier",
        include_str!("../../data/profiles/hardware-supplier.csv"),
    ),
    (
        "telecoms-lines",
        include_str!("../../data/profiles/telecoms-lines.csv"),
    ),
    (
        "software-licences",
        include_str!("../../data/profiles/software-licences.csv"),
    ),
    ("snipe-it", include_str!("../../data/profiles/snipe-it.csv")),
    ("intune", include_str!("../../data/profiles/intune.csv")),
    ("jamf", include_str!("../../data/profiles/jamf.csv")),
    (
        "snipe-it-licences",
        include_str!("../../data/profiles/snipe-it-licences.csv"),
    ),
];

impl Profile {
    /// Reads a profile's text.
    ///
    /// # Errors
    /// A message naming the line that is wrong.
    pub fn parse(name: &str, text: &str) -> Result<Profile, String> {
        let mut kind = None;
        let mut description = String::new();
        let mut class_fallback = false;
        let mut age_from = None;
        let mut table = String::new();
        let mut in_table = false;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if !in_table && !t.starts_with('#') {
                if let Some((key, value)) = t.split_once('=') {
                    match key.trim() {
                        "kind" => {
                            kind = Some(
                                value
                                    .trim()
                                    .parse::<Kind>()
                                    .map_err(|e| format!("line {}: {e}", i + 1))?,
                            );
                        }
                        "description" => description = value.trim().to_string(),
                        "age from" => age_from = Some(value.trim().to_string()),
                        "unknown class" => {
                            class_fallback = match value.trim() {
                                "model" => true,
                                "reject" => false,
                                v => {
                                    return Err(format!(
                                        "line {}: `unknown class = {v}`: use model or reject",
                                        i + 1
                                    ));
                                }
                            };
                        }
                        other => {
                            return Err(format!(
                                "line {}: unknown setting `{other}` (use kind, description, \
                                 unknown class or age from)",
                                i + 1
                            ));
                        }
                    }
                    table.push('\n');
                    continue;
                }
                if !t.is_empty() {
                    in_table = true;
                }
            }
            table.push_str(line);
            table.push('\n');
        }
        let mut columns = Dictionary::default();
        read_pairs(&table, "heading,field", |_, heading, field| {
            columns.insert(heading, field.parse::<Field>()?);
            Ok(())
        })?;
        Ok(Profile {
            name: name.to_string(),
            description,
            kind,
            columns,
            class_fallback,
            age_from,
        })
    }
}

/// The profiles shipped in `data/profiles/`.
pub fn builtin_profiles() -> Vec<Profile> {
    BUILTIN
        .iter()
        .map(|(name, text)| {
            Profile::parse(name, text).expect("invariant: the shipped profiles are valid (tested)")
        })
        .collect()
}

/// The profile called `name` (a shipped one), or read from the file at
/// `name` when it is a path.
///
/// # Errors
/// [`ImportError::Profile`] naming the profile and what is wrong, listing
/// the shipped profiles when the name is unknown.
pub fn load_profile(name: &str) -> Result<Profile, ImportError> {
    let wanted = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    if let Some(p) = builtin_profiles().into_iter().find(|p| p.name == wanted) {
        return Ok(p);
    }
    let path = Path::new(name);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| ImportError::Profile {
            name: name.into(),
            message: format!("cannot read it: {e}"),
        })?;
        let stem = path
            .file_stem()
            .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
        return Profile::parse(&stem, &text).map_err(|message| ImportError::Profile {
            name: name.into(),
            message,
        });
    }
    Err(ImportError::Profile {
        name: name.into(),
        message: format!(
            "there is no such profile; use one of {} or the path of a profile file",
            BUILTIN
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// What to tell a user whose rows were rejected for a class word estate
/// does not know, when no profile was named and a shipped profile would
/// have read them: one whose class column is a free-form category (`unknown
/// class = model`), for the kind of records the sheet holds, that reads at
/// least half of the sheet's headings. A Snipe-IT export read without
/// `--profile snipe-it` rejects every row whose category ("Laptops - Loan
/// Pool") is not a class; with it, the model tells the class.
#[must_use]
pub fn hint(plan: &super::ImportPlan, summary: &super::ImportSummary) -> Option<String> {
    if plan.profile.is_some() {
        return None;
    }
    let mut found: Option<(Profile, usize, usize, &str)> = None;
    for sheet in &plan.sheets {
        let Some(table) = &sheet.table else { continue };
        let class_headings: Vec<&str> = table
            .columns
            .iter()
            .filter(|c| c.field == Some(Field::Class))
            .map(|c| c.heading.as_str())
            .collect();
        let rejected = summary
            .rejects
            .iter()
            .filter(|r| r.sheet == sheet.name)
            .filter(|r| {
                r.problems
                    .iter()
                    .any(|p| class_headings.contains(&p.column.as_str()))
            })
            .count();
        if rejected == 0 {
            continue;
        }
        let named: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.heading.as_str())
            .filter(|h| !h.trim().is_empty())
            .collect();
        for p in builtin_profiles() {
            if !p.class_fallback || p.kind.is_some_and(|k| k != table.kind) {
                continue;
            }
            let reads = named
                .iter()
                .filter(|h| p.columns.lookup(h).is_some())
                .count();
            if reads * 2 >= named.len() && found.as_ref().is_none_or(|f| reads > f.1) {
                found = Some((p, reads, rejected, sheet.name.as_str()));
            }
        }
    }
    found.map(|(p, reads, rejected, sheet)| {
        format!(
            "{rejected} row(s) of sheet `{sheet}` were rejected for a class estate does not know; \
             its headings look like a file the `{name}` profile is for ({description}; it reads \
             {reads} of them), which tells an unknown category's class from the model: if the \
             file came from there, import it with --profile {name}",
            name = p.name,
            description = p.description,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_shipped_profile_has_a_kind_and_headings() {
        let profiles = builtin_profiles();
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "hardware-supplier",
                "telecoms-lines",
                "software-licences",
                "snipe-it",
                "intune",
                "jamf",
                "snipe-it-licences"
            ]
        );
        let snipe = &profiles[3];
        assert_eq!(snipe.kind, Some(Kind::Hardware));
        assert_eq!(snipe.columns.lookup("Company"), Some(Field::Organisation));
        assert_eq!(
            snipe.columns.lookup("Warranty"),
            Some(Field::WarrantyMonths)
        );
        let intune = &profiles[4];
        assert_eq!(intune.age_from.as_deref(), Some("Enrollment date"));
        assert_eq!(intune.columns.lookup("OS version"), Some(Field::OsVersion));
        let lic = &profiles[2];
        assert_eq!(lic.kind, Some(Kind::Licences));
        assert_eq!(
            lic.columns.lookup("Product Description"),
            Some(Field::Product)
        );
    }

    #[test]
    fn profiles_load_by_name_or_path_and_errors_say_which() {
        assert_eq!(load_profile("Snipe_IT").unwrap().name, "snipe-it");
        let err = load_profile("nonesuch").unwrap_err().to_string();
        assert!(err.contains("hardware-supplier, telecoms-lines"), "{err}");
        let bad = Profile::parse("x", "kind = spaceships\nheading,field\n").unwrap_err();
        assert!(
            bad.starts_with("line 1: `spaceships` is not a kind"),
            "{bad}"
        );
        let bad = Profile::parse("x", "heading,field\nFoo,bar\n").unwrap_err();
        assert!(bad.starts_with("line 2: `bar` is not a field"), "{bad}");
    }
}
