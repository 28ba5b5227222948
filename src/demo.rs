//! A deterministic demo roll: realistic names with full diacritics, villages, categories and
//! amounts from the rate table in force (the one the Policy screen shows; NĐ 77/2024 as shipped),
//! some arrears, proxies and home deliveries. The same table, size and seed give the same roll,
//! byte for byte, on every machine.

use chrono::Datelike;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{BeneficiaryCode, LineKind, Proxy, Sex};
use crate::period::Period;
use crate::policy::PolicyTable;
use crate::roll::{Roll, RollEntry, RollLine};

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương",
];
const MIDDLE_M: &[&str] = &[
    "Văn", "Hữu", "Đức", "Công", "Quang", "Minh", "Xuân", "Đình", "Ngọc", "Thanh",
];
const MIDDLE_F: &[&str] = &["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Xuân"];
const GIVEN_M: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam", "Phúc",
    "Quý", "Sơn", "Tâm", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Lộc",
];
const GIVEN_F: &[&str] = &[
    "Hường",
    "Hương",
    "Lan",
    "Mai",
    "Nga",
    "Oanh",
    "Phượng",
    "Thủy",
    "Tuyết",
    "Yến",
    "Nhung",
    "Hạnh",
    "Hoa",
    "Liên",
    "Loan",
    "Ngọc",
    "Nhàn",
    "Sen",
    "Xuyến",
    "Đào",
];
const VILLAGES: &[&str] = &[
    "Thôn Đông",
    "Thôn Tây",
    "Thôn Trung",
    "Thôn Thượng",
    "Thôn Hạ",
    "Xóm Trại",
    "Thôn Phú Lộc",
    "Thôn Tân Mỹ",
    "Xóm Bàu",
    "Thôn Hòa Bình",
];
const RELATIONSHIPS: &[&str] = &["con trai", "con gái", "con dâu", "cháu nội", "vợ", "chồng"];

