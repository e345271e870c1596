//! The one rule by which two asset tags, or two serial numbers, are the
//! same: compared after trimming, Unicode NFC normalisation, removing
//! zero-width and control characters, and ignoring case (full Unicode
//! lowercase). `add`, `show`, `update`, `dispose` and import all compare
//! through [`key`]; the register stores the key beside the value (V7).
//!
//! What is stored is what the user typed, tidied ([`tidy`]: trimmed, NFC,
//! zero-width characters removed); only comparison uses the key.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest asset tag accepted, in characters.
pub const MAX_TAG_CHARS: usize = 64;

/// Zero-width characters a copy from a web page or a spreadsheet can carry
/// invisibly: zero-width space, non-joiner, joiner, word joiner and the
/// byte-order mark.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// The comparison key of a tag or serial: equal keys are the same identity.
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    key_into(&mut out, text);
    out
}

/// [`key`] written into `out` (cleared first), so matching a million rows
/// allocates nothing for the common, plain-ASCII case.
pub fn key_into(out: &mut String, text: &str) {
    out.clear();
    let trimmed = text.trim();
    if trimmed.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        out.push_str(trimmed);
        out.make_ascii_lowercase();
        return;
    }
    let kept: String = text
        .chars()
        .filter(|&c| !is_zero_width(c) && !c.is_control())
        .collect();
    let lower: String = kept.trim().nfc().flat_map(char::to_lowercase).collect();
    out.extend(lower.nfc());
}

/// A tag or serial as it is stored: trimmed, NFC, zero-width characters
/// removed; case and everything else as typed.
pub fn tidy(text: &str) -> Cow<'_, str> {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(text.trim());
    }
    let kept: String = text.chars().filter(|&c| !is_zero_width(c)).collect();
    let tidied: String = kept.trim().nfc().collect();
    if tidied == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(tidied)
    }
}

/// Why an asset tag cannot be used, if it cannot: blank, a control
/// character (a tab, a line break, …), or longer than [`MAX_TAG_CHARS`].
pub fn tag_problem(tag: &str) -> Option<String> {
    let tidied = tidy(tag);
    if tidied.is_empty() {
        return Some("an asset tag cannot be blank".into());
    }
    if let Some(c) = tidied.chars().find(|c| c.is_control()) {
        return Some(format!(
            "an asset tag cannot hold a control character (U+{:04X})",
            u32::from(c)
        ));
    }
    let n = tidied.chars().count();
    if n > MAX_TAG_CHARS {
        return Some(format!(
            "an asset tag can be at most {MAX_TAG_CHARS} characters, not {n}"
        ));
    }
    // A tag that is only combining marks would look blank.
    if tidied.chars().all(is_combining_mark) {
        return Some("an asset tag cannot be only accents".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_the_same_under_the_rule_have_one_key() {
        let same = [
            "PC-1",
            "pc-1",
            " PC-1 ",
            "PC\u{200B}-1",
            "\u{FEFF}pc-1\u{2060}",
            "PC-1\u{7}",
        ];
        for t in same {
            assert_eq!(key(t), "pc-1", "{t:?}");
        }
        // NFC: e + combining acute is é.
        assert_eq!(key("CAF\u{0045}\u{0301}"), key("café"));
        assert_eq!(key("ÉCOLE-1"), "école-1");
        // Full Unicode lowercase, not only ASCII.
        assert_eq!(key("ŁUKASZ-Ŵ"), key("łukasz-ŵ"));
        assert_ne!(key("PC-1"), key("PC-2"));
        assert_ne!(key("PC 1"), key("PC1"));
    }

    #[test]
    fn the_stored_form_keeps_case_and_drops_only_invisible_characters() {
        assert_eq!(tidy("  PC-1 "), "PC-1");
        assert_eq!(tidy("PC\u{200B}-1"), "PC-1");
        assert_eq!(tidy("Cafe\u{301}"), "Café");
    }

    #[test]
    fn a_tag_with_a_control_character_or_too_long_is_refused() {
        assert_eq!(tag_problem("PC-1"), None);
        assert_eq!(
            tag_problem("PC\t1").as_deref(),
            Some("an asset tag cannot hold a control character (U+0009)")
        );
        assert!(tag_problem(&"X".repeat(64)).is_none());
        assert_eq!(
            tag_problem(&"X".repeat(65)).as_deref(),
            Some("an asset tag can be at most 64 characters, not 65")
        );
        assert!(tag_problem(" \u{200B} ").is_some());
    }
}
