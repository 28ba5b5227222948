//! The window's typed contract: `ui/types/bindings.d.ts`, generated from the Rust types.
//!
//! Every command listed in `window_commands!` (lib.rs) is described by `#[specta::specta]`: its
//! name, its arguments (their Rust names, which are the wire names: the commands are
//! `rename_all = "snake_case"`) and what it returns; the types they reach (the core's included,
//! through its `specta` feature) are described by `derive(specta::Type)` with their serde
//! attributes. The `bindings` test writes them as TypeScript declarations: one `export type` per
//! type (enums as unions of string literals) and the `Commands` table that `ui/js/api.js`'s
//! `call` is typed by. `tsc --checkJs` (`bash scripts/test ui`) then checks the window against
//! it, so a renamed field, argument, command or enum value fails the build.
//!
//! The test fails when the checked-in file is not what the Rust types say; rewrite it with
//! `PAYPOINT_BLESS=1 cargo test -p paypoint-desktop --lib bindings`.

use serde::Serialize;

/// The events the shell emits to the window (`listen` by this name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum ShellEvent {
    /// A sync round started or ended: the Sync screen's counts changed.
    #[serde(rename = "sync-changed")]
    SyncChanged,
}

impl ShellEvent {
    /// The event's name on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            ShellEvent::SyncChanged => "sync-changed",
        }
    }
}

/// The declarations' file, from the desktop crate's folder.
pub const BINDINGS_PATH: &str = "../ui/types/bindings.d.ts";

