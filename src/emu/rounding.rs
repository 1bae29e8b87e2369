//! Correctly rounded f32 and f64 arithmetic in every rounding mode (PTX
//! ISA §9.7.3: `.rn .rz .rm .rp`): native IEEE for round-to-nearest; for the
//! directed modes, the nearest result plus an exact error term (TwoSum or an
//! FMA residual) decides one step, and products, quotients and square roots
//! that could underflow are rounded from their exact integer form.

use super::ir::Round;

/// Rounds to f32 in a directed mode. `q` approximates the exact result
/// (to f64 precision) and `vs_exact(c)` orders a candidate against the exact
/// result; one correction step suffices because `q` is within half an f64
/// ulp of it (PTX ISA §9.7.3: `.rz .rm .rp` are correctly rounded).
fn directed32(q: f64, mode: Round, vs_exact: impl Fn(f32) -> std::cmp::Ordering) -> f32 {
    use std::cmp::Ordering::*;
    let c = f32::from_bits(super::half::round_fmt(q, super::half::F32, mode) as u32);
    if !c.is_finite() {
        return c;
    }
    match mode {
        Round::Rm if vs_exact(c) == Greater => c.next_down(),
        Round::Rp if vs_exact(c) == Less => c.next_up(),
        Round::Rz if c > 0.0 && vs_exact(c) == Greater => c.next_down(),
        Round::Rz if c < 0.0 && vs_exact(c) == Less => c.next_up(),
        _ => c,
    }
}

/// f64 add/sub/mul/div/sqrt with rounding mode `r`: the round-to-nearest
/// result and its exact error (TwoSum for sums, an FMA residual for the
/// others), then one step toward the mode's side when needed.
pub(super) fn f64_rounded(op: ROp, r: Round, x: f64, y: f64) -> f64 {
    let q = match op {
        ROp::Add => x + y,
        ROp::Sub => x - y,
        ROp::Mul => x * y,
        ROp::Div => x / y,
        _ => x.sqrt(),
    };
    if r == Round::Rn || r == Round::Rna || q.is_nan() {
        return q;
    }
    if q.is_infinite() {
        // Overflow of finite operands rounds to the largest finite value
        // toward zero (and on the mode's other side).
        let finite_in = x.is_finite() && (y.is_finite() || op == ROp::Sqrt);
        let div_by_zero = op == ROp::Div && y == 0.0;
        if !finite_in || div_by_zero {
            return q;
        }
        return match (r, q > 0.0) {
            (Round::Rz, true) | (Round::Rm, true) => f64::MAX,
            (Round::Rz, false) | (Round::Rp, false) => f64::MIN,
            _ => q,
        };
    }
    if q == 0.0 && matches!(op, ROp::Add | ROp::Sub) {
        return zero_sum_sign(x, if op == ROp::Sub { -y } else { y }, r);
    }
    // Products, quotients and roots of finite non-zero operands are rounded
    // from their exact integer form (the FMA residual is not exact when the
    // result underflows).
    if matches!(op, ROp::Mul | ROp::Div | ROp::Sqrt)
        && x != 0.0
        && x.is_finite()
        && (if op == ROp::Sqrt { x > 0.0 } else { y != 0.0 && y.is_finite() })
    {
        return exact_f64(op, r, x, y);
    }
    // The sign of (exact − q).
    let err = match op {
        ROp::Add => two_sum(x, y).1,
        ROp::Sub => two_sum(x, -y).1,
        ROp::Mul => x.mul_add(y, -q),
        ROp::Div => (-q).mul_add(y, x) * y.signum(),
        _ => (-q).mul_add(q, x),
    };
    match r {
        Round::Rm if err < 0.0 => q.next_down(),
        Round::Rp if err > 0.0 => q.next_up(),
        Round::Rz if q > 0.0 && err < 0.0 => q.next_down(),
        Round::Rz if q < 0.0 && err > 0.0 => q.next_up(),
        _ => q,
    }
}

/// A finite non-zero f64 as (mantissa, exponent): `|x| = m × 2^e`, with `m`
/// shifted so its top bit is bit 52.
fn decompose(x: f64) -> (u128, i32) {
    let bits = x.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i32;
    let frac = (bits & ((1 << 52) - 1)) as u128;
    let (mut m, mut e) = if field == 0 { (frac, -1074) } else { (frac | (1 << 52), field - 1075) };
    while m < (1 << 52) {
        m <<= 1;
        e -= 1;
    }
    (m, e)
}

