//! A student's own Python program, one of the scripts in `tests/python/`, run with `python3`
//! while a test drives the lab. The scripts use only Python's standard library, print one
//! line per step (so a test waits for each step instead of sleeping) and "FAIL <reason>" when
//! something goes wrong.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use super::EVENT_TIMEOUT;

/// A running script whose stdout is read line by line.
pub struct PythonScript {
    name: &'static str,
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl PythonScript {
    /// Starts `tests/python/<name>` with `args`, unbuffered and without writing `__pycache__`
    /// into the source tree (the scripts import their shared `lab_client.py`).
    pub fn start(name: &'static str, args: &[impl AsRef<OsStr>]) -> Self {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/python")
            .join(name);
        let mut child = Command::new("python3")
            .args(["-u", "-B"])
            .arg(&path)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", path.display()));
        let stdout = child.stdout.take().unwrap();
        PythonScript {
            name,
            child,
            lines: BufReader::new(stdout).lines(),
        }
    }

    /// The script's next line; fails the test on a timeout, an early exit or a FAIL line.
    pub async fn line(&mut self) -> String {
        let line = tokio::time::timeout(EVENT_TIMEOUT, self.lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{} printed nothing in time", self.name))
            .unwrap()
            .unwrap_or_else(|| panic!("{} ended its output early", self.name));
        assert!(!line.starts_with("FAIL"), "{}: {line}", self.name);
        line
    }

    /// Waits for the script to exit and checks that it succeeded.
    pub async fn finished(mut self) {
        let status = tokio::time::timeout(EVENT_TIMEOUT, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("{} did not exit in time", self.name))
            .unwrap();
        assert!(status.success(), "{} exited with {status}", self.name);
    }
}
