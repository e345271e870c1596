//! Department text as suppliers write it: an optional cost-centre code
//! (`RB02`, `IT01`) before the name, and a comparison key under which
//! `Revenues & Benefits`, `Revenues and Benefits` and `revenues  AND benefits`
//! are one name.

/// A department text read into its cost-centre code (if it starts with one)
/// and its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepartmentText<'a> {
    /// The leading cost-centre code: 2–4 ASCII letters then 2–4 digits.
    pub code: Option<&'a str>,
    /// The name, trimmed (the whole text when there is no code).
    pub name: &'a str,
}

/// Reads `text` into an optional leading cost-centre code and a name: a code
/// is 2–4 ASCII letters followed by 2–4 digits, then a space or ` - `, then a
/// non-empty name (`RB02 Revenues & Benefits`, `IT01 - ICT Services`). Text
/// without such a code is all name.
#[must_use]
pub fn split_department(text: &str) -> DepartmentText<'_> {
    let text = text.trim();
    let whole = DepartmentText {
        code: None,
        name: text,
    };
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = text[letters..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if !(2..=4).contains(&letters) || !(2..=4).contains(&digits) {
        return whole;
    }
    let (code, rest) = text.split_at(letters + digits);
    let Some(after_space) = rest.strip_prefix(' ') else {
        return whole;
    };
    let name = match after_space.strip_prefix('-') {
        Some(r) if r.is_empty() || r.starts_with(' ') => r,
        _ => after_space,
    }
    .trim();
    if name.is_empty() {
        return whole;
    }
    DepartmentText {
        code: Some(code),
        name,
    }
}

/// The key under which two department names are the same: lowercased
/// (Unicode), `&` read as `and`, runs of whitespace as one space, trimmed.
#[must_use]
pub fn department_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.replace('&', " and ").split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&word.to_lowercase());
    }
    key
}

/// The key of a cost-centre code: trimmed, ASCII case ignored.
#[must_use]
pub fn cost_centre_key(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_code_is_split_from_the_name() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            (
                "RB02 Revenues & Benefits",
                Some("RB02"),
                "Revenues & Benefits",
            ),
            ("IT01 - ICT Services", Some("IT01"), "ICT Services"),
            ("  FN07   Finance ", Some("FN07"), "Finance"),
            ("ABCD1234 Long", Some("ABCD1234"), "Long"),
            ("Revenues and Benefits", None, "Revenues and Benefits"),
            ("ICT", None, "ICT"),
            ("B2 Thing", None, "B2 Thing"),
            ("12345 X", None, "12345 X"),
            ("RB02", None, "RB02"),
            ("RB02-Revenues", None, "RB02-Revenues"),
            ("ABCDE12 Five letters", None, "ABCDE12 Five letters"),
            ("AB12345 Five digits", None, "AB12345 Five digits"),
            ("RB02 - ", None, "RB02 -"),
        ];
        for &(text, code, name) in cases {
            let got = split_department(text);
            assert_eq!((got.code, got.name), (code, name), "{text:?}");
        }
    }

    #[test]
    fn names_differing_in_case_ampersand_or_spacing_share_a_key() {
        let cases = [
            ("Revenues & Benefits", "revenues and benefits"),
            ("Revenues and Benefits", "revenues and benefits"),
            ("revenues  AND benefits", "revenues and benefits"),
            (" Revenues&Benefits ", "revenues and benefits"),
            ("ÉCOLE Services", "école services"),
            ("Leisure & Culture", "leisure and culture"),
        ];
        for (name, key) in cases {
            assert_eq!(department_key(name), key, "{name:?}");
        }
        assert_ne!(
            department_key("Leisure"),
            department_key("Leisure & Culture")
        );
    }
}
