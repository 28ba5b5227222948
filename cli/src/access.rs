//! Getting in: the ledger opened with its key, the acting clerk and an approving supervisor
//! signed in with their PINs.

use std::path::Path;

use paypoint::clerk::{ClerkError, SignedIn};
use paypoint::vault::{self, KeyStore, VaultError};
use paypoint::{Ledger, LedgerError};

use crate::failure::Failure;
use crate::input::{read_passphrase, read_pin};

/// Opens the ledger: with its key when it is encrypted (from the OS key store, else by the
/// supervisor's passphrase); a plain one opens with a warning to encrypt it.
pub fn open_ledger(path: &Path) -> Result<Ledger, Failure> {
    let encrypted = match vault::is_encrypted(path) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LedgerError::NotInitialised(path.to_path_buf()).into())
        }
        Err(e) => {
            return Err(Failure::new(
                "cannot_open",
                format!("không đọc được {}: {e}", path.display()),
            ))
        }
    };
    if !encrypted {
        eprintln!(
            "Cảnh báo: sổ {} chưa được mã hoá; ai có tệp này đọc được tên và số CCCD. Mã hoá bằng `paypoint --db {} encrypt`.",
            path.display(),
            path.display()
        );
        return Ok(Ledger::open(path)?);
    }
    let store = KeyStore::from_env();
    let key = match vault::unlock(path, None, store) {
        Ok((key, _)) => key,
        Err(VaultError::PassphraseNeeded) => {
            let pass = read_passphrase(
                "PAYPOINT_PASSPHRASE",
                "Mật khẩu của người phụ trách: ",
                false,
            )?;
            vault::unlock(path, Some(&pass), store)?.0
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Ledger::open_encrypted(path, &key)?)
}

/// The acting clerk (`--clerk`, or the ledger's only one), signed in with their PIN.
pub fn sign_in(ledger: &mut Ledger, clerk: Option<i64>) -> Result<SignedIn, Failure> {
    let id = match clerk {
        Some(id) => id,
        None => {
            let clerks = ledger.clerks()?;
            match clerks.as_slice() {
                [only] => only.id,
                [] => {
                    return Err(Failure::new(
                        "no_clerk",
                        "sổ chưa có nhân viên: thêm bằng `paypoint clerk add --name TÊN`",
                    ))
                }
                _ => {
                    return Err(Failure::new(
                        "clerk_needed",
                        "sổ có nhiều nhân viên: chọn người thực hiện bằng --clerk ID",
                    ))
                }
            }
        }
    };
    let pin = read_pin("PAYPOINT_PIN", &format!("PIN của nhân viên số {id}: "))?;
    Ok(ledger.sign_in(id, &pin)?)
}

/// The supervisor `id` who approves what `by` does, signed in with `PAYPOINT_APPROVER_PIN`.
/// The same person is refused before the PIN is asked for, which would count as a wrong try.
pub fn sign_in_approver(ledger: &mut Ledger, by: &SignedIn, id: i64) -> Result<SignedIn, Failure> {
    if by.id() == id {
        return Err(ClerkError::SamePerson.into());
    }
    let pin = read_pin(
        "PAYPOINT_APPROVER_PIN",
        &format!("PIN của giám sát viên số {id}: "),
    )?;
    Ok(ledger.sign_in(id, &pin)?)
}
