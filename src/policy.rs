//! The allowance categories and their monthly amounts under Decree 77/2024/NĐ-CP (from 1/7/2024,
//! base rate 2.789.000 đ), with a short explanation each: the clerk's reference when a
//! beneficiary asks why they receive what they receive. The demo roll draws from the same table.

use serde::Serialize;

use crate::money::Dong;

/// The base rate (mức chuẩn) of Decree 77/2024/NĐ-CP.
pub const BASE_RATE: i64 = 2_789_000;

/// One category and its monthly amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rate {
    /// The category as rolls write it.
    pub category: &'static str,
    /// Monthly allowance, đồng.
    pub monthly: i64,
    /// Monthly supplement (phụ cấp), if any.
    pub supplement: Option<i64>,
    /// A short explanation for the beneficiary.
    pub explanation: &'static str,
}

impl Rate {
    /// Monthly allowance.
    pub fn monthly_dong(&self) -> Dong {
        Dong::new(self.monthly).expect("rates are small")
    }
}

/// The rate table (a selection of the decree's annex, the amounts a commune meets most).
pub const RATES: &[Rate] = &[
    Rate { category: "Thân nhân liệt sĩ (1 liệt sĩ)", monthly: 2_789_000, supplement: None, explanation: "Trợ cấp tuất hằng tháng cho cha, mẹ, vợ/chồng, con của một liệt sĩ: bằng mức chuẩn." },
    Rate { category: "Thân nhân liệt sĩ (2 liệt sĩ)", monthly: 5_578_000, supplement: None, explanation: "Thân nhân của hai liệt sĩ: gấp hai lần mức chuẩn." },
    Rate { category: "Thân nhân liệt sĩ (từ 3 liệt sĩ)", monthly: 8_367_000, supplement: None, explanation: "Thân nhân của ba liệt sĩ trở lên: gấp ba lần mức chuẩn." },
    Rate { category: "Bà mẹ Việt Nam anh hùng", monthly: 8_367_000, supplement: Some(2_337_000), explanation: "Trợ cấp hằng tháng gấp ba lần mức chuẩn, cộng phụ cấp hằng tháng 2.337.000 đ." },
    Rate { category: "Anh hùng LLVT, Anh hùng Lao động", monthly: 2_337_000, supplement: None, explanation: "Phụ cấp hằng tháng dành cho Anh hùng lực lượng vũ trang nhân dân, Anh hùng Lao động trong kháng chiến." },
    Rate { category: "Thương binh 21%", monthly: 1_878_000, supplement: None, explanation: "Trợ cấp hằng tháng theo tỷ lệ tổn thương cơ thể; 21% là mức thấp nhất, mỗi tỷ lệ có mức riêng trong phụ lục của nghị định." },
    Rate { category: "Thương binh 100%", monthly: 8_941_000, supplement: None, explanation: "Mức cao nhất của trợ cấp thương binh; thương binh từ 81% sống ở gia đình còn được trợ cấp người phục vụ." },
    Rate { category: "Bệnh binh 41-50%", monthly: 2_911_000, supplement: None, explanation: "Trợ cấp hằng tháng của bệnh binh suy giảm khả năng lao động 41–50%." },
    Rate { category: "Bệnh binh 91-100%", monthly: 7_104_000, supplement: None, explanation: "Trợ cấp hằng tháng của bệnh binh suy giảm khả năng lao động 91–100%." },
    Rate { category: "Nhiễm chất độc hóa học 21-40%", monthly: 2_120_000, supplement: None, explanation: "Người hoạt động kháng chiến bị nhiễm chất độc hóa học, suy giảm 21–40%." },
    Rate { category: "Nhiễm chất độc hóa học 41-60%", monthly: 3_542_000, supplement: None, explanation: "Người hoạt động kháng chiến bị nhiễm chất độc hóa học, suy giảm 41–60%." },
    Rate { category: "Nhiễm chất độc hóa học 61-80%", monthly: 4_964_000, supplement: None, explanation: "Người hoạt động kháng chiến bị nhiễm chất độc hóa học, suy giảm 61–80%." },
    Rate { category: "Nhiễm chất độc hóa học từ 81%", monthly: 6_358_000, supplement: None, explanation: "Người hoạt động kháng chiến bị nhiễm chất độc hóa học, suy giảm từ 81% trở lên." },
    Rate { category: "Người hoạt động kháng chiến bị địch bắt tù, đày", monthly: 1_673_000, supplement: None, explanation: "Trợ cấp hằng tháng của người bị địch bắt tù, đày." },
    Rate { category: "Người có công giúp đỡ cách mạng", monthly: 1_639_000, supplement: None, explanation: "Trợ cấp hằng tháng của người có công giúp đỡ cách mạng." },
];

/// The carer allowance (trợ cấp người phục vụ): the ordinary rate and the most severe cases.
pub const CARER_RATE: i64 = 2_789_000;
/// Carer allowance for the most severe cases.
pub const CARER_RATE_SEVERE: i64 = 3_582_000;

/// Rates whose category or explanation matches every word of `query` (accent-insensitive).
pub fn find(query: &str) -> Vec<&'static Rate> {
    let words: Vec<String> = crate::text::fold(query)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    RATES
        .iter()
        .filter(|r| {
            let hay = crate::text::fold(&format!("{} {}", r.category, r.explanation));
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}
