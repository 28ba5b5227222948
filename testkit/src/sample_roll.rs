//! The roll of the import tests: eight people whose names break naive readers (every tone, đ,
//! ư, ơ, capitals), one paid at home. Used by the core's import tests and the command line's.

use paypoint::roll::{BeneficiaryCode, LineKind, Roll, RollEntry, RollLine, Sex};
use paypoint::{Dong, Period};

pub fn period() -> Period {
    "2026-12".parse().unwrap()
}

pub fn line(kind: LineKind, amount: i64) -> RollLine {
    RollLine {
        kind,
        amount: Dong::new(amount).unwrap(),
        covers_from: period(),
        covers_to: period(),
        note: String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
pub fn person(
    code: &str,
    name: &str,
    year: u16,
    sex: Sex,
    village: &str,
    category: &str,
    monthly: i64,
    arrears: i64,
) -> RollEntry {
    let mut lines = vec![line(LineKind::Monthly, monthly)];
    if arrears > 0 {
        lines.push(line(LineKind::Arrears, arrears));
    }
    RollEntry {
        code: BeneficiaryCode::new(code).unwrap(),
        name: name.into(),
        birth_year: Some(year),
        sex: Some(sex),
        village: village.into(),
        id_card: None,
        category: category.into(),
        home_delivery: false,
        proxy: None,
        note: String::new(),
        lines,
    }
}

/// A roll with the names that break naive readers: every tone, đ, ư, ơ, capitals.
pub fn sample_roll() -> Roll {
    let tb = "Thương binh";
    let ls = "Thân nhân liệt sĩ";
    let mut e = vec![
        person(
            "QH-0001",
            "Nguyễn Thị Hường",
            1948,
            Sex::F,
            "Thôn Đông",
            ls,
            2_789_000,
            0,
        ),
        person(
            "QH-0002",
            "Trần Văn Bình",
            1945,
            Sex::M,
            "Thôn Tây",
            tb,
            1_878_000,
            5_634_000,
        ),
        person(
            "QH-0003",
            "Đặng Đình Đức",
            1950,
            Sex::M,
            "Xóm Trại",
            tb,
            8_941_000,
            0,
        ),
        person(
            "QH-0004",
            "Lê Thị Ngọc Ánh",
            1952,
            Sex::F,
            "Thôn Hạ",
            ls,
            5_578_000,
            0,
        ),
        person(
            "QH-0005",
            "Phạm Ngọc Quỳnh Hương",
            1947,
            Sex::F,
            "Thôn Đông",
            ls,
            2_789_000,
            2_789_000,
        ),
        person(
            "QH-0006",
            "Võ Hữu Lộc",
            1949,
            Sex::M,
            "Thôn Phú Lộc",
            tb,
            1_878_000,
            0,
        ),
        person(
            "QH-0007",
            "Hoàng Thị Thủy",
            1951,
            Sex::F,
            "Xóm Bàu",
            ls,
            8_367_000,
            0,
        ),
        person(
            "QH-0008",
            "Bùi Ứng Ước",
            1944,
            Sex::M,
            "Thôn Thượng",
            tb,
            8_941_000,
            0,
        ),
    ];
    e[6].note = "Chi tại nhà".into();
    e[6].home_delivery = true;
    Roll {
        period: period(),
        version: 1,
        entries: e,
    }
}
