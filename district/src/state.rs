//! What the hub's HTTP handlers share, the devices' API's and the office's pages alike.

use std::sync::Arc;

use crate::Hub;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The hub.
    pub hub: Arc<Hub>,
    /// Token for the officer's page from anywhere but loopback; `None`: loopback only.
    pub token: Option<String>,
}
