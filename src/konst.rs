//! Models checked when they compile: `A`, `B`, `C`, `D` written as constants (in flash on a
//! microcontroller) are validated by `cargo check`, and a bad value is a compile error naming
//! the tensor, the modality or factor, the column and the value.
//!
//! [`check_model!`](crate::check_model!) takes the four whole-model constants (nested tuples
//! as written with [`list!`](crate::list!), typed with
//! [`LikelihoodInputOf`](crate::types::LikelihoodInputOf) and its siblings);
//! [`check_a!`](crate::check_a!), [`check_b!`](crate::check_b!), [`check_c!`](crate::check_c!)
//! and [`check_d!`](crate::check_d!) take one modality's or factor's tensor. Each expands to a
//! free `const _: () = …;` item, so the check runs in `cargo check`, `cargo build` and
//! `cargo doc` alike, and costs nothing at run time. The constants may be `const`s or
//! `static`s, of `f32` or `f64`.
//!
//! The checks are those of [`Model::new`](crate::Model::new), with the same tolerance
//! ([`NORMALISATION_TOLERANCE`], sums taken in `f64`): every
//! column of `A[m]` and `B[f]` and every `D[f]` is finite, non-negative and sums to 1; `C[m]` is
//! finite; and each tensor has the shape the spec gives it. The runtime model is then built
//! from the same constants with [`Model::new`](crate::Model::new) or, without a stack copy,
//! [`Model::init`](crate::Model::init) into a `static` cell; it cannot fail on checked data.
//!
//! ```
//! actinf::model! {
//!     /// A light that is on or off, seen through a noisy sensor.
//!     pub Light {
//!         factors { Lamp: 2 controlled_by 2 }
//!         modalities { Sensor: 2 depends_on [Lamp] }
//!     }
//! }
//! use actinf::types::{FactorInputOf, LikelihoodInputOf, OutcomesInputOf, TransitionsInputOf};
//! use actinf::{Model, list};
//!
//! static A: LikelihoodInputOf<f32, Light> = list![[[0.9, 0.2], [0.1, 0.8]]];
//! static B: TransitionsInputOf<f32, Light> =
//!     list![[[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]];
//! const C: OutcomesInputOf<f32, Light> = list![[0.0, 1.0]];
//! const D: FactorInputOf<f32, Light> = list![[0.5, 0.5]];
//! actinf::check_model!(Light, A, B, C, D); // evaluated by the compiler
//!
//! // Built in place in a `static` cell (a `Mutex` here; on a microcontroller, whatever cell
//! // the platform offers): the data were checked when the program compiled.
//! use std::sync::Mutex;
//! static MODEL: Mutex<Model<f32, Light>> = Mutex::new(Model::EMPTY);
//! MODEL.lock().unwrap().init(&A, &B, &C, &D).expect("checked at compile time");
//! assert_eq!(MODEL.lock().unwrap().column(0, 1), &[0.2, 0.8]);
//!
//! // One tensor at a time, named by its modality or factor.
//! const A_SENSOR: [[f64; 2]; 2] = [[0.9, 0.2], [0.1, 0.8]];
//! actinf::check_a!(Light, Sensor, A_SENSOR);
//! const D_LAMP: [f64; 2] = [0.25, 0.75];
//! actinf::check_d!(Light, Lamp, D_LAMP);
//! ```
//!
//! A column that does not sum to 1 does not compile:
//!
//! ```compile_fail,E0080
//! actinf::model! {
//!     pub Light {
//!         factors { Lamp: 2 controlled_by 2 }
//!         modalities { Sensor: 2 depends_on [Lamp] }
//!     }
//! }
//! const A_SENSOR: [[f64; 2]; 2] = [[0.9, 0.2], [0.1, 0.7]];
//! actinf::check_a!(Light, Sensor, A_SENSOR);
//! // error[E0080]: evaluation panicked: A[0] (modality "Sensor"): column [:, 1] (Lamp 1)
//! //               sums to 0.9, not 1 (tolerance 1.001e-5), in the constant `A_SENSOR`
//! ```
//!
//! The [`distribution_f64`] family checks a single vector in a `const` context, for checks of
//! your own (a belief, a policy prior).
//!
//! Tensors have at most [`MAX_RANK`] axes (a likelihood over up to 9 factors, a transition
//! over up to 8).

