//! The lab's components, one concern each.
//!
//! - [`workbench`]: the "new socket" buttons and the cards of every socket.
//! - [`socket_card`]: one socket: address, state, the actions that fit it.
//! - [`stream_actions`]: send/recv controls and the latest result.
//! - [`buffer_strip`]: bytes as coloured cells (hex + characters), one colour per send.

pub mod buffer_strip;
pub mod socket_card;
pub mod stream_actions;
pub mod workbench;
