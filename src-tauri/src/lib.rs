//! Sổ chi trả, the desktop app: a thin Tauri shell over the `paypoint` core. Each command parses
//! what the window sent, calls one core function and maps its error to a Vietnamese sentence
//! (and an English one); the window (`ui/`) is static HTML, CSS and ES modules.

/// Every command the window may call, listed once. `run` registers them with Tauri and the
/// `bindings` test describes them in `ui/types/bindings.d.ts`: a command missing from the list is
/// neither callable nor declared, and the window's type check refuses a call to it.
///
/// `typed` commands take named arguments (snake_case on the wire: `rename_all = "snake_case"`),
/// each described by `#[specta::specta]`; `raw` ones take the request's body as it is (a file's
/// bytes) and are declared by hand, with their body's and result's TypeScript types.
macro_rules! window_commands {
    ($then:ident) => {
        $then! {
            typed: [
                commands::app_info,
                commands::sign_in,
                commands::sign_out,
                commands::today_status,
                commands::hold_status,
                commands::account_banks,
                commands::account_request,
                commands::account_list,
                commands::hold_give,
                commands::hold_take,
                commands::record_day_supervisor,
                commands::search,
                commands::beneficiary,
                commands::pay,
                commands::scan_card,
                commands::home_list,
                commands::record_visit,
                commands::report_stop,
                commands::cash_status,
                commands::record_advance,
                commands::record_count,
                commands::list_roll_files,
                commands::import_preview,
                commands::import_apply,
                commands::roll_versions,
                commands::journal,
                commands::reverse,
                commands::verify,
                commands::policy_rates,
                commands::org_settings,
                commands::set_org,
                commands::amount_in_words,
                commands::print_document,
                commands::list_documents,
                commands::open_document,
                commands::villages,
                sync::sync_status,
                sync::sync_enrol,
                sync::sync_now,
                session::unlock_ledger,
                session::lock_session,
                session::unlock_clerk,
                session::settings_get,
                session::settings_set,
            ],
            raw: [
                commands::upload_roll_file("ArrayBuffer | Uint8Array") -> "string",
            ],
        }
    };
}

/// Registers the listed commands with Tauri.
macro_rules! invoke_handler {
    (
        typed: [$($tm:ident :: $tf:ident),* $(,)?],
        raw: [$($rm:ident :: $rf:ident ($body:literal) -> $result:literal),* $(,)?] $(,)?
    ) => {
        tauri::generate_handler![$($tm::$tf,)* $($rm::$rf),*]
    };
}

/// The listed typed commands described by specta, and the raw ones (for the `bindings` test).
#[cfg(test)]
macro_rules! describe_commands {
    (
        typed: [$($tm:ident :: $tf:ident),* $(,)?],
        raw: [$($rm:ident :: $rf:ident ($body:literal) -> $result:literal),* $(,)?] $(,)?
    ) => {
        |types: &mut specta::Types| {
            (
                specta::function::collect_functions![$($tm::$tf),*](types),
                vec![$(bindings::RawCommand {
                    name: stringify!($rf),
                    body: $body,
                    result: $result,
                }),*],
            )
        }
    };
}

/// Every command of `window_commands!`, described: the typed ones by specta, the raw ones by hand.
#[cfg(test)]
pub(crate) fn described_commands(
    types: &mut specta::Types,
) -> (Vec<specta::datatype::Function>, Vec<bindings::RawCommand>) {
    (window_commands!(describe_commands))(types)
}

pub mod bindings;
pub mod commands;
pub mod error;
pub mod log;
pub mod print;
pub mod session;
pub mod state;
pub mod sync;

use tauri::Manager;

/// Why the app cannot start here, if it cannot: on Linux, a window needs a display.
pub fn display_problem() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "Không có màn hình (biến DISPLAY và WAYLAND_DISPLAY đều trống): hãy chạy ứng dụng trong phiên \
         đồ họa, hoặc trên máy chủ không màn hình thì chạy qua Xvfb: `xvfb-run -a paypoint-desktop` \
         (hoặc `bash scripts/run --xvfb`).\n\
         No display (DISPLAY and WAYLAND_DISPLAY are unset): run the app in a graphical session, or \
         on a headless machine under Xvfb: `xvfb-run -a paypoint-desktop` (or `bash scripts/run --xvfb`)."
            .to_string(),
    )
}

/// WebKitGTK's GPU compositing costs this app more than it gives: on the office laptops this
/// runs on (often no GPU driver, so Mesa's software GL), it measured +140 MiB in the web process
/// and ~40 ms more from a keystroke to the painted results (BENCHMARKS.md, "Desktop"). A form app
/// needs none of it, so it is off unless the user set WebKit's variable themselves or asks for it
/// with `PAYPOINT_WEBKIT_COMPOSITING=1`. Called first thing, before any thread exists.
pub fn prefer_non_composited_webkit() {
    if cfg!(target_os = "linux")
        && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && std::env::var_os("PAYPOINT_WEBKIT_COMPOSITING").is_none_or(|v| v.is_empty() || v == "0")
    {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Builds and runs the app. Returns the process exit code.
pub fn run() -> i32 {
    if let Some(msg) = display_problem() {
        // Before the app knows its data folder, so before its log file: the terminal, verbatim.
        eprintln!("{msg}");
        return 1;
    }
    prefer_non_composited_webkit();
    let result = tauri::Builder::default()
        .setup(|app| {
            // $XDG_DATA_HOME/vn.paypoint.sochitra on Linux: the CLI's default folder too.
            let data_dir = match app.path().app_data_dir() {
                Ok(d) => d,
                Err(_) => paypoint::ledger::default_path()
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_else(|| std::path::PathBuf::from(".")),
            };
            if state::ensure_data_dir(&data_dir).is_ok() {
                paypoint::log::to_file(log::log_path(&data_dir));
            }
            log::log(format_args!("start, version {}", env!("CARGO_PKG_VERSION")));
            app.manage(state::AppState::open(&data_dir));
            app.manage(sync::SyncRuntime::default());
            sync::start_background(app.handle().clone());
            Ok(())
        })
        .invoke_handler(window_commands!(invoke_handler))
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            // The log writer goes to stderr too (and to the log file once it is known).
            log::log(format_args!(
                "Không khởi động được ứng dụng / the app could not start: {e}"
            ));
            1
        }
    }
}
