//! A table-driven natural logarithm for packs of `f64`, without a division.
//!
//! `x = 2^k · z` with `z` in `[0.684, 1.367)` split into 64 intervals of centre `c` (a number
//! with a short mantissa, so `z − c` is exact); then
//! `ln x = k ln 2 + ln c + ln(1 + r)`, `r = (z − c) / c`, `|r| ≤ 2⁻⁷`, and `ln(1 + r)` is its
//! Taylor polynomial to `r⁷` (truncation below 2·10⁻¹⁸). Against `std`'s `ln` (tested on
//! 400 000 points over the whole range): relative error at most `ε = 2⁻⁵²`, except for results
//! below 0.016 in magnitude (inputs within 1.6 % of 1), where the absolute error is at most
//! 2⁻⁵⁹; `ln 1 = 0` exactly.
//!
//! It replaces `wide`'s rational approximation for `f64`, whose division sits on the critical
//! path: each policy step of the expected free energy takes the entropy of its predicted
//! outcomes, and on a baseline x86-64 target (SSE2, two lanes) that division was the single
//! largest cost of a small model's step.

/// Subtracted from the bits of `x` so that the exponent of the difference is `k` and its top
/// six mantissa bits index the interval (centred on 1.0 for interval 40).
const OFF: u64 = 0x3fe6_0000_0000_0000 - (1 << 45);
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);

