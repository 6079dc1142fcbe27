//! What a check reports: one `Finding` per problem, located in a file of one revision.

use std::sync::Arc;

use serde::Serialize;

pub use crate::rules::{RuleId, Severity};

/// Which side of a comparison a location is in. Lint findings are always `New`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Revision {
    Old,
    New,
}

/// A 1-based position range in a file; `end_column` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Relative to the compared root, `/` separators.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Location {
    /// The one character at `line`:`column` (1-based; a 0 from a parser counts as 1).
    pub fn point(file: impl Into<String>, line: u32, column: u32) -> Location {
        let (line, column) = (line.max(1), column.max(1));
        Location {
            file: file.into(),
            line,
            column,
            end_line: line,
            end_column: column + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The treaty rule, e.g. `proto/field-same-type`.
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    pub revision: Revision,
    /// For a breaking change: where the element was in the old revision.
    pub related: Option<Location>,
    /// For OpenAPI: `GET /pets/{id}`.
    pub operation: Option<String>,
    /// What the finding is about, for supersession (never serialised): `a.yaml#GET /pets
    /// responses/200/application/json/name`, `p.M#7`. Keys nest with `/` or ` `: a finding
    /// about `X` explains the findings about `X` and about what lies under it.
    /// A finding about several elements (a field moved from number 7 to 8: `p.M#7` and
    /// `p.M#8`) holds their keys separated by a line break.
    pub element: Option<Arc<str>>,
}

impl Finding {
    /// Order findings by file, then position, then rule, so every output is stable.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.location.file,
            self.location.line,
            self.location.column,
            self.rule,
            &self.message,
            &self.operation,
        )
    }
}

/// Collects the findings of one rule.
pub struct Sink {
    pub rule: RuleId,
    pub severity: Severity,
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn new(rule: RuleId) -> Sink {
        Sink {
            rule,
            severity: rule.doc().severity,
            findings: Vec::new(),
        }
    }

    /// A breaking change located in the new revision, with the old location as related.
    pub fn report(&mut self, at: Location, old: Option<Location>, message: impl Into<String>) {
        self.findings.push(Finding {
            rule: self.rule,
            severity: self.severity,
            message: message.into(),
            location: at,
            revision: Revision::New,
            related: old,
            operation: None,
            element: None,
        });
    }

    /// Say which element the last finding is about (see [`Finding::element`]).
    pub fn about(&mut self, element: impl Into<Arc<str>>) {
        if let Some(last) = self.findings.last_mut() {
            last.element = Some(element.into());
        }
    }

    /// An OpenAPI finding about one operation (`GET /pets/{id}`).
    pub fn report_operation(
        &mut self,
        operation: &str,
        at: Location,
        old: Option<Location>,
        message: impl Into<String>,
    ) {
        let element = operation_element(old.as_ref().unwrap_or(&at), operation);
        self.report(at, old, message);
        if let Some(last) = self.findings.last_mut() {
            last.operation = Some(operation.to_string());
            last.element = Some(element);
        }
    }

    /// A lint finding (one revision).
    pub fn lint(&mut self, at: Location, message: impl Into<String>) {
        self.report(at, None, message);
    }

    /// A lint finding about one OpenAPI operation (`GET /pets/{id}`).
    pub fn lint_operation(&mut self, operation: &str, at: Location, message: impl Into<String>) {
        self.report_operation(operation, at, None, message);
    }

    /// An OpenAPI finding about one operation with nothing left to point at in the new revision
    /// (its spec file was deleted): located in the old revision.
    pub fn report_operation_old(
        &mut self,
        operation: &str,
        at: Location,
        message: impl Into<String>,
    ) {
        let element = operation_element(&at, operation);
        self.report_old(at, message);
        if let Some(last) = self.findings.last_mut() {
            last.operation = Some(operation.to_string());
            last.element = Some(element);
        }
    }

    /// A breaking change with nothing left to point at in the new revision (a deleted file):
    /// located in the old revision.
    pub fn report_old(&mut self, at: Location, message: impl Into<String>) {
        self.findings.push(Finding {
            rule: self.rule,
            severity: self.severity,
            message: message.into(),
            location: at,
            revision: Revision::Old,
            related: None,
            operation: None,
            element: None,
        });
    }
}

/// An OpenAPI operation as an element: its spec file (the old side's, where the operation was;
/// the sides pair files by path) and its id.
pub fn operation_element(at: &Location, operation: &str) -> Arc<str> {
    format!("{}#{operation}", at.file).into()
}
