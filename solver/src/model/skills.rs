//! Skills interned to small integers and held as a bitset.

/// A set of interned skill ids; `contains_all` is a few word operations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SkillSet {
    words: Vec<u64>,
}

impl SkillSet {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set from interned ids.
    pub fn from_ids(ids: impl IntoIterator<Item = usize>) -> Self {
        let mut set = Self::new();
        for id in ids {
            set.insert(id);
        }
        set
    }

    /// Adds one skill id.
    pub fn insert(&mut self, id: usize) {
        let word = id / 64;
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (id % 64);
    }

    /// Whether the set holds skill `id`.
    pub fn contains(&self, id: usize) -> bool {
        self.words
            .get(id / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    /// Whether every skill of `required` is in `self`.
    pub fn contains_all(&self, required: &SkillSet) -> bool {
        required.words.iter().enumerate().all(|(i, &need)| {
            let have = self.words.get(i).copied().unwrap_or(0);
            need & !have == 0
        })
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The ids in the set, ascending.
    pub fn ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            (0..64)
                .filter(move |b| w & (1 << b) != 0)
                .map(move |b| i * 64 + b)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_all_needs_every_skill() {
        let driver = SkillSet::from_ids([1, 3, 70]);
        assert!(driver.contains_all(&SkillSet::from_ids([1, 70])));
        assert!(!driver.contains_all(&SkillSet::from_ids([1, 2])));
        assert!(!driver.contains_all(&SkillSet::from_ids([130])));
        assert!(driver.contains_all(&SkillSet::new()));
        assert_eq!(driver.ids().collect::<Vec<_>>(), vec![1, 3, 70]);
    }
}
