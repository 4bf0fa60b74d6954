//! Whether a value read back from the API is the value a client sent: the
//! API reads back canonical forms (`"closed": "0"` as `false`, `"priority":
//! "2"` as `2`), so a test that checks nothing was lost compares meanings,
//! not spellings.

use serde_json::Value;

/// A scalar's meaning: booleans as 0/1 and numeric text as its number, the
/// way the API's lenient fields read them.
fn meaning(value: &Value) -> Option<f64> {
    match value {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.trim() {
            "true" => Some(1.0),
            "false" => Some(0.0),
            t => t.parse().ok(),
        },
        _ => None,
    }
}

/// `stored` says what `sent` said: equal, or the same number or boolean in
/// another spelling, element by element in arrays and objects.
pub fn same_value(sent: &Value, stored: &Value) -> bool {
    match (sent, stored) {
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, x)| b.get(k).is_some_and(|y| same_value(x, y)))
        }
        _ if sent == stored => true,
        _ => matches!((meaning(sent), meaning(stored)), (Some(x), Some(y)) if x == y),
    }
}
