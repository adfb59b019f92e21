//! Nothing here: the package exists for its bench target, `benches/agent/main.rs`.
