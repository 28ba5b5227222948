//! `paypoint org show|set`: the managing office, the payer, the province and commune, the
//! signers' titles and the payer's fee rate, as the papers print them.

use clap::{Args, Subcommand};
use paypoint::org::{fee_rate_label, OrgChange, Organisation};
use paypoint::Ledger;
use serde_json::{json, Value};

use crate::access::sign_in;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Xem thông tin đơn vị in trên giấy tờ (giá trị mặc định ghi "(mặc định)").
    Show,
    /// Đổi thông tin đơn vị (giám sát viên: --clerk ID và PIN của mình; ghi vào nhật ký). Chỉ
    /// đổi những gì được ghi; ghi "" để trở về mặc định.
    Set(Box<SetArgs>),
}

/// What `org set` changes; each left out stays as it is.
#[derive(Args)]
pub struct SetArgs {
    /// Đơn vị quản lý (ví dụ "UBND xã Quảng Hưng", "Sở Nội vụ tỉnh Quảng Trị"). Mặc định:
    /// "UBND xã <xã>".
    #[arg(long, value_name = "TÊN")]
    managing_office: Option<String>,
    /// Đơn vị chi trả, cơ quan chủ quản trước dấu " — " (ví dụ "Bưu điện tỉnh Quảng Trị — Bưu
    /// điện văn hóa xã Quảng Hưng"). Mặc định: tên điểm chi trả, có "Bưu điện tỉnh <tỉnh>" ở trên
    /// khi đã ghi tỉnh.
    #[arg(long, value_name = "TÊN")]
    payer: Option<String>,
    /// Tỉnh (ví dụ "Quảng Trị").
    #[arg(long, value_name = "TÊN")]
    province: Option<String>,
    /// Xã: địa danh ở dòng ngày tháng. Mặc định: tên xã trong tên điểm chi trả.
    #[arg(long, value_name = "TÊN")]
    commune: Option<String>,
    /// Chức danh người lập biểu (mặc định "Người lập biểu").
    #[arg(long, value_name = "CHỨC DANH")]
    title_preparer: Option<String>,
    /// Chức danh kế toán (mặc định "Kế toán").
    #[arg(long, value_name = "CHỨC DANH")]
    title_accountant: Option<String>,
    /// Chức danh thủ trưởng đơn vị chi trả (mặc định "Giám đốc Bưu điện").
    #[arg(long, value_name = "CHỨC DANH")]
    title_head: Option<String>,
    /// Chức danh nhân viên chi trả (mặc định "Nhân viên chi trả").
    #[arg(long, value_name = "CHỨC DANH")]
    title_clerk: Option<String>,
    /// Chức danh người ký cho đơn vị quản lý (mặc định "Đại diện <đơn vị quản lý>" khi đã ghi
    /// đơn vị quản lý, nếu không "Đại diện UBND xã").
    #[arg(long, value_name = "CHỨC DANH")]
    title_managing: Option<String>,
    /// Chức danh người giám sát của đơn vị quản lý (TT 44/2022/TT-BTC Điều 8; mặc định "Người
    /// giám sát").
    #[arg(long, value_name = "CHỨC DANH")]
    title_supervisor: Option<String>,
    /// Phí chi trả, phần trăm số tiền đã chi theo hợp đồng (TT 44/2022/TT-BTC Điều 7.2.g, sửa
    /// đổi bởi TT 95/2025/TT-BTC): ví dụ 0,55 nghĩa là 0,55%; "" để bỏ.
    #[arg(long, value_name = "PHẦN TRĂM")]
    fee_rate: Option<String>,
}

impl SetArgs {
    fn change(&self) -> OrgChange {
        OrgChange {
            managing_office: self.managing_office.clone(),
            payer: self.payer.clone(),
            province: self.province.clone(),
            commune: self.commune.clone(),
            title_preparer: self.title_preparer.clone(),
            title_accountant: self.title_accountant.clone(),
            title_head: self.title_head.clone(),
            title_clerk: self.title_clerk.clone(),
            title_managing: self.title_managing.clone(),
            title_supervisor: self.title_supervisor.clone(),
            fee_rate: self.fee_rate.clone(),
        }
    }
}

/// The organisation as printed, and whether `set` changed anything.
struct Shown {
    org: Organisation,
    changed: Option<bool>,
}

/// "X" or "X (mặc định)".
fn marked(value: &str, set: bool) -> String {
    if set {
        value.to_string()
    } else {
        format!("{value} (mặc định)")
    }
}

impl Report for Shown {
    fn text(&self) -> String {
        let mut out = String::new();
        match self.changed {
            Some(true) => put!(out, "Đã đổi thông tin đơn vị (ghi vào nhật ký)."),
            Some(false) => put!(out, "Không có gì thay đổi; không ghi gì."),
            None => {}
        }
        let (o, s) = (&self.org, &self.org.settings);
        let t = &o.titles;
        let rows = [
            (
                "Đơn vị quản lý",
                &o.managing_office,
                s.managing_office.is_some(),
            ),
            ("Đơn vị chi trả", &o.payer, s.payer.is_some()),
            ("Xã (dòng ngày tháng)", &o.place, s.commune.is_some()),
            ("Người lập biểu", &t.preparer, s.title_preparer.is_some()),
            ("Kế toán", &t.accountant, s.title_accountant.is_some()),
            ("Thủ trưởng đơn vị chi trả", &t.head, s.title_head.is_some()),
            ("Nhân viên chi trả", &t.clerk, s.title_clerk.is_some()),
            (
                "Người ký cho đơn vị quản lý",
                &t.managing,
                s.title_managing.is_some(),
            ),
            (
                "Người giám sát",
                &t.supervisor,
                s.title_supervisor.is_some(),
            ),
        ];
        put!(
            out,
            "Tỉnh: {}",
            o.province.as_deref().unwrap_or("(chưa ghi)")
        );
        for (label, value, set) in rows {
            put!(out, "{label}: {}", marked(value, set));
        }
        let fee = o
            .fee_rate_bp
            .map_or_else(|| "chưa ghi".to_string(), fee_rate_label);
        put!(out, "Phí chi trả: {fee}");
        out
    }

    fn json(&self) -> Value {
        let mut v = to_json(&self.org);
        if let Some(changed) = self.changed {
            v["changed"] = json!(changed);
        }
        v
    }
}

/// `paypoint org …`.
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, command: &OrgCommand) -> Outcome {
    match command {
        OrgCommand::Show => done(Shown {
            org: ledger.organisation()?,
            changed: None,
        }),
        OrgCommand::Set(args) => {
            let by = sign_in(ledger, clerk)?;
            let (_, changed) = ledger.set_org(&by, &args.change())?;
            done(Shown {
                org: ledger.organisation()?,
                changed: Some(changed),
            })
        }
    }
}
