//! Command-line interface (clap derive). `main.rs` only calls `cli::main`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::config;
use crate::diag::{InputError, InputErrors};
use crate::finding::Severity;
use crate::report::{self, Format, Report};
use crate::run;
use crate::source::{self, Listing, SourceSpec};

#[derive(Parser, Debug)]
#[command(
    name = "treaty",
    version,
    about = "Guards API contracts: lints protobuf and OpenAPI contracts and finds breaking changes between git revisions",
    propagate_version = true
)]
pub struct Cli {
    /// When to use colour in human output (NO_COLOR is honoured).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compare two directories or files (no git needed); `REV:PATH` works wherever a path does.
    Diff {
        /// The old side: a directory, a file, or REV:PATH.
        old: String,
        /// The new side: a directory, a file, or REV:PATH.
        new: String,
        #[command(flatten)]
        common: Common,
    },
    /// Breaking changes between a git revision and the work tree, another revision or the index.
    Breaking {
        /// The base revision (branch, tag, commit); `main...` for the merge base of main and
        /// the head (what a pull request changed). Defaults to HEAD with --staged.
        #[arg(long)]
        against: Option<String>,
        /// Compare against this revision instead of the work tree (no checkout needed).
        #[arg(long, conflicts_with = "staged")]
        head: Option<String>,
        /// Compare the staged index with HEAD (the pre-commit case).
        #[arg(long)]
        staged: bool,
        /// Limit the comparison to these paths (directories or files, relative to the current
        /// directory as in git); one that matches nothing in either revision is an error.
        paths: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// CI on a pull request: breaking changes since a revision and the lint findings the
    /// change brought, in one report (`--all` for every lint finding).
    Check {
        /// The base revision (branch, tag, commit); `main...` for the merge base of main and
        /// the head (what a pull request changed). Defaults to HEAD with --staged.
        #[arg(long)]
        against: Option<String>,
        /// Check this revision instead of the work tree (no checkout needed).
        #[arg(long, conflicts_with = "staged")]
        head: Option<String>,
        /// Check the staged index against HEAD (the pre-commit case).
        #[arg(long)]
        staged: bool,
        /// Report every lint finding, not only those on what the change added or edited.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Lint the contracts of one revision: the work tree (default), a directory or file,
    /// `REV:PATH`, a revision (--rev) or the staged index (--staged).
    Lint {
        /// A directory, a file or REV:PATH (default: the current directory); with --rev or
        /// --staged, a path inside the repository (relative to the current directory).
        path: Option<String>,
        /// Lint this revision (no checkout needed).
        #[arg(long, conflicts_with = "staged")]
        rev: Option<String>,
        /// Lint the staged index (the pre-commit case).
        #[arg(long)]
        staged: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Write a commented starter treaty.toml in the current directory, carrying over what a
    /// buf.yaml and a .spectral.yaml there say.
    Init {
        /// Replace an existing treaty.toml.
        #[arg(long)]
        force: bool,
    },
    /// List the rules, and whether each is on by default; the filters combine.
    Rules {
        #[arg(long, value_enum, default_value = "human")]
        format: CatalogFormat,
        /// Only the rules of this protocol.
        #[arg(long, value_enum)]
        protocol: Option<ProtocolFilter>,
        /// Only lint rules, or only breaking-change rules.
        #[arg(long, value_enum)]
        kind: Option<KindFilter>,
        /// Only the rules of this category (`FILE`, `WIRE_JSON`, `buf:WIRE`, ...).
        #[arg(long)]
        category: Option<String>,
    },
    /// Explain one rule, by id or peer alias (`buf:FIELD_SAME_TYPE`).
    Explain { rule: String },
    /// Print a completion script for a shell (e.g. `treaty completions bash >
    /// ~/.local/share/bash-completion/completions/treaty`).
    Completions { shell: clap_complete::Shell },
    /// Print treaty's manual page (roff), e.g. `treaty man > ~/.local/share/man/man1/treaty.1`;
    /// `treaty man breaking` prints the page of one command (treaty-breaking(1)).
    Man { command: Option<String> },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CatalogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ProtocolFilter {
    Proto,
    Openapi,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindFilter {
    Lint,
    Breaking,
}

fn kind_name(kind: crate::rules::Kind) -> &'static str {
    match kind {
        crate::rules::Kind::Breaking => "breaking",
        crate::rules::Kind::Lint => "lint",
    }
}

fn protocol_name(protocol: crate::rules::Protocol) -> &'static str {
    match protocol {
        crate::rules::Protocol::Proto => "proto",
        crate::rules::Protocol::Openapi => "openapi",
    }
}

/// The rules `treaty rules` lists: those passing every filter given. A category matches with
/// or without its peer prefix (`buf:WIRE` and `WIRE`), in any case.
fn filtered_catalog(
    protocol: Option<ProtocolFilter>,
    kind: Option<KindFilter>,
    category: Option<&str>,
) -> Vec<&'static crate::rules::RuleDoc> {
    use crate::rules::{Kind, Protocol};
    let category = category.map(|c| c.rsplit(':').next().unwrap_or(c).to_ascii_uppercase());
    (crate::rules::catalog().iter())
        .filter(|d| match protocol {
            Some(ProtocolFilter::Proto) => d.protocol == Protocol::Proto,
            Some(ProtocolFilter::Openapi) => d.protocol == Protocol::Openapi,
            None => true,
        })
        .filter(|d| match kind {
            Some(KindFilter::Lint) => d.kind == Kind::Lint,
            Some(KindFilter::Breaking) => d.kind == Kind::Breaking,
            None => true,
        })
        .filter(|d| {
            category.as_ref().is_none_or(|wanted| {
                (d.categories.iter()).any(|c| {
                    c.rsplit(':')
                        .next()
                        .unwrap_or(c)
                        .eq_ignore_ascii_case(wanted)
                })
            })
        })
        .collect()
}

/// The catalog as aligned columns under a header, for people.
fn catalog_table(rules: &[&crate::rules::RuleDoc]) -> String {
    let id_width = rules.iter().map(|d| d.id.len()).max().unwrap_or(0).max(4);
    let mut s = format!(
        "{:<id_width$}  {:<8}  {:<8}  {:<7}  SUMMARY\n",
        "RULE", "KIND", "SEVERITY", "DEFAULT"
    );
    for d in rules {
        let aliases = if d.aliases.is_empty() {
            String::new()
        } else {
            format!("  [{}]", d.aliases.join(", "))
        };
        s.push_str(&format!(
            "{:<id_width$}  {:<8}  {:<8}  {:<7}  {}{aliases}\n",
            d.id,
            kind_name(d.kind),
            d.severity.as_str(),
            if d.default { "on" } else { "off" },
            d.summary,
        ));
    }
    s
}

/// One `--format`: a report format, and the file it goes to (`sarif=treaty.sarif`), or stdout.
#[derive(Debug, Clone)]
pub struct FormatTarget {
    pub format: Format,
    pub file: Option<PathBuf>,
}

fn parse_format_target(value: &str) -> Result<FormatTarget, String> {
    use clap::ValueEnum;
    let (name, file) = match value.split_once('=') {
        Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
        Some((name, _)) => return Err(format!("`{name}=` needs a file name after the `=`")),
        None => (value, None),
    };
    let format = Format::from_str(name, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{name}` (one of: {})", names.join(", "))
    })?;
    Ok(FormatTarget { format, file })
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Output format: human, json, concise, github, sarif, junit, markdown or gitlab.
    /// Repeatable; `FORMAT=FILE` writes that report to FILE (`--format human --format
    /// sarif=treaty.sarif`), at most one goes to stdout.
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "human", value_parser = parse_format_target)]
    pub format: Vec<FormatTarget>,
    /// Write the report that would go to stdout to this file instead.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show info findings (changes that break no client) in the human report; the exit code
    /// still follows --fail-on.
    #[arg(long)]
    pub show_info: bool,
    /// Leave info findings out of the machine formats (json, sarif, ...); the exit code still
    /// follows --fail-on.
    #[arg(long)]
    pub hide_info: bool,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Run only these rules: ids, peer aliases (buf:FIELD_SAME_TYPE) or categories (buf:WIRE_JSON).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these rules (ids, aliases or categories).
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// A treaty.toml or buf.yaml to use instead of the one found in the compared tree.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// Where one report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

impl Common {
    /// Each report to write and where: `FORMAT=FILE` to its file, the plain one to stdout
    /// (or to `--output`). Two plain formats would share stdout: a usage error.
    pub fn targets(&self) -> Result<Vec<(Format, Destination)>, InputErrors> {
        let plain = self.format.iter().filter(|t| t.file.is_none()).count();
        if plain > 1 {
            return Err(InputError::new(
                "more than one --format would go to stdout; write the others to files (`--format sarif=treaty.sarif`)",
            )
            .into());
        }
        if plain == 0 && self.output.is_some() {
            return Err(InputError::new(
                "--output FILE takes the report that would go to stdout, and every --format names its own file",
            )
            .into());
        }
        Ok(self
            .format
            .iter()
            .map(|t| {
                let destination = match (&t.file, &self.output) {
                    (Some(file), _) | (None, Some(file)) => Destination::File(file.clone()),
                    (None, None) => Destination::Stdout,
                };
                (t.format, destination)
            })
            .collect())
    }

    /// Whether a human report is written: people read stderr notes then; machine formats keep
    /// both streams to their contract.
    fn human(&self) -> bool {
        self.format.iter().any(|t| t.format == Format::Human)
    }

    fn has_format(&self, formats: &[Format]) -> bool {
        self.format.iter().any(|t| formats.contains(&t.format))
    }
}

/// Write one report where it goes; a file that cannot be written is exit 2 naming it.
fn write_to(destination: &Destination, text: &str) -> Result<(), InputError> {
    match destination {
        Destination::Stdout => emit(text),
        Destination::File(path) => std::fs::write(path, text).map_err(|e| {
            InputError::in_file(
                path.display().to_string(),
                format!("cannot write the report: {e}"),
            )
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage/config/git/parse errors.
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Write to stdout. A closed pipe (`treaty ... | head`) ends the output quietly and keeps the
/// run's exit code; any other write error (a full disk, `>/dev/full`) is exit 2: a CI gate must
/// not pass because its report could not be written.
fn emit(text: &str) -> Result<(), InputError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(InputError::new(format!(
            "cannot write the report to standard output: {e}"
        ))),
    }
}

/// A line on stderr when a run is still going after a while, so a long one does not look hung.
/// Dropping it before then prints nothing.
struct Progress {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Progress {
    /// On a terminal's stderr only: logs and pipes get nothing they did not ask for.
    fn on_terminal(count_files: impl FnOnce() -> usize) -> Option<Progress> {
        std::io::stderr().is_terminal().then(|| {
            let files = count_files();
            let message = format!(
                "treaty: reading {files} file{}...\n",
                if files == 1 { "" } else { "s" }
            );
            Progress::after(std::time::Duration::from_secs(1), message, std::io::stderr)
        })
    }

    fn after<W: Write>(
        delay: std::time::Duration,
        message: String,
        writer: impl FnOnce() -> W + Send + 'static,
    ) -> Progress {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = done.clone();
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            if !seen.load(std::sync::atomic::Ordering::Acquire) {
                let _ = writer().write_all(message.as_bytes());
            }
        });
        Progress { done }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// Files a comparison may read: protobuf sources, YAML/JSON (OpenAPI specs are found by
/// content among them) and config files.
fn contract_filter(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.ends_with(".proto")
        || crate::openapi::load::is_yaml_or_json(path)
        || [config::TREATY_TOML, config::BUF_YAML, config::BUF_WORK_YAML].contains(&name)
}

/// `--config FILE`, else the config at the root of the new side, else of the old side; with
/// a note naming the file used (`None` when there is none).
fn find_config(
    common: &Common,
    old: &Listing,
    new: &Listing,
) -> Result<(config::Config, Option<String>), InputErrors> {
    if let Some(path) = &common.config {
        let config = config::load_config_file(path).map_err(InputErrors::from)?;
        return Ok((config, Some(path.display().to_string())));
    }
    for listing in [new, old] {
        if let Some((config, used, ignored)) = config_of(listing)? {
            let side = if std::ptr::eq(listing, new) {
                ""
            } else {
                " (from the old side: the new one has none)"
            };
            let note = if ignored.is_empty() {
                format!("{used}{side}")
            } else {
                format!(
                    "{used}{side}; it wins over the {} beside it",
                    ignored.join(" and ")
                )
            };
            return Ok((config, Some(note)));
        }
    }
    Ok((config::Config::default(), None))
}

/// The configuration at a listing's root, if it has one: the config, the file it came from,
/// and the others beside it that it wins over.
#[allow(clippy::type_complexity)]
fn config_of(
    listing: &Listing,
) -> Result<Option<(config::Config, &'static str, Vec<&'static str>)>, InputErrors> {
    let names = [config::TREATY_TOML, config::BUF_YAML, config::BUF_WORK_YAML];
    // A config file too large to read is an error, not a missing config. (A directory's
    // oversized files are in no listing's entries, but come with every read of it.)
    let oversized = listing.read(&names).ok().and_then(|snapshot| {
        let mut oversized = snapshot.oversized.into_values();
        oversized.find(|o| names.contains(&o.path.as_str()))
    });
    if let Some(o) = oversized {
        return Err(InputError::new(o.to_string()).into());
    }
    let entries = listing.entries();
    // In the order `load_config` reads them: the first present is the one used.
    let present: Vec<&'static str> = (names.iter().copied())
        .filter(|name| entries.contains_key(*name))
        .collect();
    let Some((used, ignored)) = present.split_first() else {
        return Ok(None);
    };
    let read = |name: &str| -> Option<Vec<u8>> {
        let snapshot = listing.read(&[name]).ok()?;
        snapshot
            .files
            .into_values()
            .next()
            .map(|f| f.bytes.to_vec())
    };
    let config = config::load_config(&read).map_err(InputErrors::from)?;
    Ok(Some((config, used, ignored.to_vec())))
}

fn list(spec: &SourceSpec, repo_dir: &std::path::Path) -> Result<Listing, InputErrors> {
    let listing = source::list(spec, repo_dir, &contract_filter);
    listing.map_err(|e| InputError::from(e).into())
}

fn options(common: &Common, old: &Listing, new: &Listing) -> Result<run::Options, InputErrors> {
    // Flags have no line to point at; the nearest name still helps.
    let flags = [("--only", &common.only), ("--skip", &common.skip)];
    let unknown: Vec<InputError> = flags
        .iter()
        .flat_map(|(flag, tokens)| tokens.iter().map(move |t| (flag, t)))
        .filter_map(|(flag, token)| {
            let message = crate::rules::unknown_token_message(token)?;
            Some(InputError::new(format!("{flag}: {message}")))
        })
        .collect();
    if !unknown.is_empty() {
        return Err(InputErrors(unknown));
    }
    let (config, used) = find_config(common, old, new)?;
    run::check_config_paths(&config, old, new)?;
    if let Some(used) = used.filter(|_| common.human()) {
        eprintln!("treaty: using {used}");
    }
    for warning in &config.warnings {
        eprintln!("treaty: warning: {warning}");
    }
    let mut options = run::Options::from_config(&config, &common.only, &common.skip);
    // Each side's files take their import paths from that side's own configuration (roots
    // moved between the revisions), as buf reads each side's workspace; the rules stay the
    // new side's.
    if common.config.is_none() && !std::ptr::eq(old, new) {
        if let Some((old_config, _, _)) = config_of(old)? {
            let layout = run::Options::layout_of(&old_config);
            options.old_layout = (layout != options.layout).then_some(layout);
        }
    }
    let unknown = options.unknown_tokens();
    if !unknown.is_empty() {
        return Err(InputError::new(format!(
            "unknown rule, alias or category: {} (see `treaty rules`)",
            unknown.join(", ")
        ))
        .into());
    }
    Ok(options)
}

/// Where the root of a compared side is in the repository around `cwd`, as a `/`-terminated
/// prefix for its root-relative paths; empty when it is the repository root or when that cannot
/// be told (no repository, a directory outside it).
fn repo_prefix(spec: &SourceSpec, listing: &Listing, cwd: &std::path::Path) -> String {
    let as_prefix = |dir: &str| {
        let dir = dir.trim_matches('/');
        if dir.is_empty() || dir == "." {
            String::new()
        } else {
            format!("{dir}/")
        }
    };
    // A single file is listed under its own name: its directory is the root.
    let single_file = |path: &str| {
        let entries = listing.entries();
        let name = path.rsplit('/').next().unwrap_or(path);
        entries.len() == 1 && entries.contains_key(name) && name != path.trim_matches('/')
    };
    match spec {
        SourceSpec::Revision {
            path: Some(path), ..
        }
        | SourceSpec::Staged { path: Some(path) } => {
            let path = path.trim_start_matches("./");
            if single_file(path) {
                as_prefix(path.rsplit_once('/').map_or("", |(dir, _)| dir))
            } else {
                as_prefix(path)
            }
        }
        SourceSpec::Revision { path: None, .. } | SourceSpec::Staged { path: None } => {
            String::new()
        }
        SourceSpec::Path(path) => {
            let absolute = cwd.join(path);
            let dir = if absolute.is_file() {
                absolute
                    .parent()
                    .map(|p| p.to_path_buf())
                    .unwrap_or(absolute)
            } else {
                absolute
            };
            let (Ok(root), Ok(dir)) = (
                source::worktree_root(cwd).map(|r| r.canonicalize().unwrap_or(r)),
                dir.canonicalize(),
            ) else {
                return String::new();
            };
            match dir.strip_prefix(&root) {
                Ok(rel) => as_prefix(&rel.to_string_lossy().replace('\\', "/")),
                Err(_) => String::new(),
            }
        }
    }
}

/// The repository prefixes of both sides, for the formats that place findings by repository
/// paths (`github` annotations, `sarif` for code scanning); empty for the others, so no git is
/// run for them.
fn prefixes_for(
    common: &Common,
    sides: [(&SourceSpec, &Listing); 2],
    cwd: &std::path::Path,
) -> report::RepoPrefixes {
    if !common.has_format(&[Format::Github, Format::Sarif, Format::Gitlab]) {
        return report::RepoPrefixes::default();
    }
    let [(old_spec, old), (new_spec, new)] = sides;
    report::RepoPrefixes {
        old: repo_prefix(old_spec, old, cwd),
        new: repo_prefix(new_spec, new, cwd),
    }
}

/// Input errors with their files taken from the repository root (see [`repo_prefix`]).
fn errors_from_repo_root(errors: InputErrors, prefix: &str) -> InputErrors {
    use crate::diag::Place;
    if prefix.is_empty() {
        return errors;
    }
    let rooted = |place| match place {
        Place::At(mut location) => {
            location.file = report::under_prefix(prefix, &location.file);
            Place::At(location)
        }
        Place::File(file) => Place::File(report::under_prefix(prefix, &file)),
    };
    InputErrors(
        errors
            .0
            .into_iter()
            .map(|e| InputError {
                place: e.place.map(rooted),
                ..e
            })
            .collect(),
    )
}

fn finish(
    report: &Report,
    common: &Common,
    color: bool,
    prefixes: &report::RepoPrefixes,
) -> Result<i32, InputErrors> {
    // Computed once, from every finding, whatever each report shows.
    let code = match common.fail_on.threshold() {
        Some(t) if report.findings.iter().any(|f| f.severity >= t) => EXIT_FINDINGS,
        _ => 0,
    };
    let without_info;
    let machine_report = if common.hide_info {
        without_info = Report {
            findings: (report.findings.iter())
                .filter(|f| f.severity != Severity::Info)
                .cloned()
                .collect(),
            sources: report.sources.clone(),
            files_checked: report.files_checked,
            base: report.base.clone(),
            files_unchanged: report.files_unchanged,
        };
        &without_info
    } else {
        report
    };
    // Rebased only when a side is not the repository root: a whole tree's report is large.
    let rooted;
    let from_root = if *prefixes == report::RepoPrefixes::default() {
        machine_report
    } else {
        rooted = report::from_repo_root(machine_report, prefixes);
        &rooted
    };
    let mut write_errors = Vec::new();
    for (format, destination) in common.targets()? {
        // Colour only for a terminal: a file keeps plain text.
        let color = color && destination == Destination::Stdout;
        let show_info = common.show_info || common.fail_on == FailOn::Info;
        let text = match format {
            Format::Human => {
                let width = match destination {
                    Destination::Stdout => report::human::stdout_width(),
                    Destination::File(_) => None,
                };
                report::human::render(report, color, show_info, width)
            }
            Format::Json => report::json::render(machine_report),
            Format::Concise => report::concise(machine_report),
            Format::Github => report::github(from_root),
            Format::Sarif => report::sarif::render(from_root),
            Format::Junit => report::junit::render(machine_report, common.fail_on.threshold()),
            Format::Markdown => report::markdown::render(machine_report),
            Format::Gitlab => report::gitlab::render(from_root),
        };
        if let Err(e) = write_to(&destination, &text) {
            write_errors.push(e);
        }
    }
    if write_errors.is_empty() {
        return Ok(code);
    }
    // Not an `Err`: that would write the errors over the reports that did get written.
    let color = color && std::io::stderr().is_terminal();
    eprint!("{}", report::human::render_errors(&write_errors, color));
    Ok(EXIT_ERROR)
}

fn compare(
    old: &Listing,
    new: &Listing,
    common: &Common,
    paths: &[String],
    color: bool,
    prefixes: &report::RepoPrefixes,
    base: Option<report::Base>,
) -> Result<i32, InputErrors> {
    let mut options = options(common, old, new)?;
    options.paths = paths.to_vec();
    let progress = Progress::on_terminal(|| old.entries().len() + new.entries().len());
    let mut report = run::breaking_listings(old, new, &options)?;
    drop(progress);
    report.base = base;
    let code = finish(&report, common, color, prefixes);
    // Freed on another thread, which the process's exit does not wait for: a report of
    // 100,000 findings took a thirtieth of the run to free.
    rayon::spawn(move || drop(report));
    code
}

/// The base of `breaking` and `check` for the report: `--against` as given (HEAD for
/// `--staged`), and the commit read.
fn base_of(against: &Option<String>, old: &Listing) -> Option<report::Base> {
    Some(report::Base {
        revision: against.clone().unwrap_or_else(|| "HEAD".to_string()),
        commit: old.commit().map(str::to_string),
    })
}

/// The two sides of `breaking` and `check`: the base revision, and the work tree, another
/// revision or the index.
///
/// `announce` prints which commit a three-dot base resolved to (on stderr, for people; machine
/// formats keep both streams to their contract).
fn revisions(
    command: &str,
    against: &Option<String>,
    head: &Option<String>,
    staged: bool,
    announce: bool,
    cwd: &std::path::Path,
) -> Result<(Listing, Listing), InputErrors> {
    let against = match (against, staged) {
        (Some(rev), _) => rev.clone(),
        (None, true) => "HEAD".to_string(),
        (None, false) => {
            return Err(InputError::new(format!(
            "`treaty {command}` needs --against REV (or --staged to compare the index with HEAD)"
        ))
            .into())
        }
    };
    // (Before any `:PATH`, where `..` is a directory.)
    let rev_part = against.split(':').next().unwrap_or_default();
    if source::split_three_dot(&against).is_none() && rev_part.contains("..") {
        // gix would say "did not resolve to a single object"; the user wants to know which form.
        return Err(InputError::new(format!(
            "--against takes one revision, and '{against}' is a range"
        ))
        .with_hint(format!(
            "for what changed since the two parted, write --against {}",
            against.replacen("..", "...", 1)
        ))
        .into());
    }
    let root = source::worktree_root(cwd).map_err(InputError::from)?;
    let old = match source::split_three_dot(&against) {
        Some((base, tip)) => {
            let base = if base.is_empty() { "HEAD" } else { base };
            let tip = match (tip, head) {
                ("", Some(head)) => head.as_str(),
                ("", None) => "HEAD",
                (_, Some(head)) => {
                    return Err(InputError::new(format!(
                        "--against {against} and --head {head} both name the new side; \
                         give it once (--against {base}... --head {head})"
                    ))
                    .into())
                }
                (tip, None) => tip,
            };
            let merge_base = source::merge_base(&root, base, tip).map_err(InputError::from)?;
            if announce {
                let short = &merge_base[..merge_base.len().min(7)];
                eprintln!("treaty: comparing against {short} (merge base of {base} and {tip})");
            }
            list(
                &SourceSpec::Revision {
                    rev: merge_base,
                    path: None,
                },
                &root,
            )?
        }
        // The first commit: nothing came before, so everything staged is new.
        None if against == "HEAD" && source::head_is_unborn(&root).map_err(InputError::from)? => {
            Listing::loaded(source::Snapshot::from_reads(
                "HEAD (no commit yet)".to_string(),
                [],
            ))
        }
        None => list(
            &SourceSpec::Revision {
                rev: against,
                path: None,
            },
            &root,
        )?,
    };
    let new_spec = match (head, staged) {
        (Some(rev), _) => SourceSpec::Revision {
            rev: rev.clone(),
            path: None,
        },
        (None, true) => SourceSpec::Staged { path: None },
        (None, false) => SourceSpec::Path(root.clone()),
    };
    let new = list(&new_spec, &root)?;
    Ok((old, new))
}

/// A side named on the command line that holds no contract file: nothing would be checked.
fn no_contracts(what: String) -> InputError {
    InputError::new(format!("{what}: nothing would be checked"))
        .with_hint("contract files are .proto, .yaml, .yml and .json files")
}

/// Path arguments read from the repository root: like git pathspecs, they are relative to the
/// current directory (`cd api && treaty breaking --against main v1` means `api/v1`).
fn from_repository_root(
    paths: &[String],
    cwd: &std::path::Path,
) -> Result<Vec<run::PathArgument>, InputErrors> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let root = source::worktree_root(cwd).map_err(InputError::from)?;
    let canonical = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(&root);
    let cwd = canonical(cwd);
    let slashes = |p: &std::path::Path| p.to_string_lossy().replace('\\', "/");
    let here = cwd.strip_prefix(&root).map(slashes).unwrap_or_default();
    paths
        .iter()
        .map(|written| {
            let path = std::path::Path::new(written);
            let joined = if path.is_absolute() {
                let path = canonical(path);
                match path.strip_prefix(&root) {
                    Ok(rel) => slashes(rel),
                    Err(_) => {
                        return Err(InputError::new(format!(
                            "'{written}' is outside the repository ({})",
                            root.display()
                        )))
                    }
                }
            } else if here.is_empty() {
                written.clone()
            } else {
                format!("{here}/{written}")
            };
            let from_root = config::normalize_path(&joined)
                .map_err(|_| InputError::new(format!("'{written}' is outside the repository")))?;
            Ok(run::PathArgument {
                written: written.clone(),
                from_root,
            })
        })
        .collect::<Result<_, InputError>>()
        .map_err(InputErrors::from)
}

fn execute(cli: &Cli, color: bool) -> Result<i32, InputErrors> {
    let cwd = std::env::current_dir().map_err(|e| InputError::new(e.to_string()))?;
    if let Command::Diff { common, .. }
    | Command::Breaking { common, .. }
    | Command::Check { common, .. }
    | Command::Lint { common, .. } = &cli.command
    {
        // Before the run: where the reports go is a usage question.
        common.targets()?;
    }
    match &cli.command {
        Command::Diff {
            old: old_arg,
            new: new_arg,
            common,
        } => {
            let (old_spec, new_spec) = (source::parse_spec(old_arg), source::parse_spec(new_arg));
            // Side by side: a side of one large spec is read and hashed on one thread.
            let (old, new) = rayon::join(|| list(&old_spec, &cwd), || list(&new_spec, &cwd));
            let (old, new) = (old?, new?);
            if !run::holds_contracts(&old) && !run::holds_contracts(&new) {
                let named = format!("neither '{old_arg}' nor '{new_arg}' holds a contract file");
                return Err(no_contracts(named).into());
            }
            let prefixes = prefixes_for(common, [(&old_spec, &old), (&new_spec, &new)], &cwd);
            compare(&old, &new, common, &[], color, &prefixes, None)
        }
        Command::Breaking {
            against,
            head,
            staged,
            paths,
            common,
        } => {
            let announce = common.human();
            let (old, new) = revisions("breaking", against, head, *staged, announce, &cwd)?;
            let paths = from_repository_root(paths, &cwd)?;
            run::check_path_arguments(&paths, &old, &new)?;
            let paths: Vec<String> = paths.into_iter().map(|p| p.from_root).collect();
            // Both sides are whole revisions: their paths are from the repository root.
            let prefixes = report::RepoPrefixes::default();
            let base = base_of(against, &old);
            compare(&old, &new, common, &paths, color, &prefixes, base)
        }
        Command::Check {
            against,
            head,
            staged,
            all,
            common,
        } => {
            let announce = common.human();
            let (old, new) = revisions("check", against, head, *staged, announce, &cwd)?;
            let options = options(common, &old, &new)?;
            let progress = Progress::on_terminal(|| old.entries().len() + new.entries().len());
            let mut report = run::check(&old, &new, &options, *all)?;
            drop(progress);
            report.base = base_of(against, &old);
            finish(&report, common, color, &report::RepoPrefixes::default())
        }
        Command::Lint {
            path,
            rev,
            staged,
            common,
        } => {
            let (spec, dir) = match (rev, staged) {
                (None, false) => {
                    let spec = source::parse_spec(path.as_deref().unwrap_or("."));
                    (spec, cwd)
                }
                (rev, _) => {
                    let root = source::worktree_root(&cwd).map_err(InputError::from)?;
                    // As in git, a path is relative to the current directory.
                    let path = match path {
                        Some(path) => {
                            let written = std::slice::from_ref(path);
                            let argument = from_repository_root(written, &cwd)?.remove(0);
                            (argument.from_root != ".").then_some(argument.from_root)
                        }
                        None => None,
                    };
                    let spec = match rev {
                        Some(rev) => SourceSpec::Revision {
                            rev: rev.clone(),
                            path,
                        },
                        None => SourceSpec::Staged { path },
                    };
                    (spec, root)
                }
            };
            let listing = list(&spec, &dir)?;
            if let Some(path) = path.as_ref().filter(|_| !run::holds_contracts(&listing)) {
                return Err(no_contracts(format!("'{path}' holds no contract file")).into());
            }
            let prefixes = prefixes_for(common, [(&spec, &listing), (&spec, &listing)], &dir);
            // The errors of one tree are placed as its findings would be.
            let from_root = |errors| errors_from_repo_root(errors, &prefixes.new);
            let options = options(common, &listing, &listing).map_err(from_root)?;
            let progress = Progress::on_terminal(|| listing.entries().len());
            let report = run::lint_listing(&listing, &options).map_err(from_root)?;
            drop(progress);
            if let Some(path) = path.as_ref().filter(|_| report.files_checked == 0) {
                // YAML that is no spec, protos outside every root, files the config ignores.
                return Err(InputError::new(format!(
                    "'{path}' holds no protobuf file or OpenAPI spec treaty reads: nothing was checked"
                ))
                .with_hint(
                    "specs are YAML/JSON with a top-level `openapi` key; protobuf files count \
                     under the config's roots, unless its [lint] ignore names them",
                )
                .into());
            }
            finish(&report, common, color, &prefixes)
        }
        Command::Init { force } => init(&cwd, *force),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "treaty", &mut script);
            emit(&String::from_utf8_lossy(&script))?;
            Ok(0)
        }
        Command::Man { command } => {
            let mut page = Vec::new();
            let mut treaty = Cli::command();
            treaty.build();
            let man = match command {
                None => clap_mangen::Man::new(treaty),
                Some(name) => {
                    let names: Vec<&str> = treaty
                        .get_subcommands()
                        .map(|c| c.get_name())
                        .filter(|n| *n != "help")
                        .collect();
                    let Some(sub) = treaty.find_subcommand(name) else {
                        return Err(InputError::new(format!("no command named {name:?}"))
                            .with_hint(format!("one of: {}", names.join(", ")))
                            .into());
                    };
                    let title = format!("treaty-{}", sub.get_name());
                    clap_mangen::Man::new(sub.clone()).title(title)
                }
            };
            man.render(&mut page)
                .map_err(|e| InputError::new(format!("cannot render the manual page: {e}")))?;
            emit(&String::from_utf8_lossy(&page))?;
            Ok(0)
        }
        Command::Rules {
            format,
            protocol,
            kind,
            category,
        } => {
            let rules = filtered_catalog(*protocol, *kind, category.as_deref());
            if rules.is_empty() {
                if let Some(category) = category {
                    // A misspelt category lists nothing; say so rather than print an empty table.
                    return Err(InputError::new(format!(
                        "no rule in category {category:?} with these filters (see `treaty rules`)"
                    ))
                    .into());
                }
            }
            let text = match format {
                CatalogFormat::Json => {
                    let mut s = serde_json::to_string_pretty(&rules).expect("catalog serializes");
                    s.push('\n');
                    s
                }
                CatalogFormat::Human => catalog_table(&rules),
            };
            emit(&text)?;
            Ok(0)
        }
        Command::Explain { rule } => {
            if let (Some(written), docs) = crate::rules::replacing(rule) {
                if crate::rules::find(rule).is_none() {
                    emit(&explain_deprecated(written, &docs))?;
                    return Ok(0);
                }
            }
            let doc = crate::rules::find(rule).ok_or_else(|| {
                let nearest = crate::rules::unknown_token_message(rule)
                    .and_then(|m| m.split_once("did you mean ").map(|(_, n)| n.to_string()));
                InputErrors::from(match nearest {
                    Some(name) => InputError::new(format!(
                        "no rule or alias named {rule:?}; did you mean {name}"
                    )),
                    None => InputError::new(format!(
                        "no rule or alias named {rule:?} (see `treaty rules`)"
                    )),
                })
            })?;
            emit(&format!(
                "{}\n  kind: {}  protocol: {}  severity: {}  default: {}\n  categories: {}\n  aliases: {}\n\n{}\n\n{}\n\n{}",
                doc.id,
                kind_name(doc.kind),
                protocol_name(doc.protocol),
                doc.severity.as_str(),
                if doc.default { "on" } else { "off" },
                doc.categories.join(", "),
                doc.aliases.join(", ")
                    + &match doc.deprecated_aliases {
                        [] => String::new(),
                        ids => format!("\n  deprecated ids that select it: {}", ids.join(", ")),
                    },
                doc.summary,
                doc.body.trim_end(),
                doc.suppression()
            ))?;
            Ok(0)
        }
    }
}

/// `treaty explain` of a peer's deprecated id: what it selects now.
fn explain_deprecated(written: &str, docs: &[&crate::rules::RuleDoc]) -> String {
    let mut text = format!(
        "{written} is deprecated by its peer; a configuration or `--only` naming it selects {} rule{}:\n\n",
        docs.len(),
        if docs.len() == 1 { "" } else { "s" }
    );
    for doc in docs {
        text.push_str(&format!(
            "  {}  ({})\n    {}\n",
            doc.id,
            doc.aliases.join(", "),
            doc.summary
        ));
    }
    text.push_str("\n`treaty explain ID` tells more of each.\n");
    text
}

/// `treaty init`: the starter config, written unless one exists (`--force` replaces it), and
/// what was carried over, on stdout.
fn init(dir: &std::path::Path, force: bool) -> Result<i32, InputErrors> {
    let target = dir.join(config::TREATY_TOML);
    if target.exists() && !force {
        return Err(InputError::in_file(
            config::TREATY_TOML,
            "already exists; `treaty init --force` replaces it",
        )
        .into());
    }
    let read = |name: &str| std::fs::read(dir.join(name)).ok();
    let starter = config::init::starter(&read)?;
    std::fs::write(&target, &starter.text)
        .map_err(|e| InputError::in_file(config::TREATY_TOML, format!("cannot write: {e}")))?;
    let mut text = format!(
        "wrote {}
",
        config::TREATY_TOML
    );
    for note in &starter.notes {
        text.push_str(&format!(
            "  {note}
"
        ));
    }
    text.push_str(
        "next: `treaty lint`, and `treaty breaking --against main`
",
    );
    emit(&text)?;
    Ok(0)
}

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { 0 };
        }
    };
    let color = use_color(cli.color);
    match execute(&cli, color) {
        Ok(code) => code,
        Err(errors) => {
            let targets = match &cli.command {
                Command::Diff { common, .. }
                | Command::Breaking { common, .. }
                | Command::Check { common, .. }
                | Command::Lint { common, .. } => common.targets().unwrap_or_default(),
                _ => vec![],
            };
            let mut errors = errors;
            // CI tools read the report, not stderr: machine formats carry the errors too.
            for (format, destination) in targets {
                if let Some(text) = report::errors(format, &errors.0) {
                    if let Err(e) = write_to(&destination, &text) {
                        // Named once, when the report already failed to go there.
                        if !errors.0.iter().any(|known| known.file() == e.file()) {
                            errors.0.push(e);
                        }
                    }
                }
            }
            eprint!(
                "{}",
                report::human::render_errors(&errors.0, color && std::io::stderr().is_terminal())
            );
            EXIT_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A writer into a shared buffer, for what the progress thread prints.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn progress_prints_once_a_run_outlasts_the_delay() {
        let out = Shared::default();
        let writer = out.clone();
        let progress = Progress::after(Duration::ZERO, "reading\n".into(), move || writer);
        let waited = std::time::Instant::now();
        while out.0.lock().unwrap().is_empty() && waited.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(progress);
        assert_eq!(out.0.lock().unwrap().as_slice(), b"reading\n");
    }

    #[test]
    fn progress_prints_nothing_for_a_run_done_in_time() {
        let out = Shared::default();
        let writer = out.clone();
        let progress = Progress::after(Duration::from_millis(200), "reading\n".into(), move || {
            writer
        });
        drop(progress);
        std::thread::sleep(Duration::from_millis(400));
        assert!(out.0.lock().unwrap().is_empty());
    }
}
