//! Sổ chi trả (`paypoint`): the offline ledger of a commune pay point that pays the monthly
//! allowances to people with meritorious services to the revolution.
//!
//! The core holds every business rule: the money type, the SQLite ledger and its invariants, the
//! event log, search, the demo roll. The command line, the desktop shell and the district hub
//! are thin layers over it, so that they agree by construction.

pub mod account;
pub mod authorisation;
pub mod beneficiary;
pub mod cash;
pub mod clerk;
pub mod clock;
pub mod demo;
pub mod device;
pub mod document;
pub mod encoding;
pub mod event;
pub mod fee;
pub mod file;
pub mod hold;
pub mod idcard;
pub mod import;
pub mod ledger;
pub mod life;
pub mod log;
pub mod model;
pub mod money;
pub mod org;
pub mod paper;
pub mod payability;
pub mod payout;
pub mod period;
pub mod policy;
pub mod refusal;
pub mod roll;
pub mod scan;
pub mod search;
mod search_index;
pub mod status;
pub mod stop;
pub mod supervisor;
pub mod sync;
pub mod text;
pub mod today;
pub mod vault;
pub mod visit;

pub use ledger::{Ledger, LedgerError};
pub use money::Dong;
pub use period::Period;
pub use roll::BeneficiaryCode;
pub use status::Status;
