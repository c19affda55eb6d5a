//! Files written whole or not at all: written beside their target under a name of their
//! own, flushed to disk, then renamed over it.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A file being written in place of `target`: nothing at `target` changes until
/// [`commit`](StagedFile::commit), and a staged file dropped uncommitted is removed.
///
/// Each staged file has a unique name in the target's directory, so two writers of one
/// target never share a temporary file: each replaces the target whole, and the last to
/// commit wins. The data and the directory entry are flushed to disk before the commit
/// returns, so a committed file survives a crash or a power loss.
///
/// ```
/// use std::io::Write;
/// use carefind::staged::StagedFile;
///
/// let dir = std::env::temp_dir().join(format!("staged-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let target = dir.join("out.csv");
/// let mut staged = StagedFile::new(&target)?;
/// staged.file().write_all(b"id\n")?;
/// assert!(!target.exists());
/// staged.commit()?;
/// assert_eq!(std::fs::read(&target)?, b"id\n");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct StagedFile {
    written: Written,
    target: PathBuf,
}

/// Where a staged file's bytes go.
#[derive(Debug)]
enum Written {
    /// A temporary file beside the target, renamed over it on commit.
    Beside(tempfile::NamedTempFile),
    /// The target itself: a device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO), which
    /// cannot be replaced, only written.
    InPlace(File),
}

impl StagedFile {
    /// Starts a file that will replace `target`; refuses a directory. A target that is a
    /// device or a pipe is written in place: renaming over it would replace the device.
    ///
    /// ```
    /// use std::io::Write;
    /// use carefind::staged::StagedFile;
    ///
    /// # #[cfg(unix)] {
    /// let mut staged = StagedFile::new("/dev/null")?;
    /// staged.file().write_all(b"gone")?;
    /// staged.commit()?;
    /// assert!(!std::fs::metadata("/dev/null")?.is_file());
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A directory is refused:
    ///
    /// ```
    /// use carefind::staged::StagedFile;
    ///
    /// let error = StagedFile::new(std::env::temp_dir()).unwrap_err();
    /// assert!(carefind::error::chain(&error).ends_with("is a directory; name a file to write"));
    /// ```
    pub fn new(target: impl AsRef<Path>) -> Result<StagedFile, Error> {
        let target = target.as_ref().to_path_buf();
        let name = target.display().to_string();
        if target.is_dir() {
            return Err(Error::Io {
                file: name,
                source: std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory; name a file to write",
                ),
            });
        }
        let special = std::fs::metadata(&target).is_ok_and(|metadata| !metadata.is_file());
        if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(|source| Error::Io { file: name, source })?;
            return Ok(StagedFile {
                written: Written::InPlace(file),
                target,
            });
        }
        let directory = directory_of(&target);
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{file_name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        // The file it becomes has the mode a file written in place would have: the old
        // file's, or read-write for all less the umask (tempfile's own default is 0600,
        // whatever the umask, which left every export unreadable to the group).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(&target).map_or(0o666, |old| old.permissions().mode() & 0o7777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let temporary = builder
            .tempfile_in(directory)
            .map_err(|source| Error::Io { file: name, source })?;
        Ok(StagedFile {
            written: Written::Beside(temporary),
            target,
        })
    }

    /// The file to write into.
    ///
    /// ```
    /// use std::io::Write;
    /// use carefind::staged::StagedFile;
    ///
    /// let target = std::env::temp_dir().join(format!("staged-file-{}.txt", std::process::id()));
    /// let mut staged = StagedFile::new(&target)?;
    /// writeln!(staged.file(), "hello")?;
    /// drop(staged); // never committed: the target was not touched
    /// assert!(!target.exists());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn file(&mut self) -> &mut File {
        match &mut self.written {
            Written::Beside(temporary) => temporary.as_file_mut(),
            Written::InPlace(file) => file,
        }
    }

    /// The file this one will replace.
    ///
    /// ```
    /// use carefind::staged::StagedFile;
    ///
    /// let target = std::env::temp_dir().join("target-name.csv");
    /// assert_eq!(StagedFile::new(&target)?.target(), target);
    /// # Ok::<(), carefind::Error>(())
    /// ```
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the data to disk, renames it over the target, and flushes the directory.
    ///
    /// ```
    /// use std::io::Write;
    /// use carefind::staged::StagedFile;
    ///
    /// let target = std::env::temp_dir().join(format!("staged-commit-{}.txt", std::process::id()));
    /// let mut staged = StagedFile::new(&target)?;
    /// staged.file().write_all(b"whole")?;
    /// staged.commit()?;
    /// assert_eq!(std::fs::read(&target)?, b"whole");
    /// # std::fs::remove_file(&target)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn commit(self) -> Result<(), Error> {
        commit_all(vec![self])
    }
}

/// Commits several staged files together: every one is flushed to disk before any is
/// renamed, so a failure to write one (a full disk, say) leaves every target as it was.
///
/// ```
/// use std::io::Write;
/// use carefind::staged::{StagedFile, commit_all};
///
/// let dir = std::env::temp_dir();
/// let (a, b) = (dir.join(format!("both-a-{}", std::process::id())), dir.join(format!("both-b-{}", std::process::id())));
/// let mut first = StagedFile::new(&a)?;
/// let mut second = StagedFile::new(&b)?;
/// first.file().write_all(b"1")?;
/// second.file().write_all(b"2")?;
/// commit_all(vec![first, second])?;
/// assert_eq!((std::fs::read(&a)?, std::fs::read(&b)?), (b"1".to_vec(), b"2".to_vec()));
/// # std::fs::remove_file(&a)?; std::fs::remove_file(&b)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn commit_all(files: Vec<StagedFile>) -> Result<(), Error> {
    let io_error = |target: &Path, source| Error::Io {
        file: target.display().to_string(),
        source,
    };
    for staged in &files {
        if let Written::Beside(temporary) = &staged.written {
            temporary
                .as_file()
                .sync_all()
                .map_err(|e| io_error(&staged.target, e))?;
        }
    }
    let mut directories = Vec::new();
    for staged in files {
        let target = staged.target;
        let Written::Beside(temporary) = staged.written else {
            continue;
        };
        temporary
            .persist(&target)
            .map_err(|e| io_error(&target, e.error))?;
        let directory = directory_of(&target).to_path_buf();
        if !directories.contains(&directory) {
            directories.push(directory);
        }
    }
    for directory in directories {
        sync_directory(&directory).map_err(|e| io_error(&directory, e))?;
    }
    Ok(())
}

fn directory_of(target: &Path) -> &Path {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Flushes a directory's entries, so that a rename in it survives a crash.
#[cfg(unix)]
fn sync_directory(directory: &Path) -> std::io::Result<()> {
    File::open(directory)?.sync_all()
}

/// Directories cannot be opened as files on this platform; renames there are flushed by
/// the file system itself.
#[cfg(not(unix))]
fn sync_directory(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    use super::StagedFile;

    /// The process's umask, from /proc (reading it any other way sets it).
    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
    }

    fn write(path: &std::path::Path) {
        let mut staged = StagedFile::new(path).unwrap();
        writeln!(staged.file(), "x").unwrap();
        staged.commit().unwrap();
    }

    #[test]
    fn a_new_file_has_the_umasks_mode_and_a_replaced_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.csv");
        write(&new);
        let mode = |path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&new), 0o666 & !umask());
        let old = dir.path().join("old.csv");
        std::fs::write(&old, "y").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&old);
        assert_eq!(mode(&old), 0o640);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "x\n");
    }
}