/// The exact product, quotient or square root of finite non-zero operands,
/// rounded once with mode `r` (including subnormal results and overflow).
fn exact_f64(op: ROp, r: Round, x: f64, y: f64) -> f64 {
    let (mx, ex) = decompose(x);
    let neg = op != ROp::Sqrt && (x.is_sign_negative() != y.is_sign_negative());
    let (m, e, sticky) = match op {
        ROp::Mul => {
            let (my, ey) = decompose(y);
            (mx * my, ex + ey, false)
        }
        ROp::Div => {
            let (my, ey) = decompose(y);
            let n = mx << 74;
            (n / my, ex - ey - 74, n % my != 0)
        }
        _ => {
            // Make the exponent even, then take an integer square root with
            // 64 extra bits.
            let (mx, ex) = if ex % 2 != 0 { (mx << 1, ex - 1) } else { (mx, ex) };
            let n = mx << 64;
            let s = isqrt(n);
            (s, (ex - 64) / 2, s * s != n)
        }
    };
    round_exact(neg, m, e, sticky, r)
}

fn isqrt(n: u128) -> u128 {
    let mut s = (n as f64).sqrt() as u128;
    while s * s > n {
        s -= 1;
    }
    while (s + 1) * (s + 1) <= n {
        s += 1;
    }
    s
}

/// Rounds ±(m × 2^e, plus a nonzero tail below it if `sticky`) to f64.
fn round_exact(neg: bool, m: u128, e: i32, sticky: bool, r: Round) -> f64 {
    let bits = 128 - m.leading_zeros() as i32;
    // Keep 53 significant bits, or fewer where the result is subnormal.
    let shift = (bits - 53).max(-1074 - e);
    let (mut q, exp, tail) = if shift >= 127 {
        // Far below the smallest subnormal: nothing kept, less than half of it.
        (0, e + shift, Some((1, 2)))
    } else if shift > 0 {
        let q = m >> shift;
        let rem = m & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        (q, e + shift, Some((rem, half)))
    } else {
        (m << -shift, e + shift, None)
    };
    let inexact = sticky || tail.is_some_and(|(rem, _)| rem != 0);
    let up = match r {
        Round::Rn | Round::Rna => match tail {
            Some((rem, half)) => rem > half || (rem == half && (sticky || q & 1 == 1 || r == Round::Rna)),
            None => false,
        },
        Round::Rz => false,
        Round::Rm => neg && inexact,
        Round::Rp => !neg && inexact,
    };
    if up {
        q += 1;
    }
    // Assemble: q × 2^exp with q < 2^54.
    let (q, exp) = if q >> 53 != 0 { (q >> 1, exp + 1) } else { (q, exp) };
    let mag = if q >> 52 != 0 {
        let field = exp + 52 + 1075 - 52;
        if field >= 0x7ff {
            return match (r, neg) {
                (Round::Rz, false) | (Round::Rm, false) => f64::MAX,
                (Round::Rz, true) | (Round::Rp, true) => f64::MIN,
                (_, false) => f64::INFINITY,
                (_, true) => f64::NEG_INFINITY,
            };
        }
        f64::from_bits(((field as u64) << 52) | (q as u64 & ((1 << 52) - 1)))
    } else {
        // Subnormal (exp is -1074 here) or zero.
        f64::from_bits(q as u64)
    };
    if neg {
        -mag
    } else {
        mag
    }
}

/// The zero that an exactly-zero sum `x + y` gives in a directed mode
/// (IEEE 754 §6.3): −0 when rounding toward −∞ unless both are +0, else +0
/// unless both are −0.
fn zero_sum_sign(x: f64, y: f64, r: Round) -> f64 {
    let both_neg = x.is_sign_negative() && y.is_sign_negative();
    let both_pos = x.is_sign_positive() && y.is_sign_positive();
    if both_neg || (r == Round::Rm && !both_pos) {
        -0.0
    } else {
        0.0
    }
}

/// Exact sum as `s + e` (Knuth's TwoSum).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// Orders `c` against the exact value `s + e`.
fn vs_sum(c: f32, s: f64, e: f64) -> std::cmp::Ordering {
    let d = c as f64 - s;
    d.partial_cmp(&e).unwrap_or(std::cmp::Ordering::Equal)
}

/// The correctly rounded f32 operations.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ROp {
    Add,
    Sub,
    Mul,
    Div,
    Fma,
    Sqrt,
}

