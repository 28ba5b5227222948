//! One module per command group. Each declares its arguments (clap) and returns a report
//! (`crate::report::Report`); none prints.

pub mod account;
pub mod cash;
pub mod clerk;
pub mod day;
pub mod hold;
pub mod id;
pub mod journal;
pub mod ledger;
pub mod lookup;
pub mod org;
pub mod payout;
pub mod period;
pub mod policy;
pub mod print;
pub mod roll;
pub mod stop;
pub mod sync;
pub mod words;
