//! Loading pymdp models: tensors as nested lists, as pymdp's (and NumPy's) `tolist()` writes
//! them, checked against a spec (feature `serde`).
//!
//! A pymdp user exports a model with
//!
//! ```python
//! import json
//! json.dump({"A": [a.tolist() for a in agent.A], "B": [b.tolist() for b in agent.B],
//!            "C": [c.tolist() for c in agent.C], "D": [d.tolist() for d in agent.D]},
//!           open("model.json", "w"))
//! ```
//!
//! and loads it with any serde format, e.g. `serde_json`:
//!
//! ```
//! # actinf::model! { pub Coin { factors { Side: 2 } modalities { Seen: 2 depends_on [Side] } } }
//! use actinf::io::PymdpModel;
//! let json = r#"{"A": [[[0.9, 0.2], [0.1, 0.8]]], "B": [[[[1.0], [0.0]], [[0.0], [1.0]]]],
//!                "C": [[0.0, 1.0]], "D": [[0.5, 0.5]]}"#;
//! let file: PymdpModel = serde_json::from_str(json).unwrap();
//! let model = file.model::<f64, Coin>()?;
//! assert_eq!(model.column(0, 1), &[0.2, 0.8]); // P(seen | side 1)
//! # Ok::<(), actinf::Error>(())
//! ```
//!
//! Every tensor's shape is checked against the spec: `A[m]` must be `(NO_m, N_parents…)`,
//! `B[f]` `(N_f, N_parents…, U_f)` (with control factors, pymdp's `B_action_dependencies`:
//! `(N_f, N_parents…, K_1, …, K_c)`, see [`model!`](crate::model!)), `C[m]` `(NO_m,)`, `D[f]` `(N_f,)`; a leading batch axis
//! of size 1 (pymdp's `Agent` arrays are `(1, …)`) is accepted and dropped. A tensor of the
//! wrong shape is an [`Error`] with [`Problem::WrongShape`](crate::Problem::WrongShape) naming
//! the tensor, the axis and both sizes; then the values are validated as by [`Model::new`].
//! Unknown fields of the file are ignored.

use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Entry, Error, Problem, Tensor};
use crate::maths::Real;
use crate::model::{DirichletA, DirichletB, DirichletD, Model};
use crate::spec::{self, FactorInfo, ModalityInfo, Spec};

/// A tensor read from nested lists: its shape and its entries in C order.
///
/// Deserializes from a nested sequence of numbers (`[[0.9, 0.1], [0.1, 0.9]]`) or from an
/// object `{"shape": [..], "data": [..]}` (the layout of actinf's test fixtures).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NdArray {
    /// Size of each axis.
    pub shape: Vec<usize>,
    /// The entries, last axis fastest.
    pub data: Vec<f64>,
}

impl NdArray {
    /// The shape without a leading batch axis of size 1 when the array has one axis more than
    /// `rank`.
    fn unbatched_shape(&self, rank: usize) -> &[usize] {
        match self.shape.split_first() {
            Some((&1, rest)) if self.shape.len() == rank + 1 => rest,
            _ => &self.shape,
        }
    }

    fn check_shape(
        &self,
        expected: &[usize],
        tensor: Tensor,
        index: usize,
        name: &'static str,
    ) -> Result<(), Error> {
        let shape = self.unbatched_shape(expected.len());
        if shape.len() != expected.len() {
            return Err(Error::new(
                tensor,
                index,
                name,
                Entry::at(0),
                Problem::WrongRank {
                    expected: expected.len(),
                    found: shape.len(),
                },
            ));
        }
        for (axis, (&e, &f)) in expected.iter().zip(shape).enumerate() {
            if e != f {
                return Err(Error::new(
                    tensor,
                    index,
                    name,
                    Entry::at(axis),
                    Problem::WrongShape {
                        axis: u32::try_from(axis).unwrap_or(u32::MAX),
                        expected: u32::try_from(e).unwrap_or(u32::MAX),
                        found: u32::try_from(f).unwrap_or(u32::MAX),
                    },
                ));
            }
        }
        Ok(())
    }
}

/// Accumulates a nested sequence: the shape from the first path down, every leaf in order.
struct Nested<'a> {
    shape: &'a mut Vec<usize>,
    data: &'a mut Vec<f64>,
    depth: usize,
    ragged: &'a mut bool,
}

