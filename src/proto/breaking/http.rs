//! (Rule family `http`: to be written.)

use crate::rules::RuleCode;

pub const RULES: &[RuleCode] = &[];
