//! A deterministic demo roll: realistic names with full diacritics, villages, categories and
//! amounts from the rate table in force (the one the Policy screen shows; NĐ 77/2024 as shipped),
//! some arrears, proxies and home deliveries. The same table, size and seed give the same roll,
//! byte for byte, on every machine.
//!
//! A clerk must be able to believe it: ID card numbers built as real ones are (`id_card`),
//! proxies whose relationship fits their name and sex (`relative`), and a few deaths reported
//! with their dates ([`deaths`]). The times of a scripted demo month are the demo clock's
//! ([`crate::clock`]).

use chrono::{Datelike, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::clerk::SignedIn;
use crate::ledger::Ledger;
use crate::model::{BeneficiaryCode, LineKind, Proxy, Sex, StopReason};
use crate::period::Period;
use crate::policy::PolicyTable;
use crate::roll::{Roll, RollEntry, RollLine};
use crate::stop::{StopError, StopReceipt};

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
/// Middle names a clerk reads as a man's or a woman's without a doubt: a proxy's relationship
/// ("con trai", "vợ") must agree with the name printed beside it.
const MIDDLE_M_PLAIN: &[&str] = &["Văn", "Hữu", "Đức", "Công", "Quang", "Đình"];
const MIDDLE_F_PLAIN: &[&str] = &["Thị"];

/// Province codes of the ID card (the first three digits: where the birth was registered).
/// Most people here were born in the old Quảng Bình (044) or in Quảng Trị (045); some elsewhere.
const PROVINCES: &[&str] = &[
    "044", "044", "044", "044", "044", "044", "045", "045", "001", "040", "042", "046", "079",
];

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

/// A proxy's name: a plainly male or female middle name, and the family name given (a child
/// of a man bears his family name).
fn proxy_name(rng: &mut ChaCha8Rng, sex: Sex, family: Option<&str>) -> String {
    let (middle, given) = match sex {
        Sex::M => (MIDDLE_M_PLAIN, GIVEN_M),
        Sex::F => (MIDDLE_F_PLAIN, GIVEN_F),
    };
    let family = match family {
        Some(f) => f,
        None => pick(rng, FAMILY),
    };
    format!("{family} {} {}", pick(rng, middle), pick(rng, given))
}

/// An ID card (CCCD) number as the Ministry of Public Security builds one: the province code of
/// the birth registration, the sex-and-century digit (1900s: 0 man, 1 woman; 2000s: 2 man,
/// 3 woman), the last two digits of the birth year, then six digits.
fn id_card(rng: &mut ChaCha8Rng, sex: Sex, birth_year: u16) -> String {
    let century = if birth_year >= 2000 { 2 } else { 0 };
    let digit = century + u16::from(sex == Sex::F);
    format!(
        "{}{digit}{:02}{:06}",
        pick(rng, PROVINCES),
        birth_year % 100,
        rng.gen_range(0..1_000_000u32)
    )
}

/// A relative who may collect for the beneficiary: the relationship, their sex, their birth
/// year, and whether they bear the beneficiary's family name.
struct Relative {
    relationship: &'static str,
    sex: Sex,
    birth_year: u16,
    same_family: bool,
}

/// Picks a relative who fits the beneficiary: a wife for a man, a husband for a woman (only
/// while the couple could both be alive), children a generation younger, a son's child two.
fn relative(rng: &mut ChaCha8Rng, sex: Sex, birth_year: u16, age: u16) -> Relative {
    let spouse_alive = age < 85;
    let r = rng.gen_range(0..if spouse_alive { 6 } else { 5 });
    let child = birth_year + rng.gen_range(20..36);
    let grandchild = birth_year + rng.gen_range(45..60);
    // A man's children bear his family name; a woman's bear their father's.
    let his = sex == Sex::M;
    let (relationship, rel_sex, year, same_family) = match r {
        0 => ("con trai", Sex::M, child, his),
        1 => ("con gái", Sex::F, child, his),
        2 => ("con dâu", Sex::F, child, false),
        3 => ("con rể", Sex::M, child, false),
        4 => (
            "cháu nội",
            if rng.gen_bool(0.5) { Sex::M } else { Sex::F },
            grandchild,
            his,
        ),
        _ if his => ("vợ", Sex::F, birth_year + rng.gen_range(0..8), false),
        _ => (
            "chồng",
            Sex::M,
            birth_year.saturating_sub(rng.gen_range(0..8)),
            false,
        ),
    };
    Relative {
        relationship,
        sex: rel_sex,
        birth_year: year,
        same_family,
    }
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

/// The beneficiary as the proxy is chosen for them.
struct Person<'a> {
    name: &'a str,
    sex: Sex,
    birth_year: u16,
}

/// Now and then an authorised proxy, more often for those paid at home: a relative who fits
/// the person (see [`relative`]), an adult, with an ID card of their own.
fn proxy_for(
    rng: &mut ChaCha8Rng,
    period: Period,
    home_delivery: bool,
    person: &Person<'_>,
) -> Option<Proxy> {
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
        let age = period.year().saturating_sub(person.birth_year);
        let r = relative(rng, person.sex, person.birth_year, age);
        // Only an adult collects money for someone else.
        let birth_year = r.birth_year.min(period.year().saturating_sub(18));
        let family = r
            .same_family
            .then(|| person.name.split(' ').next())
            .flatten();
        Proxy {
            name: proxy_name(rng, r.sex, family),
            id_card: id_card(rng, r.sex, birth_year),
            relationship: r.relationship.to_string(),
            valid_until,
        }
    })
}

