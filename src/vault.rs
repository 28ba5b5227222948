//! The ledger's key: what makes a stolen laptop's ledger file unreadable.
//!
//! The ledger is encrypted with SQLCipher under a random 256-bit key made at set-up. The key is
//! never written in the clear. It is kept in two places:
//!
//! - the OS key store (Secret Service on Linux, Keychain on macOS, Credential Manager on
//!   Windows), so that the clerk's day starts with her PIN only;
//! - a key file beside the ledger (`ledger.sqlite.key`), where it is wrapped (XChaCha20-Poly1305)
//!   under a key derived from the supervisor's passphrase with argon2id. This is the way back in
//!   when the OS key store is missing (a server-less Linux, a re-installed account) or lost.
//!
//! Losing both the key store entry and the passphrase loses the ledger: the district still has
//! every synced event, so the pay point re-enrols and pulls the roll again, but events not yet
//! synced are gone. The shells say so before anything destructive.

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

#[cfg(feature = "device")]
use crate::file::APP_IDENTIFIER;

/// The format tag of a key file; also bound into the wrapping as associated data, so a file
/// cannot be re-labelled.
const KEY_FILE_FORMAT: &str = "paypoint-ledger-key-1";
/// Shortest passphrase accepted. The passphrase is the only guard of the key file against an
/// offline guesser who has the laptop, so it is longer than a PIN by design.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
/// Longest passphrase accepted (a limit on everything we read).
pub const MAX_PASSPHRASE_CHARS: usize = 256;
/// Largest key file read (a real one is ~500 bytes).
const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;
/// argon2id cost for wrapping the key: 64 MiB, 3 passes. ~0.2 s on the pay point's laptop, once
/// per start when the OS key store is not there.
const KDF_MEMORY_KIB: u32 = 64 * 1024;
const KDF_PASSES: u32 = 3;
const KDF_LANES: u32 = 1;
/// The passphrase of the demo ledger made on the desktop's first start. Published on purpose,
/// like the demo PINs: the demo holds no real person.
pub const DEMO_PASSPHRASE: &str = "sochitra-demo";

/// Why the key could not be made or found.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The ledger has no key file beside it.
    #[error(
        "không tìm thấy tệp khoá {0}: sổ này chưa được mã hoá, hoặc tệp khoá đã bị xoá/di chuyển"
    )]
    NoKeyFile(PathBuf),
    /// `create` on a ledger that already has a key.
    #[error("sổ đã có tệp khoá {0}; không tạo khoá mới (sẽ mất quyền đọc sổ cũ)")]
    KeyFileExists(PathBuf),
    /// The key file is not one of ours, or was damaged.
    #[error("tệp khoá {path} bị hỏng hoặc không đúng định dạng: {reason}")]
    BadKeyFile {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The key is not in the OS key store and no passphrase was given.
    #[error("khoá của sổ không có trong kho khoá của máy: cần mật khẩu của người phụ trách (biến PAYPOINT_PASSPHRASE, hoặc nhập khi được hỏi)")]
    PassphraseNeeded,
    /// The passphrase does not open the key file.
    #[error("mật khẩu của người phụ trách không đúng")]
    WrongPassphrase,
    /// A passphrase too short or too long.
    #[error("mật khẩu cần từ {MIN_PASSPHRASE_CHARS} đến {MAX_PASSPHRASE_CHARS} ký tự")]
    WeakPassphrase,
    /// Reading or writing the key file failed.
    #[error("không đọc/ghi được tệp khoá {path}: {reason}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The OS's reason.
        reason: String,
    },
}

/// The ledger's 256-bit SQLCipher key. Wiped from memory when dropped; never printed.
pub struct LedgerKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LedgerKey(…)")
    }
}

impl LedgerKey {
    /// A fresh random key from the OS's generator.
    pub fn generate() -> LedgerKey {
        let mut k = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(k.as_mut());
        LedgerKey(k)
    }

    /// The value of SQLCipher's `PRAGMA key` for a raw key (`x'…'`: no second key derivation, so
    /// opening the ledger stays instant). For tools that open the file themselves (benchmarks,
    /// support); never log it.
    pub fn sqlcipher_key(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode_upper(self.0.as_ref())))
    }

    fn from_slice(bytes: &[u8]) -> Option<LedgerKey> {
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(LedgerKey(Zeroizing::new(arr)))
    }
}

