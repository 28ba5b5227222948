//! Bytes → the hub's batch ingest (`district::Hub::ingest`), as the `POST
//! /v1/pay-points/{code}/batches` handler calls it once the request's signature holds. One hub
//! per process (a temporary store, two pay points, three enrolled devices); after every input
//! the store's consistency check (`HubFixture::check`) must pass.
//!
//! The first byte: bits 0–1 the body's form — 0 and 3 plain JSON, 1 gzip (decoded as the
//! server's decompression layer does before the handler sees it), 2 "resealed": the input is
//! read as a batch and made valid again (device, numbering from where the hub is, fresh ids,
//! tags and head recomputed), so that the fuzzer reaches the projection of payloads into the
//! hub's tables; such a batch must be accepted, and the same batch sent again must get the same
//! receipt. Bits 2–3 the device, bit 4 a path naming another pay point than the device's.
#![no_main]

use std::io::Read;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use paypoint::event::sha256_hex;
use paypoint::sync::protocol::{PushBatch, TAG_HEX};
use paypoint_fuzz::HubFixture;
use uuid::Uuid;

static HUB: LazyLock<HubFixture> = LazyLock::new(HubFixture::new);

/// Most bytes a gzip body may expand to here (the fuzzer must not spend its time inflating).
const MAX_INFLATED: u64 = 8 * 1024 * 1024;

fn reseal(fx: &HubFixture, device: Uuid, body: &[u8]) -> Option<Vec<u8>> {
    let mut batch: PushBatch = serde_json::from_slice(body).ok()?;
    let (accepted, head) = fx.position(device);
    let n = batch.events.len() as u64;
    batch.device = device;
    batch.first_seq = accepted + 1;
    batch.last_seq = accepted + n.max(1);
    // Fresh ids: an id the hub already holds is refused (rightly), and that is the plain form's
    // business.
    batch.ids = (0..n)
        .map(|i| sha256_hex(format!("{device}/{}", accepted + 1 + i).as_bytes())[..32].to_string())
        .collect();
    batch.tags = "0".repeat(batch.events.len() * TAG_HEX);
    batch.head = "0".repeat(64);
    let mut events = batch.events().ok()?;
    if events
        .iter()
        .any(|e| !paypoint_fuzz::integers_only(&e.payload))
    {
        // Not stable through serde_json's default float parsing: the device's hash and the
        // hub's may differ by a rounding (see `integers_only`); the ledger writes integers.
        return None;
    }
    let mut prev = head;
    let mut tags = String::new();
    for e in &mut events {
        e.prev = prev;
        e.hash = e.compute_hash();
        tags.push_str(&e.hash[..TAG_HEX]);
        prev = e.hash.clone();
    }
    batch.tags = tags;
    batch.head = prev;
    batch.batch_id = PushBatch::new(device, &events).batch_id;
    Some(serde_json::to_vec(&batch).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let fx = &*HUB;
    let dev = &fx.devices[usize::from((sel >> 2) & 3) % fx.devices.len()];
    let pay_point = if sel & 16 != 0 {
        paypoint_fuzz::PAY_POINTS
            .into_iter()
            .find(|p| *p != dev.pay_point)
            .unwrap()
    } else {
        dev.pay_point.as_str()
    };
    let before = fx.position(dev.id);
    match sel & 3 {
        1 => {
            let mut body = Vec::new();
            let ok = flate2::read::MultiGzDecoder::new(input)
                .take(MAX_INFLATED)
                .read_to_end(&mut body)
                .is_ok();
            if ok {
                let _ = fx.hub.ingest(dev, pay_point, &body);
            }
        }
        2 => {
            if let Some(body) = reseal(fx, dev.id, input) {
                let first = fx.hub.ingest(dev, pay_point, &body);
                if pay_point == dev.pay_point {
                    let receipt = first.unwrap_or_else(|e| {
                        panic!("a valid batch was refused: {} {}", e.status, e.body.error)
                    });
                    let again = fx.hub.ingest(dev, pay_point, &body).unwrap_or_else(|e| {
                        panic!("a batch sent again was refused: {}", e.body.error)
                    });
                    assert_eq!(receipt, again, "the same batch gets the same receipt");
                    let after = fx.position(dev.id);
                    assert!(after.0 > before.0, "a new batch moves the device on");
                } else {
                    assert!(first.is_err(), "a device pushed to another pay point");
                }
            }
        }
        _ => {
            let _ = fx.hub.ingest(dev, pay_point, input);
        }
    }
    if let Err(e) = fx.check() {
        panic!("the hub's store is inconsistent: {e}");
    }
    let after = fx.position(dev.id);
    assert!(after.0 >= before.0, "the accepted sequence never goes back");
});
