//! The session's private folder for Unix-domain socket files.
//!
//! A Unix socket is addressed by a file path, and `connect()` to a path reaches whatever
//! listens there: `/var/run/docker.sock` would hand the page control of the machine's
//! containers. So the lab never takes a path from the page. A command names a plain file
//! (`server.sock`), and the real path is always inside this session's own folder,
//! `$TMPDIR/socklab-<pid>-<random>`, which
//!
//! - is created only when the first Unix socket needs it, with mode 0700 (only the user
//!   running socklab can enter it, so other users can neither connect nor plant files);
//! - has an unguessable name and is created with `mkdir`, which fails if anything (a file,
//!   a symlink) already has that name, so the lab never works in a folder it did not make;
//! - is removed, with every socket file in it, when the session ends.
//!
//! It also remembers, per listening path, the lab clients whose connections wait in that
//! listener's accept queue ([`UnixDir::queue`]), to link accepted connections to them.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use socklab_shared::protocol::SocketId;

use super::lab_socket::{LabAddr, SharedBook};
use super::step_error::{StepError, StepResult};

/// Longest file name accepted. A Unix socket path must fit `sun_path` (108 bytes with its
/// final NUL on Linux), and the folder takes some of that.
pub const MAX_NAME_LEN: usize = 64;

/// A temp folder longer than this is not used: the socket paths inside it could overflow
/// `sun_path`. `/tmp` is used instead.
const MAX_BASE_LEN: usize = 108 - 1 - MAX_NAME_LEN - "/socklab-4294967295-0123456789abcdef/".len();

/// The lab client connections queued on a listening path, oldest first: (client, its book).
type Queue = VecDeque<(SocketId, SharedBook)>;

/// The session's socket folder (made on first use) and the lab clients queued per path.
#[derive(Default)]
pub struct UnixDir {
    dir: Option<PathBuf>,
    queued: HashMap<PathBuf, Queue>,
}

impl UnixDir {
    /// The real path for the file name `name`, creating the folder if needed. Refuses any
    /// name that is not a plain file name.
    pub fn path_for(&mut self, name: &str) -> StepResult<PathBuf> {
        check_name(name)?;
        if self.dir.is_none() {
            let dir = create_private_dir().map_err(|e| {
                StepError::os("mkdir(session folder)", &e)
                    .hint("the lab could not create its private folder for Unix socket files")
            })?;
            tracing::debug!(dir = %dir.display(), "Unix socket folder created");
            self.dir = Some(dir);
        }
        let dir = self.dir.as_deref().unwrap_or(Path::new("/nonexistent"));
        Ok(dir.join(name))
    }

    /// The folder, if it was made.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The lab clients queued on the listener bound to `path`.
    pub fn queue(&mut self, path: &Path) -> &mut Queue {
        self.queued.entry(path.to_path_buf()).or_default()
    }

    /// Forgets the connections queued on a listener that closed (the kernel dropped them).
    pub fn forget_queue(&mut self, listener: &LabAddr) {
        if let LabAddr::Path(p) = listener {
            self.queued.remove(p);
        }
    }

    /// Removes the folder and every socket file in it. The next Unix socket makes a new one.
    pub fn remove(&mut self) {
        self.queued.clear();
        if let Some(dir) = self.dir.take() {
            match std::fs::remove_dir_all(&dir) {
                Ok(()) => tracing::debug!(dir = %dir.display(), "Unix socket folder removed"),
                Err(e) => tracing::warn!(dir = %dir.display(), "cannot remove: {e}"),
            }
        }
    }
}

impl Drop for UnixDir {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Refuses anything but a plain file name: `[A-Za-z0-9._-]`, 1 to [`MAX_NAME_LEN`]
/// characters, not `.` or `..`. That rules out `/` (other folders), a leading NUL (Linux's
/// abstract namespace) and every character a shell or a path could read specially.
pub fn check_name(name: &str) -> StepResult<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let problem = if name.is_empty() {
        Some("is empty".to_owned())
    } else if name.len() > MAX_NAME_LEN {
        Some(format!("is longer than {MAX_NAME_LEN} characters"))
    } else if name == "." || name == ".." {
        Some("names a folder, not a file".to_owned())
    } else if name.contains('/') {
        Some("contains '/': it must be a file name, not a path".to_owned())
    } else if name.starts_with('\0') || name.starts_with('@') {
        Some("is in the abstract namespace, which the lab does not use".to_owned())
    } else {
        name.chars()
            .find(|c| !allowed(*c))
            .map(|c| format!("contains {c:?}"))
    };
    match problem {
        None => Ok(()),
        Some(why) => Err(StepError::refused(
            format!("the Unix socket name {name:?} {why}"),
            "give a plain file name such as server.sock (letters, digits, '.', '_' and '-', at \
             most 64): the lab keeps every Unix socket file in this session's own private \
             folder and reports the full path",
        )),
    }
}