/// The supervisor's passphrase. Wiped when dropped; never printed.
pub struct Passphrase(Zeroizing<String>);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

impl Passphrase {
    /// Checks the length (in characters, after trimming line ends a prompt may leave).
    pub fn new(s: &str) -> Result<Passphrase, VaultError> {
        let s = s.trim_end_matches(['\r', '\n']);
        let n = s.chars().count();
        if !(MIN_PASSPHRASE_CHARS..=MAX_PASSPHRASE_CHARS).contains(&n) {
            return Err(VaultError::WeakPassphrase);
        }
        Ok(Passphrase(Zeroizing::new(s.to_string())))
    }
}

/// Whether the OS key store is used. Tests and shared machines turn it off; then only the
/// passphrase opens the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStore {
    /// Keep and look up the key in the OS key store (the default).
    Os,
    /// Never touch the OS key store.
    Off,
}

impl KeyStore {
    /// From the `PAYPOINT_KEYSTORE` variable: `off` turns the OS key store off; anything else,
    /// or nothing, keeps it on.
    pub fn from_env() -> KeyStore {
        match std::env::var("PAYPOINT_KEYSTORE") {
            Ok(v) if v.eq_ignore_ascii_case("off") => KeyStore::Off,
            _ => KeyStore::Os,
        }
    }
}

/// Where the key was found when the ledger was unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// The OS key store.
    OsKeyStore,
    /// The key file, opened with the supervisor's passphrase.
    Passphrase,
}

/// What `create` and `unlock` report beside the key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyReport {
    /// Where the key came from (`create`: `passphrase`).
    pub source: KeySource,
    /// True when the key is now also in the OS key store.
    pub in_os_store: bool,
    /// Why the OS key store could not be used, when it could not (shown, never fatal).
    pub os_store_note: Option<String>,
    /// True for the demo ledger (its passphrase is [`DEMO_PASSPHRASE`]).
    pub demo: bool,
}