use crate::model::error::{NORMALISATION_TOLERANCE, Problem};
use crate::spec::{self, Layout, Parents, Spec};

/// Most axes of a tensor these checks read (`A[m]`: 1 + parents; `B[f]`: 2 + parents).
pub const MAX_RANK: usize = 10;

/// The tolerance as the runtime message prints it (`{:e}`); a unit test keeps them equal.
const TOLERANCE_TEXT: &str = "1.001e-5";

/// A tensor's entries in C order, whatever its precision.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum Values<'a> {
    /// No tensor (past the end of a list).
    Absent,
    /// `f32` entries.
    F32(&'a [f32]),
    /// `f64` entries.
    F64(&'a [f64]),
}

impl Values<'_> {
    #[allow(
        clippy::indexing_slicing,
        reason = "a const fn (no iterators): `i < len`: `check_column` reads `len` entries `start + i·stride`, within the tensor `check_tensor` compared with the shape first, or within the vector given"
    )]
    const fn get(&self, i: usize) -> f64 {
        match self {
            Values::Absent => 0.0,
            Values::F32(x) => x[i] as f64,
            Values::F64(x) => x[i],
        }
    }
}

/// A constant tensor seen through its shape and flat entries (what the macros read).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Entries<'a> {
    /// Number of axes (0: no tensor).
    pub rank: usize,
    /// Size of each axis (the first `rank`).
    pub dims: [usize; MAX_RANK],
    /// The entries, in C order.
    pub values: Values<'a>,
}

impl Entries<'_> {
    /// No tensor.
    pub const ABSENT: Entries<'static> = Entries {
        rank: 0,
        dims: [0; MAX_RANK],
        values: Values::Absent,
    };
}

/// A reference to a constant nested array (`[[f64; J]; N]`, …) or to `()` (no tensor); its
/// `entries` method, one `const fn` per rank and precision, flattens it in a `const` context.
#[doc(hidden)]
pub struct Nested<'a, X>(pub &'a X);

impl Nested<'_, ()> {
    /// No tensor.
    pub const fn entries(&self) -> Entries<'static> {
        Entries::ABSENT
    }
}

/// A nested array type of `$t` over dimension parameters `$d…` (outermost first).
macro_rules! nest {
    ($t:ty;) => { $t };
    ($t:ty; $d:ident $($rest:ident)*) => { [nest!($t; $($rest)*); $d] };
}

/// `$e` (a slice of arrays) flattened once per remaining dimension parameter.
macro_rules! flatten {
    ($e:expr;) => { $e };
    ($e:expr; $d:ident $($rest:ident)*) => { flatten!($e.as_flattened(); $($rest)*) };
}

macro_rules! nested_impls {
    ($($first:ident $($d:ident)*;)*) => {
        $(
            nested_impls!(@one f32, F32; $first $($d)*);
            nested_impls!(@one f64, F64; $first $($d)*);
        )*
    };
    (@one $t:ty, $v:ident; $first:ident $($d:ident)*) => {
        impl<'a, const $first: usize $(, const $d: usize)*> Nested<'a, nest!($t; $first $($d)*)> {
            /// The shape and flat entries.
            #[allow(clippy::indexing_slicing, reason = "a const fn (no iterators): `k < dims.len() <= MAX_RANK`")]
            pub const fn entries(&self) -> Entries<'a> {
                let dims = [$first $(, $d)*];
                let mut all = [0; MAX_RANK];
                let mut k = 0;
                while k < dims.len() {
                    all[k] = dims[k];
                    k += 1;
                }
                let outer: &'a [nest!($t; $($d)*)] = self.0;
                Entries {
                    rank: dims.len(),
                    dims: all,
                    values: Values::$v(flatten!(outer; $($d)*)),
                }
            }
        }
    };
}

nested_impls! {
    D0;
    D0 D1;
    D0 D1 D2;
    D0 D1 D2 D3;
    D0 D1 D2 D3 D4;
    D0 D1 D2 D3 D4 D5;
    D0 D1 D2 D3 D4 D5 D6;
    D0 D1 D2 D3 D4 D5 D6 D7;
    D0 D1 D2 D3 D4 D5 D6 D7 D8;
    D0 D1 D2 D3 D4 D5 D6 D7 D8 D9;
}

