//! Operations and their parameters, bodies and responses: removals and new requirements.

use crate::rules::RuleCode;

pub const RULES: &[RuleCode] = &[];
