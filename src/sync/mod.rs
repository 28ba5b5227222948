//! Sync with the district hub: the wire protocol shared by the device and the hub
//! ([`protocol`]), and the device's side of it ([`client`]): enrolment, pulling the signed roll
//! and the district's amendments, pushing the event log in batches, keeping every receipt.
//!
//! The core has no HTTP server: the hub (`district/`) depends on this module for the shapes and
//! the signing rules, never the other way round.

// The device's client (blocking HTTP) only in device builds: the hub needs the protocol alone.
#[cfg(feature = "device")]
pub mod client;
pub mod protocol;

#[cfg(feature = "device")]
pub use client::{SyncError, SyncReport, SyncStatus};
