//! The key that seals the hub's signing key in a shared database (PostgreSQL): every hub process
//! is given it (environment or file), the database never holds it, so a copy of the database or
//! of its backups cannot sign a roll.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::SigningKey;
use rand::RngCore;

use crate::{refused, HubError};

/// How a sealed key starts in the store: the version, should the scheme ever change.
const SEALED_PREFIX: &str = "sealed-v1:";

/// What the seal binds the ciphertext to, so it cannot be moved to another use.
const SEAL_CONTEXT: &[u8] = b"paypoint-district hub signing key";

/// 32 random bytes, given as 64 hex digits.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

impl SealKey {
    /// From 64 hex digits (surrounding white space ignored).
    pub fn from_hex(text: &str) -> Result<SealKey, HubError> {
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok());
        bytes.map(SealKey).ok_or_else(|| {
            refused("khóa niêm phong phải là 64 chữ số hex (32 byte ngẫu nhiên): tạo bằng `openssl rand -hex 32`")
        })
    }

    /// From a file holding the 64 hex digits.
    pub fn from_file(path: &Path) -> Result<SealKey, HubError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            refused(format!(
                "không đọc được khóa niêm phong {}: {e}",
                path.display()
            ))
        })?;
        Self::from_hex(&text)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }

    /// The signing key sealed, as the store keeps it.
    pub fn seal_signing_key(&self, key: &SigningKey) -> String {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let secret = key.to_bytes();
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &secret,
                    aad: SEAL_CONTEXT,
                },
            )
            .expect("encrypting 32 bytes cannot fail");
        format!(
            "{SEALED_PREFIX}{}{}",
            hex::encode(nonce),
            hex::encode(sealed)
        )
    }

    /// The signing key the store keeps sealed; refused when it was sealed with another key.
    pub fn open_signing_key(&self, stored: &str) -> Result<SigningKey, HubError> {
        let wrong = || {
            refused(
                "khóa niêm phong không mở được khóa ký của kho này: mọi máy chủ dùng chung một \
                 kho phải được cấp cùng một khóa niêm phong (PAYPOINT_DISTRICT_SEAL_KEY)",
            )
        };
        let bytes = stored
            .strip_prefix(SEALED_PREFIX)
            .and_then(|h| hex::decode(h).ok())
            .filter(|b| b.len() > 24)
            .ok_or_else(wrong)?;
        let (nonce, sealed) = bytes.split_at(24);
        let secret = self
            .cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: SEAL_CONTEXT,
                },
            )
            .map_err(|_| wrong())?;
        let secret = <[u8; 32]>::try_from(secret.as_slice()).map_err(|_| wrong())?;
        Ok(SigningKey::from_bytes(&secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_signing_key_opens_only_with_its_seal_key() {
        let seal = SealKey::from_hex(&"ab".repeat(32)).unwrap();
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let stored = seal.seal_signing_key(&key);
        assert!(!stored.contains(&hex::encode(key.to_bytes())));
        assert_eq!(
            seal.open_signing_key(&stored).unwrap().to_bytes(),
            key.to_bytes()
        );
        let other = SealKey::from_hex(&"cd".repeat(32)).unwrap();
        assert!(other.open_signing_key(&stored).is_err());
        assert!(SealKey::from_hex("not hex").is_err());
    }
}
