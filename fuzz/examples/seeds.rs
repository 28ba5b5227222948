//! Writes the seed corpora of the fuzz targets: real roll files (the import tests' own fixture
//! writer, testkit/src/rollfile.rs, over the demo roll), real canonical events and chains, and
//! real batches naming the fuzzed hub's devices. Each seed starts with the selector byte its
//! target reads first. `cargo run --example seeds -- DIR` writes DIR/<target>/<name>.

use std::io::Write;
use std::path::{Path, PathBuf};

use paypoint::encoding::TextEncoding;
use paypoint::sync::protocol::PushBatch;
use paypoint::Period;

#[allow(dead_code)]
#[path = "../../testkit/src/rollfile.rs"]
mod rollfile;

fn put(dir: &Path, name: &str, sel: u8, bytes: &[u8]) {
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.push(sel);
    v.extend_from_slice(bytes);
    std::fs::write(dir.join(name), v).expect("write seed");
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "corpus".into()));
    let tmp = tempfile::tempdir().unwrap();

    // roll_import: selector bits 0–1 the extension (0 csv, 1 xlsx, 2 xls), 2–3 the encoding option.
    let dir = out.join("roll_import");
    std::fs::create_dir_all(&dir).unwrap();
    let roll = paypoint::demo::roll(Period::new(2025, 7).unwrap(), 4, 7, "HB");
    let shapes = {
        let std = rollfile::Shape::standard(&roll);
        vec![
            ("unicode", std.clone()),
            (
                "tcvn3-text",
                rollfile::Shape {
                    encoding: TextEncoding::Tcvn3,
                    amounts_as_text: true,
                    heading_names: true,
                    ..std.clone()
                },
            ),
            (
                "vni-single",
                rollfile::Shape {
                    encoding: TextEncoding::Vni,
                    single_header: true,
                    sections: false,
                    ..std.clone()
                },
            ),
            (
                "wrong-total",
                rollfile::Shape {
                    grand_total_error: 1000,
                    ..std.clone()
                },
            ),
            // Total rows that state only "Tổng cộng", or no amount (issue 11), and a sheet named
            // in TCVN3.
            (
                "only-total-tcvn3",
                rollfile::Shape {
                    encoding: TextEncoding::Tcvn3,
                    totals: rollfile::TotalsStated::OnlyTotal,
                    sheet_name: "Tháng 7".into(),
                    ..std.clone()
                },
            ),
            (
                "blank-totals",
                rollfile::Shape {
                    totals: rollfile::TotalsStated::None,
                    ..std.clone()
                },
            ),
            (
                "only-total-wrong",
                rollfile::Shape {
                    totals: rollfile::TotalsStated::OnlyTotal,
                    grand_total_error: 1000,
                    ..std
                },
            ),
        ]
    };
    for (name, shape) in &shapes {
        let x = tmp.path().join(format!("{name}.xlsx"));
        rollfile::write_xlsx(&roll, shape, &x);
        put(
            &dir,
            &format!("{name}.xlsx"),
            1,
            &std::fs::read(&x).unwrap(),
        );
        let c = tmp.path().join(format!("{name}.csv"));
        rollfile::write_csv(
            &roll,
            shape,
            &c,
            b',',
            shape.encoding == TextEncoding::Unicode,
        );
        put(&dir, &format!("{name}.csv"), 0, &std::fs::read(&c).unwrap());
        // Excel 97–2003, as many offices still send (python3 with xlwt).
        let xls = tmp.path().join(format!("{name}.xls"));
        rollfile::write_xls(&roll, shape, &xls);
        put(
            &dir,
            &format!("{name}.xls"),
            2,
            &std::fs::read(&xls).unwrap(),
        );
        rollfile::write_csv(&roll, shape, &c, b';', false);
        let sel = if shape.encoding == TextEncoding::Tcvn3 {
            8
        } else {
            0
        };
        put(
            &dir,
            &format!("{name}-semicolon.csv"),
            sel,
            &std::fs::read(&c).unwrap(),
        );
    }

    // event_decode: 0 one event, 1 a chain, 2 a batch.
    let dir = out.join("event_decode");
    std::fs::create_dir_all(&dir).unwrap();
    let devices = paypoint_fuzz::devices();
    let chain = paypoint_fuzz::sample_chain(devices[0].0, devices[0].1, 1);
    for e in &chain {
        put(
            &dir,
            &format!("event-{}", e.seq),
            0,
            serde_json::to_string(e).unwrap().as_bytes(),
        );
    }
    put(
        &dir,
        "chain",
        1,
        serde_json::to_string(&chain).unwrap().as_bytes(),
    );
    let batch = PushBatch::new(devices[0].0, &chain);
    put(&dir, "batch", 2, &serde_json::to_vec(&batch).unwrap());

    // hub_batch: bits 0–1 the form (0 plain, 1 gzip, 2 resealed), 2–3 the device.
    let dir = out.join("hub_batch");
    std::fs::create_dir_all(&dir).unwrap();
    for (n, (id, pp)) in devices.into_iter().enumerate() {
        let chain = paypoint_fuzz::sample_chain(id, pp, 2);
        let body = serde_json::to_vec(&PushBatch::new(id, &chain)).unwrap();
        let dev = (n as u8) << 2;
        put(&dir, &format!("plain-{n}"), dev, &body);
        put(&dir, &format!("resealed-{n}"), dev | 2, &body);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&body).unwrap();
        put(&dir, &format!("gzip-{n}"), dev | 1, &gz.finish().unwrap());
        // The second half alone: a gap (409) until the first half is in.
        let tail = serde_json::to_vec(&PushBatch::new(id, &chain[chain.len() / 2..])).unwrap();
        put(&dir, &format!("tail-{n}"), dev, &tail);
    }
    println!("seeds written to {}", out.display());
}
