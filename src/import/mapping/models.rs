//! Model-name rules (`data/import/model-rules.csv`): a model's words → its
//! class and maker.

use super::{AssetClass, normalise_heading};

/// The shipped model-name rules.
pub const BUILTIN_MODEL_RULES: &str = include_str!("../../../data/import/model-rules.csv");
/// Model-name rules: a word or phrase in the model → a class
/// (`data/import/model-rules.csv`), first match wins.
#[derive(Debug, Clone, Default)]
pub struct ModelRules {
    rules: Vec<(String, AssetClass, Option<String>)>,
    makers: Vec<String>,
}

impl ModelRules {
    /// The shipped rules.
    pub fn builtin() -> Self {
        ModelRules::parse(BUILTIN_MODEL_RULES)
            .expect("invariant: the shipped data/import/model-rules.csv is valid (tested)")
    }

    /// Reads `pattern,class` lines.
    ///
    /// # Errors
    /// A message naming the line that is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rules = Vec::new();
        let mut makers: Vec<String> = Vec::new();
        let mut seen_header = false;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split(',').map(str::trim).collect();
            if !seen_header
                && parts
                    .first()
                    .is_some_and(|p| p.eq_ignore_ascii_case("pattern"))
            {
                seen_header = true;
                continue;
            }
            seen_header = true;
            let (pattern, class, maker) = match parts.as_slice() {
                [p, c] => (*p, *c, None),
                [p, c, m] => (*p, *c, Some(*m).filter(|m| !m.is_empty())),
                _ => {
                    return Err(format!(
                        "line {}: expected `pattern,class,manufacturer`, found `{line}`",
                        i + 1
                    ));
                }
            };
            let class: AssetClass = class.parse().map_err(|e| format!("line {}: {e}", i + 1))?;
            if let Some(m) = maker {
                if !makers.iter().any(|k| k.eq_ignore_ascii_case(m)) {
                    makers.push(m.to_string());
                }
            }
            rules.push((normalise_heading(pattern), class, maker.map(str::to_string)));
        }
        // Longer names first, so "Konica Minolta" is tried before "Konica".
        makers.sort_by_key(|m| std::cmp::Reverse(m.len()));
        Ok(ModelRules { rules, makers })
    }

    /// Every rule: its pattern, class and maker, in the order tried.
    pub fn entries(&self) -> impl Iterator<Item = (&str, AssetClass, Option<&str>)> {
        self.rules
            .iter()
            .map(|(p, c, m)| (p.as_str(), *c, m.as_deref()))
    }

    /// Adds a rule tried before the others (a taught model word).
    pub fn prepend(&mut self, pattern: &str, class: AssetClass, maker: Option<String>) {
        if let Some(m) = &maker {
            if !self.makers.iter().any(|k| k.eq_ignore_ascii_case(m)) {
                self.makers.push(m.clone());
                self.makers.sort_by_key(|m| std::cmp::Reverse(m.len()));
            }
        }
        self.rules
            .insert(0, (normalise_heading(pattern), class, maker));
    }

    pub(super) fn rule_for(&self, text: &str) -> Option<&(String, AssetClass, Option<String>)> {
        let hay = format!(" {} ", normalise_heading(text));
        self.rules
            .iter()
            .find(|(p, _, _)| hay.contains(&format!(" {p}")))
    }

    /// The class the first rule found in `text` names (matching whole words
    /// from their start, ignoring case and punctuation).
    pub fn class_of(&self, text: &str) -> Option<AssetClass> {
        self.rule_for(text).map(|(_, c, _)| *c)
    }

    /// The maker of a model: the known maker its name starts with ("HP
    /// E24 G5"), else the maker of the rule it matches ("OptiPlex" → Dell).
    pub fn maker_of(&self, model: &str) -> Option<String> {
        let m = normalise_heading(model);
        for maker in &self.makers {
            let k = normalise_heading(maker);
            if m == k || m.starts_with(&format!("{k} ")) {
                return Some(maker.clone());
            }
        }
        self.rule_for(model).and_then(|(_, _, maker)| maker.clone())
    }
}