/// A command whose argument is the request's body as it is (a file's bytes): declared by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawCommand {
    /// Its name.
    pub name: &'static str,
    /// The TypeScript type of the body the window sends.
    pub body: &'static str,
    /// The TypeScript type of what it returns.
    pub result: &'static str,
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::fmt::Write as _;
    use std::path::PathBuf;

    use specta::datatype::{DataType, Function, NamedReferenceType, Reference};
    use specta::Types;
    use specta_typescript::{Exporter, FrameworkExporter, Typescript};

    use super::*;

    const PRELUDE: &str = "// Generated from the Rust types by `cargo test -p paypoint-desktop --lib bindings`\n\
        // (src-tauri/src/bindings.rs). Do not edit: change the Rust types, then rewrite this file\n\
        // with `PAYPOINT_BLESS=1 cargo test -p paypoint-desktop --lib bindings`.";

    /// `Result<T, E>` as specta describes it: `Some((T, E))`.
    fn ok_and_err<'a>(dt: &'a DataType, types: &'a Types) -> Option<(&'a DataType, &'a DataType)> {
        let DataType::Reference(Reference::Named(r)) = dt else {
            return None;
        };
        let ndt = types.get(r)?;
        if ndt.name != "Result" || !matches!(&*ndt.module_path, "std::result" | "core::result") {
            return None;
        }
        match &r.inner {
            NamedReferenceType::Reference { generics, .. } => match generics.as_slice() {
                [(_, ok), (_, err), ..] => Some((ok, err)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The `Commands` table: each command's arguments and result, by name.
    fn commands_table(
        exp: &FrameworkExporter<'_>,
        typed: &[Function],
        raw: &[RawCommand],
    ) -> Result<String, specta_typescript::Error> {
        let mut out = String::from(
            "/**\n * Every command the window may call (`call` in ui/js/api.js): its arguments, by their\n \
             * names on the wire, and what it returns. A command that fails throws an `ApiError`.\n \
             */\nexport interface Commands {\n",
        );
        let mut entries: Vec<(String, String)> = Vec::new();
        for f in typed {
            let mut args = String::new();
            for (name, dt) in f.args() {
                // An `Option` argument may be left out of the object (Tauri reads it as None).
                let optional = matches!(dt, DataType::Nullable(_));
                let _ = write!(
                    args,
                    " {name}{}: {};",
                    if optional { "?" } else { "" },
                    exp.reference(dt)?
                );
            }
            let args = if args.is_empty() {
                "Record<string, never>".to_string()
            } else {
                format!("{{{args} }}")
            };
            let result = match f.result() {
                Some(dt) => match ok_and_err(dt, exp.types) {
                    Some((ok, _)) => exp.reference(ok)?,
                    None => exp.reference(dt)?,
                },
                None => "null".to_string(),
            };
            let docs = f.docs.trim();
            let doc = if docs.is_empty() {
                String::new()
            } else {
                format!("  /** {} */\n", docs.replace('\n', "\n   * "))
            };
            entries.push((
                f.name().to_string(),
                format!(
                    "{doc}  {}: {{ args: {args}; result: {result} }};\n",
                    f.name()
                ),
            ));
        }
        for r in raw {
            entries.push((
                r.name.to_string(),
                format!(
                    "  /** Its argument is the request's body as it is. */\n  {}: {{ args: {}; result: {}; raw: true }};\n",
                    r.name, r.body, r.result
                ),
            ));
        }
        entries.sort();
        for (_, e) in entries {
            out.push_str(&e);
        }
        out.push_str("}\n");
        Ok(out)
    }

    /// The whole declarations file, as the Rust types say it should be.
    fn render() -> String {
        let mut types = Types::default();
        let (typed, raw) = crate::described_commands(&mut types);
        // Named although no command returns them: the error every command throws, the events.
        let types = types
            .register::<crate::error::ApiError>()
            .register::<ShellEvent>();
        // Counts, sequence numbers, ids and amounts in đồng: all far below 2^53, so a JSON number
        // carries them exactly (specta refuses 64-bit integers unless told).
        let remap = specta_util::Remapper::new().dangerous_bigints_as_number();
        let mut types = remap.remap_types(types);
        let typed: Vec<Function> = typed
            .into_iter()
            .map(|mut f| {
                f.args = f
                    .args
                    .into_iter()
                    .map(|(n, dt)| (n, remap.remap_dt(dt)))
                    .collect();
                f.result = f.result.map(|dt| remap.remap_dt(dt));
                f
            })
            .collect();
        // `Result` is only the commands' wrapper: the table unwraps it, so it is not declared.
        types.iter_mut(|ndt| {
            if ndt.name == "Result" && matches!(&*ndt.module_path, "std::result" | "core::result") {
                ndt.ty = None;
            }
        });
        let exporter = Exporter::from(Typescript::default())
            .framework_prelude(PRELUDE)
            .framework_runtime(move |mut exp| {
                let mut out = String::new();
                out.push_str(&exp.render_types()?);
                out.push('\n');
                out.push_str(&commands_table(&exp, &typed, &raw)?);
                Ok(Cow::Owned(out))
            });
        let file = exporter
            .export(&types, specta_serde::Format)
            .unwrap_or_else(|e| panic!("the window's declarations cannot be made: {e}"));
        tidy_doc_comments(&file)
    }

    /// specta keeps the space after `///` in the docs it writes: `/**  Text */`, ` *  text`. One
    /// space, as written by hand; only comment lines are touched.
    fn tidy_doc_comments(file: &str) -> String {
        let mut out = String::with_capacity(file.len());
        for line in file.lines() {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            if let Some(rest) = body.strip_prefix("/**  ") {
                out.push_str(indent);
                out.push_str("/** ");
                out.push_str(rest);
            } else if let Some(rest) = body.strip_prefix("*  ") {
                out.push_str(indent);
                out.push_str("* ");
                out.push_str(rest);
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        out
    }

    fn bindings_file() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH)
    }

    #[test]
    fn bindings_are_what_the_rust_types_say() {
        let want = render();
        let path = bindings_file();
        if std::env::var_os("PAYPOINT_BLESS").is_some_and(|v| !v.is_empty() && v != "0") {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("ui/types");
            std::fs::write(&path, &want).expect("write ui/types/bindings.d.ts");
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            let line = have
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .map_or(have.lines().count().min(want.lines().count()), |i| i)
                + 1;
            panic!(
                "ui/types/bindings.d.ts is not what the Rust types say (first difference at line \
                 {line}). A command, argument or type the window uses changed: rewrite the file \
                 with\n\n    PAYPOINT_BLESS=1 cargo test -p paypoint-desktop --lib bindings\n\n\
                 then run `bash scripts/test ui` to type-check the window against it, and commit \
                 both."
            );
        }
    }

    #[test]
    fn every_registered_command_is_declared_once() {
        let mut types = Types::default();
        let (typed, raw) = crate::described_commands(&mut types);
        let mut names: Vec<&str> = typed.iter().map(|f| f.name()).collect();
        names.extend(raw.iter().map(|r| r.name));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a command is listed twice");
        let file = render();
        for name in names {
            assert!(
                file.contains(&format!("\n  {name}: {{ args:")),
                "{name} is not in the Commands table"
            );
        }
    }

    #[test]
    fn event_names_are_the_ones_emitted() {
        assert_eq!(ShellEvent::SyncChanged.name(), crate::sync::CHANGED_EVENT);
        assert_eq!(
            serde_json::to_value(ShellEvent::SyncChanged).expect("json"),
            serde_json::json!(ShellEvent::SyncChanged.name())
        );
    }
}