/// A reference to a value list `(x_0, (x_1, (…, ())))`, walked in a `const` context; past
/// the end, `head` is `()`.
#[doc(hidden)]
pub struct List<'a, X>(pub &'a X);

impl<'a, H, R> List<'a, (H, R)> {
    /// The first element.
    pub const fn head(&self) -> &'a H {
        &self.0.0
    }
    /// The rest of the list.
    pub const fn tail(&self) -> List<'a, R> {
        List(&self.0.1)
    }
}

impl<'a> List<'a, ()> {
    /// Nothing (past the end).
    pub const fn head(&self) -> &'a () {
        &()
    }
    /// Still the end.
    pub const fn tail(&self) -> List<'a, ()> {
        List(&())
    }
}

// ---------------------------------------------------------------------------------------------
// Vector checks, usable on their own.

/// Checks in a `const` context that `column` is a probability vector, as
/// [`Model::new`](crate::Model::new) checks a column: finite, non-negative, summing to 1
/// within [`NORMALISATION_TOLERANCE`] (summed in `f64`). On failure, the offending entry
/// (`None` for a bad sum) and the problem.
///
/// ```
/// use actinf::konst::distribution_f64;
/// const OK: bool = distribution_f64(&[0.25, 0.75]).is_ok();
/// const BAD: bool = distribution_f64(&[0.25, 0.7]).is_ok();
/// assert!(OK && !BAD);
/// ```
pub const fn distribution_f64(column: &[f64]) -> Result<(), (Option<usize>, Problem)> {
    let v = Values::F64(column);
    check_column(&v, 0, 1, column.len(), true)
}

/// [`distribution_f64`] for `f32` entries (summed in `f64`, as at run time).
pub const fn distribution_f32(column: &[f32]) -> Result<(), (Option<usize>, Problem)> {
    let v = Values::F32(column);
    check_column(&v, 0, 1, column.len(), true)
}

/// Checks in a `const` context that every entry is finite (what `C` must be); on failure,
/// the offending entry and the problem.
pub const fn finite_f64(values: &[f64]) -> Result<(), (usize, Problem)> {
    let v = Values::F64(values);
    match check_column(&v, 0, 1, values.len(), false) {
        Ok(()) => Ok(()),
        Err((i, p)) => Err((unwrap_or_zero(i), p)),
    }
}

/// [`finite_f64`] for `f32` entries.
pub const fn finite_f32(values: &[f32]) -> Result<(), (usize, Problem)> {
    let v = Values::F32(values);
    match check_column(&v, 0, 1, values.len(), false) {
        Ok(()) => Ok(()),
        Err((i, p)) => Err((unwrap_or_zero(i), p)),
    }
}

const fn unwrap_or_zero(i: Option<usize>) -> usize {
    match i {
        Some(i) => i,
        None => 0,
    }
}

