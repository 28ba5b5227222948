//! `paypoint clerk …`: the pay point's clerks and supervisors.

use clap::Subcommand;
use paypoint::clerk::{Clerk, Role};
use paypoint::Ledger;
use serde_json::{json, Value};

use crate::access::sign_in;
use crate::failure::Failure;
use crate::input::read_pin;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum ClerkCommand {
    /// Thêm nhân viên (PIN từ PAYPOINT_PIN hoặc hỏi).
    Add {
        /// Họ tên.
        #[arg(long)]
        name: String,
        /// Là giám sát viên (được duyệt hủy chi trả).
        #[arg(long)]
        supervisor: bool,
    },
    /// Danh sách nhân viên.
    List,
    /// Mở khóa cho nhân viên bị khóa vì nhập sai PIN nhiều lần (giám sát viên thực hiện:
    /// --clerk ID_GIÁM_SÁT_VIÊN và PIN của mình).
    Unlock {
        /// Nhân viên cần mở khóa (số ID).
        id: i64,
    },
}

fn role_vi(r: Role) -> &'static str {
    match r {
        Role::Clerk => "nhân viên",
        Role::Supervisor => "giám sát viên",
    }
}

struct Added(Clerk);

impl Report for Added {
    fn text(&self) -> String {
        let mut out = String::new();
        let c = &self.0;
        put!(
            out,
            "Đã thêm {} {} (số ID {}).",
            role_vi(c.role),
            c.name,
            c.id
        );
        out
    }

    fn json(&self) -> Value {
        let c = &self.0;
        json!({"id": c.id, "name": c.name, "role": c.role})
    }
}

struct Clerks(Vec<Clerk>);

impl Report for Clerks {
    fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.0 {
            put!(out, "{:>3}  {}  ({})", c.id, c.name, role_vi(c.role));
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

struct Unlocked {
    id: i64,
    by: i64,
    by_name: String,
}

impl Report for Unlocked {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã mở khóa cho nhân viên số {} (giám sát viên {}).",
            self.id,
            self.by_name
        );
        out
    }

    fn json(&self) -> Value {
        json!({"unlocked": self.id, "by": self.by})
    }
}

/// `paypoint clerk add|list|unlock`; `clerk` is `--clerk` (the supervisor who unlocks).
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, command: &ClerkCommand) -> Outcome {
    match command {
        ClerkCommand::Add { name, supervisor } => {
            let pin = read_pin("PAYPOINT_PIN", "PIN mới (4–12 chữ số): ")?;
            if std::env::var("PAYPOINT_PIN").is_err() {
                let again = read_pin("PAYPOINT_PIN", "Nhập lại PIN: ")?;
                if !pin.matches(&again) {
                    return Err(Failure::new("pin_mismatch", "hai lần nhập PIN không khớp"));
                }
            }
            let role = if *supervisor {
                Role::Supervisor
            } else {
                Role::Clerk
            };
            done(Added(ledger.add_clerk(name, role, &pin)?))
        }
        ClerkCommand::List => done(Clerks(ledger.clerks()?)),
        ClerkCommand::Unlock { id } => {
            let supervisor = sign_in(ledger, clerk)?;
            ledger.unlock_clerk(*id, &supervisor)?;
            done(Unlocked {
                id: *id,
                by: supervisor.id(),
                by_name: supervisor.clerk().name.clone(),
            })
        }
    }
}
