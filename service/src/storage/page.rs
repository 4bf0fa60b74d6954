//! One page of a list: the records and the counts the envelope reports.

/// Records `start..start + records.len()` of `total` matching ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The page's records.
    pub records: Vec<T>,
    /// All records matching the filter.
    pub total: usize,
    /// Index of the first record of the page.
    pub start: usize,
}

/// The hard page size of the API.
pub const PAGE_SIZE: usize = 100;