/// The runtime checks of `validate::distribution` (or `finite` alone), on `len` entries from
/// `start`, `stride` apart, in the same order: finiteness, sign, then the sum.
const fn check_column(
    v: &Values,
    start: usize,
    stride: usize,
    len: usize,
    normalised: bool,
) -> Result<(), (Option<usize>, Problem)> {
    let mut i = 0;
    while i < len {
        let x = v.get(start + i * stride);
        if !x.is_finite() {
            return Err((Some(i), Problem::NotFinite { value: x }));
        }
        i += 1;
    }
    if !normalised {
        return Ok(());
    }
    let mut i = 0;
    while i < len {
        let x = v.get(start + i * stride);
        if x < 0.0 {
            return Err((Some(i), Problem::Negative { value: x }));
        }
        i += 1;
    }
    let mut s = 0.0f64;
    let mut i = 0;
    while i < len {
        s += v.get(start + i * stride);
        i += 1;
    }
    if !s.is_finite() {
        return Err((None, Problem::NotFinite { value: s }));
    }
    if (s - 1.0).abs() > NORMALISATION_TOLERANCE {
        return Err((None, Problem::NotNormalised { sum: s }));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Messages.

/// A message built in a fixed buffer (a `const` panic cannot format numbers).
struct Msg {
    buf: [u8; 640],
    len: usize,
}

impl Msg {
    const fn new() -> Self {
        Msg {
            buf: [0; 640],
            len: 0,
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "a const fn (no iterators): bounded by the loop condition"
    )]
    const fn str(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() && self.len < self.buf.len() {
            self.buf[self.len] = b[i];
            self.len += 1;
            i += 1;
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "a const fn (no iterators): at most 20 decimal digits in a `usize`; `buf` bounded by the condition"
    )]
    const fn usize(&mut self, mut x: usize) {
        let mut digits = [0u8; 20];
        let mut n = 0;
        loop {
            digits[n] = b'0' + (x % 10) as u8;
            n += 1;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        while n > 0 {
            n -= 1;
            if self.len < self.buf.len() {
                self.buf[self.len] = digits[n];
                self.len += 1;
            }
        }
    }

    /// `x` with up to `places` decimals, trailing zeros dropped.
    const fn fixed(&mut self, x: f64, places: u32) {
        let scale = 10u64.pow(places);
        let mut int = x as u64;
        let mut frac = ((x - int as f64) * scale as f64 + 0.5) as u64;
        if frac >= scale {
            int += 1;
            frac -= scale;
        }
        self.usize(int as usize);
        if frac > 0 {
            self.str(".");
            let mut div = scale / 10;
            while frac > 0 {
                self.usize((frac / div) as usize);
                frac %= div;
                div /= 10;
            }
        }
    }

    /// A float, readably (not always the shortest round-trip form of `{}`).
    const fn f64(&mut self, x: f64) {
        if x.is_nan() {
            self.str("NaN");
            return;
        }
        let mut x = x;
        if x < 0.0 {
            self.str("-");
            x = -x;
        }
        if x.is_infinite() {
            self.str("inf");
        } else if x == 0.0 {
            self.str("0");
        } else if x >= 1e-4 && x < 1e15 {
            self.fixed(x, 9);
        } else {
            let mut e: i32 = 0;
            while x >= 10.0 {
                x /= 10.0;
                e += 1;
            }
            while x < 1.0 {
                x *= 10.0;
                e -= 1;
            }
            self.fixed(x, 6);
            self.str("e");
            if e < 0 {
                self.str("-");
            }
            self.usize(e.unsigned_abs() as usize);
        }
    }

    /// The message (cut at a character boundary if the buffer filled up).
    const fn as_str(&self) -> &str {
        let bytes = self.buf.split_at(self.len).0;
        match core::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => match core::str::from_utf8(bytes.split_at(e.valid_up_to()).0) {
                Ok(s) => s,
                Err(_) => "invalid model constant",
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tensor checks (called by the macros).

/// Which tensor a check is about.
#[derive(Clone, Copy)]
enum Kind {
    A,
    B,
    C,
    D,
}

impl Kind {
    const fn label(self) -> &'static str {
        match self {
            Kind::A => "A",
            Kind::B => "B",
            Kind::C => "C",
            Kind::D => "D",
        }
    }

    const fn per_modality(self) -> bool {
        matches!(self, Kind::A | Kind::C)
    }
}

/// `A[1] (modality "Reward")`.
#[allow(
    clippy::indexing_slicing,
    reason = "a const fn (no iterators): checked above"
)]
const fn header(msg: &mut Msg, l: &Layout, kind: Kind, index: usize) {
    msg.str(kind.label());
    msg.str("[");
    msg.usize(index);
    if kind.per_modality() {
        msg.str("] (modality \"");
        if index < l.num_modalities {
            msg.str(l.modalities[index].name);
        }
    } else {
        msg.str("] (factor \"");
        if index < l.num_factors {
            msg.str(l.factors[index].name);
        }
    }
    msg.str("\")");
}

/// `, in `A_REWARD`` and the panic.
#[track_caller]
const fn finish(msg: &mut Msg, constant: &str) -> ! {
    msg.str(", in `");
    msg.str(constant);
    msg.str("`");
    panic!("{}", msg.as_str())
}

/// The parents of tensor `index` of `kind` (nothing for `C`, `D`).
#[allow(
    clippy::indexing_slicing,
    reason = "a const fn (no iterators): `index` is a modality or factor of the spec, as the `check_*!` macros name it (in a const item: out of range would be a compile error)"
)]
const fn parents_of(l: &Layout, kind: Kind, index: usize) -> Parents {
    match kind {
        Kind::A => l.modalities[index].parents,
        Kind::B => l.factors[index].parents,
        Kind::C | Kind::D => Parents {
            len: 0,
            ids: [0; spec::MAX_PARENTS],
            dims: [0; spec::MAX_PARENTS],
            joint: 1,
        },
    }
}

/// The shape the spec gives tensor `index` of `kind`, in pymdp's axis order.
#[allow(
    clippy::indexing_slicing,
    reason = "a const fn (no iterators): `index` as in `parents_of`; `n < dims.len()` checked"
)]
const fn expected_shape(l: &Layout, kind: Kind, index: usize) -> ([usize; MAX_RANK + 8], usize) {
    let mut dims = [0; MAX_RANK + 8];
    let parents = parents_of(l, kind, index);
    dims[0] = match kind {
        Kind::A | Kind::C => l.modalities[index].outcomes,
        Kind::B | Kind::D => l.factors[index].states,
    };
    let mut n = 1;
    if matches!(kind, Kind::A | Kind::B) {
        let mut k = 0;
        while k < parents.len && n < dims.len() {
            dims[n] = parents.dims[k];
            n += 1;
            k += 1;
        }
    }
    if matches!(kind, Kind::B) && n < dims.len() {
        dims[n] = l.factors[index].controls;
        n += 1;
    }
    (dims, n)
}

