//! The core's own enums as values on the command line (`print KIND`, `visit --outcome`): the
//! values are the core's list (`DocumentKind::ALL`, `VisitOutcome::ALL`) under their stored
//! names, so there is no twin enum here to keep in step; only each value's help line is ours.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// A core enum the command line takes by its stored name.
pub trait Choice: Copy + Send + Sync + 'static {
    /// Every value, in the order `--help` lists them.
    fn all() -> &'static [Self];
    /// The stored name, typed on the command line.
    fn name(self) -> &'static str;
    /// The line `--help` shows beside it.
    fn help(self) -> &'static str;
}

/// Parses a value of `T` by name; clap lists the values (with their help) and suggests the near
/// one on a typo, as for any closed set.
pub fn parser<T: Choice>() -> impl TypedValueParser<Value = T> {
    let values = T::all()
        .iter()
        .map(|v| PossibleValue::new(v.name()).help(v.help()));
    PossibleValuesParser::new(values).try_map(|name: String| {
        T::all()
            .iter()
            .copied()
            .find(|v| v.name() == name)
            .ok_or("unknown value")
    })
}