/// The code prefix from the pay point's code: its first eight letters and digits.
fn code_prefix(pay_point: &str) -> String {
    let prefix: String = pay_point
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect::<String>()
        .to_uppercase();
    if prefix.is_empty() {
        "DEMO".to_string()
    } else {
        prefix
    }
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
    let prefix = code_prefix(pay_point);
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
        let name = name(&mut rng, sex);
        let person = Person {
            name: &name,
            sex,
            birth_year,
        };
        let proxy = proxy_for(&mut rng, period, home_delivery, &person);
        let village = pick(&mut rng, VILLAGES).to_string();
        let id_card = id_card(&mut rng, sex, birth_year);
        entries.push(RollEntry {
            code: BeneficiaryCode::new(&format!("{prefix}-{:06}", i + 1)).expect("valid code"),
            name,
            birth_year: Some(birth_year),
            sex: Some(sex),
            village,
            id_card: Some(id_card),
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

/// A death the demo pay point has heard of, with its date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDeath {
    /// The beneficiary.
    pub code: BeneficiaryCode,
    /// Date of death: in the month before the period (the family came to say so).
    pub date: NaiveDate,
}

/// A few deaths among the roll's people (one in a hundred, at least one on a roll of ten or
/// more), each with its date, chosen among those paid at the counter in person so that the
/// demo's home deliveries and proxies stay whole. The same roll and seed give the same deaths.
pub fn deaths(roll: &Roll, seed: u64) -> Vec<DemoDeath> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xDEAD);
    let candidates: Vec<&RollEntry> = roll
        .entries
        .iter()
        .filter(|e| !e.home_delivery && e.proxy.is_none())
        .collect();
    let n = if roll.entries.len() >= 10 {
        (roll.entries.len() / 100).max(1)
    } else {
        0
    };
    let before = roll.period.prev();
    let days = before.last_day().day();
    candidates
        .choose_multiple(&mut rng, n)
        .map(|e| DemoDeath {
            code: e.code.clone(),
            date: before
                .first_day()
                .with_day(rng.gen_range(1..=days))
                .unwrap_or(before.first_day()),
        })
        .collect()
}