/// Per interval: its centre `c`, `1/c` and `ln c` as a sum of two `f64` (`ln c` to 106 bits,
/// computed with Python's `decimal`; checked against `std` in the tests).
static TABLE: [[f64; 4]; 64] = [
    [
        0.6875,
        1.4545454545454546,
        -0.3746934494414107,
        3.9243112288632396e-18,
    ],
    [
        0.6953125,
        1.4382022471910112,
        -0.3633938941874773,
        -2.106844752226605e-17,
    ],
    [
        0.703125,
        1.4222222222222223,
        -0.3522205935893521,
        -5.7233316949182485e-18,
    ],
    [
        0.7109375,
        1.4065934065934067,
        -0.34117075740276714,
        1.9366790062602867e-17,
    ],
    [
        0.71875,
        1.391304347826087,
        -0.33024168687057687,
        1.0828321637483858e-17,
    ],
    [
        0.7265625,
        1.3763440860215055,
        -0.3194307707663612,
        -1.354256857264811e-18,
    ],
    [
        0.734375,
        1.3617021276595744,
        -0.3087354816496133,
        1.6199186085148102e-17,
    ],
    [
        0.7421875,
        1.3473684210526315,
        -0.29815337231907635,
        1.720695867445866e-17,
    ],
    [
        0.75,
        1.3333333333333333,
        -0.2876820724517809,
        -2.607160616442564e-17,
    ],
    [
        0.7578125,
        1.3195876288659794,
        -0.27731928541623435,
        7.44528405583513e-18,
    ],
    [
        0.765625,
        1.3061224489795917,
        -0.26706278524904525,
        7.32891532732017e-18,
    ],
    [
        0.7734375,
        1.292929292929293,
        -0.2569104137850272,
        -2.502843296152504e-17,
    ],
    [0.78125, 1.28, -0.24686007793152578, -1.361743371748368e-17],
    [
        0.7890625,
        1.2673267326732673,
        -0.2369097470783577,
        -1.9682402978398164e-18,
    ],
    [
        0.796875,
        1.2549019607843137,
        -0.22705745063534608,
        -9.551415762738488e-18,
    ],
    [
        0.8046875,
        1.2427184466019416,
        -0.2173012756899814,
        -1.6168452453763015e-18,
    ],
    [
        0.8125,
        1.2307692307692308,
        -0.2076393647782445,
        -1.2053243216686129e-17,
    ],
    [
        0.8203125,
        1.2190476190476192,
        -0.1980699137620938,
        -3.742843482461439e-18,
    ],
    [
        0.828125,
        1.2075471698113207,
        -0.18859116980755003,
        7.432164219196925e-18,
    ],
    [
        0.8359375,
        1.1962616822429906,
        -0.179201429457711,
        1.0785017454858423e-17,
    ],
    [
        0.84375,
        1.1851851851851851,
        -0.16989903679539747,
        4.868008764439071e-19,
    ],
    [
        0.8515625,
        1.1743119266055047,
        -0.16068238169047347,
        3.650183553047837e-18,
    ],
    [
        0.859375,
        1.1636363636363636,
        -0.15154989812720093,
        -5.1669593684615594e-18,
    ],
    [
        0.8671875,
        1.1531531531531531,
        -0.14250006260728304,
        9.926388234225749e-18,
    ],
    [
        0.875,
        1.1428571428571428,
        -0.13353139262452263,
        3.664457663660085e-18,
    ],
    [
        0.8828125,
        1.1327433628318584,
        -0.1246424452072766,
        5.808912678940971e-18,
    ],
    [
        0.890625,
        1.1228070175438596,
        -0.1158318155251217,
        -4.338484369808096e-18,
    ],
    [
        0.8984375,
        1.1130434782608696,
        -0.1070981355563671,
        1.73705104015906e-18,
    ],
    [
        0.90625,
        1.103448275862069,
        -0.09844007281325252,
        4.439009633675136e-18,
    ],
    [
        0.9140625,
        1.0940170940170941,
        -0.08985632912186105,
        6.273760163689594e-19,
    ],
    [
        0.921875,
        1.0847457627118644,
        -0.0813456394539524,
        -5.07707635593117e-18,
    ],
    [
        0.9296875,
        1.0756302521008403,
        -0.07290677080808779,
        6.306860257532778e-18,
    ],
    [
        0.9375,
        1.0666666666666667,
        -0.06453852113757118,
        6.470486661692933e-18,
    ],
    [
        0.9453125,
        1.0578512396694215,
        -0.05623971832287608,
        3.2835149805605613e-18,
    ],
    [
        0.953125,
        1.0491803278688525,
        -0.048009219186360606,
        -1.4390903347292205e-18,
    ],
    [
        0.9609375,
        1.0406504065040652,
        -0.039845908547199674,
        3.129547680315208e-18,
    ],
    [
        0.96875,
        1.032258064516129,
        -0.0317486983145803,
        -3.0382263084680858e-18,
    ],
    [
        0.9765625,
        1.024,
        -0.023716526617316044,
        1.5774243488668215e-18,
    ],
    [
        0.984375,
        1.0158730158730158,
        -0.015748356968139168,
        -1.0021578630528974e-18,
    ],
    [
        0.9921875,
        1.0078740157480315,
        -0.007843177461025893,
        -2.764708154124904e-19,
    ],
    [1.0, 1.0, 0.0, 0.0],
    [
        1.015625,
        0.9846153846153847,
        0.015504186535965254,
        -3.278321022892429e-19,
    ],
    [
        1.03125,
        0.9696969696969697,
        0.030771658666753687,
        1.0431732029005968e-18,
    ],
    [
        1.046875,
        0.9552238805970149,
        0.0458095360312942,
        1.902959866474257e-18,
    ],
    [
        1.0625,
        0.9411764705882353,
        0.06062462181643484,
        2.6424025938726934e-18,
    ],
    [
        1.078125,
        0.927536231884058,
        0.07522342123758753,
        -5.930604196293241e-18,
    ],
    [
        1.09375,
        0.9142857142857143,
        0.08961215868968714,
        -5.4268129336647135e-18,
    ],
    [
        1.109375,
        0.9014084507042254,
        0.10379679368164356,
        5.47772415726659e-18,
    ],
    [
        1.125,
        0.8888888888888888,
        0.11778303565638346,
        -1.1971685747593677e-18,
    ],
    [
        1.140625,
        0.8767123287671232,
        0.13157635778871926,
        1.1123000879729588e-17,
    ],
    [
        1.15625,
        0.8648648648648649,
        0.1451820098444979,
        8.242418783022475e-18,
    ],
    [
        1.171875,
        0.8533333333333334,
        0.15860503017663857,
        1.1257003872182592e-17,
    ],
    [
        1.1875,
        0.8421052631578947,
        0.17185025692665923,
        -6.0224538210113705e-18,
    ],
    [
        1.203125,
        0.8311688311688312,
        0.184922338494012,
        3.0236614153574064e-18,
    ],
    [
        1.21875,
        0.8205128205128205,
        0.19782574332991987,
        1.2821194372980142e-17,
    ],
    [
        1.234375,
        0.810126582278481,
        0.21056476910734964,
        -4.249405314729895e-18,
    ],
    [1.25, 0.8, 0.22314355131420976, -9.091270597324799e-18],
    [
        1.265625,
        0.7901234567901234,
        0.2355660713127669,
        -2.3943371495187355e-18,
    ],
    [
        1.28125,
        0.7804878048780488,
        0.24783616390458127,
        -1.2432209578702523e-17,
    ],
    [
        1.296875,
        0.7710843373493976,
        0.25995752443692605,
        2.069806938978935e-17,
    ],
    [
        1.3125,
        0.7619047619047619,
        0.27193371548364176,
        7.83319637697442e-19,
    ],
    [
        1.328125,
        0.7529411764705882,
        0.2837681731306446,
        -2.032665581126656e-17,
    ],
    [
        1.34375,
        0.7441860465116279,
        0.2954642128938359,
        -2.16461086040599e-17,
    ],
    [
        1.359375,
        0.735632183908046,
        0.3070250352949119,
        -1.2319916200101964e-17,
    ],
];

/// The per-lane part: `(z, c, 1/c, ln c, its low part, k)` for a positive, normal, finite `x`.
#[inline(always)]
#[allow(
    clippy::indexing_slicing,
    reason = "the table index is 6 bits (`& 63`) into a 64-entry table"
)]
pub(crate) fn split(x: f64) -> [f64; 6] {
    let ix = x.to_bits();
    let tmp = ix.wrapping_sub(OFF);
    let i = ((tmp >> 46) & 63) as usize;
    let k = ((tmp as i64) >> 52) as f64;
    let z = f64::from_bits(ix.wrapping_sub(tmp & (0xfff << 52)));
    let [c, inv_c, ln_c, ln_c_lo] = TABLE[i];
    [z, c, inv_c, ln_c, ln_c_lo, k]
}

