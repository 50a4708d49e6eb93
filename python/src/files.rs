//! File uploads (experiment 13): the sender's chunk loop and the receiver's verdict.
//!
//! The page uploads a file as one length-prefixed `sendall` of the JSON header (written like
//! any other length-prefixed send) and then one `send_file_chunk` command per chunk. Course
//! code sends those chunks with ONE loop over the file, so the first chunk is written as that
//! loop and the later ones as nothing: they are the same loop's later rounds. The chunks are
//! never threads (see [`forget_chunk_threads`]): a thread per 1 MiB literal would be neither
//! the course's code nor readable.
//!
//! On the receiving side of an upload the buffers hold, the lab's auto-recv already wrote each
//! recv (or a summary loop), so the verdict is a comment: the course's receive loop with its
//! md5 check, once per socket, and then one line per file saying whether the md5 matched. The
//! reply that follows is an ordinary automatic send (`json.dumps({...}).encode()`). A bigger
//! upload's receiving side is that loop for real, in a thread (see `upload_thread`): its
//! verdict is the line after the thread's join.

use socklab_shared::protocol::{Command, EchoMode, Envelope, Event, SentCommands, SocketId};

use crate::errors::{Failure, exception};
use crate::generator::Gen;
use crate::knowledge::Knowledge;
use crate::literal::py_str;
use crate::program::Imports;
use crate::sample_file::{PYTHON_MAKER, is_generated};

/// The course's chunk size, used when one chunk was the whole file.
const DEFAULT_CHUNK: u64 = socklab_shared::upload::CHUNK_SIZE;

/// The file details of a `send_file_chunk` command.
struct Chunk<'c> {
    name: &'c str,
    data: &'c [u8],
    offset: u64,
    total: u64,
}

fn chunk_of(command: Option<&Command>) -> Option<Chunk<'_>> {
    match command? {
        Command::SendFileChunk {
            data,
            name,
            offset,
            total,
            ..
        } => Some(Chunk {
            name,
            data: data.as_bytes(),
            offset: *offset,
            total: *total,
        }),
        _ => None,
    }
}

/// Drops the threads [`Knowledge`] planned for file chunks (big sends to an auto-receiving
/// socket): the chunks are written as one loop instead.
pub(crate) fn forget_chunk_threads(
    know: &mut Knowledge,
    history: &[Envelope],
    commands: &SentCommands,
) {
    know.concurrent.retain(|&i, _| {
        let command = history[i].req.and_then(|r| commands.get(&r));
        chunk_of(command).is_none()
    });
}

impl<'a> Gen<'a> {
    /// Event `i` (a `sent`) as part of a file upload: the chunk loop for the first chunk,
    /// nothing for later ones. False when `i` is not a file chunk.
    pub(crate) fn file_chunk(&mut self, i: usize, socket: SocketId) -> bool {
        let Some(chunk) = chunk_of(self.command(i)) else {
            return false;
        };
        let var = self.var(socket);
        let failure = self.take_error(i);
        let mut lines = Vec::new();
        let mut imports = Imports::default();
        // Only the first chunk is checked: it is the one this writes the loop for.
        if chunk.offset == 0 && is_generated(chunk.data, 0) {
            // The page made the file up: the program makes the same bytes, so it runs as it is.
            if !self.sample_maker {
                self.sample_maker = true;
                lines.extend(PYTHON_MAKER.lines().map(str::to_owned));
                lines.push(String::new());
            }
            lines.push(format!(
                "make_sample_file({}, {})  # the bytes the page generated",
                py_str(chunk.name),
                chunk.total
            ));
            imports.struct_ = true;
        }
        if chunk.offset == 0 {
            let len = chunk.data.len() as u64;
            let size = if len < chunk.total {
                len
            } else {
                DEFAULT_CHUNK
            };
            let chunks = chunk.total.div_ceil(size.max(1));
            lines.extend([
                format!(
                    "# {}: {} bytes, sent in {chunks} chunk{} of up to {size} bytes",
                    py_str(chunk.name),
                    chunk.total,
                    if chunks == 1 { "" } else { "s" },
                ),
                format!("with open({}, 'rb') as f:", py_str(chunk.name)),
                "    while True:".to_owned(),
                format!("        chunk = f.read({size})"),
                "        if not chunk:".to_owned(),
                "            break".to_owned(),
                format!("        {var}.sendall(chunk)"),
            ]);
        }
        if let Some(f) = failure {
            lines.push(chunk_failed(&chunk, &f));
        }
        self.push_with(i, Some(socket), lines, imports);
        true
    }

    /// A whole file read by the lab's file receiver: the course's receive loop (once per
    /// socket) and the verdict, as comments (the recvs themselves are written already).
    pub(crate) fn file_received(&mut self, i: usize, socket: SocketId) {
        let Event::FileReceived {
            filename,
            size,
            md5_expected,
            md5_actual,
            ok,
            ..
        } = &self.history[i].event
        else {
            return;
        };
        let var = self.var(socket);
        let mut lines = Vec::new();
        // A threaded upload's receiving side is `receive_file`, written out already.
        let threaded = self.uploads.verdicts.contains(&i);
        if !threaded && self.files_explained.insert(socket) {
            let bufsize = match self.auto.get(&socket).map(|a| a.bufsize) {
                None | Some(0) => 1024,
                Some(n) => n,
            };
            lines.push(format!(
                "# {var}: the lab's file receiver reads each upload as a course server does:"
            ));
            lines.extend(
                [
                    format!("header_len = struct.unpack('i', {var}.recv(4))[0]"),
                    format!("header = json.loads({var}.recv(header_len).decode('utf-8'))"),
                    "md5 = hashlib.md5()".to_owned(),
                    "got = 0".to_owned(),
                    "while got < header['size']:".to_owned(),
                    format!("    data = {var}.recv(min({bufsize}, header['size'] - got))"),
                    "    md5.update(data)".to_owned(),
                    "    got += len(data)".to_owned(),
                    "ok = md5.hexdigest() == header['md5']".to_owned(),
                    format!(
                        "{var}.sendall(json.dumps({{'ok': ok, 'filename': header['filename'], \
                         'size': got, 'md5': md5.hexdigest()}}).encode())"
                    ),
                ]
                .map(|l| format!("#     {l}")),
            );
        }
        lines.push(if *ok {
            format!(
                "# {}: {size} bytes, md5 {md5_actual} matches the header: ok = True",
                py_str(filename)
            )
        } else {
            format!(
                "# {}: {size} bytes, md5 {md5_actual} but the header said {}: ok = False",
                py_str(filename),
                py_str(md5_expected)
            )
        });
        self.push(i, Some(socket), lines);
    }

    /// The file receiver's own error (a malformed header, an upload cut short), when event
    /// `i` is one: a comment, not an exception of a call. False otherwise.
    pub(crate) fn file_error(&mut self, i: usize, socket: Option<SocketId>, message: &str) -> bool {
        let Some(socket) = socket else {
            return false;
        };
        let receiving = self.auto.get(&socket).map(|a| a.echo) == Some(EchoMode::FileReceiver);
        if self.history[i].req.is_some() || !receiving {
            return false;
        }
        let var = self.var(socket);
        let first = message.lines().next().unwrap_or_default();
        self.push(i, Some(socket), vec![format!("# {var}: {first}")]);
        true
    }
}

/// What a chunk's failed `sendall` raised, as a comment under the loop.
fn chunk_failed(chunk: &Chunk, f: &Failure) -> String {
    format!(
        "# (in the lab, sendall() of the chunk at offset {} raised {})",
        chunk.offset,
        exception(f).1
    )
}
