//! parse: each fixture packet, malformed input, fragments and ICMP labels.

use std::net::{IpAddr, Ipv4Addr};

use super::*;
use crate::fixtures::*;

fn a() -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(198, 18, 0, 1))
}

fn b() -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(198, 18, 0, 2))
}

fn tcp(p: &Parsed) -> &RawTcp {
    match &p.l4 {
        L4::Tcp(t) => t,
        other => panic!("not TCP: {other:?}"),
    }
}

#[test]
fn syn_with_every_option() {
    let p = parse(SYN).unwrap();
    assert_eq!(p.ip.version, 4);
    assert_eq!(p.ip.len, 60);
    assert_eq!(p.ip.ttl, 64);
    assert!(p.ip.df);
    assert_eq!(
        (p.ip.src.as_str(), p.ip.dst.as_str()),
        ("198.18.0.1", "198.18.0.2")
    );
    assert_eq!((p.src, p.dst), (a(), b()));
    let t = tcp(&p);
    assert_eq!((t.src_port, t.dst_port), (40000, 9000));
    assert_eq!(t.seq, 0xffff_fff0);
    assert_eq!(t.flags.label(), "SYN");
    assert_eq!(t.window, 64240);
    assert_eq!(
        t.options,
        RawTcpOptions {
            mss: Some(1460),
            window_scale: Some(7),
            sack_permitted: true,
            sack: vec![],
            timestamps: Some((100, 0)),
        }
    );
    assert_eq!((t.payload_len, t.payload_offset), (0, 60));
}

#[test]
fn syn_ack_and_data() {
    let p = parse(SYN_ACK).unwrap();
    let t = tcp(&p);
    assert_eq!(t.flags.label(), "SYN, ACK");
    assert_eq!((t.seq, t.ack), (5000, 0xffff_fff1));
    assert_eq!(t.options.timestamps, Some((200, 100)));
    assert_eq!((p.src, p.dst), (b(), a()));

    let p = parse(DATA).unwrap();
    let t = tcp(&p);
    assert_eq!(t.flags.label(), "PSH, ACK");
    assert_eq!((t.seq, t.ack, t.window), (0xffff_fff1, 5001, 502));
    assert_eq!(t.payload_len, 5);
    assert_eq!(&DATA[t.payload_offset..][..5], b"hello");
    assert_eq!(t.options.mss, None);
}

#[test]
fn udp_payload_offset() {
    let p = parse(UDP).unwrap();
    let L4::Udp {
        src_port,
        dst_port,
        payload_len,
        payload_offset,
    } = p.l4
    else {
        panic!("not UDP: {:?}", p.l4)
    };
    assert_eq!((src_port, dst_port, payload_len), (5353, 7000, 6));
    assert_eq!(&UDP[payload_offset..][..payload_len as usize], b"ping!!");
}

#[test]
fn icmp_port_unreachable() {
    let p = parse(ICMP_PORT_UNREACHABLE).unwrap();
    assert_eq!((p.ip.len, p.ip.src.as_str()), (56, "198.18.0.2"));
    assert_eq!(
        p.l4,
        L4::Icmp {
            icmp_type: 3,
            code: 3,
            label: "port unreachable".into()
        }
    );
}

#[test]
fn ipv6_tcp_with_sack() {
    let p = parse(TCP6).unwrap();
    assert_eq!(p.ip.version, 6);
    assert_eq!(p.ip.len, TCP6.len() as u32);
    assert_eq!(p.ip.ttl, 64);
    assert!(p.ip.df);
    assert_eq!(p.ip.src, "2001:db8::1");
    let t = tcp(&p);
    assert_eq!((t.src_port, t.seq, t.ack, t.window), (40001, 77, 88, 1000));
    assert_eq!(t.options.sack, vec![(10, 20), (30, 40)]);
    assert_eq!(&TCP6[t.payload_offset..], b"abc");
}

#[test]
fn trailing_padding_is_not_payload() {
    let mut padded = UDP.to_vec();
    padded.extend_from_slice(&[0; 10]);
    let p = parse(&padded).unwrap();
    assert!(matches!(p.l4, L4::Udp { payload_len: 6, .. }));
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for bad in [
        &[][..],
        &[0x45][..],
        &SYN[..30],
        &[0x70; 40][..],
        &TCP6[..50],
    ] {
        assert!(matches!(parse(bad), Err(Error::Malformed(_))), "{bad:?}");
    }
    // Every prefix of every fixture either parses or is an error.
    for f in [SYN, SYN_ACK, DATA, UDP, ICMP_PORT_UNREACHABLE, TCP6] {
        for n in 0..f.len() {
            let _ = parse(&f[..n]);
        }
    }
}

#[test]
fn fragments_are_other() {
    // The UDP datagram as a first fragment (more fragments set, DF cleared).
    let mut frag = UDP.to_vec();
    frag[6] = 0x20;
    frag[7] = 0x00;
    let p = parse(&frag).unwrap();
    assert_eq!(p.l4, L4::Other { protocol: 17 });
}

#[test]
fn icmp_labels() {
    assert_eq!(icmp_label(4, 8, 0), "echo request");
    assert_eq!(icmp_label(4, 0, 0), "echo reply");
    assert_eq!(icmp_label(4, 3, 1), "host unreachable");
    assert_eq!(icmp_label(4, 3, 4), "fragmentation needed");
    assert_eq!(icmp_label(4, 11, 0), "time exceeded");
    assert_eq!(icmp_label(6, 128, 0), "echo request");
    assert_eq!(icmp_label(6, 1, 4), "port unreachable");
    assert_eq!(icmp_label(6, 2, 0), "packet too big");
    assert_eq!(icmp_label(4, 42, 7), "type 42 code 7");
}

#[test]
fn icmpv6_echo_request() {
    let p = parse(ICMP6_ECHO).unwrap();
    assert_eq!((p.ip.version, p.ip.len), (6, 50));
    assert_eq!(
        p.l4,
        L4::Icmp {
            icmp_type: 128,
            code: 0,
            label: "echo request".into()
        }
    );
}

#[test]
fn mutated_packets_never_panic() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let fixtures = [
        SYN,
        SYN_ACK,
        DATA,
        UDP,
        ICMP_PORT_UNREACHABLE,
        TCP6,
        ICMP6_ECHO,
    ];
    for _ in 0..20_000 {
        let mut p = fixtures[rng.random_range(0..fixtures.len())].to_vec();
        for _ in 0..rng.random_range(1..4) {
            let i = rng.random_range(0..p.len());
            p[i] = rng.random();
        }
        let Ok(parsed) = parse(&p) else { continue };
        if let L4::Tcp(RawTcp {
            payload_offset,
            payload_len,
            ..
        })
        | L4::Udp {
            payload_offset,
            payload_len,
            ..
        } = parsed.l4
        {
            assert!(payload_offset + payload_len as usize <= p.len());
        }
    }
}