fn pick<'a>(rng: &mut ChaCha8Rng, xs: &'a [&'a str]) -> &'a str {
    xs.choose(rng).expect("lists are not empty")
}

fn name(rng: &mut ChaCha8Rng, sex: Sex) -> String {
    let (middle, given) = match sex {
        Sex::M => (MIDDLE_M, GIVEN_M),
        Sex::F => (MIDDLE_F, GIVEN_F),
    };
    format!(
        "{} {} {}",
        pick(rng, FAMILY),
        pick(rng, middle),
        pick(rng, given)
    )
}

/// The lines owed to one demo person of this rate: the monthly allowance, its supplement, the
/// carer's allowance for the most severe cases, now and then arrears. Also whether the case is
/// severe (paid at home). The draws from `rng` keep their order: the demo roll is reproducible.
fn lines_for(
    rng: &mut ChaCha8Rng,
    table: &PolicyTable,
    rate: &crate::policy::Rate,
    period: Period,
) -> (Vec<RollLine>, bool) {
    let mut lines = vec![RollLine {
        kind: LineKind::Monthly,
        amount: rate.monthly_dong(),
        covers_from: period,
        covers_to: period,
        note: String::new(),
    }];
    if let Some(s) = rate.supplement {
        lines.push(RollLine {
            kind: LineKind::Supplement,
            amount: s,
            covers_from: period,
            covers_to: period,
            note: String::new(),
        });
    }
    let severe = rate.category.contains("81%") || rate.category.contains("100%");
    if severe && rng.gen_bool(0.7) {
        let carer = if rate.category.contains("100%") {
            table.carer_severe
        } else {
            table.carer
        };
        lines.push(RollLine {
            kind: LineKind::Carer,
            amount: carer,
            covers_from: period,
            covers_to: period,
            note: String::new(),
        });
    }
    if rng.gen_bool(0.06) {
        let months = rng.gen_range(1..=6u8);
        let mut from = period;
        for _ in 0..months {
            from = from.prev();
        }
        lines.push(RollLine {
            kind: LineKind::Arrears,
            amount: rate
                .monthly_dong()
                .checked_mul(months as i64)
                .expect("small"),
            covers_from: from,
            covers_to: period.prev(),
            note: format!("Truy lĩnh {months} tháng theo quyết định điều chỉnh"),
        });
    }
    (lines, severe)
}

/// Now and then an authorised proxy, more often for those paid at home.
fn proxy_for(rng: &mut ChaCha8Rng, period: Period, home_delivery: bool) -> Option<Proxy> {
    (rng.gen_bool(if home_delivery { 0.3 } else { 0.06 })).then(|| {
        // Some authorisations end this month, so that the Today screen has something to warn of.
        let valid_until = if rng.gen_bool(0.25) {
            period.last_day()
        } else {
            period
                .first_day()
                .with_year(period.year() as i32 + 1)
                .unwrap_or(period.first_day())
        };
        let proxy_sex = if rng.gen_bool(0.5) { Sex::M } else { Sex::F };
        Proxy {
            name: name(rng, proxy_sex),
            id_card: format!("044{:09}", rng.gen_range(0..1_000_000_000u32)),
            relationship: pick(rng, RELATIONSHIPS).to_string(),
            valid_until,
        }
    })
}

/// A demo roll of `size` beneficiaries for `period`, from the table shipped with the program.
/// `pay_point` prefixes the codes.
pub fn roll(period: Period, size: usize, seed: u64, pay_point: &str) -> Roll {
    roll_with(crate::policy::shipped(), period, size, seed, pay_point)
}

/// A demo roll from `table` (the ledger's table in force: [`crate::Ledger::policy_table_on`]).
pub fn roll_with(
    table: &PolicyTable,
    period: Period,
    size: usize,
    seed: u64,
    pay_point: &str,
) -> Roll {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let prefix: String = pay_point
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect::<String>()
        .to_uppercase();
    let prefix = if prefix.is_empty() {
        "DEMO".to_string()
    } else {
        prefix
    };
    let mut entries = Vec::with_capacity(size);
    for i in 0..size {
        let rate = table.rates.choose(&mut rng).expect("a table has rates");
        let mother = rate.category.starts_with("Bà mẹ");
        let relative = rate.category.starts_with("Thân nhân");
        let sex = if mother || (relative && rng.gen_bool(0.6)) || rng.gen_bool(0.2) {
            Sex::F
        } else {
            Sex::M
        };
        let birth_year: u16 = if mother {
            // Heroic Mothers alive today are in their nineties; the hub flags a payout to a
            // person of 100 or more for a check of life, which an honest demo month must not raise.
            rng.gen_range(1927..1936)
        } else if relative {
            rng.gen_range(1940..1975)
        } else {
            rng.gen_range(1935..1960)
        };
        let age = period.year().saturating_sub(birth_year);
        let (lines, severe) = lines_for(&mut rng, table, rate, period);
        let home_delivery = age >= 85 || severe || rng.gen_bool(0.05);
        let proxy = proxy_for(&mut rng, period, home_delivery);
        entries.push(RollEntry {
            code: BeneficiaryCode::new(&format!("{prefix}-{:06}", i + 1)).expect("valid code"),
            name: name(&mut rng, sex),
            birth_year: Some(birth_year),
            sex: Some(sex),
            village: pick(&mut rng, VILLAGES).to_string(),
            id_card: Some(format!(
                "044{}{:02}{:07}",
                if sex == Sex::M { 0 } else { 1 },
                birth_year % 100,
                rng.gen_range(0..10_000_000u32)
            )),
            category: rate.category.to_string(),
            home_delivery,
            proxy,
            note: String::new(),
            lines,
        });
    }
    Roll {
        period,
        version: 1,
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_roll() {
        let p: Period = "2026-12".parse().unwrap();
        let a = roll(p, 200, 7, "QH");
        assert_eq!(a, roll(p, 200, 7, "QH"));
        assert_ne!(a, roll(p, 200, 8, "QH"));
        a.validate().unwrap();
        assert!(a.entries.iter().any(|e| e.proxy.is_some()));
        assert!(a.entries.iter().any(|e| e.home_delivery));
        assert!(a
            .entries
            .iter()
            .any(|e| e.lines.iter().any(|l| l.kind == LineKind::Arrears)));
    }
}
