//! Python literals (`repr` of bytes, data, seconds) and socket names as identifiers.

use socklab_shared::script::Named;

use super::*;
use crate::literal::{py_data, seconds};
use crate::names::identifier;

#[test]
fn python_bytes_literals_match_repr() {
    assert_eq!(py_bytes(b"hello"), "b'hello'");
    assert_eq!(py_bytes(b"\x05\x00\x00\x00"), "b'\\x05\\x00\\x00\\x00'");
    assert_eq!(py_bytes(b"it's"), "b\"it's\"");
    assert_eq!(py_bytes(b"'\""), "b'\\'\"'");
    assert_eq!(
        py_bytes(b"a\\b\r\n\t\x7f\xff"),
        "b'a\\\\b\\r\\n\\t\\x7f\\xff'"
    );
    assert_eq!(py_data("你好".as_bytes()), "'你好'.encode('utf-8')");
    assert_eq!(
        py_data(&[0xc4, 0xe3, 0xba, 0xc3]),
        "b'\\xc4\\xe3\\xba\\xc3'"
    );
    assert_eq!(py_data(&[b'x'; 100]), "b'x' * 100");
    assert_eq!(py_data(&b"ab".repeat(50)[..99]), "(b'ab' * 50)[:99]");
    assert_eq!(seconds(2000), "2.0");
    assert_eq!(seconds(1250), "1.25");
    assert_eq!(seconds(5), "0.005");
}

#[test]
fn names_become_python_identifiers() {
    assert_eq!(identifier("conn_alice"), "conn_alice");
    assert_eq!(identifier("my server"), "my_server");
    assert_eq!(identifier("2nd"), "s_2nd");
    assert_eq!(identifier("data"), "data_sock");
    assert_eq!(identifier("sock"), "sock_sock");
    assert_eq!(identifier("socks"), "socks");
    let named = HashMap::from([(
        "srv".to_owned(),
        Named {
            socket: id(4),
            port: 1,
        },
    )]);
    assert_eq!(
        socket_names(&named),
        HashMap::from([(id(4), "srv".to_owned())])
    );
}

#[test]
fn two_live_sockets_never_share_a_variable() {
    let mut h = H::default();
    h.step(1, listener(1, 40001)).step(2, listener(2, 40002));
    let names = HashMap::from([(id(1), "server".to_owned()), (id(2), "server".to_owned())]);
    let text = python_program(&h.envs, &names);
    assert!(text.contains("server_2 = socket.socket("), "{text}");
}