#[allow(
    clippy::indexing_slicing,
    reason = "a const fn (no iterators): callers pass `len <= dims.len()` (a rank and its shape array)"
)]
const fn shape_list(msg: &mut Msg, dims: &[usize], len: usize) {
    msg.str("[");
    let mut k = 0;
    while k < len {
        if k > 0 {
            msg.str(", ");
        }
        msg.usize(dims[k]);
        k += 1;
    }
    msg.str("]");
}

/// Checks the shape of tensor `index` of `kind`, then every column, in the runtime's order.
#[track_caller]
#[allow(
    clippy::indexing_slicing,
    reason = "a const fn (no iterators): `index` as in `parents_of`; parent ids come from the compile-time Layout"
)]
const fn check_tensor(l: &Layout, kind: Kind, index: usize, constant: &str, e: &Entries) {
    let (want, rank) = expected_shape(l, kind, index);
    let mut same = e.rank == rank;
    let mut k = 0;
    while same && k < rank {
        same = e.dims[k] == want[k];
        k += 1;
    }
    if !same {
        let mut msg = Msg::new();
        header(&mut msg, l, kind, index);
        if e.rank == 0 {
            msg.str(": missing (the list is shorter than the model's ");
            msg.str(if kind.per_modality() {
                "modalities)"
            } else {
                "factors)"
            });
        } else {
            msg.str(": has shape ");
            shape_list(&mut msg, &e.dims, e.rank);
            msg.str(", the model needs ");
            shape_list(&mut msg, &want, rank);
            msg.str(" (");
            msg.str(match kind {
                Kind::A | Kind::C => "outcomes",
                Kind::B => "next states",
                Kind::D => "states",
            });
            if matches!(kind, Kind::A | Kind::B) {
                let parents = parents_of(l, kind, index);
                let mut k = 0;
                while k < parents.len {
                    msg.str(", ");
                    msg.str(l.factors[parents.ids[k]].name);
                    k += 1;
                }
            }
            if matches!(kind, Kind::B) {
                msg.str(", actions");
            }
            msg.str(")");
        }
        finish(&mut msg, constant);
    }
    let parents = parents_of(l, kind, index);
    let rows = want[0];
    let j = parents.joint;
    let uu = match kind {
        Kind::B => l.factors[index].controls,
        _ => 1,
    };
    let normalised = !matches!(kind, Kind::C);
    let mut u = 0;
    while u < uu {
        let mut col = 0;
        while col < j {
            let (start, stride) = match kind {
                Kind::A => (col, j),
                Kind::B => (col * uu + u, j * uu),
                Kind::C | Kind::D => (0, 1),
            };
            if let Err((row, problem)) = check_column(&e.values, start, stride, rows, normalised) {
                column_error(l, kind, index, constant, &parents, row, col, u, problem);
            }
            col += 1;
        }
        u += 1;
    }
}

