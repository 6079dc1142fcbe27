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

/// The element (see `Finding::element`) of field or enum value `number` of `scope`, a message's,
/// enum's or extendee's full name: what buf's rules and treaty's own rules about the same field
/// number share, so one can supersede the other even when fields share a line.
pub(super) fn numbered(scope: &str, number: i32) -> String {
    format!("{scope}#{number}")
}

/// The element of a finding about two numbers of one scope (a field moved from one to the
/// other): keys separated by a line break, which supersession reads as one key each.
pub(super) fn numbered_both(scope: &str, a: i32, b: i32) -> String {
    format!("{}\n{}", numbered(scope, a), numbered(scope, b))
}
