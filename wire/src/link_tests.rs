//! link: each impairment with a fixed seed, the bounds, hold/step and repeatability.

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn link(settings: LinkSettings) -> Link<u32> {
    Link::new(settings, 42)
}

/// Every item due by `until`, with the time it was popped at, stepping 100 µs at a time.
fn drain(l: &mut Link<u32>, until: Duration) -> Vec<(Duration, u32)> {
    let mut out = vec![];
    let mut now = Duration::ZERO;
    while now <= until {
        while let Some(i) = l.pop_due(now) {
            out.push((now, i));
        }
        now += Duration::from_micros(100);
    }
    out
}

#[test]
fn default_settings_deliver_at_once() {
    let mut l = link(LinkSettings::default());
    for i in 0..10_000 {
        let now = Duration::from_micros(i);
        assert_eq!(l.offer(now, 1500, i as u32), Fate::Delivered);
        assert_eq!(l.pop_due(now), Some(i as u32));
        assert_eq!(l.pop_due(now), None);
    }
    assert_eq!((l.queued(), l.queued_bytes(), l.next_due()), (0, 0, None));
}

#[test]
fn loss_is_about_its_percentage_and_repeatable() {
    let settings = LinkSettings {
        loss_pct: 30.0,
        ..LinkSettings::default()
    };
    let run = |seed| {
        let mut l: Link<u32> = Link::new(settings.clone(), seed);
        (0..1000)
            .map(|i| l.offer(ms(i), 100, i as u32))
            .collect::<Vec<_>>()
    };
    let fates = run(7);
    let drops = fates
        .iter()
        .filter(|f| {
            **f == Fate::Dropped {
                reason: DropReason::Loss,
            }
        })
        .count();
    assert!((250..=350).contains(&drops), "{drops} drops");
    assert_eq!(fates, run(7), "same seed, same fates");
    assert_ne!(fates, run(8));

    let mut l: Link<u32> = Link::new(settings, 7);
    l.offer(ms(0), 100, 0);
    l.reseed(7);
    assert_eq!(
        l.offer(ms(0), 100, 0),
        fates[0],
        "reseed restarts the sequence"
    );
}

#[test]
fn duplicate_delivers_twice() {
    let mut l = link(LinkSettings {
        duplicate_pct: 100.0,
        ..LinkSettings::default()
    });
    assert_eq!(l.offer(ms(1), 10, 5), Fate::Duplicated);
    assert_eq!(l.queued(), 2);
    assert_eq!(l.pop_due(ms(1)), Some(5));
    assert_eq!(l.pop_due(ms(1)), Some(5));
    assert_eq!(l.pop_due(ms(1)), None);
}

#[test]
fn delay_and_jitter_keep_fifo() {
    let mut l = link(LinkSettings {
        delay_ms: 20,
        jitter_ms: 30,
        ..LinkSettings::default()
    });
    for i in 0..200 {
        match l.offer(ms(i), 100, i as u32) {
            Fate::Delayed { ms } => assert!((20..=50).contains(&ms), "{ms}"),
            other => panic!("{other:?}"),
        }
    }
    let got = drain(&mut l, ms(400));
    assert_eq!(
        got.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
        (0..200).collect::<Vec<_>>()
    );
    assert!(got[0].0 >= ms(20));
    assert_eq!(l.queued(), 0);
}

#[test]
fn reorder_parks_behind_the_next_packet() {
    let mut l = link(LinkSettings {
        reorder_pct: 100.0,
        ..LinkSettings::default()
    });
    assert_eq!(l.offer(ms(0), 10, 1), Fate::Delayed { ms: 50 });
    assert_eq!(l.pop_due(ms(0)), None);
    l.set(LinkSettings::default());
    assert_eq!(l.offer(ms(3), 10, 2), Fate::Delivered);
    assert_eq!(l.pop_due(ms(3)), Some(2));
    assert_eq!(l.pop_due(ms(3)), Some(1), "just after the next packet");

    // Alone, a parked packet leaves 50 ms after it would have been due.
    let mut l = link(LinkSettings {
        delay_ms: 10,
        reorder_pct: 100.0,
        ..LinkSettings::default()
    });
    assert_eq!(l.offer(ms(0), 10, 1), Fate::Delayed { ms: 60 });
    assert_eq!(l.next_due(), Some(ms(60)));
    assert_eq!(l.pop_due(ms(59)), None);
    assert_eq!(l.pop_due(ms(60)), Some(1));
}

#[test]
fn rate_limit_serializes_exactly() {
    // 8000 kbit/s: 1000 bytes take exactly 1 ms on the wire.
    let mut l = link(LinkSettings {
        rate_kbit: 8000,
        delay_ms: 5,
        ..LinkSettings::default()
    });
    for i in 0..5 {
        assert_eq!(
            l.offer(ms(0), 1000, i),
            Fate::Delayed {
                ms: 6 + u64::from(i)
            }
        );
    }
    for i in 0..5 {
        let due = ms(6 + u64::from(i));
        assert_eq!(l.next_due(), Some(due));
        assert_eq!(l.pop_due(due - Duration::from_nanos(1)), None);
        assert_eq!(l.pop_due(due), Some(i));
    }
    // An idle link starts serializing from now again.
    assert_eq!(l.offer(ms(100), 500, 9), Fate::Delayed { ms: 6 });
    assert_eq!(l.next_due(), Some(ms(105) + Duration::from_micros(500)));
}