/// The message of a bad column or entry, e.g. `A[1] (modality "Reward"): column [:, 3, 1]
/// (Location 3, Context 1) sums to 0.97, not 1 (tolerance 1.001e-5), in `A_REWARD``.
#[track_caller]
#[allow(clippy::too_many_arguments)]
#[allow(
    clippy::indexing_slicing,
    reason = "a const fn (no iterators): `k < parents.len <= MAX_PARENTS`; parent ids come from the compile-time Layout"
)]
const fn column_error(
    l: &Layout,
    kind: Kind,
    index: usize,
    constant: &str,
    parents: &Parents,
    row: Option<usize>,
    col: usize,
    u: usize,
    problem: Problem,
) -> ! {
    let mut msg = Msg::new();
    header(&mut msg, l, kind, index);
    msg.str(match problem {
        Problem::NotNormalised { .. } => ": column [",
        _ => ": entry [",
    });
    match row {
        Some(r) => msg.usize(r),
        None => msg.str(":"),
    }
    // The parent indices of the column, C order (last parent fastest).
    let mut idx = [0usize; spec::MAX_PARENTS];
    let mut rest = col;
    let mut k = parents.len;
    while k > 0 {
        k -= 1;
        let d = if parents.dims[k] == 0 {
            1
        } else {
            parents.dims[k]
        };
        idx[k] = rest % d;
        rest /= d;
    }
    let mut k = 0;
    while k < parents.len {
        msg.str(", ");
        msg.usize(idx[k]);
        k += 1;
    }
    let is_b = matches!(kind, Kind::B);
    if is_b {
        msg.str(", ");
        msg.usize(u);
    }
    msg.str("]");
    if parents.len > 0 {
        msg.str(" (");
        let mut k = 0;
        while k < parents.len {
            if k > 0 {
                msg.str(", ");
            }
            msg.str(l.factors[parents.ids[k]].name);
            msg.str(" ");
            msg.usize(idx[k]);
            k += 1;
        }
        if is_b {
            msg.str(", action ");
            msg.usize(u);
        }
        msg.str(")");
    }
    match problem {
        Problem::NotNormalised { sum } => {
            msg.str(" sums to ");
            msg.f64(sum);
            msg.str(", not 1 (tolerance ");
            msg.str(TOLERANCE_TEXT);
            msg.str(")");
        }
        Problem::Negative { value } => {
            msg.str(" is negative (");
            msg.f64(value);
            msg.str(")");
        }
        Problem::NotFinite { value } => {
            msg.str(" is not finite (");
            msg.f64(value);
            msg.str(")");
        }
        _ => msg.str(" is invalid"),
    }
    finish(&mut msg, constant);
}

/// A list with more entries than the model has modalities or factors.
#[track_caller]
const fn check_extra(l: &Layout, kind: Kind, count: usize, constant: &str, e: &Entries) {
    if e.rank != 0 {
        let mut msg = Msg::new();
        msg.str(kind.label());
        msg.str(": the list has more than ");
        msg.usize(count);
        msg.str(if kind.per_modality() {
            " entries, one per modality"
        } else {
            " entries, one per factor"
        });
        let _ = l;
        finish(&mut msg, constant);
    }
}

/// Checks `A[m]` (pymdp layout, outcome axis first).
#[doc(hidden)]
#[track_caller]
pub const fn check_a<S: Spec>(m: usize, constant: &str, a: Entries) {
    spec::check_spec::<S>();
    let l = spec::layout_value::<S>();
    check_tensor(&l, Kind::A, m, constant, &a);
}

/// Checks `B[f]` (pymdp layout `[next][parents…][action]`).
#[doc(hidden)]
#[track_caller]
pub const fn check_b<S: Spec>(f: usize, constant: &str, b: Entries) {
    spec::check_spec::<S>();
    let l = spec::layout_value::<S>();
    check_tensor(&l, Kind::B, f, constant, &b);
}

/// Checks `C[m]`.
#[doc(hidden)]
#[track_caller]
pub const fn check_c<S: Spec>(m: usize, constant: &str, c: Entries) {
    spec::check_spec::<S>();
    let l = spec::layout_value::<S>();
    check_tensor(&l, Kind::C, m, constant, &c);
}

