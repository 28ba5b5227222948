//! The hub's errors, free of any transport: [`HubError`] for the office's commands, [`ApiError`]
//! for a device's requests, with a [`Refusal`] that `http.rs` alone turns into a status code.

use paypoint::sync::protocol::ErrorBody;

/// An admin command that failed (the message is for the district officer).
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// Refused with a reason.
    #[error("{0}")]
    Refused(String),
    /// A roll file the core's importer refused: each problem located (file, sheet, row, column,
    /// field), for the office's page to list; nothing was stored.
    #[error("{0}")]
    Import(Box<paypoint::import::ImportError>),
    /// Not allowed to the person who asked (their role): the web app answers 403.
    #[error("{0}")]
    Forbidden(String),
    /// Storage failure.
    #[error("lỗi kho dữ liệu của đơn vị quản lý: {0}")]
    Storage(#[from] crate::db::Error),
}

/// Why a device's request was refused. `http.rs` maps each to its status code, as
/// `openapi.yaml` documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request cannot be read (400).
    BadRequest,
    /// Missing, wrong, stale or replayed signature, or an unknown device (401).
    Unauthenticated,
    /// Another pay point's data, or a bad enrolment code (403).
    Forbidden,
    /// Nothing published yet (404).
    NotFound,
    /// A gap in the device's events, or a device enrolled with another key (409).
    Conflict,
    /// A batch refused whole (422).
    Unprocessable,
    /// The hub failed (500).
    Internal,
}

/// A device's request refused: why, and the JSON body.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Why.
    pub refusal: Refusal,
    /// Body.
    pub body: ErrorBody,
}

impl ApiError {
    /// A refusal with its message.
    pub fn new(refusal: Refusal, msg: impl Into<String>) -> ApiError {
        ApiError {
            refusal,
            body: ErrorBody {
                error: msg.into(),
                resume_from: None,
                event_seq: None,
            },
        }
    }
}

impl From<crate::db::Error> for ApiError {
    fn from(e: crate::db::Error) -> Self {
        ApiError::new(
            Refusal::Internal,
            format!("lỗi kho dữ liệu của đơn vị quản lý: {e}"),
        )
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::Refused(m) => ApiError::new(Refusal::BadRequest, m),
            HubError::Forbidden(m) => ApiError::new(Refusal::Forbidden, m),
            HubError::Import(e) => ApiError::new(Refusal::BadRequest, e.to_string()),
            HubError::Storage(e) => e.into(),
        }
    }
}

/// Refused, with a reason: an admin command's refusal.
pub(crate) fn refused(m: impl Into<String>) -> HubError {
    HubError::Refused(m.into())
}
