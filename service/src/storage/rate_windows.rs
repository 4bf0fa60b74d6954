//! Request counts per API key and fixed window, in the database, so every
//! server sharing it counts the same requests: one row per key (its hash,
//! never the key) and window, bumped with an upsert.

use super::db::{args, Conn};
use super::StorageError;

/// Counts one more request of key `key_hash` in the window starting at
/// `window_start` (ms); returns the window's count with it.
pub fn count_request(
    conn: &mut Conn<'_>,
    key_hash: &str,
    window_start: i64,
) -> Result<i64, StorageError> {
    conn.query_one(
        "INSERT INTO rate_windows (key_hash, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT (key_hash, window_start) DO UPDATE SET count = rate_windows.count + 1
         RETURNING count",
        &args![key_hash, window_start],
    )?
    .get(0)
}

/// Drops the windows that started before `before` (ms): they no longer
/// limit anything.
pub fn forget_before(conn: &mut Conn<'_>, before: i64) -> Result<usize, StorageError> {
    conn.execute(
        "DELETE FROM rate_windows WHERE window_start < ?1",
        &args![before],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Storage;

    #[test]
    fn counts_add_up_per_key_and_window() {
        let storage = Storage::in_memory().unwrap();
        storage
            .run(|c| {
                assert_eq!(count_request(c, "a", 0)?, 1);
                assert_eq!(count_request(c, "a", 0)?, 2);
                assert_eq!(count_request(c, "b", 0)?, 1);
                assert_eq!(count_request(c, "a", 10_000)?, 1);
                assert_eq!(forget_before(c, 10_000)?, 2);
                assert_eq!(count_request(c, "a", 0)?, 1);
                Ok(())
            })
            .unwrap();
    }
}
