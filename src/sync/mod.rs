//! Sync with the district hub: the wire protocol shared by the device and the hub
//! ([`protocol`]), and the device's side of it ([`client`]): enrolment, pulling the signed roll
//! and the district's amendments, pushing the event log in batches, keeping every receipt.
//!
//! The core has no HTTP server: the hub (`district/`) depends on this module for the shapes and
//! the signing rules, never the other way round.

pub mod client;
pub mod protocol;

pub use client::{SyncError, SyncReport, SyncStatus};
