//! The district hub (`paypoint-district`): receives every pay point's events exactly once,
//! publishes signed rolls and the district's amendments, flags what the district must recover,
//! and prints the consolidated settlement.
//!
//! [`Hub`] holds every rule; the HTTP handlers ([`http`]) and the admin commands (`main.rs`)
//! parse, call one method, and map the error. The shapes on the wire and the signing rules are
//! the core's ([`paypoint::sync::protocol`]), so the device and the hub agree by construction.

pub mod account;
pub mod action;
pub mod admin;
pub mod anomaly;
pub mod audit;
pub mod auth;
pub mod copy;
pub mod db;
pub mod due;
pub mod error;
pub mod facts;
pub mod feed;
pub mod handover;
pub mod http;
pub mod ingest;
pub mod life;
pub mod office;
pub mod paper;
pub mod people;
pub mod proxy;
pub mod reconcile;
pub mod reports;
pub mod resolution;
pub mod seal;
pub mod staff;
pub mod state;
pub mod store;
pub mod web;
pub mod writes;

pub use admin::ENROL_CODE_TTL_SECS;
pub use auth::{DeviceInfo, Nonce, RequestAuth};
pub use due::ReportDue;
pub(crate) use error::refused;
pub use error::{ApiError, HubError, Refusal};
pub use reports::{FlagRow, PayPointOverview, SettlementRow};
pub(crate) use store::now;
pub use store::{Hub, StoreAt};
