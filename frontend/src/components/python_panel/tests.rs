//! The lines the panel draws: the current step's marked, coloured by socket.

use super::*;

fn line(text: &str, event: Option<usize>, socket: Option<u32>) -> PyLine {
    PyLine {
        text: text.to_owned(),
        event,
        socket: socket.map(SocketId),
    }
}

#[test]
fn the_current_steps_lines_are_marked_in_their_sockets_colour() {
    let lines = [
        line("import socket", None, None),
        line("server = ...", Some(1), Some(4)),
        line("client = ...", Some(3), Some(7)),
        line("client.send(b'hi')", Some(5), Some(7)),
    ];
    let shown = shown_lines(&lines, &(5..7));
    assert_eq!(
        shown.iter().map(class_of).collect::<Vec<_>>(),
        ["py-line", "py-line", "py-line", "py-line py-now py-sock-1"]
    );
    assert_eq!(shown[1].colour, Some(0));
}
