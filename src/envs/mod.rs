//! Generative processes (environments) that agents act in.

pub mod tmaze;
