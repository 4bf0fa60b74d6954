//! A visit's priority, 1 (highest) to 10 (lowest): the rule lives here and
//! is checked once, where a priority is read (plan requests, API records,
//! the model builder).

use std::fmt;

/// A priority in 1..=10; smaller is more important.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Priority(u8);

impl Priority {
    /// The most important level.
    pub const HIGHEST: Self = Self(1);
    /// The least important level.
    pub const LOWEST: Self = Self(10);
    /// The priority of a visit that does not say.
    pub const DEFAULT: Self = Self(5);

    /// `value` as a priority, or why it is not one.
    pub fn new(value: i64) -> Result<Self, String> {
        u8::try_from(value)
            .ok()
            .filter(|p| (Self::HIGHEST.0..=Self::LOWEST.0).contains(p))
            .map(Self)
            .ok_or_else(|| {
                format!(
                    "must be {}..{}, got {value}",
                    Self::HIGHEST.0,
                    Self::LOWEST.0
                )
            })
    }

    /// The level, 1..=10.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl Default for Priority {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_to_ten_is_a_priority() {
        assert_eq!(Priority::new(1).map(Priority::get), Ok(1));
        assert_eq!(Priority::new(10).map(Priority::get), Ok(10));
        for bad in [0, 11, -3, 300] {
            assert_eq!(Priority::new(bad), Err(format!("must be 1..10, got {bad}")));
        }
        assert_eq!(Priority::default().get(), 5);
    }
}
