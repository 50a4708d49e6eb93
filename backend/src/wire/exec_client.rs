//! The `socklab exec` side: asks the server for a host's namespaces, joins them and becomes the
//! program (see [`super::exec`] for the server's side and why).
//!
//! Runs before anything starts a thread: joining a user namespace needs a single-threaded
//! process.

use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;

use nix::sched::{CloneFlags, setns};

/// The argument that makes `socklab` run as `socklab exec`.
pub const EXEC_ARG: &str = "exec";

const USAGE: &str = "usage: socklab exec --control PATH --session KEY --host a|b -- PROGRAM [ARGS...]\n\
(the lab page's wire panel shows this command, with the path and key of your session)";

/// What `socklab exec` was asked to do.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    control: String,
    session: String,
    host: String,
    program: Vec<String>,
}

fn parse(args: &[String]) -> Result<Request, String> {
    let (options, program) = match args.iter().position(|a| a == "--") {
        Some(at) => (&args[..at], args[at + 1..].to_vec()),
        None => return Err("missing `--` before the program to run".into()),
    };
    let value = |name: &str| -> Result<String, String> {
        let at = options
            .iter()
            .position(|a| a == name)
            .ok_or_else(|| format!("missing {name}"))?;
        options
            .get(at + 1)
            .cloned()
            .ok_or_else(|| format!("{name} needs a value"))
    };
    let request = Request {
        control: value("--control")?,
        session: value("--session")?,
        host: value("--host")?,
        program,
    };
    if request.program.is_empty() {
        return Err("no program after `--`".into());
    }
    Ok(request)
}

/// `socklab exec ...` with the arguments after `exec`; returns an exit code only on failure
/// (on success the process has become the program).
pub fn run(args: &[String]) -> i32 {
    let request = match parse(args) {
        Ok(r) => r,
        Err(why) => {
            eprintln!("socklab exec: {why}\n{USAGE}");
            return 2;
        }
    };
    match join(&request) {
        Ok(()) => {
            let e = std::process::Command::new(&request.program[0])
                .args(&request.program[1..])
                .exec();
            eprintln!("socklab exec: cannot run {}: {e}", request.program[0]);
            127
        }
        Err(why) => {
            eprintln!("socklab exec: {why}");
            1
        }
    }
}

/// Asks the server for the namespaces and joins them.
fn join(request: &Request) -> Result<(), String> {
    let mut stream = UnixStream::connect(&request.control).map_err(|e| {
        format!(
            "cannot reach the lab at {}: {e} (is socklab running, as this user?)",
            request.control
        )
    })?;
    writeln!(stream, "{} {}", request.session, request.host)
        .map_err(|e| format!("asking the lab: {e}"))?;
    let (reply, fds) = receive(&stream).map_err(|e| format!("reading the lab's answer: {e}"))?;
    if let Some(why) = reply.strip_prefix("error: ") {
        return Err(why.trim().to_string());
    }
    if !reply.starts_with("ok") || fds.is_empty() {
        return Err(format!("unexpected answer from the lab: {reply:?}"));
    }
    // The user namespace (when there is one) comes first, then the host's network namespace.
    let (user, net) = fds.split_at(fds.len() - 1);
    if let Some(user) = user.first() {
        setns(user, CloneFlags::CLONE_NEWUSER)
            .map_err(|e| format!("joining the lab's user namespace: {e}"))?;
    }
    setns(&net[0], CloneFlags::CLONE_NEWNET)
        .map_err(|e| format!("joining host {}'s network: {e}", request.host))?;
    Ok(())
}

fn receive(stream: &UnixStream) -> std::io::Result<(String, Vec<OwnedFd>)> {
    let mut buf = [0u8; 1024];
    let (len, fds) = super::scm::recv(stream.as_fd(), &mut buf)?;
    Ok((String::from_utf8_lossy(&buf[..len]).into_owned(), fds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_the_command_the_page_shows() {
        let r = parse(&args(
            "--control /tmp/x/exec.sock --session ab12 --host a -- python3 client.py",
        ))
        .unwrap();
        assert_eq!(r.control, "/tmp/x/exec.sock");
        assert_eq!((r.session.as_str(), r.host.as_str()), ("ab12", "a"));
        assert_eq!(r.program, args("python3 client.py"));
    }

    #[test]
    fn says_what_is_missing() {
        assert!(
            parse(&args("--session k --host a -- x"))
                .unwrap_err()
                .contains("--control")
        );
        assert!(
            parse(&args("--control c --session k --host a"))
                .unwrap_err()
                .contains("--")
        );
        assert!(
            parse(&args("--control c --session k --host a --"))
                .unwrap_err()
                .contains("program")
        );
    }
}
