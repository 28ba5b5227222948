//! The payer's fee (phí chi trả): a percentage of the amount paid, set in the contract between the
//! managing office and the post office (TT 44/2022/TT-BTC Điều 7.2.g, as amended by TT
//! 95/2025/TT-BTC). The rate is held in basis points (1 = 0,01%), so that it is exact: "0,5%" is
//! 50, never a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::{Dong, MoneyError};

/// Basis points in 100%.
const FULL: u32 = 10_000;

/// A fee rate, in basis points of the amount paid (0 to 100%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FeeRate(u32);

/// Why a fee rate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeRateError {
    /// Not a percentage.
    #[error("tỷ lệ phí “{0}” không đọc được: ghi phần trăm, ví dụ 0,5% hoặc 1,25%")]
    Invalid(String),
    /// More than two decimals: finer than a basis point.
    #[error(
        "tỷ lệ phí “{0}” có hơn hai chữ số thập phân: ghi đến phần trăm của phần trăm, ví dụ 0,65%"
    )]
    TooFine(String),
    /// Above 100%.
    #[error("tỷ lệ phí “{0}” lớn hơn 100%")]
    TooHigh(String),
}

impl FeeRate {
    /// A rate from basis points (50 = 0,5%); refused above 100%.
    pub fn from_basis_points(bp: u32) -> Result<FeeRate, FeeRateError> {
        if bp > FULL {
            return Err(FeeRateError::TooHigh(format!("{bp} điểm cơ bản")));
        }
        Ok(FeeRate(bp))
    }

    /// The rate in basis points (what a setting stores).
    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// The fee on `paid`: paid × rate, rounded to the đồng, half away from zero. The đồng has no
    /// minor unit and every other amount of the ledger is whole, so the fee is made whole the way
    /// an accountant rounds a computed amount (0,5 đồng and above up), once, on the total paid:
    /// rounding each payout's fee and adding them would drift by up to a đồng per payout.
    pub fn fee(self, paid: Dong) -> Result<Dong, MoneyError> {
        let exact = paid
            .as_decimal()
            .checked_mul(Decimal::from(self.0))
            .ok_or(MoneyError::Overflow)?
            / Decimal::from(FULL);
        Dong::from_decimal(exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
    }
}

impl fmt::Display for FeeRate {
    /// "0,5%", "1%", "1,25%": the Vietnamese decimal comma, no trailing zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        let s = match frac {
            0 => format!("{whole}%"),
            n if n % 10 == 0 => format!("{whole},{}%", n / 10),
            n => format!("{whole},{n:02}%"),
        };
        f.pad(&s)
    }
}

impl FromStr for FeeRate {
    type Err = FeeRateError;

    /// Reads "0,5%", "0.5%", "0,5" (a percentage either way), "1,25 %".
    fn from_str(s: &str) -> Result<FeeRate, FeeRateError> {
        let t = s.trim();
        let t = t.strip_suffix('%').unwrap_or(t).trim_end();
        let invalid = || FeeRateError::Invalid(s.trim().to_string());
        let (whole, frac) = match t.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || whole.len() > 3 {
            return Err(invalid());
        }
        if frac.len() > 2 {
            return Err(FeeRateError::TooFine(s.trim().to_string()));
        }
        let whole: u32 = whole.parse().map_err(|_| invalid())?;
        let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| invalid())?;
        let bp = whole * 100 + frac;
        if bp > FULL {
            return Err(FeeRateError::TooHigh(s.trim().to_string()));
        }
        Ok(FeeRate(bp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Dong {
        Dong::new(n).unwrap()
    }

    #[test]
    fn a_rate_reads_the_way_a_contract_writes_it() {
        assert_eq!("0,5%".parse::<FeeRate>().unwrap().basis_points(), 50);
        assert_eq!("0.5%".parse::<FeeRate>().unwrap().basis_points(), 50);
        assert_eq!(" 1,25 % ".parse::<FeeRate>().unwrap().basis_points(), 125);
        assert_eq!("2".parse::<FeeRate>().unwrap().basis_points(), 200);
        assert_eq!("100%".parse::<FeeRate>().unwrap().basis_points(), 10_000);
        assert!(matches!(
            "0,125%".parse::<FeeRate>(),
            Err(FeeRateError::TooFine(_))
        ));
        assert!(matches!(
            "101%".parse::<FeeRate>(),
            Err(FeeRateError::TooHigh(_))
        ));
        for bad in ["", "%", "abc", "-1%", "0,5,1%", ",5%"] {
            assert!(
                matches!(bad.parse::<FeeRate>(), Err(FeeRateError::Invalid(_))),
                "{bad:?}"
            );
        }
        assert!(FeeRate::from_basis_points(10_001).is_err());
    }

    #[test]
    fn a_rate_prints_with_the_decimal_comma() {
        for (bp, s) in [
            (50, "0,5%"),
            (100, "1%"),
            (125, "1,25%"),
            (5, "0,05%"),
            (0, "0%"),
        ] {
            let r = FeeRate::from_basis_points(bp).unwrap();
            assert_eq!(r.to_string(), s);
            assert_eq!(s.parse::<FeeRate>().unwrap(), r);
        }
    }

    #[test]
    fn the_fee_is_rounded_to_the_dong_half_away_from_zero() {
        let half = FeeRate::from_basis_points(50).unwrap();
        assert_eq!(half.fee(d(34_352_000)).unwrap(), d(171_760));
        // 1.001 × 0,5% = 5,005 → 5; 1.100 × 0,5% = 5,5 → 6; 1.099 × 0,5% = 5,495 → 5.
        assert_eq!(half.fee(d(1_001)).unwrap(), d(5));
        assert_eq!(half.fee(d(1_100)).unwrap(), d(6));
        assert_eq!(half.fee(d(1_099)).unwrap(), d(5));
        // Rounded once on the total, not per payout: three payouts of 1.100 đ.
        assert_eq!(half.fee(d(3_300)).unwrap(), d(17));
        assert_eq!(FeeRate::default().fee(d(9_999_999)).unwrap(), Dong::ZERO);
        let full = FeeRate::from_basis_points(10_000).unwrap();
        assert_eq!(full.fee(d(2_789_000)).unwrap(), d(2_789_000));
    }
}