/// Where session folders are made: `$TMPDIR`, or `/tmp` when that is too long.
fn base_dir() -> PathBuf {
    let tmp = std::env::temp_dir();
    if tmp.is_absolute() && tmp.as_os_str().len() <= MAX_BASE_LEN {
        tmp
    } else {
        PathBuf::from("/tmp")
    }
}

/// Removes the session folders of socklab processes that are gone (killed with SIGKILL, so
/// they never cleaned up): `socklab-<pid>-<16 hex digits>` folders, owned by this user, whose
/// process no longer exists. Returns how many were removed. Called once at start.
pub fn remove_stale_folders() -> usize {
    remove_stale_in(&base_dir())
}

fn remove_stale_in(base: &Path) -> usize {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(base) else {
        return 0;
    };
    // SAFETY: getuid() has no preconditions and cannot fail.
    let me = unsafe { libc::getuid() };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(stale_pid) else {
            continue;
        };
        let path = entry.path();
        // Not followed if it is a link: only real folders of ours are touched.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() || meta.uid() != me || process_alive(pid) {
            continue;
        }
        match std::fs::remove_dir_all(&path) {
            Ok(()) => removed += 1,
            Err(e) => {
                tracing::warn!(dir = %path.display(), "cannot remove a stale session folder: {e}")
            }
        }
    }
    if removed > 0 {
        tracing::info!(
            removed,
            "removed session folders left by socklab processes that died"
        );
    }
    removed
}

/// How many session folders of this process exist now (for `/api/stats`).
pub fn folders_of_this_process() -> usize {
    let me = std::process::id();
    std::fs::read_dir(base_dir()).map_or(0, |entries| {
        entries
            .flatten()
            .filter(|e| e.file_name().to_str().and_then(stale_pid) == Some(me))
            .count()
    })
}

/// The pid in a session folder's name `socklab-<pid>-<16 hex>`, if it is one.
fn stale_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("socklab-")?;
    let (pid, random) = rest.split_once('-')?;
    let hex = random.len() == 16 && random.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether process `pid` exists (this process counts as alive).
fn process_alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
}

/// Makes `$TMPDIR/socklab-<pid>-<random>` with mode 0700; a new random name if taken.
pub fn create_private_dir() -> io::Result<PathBuf> {
    let base = base_dir();
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..8 {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| io::Error::other(e.to_string()))?;
        let name = format!(
            "socklab-{}-{:016x}",
            std::process::id(),
            u64::from_le_bytes(random)
        );
        let dir = base.join(name);
        // `mkdir` fails on any existing entry, a symlink included: the folder is ours.
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn only_plain_file_names_pass() {
        for good in ["server.sock", "a", "x-1_2.s", &"n".repeat(MAX_NAME_LEN)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        let long = "n".repeat(MAX_NAME_LEN + 1);
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "/etc/passwd",
            "a/b",
            "\0abstract",
            "@abstract",
            "sp ace",
            "star*",
            "é",
            &long,
        ] {
            let e = check_name(bad).expect_err(bad);
            assert_eq!(e.code, socklab_shared::protocol::ErrorCode::Refused);
            assert!(e.hint.is_some());
        }
    }

    #[test]
    fn folders_of_dead_processes_are_removed_others_kept() {
        let base = std::env::temp_dir().join(format!("socklab-stale-test-{}", std::process::id()));
        std::fs::create_dir_all(&base).unwrap();
        // No process can have a pid above pid_max.
        let pid_max: u64 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let dead = base.join(format!("socklab-{}-0123456789abcdef", pid_max + 1));
        let alive = base.join(format!("socklab-{}-0123456789abcdef", std::process::id()));
        let other = base.join("socklab-notes");
        for d in [&dead, &alive, &other] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(dead.join("server.sock"), b"x").unwrap();
        assert_eq!(remove_stale_in(&base), 1);
        assert!(!dead.exists() && alive.exists() && other.exists());
        std::fs::remove_dir_all(&base).unwrap();
        assert_eq!(stale_pid("socklab-12-0123456789abcdef"), Some(12));
        assert_eq!(stale_pid("socklab-12-0123"), None);
        assert_eq!(stale_pid("socklab--0123456789abcdef"), None);
    }

    #[test]
    fn folder_is_private_and_removed() {
        let mut d = UnixDir::default();
        assert!(d.dir().is_none(), "made lazily");
        let path = d.path_for("server.sock").unwrap();
        let dir = d.dir().unwrap().to_path_buf();
        assert_eq!(path.parent(), Some(dir.as_path()));
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(path.as_os_str().len() < 108);
        std::fs::write(&path, b"x").unwrap();
        drop(d);
        assert!(!dir.exists());
    }
}
