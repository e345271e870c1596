//! The identities one import matches records by (serial numbers and asset
//! tags, phone numbers, licence keys), each with the register record that
//! holds it and where the file first gave it, held compactly: a million
//! assets' serials take about 40 MB here, where a `HashMap<String, _>` per
//! purpose took several hundred.
//!
//! The keys are stored once, end to end in one text buffer; the hash table
//! holds only 4-byte indexes into a vector of fixed-size entries. Keys are
//! compared exactly (no hash is ever trusted alone). Nothing here knows SQL
//! or how a key is normalised: `store` fills it and normalises the keys.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

/// What an import knows about one identity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slot {
    /// The register record holding it, if any.
    pub id: Option<i64>,
    /// Where this file first gave it: (sheet index, row as Excel numbers it).
    pub seen: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Record id, or `NO_ID`.
    id: i64,
    /// Sheet index + 1, or 0 when not seen in this file.
    sheet: u32,
    /// Row where first seen.
    row: u32,
}

const NO_ID: i64 = i64::MIN;

/// A set of identities with what is known of each.
#[derive(Debug, Default)]
pub struct Identities {
    hasher: RandomState,
    table: HashTable<u32>,
    entries: Vec<Entry>,
    /// Where each entry's key starts in `keys` (it ends where the next starts).
    starts: Vec<u32>,
    keys: String,
}

/// The buffer of keys is addressed by `u32`: more than 4 GB of keys is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("more than 4 GB of serial numbers, tags or other identities in one import")]
pub struct TooManyKeys;

impl Identities {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many identities are held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when none are held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn key_of(&self, index: u32) -> &str {
        let i = index as usize;
        let start = self.starts.get(i).map_or(0, |&s| s as usize);
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.keys.len(), |&s| s as usize);
        self.keys.get(start..end).unwrap_or("")
    }

    /// The entry of `key`, if it has one.
    pub fn position(&self, key: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        self.table.find(hash, |&i| self.key_of(i) == key).copied()
    }

    fn find_or_add(&mut self, key: &str) -> Result<u32, TooManyKeys> {
        if let Some(i) = self.position(key) {
            return Ok(i);
        }
        let index = u32::try_from(self.entries.len()).map_err(|_| TooManyKeys)?;
        let start = u32::try_from(self.keys.len()).map_err(|_| TooManyKeys)?;
        u32::try_from(self.keys.len() + key.len()).map_err(|_| TooManyKeys)?;
        self.keys.push_str(key);
        self.starts.push(start);
        self.entries.push(Entry {
            id: NO_ID,
            sheet: 0,
            row: 0,
        });
        let hash = self.hasher.hash_one(key);
        let (hasher, starts, keys) = (&self.hasher, &self.starts, &self.keys);
        self.table.insert_unique(hash, index, |&i| {
            let i = i as usize;
            let start = starts.get(i).map_or(0, |&s| s as usize);
            let end = starts.get(i + 1).map_or(keys.len(), |&s| s as usize);
            hasher.hash_one(keys.get(start..end).unwrap_or(""))
        });
        Ok(index)
    }

    /// The entry of `key`, added (knowing nothing) when new: a handle for
    /// [`Identities::slot`], [`Identities::mark_seen`] and
    /// [`Identities::set_id_at`], so a row hashes each of its keys once.
    ///
    /// # Errors
    /// [`TooManyKeys`].
    pub fn entry(&mut self, key: &str) -> Result<u32, TooManyKeys> {
        self.find_or_add(key)
    }

    /// What is known of the entry `index`.
    pub fn slot(&self, index: u32) -> Slot {
        self.entries
            .get(index as usize)
            .map(|e| Slot {
                id: (e.id != NO_ID).then_some(e.id),
                seen: (e.sheet > 0).then(|| (e.sheet - 1, e.row)),
            })
            .unwrap_or_default()
    }

    /// Records that the file gave the entry `index` on `sheet`, `row`.
    pub fn mark_seen(&mut self, index: u32, sheet: u32, row: u32) {
        if let Some(e) = self.entries.get_mut(index as usize) {
            e.sheet = sheet.saturating_add(1);
            e.row = row;
        }
    }

    /// Records that the register record `id` holds the entry `index`.
    pub fn set_id_at(&mut self, index: u32, id: Option<i64>) {
        if let Some(e) = self.entries.get_mut(index as usize) {
            e.id = id.unwrap_or(NO_ID);
        }
    }

    /// What is known of `key` (nothing, when it has never been added).
    pub fn get(&self, key: &str) -> Slot {
        self.position(key).map(|i| self.slot(i)).unwrap_or_default()
    }

    /// Records that the register record `id` holds `key` (`None`: no longer
    /// holds it), keeping where the file first gave it.
    ///
    /// # Errors
    /// [`TooManyKeys`].
    pub fn set_id(&mut self, key: &str, id: Option<i64>) -> Result<(), TooManyKeys> {
        if id.is_none() && self.position(key).is_none() {
            return Ok(());
        }
        let i = self.find_or_add(key)?;
        self.set_id_at(i, id);
        Ok(())
    }

    /// Records that the file gave `key` on `sheet` (its index), `row`.
    ///
    /// # Errors
    /// [`TooManyKeys`].
    pub fn set_seen(&mut self, key: &str, sheet: u32, row: u32) -> Result<(), TooManyKeys> {
        let i = self.find_or_add(key)?;
        self.mark_seen(i, sheet, row);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_keep_their_record_and_where_they_were_first_seen() {
        let mut ids = Identities::new();
        assert_eq!(ids.get("ABC"), Slot::default());
        ids.set_id("ABC", Some(7)).unwrap();
        ids.set_seen("ABC", 0, 12).unwrap();
        ids.set_seen("XYZ", 2, 40).unwrap();
        assert_eq!(
            ids.get("ABC"),
            Slot {
                id: Some(7),
                seen: Some((0, 12))
            }
        );
        assert_eq!(
            ids.get("XYZ"),
            Slot {
                id: None,
                seen: Some((2, 40))
            }
        );
        ids.set_id("ABC", None).unwrap();
        assert_eq!(ids.get("ABC").id, None);
        assert_eq!(ids.get("ABC").seen, Some((0, 12)));
        // Removing an identity never held adds nothing.
        ids.set_id("NEVER", None).unwrap();
        assert_eq!(ids.len(), 2);
        // Keys are exact: a prefix or another case is another identity.
        assert_eq!(ids.get("AB"), Slot::default());
        assert_eq!(ids.get("abc"), Slot::default());
        assert_eq!(ids.get(""), Slot::default());
    }

    #[test]
    fn many_identities_are_all_found_after_the_table_grows() {
        let mut ids = Identities::new();
        for i in 0..20_000i64 {
            ids.set_id(&format!("S{i:05}"), Some(i)).unwrap();
        }
        ids.set_id("", Some(-1)).unwrap();
        for i in (0..20_000i64).step_by(97) {
            assert_eq!(ids.get(&format!("S{i:05}")).id, Some(i));
        }
        assert_eq!(ids.get("").id, Some(-1));
        assert_eq!(ids.get("S20000").id, None);
        assert_eq!(ids.len(), 20_001);
    }
}