impl<'de> de::DeserializeSeed<'de> for Nested<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nested<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a nested list of numbers")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        if self.depth != self.shape.len() {
            *self.ragged = true;
        }
        self.data.push(v);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let first_visit = self.depth == self.shape.len() && self.data.is_empty();
        if first_visit {
            self.shape.push(0);
        }
        if self.depth >= self.shape.len() {
            *self.ragged = true;
        }
        let mut n = 0usize;
        while seq
            .next_element_seed(Nested {
                shape: &mut *self.shape,
                data: &mut *self.data,
                depth: self.depth + 1,
                ragged: &mut *self.ragged,
            })?
            .is_some()
        {
            n += 1;
        }
        if let Some(len) = self.shape.get_mut(self.depth) {
            if first_visit {
                *len = n;
            } else if *len != n {
                *self.ragged = true;
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut shape: Option<Vec<usize>> = None;
        let mut data: Option<Vec<f64>> = None;
        while let Some(key) = map.next_key::<KeyName>()? {
            match key.0.as_str() {
                "shape" => shape = Some(map.next_value()?),
                "data" => data = Some(map.next_value()?),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let shape = shape.ok_or_else(|| de::Error::missing_field("shape"))?;
        let data = data.ok_or_else(|| de::Error::missing_field("data"))?;
        if shape.iter().product::<usize>() != data.len() {
            return Err(de::Error::custom("`data` length does not match `shape`"));
        }
        self.shape.extend(shape);
        self.data.extend(data);
        Ok(())
    }
}

/// A map key read as an owned string.
struct KeyName(alloc::string::String);

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyName;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyName, E> {
                Ok(KeyName(v.into()))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for NdArray {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut out = NdArray::default();
        let mut ragged = false;
        d.deserialize_any(Nested {
            shape: &mut out.shape,
            data: &mut out.data,
            depth: 0,
            ragged: &mut ragged,
        })?;
        if ragged || out.shape.iter().product::<usize>() != out.data.len() {
            return Err(de::Error::custom(
                "ragged nested list: every sub-list of an axis must have the same length",
            ));
        }
        Ok(out)
    }
}

/// A pymdp model file: `A` and `B`, and optionally `C`, `D`, `E`, `pA`, `pB`, `pD`, each a
/// list with one nested-list tensor per modality or factor (`E` a single vector).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PymdpModel {
    /// `A[m]`, `(NO_m, N_parents…)`.
    pub a: Vec<NdArray>,
    /// `B[f]`, `(N_f, N_parents…, U_f)`.
    pub b: Vec<NdArray>,
    /// `C[m]`, `(NO_m,)`; pymdp's default (uniform `1/NO_m`) when absent.
    pub c: Option<Vec<NdArray>>,
    /// `D[f]`, `(N_f,)`; uniform when absent.
    pub d: Option<Vec<NdArray>>,
    /// `E`, `(NP,)`.
    pub e: Option<NdArray>,
    /// `pA[m]`, like `A[m]`.
    pub pa: Option<Vec<NdArray>>,
    /// `pB[f]`, like `B[f]`.
    pub pb: Option<Vec<NdArray>>,
    /// `pD[f]`, like `D[f]`.
    pub pd: Option<Vec<NdArray>>,
}

impl<'de> Deserialize<'de> for PymdpModel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PymdpModel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a pymdp model: a map with `A`, `B` and optionally `C`, `D`, `E`, `pA`, `pB`, `pD`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PymdpModel, A::Error> {
                let mut out = PymdpModel::default();
                let (mut has_a, mut has_b) = (false, false);
                while let Some(key) = map.next_key::<KeyName>()? {
                    match key.0.as_str() {
                        "A" => {
                            out.a = map.next_value()?;
                            has_a = true;
                        }
                        "B" => {
                            out.b = map.next_value()?;
                            has_b = true;
                        }
                        "C" => out.c = Some(map.next_value()?),
                        "D" => out.d = Some(map.next_value()?),
                        "E" => out.e = Some(map.next_value()?),
                        "pA" => out.pa = Some(map.next_value()?),
                        "pB" => out.pb = Some(map.next_value()?),
                        "pD" => out.pd = Some(map.next_value()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                if !has_a {
                    return Err(de::Error::missing_field("A"));
                }
                if !has_b {
                    return Err(de::Error::missing_field("B"));
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

fn count_error(tensor: Tensor, expected: usize, found: usize) -> Error {
    Error::new(
        tensor,
        0,
        "",
        Entry::at(0),
        Problem::WrongLength { expected, found },
    )
}

/// `A[m]`'s shape: outcomes, then the parents' sizes.
fn likelihood_shape(info: &ModalityInfo) -> Vec<usize> {
    let mut shape = alloc::vec![info.outcomes];
    shape.extend_from_slice(info.parents.dims());
    shape
}

/// `B[f]`'s shape in pymdp's layout: next state, parents, then the trailing action axes
/// (one per control factor with `B_action_dependencies`, else one of size `U_f`).
fn transition_shape<S: Spec>(f: usize, info: &FactorInfo) -> Vec<usize> {
    let mut shape = alloc::vec![info.states];
    shape.extend_from_slice(info.parents.dims());
    if let Some(axes) = spec::controls::<S>().action_axes.get(f) {
        shape.extend(axes.ids.iter().take(axes.len));
    }
    shape
}

/// Concatenates per-modality (or per-factor) tensors after checking each one's shape: one
/// tensor per entry of `infos`, shaped as `shape_of` says.
fn concat<T: Real, I>(
    tensors: &[NdArray],
    infos: &[I],
    tensor: Tensor,
    shape_of: impl Fn(usize, &I) -> (Vec<usize>, &'static str),
) -> Result<Vec<T>, Error> {
    if tensors.len() != infos.len() {
        return Err(count_error(tensor, infos.len(), tensors.len()));
    }
    let mut out = Vec::new();
    for (k, (t, info)) in tensors.iter().zip(infos).enumerate() {
        let (shape, name) = shape_of(k, info);
        t.check_shape(&shape, tensor, k, name)?;
        out.extend(t.data.iter().map(|&x| T::lit(x)));
    }
    Ok(out)
}

impl PymdpModel {
    fn a_flat<T: Real, S: Spec>(
        &self,
        tensors: &[NdArray],
        tensor: Tensor,
    ) -> Result<Vec<T>, Error> {
        concat(tensors, spec::modalities::<S>(), tensor, |_, info| {
            (likelihood_shape(info), info.name)
        })
    }

    fn b_flat<T: Real, S: Spec>(
        &self,
        tensors: &[NdArray],
        tensor: Tensor,
    ) -> Result<Vec<T>, Error> {
        concat(tensors, spec::factors::<S>(), tensor, |f, info| {
            (transition_shape::<S>(f, info), info.name)
        })
    }

    /// The model `A`, `B`, `C`, `D` for the spec `S` (shapes checked, then values validated
    /// as by [`Model::new`]).
    pub fn model<T: Real, S: Spec>(&self) -> Result<Model<T, S>, Error> {
        let (a, b, c, d) = self.flat::<T, S>()?;
        Model::from_slices(&a, &b, &c, &d)
    }

    #[allow(clippy::type_complexity)]
    fn flat<T: Real, S: Spec>(&self) -> Result<(Vec<T>, Vec<T>, Vec<T>, Vec<T>), Error> {
        let a = self.a_flat::<T, S>(&self.a, Tensor::A)?;
        let b = self.b_flat::<T, S>(&self.b, Tensor::B)?;
        let ms = spec::modalities::<S>();
        let fs = spec::factors::<S>();
        let c: Vec<T> = match &self.c {
            Some(c) => concat(c, ms, Tensor::C, |_, info| {
                (alloc::vec![info.outcomes], info.name)
            })?,
            None => ms
                .iter()
                .flat_map(|i| core::iter::repeat_n(T::ONE / T::lit(i.outcomes as f64), i.outcomes))
                .collect(),
        };
        let d: Vec<T> = match &self.d {
            Some(d) => concat(d, fs, Tensor::D, |_, info| {
                (alloc::vec![info.states], info.name)
            })?,
            None => fs
                .iter()
                .flat_map(|i| core::iter::repeat_n(T::ONE / T::lit(i.states as f64), i.states))
                .collect(),
        };
        Ok((a, b, c, d))
    }

    /// [`model`](Self::model) built in place on the heap (see
    /// [`Model::boxed_from_slices`]), for models too large to pass around by value.
    pub fn boxed_model<T: Real, S: Spec>(&self) -> Result<alloc::boxed::Box<Model<T, S>>, Error> {
        let (a, b, c, d) = self.flat::<T, S>()?;
        Model::boxed_from_slices(&a, &b, &c, &d)
    }

    /// `pA`, if the file has it (shapes checked, values validated as concentrations).
    pub fn dirichlet_a<T: Real, S: Spec>(&self) -> Result<Option<DirichletA<T, S>>, Error> {
        match &self.pa {
            Some(pa) => {
                let flat = self.a_flat::<T, S>(pa, Tensor::PA)?;
                DirichletA::from_slice(&flat).map(Some)
            }
            None => Ok(None),
        }
    }

    /// `pB`, if the file has it (shapes checked, values validated as concentrations).
    pub fn dirichlet_b<T: Real, S: Spec>(&self) -> Result<Option<DirichletB<T, S>>, Error> {
        match &self.pb {
            Some(pb) => {
                let flat = self.b_flat::<T, S>(pb, Tensor::PB)?;
                DirichletB::from_pymdp_slice(&flat).map(Some)
            }
            None => Ok(None),
        }
    }

    /// `pD`, if the file has it (shapes checked, values validated as concentrations).
    pub fn dirichlet_d<T: Real, S: Spec>(&self) -> Result<Option<DirichletD<T, S>>, Error> {
        match &self.pd {
            Some(pd) => {
                let flat: Vec<T> = concat(pd, spec::factors::<S>(), Tensor::PD, |_, info| {
                    (alloc::vec![info.states], info.name)
                })?;
                DirichletD::from_slice(&flat).map(Some)
            }
            None => Ok(None),
        }
    }

    /// `E` as `[T; NP]`, if the file has it (shape checked; a distribution is checked when the
    /// agent takes it).
    pub fn e<T: Real, const NP: usize>(&self) -> Result<Option<[T; NP]>, Error> {
        match &self.e {
            Some(e) => {
                e.check_shape(&[NP], Tensor::E, 0, "")?;
                let mut out = [T::ZERO; NP];
                for (o, &x) in out.iter_mut().zip(&e.data) {
                    *o = T::lit(x);
                }
                Ok(Some(out))
            }
            None => Ok(None),
        }
    }
}
