//! What `forget-user` looks for: a person's name as a sequence of whole
//! words, and their e-mail addresses or user names as whole addresses.
//! Pure text matching; the columns it is applied to are in `store.rs`
//! (`REDACTABLE`).
//!
//! A word is a run of letters, digits and combining marks (so `ProLiant`
//! is one word, and `DOE's` is `DOE` then `s`). Two words are the same when
//! their full Unicode case folding, in canonical (NFC) form, is the same:
//! `ZOË Ó BRIAIN` is `Zoë Ó Briain`, however the accents were typed. SQL's
//! `LIKE` and `NOCASE` fold only ASCII, so matching is never left to SQL.

use std::ops::Range;

use serde::Serialize;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What one person leaves in the register: their name's words, and any
/// addresses given with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forget {
    words: Vec<String>,
    addresses: Vec<Vec<char>>,
}

impl Forget {
    /// The name (as words) and addresses to look for, or `None` when the
    /// name holds no word at all.
    pub fn new(name: &str, addresses: &[String]) -> Option<Self> {
        let words: Vec<String> = words(name).into_iter().map(|(_, w)| w).collect();
        if words.is_empty() {
            return None;
        }
        let addresses = addresses
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
            .map(|a| a.chars().flat_map(char::to_lowercase).collect())
            .collect();
        Some(Forget { words, addresses })
    }

    /// How many words the name has (one word alone would catch other people).
    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// True when the whole of `text` is the name (and nothing else but
    /// spaces and punctuation), as an assigned user is.
    pub fn is_whole(&self, text: &str) -> bool {
        let found: Vec<String> = words(text).into_iter().map(|(_, w)| w).collect();
        found == self.words
    }

    /// `text` with every whole-word occurrence of the name and every whole
    /// occurrence of an address replaced by `with`, and how many were
    /// replaced; `None` when there is none.
    pub fn redact(&self, text: &str, with: &str) -> Option<(String, usize)> {
        let mut spans = self.name_spans(text);
        for address in &self.addresses {
            spans.extend(address_spans(text, address));
        }
        if spans.is_empty() {
            return None;
        }
        // Overlaps (a name inside an address) merge into one redaction.
        spans.sort_by_key(|s| (s.start, s.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.start < last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for s in &merged {
            out.push_str(&text[at..s.start]);
            out.push_str(with);
            at = s.end;
        }
        out.push_str(&text[at..]);
        Some((out, merged.len()))
    }

    /// Where the name's words stand in sequence in `text` (byte ranges from
    /// the first word's start to the last word's end), not overlapping.
    fn name_spans(&self, text: &str) -> Vec<Range<usize>> {
        let found = words(text);
        let n = self.words.len();
        let mut spans = Vec::new();
        let mut i = 0;
        while i + n <= found.len() {
            if found[i..i + n]
                .iter()
                .zip(&self.words)
                .all(|((_, w), want)| w == want)
            {
                spans.push(found[i].0.start..found[i + n - 1].0.end);
                i += n;
            } else {
                i += 1;
            }
        }
        spans
    }
}

/// One field of one record that `forget-user` changes (or, in a dry run,
/// would change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redaction {
    /// Where the record is: `assets`, `phone lines`, `licences`,
    /// `disposals`, `audit trail` or `import batches`.
    pub place: String,
    /// The record: an asset's tag, a line's number, a licence's product,
    /// `row 17` of the audit trail, `batch 3`.
    pub record: String,
    /// The field (a column, or the part of an import batch it keeps).
    pub field: String,
    /// How many times the name or an address was replaced in it.
    pub count: usize,
}

/// What `forget-user` did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Forgotten {
    /// Every field changed, with how many matches each held.
    pub changes: Vec<Redaction>,
    /// How many assets, lines and licences record a redaction in their trail.
    pub records_noted: usize,
}

impl Forgotten {
    /// Matches replaced (or cleared) in all.
    pub fn matches(&self) -> usize {
        self.changes.iter().map(|c| c.count).sum()
    }
}

