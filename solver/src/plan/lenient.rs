//! Numbers and booleans as the visits API sends them: `3` or `"3"`,
//! `true`, `1` or `"1"`. Parsing never fails here; conversion reports a
//! message that validation wraps with the record and field.

use serde::{Deserialize, Serialize};

/// A number sent as a JSON number or as a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NumberLike {
    /// `3`, `2.5`.
    Number(f64),
    /// `"3"`, `" 2.5 "`.
    Text(String),
}

impl NumberLike {
    /// The finite value, or a message saying what is wrong.
    pub fn value(&self) -> Result<f64, String> {
        let v = match self {
            Self::Number(v) => *v,
            Self::Text(text) => text
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("expected a number, got \"{text}\""))?,
        };
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("expected a finite number, got {v}"))
        }
    }

    /// The value as a whole number.
    pub fn integer(&self) -> Result<i64, String> {
        let v = self.value()?;
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(v as i64)
        } else {
            Err(format!("expected a whole number, got {v}"))
        }
    }
}

impl NumberLike {
    /// `v` exactly, whatever its size (as text: a JSON number is an `f64`
    /// and keeps only 53 bits).
    pub fn exact(v: u64) -> Self {
        Self::Text(v.to_string())
    }

    /// The value as a non-negative whole number: exact over the whole
    /// `u64` range when sent as text; a JSON number must be at most 2^53,
    /// beyond which it has already lost its last digits.
    pub fn whole_u64(&self) -> Result<u64, String> {
        if let Self::Text(text) = self {
            if let Ok(v) = text.trim().parse::<u64>() {
                return Ok(v);
            }
        }
        let v = self.value()?;
        if v.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&v) {
            Ok(v as u64)
        } else {
            Err(format!(
                "expected a whole number from 0 to 2^53 (larger ones as a string), got {v}"
            ))
        }
    }
}

impl From<f64> for NumberLike {
    fn from(v: f64) -> Self {
        Self::Number(v)
    }
}

/// A boolean sent as `true`/`false`, `1`/`0` or `"1"`/`"0"`/`"true"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BoolLike {
    /// `true`.
    Bool(bool),
    /// `1`, `0`.
    Number(f64),
    /// `"1"`, `"true"`.
    Text(String),
}

impl BoolLike {
    /// The value, or a message saying what is wrong.
    pub fn value(&self) -> Result<bool, String> {
        match self {
            Self::Bool(b) => Ok(*b),
            Self::Number(n) if *n == 0.0 => Ok(false),
            Self::Number(n) if *n == 1.0 => Ok(true),
            Self::Number(n) => Err(format!("expected 0 or 1, got {n}")),
            Self::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Ok(true),
                "0" | "false" | "no" | "" => Ok(false),
                _ => Err(format!("expected a boolean, got \"{text}\"")),
            },
        }
    }
}

impl From<bool> for BoolLike {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

/// An identifier sent as a string or a number (`"van-1"`, `10816703`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IdLike {
    /// `"van-1"`.
    Text(String),
    /// `10816703`.
    Number(serde_json::Number),
}

impl IdLike {
    /// The identifier as text.
    pub fn text(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Number(n) => n.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_u64_is_exact_as_text_and_refuses_rounded_numbers() {
        assert_eq!(NumberLike::exact(u64::MAX).whole_u64(), Ok(u64::MAX));
        assert_eq!(NumberLike::Text(" 7 ".into()).whole_u64(), Ok(7));
        assert_eq!(NumberLike::Number(7.0).whole_u64(), Ok(7));
        assert!(NumberLike::Number(1e19).whole_u64().is_err());
        assert!(NumberLike::Number(-1.0).whole_u64().is_err());
        assert!(NumberLike::Number(1.5).whole_u64().is_err());
    }

    #[test]
    fn numbers_and_booleans_accept_strings() {
        let n: NumberLike = serde_json::from_str("\"3\"").unwrap();
        assert_eq!(n.value(), Ok(3.0));
        let b: BoolLike = serde_json::from_str("\"1\"").unwrap();
        assert_eq!(b.value(), Ok(true));
        let b: BoolLike = serde_json::from_str("0").unwrap();
        assert_eq!(b.value(), Ok(false));
        let bad: NumberLike = serde_json::from_str("\"three\"").unwrap();
        assert!(bad.value().unwrap_err().contains("three"));
        let bad: BoolLike = serde_json::from_str("2").unwrap();
        assert!(bad.value().is_err());
    }
}
