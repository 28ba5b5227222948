//! `paypoint print …`: writes the pay point's documents as PDF (to be written).

use clap::Args;
use paypoint::Ledger;

/// Arguments of `paypoint print`.
#[derive(Args)]
pub struct PrintArgs {}

/// Writes the document asked for; returns what to tell the user.
pub fn run(_ledger: &mut Ledger, _args: &PrintArgs, _json: bool) -> Result<(), String> {
    Err("chưa hỗ trợ in".into())
}