impl Forget {
    /// True when `text` may hold the name or an address: a quick test
    /// before the exact one, so a large audit trail is scanned fast.
    pub fn may_occur(&self, text: &str) -> bool {
        let folded = fold(text);
        folded.contains(self.words[0].as_str())
            || (!self.addresses.is_empty() && {
                let lower: String = text.chars().flat_map(char::to_lowercase).collect();
                self.addresses
                    .iter()
                    .any(|a| lower.contains(a.iter().collect::<String>().as_str()))
            })
    }

    /// Like [`Forget::redact`], for a value that may be JSON (an audit row's
    /// whole record, a row an import kept, a batch's summary): inside JSON
    /// each string is redacted on its own (so an escape such as `\n` next to
    /// a name cannot hide it), and a string under one of `clear_keys` that
    /// is the name and nothing else becomes `null`. Text that is not a JSON
    /// object or array is redacted as text.
    pub fn redact_value(
        &self,
        text: &str,
        with: &str,
        clear_keys: &[&str],
    ) -> Option<(String, usize)> {
        let looks_json = matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['));
        let parsed = if looks_json {
            serde_json::from_str::<Value>(text).ok()
        } else {
            None
        };
        let Some(mut value) = parsed else {
            return self.redact(text, with);
        };
        let count = self.redact_json(&mut value, with, clear_keys);
        if count == 0 {
            return None;
        }
        serde_json::to_string(&value).ok().map(|t| (t, count))
    }

    fn redact_json(&self, value: &mut Value, with: &str, clear_keys: &[&str]) -> usize {
        match value {
            Value::String(s) => match self.redact(s, with) {
                Some((t, n)) => {
                    *s = t;
                    n
                }
                None => 0,
            },
            Value::Array(items) => items
                .iter_mut()
                .map(|v| self.redact_json(v, with, clear_keys))
                .sum(),
            Value::Object(map) => map
                .iter_mut()
                .map(|(k, v)| match v {
                    Value::String(s) if clear_keys.contains(&k.as_str()) && self.is_whole(s) => {
                        *v = Value::Null;
                        1
                    }
                    _ => self.redact_json(v, with, clear_keys),
                })
                .sum(),
            _ => 0,
        }
    }
}

/// True for a character that belongs to a word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The words of `text`: each one's byte range and its folded form.
fn words(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s..i, fold(&text[s..i])));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), fold(&text[s..])));
    }
    out
}

/// Full Unicode case folding of a word, in canonical composed form.
fn fold(word: &str) -> String {
    let decomposed: String = word.nfd().collect();
    caseless::default_case_fold_str(&decomposed).nfc().collect()
}

/// True for a character that can be part of an e-mail address or a user
/// name (`jo.bloggs+it@council.gov.uk`, `COUNCIL\jbloggs`).
fn is_address_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '@' | '\'' | '\\')
}

