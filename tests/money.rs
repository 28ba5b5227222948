//! Properties of the money type over the whole range the ledger accepts.

use paypoint::money::MAX_DONG;
use paypoint::Dong;
use proptest::prelude::*;

proptest! {
    #[test]
    fn formatting_reads_back(n in -MAX_DONG..=MAX_DONG) {
        let d = Dong::new(n).unwrap();
        let shown = d.to_string();
        prop_assert_eq!(shown.parse::<Dong>().unwrap(), d);
        prop_assert_eq!(shown.replace('.', ",").parse::<Dong>().unwrap(), d);
        // Groups of three digits after the first.
        let digits = shown.trim_start_matches('-');
        prop_assert!(digits.split('.').skip(1).all(|g| g.len() == 3));
    }

    #[test]
    fn words_are_well_formed(n in 0..=MAX_DONG) {
        let w = Dong::new(n).unwrap().in_words();
        prop_assert!(w.ends_with(" đồng") || w == "Không đồng");
        prop_assert!(w.chars().next().unwrap().is_uppercase());
        prop_assert!(!w.contains("  "));
        prop_assert!(!w.contains("ngàn") && !w.contains(" lẻ ") && !w.contains(" tư"));
        // "mốt" only after tens of twenty or more, "lăm" only after a ten.
        prop_assert!(!w.contains("mười mốt") && !w.contains("linh mốt") && !w.contains("linh lăm"));
    }

    #[test]
    fn arithmetic_never_wraps(a in -MAX_DONG..=MAX_DONG, b in -MAX_DONG..=MAX_DONG) {
        let (x, y) = (Dong::new(a).unwrap(), Dong::new(b).unwrap());
        match x.checked_add(y) {
            Ok(s) => prop_assert_eq!(s.as_i64() as i128, a as i128 + b as i128),
            Err(_) => prop_assert!((a as i128 + b as i128).abs() > MAX_DONG as i128),
        }
    }

    #[test]
    fn parsing_random_text_never_panics(s in "\\PC{0,24}") {
        let _ = s.parse::<Dong>();
    }
}

#[test]
fn the_issue_cases_read_as_the_north_reads_them() {
    let cases = [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (10_005, "Mười nghìn không trăm linh năm đồng"),
        (1_000_105, "Một triệu một trăm linh năm đồng"),
        (2_055_000, "Hai triệu không trăm năm mươi lăm nghìn đồng"),
        (511_000_000_000, "Năm trăm mười một tỷ đồng"),
        (1_624_000, "Một triệu sáu trăm hai mươi bốn nghìn đồng"),
        (14_000, "Mười bốn nghìn đồng"),
        (100_000_001, "Một trăm triệu không trăm linh một đồng"),
    ];
    for (n, words) in cases {
        assert_eq!(Dong::new(n).unwrap().in_words(), words, "{n}");
    }
}