/// f32 add/sub/mul/div/sqrt/fma with rounding mode `r`: native IEEE for
/// `.rn`, [`directed32`] otherwise.
pub(super) fn f32_rounded(op: ROp, r: Round, x: f32, y: f32, z: f32) -> f32 {
    let (xd, yd, zd) = (x as f64, y as f64, z as f64);
    if r == Round::Rn || r == Round::Rna {
        return match op {
            ROp::Add => x + y,
            ROp::Sub => x - y,
            ROp::Mul => x * y,
            ROp::Div => x / y,
            ROp::Fma => x.mul_add(y, z),
            ROp::Sqrt => x.sqrt(),
        };
    }
    let nan_or_inf = |v: f32| !v.is_finite();
    match op {
        ROp::Add | ROp::Sub => {
            let yd = if op == ROp::Sub { -yd } else { yd };
            let (s, e) = two_sum(xd, yd);
            if s == 0.0 && e == 0.0 {
                return zero_sum_sign(xd, yd, r) as f32;
            }
            if nan_or_inf(s as f32) && !s.is_finite() {
                return s as f32;
            }
            directed32(s, r, |c| vs_sum(c, s, e))
        }
        ROp::Mul => directed32(xd * yd, r, |c| (c as f64).partial_cmp(&(xd * yd)).unwrap_or(std::cmp::Ordering::Equal)),
        ROp::Div => {
            let q = xd / yd;
            if !q.is_finite() || q == 0.0 {
                return directed32(q, r, |_| std::cmp::Ordering::Equal);
            }
            // c vs x/y ⟺ c·y vs x (flipped for negative y); c·y is exact in f64.
            directed32(q, r, |c| {
                let o = (c as f64 * yd).partial_cmp(&xd).unwrap_or(std::cmp::Ordering::Equal);
                if yd < 0.0 {
                    o.reverse()
                } else {
                    o
                }
            })
        }
        ROp::Fma => {
            // fma: x·y is exact in f64; the sum's error is exact by TwoSum.
            let (s, e) = two_sum(xd * yd, zd);
            if !s.is_finite() {
                return s as f32;
            }
            if s == 0.0 && e == 0.0 {
                return zero_sum_sign(xd * yd, zd, r) as f32;
            }
            directed32(s, r, |c| vs_sum(c, s, e))
        }
        ROp::Sqrt => {
            let q = xd.sqrt();
            if !q.is_finite() || q == 0.0 {
                return q as f32;
            }
            directed32(q, r, |c| (c as f64 * c as f64).partial_cmp(&xd).unwrap_or(std::cmp::Ordering::Equal))
        }
    }
}

/// `fma.f64` in any rounding mode: x·y + z exactly, rounded once. The
/// product (≤ 106 bits) and the addend are aligned in 128-bit integers; bits
/// of the smaller term shifted out become a sticky remainder.
pub(super) fn fma64_rounded(r: Round, x: f64, y: f64, z: f64) -> f64 {
    let q = x.mul_add(y, z);
    if r == Round::Rn || r == Round::Rna || q.is_nan() || !x.is_finite() || !y.is_finite() || !z.is_finite() {
        return q;
    }
    if x == 0.0 || y == 0.0 {
        // The product is a signed zero: the result is z, or a zero sum.
        let p = if x.is_sign_negative() != y.is_sign_negative() { -0.0 } else { 0.0 };
        return if z == 0.0 { zero_sum_sign(p, z, r) } else { z };
    }
    let pneg = x.is_sign_negative() != y.is_sign_negative();
    let (mx, ex) = decompose(x);
    let (my, ey) = decompose(y);
    let (mp, ep) = (mx * my, ex + ey);
    if z == 0.0 {
        return round_exact(pneg, mp, ep, false, r);
    }
    let (mz, ez) = decompose(z);
    let zneg = z.is_sign_negative();
    // Order the terms by their top bit.
    let top = |m: u128, e: i32| e + 127 - m.leading_zeros() as i32;
    let ((ma, ea, na), (mb, eb, nb)) =
        if top(mp, ep) >= top(mz, ez) { ((mp, ep, pneg), (mz, ez, zneg)) } else { ((mz, ez, zneg), (mp, ep, pneg)) };
    // Shift the larger term up as far as 126 bits allow, then the smaller
    // one to the same exponent.
    let room = (ma.leading_zeros() as i32 - 2).max(0);
    let s = room.min((ea - eb).max(0));
    let (a, e) = (ma << s, ea - s);
    let (b, sticky) = if eb >= e {
        (mb << (eb - e), false)
    } else {
        let k = e - eb;
        if k >= 127 {
            (0, true)
        } else {
            (mb >> k, mb & ((1u128 << k) - 1) != 0)
        }
    };
    let (m, neg, sticky) = if na == nb {
        (a + b, na, sticky)
    } else if a > b {
        // a - (b + frac): borrow one unit when a fraction was shifted out.
        (a - b - sticky as u128, na, sticky)
    } else if a == b {
        return zero_sum_sign(if na { -1.0 } else { 1.0 }, if nb { -1.0 } else { 1.0 }, r) * 0.0;
    } else {
        (b - a, nb, sticky)
    };
    if m == 0 {
        // Only the shifted-out fraction remains (cannot happen with the
        // alignment above, but never divide by nothing).
        return if r == Round::Rm { -0.0 } else { 0.0 };
    }
    round_exact(neg, m, e, sticky, r)
}