/// Where `address` (lower case) stands whole in `text`, ignoring case: not
/// part of a longer address (`xjo@council.gov.uk`, `jo@council.gov.uk.net`);
/// a full stop after it ends a sentence.
fn address_spans(text: &str, address: &[char]) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let before_ok = i == 0 || !is_address_char(chars[i - 1].1);
        if before_ok {
            if let Some(end) = match_lower(&chars, i, address) {
                let next = chars.get(end).map(|&(_, c)| c);
                let after = chars.get(end + 1).map(|&(_, c)| c);
                let after_ok = match next {
                    None => true,
                    Some('.') => after.is_none_or(|c| !is_address_char(c)),
                    Some(c) => !is_address_char(c),
                };
                if after_ok {
                    let stop = chars.get(end).map_or(text.len(), |&(b, _)| b);
                    spans.push(chars[i].0..stop);
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    spans
}

/// The index after the characters from `at` that spell `want` in lower
/// case, if they do.
fn match_lower(chars: &[(usize, char)], at: usize, want: &[char]) -> Option<usize> {
    let mut matched = 0;
    let mut end = at;
    while matched < want.len() {
        let &(_, c) = chars.get(end)?;
        for l in c.to_lowercase() {
            if want.get(matched) != Some(&l) {
                return None;
            }
            matched += 1;
        }
        end += 1;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str, name: &str) -> Option<String> {
        Forget::new(name, &[])
            .and_then(|f| f.redact(text, "[r]"))
            .map(|(t, _)| t)
    }

    #[test]
    fn a_name_matches_as_whole_words_in_any_case() {
        assert_eq!(
            redact("issued to JANE DOE, then Jane Doe's desk", "jane doe"),
            Some("issued to [r], then [r]'s desk".into())
        );
        assert_eq!(redact("José Núñez", "JOSÉ NÚÑEZ"), Some("[r]".into()));
        assert_eq!(redact("Jane Dough", "Jane Doe"), None);
        assert_eq!(redact("ProLiant DL380", "Ian"), None);
        assert_eq!(redact("Smithdown Road", "Smith"), None);
        assert_eq!(redact("Ian, then ian", "IAN"), Some("[r], then [r]".into()));
        assert!(Forget::new(" ,. ", &[]).is_none());
    }

    #[test]
    fn capitals_outside_ascii_fold_and_accents_compare_in_any_form() {
        assert_eq!(
            redact("Laptop for ZOË Ó BRIAIN", "zoë ó briain"),
            Some("Laptop for [r]".into())
        );
        // e + combining diaeresis is the same letter as ë.
        assert_eq!(
            redact("zoe\u{308} ó briain", "Zoë Ó Briain"),
            Some("[r]".into())
        );
        assert_eq!(redact("ŁUKASZ ŵyn", "Łukasz Ŵyn"), Some("[r]".into()));
        // Full case folding: ß is ss.
        assert_eq!(redact("GROSS", "groß"), Some("[r]".into()));
        assert_eq!(redact("Zoe O Briain", "Zoë Ó Briain"), None);
    }

    #[test]
    fn the_words_must_stand_in_sequence() {
        assert_eq!(redact("Doe Jane", "Jane Doe"), None);
        assert_eq!(redact("Jane  Doe", "Jane Doe"), Some("[r]".into()));
        assert_eq!(redact("Jane X Doe", "Jane Doe"), None);
        let f = Forget::new("Jane Doe", &[]).unwrap();
        assert!(f.is_whole("  JANE DOE "));
        assert!(!f.is_whole("Jane Doe (left)"));
        assert_eq!(f.word_count(), 2);
    }

    #[test]
    fn inside_json_each_string_is_redacted_and_a_whole_user_is_cleared() {
        let f = Forget::new("Ian Smith", &[]).unwrap();
        let (t, n) = f
            .redact_value(
                r#"{"assigned_user":"IAN SMITH","model":"ProLiant","notes":"a\nIan Smith"}"#,
                "[r]",
                &["assigned_user"],
            )
            .unwrap();
        assert_eq!(
            t,
            r#"{"assigned_user":null,"model":"ProLiant","notes":"a\n[r]"}"#
        );
        assert_eq!(n, 2);
        assert_eq!(
            f.redact_value("[not json] Ian Smith", "[r]", &[]),
            Some(("[not json] [r]".into(), 1))
        );
        assert_eq!(f.redact_value(r#"{"model":"ProLiant"}"#, "[r]", &[]), None);
        assert!(f.may_occur("IAN SMITH"));
        assert!(!f.may_occur("Jane Doe"));
    }

    #[test]
    fn an_address_matches_whole_ignoring_case() {
        let f = Forget::new("Jane Doe", &["jane.doe@council.gov.uk".into()]).unwrap();
        assert_eq!(
            f.redact("Email: Jane.Doe@Council.gov.uk; x", "[r]"),
            Some(("Email: [r]; x".into(), 1))
        );
        assert_eq!(
            f.redact("mail jane.doe@council.gov.uk.", "[r]"),
            Some(("mail [r].".into(), 1))
        );
        // A longer address is someone else's.
        assert_eq!(f.redact("xjane.doe@council.gov.uk.net", "[r]"), None);
        let g = Forget::new("Ann Lee", &["jd@x.org".into()]).unwrap();
        assert_eq!(
            g.redact("ajd@x.org and jd@x.org", "[r]"),
            Some(("ajd@x.org and [r]".into(), 1))
        );
    }
}
