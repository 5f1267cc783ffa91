//! The safety net below linting: whether a fixed file holds the same data as the original
//! outside finalizer lists ([`check`]), and which of the fixes a lint offers the net would
//! accept ([`validate`]). The fixer (`fix`) applies fixes through the same checks.

pub mod check;
pub mod validate;
