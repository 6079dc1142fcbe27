//! (Rule family `file_options`: to be written.)

use crate::rules::RuleCode;

pub const RULES: &[RuleCode] = &[];