/// Reports the demo roll's [`deaths`] as stop reports with their dates, by `by`.
pub fn report_deaths(
    ledger: &mut Ledger,
    by: &SignedIn,
    roll: &Roll,
    seed: u64,
) -> Result<Vec<StopReceipt>, StopError> {
    deaths(roll, seed)
        .into_iter()
        .map(|d| {
            ledger.report_stop(
                by,
                &d.code,
                StopReason::Death,
                Some(d.date),
                "Gia đình báo tin, có giấy báo tử của UBND xã",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Dong;

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

    /// The sex a clerk reads in a name, from its middle name: "Văn" a man, "Thị" a woman.
    fn sex_read_in(name: &str) -> Option<Sex> {
        let middle = name.split(' ').nth(1)?;
        match middle {
            "Văn" | "Hữu" | "Đức" | "Công" | "Quang" | "Đình" => Some(Sex::M),
            "Thị" => Some(Sex::F),
            _ => None,
        }
    }

    /// True when a CCCD number is built as real ones are, for a person of this sex and year.
    fn cccd_fits(id: &str, sex: Sex, birth_year: u16) -> bool {
        let d: Vec<u32> = id.chars().filter_map(|c| c.to_digit(10)).collect();
        let expected = match (birth_year >= 2000, sex) {
            (false, Sex::M) => 0,
            (false, Sex::F) => 1,
            (true, Sex::M) => 2,
            (true, Sex::F) => 3,
        };
        id.len() == 12
            && d.len() == 12
            && PROVINCES.contains(&&id[..3])
            && d[3] == expected
            && id[4..6] == format!("{:02}", birth_year % 100)
    }

    fn many_rolls() -> impl Iterator<Item = Roll> {
        let p: Period = "2026-12".parse().unwrap();
        (0..60u64).map(move |seed| roll(p, 120, seed, "QH01"))
    }

    #[test]
    fn every_proxys_relationship_fits_the_sex_their_name_says() {
        let mut seen = std::collections::BTreeSet::new();
        for r in many_rolls() {
            for e in &r.entries {
                let Some(p) = &e.proxy else { continue };
                let sex = sex_read_in(&p.name).unwrap_or_else(|| panic!("{}", p.name));
                let fits = match p.relationship.as_str() {
                    "con trai" | "con rể" | "chồng" => sex == Sex::M,
                    "con gái" | "con dâu" | "vợ" => sex == Sex::F,
                    "cháu nội" => true,
                    other => panic!("unexpected relationship {other}"),
                };
                assert!(fits, "{} as “{}”", p.name, p.relationship);
                // A wife for a man, a husband for a woman.
                match p.relationship.as_str() {
                    "vợ" => assert_eq!(e.sex, Some(Sex::M), "{} has a wife", e.name),
                    "chồng" => assert_eq!(e.sex, Some(Sex::F), "{} has a husband", e.name),
                    _ => {}
                }
                // A man's son bears his family name.
                if e.sex == Some(Sex::M)
                    && ["con trai", "con gái"].contains(&p.relationship.as_str())
                {
                    assert_eq!(
                        e.name.split(' ').next(),
                        p.name.split(' ').next(),
                        "{} / {}",
                        e.name,
                        p.name
                    );
                }
                seen.insert(p.relationship.clone());
            }
        }
        assert!(seen.len() >= 6, "a variety of relatives: {seen:?}");
    }

    #[test]
    fn every_id_card_has_12_digits_with_the_sex_and_century_of_its_holder() {
        let p: Period = "2026-12".parse().unwrap();
        for r in many_rolls() {
            for e in &r.entries {
                let id = e.id_card.as_deref().unwrap();
                let (sex, year) = (e.sex.unwrap(), e.birth_year.unwrap());
                assert!(cccd_fits(id, sex, year), "{id} for {:?} born {year}", sex);
                if let Some(proxy) = &e.proxy {
                    let sex = sex_read_in(&proxy.name).unwrap();
                    let yy: u16 = proxy.id_card[4..6].parse().unwrap();
                    let century = proxy.id_card.as_bytes()[3] - b'0';
                    let year = if century >= 2 { 2000 + yy } else { 1900 + yy };
                    assert!(cccd_fits(&proxy.id_card, sex, year), "{}", proxy.id_card);
                    assert!(
                        p.year() - year >= 18,
                        "an adult collects: {}",
                        proxy.id_card
                    );
                }
            }
        }
    }

    #[test]
    fn a_few_deaths_are_reported_with_dates_in_the_month_before() {
        let p: Period = "2026-12".parse().unwrap();
        let r = roll(p, 300, 1, "QH01");
        let d = deaths(&r, 1);
        assert_eq!(d.len(), 3);
        assert_eq!(d, deaths(&r, 1), "the same roll and seed, the same deaths");
        for death in &d {
            assert_eq!(Period::containing(death.date), p.prev());
            let e = r.entries.iter().find(|e| e.code == death.code).unwrap();
            assert!(!e.home_delivery && e.proxy.is_none());
        }
        assert!(deaths(&roll(p, 5, 1, "QH01"), 1).is_empty());
    }

    /// A demo ledger with its clerk: a roll of `size` for December 2026.
    fn demo_ledger(dir: &std::path::Path, size: usize) -> (Ledger, SignedIn, Roll) {
        use crate::clerk::Pin;
        use crate::model::Role;
        let mut l = Ledger::init(&dir.join("l.sqlite"), "QH01", "Quảng Hưng").unwrap();
        let pin = Pin::new("1234").unwrap();
        l.add_clerk("Mai", Role::Clerk, &pin).unwrap();
        let me = l.sign_in(1, &pin).unwrap();
        let r = roll("2026-12".parse().unwrap(), size, 4, "QH01");
        l.load_roll(&r, "demo", true).unwrap();
        (l, me, r)
    }

    #[test]
    fn on_the_demo_clock_every_payment_visit_and_stop_is_in_the_posted_schedule() {
        use crate::model::VisitOutcome;
        use crate::payout::{PayoutRequest, Recipient};
        let dir = tempfile::tempdir().unwrap();
        let (mut l, me, r) = demo_ledger(dir.path(), 60);
        l.use_demo_clock().unwrap();
        l.record_advance(&me, Dong::new(2_000_000_000).unwrap(), "")
            .unwrap();
        let p = r.period;
        report_deaths(&mut l, &me, &r, 4).unwrap();
        let dead: Vec<_> = deaths(&r, 4).into_iter().map(|d| d.code).collect();
        let mut paid = 0;
        for e in r.entries.iter().filter(|e| !dead.contains(&e.code)) {
            if e.home_delivery {
                l.record_visit(
                    &me,
                    &e.code,
                    VisitOutcome::Absent,
                    Recipient::Beneficiary,
                    "",
                )
                .unwrap();
            } else if e.proxy.is_none() {
                l.record_payout(&me, &PayoutRequest::at_counter(e.code.clone()))
                    .unwrap();
                paid += 1;
            }
        }
        assert!(paid > 20, "{paid} paid");
        let paid_at: Vec<String> = l
            .conn
            .prepare("SELECT paid_at FROM payouts")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(paid_at.len(), paid);
        let events = l.events_after(0, 10_000).unwrap();
        let local = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .unwrap_or_else(|e| panic!("{t}: {e}"))
                .naive_local()
        };
        // After the roll is loaded, every event is on the demo clock.
        let after_roll = events
            .iter()
            .skip_while(|e| e.kind.as_str() != "roll_loaded")
            .skip(1);
        let mut n = 0;
        for e in after_roll {
            assert!(
                crate::clock::within_schedule(p, local(&e.time)),
                "{} at {}",
                e.kind.as_str(),
                e.time
            );
            n += 1;
        }
        assert!(n > 40, "{n} events");
        for t in &paid_at {
            assert!(crate::clock::within_schedule(p, local(t)), "paid at {t}");
        }
    }

    #[test]
    fn the_demo_clock_is_refused_on_a_ledger_with_a_real_roll() {
        let dir = tempfile::tempdir().unwrap();
        let (mut l, _, r) = demo_ledger(dir.path(), 5);
        let real = roll(r.period.next(), 5, 4, "QH01");
        l.load_roll(&real, "ds-thang-1.xlsx", false).unwrap();
        let err = l.use_demo_clock().unwrap_err();
        assert_eq!(err.code(), "demo_clock_on_real_ledger");
        assert!(err.to_string().contains("2027-01"), "{err}");
    }

    #[test]
    fn deaths_are_recorded_as_stop_reports_with_their_dates() {
        use crate::clerk::Pin;
        use crate::model::Role;
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::init(&dir.path().join("l.sqlite"), "QH01", "Quảng Hưng").unwrap();
        let pin = Pin::new("1234").unwrap();
        l.add_clerk("Mai", Role::Clerk, &pin).unwrap();
        let me = l.sign_in(1, &pin).unwrap();
        let p: Period = "2026-12".parse().unwrap();
        let r = roll(p, 200, 4, "QH01");
        l.load_roll(&r, "demo", true).unwrap();
        let got = report_deaths(&mut l, &me, &r, 4).unwrap();
        assert_eq!(got.len(), 2);
        for (stop, death) in got.iter().zip(deaths(&r, 4)) {
            assert_eq!(stop.reason, StopReason::Death);
            assert_eq!(stop.date, Some(death.date));
            let card = l.beneficiary(&death.code).unwrap().unwrap();
            assert!(card.stop.is_some(), "{} is stopped", death.code);
        }
    }
}
