//! The pcap of a session's packets, read back by `tshark`; a closed port's RST; sessions
//! that can't see each other's packets.

use serde_json::json;
use socklab_shared::protocol::wire::PacketInfo;
use socklab_shared::protocol::{ErrorCode, Event};

use super::{packets, packets_until, tcp, wire_pair, wire_server, wire_session};
use crate::support::b64;

/// The TCP flags byte Wireshark's `tcp.flags` shows for a packet event.
fn flags_byte(p: &PacketInfo) -> u16 {
    let f = &tcp(p).flags;
    u16::from(f.fin)
        | u16::from(f.syn) << 1
        | u16::from(f.rst) << 2
        | u16::from(f.psh) << 3
        | u16::from(f.ack) << 4
}

#[tokio::test]
async fn the_pcap_matches_the_events_under_tshark() {
    if std::process::Command::new("tshark")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("\n*** SKIPPED pcap: tshark is not installed (scripts/test installs it)\n");
        return;
    }
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "pcap").await else {
        return;
    };
    let (client, _srv) = wire_pair(&mut ws, 9020).await;
    ws.ok(json!({"cmd": "send", "socket": client, "data": b64("hello wire")}))
        .await;
    // Segments longer than the capture's 512 bytes per packet: kept cut, with their length.
    ws.ok(json!({"cmd": "send_all", "socket": client, "data": b64(vec![7u8; 3000])}))
        .await;
    packets_until(&mut ws, |ps| {
        ps.iter().map(|p| tcp(p).payload_len).sum::<u32>() >= 3010
    })
    .await;
    let pcap = ws.ok(json!({"cmd": "wire_pcap"})).await;
    let Event::Pcap { data, packets, .. } = pcap else {
        panic!("{pcap:?}")
    };
    // Every packet in the file has had its event (ACKs may still be on their way).
    let seen = packets_until(&mut ws, |ps| ps.len() as u64 >= packets).await;
    let seen = &seen[..packets as usize];
    assert!(seen.iter().enumerate().all(|(i, p)| p.no == i as u64 + 1));
    let dir = tempdir();
    let file = dir.join("session.pcap");
    std::fs::write(&file, &data.0).unwrap();
    let out = std::process::Command::new("tshark")
        .args(["-r"])
        .arg(&file)
        .args([
            "-T",
            "fields",
            "-e",
            "ip.len",
            "-e",
            "tcp.flags",
            "-e",
            "tcp.len",
        ])
        .output()
        .expect("tshark runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Vec<String>> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows.len(),
        seen.len(),
        "tshark counts the packets the page saw"
    );
    for (row, p) in rows.iter().zip(seen) {
        assert_eq!(row[0], p.ip.len.to_string(), "IP length of packet {}", p.no);
        let flags = u16::from_str_radix(row[1].trim_start_matches("0x"), 16).unwrap();
        assert_eq!(flags & 0x1f, flags_byte(p), "flags of packet {}", p.no);
        assert_eq!(
            row[2],
            tcp(p).payload_len.to_string(),
            "payload of packet {}",
            p.no
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("socklab-pcap-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_closed_port_answers_rst_and_sessions_do_not_see_each_other() {
    let server = wire_server().await;
    let Some(mut one) = wire_session(&server, "isolation").await else {
        return;
    };
    let Some(mut two) = wire_session(&server, "isolation").await else {
        return;
    };
    // Session one listens on its host b; session two's host b is another machine entirely.
    one.ok(json!({"cmd": "tcp_listen", "on": "b", "port": 9030}))
        .await;
    let (code, message, errno) = two
        .err(json!({"cmd": "connect", "on": "a", "host": "b", "port": 9030}))
        .await;
    assert_eq!(code, ErrorCode::Os, "{message}");
    assert_eq!(errno.as_deref(), Some("ECONNREFUSED"));
    let seen = packets(&mut two, 2).await;
    assert_eq!(tcp(&seen[0]).flags.label(), "SYN");
    assert!(
        tcp(&seen[1]).flags.rst,
        "host b answers a closed port with RST"
    );
    // Nothing crossed session one's cable.
    let state = one.ok(json!({"cmd": "wire_status"})).await;
    let Event::WireState { wire } = state else {
        panic!("{state:?}")
    };
    assert_eq!(
        wire.packets, 0,
        "session one saw none of session two's packets"
    );
    assert!(
        !one.unsolicited
            .iter()
            .any(|e| matches!(e, Event::Packet { .. }))
    );
}
