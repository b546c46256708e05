//! Errors as values, each naming the file or model it concerns.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("model {model}: {msg}")]
    Model { model: String, msg: String },
    #[error("{path}: {msg}")]
    Input { path: PathBuf, msg: String },
    #[error("{path}:{line}: {msg}")]
    Parse { path: PathBuf, line: usize, msg: String },
    #[error("torch: {0}")]
    Torch(#[from] tch::TchError),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), source }
    }
    pub fn input(path: &Path, msg: impl Into<String>) -> Self {
        Error::Input { path: path.to_path_buf(), msg: msg.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
