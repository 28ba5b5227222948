//! What a command answers, printed once: as text for a person, or as JSON for a script
//! (`--json`). Commands build a [`Report`] and never print; [`finish`] prints it, or the
//! refusal, and gives the exit code.

use std::io::Write as _;
use std::process::ExitCode;

use serde_json::Value;

use crate::failure::Failure;

/// What a command returns: its report, or why it refused (nothing recorded).
pub type Outcome = Result<Box<dyn Report>, Failure>;

/// A command's answer.
pub trait Report {
    /// For a person: zero or more lines, each ending in a newline (see [`put!`]).
    fn text(&self) -> String;

    /// For a script: amounts are whole đồng.
    fn json(&self) -> Value;

    /// What `--json` prints: [`Report::json`], pretty-printed.
    fn json_text(&self) -> String {
        pretty(&self.json())
    }
}

fn pretty(json: &Value) -> String {
    serde_json::to_string_pretty(json).expect("JSON values serialise")
}

impl Failure {
    /// The same refusal, answering with `report` (what was found) rather than the error object.
    pub fn after(self, report: impl Report) -> Failure {
        self.found(report.text(), report.json())
    }
}

/// The report as an [`Outcome`].
pub fn done(report: impl Report + 'static) -> Outcome {
    Ok(Box::new(report))
}

/// One of the core's own answers as JSON. They are plain data (strings, numbers, lists, maps
/// with string keys): serialising them cannot fail.
pub fn to_json(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("the core's reports serialise")
}

/// Appends a line to a report's text: `put!(out, "…", args)`.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use put;

/// Writes to stdout. A closed pipe (`paypoint search | head`) is not an error of the command:
/// what was recorded stays recorded and the exit code says so.
fn out(s: &str) {
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

fn emit(report: &dyn Report, json: bool) {
    if json {
        out(&format!("{}\n", report.json_text()));
    } else {
        out(&report.text());
    }
}

/// Prints the outcome and gives the exit code: 0 done, 1 refused (the reason on stderr, and
/// under `--json` the error object on stdout). Usage errors (2) are clap's, before any of this.
pub fn finish(outcome: Outcome, json: bool) -> ExitCode {
    match outcome {
        Ok(report) => {
            emit(report.as_ref(), json);
            ExitCode::SUCCESS
        }
        Err(failure) => {
            match failure.what_was_found() {
                // A failed `verify`: what it found is the answer, stdout holds that one document.
                Some((_, found)) if json => out(&format!("{}\n", pretty(found))),
                Some((text, _)) => out(text),
                None if json => out(&format!("{}\n", failure.json())),
                None => {}
            }
            eprintln!("Lỗi: {}", failure.message());
            ExitCode::FAILURE
        }
    }
}