impl KeyReport {
    fn by_passphrase((in_os_store, os_store_note): (bool, Option<String>), demo: bool) -> Self {
        KeyReport {
            source: KeySource::Passphrase,
            in_os_store,
            os_store_note,
            demo,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    key_id: Uuid,
    #[serde(default)]
    demo: bool,
    kdf: KdfParams,
    nonce: String,
    wrapped_key: String,
}

#[derive(Serialize, Deserialize)]
struct KdfParams {
    algorithm: String,
    memory_kib: u32,
    passes: u32,
    lanes: u32,
    salt: String,
}

/// The key file of the ledger at `ledger`: the same name with `.key` added.
pub fn key_file_path(ledger: &Path) -> PathBuf {
    crate::file::with_suffix(ledger, ".key")
}

/// True when the file at `ledger` exists and is not a plain SQLite file (an encrypted ledger
/// has no readable header: its first page is ciphertext).
pub fn is_encrypted(ledger: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut f = std::fs::File::open(ledger)?;
    let mut head = [0u8; 16];
    let n = f.read(&mut head)?;
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    Ok(n > 0 && head[..n] != MAGIC[..n])
}

/// True when a key file sits beside the ledger.
pub fn has_key_file(ledger: &Path) -> bool {
    key_file_path(ledger).exists()
}

/// Makes a new key for the ledger at `ledger` (which need not exist yet), writes its key file
/// wrapped under `passphrase`, and keeps it in the OS key store when `store` allows and one is
/// there. Refuses when a key file is already there.
pub fn create(
    ledger: &Path,
    passphrase: &Passphrase,
    store: KeyStore,
    demo: bool,
) -> Result<(LedgerKey, KeyReport), VaultError> {
    let path = key_file_path(ledger);
    if path.exists() {
        return Err(VaultError::KeyFileExists(path));
    }
    let key = LedgerKey::generate();
    let file = wrap(&path, &key, Uuid::now_v7(), demo, passphrase)?;
    let key_id = file.key_id;
    write_key_file(&path, &file)?;
    let report = KeyReport::by_passphrase(remember(store, key_id, &key), demo);
    Ok((key, report))
}

/// Finds the key of the ledger at `ledger`: from the OS key store when `store` allows, else by
/// opening the key file with `passphrase` (the demo ledger's own published passphrase when none
/// is given). A key opened by passphrase is put in the OS key store
/// for next time (when allowed and there is one).
pub fn unlock(
    ledger: &Path,
    passphrase: Option<&Passphrase>,
    store: KeyStore,
) -> Result<(LedgerKey, KeyReport), VaultError> {
    let path = key_file_path(ledger);
    let file = read_key_file(&path)?;
    if store == KeyStore::Os {
        if let Some(key) = recall(file.key_id) {
            return Ok((
                key,
                KeyReport {
                    source: KeySource::OsKeyStore,
                    in_os_store: true,
                    os_store_note: None,
                    demo: file.demo,
                },
            ));
        }
    }
    // The demo ledger's passphrase is published, like its PINs: nobody is asked for it.
    let demo_passphrase;
    let passphrase = match passphrase {
        Some(p) => p,
        None if file.demo => {
            demo_passphrase = Passphrase::new(DEMO_PASSPHRASE)?;
            &demo_passphrase
        }
        None => return Err(VaultError::PassphraseNeeded),
    };
    let key = unwrap_key(&path, &file, passphrase)?;
    let report = KeyReport::by_passphrase(remember(store, file.key_id, &key), file.demo);
    Ok((key, report))
}

/// True when the ledger's key file says it is the demo ledger (readable without the key: it
/// only decides whether the unlock screen may show the demo passphrase).
pub fn is_demo(ledger: &Path) -> bool {
    read_key_file(&key_file_path(ledger))
        .map(|f| f.demo)
        .unwrap_or(false)
}

/// Re-wraps the key under a new passphrase; the old one must open it. The ledger itself is not
/// touched (its key does not change).
pub fn change_passphrase(
    ledger: &Path,
    old: &Passphrase,
    new: &Passphrase,
) -> Result<(), VaultError> {
    let path = key_file_path(ledger);
    let file = read_key_file(&path)?;
    let key = unwrap_key(&path, &file, old)?;
    // A passphrase chosen by the supervisor is no longer the published demo one.
    let rewrapped = wrap(&path, &key, file.key_id, false, new)?;
    write_key_file(&path, &rewrapped)
}

/// Wraps `key` under `passphrase`: a fresh salt and nonce, argon2id, XChaCha20-Poly1305 with
/// the key id and demo flag bound in.
fn wrap(
    path: &Path,
    key: &LedgerKey,
    key_id: Uuid,
    demo: bool,
    passphrase: &Passphrase,
) -> Result<KeyFile, VaultError> {
    let bad = |reason: String| VaultError::BadKeyFile {
        path: path.to_path_buf(),
        reason,
    };
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let kdf = KdfParams {
        algorithm: "argon2id".into(),
        memory_kib: KDF_MEMORY_KIB,
        passes: KDF_PASSES,
        lanes: KDF_LANES,
        salt: hex::encode(salt),
    };
    let wrapping = derive(passphrase, &kdf, &salt).map_err(bad)?;
    let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
    let aad = associated_data(key_id, demo);
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.0.as_ref(),
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| bad("không mã hoá được khoá".into()))?;
    Ok(KeyFile {
        format: KEY_FILE_FORMAT.into(),
        key_id,
        demo,
        kdf,
        nonce: hex::encode(nonce),
        wrapped_key: hex::encode(wrapped),
    })
}

fn associated_data(key_id: Uuid, demo: bool) -> String {
    format!("{KEY_FILE_FORMAT}|{key_id}|{demo}")
}

fn derive(
    passphrase: &Passphrase,
    kdf: &KdfParams,
    salt: &[u8],
) -> Result<Zeroizing<[u8; 32]>, String> {
    if kdf.algorithm != "argon2id" {
        return Err(format!("thuật toán “{}” không được hỗ trợ", kdf.algorithm));
    }
    // Bounds on what a key file may ask for: a damaged or hostile file must not make us
    // allocate gigabytes or spin for minutes.
    if !(8 * 1024..=1024 * 1024).contains(&kdf.memory_kib)
        || !(1..=10).contains(&kdf.passes)
        || !(1..=8).contains(&kdf.lanes)
    {
        return Err("tham số argon2id ngoài giới hạn".into());
    }
    let params = Params::new(kdf.memory_kib, kdf.passes, kdf.lanes, Some(32))
        .map_err(|e| format!("tham số argon2id: {e}"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.0.as_bytes(), salt, out.as_mut())
        .map_err(|e| format!("argon2id: {e}"))?;
    Ok(out)
}

fn unwrap_key(
    path: &Path,
    file: &KeyFile,
    passphrase: &Passphrase,
) -> Result<LedgerKey, VaultError> {
    let bad = |reason: &str| VaultError::BadKeyFile {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let salt = hex::decode(&file.kdf.salt).map_err(|_| bad("muối (salt) không phải hex"))?;
    let nonce = hex::decode(&file.nonce).map_err(|_| bad("nonce không phải hex"))?;
    let wrapped = hex::decode(&file.wrapped_key).map_err(|_| bad("khoá bọc không phải hex"))?;
    if nonce.len() != 24 || salt.len() < 8 || salt.len() > 64 {
        return Err(bad("độ dài nonce/muối sai"));
    }
    let wrapping = derive(passphrase, &file.kdf, &salt).map_err(|r| bad(&r))?;
    let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
    let aad = associated_data(file.key_id, file.demo);
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &wrapped,
                    aad: aad.as_bytes(),
                },
            )
            // An AEAD cannot tell a wrong passphrase from a tampered file; the passphrase is by
            // far the likelier, and the message says what to try.
            .map_err(|_| VaultError::WrongPassphrase)?,
    );
    LedgerKey::from_slice(&plain).ok_or_else(|| bad("khoá có độ dài sai"))
}