#[test]
fn hold_step_and_release() {
    let mut l = link(LinkSettings::default());
    assert!(l.set_hold(true, ms(0)).is_empty());
    assert!(l.is_held());
    for i in 0..5 {
        assert_eq!(l.offer(ms(i), 100, i as u32), Fate::Held);
    }
    assert_eq!((l.waiting(), l.queued(), l.next_due()), (5, 0, None));
    assert_eq!(l.pop_due(ms(100)), None);
    assert_eq!(l.held_front(), Some(&0));

    let stepped = l.step(ms(10), 2);
    assert_eq!(stepped, vec![(0, Fate::Delivered), (1, Fate::Delivered)]);
    assert_eq!((l.waiting(), l.queued()), (3, 2));
    assert!(l.is_held());
    assert_eq!(l.pop_due(ms(10)), Some(0));
    assert_eq!(l.pop_due(ms(10)), Some(1));

    l.set(LinkSettings {
        delay_ms: 7,
        ..LinkSettings::default()
    });
    let released = l.set_hold(false, ms(20));
    assert_eq!(released.len(), 3);
    assert!(released.iter().all(|(_, f)| *f == Fate::Delayed { ms: 7 }));
    assert!(!l.is_held());
    assert_eq!(drain(&mut l, ms(30)).len(), 3);
    assert_eq!(l.offer(ms(40), 100, 9), Fate::Delayed { ms: 7 });
    assert_eq!(l.queued_bytes(), 100);
}

#[test]
fn drop_next_drops_exactly_the_next() {
    let mut l = link(LinkSettings::default());
    l.drop_next();
    l.drop_next();
    assert_eq!(l.drop_pending(), 2);
    for i in 0..2 {
        assert_eq!(
            l.offer(ms(0), 10, i),
            Fate::Dropped {
                reason: DropReason::DropNext
            }
        );
    }
    assert_eq!(l.offer(ms(0), 10, 3), Fate::Delivered);
    assert_eq!(l.drop_pending(), 0);
}

#[test]
fn queues_are_bounded_like_a_tail_drop() {
    let mut l = link(LinkSettings {
        delay_ms: 1000,
        ..LinkSettings::default()
    });
    for i in 0..MAX_QUEUED_PACKETS {
        assert_eq!(l.offer(ms(0), 10, i as u32), Fate::Delayed { ms: 1000 });
    }
    assert_eq!(
        l.offer(ms(0), 10, 0),
        Fate::Dropped {
            reason: DropReason::QueueFull
        }
    );
    assert_eq!(drain(&mut l, ms(1000)).len(), MAX_QUEUED_PACKETS);

    let mut l = link(LinkSettings::default());
    l.set_hold(true, ms(0));
    let len = 60_000;
    let fit = MAX_QUEUED_BYTES / len;
    for i in 0..fit {
        assert_eq!(l.offer(ms(0), len, i as u32), Fate::Held);
    }
    assert_eq!(
        l.offer(ms(0), len, 0),
        Fate::Dropped {
            reason: DropReason::QueueFull
        }
    );
    assert_eq!(
        l.offer(ms(0), 100, 0),
        Fate::Held,
        "a small packet still fits"
    );
    assert!(l.queued_bytes() <= MAX_QUEUED_BYTES);
}

#[test]
fn every_impairment_at_once_is_repeatable_and_loses_nothing_unaccounted() {
    let settings = LinkSettings {
        delay_ms: 5,
        jitter_ms: 5,
        loss_pct: 10.0,
        duplicate_pct: 5.0,
        reorder_pct: 5.0,
        rate_kbit: 100_000,
        ..LinkSettings::default()
    };
    let run = || {
        let mut l: Link<u32> = Link::new(settings.clone(), 99);
        let fates: Vec<Fate> = (0..500)
            .map(|i| l.offer(ms(i / 4), 1200, i as u32))
            .collect();
        (fates, drain(&mut l, ms(1000)))
    };
    let (fates, delivered) = run();
    assert_eq!((fates.clone(), delivered.clone()), run());
    let expected: usize = fates
        .iter()
        .map(|f| match f {
            Fate::Dropped { .. } => 0,
            Fate::Duplicated => 2,
            _ => 1,
        })
        .sum();
    assert_eq!(delivered.len(), expected);

    // Without reordering, nothing overtakes: items come out in the order offered.
    let mut l: Link<u32> = Link::new(
        LinkSettings {
            reorder_pct: 0.0,
            ..settings
        },
        5,
    );
    for i in 0..500 {
        l.offer(ms(i / 4), 1200, i as u32);
    }
    let order: Vec<u32> = drain(&mut l, ms(1000))
        .into_iter()
        .map(|(_, i)| i)
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]));
}
