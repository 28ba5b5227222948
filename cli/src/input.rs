//! What the user types: beneficiary codes and amounts on the command line, PINs and the
//! supervisor's passphrase from the environment or, without echo, from the terminal.

use std::io::IsTerminal;

use paypoint::clerk::Pin;
use paypoint::vault::Passphrase;
use paypoint::{BeneficiaryCode, Dong};

use crate::failure::Failure;

/// A beneficiary code as typed.
pub fn code(s: &str) -> Result<BeneficiaryCode, Failure> {
    BeneficiaryCode::new(s)
        .ok_or_else(|| Failure::new("invalid_input", format!("mã đối tượng “{s}” không hợp lệ")))
}

/// An amount as typed (1624000, 1.624.000 …).
pub fn amount(s: &str) -> Result<Dong, Failure> {
    Ok(s.parse::<Dong>()?)
}

/// Reads a PIN from the environment, or asks for it on the terminal without echo.
pub fn read_pin(var: &str, prompt: &str) -> Result<Pin, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Pin::new(&v)?);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            "pin_needed",
            format!("cần mã PIN: đặt biến môi trường {var} hoặc chạy trên terminal"),
        ));
    }
    let pin = rpassword::prompt_password(prompt)
        .map_err(|e| Failure::new("terminal", format!("không đọc được PIN: {e}")))?;
    Ok(Pin::new(&pin)?)
}

/// Reads the supervisor's passphrase from `var`, or asks on the terminal (twice when `confirm`).
pub fn read_passphrase(var: &str, prompt: &str, confirm: bool) -> Result<Passphrase, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Passphrase::new(&v)?);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            "passphrase_needed",
            format!(
                "cần mật khẩu của người phụ trách: đặt biến môi trường {var} hoặc chạy trên terminal"
            ),
        ));
    }
    let ask = |p: &str| {
        rpassword::prompt_password(p)
            .map(zeroize::Zeroizing::new)
            .map_err(|e| Failure::new("terminal", format!("không đọc được mật khẩu: {e}")))
    };
    let first = ask(prompt)?;
    if confirm && *ask("Nhập lại mật khẩu: ")? != *first {
        return Err(Failure::new(
            "passphrase_mismatch",
            "hai lần nhập mật khẩu không khớp",
        ));
    }
    Ok(Passphrase::new(&first)?)
}