fn read_key_file(path: &Path) -> Result<KeyFile, VaultError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VaultError::NoKeyFile(path.to_path_buf()))
        }
        Err(e) => {
            return Err(VaultError::Io {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }
    };
    if meta.len() > MAX_KEY_FILE_BYTES {
        return Err(VaultError::BadKeyFile {
            path: path.to_path_buf(),
            reason: format!("tệp lớn bất thường ({} byte)", meta.len()),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| VaultError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let file: KeyFile = serde_json::from_slice(&bytes).map_err(|e| VaultError::BadKeyFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if file.format != KEY_FILE_FORMAT {
        return Err(VaultError::BadKeyFile {
            path: path.to_path_buf(),
            reason: format!("định dạng “{}”", file.format),
        });
    }
    Ok(file)
}

/// Writes the key file whole or not at all, readable by the owner only.
fn write_key_file(path: &Path, file: &KeyFile) -> Result<(), VaultError> {
    let json = serde_json::to_vec_pretty(file).expect("a key file serialises");
    crate::file::write_atomic(path, &json, true).map_err(|e| VaultError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(feature = "device")]
fn entry(key_id: Uuid) -> Result<keyring::Entry, keyring::Error> {
    keyring::Entry::new(APP_IDENTIFIER, &format!("ledger-key-{key_id}"))
}

/// Without the `device` feature (the hub's build) there is no OS key store: the passphrase
/// opens the ledger.
#[cfg(not(feature = "device"))]
fn remember(_: KeyStore, _: Uuid, _: &LedgerKey) -> (bool, Option<String>) {
    (false, Some("bản này không dùng kho khoá của máy".into()))
}

#[cfg(not(feature = "device"))]
fn recall(_: Uuid) -> Option<LedgerKey> {
    None
}

/// Puts the key in the OS key store; returns whether it is there and, if not, why (for the
/// shells to show: the passphrase still opens the ledger, so this is never fatal).
#[cfg(feature = "device")]
fn remember(store: KeyStore, key_id: Uuid, key: &LedgerKey) -> (bool, Option<String>) {
    if store == KeyStore::Off {
        return (
            false,
            Some("kho khoá của máy đã tắt (PAYPOINT_KEYSTORE=off)".into()),
        );
    }
    let hexed = Zeroizing::new(hex::encode(key.0.as_ref()));
    match entry(key_id).and_then(|e| e.set_password(&hexed)) {
        Ok(()) => (true, None),
        Err(e) => (
            false,
            Some(format!("không lưu được vào kho khoá của máy: {e}")),
        ),
    }
}

#[cfg(feature = "device")]
fn recall(key_id: Uuid) -> Option<LedgerKey> {
    let secret = Zeroizing::new(entry(key_id).ok()?.get_password().ok()?);
    let bytes = Zeroizing::new(hex::decode(secret.as_bytes()).ok()?);
    LedgerKey::from_slice(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_opens_with_its_passphrase_only() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("so.sqlite");
        let pass = Passphrase::new("mat-khau-phu-trach").unwrap();
        let (key, report) = create(&ledger, &pass, KeyStore::Off, false).unwrap();
        assert!(!report.in_os_store);
        let (again, report) = unlock(&ledger, Some(&pass), KeyStore::Off).unwrap();
        assert_eq!(report.source, KeySource::Passphrase);
        assert_eq!(key.0.as_ref(), again.0.as_ref());
        let wrong = Passphrase::new("mat-khau-sai-roi").unwrap();
        assert!(matches!(
            unlock(&ledger, Some(&wrong), KeyStore::Off),
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(
            unlock(&ledger, None, KeyStore::Off),
            Err(VaultError::PassphraseNeeded)
        ));
        // The key never appears in the key file.
        let text = std::fs::read_to_string(key_file_path(&ledger)).unwrap();
        assert!(!text.contains(&hex::encode(key.0.as_ref())));
        assert!(!text.contains("mat-khau-phu-trach"));
        assert!(matches!(
            create(&ledger, &pass, KeyStore::Off, false),
            Err(VaultError::KeyFileExists(_))
        ));
    }

    #[test]
    fn a_changed_passphrase_opens_the_same_key_and_the_old_one_no_longer_does() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("so.sqlite");
        let old = Passphrase::new("mat-khau-cu-1234").unwrap();
        let new = Passphrase::new("mat-khau-moi-5678").unwrap();
        let (key, _) = create(&ledger, &old, KeyStore::Off, true).unwrap();
        change_passphrase(&ledger, &old, &new).unwrap();
        // No longer the demo: without a passphrase it stays shut.
        assert!(matches!(
            unlock(&ledger, None, KeyStore::Off),
            Err(VaultError::PassphraseNeeded)
        ));
        let (again, report) = unlock(&ledger, Some(&new), KeyStore::Off).unwrap();
        assert_eq!(key.0.as_ref(), again.0.as_ref());
        assert!(
            !report.demo,
            "a changed passphrase is no longer the published demo one"
        );
        assert!(matches!(
            unlock(&ledger, Some(&old), KeyStore::Off),
            Err(VaultError::WrongPassphrase)
        ));
    }

    #[test]
    fn the_demo_ledger_opens_without_asking() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("so.sqlite");
        let pass = Passphrase::new(DEMO_PASSPHRASE).unwrap();
        let (key, _) = create(&ledger, &pass, KeyStore::Off, true).unwrap();
        let (again, report) = unlock(&ledger, None, KeyStore::Off).unwrap();
        assert!(report.demo);
        assert_eq!(key.0.as_ref(), again.0.as_ref());
    }

    #[test]
    fn a_tampered_or_hostile_key_file_is_refused_without_panicking() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("so.sqlite");
        let pass = Passphrase::new("mat-khau-phu-trach").unwrap();
        create(&ledger, &pass, KeyStore::Off, true).unwrap();
        let path = key_file_path(&ledger);
        let text = std::fs::read_to_string(&path).unwrap();
        // Claiming not to be the demo changes the associated data: refused.
        std::fs::write(&path, text.replace("\"demo\": true", "\"demo\": false")).unwrap();
        assert!(unlock(&ledger, Some(&pass), KeyStore::Off).is_err());
        // A file asking for 4 GiB of memory is refused before any allocation.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut v2 = v.clone();
        v2["kdf"]["memory_kib"] = serde_json::json!(4u64 * 1024 * 1024);
        std::fs::write(&path, v2.to_string()).unwrap();
        assert!(matches!(
            unlock(&ledger, Some(&pass), KeyStore::Off),
            Err(VaultError::BadKeyFile { .. })
        ));
        std::fs::write(&path, b"\x00\xffnot json").unwrap();
        assert!(matches!(
            unlock(&ledger, Some(&pass), KeyStore::Off),
            Err(VaultError::BadKeyFile { .. })
        ));
        assert!(Passphrase::new("short").is_err());
    }
}
