//! The socket engine.
pub mod provenance;
pub mod sys;