/// Checks `D[f]`.
#[doc(hidden)]
#[track_caller]
pub const fn check_d<S: Spec>(f: usize, constant: &str, d: Entries) {
    spec::check_spec::<S>();
    let l = spec::layout_value::<S>();
    check_tensor(&l, Kind::D, f, constant, &d);
}

/// Checks a whole model: `A` and `C` one entry per modality (up to
/// [`MAX_MODALITIES`](spec::MAX_MODALITIES), `ABSENT` past the end), `B` and `D` one per
/// factor; in the runtime's order (per modality `A` then `C`, per factor `B` then `D`).
#[doc(hidden)]
#[track_caller]
#[allow(
    clippy::indexing_slicing,
    reason = "a const fn (no iterators): `m < MAX_MODALITIES`, `f < MAX_FACTORS`, the arrays' lengths"
)]
pub const fn check_model<S: Spec>(
    names: [&str; 4],
    a: &[Entries; spec::MAX_MODALITIES],
    b: &[Entries; spec::MAX_FACTORS],
    c: &[Entries; spec::MAX_MODALITIES],
    d: &[Entries; spec::MAX_FACTORS],
) {
    spec::check_spec::<S>();
    let l = spec::layout_value::<S>();
    let mut m = 0;
    while m < spec::MAX_MODALITIES {
        if m < l.num_modalities {
            check_tensor(&l, Kind::A, m, names[0], &a[m]);
            check_tensor(&l, Kind::C, m, names[2], &c[m]);
        } else {
            check_extra(&l, Kind::A, l.num_modalities, names[0], &a[m]);
            check_extra(&l, Kind::C, l.num_modalities, names[2], &c[m]);
        }
        m += 1;
    }
    let mut f = 0;
    while f < spec::MAX_FACTORS {
        if f < l.num_factors {
            check_tensor(&l, Kind::B, f, names[1], &b[f]);
            check_tensor(&l, Kind::D, f, names[3], &d[f]);
        } else {
            check_extra(&l, Kind::B, l.num_factors, names[1], &b[f]);
            check_extra(&l, Kind::D, l.num_factors, names[3], &d[f]);
        }
        f += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Macros.

/// Checks a whole model given as constants, when the program compiles: see
/// [`konst`](crate::konst).
///
/// `actinf::check_model!(Spec, A, B, C, D);` where `A`, `B`, `C`, `D` are `const`s or
/// `static`s with one entry per modality or factor, in pymdp's layout, as
/// [`Model::new`](crate::Model::new) takes them (typically
/// [`LikelihoodInputOf<T, Spec>`](crate::types::LikelihoodInputOf),
/// [`TransitionsInputOf`](crate::types::TransitionsInputOf),
/// [`OutcomesInputOf`](crate::types::OutcomesInputOf),
/// [`FactorInputOf`](crate::types::FactorInputOf), written with [`list!`](crate::list!)).
/// Expands to a `const _: () = …;` item: a column that does not sum to 1, a negative entry,
/// a NaN or infinity, or a shape the spec does not give is a compile error naming the tensor,
/// the modality or factor, the column and the value.
#[macro_export]
macro_rules! check_model {
    ($spec:ty, $a:expr, $b:expr, $c:expr, $d:expr $(,)?) => {
        const _: () = $crate::konst::check_model::<$spec>(
            [
                ::core::stringify!($a),
                ::core::stringify!($b),
                ::core::stringify!($c),
                ::core::stringify!($d),
            ],
    &$crate::__konst_walk!($a; [] []
                0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
                16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31),
    &$crate::__konst_walk!($b; [] [] 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15),
    &$crate::__konst_walk!($c; [] []
                0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
                16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31),
    &$crate::__konst_walk!($d; [] [] 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15),
        );
    };
}

/// The entries of each element of a value list, one per counter token (`ABSENT` past the
/// end of the list).
#[doc(hidden)]
#[macro_export]
macro_rules! __konst_walk {
    ($l:expr; [$($acc:tt)*] [$($out:expr),*] $n:tt $($rest:tt)*) => {
        $crate::__konst_walk!($l; [$($acc)* .tail()] [$($out,)*
            $crate::konst::Nested($crate::konst::List(&$l) $($acc)* .head()).entries()]
            $($rest)*)
    };
    ($l:expr; [$($acc:tt)*] [$($out:expr),*]) => { [$($out),*] };
}

/// Checks one likelihood `A[m]` given as a constant, when the program compiles:
/// `actinf::check_a!(Spec, Modality, A_M);` with `A_M` in pymdp's layout
/// (`[[…; N_parent]…; NO]`, outcome axis first). See [`konst`](crate::konst).
#[macro_export]
macro_rules! check_a {
    ($spec:ty, $modality:ty, $a:expr $(,)?) => {
        const _: () = $crate::konst::check_a::<$spec>(
            <<$spec as $crate::Spec>::Modalities as $crate::spec::HasModality<
                <$spec as $crate::Spec>::Factors,
                $modality,
            >>::INDEX,
            ::core::stringify!($a),
            $crate::konst::Nested(&$a).entries(),
        );
    };
}

/// Checks one transition `B[f]` given as a constant, when the program compiles:
/// `actinf::check_b!(Spec, Factor, B_F);` with `B_F` in pymdp's layout
/// (`[next][parents…][action]`). See [`konst`](crate::konst).
#[macro_export]
macro_rules! check_b {
    ($spec:ty, $factor:ty, $b:expr $(,)?) => {
        const _: () = $crate::konst::check_b::<$spec>(
            <<$spec as $crate::Spec>::Factors as $crate::spec::HasFactor<$factor>>::INDEX,
            ::core::stringify!($b),
            $crate::konst::Nested(&$b).entries(),
        );
    };
}

/// Checks one preference vector `C[m]` (finite) given as a constant, when the program
/// compiles: `actinf::check_c!(Spec, Modality, C_M);`. See [`konst`](crate::konst).
#[macro_export]
macro_rules! check_c {
    ($spec:ty, $modality:ty, $c:expr $(,)?) => {
        const _: () = $crate::konst::check_c::<$spec>(
            <<$spec as $crate::Spec>::Modalities as $crate::spec::HasModality<
                <$spec as $crate::Spec>::Factors,
                $modality,
            >>::INDEX,
            ::core::stringify!($c),
            $crate::konst::Nested(&$c).entries(),
        );
    };
}

/// Checks one initial-state prior `D[f]` given as a constant, when the program compiles:
/// `actinf::check_d!(Spec, Factor, D_F);`. See [`konst`](crate::konst).
#[macro_export]
macro_rules! check_d {
    ($spec:ty, $factor:ty, $d:expr $(,)?) => {
        const _: () = $crate::konst::check_d::<$spec>(
            <<$spec as $crate::Spec>::Factors as $crate::spec::HasFactor<$factor>>::INDEX,
            ::core::stringify!($d),
            $crate::konst::Nested(&$d).entries(),
        );
    };
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::format;

    #[test]
    fn tolerance_text_matches_the_runtime_message() {
        assert_eq!(format!("{NORMALISATION_TOLERANCE:e}"), TOLERANCE_TEXT);
    }

    fn fmt(x: f64) -> std::string::String {
        let mut m = Msg::new();
        m.f64(x);
        std::string::String::from(m.as_str())
    }

    #[test]
    fn floats_print_readably() {
        assert_eq!(fmt(0.97), "0.97");
        assert_eq!(fmt(1.0), "1");
        assert_eq!(fmt(-0.5), "-0.5");
        assert_eq!(fmt(0.0), "0");
        assert_eq!(fmt(1.00002), "1.00002");
        assert_eq!(fmt(0.9999999999), "1");
        assert_eq!(fmt(f64::NAN), "NaN");
        assert_eq!(fmt(f64::INFINITY), "inf");
        assert_eq!(fmt(f64::NEG_INFINITY), "-inf");
        assert_eq!(fmt(2.5e20), "2.5e20");
        assert_eq!(fmt(3e-7), "3e-7");
        assert_eq!(fmt(123.25), "123.25");
    }

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        let mut m = Msg::new();
        for _ in 0..700 {
            m.str("é");
        }
        assert!(m.as_str().chars().all(|c| c == 'é'));
        assert_eq!(m.as_str().len(), 640);
    }
}
