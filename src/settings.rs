//! Settings resolved from the command line and the configuration file, as the linter
//! uses them.

use crate::config::{Config, FinalizerPosition};

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Where a fix puts `finalizers:` in `metadata`.
    pub finalizer_position: FinalizerPosition,
    /// Finalizer strings accepted as cascading besides Argo CD's own.
    pub extra_cascade: Vec<String>,
}

impl Settings {
    pub const DEFAULT: Settings = Settings {
        finalizer_position: FinalizerPosition::End,
        extra_cascade: Vec::new(),
    };

    pub fn from_config(config: &Config) -> Self {
        Settings {
            finalizer_position: config.fix.finalizer_position,
            extra_cascade: Vec::new(),
        }
    }
}
