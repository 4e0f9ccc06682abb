//! B rules: balance and size.

pub mod composition_off_target;
pub mod missing_clarifications;
pub mod missing_refusals;
pub mod too_few_examples;
