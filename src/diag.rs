//! The one user-facing error: an input treaty cannot read (a contract that does not parse or
//! link, a bad config, a git problem). It names the file, and the line and column, when it has
//! them; `report::human::render_errors` shows it and the run exits 2.
//!
//! Lower layers build it directly (`tree`, `config`, `proto`, `openapi`) or convert their own
//! typed error into it with one `From` impl (`source::SourceError`, `date::BadToday`).

use std::fmt;
use std::sync::Arc;

use crate::finding::{Location, Revision};

/// Where an error is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    /// A position in a file: shown `file:line:col: message`.
    At(Location),
    /// A whole file, no position in it (it could not be read at all): shown `file: message`.
    File(String),
}

impl Place {
    pub fn file(&self) -> &str {
        match self {
            Place::At(location) => &location.file,
            Place::File(file) => file,
        }
    }

    /// The position, when there is one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Place::At(location) => Some(location),
            Place::File(_) => None,
        }
    }
}

/// `file:line:col`, or `file` alone.
impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::At(l) => write!(f, "{}:{}:{}", l.file, l.line, l.column),
            Place::File(file) => f.write_str(file),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// What is wrong, without the place (renderers put that in front).
    pub message: String,
    pub place: Option<Place>,
    /// The text of the place's file, so the human report can show the line.
    pub text: Option<Arc<str>>,
    /// How to fix it, shown apart from the message.
    pub hint: Option<String>,
    /// Which side of a comparison the file was read from; `None` outside a comparison, or
    /// when both sides have the same error (it is reported once).
    pub revision: Option<Revision>,
}

impl InputError {
    /// An error in no file (a flag, an environment variable, a revision).
    pub fn new(message: impl Into<String>) -> InputError {
        InputError {
            message: message.into(),
            place: None,
            text: None,
            hint: None,
            revision: None,
        }
    }

    /// An error at a position; `text` is the file's, for showing the line.
    pub fn at(
        message: impl Into<String>,
        location: Location,
        text: Option<Arc<str>>,
    ) -> InputError {
        InputError {
            place: Some(Place::At(location)),
            text,
            ..InputError::new(message)
        }
    }

    /// An error about a whole file, with no position in it.
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            place: Some(Place::File(file.into())),
            ..InputError::new(message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> InputError {
        self.hint = Some(hint.into());
        self
    }

    /// The same error, able to show its line from `text` (the text of its file).
    pub fn with_text(mut self, text: Arc<str>) -> InputError {
        self.text = Some(text);
        self
    }

    /// The same error, read from one side of a comparison.
    pub fn in_revision(mut self, revision: Revision) -> InputError {
        self.revision = Some(revision);
        self
    }

    /// "in the old revision" when the error is one side's, for messages.
    pub fn revision_note(&self) -> Option<&'static str> {
        self.revision.map(|r| match r {
            Revision::Old => "in the old revision",
            Revision::New => "in the new revision",
        })
    }

    /// The position, when the error has one.
    pub fn location(&self) -> Option<&Location> {
        self.place.as_ref().and_then(Place::location)
    }

    /// The file, when the error is in one.
    pub fn file(&self) -> Option<&str> {
        self.place.as_ref().map(Place::file)
    }
}

/// `place: message`, and the hint on a line of its own.
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        if let Some(note) = self.revision_note() {
            write!(f, "{note}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Everything that went wrong while reading one run's input.
#[derive(Debug, Clone, Default)]
pub struct InputErrors(pub Vec<InputError>);

impl From<InputError> for InputErrors {
    fn from(error: InputError) -> Self {
        InputErrors(vec![error])
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_comes_first() {
        let at = InputError::at("bad", Location::point("a.proto", 3, 7), None);
        assert_eq!(at.to_string(), "a.proto:3:7: bad");
        assert_eq!(at.file(), Some("a.proto"));
        let file = InputError::in_file("buf.yaml", "cannot read config file: gone");
        assert_eq!(file.to_string(), "buf.yaml: cannot read config file: gone");
        assert_eq!((file.file(), file.location()), (Some("buf.yaml"), None));
        let nowhere = InputError::new("no revision").with_hint("give one");
        assert_eq!(nowhere.to_string(), "no revision\n  hint: give one");
        assert_eq!(nowhere.file(), None);
    }
}
