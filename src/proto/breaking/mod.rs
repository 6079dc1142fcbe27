//! Breaking-change checks between two linked revisions.
//!
//! As in buf, elements are paired once (files by import path, messages/enums/services by
//! full name, fields by number, enum values by number) and each rule compares a pair. A
//! deleted element is reported at its closest surviving parent in the new revision.

pub mod deletions;
pub mod enums;
pub mod fields;
pub mod file_options;
pub mod guide;
pub mod http;
pub mod index;
pub mod presence;
pub mod services;

use crate::rules::Rule;

pub use index::{Ctx, Sink};

/// The check of a breaking rule: it compares the pair of revisions in `Ctx`.
pub type Check = fn(&Ctx, &mut Sink);

/// Every protobuf breaking rule implemented in code, by family.
pub fn rules() -> impl Iterator<Item = &'static Rule<Check>> {
    let families: [&'static [Rule<Check>]; 7] = [
        deletions::RULES,
        enums::RULES,
        fields::RULES,
        file_options::RULES,
        guide::RULES,
        http::RULES,
        services::RULES,
    ];
    families.into_iter().flatten()
}
