//! `paypoint words`: an amount read out in words, as on a receipt.

use clap::Args;
use paypoint::Dong;
use serde_json::{json, Value};

use crate::input::amount;
use crate::report::{done, put, Outcome, Report};

#[derive(Args)]
pub struct WordsArgs {
    /// Số tiền (1624000, 1.624.000 …).
    amount: String,
}

struct InWords(Dong);

impl Report for InWords {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(out, "{}", self.0.in_words());
        out
    }

    fn json(&self) -> Value {
        let d = self.0;
        json!({"amount": d.as_i64(), "formatted": d.to_string(), "words": d.in_words()})
    }
}

/// `paypoint words AMOUNT`.
pub fn run(args: &WordsArgs) -> Outcome {
    done(InWords(amount(&args.amount)?))
}
