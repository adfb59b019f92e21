//! Batches: what is shared across the agents of a batch and what each agent has, and storage
//! for large batches.
//!
//! A batched [`Agent`](crate::Agent) reads each of its parameters (the model, the
//! hyperparameters, optional components such as habits) through [`Batched`]:
//!
//! * [`Shared<V>`] holds one value that every agent uses — a batch of 1024 agents built with
//!   [`Agent::new`](crate::Agent::new) stores its model once;
//! * [`PerAgent<C>`] holds one value per agent in a container `C`: an inline array
//!   `[V; B]`, a `Box<[V; B]>` built in place on the heap ([`boxed_from_fn`]), or a
//!   `&'static mut [V; B]` in a `static`.
//!
//! Which parameters are shared is therefore visible in the agent's type.

use core::fmt;

/// Storage of exactly `B` values: an array, a boxed array, or a mutable reference to one.
pub trait BatchStorage<V, const B: usize> {
    /// The values.
    fn values(&self) -> &[V; B];
    /// The values, mutably.
    fn values_mut(&mut self) -> &mut [V; B];
}

impl<V, const B: usize> BatchStorage<V, B> for [V; B] {
    fn values(&self) -> &[V; B] {
        self
    }
    fn values_mut(&mut self) -> &mut [V; B] {
        self
    }
}

impl<V, const B: usize> BatchStorage<V, B> for &mut [V; B] {
    fn values(&self) -> &[V; B] {
        self
    }
    fn values_mut(&mut self) -> &mut [V; B] {
        self
    }
}

#[cfg(feature = "alloc")]
impl<V, const B: usize> BatchStorage<V, B> for alloc::boxed::Box<[V; B]> {
    fn values(&self) -> &[V; B] {
        self
    }
    fn values_mut(&mut self) -> &mut [V; B] {
        self
    }
}

/// A parameter of a batch of `B` agents: agent `b` reads `get(b)`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not give a `{V}` to each of {B} agents",
    note = "wrap the value in `Shared(v)` (one for every agent) or `PerAgent(values)` \
            (`[v; B]`, `Box<[v; B]>` or `&mut [v; B]`)"
)]
pub trait Batched<V, const B: usize> {
    /// Whether every agent reads the same value.
    const SHARED: bool;
    /// Agent `b`'s value.
    ///
    /// # Panics
    /// Per-agent values panic if `b >= B` (a shared value ignores `b`).
    fn get(&self, b: usize) -> &V;
    /// Agent `b`'s value, mutably (for a shared value: the one value every agent reads).
    ///
    /// # Panics
    /// Per-agent values panic if `b >= B`.
    fn get_mut(&mut self, b: usize) -> &mut V;
}

/// One value every agent of the batch reads.
#[derive(Clone, Copy, PartialEq, Default)]
pub struct Shared<V>(pub V);

/// One value per agent, in the container `C` (see [`BatchStorage`]).
#[derive(Clone, Copy, PartialEq, Default)]
pub struct PerAgent<C>(pub C);

impl<V: fmt::Debug> fmt::Debug for Shared<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Shared").field(&self.0).finish()
    }
}

impl<C> fmt::Debug for PerAgent<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PerAgent(..)")
    }
}

impl<V, const B: usize> Batched<V, B> for Shared<V> {
    const SHARED: bool = true;
    #[inline(always)]
    fn get(&self, _: usize) -> &V {
        &self.0
    }
    #[inline(always)]
    fn get_mut(&mut self, _: usize) -> &mut V {
        &mut self.0
    }
}

/// A shared value borrowed from elsewhere (a `static`, or a model kept alive by the caller):
/// the agent holds a reference.
impl<V, const B: usize> Batched<V, B> for Shared<&V> {
    const SHARED: bool = true;
    #[inline(always)]
    fn get(&self, _: usize) -> &V {
        self.0
    }
    /// # Panics
    /// Always: a borrowed value cannot be changed through the agent.
    fn get_mut(&mut self, _: usize) -> &mut V {
        panic!("a Shared(&value) parameter is read-only; use Shared(&mut value) or own it")
    }
}

/// A shared value borrowed mutably (e.g. from a `static` cell).
impl<V, const B: usize> Batched<V, B> for Shared<&mut V> {
    const SHARED: bool = true;
    #[inline(always)]
    fn get(&self, _: usize) -> &V {
        self.0
    }
    #[inline(always)]
    fn get_mut(&mut self, _: usize) -> &mut V {
        self.0
    }
}

/// A shared value on the heap (a large model built in place with
/// [`Model::boxed_from_slices`](crate::Model::boxed_from_slices)).
#[cfg(feature = "alloc")]
impl<V, const B: usize> Batched<V, B> for Shared<alloc::boxed::Box<V>> {
    const SHARED: bool = true;
    #[inline(always)]
    fn get(&self, _: usize) -> &V {
        &self.0
    }
    #[inline(always)]
    fn get_mut(&mut self, _: usize) -> &mut V {
        &mut self.0
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "`b < B` is the contract of `Batched::get` (the agent's methods document their \
              `# Panics` for `b >= B`); `values()` holds exactly `B` values"
)]
impl<V, C: BatchStorage<V, B>, const B: usize> Batched<V, B> for PerAgent<C> {
    const SHARED: bool = false;
    #[inline(always)]
    fn get(&self, b: usize) -> &V {
        &self.0.values()[b]
    }
    #[inline(always)]
    fn get_mut(&mut self, b: usize) -> &mut V {
        &mut self.0.values_mut()[b]
    }
}

/// `B` copies of `v` in a heap array, built in place: only `v` itself passes through the
/// stack, whatever `B` is (`vec![v; B]`, then the boxed slice is converted to an array).
///
/// ```
/// let q: Box<[f64; 4096]> = actinf::batch::boxed(0.5);
/// assert_eq!(q[4095], 0.5);
/// ```
#[cfg(feature = "alloc")]
pub fn boxed<V: Clone, const B: usize>(v: V) -> alloc::boxed::Box<[V; B]> {
    let v: alloc::boxed::Box<[V]> = alloc::vec![v; B].into_boxed_slice();
    match v.try_into() {
        Ok(a) => a,
        Err(_) => unreachable!("a vector of B elements converts to [V; B]"),
    }
}

/// `[f(0), …, f(B − 1)]` in a heap array, built in place (one value on the stack at a time).
///
/// ```
/// let c: Box<[usize; 1000]> = actinf::batch::boxed_from_fn(|b| b * 2);
/// assert_eq!(c[999], 1998);
/// ```
#[cfg(feature = "alloc")]
pub fn boxed_from_fn<V, const B: usize>(f: impl FnMut(usize) -> V) -> alloc::boxed::Box<[V; B]> {
    let v: alloc::boxed::Box<[V]> = (0..B).map(f).collect();
    match v.try_into() {
        Ok(a) => a,
        Err(_) => unreachable!("B elements convert to [V; B]"),
    }
}

/// Like [`boxed_from_fn`], for fallible constructors: the first error is returned, with the
/// agent's index.
#[cfg(feature = "alloc")]
pub fn try_boxed_from_fn<V, const B: usize>(
    mut f: impl FnMut(usize) -> Result<V, crate::Error>,
) -> Result<alloc::boxed::Box<[V; B]>, crate::Error> {
    let mut out = alloc::vec::Vec::with_capacity(B);
    for b in 0..B {
        out.push(f(b).map_err(|e| e.in_agent(b))?);
    }
    match out.into_boxed_slice().try_into() {
        Ok(a) => Ok(a),
        Err(_) => unreachable!("B elements convert to [V; B]"),
    }
}
