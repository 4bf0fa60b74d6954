//! The resources' records as the API documents them: which fields exist,
//! their types, which are required, and the checks done once at the
//! boundary before anything is stored. Records are kept whole (unknown
//! fields too); the checks only pull out what storage indexes.

pub mod driver;
pub mod location;
pub mod planner;
pub mod spec;
pub mod visit;

pub use spec::FieldError;