/// Implements `ln` for a `wide` pack of `f64` with `$n` lanes.
macro_rules! ln_f64_pack {
    ($name:ident, $p:ident, $n:literal) => {
        /// `ln x` lane by lane (see the module docs); lanes outside the positive normal
        /// range take `wide`'s special cases.
        #[inline(always)]
        #[allow(
            clippy::indexing_slicing,
            reason = "lane `l < $n` and part `j < 6` index fixed-size arrays of those lengths"
        )]
        pub(crate) fn $name(x: wide::$p) -> wide::$p {
            use wide::$p;
            let normal = x.simd_ge($p::splat(f64::MIN_POSITIVE)) & x.simd_le($p::splat(f64::MAX));
            if !normal.all() {
                return x.ln();
            }
            let lanes = x.to_array();
            let parts: [[f64; 6]; $n] = core::array::from_fn(|l| split(lanes[l]));
            let get = |j: usize| $p::new(core::array::from_fn(|l| parts[l][j]));
            let (z, c, inv_c) = (get(0), get(1), get(2));
            let (ln_c, ln_c_lo, k) = (get(3), get(4), get(5));
            let r = (z - c) * inv_c;
            let r2 = r * r;
            let a = $p::splat(-0.5) + r * $p::splat(1.0 / 3.0);
            let b = $p::splat(-0.25) + r * $p::splat(0.2);
            let d = $p::splat(-1.0 / 6.0) + r * $p::splat(1.0 / 7.0);
            let tail = r2 * (a + r2 * (b + r2 * d));
            // `hi + r` with its rounding error recovered (Fast2Sum: |hi| ≥ |r| or hi = 0).
            let hi = k * $p::splat(LN2_HI) + ln_c;
            let sum = hi + r;
            let err = (hi - sum) + r;
            sum + (err + (k * $p::splat(LN2_LO) + ln_c_lo) + tail)
        }
    };
}

ln_f64_pack!(ln_f64x2, f64x2, 2);
ln_f64_pack!(ln_f64x4, f64x4, 4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_what_it_says() {
        for (i, &[c, inv_c, ln_c, lo]) in TABLE.iter().enumerate() {
            assert_eq!(c.to_bits(), OFF + ((i as u64) << 46) + (1 << 45));
            assert_eq!(inv_c, 1.0 / c);
            assert!((ln_c - c.ln()).abs() <= f64::EPSILON * ln_c.abs(), "{i}");
            assert!(lo.abs() <= f64::EPSILON * ln_c.abs() / 2.0, "{i}");
        }
    }

    /// The relative error of `a` against `b` in units of `ε/2` (half an ulp at most).
    fn half_eps(a: f64, b: f64) -> f64 {
        (a - b).abs() / (b.abs().max(f64::MIN_POSITIVE) * f64::EPSILON / 2.0)
    }

    #[test]
    fn close_to_std() {
        let mut xs = std::vec![
            1.0,
            2.0,
            0.5,
            1e-16,
            f64::MIN_POSITIVE,
            f64::MAX,
            1.0 + 1e-12,
            1.0 - 1e-12,
            core::f64::consts::E,
        ];
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            // Uniform in [0.5, 2) and log-uniform over the whole range.
            xs.push(0.5 + 1.5 * (s >> 11) as f64 / (1u64 << 53) as f64);
            xs.push(f64::from_bits(
                (s >> 2) % 0x7FEF_FFFF_FFFF_FFFF + 0x0010_0000_0000_0000,
            ));
        }
        for quad in xs.chunks(4) {
            let lane = |i: usize| *quad.get(i).unwrap_or(&1.0);
            let lo = ln_f64x2(wide::f64x2::new([lane(0), lane(1)])).to_array();
            let hi = ln_f64x2(wide::f64x2::new([lane(2), lane(3)])).to_array();
            let wide4 = ln_f64x4(wide::f64x4::new([lane(0), lane(1), lane(2), lane(3)]));
            assert_eq!(wide4.to_array(), [lo[0], lo[1], hi[0], hi[1]]);
            for (g, &x) in lo.iter().chain(&hi).zip(quad) {
                let want = x.ln();
                // Relative error ε at most, or, where the result is small, absolute 2⁻⁵⁹.
                let close = half_eps(*g, want) <= 2.0
                    || (want.abs() < 0.016 && (g - want).abs() <= 2f64.powi(-59));
                assert!(close, "ln({x:e}) = {g:e}, std says {want:e}");
            }
        }
        assert_eq!(ln_f64x2(wide::f64x2::new([1.0, 4.0])).to_array()[0], 0.0);
    }

    #[test]
    fn special_values_follow_wide() {
        let got = ln_f64x2(wide::f64x2::new([0.0, 1.0])).to_array();
        assert_eq!(got, [f64::NEG_INFINITY, 0.0]);
        let got = ln_f64x2(wide::f64x2::new([f64::INFINITY, -1.0])).to_array();
        assert!(got[0] == f64::INFINITY && got[1].is_nan());
    }
}
