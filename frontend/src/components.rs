//! The lab's components, one concern each.
//!
//! - [`auto_controls`]: auto-recv/echo switches and bulk sends on a connection.
//! - [`lesson_player`]: choose a lesson, step through it, narration in two languages.
//! - [`workbench`]: the "new socket" buttons and the cards of every socket.
//! - [`socket_card`]: one socket: address, state, the actions that fit it.
//! - [`stream_actions`]: send/recv controls and the latest result.
//! - [`buffer_strip`]: bytes as coloured cells (hex + characters), one colour per send.
//! - [`compare`]: the "TCP vs UDP" button and the side-by-side panel of its results.
//! - [`decoder_view`]: the receiver's decoder: whole messages and the frame still arriving.
//! - [`chat_view`]: decoded chat messages, one colour per user, with a legend.
//! - [`file_transfer`]: send a file (chosen or generated) with the course's md5-checked upload.
//! - [`past_banner`]: the bar that says the page shows the past, and the way back.
//! - [`timeline`]: the session as a sequence diagram, with step / play controls.
//! - [`python_panel`]: the session as the course's Python code, ready to copy and run.
//! - [`cable_view`]: the wire: the packets between hosts A and B as a sequence diagram.
//! - [`link_panel`]: the wire's link settings, holding and stepping, drop next, the pcap.
//! - [`recording`]: download the session as a recording, open one and play it, read-only.

pub mod auto_controls;
pub mod buffer_strip;
pub mod cable_view;
pub mod chat_view;
pub mod compare;
pub mod decoder_view;
pub mod file_transfer;
pub mod lesson_player;
pub mod link_panel;
pub mod past_banner;
pub mod python_panel;
pub mod recording;
pub mod socket_card;
pub mod stream_actions;
pub mod timeline;
pub mod workbench;
