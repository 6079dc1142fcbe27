//! One revision's protobuf files, parsed and linked.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::ast::{ProtoFile, Span};
use crate::finding::Location;
use crate::source::BlobId;
use crate::span::LineIndex;

pub struct SourceProto {
    /// Parsed and linked; `ast.path` is the import path.
    pub ast: ProtoFile,
    /// Path relative to the compared root, used in findings.
    pub display: String,
    pub text: Arc<str>,
    /// Built when a location in the file is first asked for: most files never are.
    pub lines: OnceLock<LineIndex>,
    /// `None` for bundled files.
    pub blob: Option<BlobId>,
    /// Loaded only so that the compared files link: a bundled import (well-known types,
    /// google.api), or an unchanged file imported by a changed one. Never compared.
    pub context: bool,
}

impl SourceProto {
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn location(&self, span: Span) -> Location {
        let lines = self.lines();
        let (line, column) = lines.position(&self.text, span.start);
        let (end_line, end_column) = lines.position(&self.text, span.end);
        Location {
            file: self.display.clone(),
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The location buf uses for file-level findings when nothing more precise applies:
    /// the start of the file.
    pub fn file_location(&self) -> Location {
        Location {
            file: self.display.clone(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        }
    }

    pub fn package(&self) -> &str {
        self.ast.package.as_ref().map_or("", |p| p.name.as_str())
    }
}

/// Every file of one revision, in import-path order.
#[derive(Default)]
pub struct ProtoSet {
    pub files: Vec<SourceProto>,
    pub by_path: HashMap<String, usize>,
}

impl ProtoSet {
    pub fn get(&self, import_path: &str) -> Option<&SourceProto> {
        self.by_path.get(import_path).map(|&i| &self.files[i])
    }

    /// The files being compared (context files left out).
    pub fn tree_files(&self) -> impl Iterator<Item = &SourceProto> {
        self.files.iter().filter(|f| !f.context)
    }
}
