//! This device: its key pair, made on first use and kept in the ledger (the secret never leaves
//! the file), and the short name people read it by. The key signs what the device sends the hub
//! and the hand-over files it writes for another device of its pay point.

use ed25519_dalek::SigningKey;
use rusqlite::{params, OptionalExtension};

use crate::ledger::{local_now, Ledger, LedgerError};
use crate::sync::protocol;

/// Characters of the device id people type and read ("máy 9f3c51d0"): its last ones, which are
/// random (the first ones of a UUIDv7 are the time it was made: two devices set up the same hour
/// share them), enough to tell the devices of a pay point apart, short enough to read off a screen.
pub const SHORT_ID_LEN: usize = 8;

impl Ledger {
    /// The device's key pair, made and stored on first use.
    pub(crate) fn device_key(&mut self) -> Result<SigningKey, LedgerError> {
        let existing: Option<String> = self
            .conn
            .prepare_cached("SELECT secret_key FROM sync_device_key")?
            .query_row([], |r| r.get(0))
            .optional()?;
        if let Some(hex_key) = existing {
            return protocol::parse_secret_key(&hex_key).map_err(LedgerError::Corrupt);
        }
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        self.conn.execute(
            "INSERT INTO sync_device_key (singleton, secret_key, public_key, created_at) VALUES (1, ?1, ?2, ?3)",
            params![
                hex::encode(key.to_bytes()),
                protocol::public_key_hex(&key.verifying_key()),
                local_now()
            ],
        )?;
        Ok(key)
    }

    /// The device's short id: the last [`SHORT_ID_LEN`] characters of its id.
    pub fn device_short_id(&self) -> String {
        short_id(&self.device().id.to_string())
    }
}

/// The short form of a device id: its last [`SHORT_ID_LEN`] characters.
pub fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    chars[chars.len().saturating_sub(SHORT_ID_LEN)..]
        .iter()
        .collect()
}

/// True when `typed` (a whole id, or its last characters as people read them) names `id`.
pub fn names(typed: &str, id: &str) -> bool {
    typed.len() >= SHORT_ID_LEN && id.ends_with(typed)
}

/// The device of the pay point holding a person when it is not this one (its short id, or
/// "khác"), NULL when this one does: an SQL expression over a code (a column or a parameter),
/// read for one person by the card (`beneficiary::held_elsewhere`) and for many at once by the
/// sheet and a village's hand-over. A person's row in `holds` says; without one, the device's
/// default (everyone, or nobody on a second device).
pub(crate) fn held_elsewhere_sql(code: &str) -> String {
    format!(
        "(CASE coalesce((SELECT held_here FROM holds WHERE code = {code}), (SELECT holds_all FROM hold_default))
          WHEN 1 THEN NULL
          ELSE coalesce((SELECT device_name FROM holds WHERE code = {code}), 'khác') END)"
    )
}
