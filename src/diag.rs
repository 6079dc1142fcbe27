//! Errors in the input (a contract that does not parse or link, a bad config, a git problem):
//! each names the file and line when it has them, and makes the run exit 2.

use std::fmt;
use std::sync::Arc;

use crate::finding::Location;

#[derive(Debug, Clone)]
pub struct InputError {
    pub message: String,
    pub location: Option<Location>,
    /// The text of `location.file`, so the human report can show the line.
    pub text: Option<Arc<str>>,
    pub hint: Option<String>,
}

impl InputError {
    pub fn new(message: impl Into<String>) -> InputError {
        InputError {
            message: message.into(),
            location: None,
            text: None,
            hint: None,
        }
    }

    pub fn at(
        message: impl Into<String>,
        location: Location,
        text: Option<Arc<str>>,
    ) -> InputError {
        InputError {
            message: message.into(),
            location: Some(location),
            text,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> InputError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{}:{}:{}: ", loc.file, loc.line, loc.column)?;
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
