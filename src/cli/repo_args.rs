//! The options of the commands that read a whole repository (`graph`, `plan`): how it is
//! walked and configured, one definition for both.

use crate::session::{ConfigChoice, Mode, Options};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct RepoArgs {
    /// Exclude paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Do not honour .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Number of threads (default, and with 0: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Files larger than this are not read (an error, exit 2).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = crate::read::parse_size)]
    pub max_file_size: u64,
    /// Use this configuration file instead of looking for `.gitops-lint.yaml`.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

impl RepoArgs {
    /// The session options for reading `paths` with these options (the graph kept; the
    /// rest as `lint` without fixes).
    pub fn options(&self, paths: &[PathBuf], threads: usize, keep_node_texts: bool) -> Options {
        let config = match &self.config {
            _ if self.isolated => ConfigChoice::Isolated,
            Some(p) => ConfigChoice::Path(p.clone()),
            None => ConfigChoice::Discover,
        };
        Options {
            paths: paths.to_vec(),
            config,
            exclude: self.exclude.clone(),
            no_ignore: self.no_ignore,
            force_exclude: false,
            threads,
            max_file_size: self.max_file_size,
            mode: Mode::Check,
            unsafe_fixes: false,
            stdin: None,
            cwd: std::env::current_dir().ok(),
            keep_node_texts,
            keep_graph: true,
            know_files: false,
            rules: Default::default(),
        }
    }
}
