//! Output files written whole or not at all: each is written to a temporary file beside it (same
//! folder, so the rename is atomic; `tempfile`'s `NamedTempFile`) and renamed into place when
//! complete. On every error path the temporary file is removed (dropping it unpersisted does);
//! only a killed process can leave one, which [`remove_leftovers`] clears at the next run.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Suffix of every temporary file entline makes (`.NAME.XXXXXX.tmp`).
const SUFFIX: &str = ".tmp";
/// Random characters in a temporary file's name (the `XXXXXX`).
const RANDOM: usize = 6;

/// A file being written: readers see it only once [`AtomicFile::finish`] has moved it into place;
/// dropped unfinished, it leaves nothing behind.
pub struct AtomicFile {
    path: PathBuf,
    w: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    /// Start writing `path`; its folder must exist.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let prefix = format!(".{}.", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix).suffix(SUFFIX).rand_bytes(RANDOM);
        // the mode File::create gives (0666 less the umask), not tempfile's private 0600
        #[cfg(unix)]
        b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = b.tempfile_in(dir).map_err(|e| Error::write(path, e))?;
        Ok(AtomicFile { path: path.to_path_buf(), w: BufWriter::new(tmp) })
    }

    /// The file's final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush and move the file into place.
    pub fn finish(self) -> Result<()> {
        let path = self.path;
        let tmp = self.w.into_inner().map_err(|e| Error::write(&path, e.into_error()))?;
        // on failure the temporary file comes back inside the error and is removed with it
        tmp.persist(&path).map_err(|e| Error::write(&path, e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.w.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// Write `path` atomically with `write`: nothing is left behind if it fails.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    write(&mut f)?;
    f.finish()
}

/// Whether a file name is one of entline's temporary files: `.NAME.XXXXXX.tmp`, or the
/// `NAME.tmpPID` / `NAME.spillPID` of earlier versions.
fn is_leftover(name: &str) -> bool {
    let old = |tag: &str| name.rsplit_once(tag).is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
    let new = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(SUFFIX))
        .and_then(|n| n.rsplit_once('.'))
        .is_some_and(|(file, random)| !file.is_empty() && random.len() == RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric()));
    new || old(".tmp") || old(".spill")
}

/// Remove the temporary files a killed run left in `dir` (not its subfolders).
pub fn remove_leftovers(dir: &Path) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_type().is_ok_and(|t| t.is_file()) && is_leftover(&e.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        write_atomic(&p, |w| w.write_all(b"a,b\n").map_err(|e| Error::write(&p, e))).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"a,b\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // the mode File::create gives (0666 less the umask), not a temporary file's 0600
            let plain = dir.path().join("plain");
            std::fs::File::create(&plain).unwrap();
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&p), mode(&plain));
            std::fs::remove_file(&plain).unwrap();
        }
        // a writer that fails halfway: the old file stays, no temporary file is left
        let err = write_atomic(&p, |w| {
            w.write_all(b"half").map_err(|e| Error::write(&p, e))?;
            Err(Error::Other("disk full".into()))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(std::fs::read(&p).unwrap(), b"a,b\n");
        assert_eq!(names(dir.path()), ["t.csv"]);
        // dropped unfinished: nothing left
        let mut f = AtomicFile::create(&dir.path().join("u.csv")).unwrap();
        f.write_all(b"x").unwrap();
        assert_eq!(names(dir.path()).len(), 2, "the temporary file exists while writing");
        drop(f);
        assert_eq!(names(dir.path()), ["t.csv"]);
        // moving into place fails (a folder is in the way): the temporary file goes too
        std::fs::create_dir(dir.path().join("v.csv")).unwrap();
        std::fs::write(dir.path().join("v.csv/inside"), "").unwrap();
        let mut f = AtomicFile::create(&dir.path().join("v.csv")).unwrap();
        f.write_all(b"x").unwrap();
        let err = f.finish().unwrap_err();
        assert!(err.to_string().starts_with(&format!("cannot write {}", dir.path().join("v.csv").display())), "{err}");
        assert_eq!(names(dir.path()), ["t.csv", "v.csv"]);
        // a folder that is no folder
        let err = write_atomic(&dir.path().join("t.csv/x.json"), |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("t.csv/x.json"), "{err}");
    }

    #[test]
    fn leftovers_of_killed_runs() {
        for name in [".events.csv.a1B2c3.tmp", "events.csv.tmp1234", "mentions.spill77", ".abc.json.XyZ123.tmp"] {
            assert!(is_leftover(name), "{name}");
        }
        for name in ["events.csv", ".entline", "notes.tmp", ".notes.tmp", ".a.b.tmp", "x.tmp12a", "events.csv.tmp", "a.spill"] {
            assert!(!is_leftover(name), "{name}");
        }
        let dir = tempfile::tempdir().unwrap();
        for name in [".events.csv.a1B2c3.tmp", "events.csv", "notes.tmp", ".notes.tmp"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        // and one entline made and lost (as a killed run would)
        let f = AtomicFile::create(&dir.path().join("mentions.csv")).unwrap();
        let (_, lost) = f.w.into_inner().map_err(|_| ()).unwrap().keep().unwrap();
        assert!(is_leftover(&lost.file_name().unwrap().to_string_lossy()), "{}", lost.display());
        remove_leftovers(dir.path());
        assert_eq!(names(dir.path()), [".notes.tmp", "events.csv", "notes.tmp"]);
    }
}
