//! Errors as values, each naming the file or model it concerns.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// An output file or folder that could not be written (a full disk, a folder made read-only
    /// or replaced during the run).
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("model {model}: {msg}")]
    Model { model: String, msg: String },
    #[error("{path}: {msg}")]
    Input { path: PathBuf, msg: String },
    #[error("{path}:{line}: {msg}")]
    Parse { path: PathBuf, line: usize, msg: String },
    /// A TOML file (rules, aliases) that does not parse: the file (or the built-in table's name)
    /// and the line of the error.
    #[error("{path}:{line}: {msg}")]
    Toml { path: PathBuf, line: usize, msg: String },
    #[error("torch: {0}")]
    Torch(#[from] tch::TchError),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), source }
    }
    pub fn write(path: &Path, source: std::io::Error) -> Self {
        Error::Write { path: path.to_path_buf(), source }
    }
    pub fn input(path: &Path, msg: impl Into<String>) -> Self {
        Error::Input { path: path.to_path_buf(), msg: msg.into() }
    }
    /// The error of parsing `src`, the text of `path`, as TOML.
    pub fn toml(path: impl Into<PathBuf>, src: &str, e: &toml::de::Error) -> Self {
        let at = e.span().map_or(0, |s| s.start.min(src.len()));
        let line = src.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::Toml { path: path.into(), line, msg: e.message().to_string() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_name_file_and_line() {
        let src = "[a]\nx = 1\ny = \n";
        let e = toml::from_str::<toml::Table>(src).unwrap_err();
        let err = Error::toml("rules.toml", src, &e);
        assert!(matches!(&err, Error::Toml { line: 3, .. }), "{err:?}");
        assert!(err.to_string().starts_with("rules.toml:3: "), "{err}");
    }
}
