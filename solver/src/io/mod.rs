//! Readers and writers at the edge of the solver: benchmark instance files
//! in, solution files in and out.

pub mod solomon;
pub mod solution_text;

use thiserror::Error;

use crate::model::ModelError;

/// A file that could not be read or understood. Messages name the file and,
/// where it applies, the line and the problem.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The path given.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line does not have the expected shape.
    #[error("{path}:{line}: {problem}")]
    Syntax {
        /// The path (or a name for text given directly).
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// The content parsed but breaks a rule of the model.
    #[error("{path}: {source}")]
    Model {
        /// The path.
        path: String,
        /// The violated rule.
        source: ModelError,
    },
}

/// Reads a whole file to a string, naming the path on error.
pub fn read_to_string(path: &std::path::Path) -> Result<String, ReadError> {
    std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: path.display().to_string(),
        source,
    })
}
