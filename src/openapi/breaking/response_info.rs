//! Response changes that narrow what the server sends, or only annotate it: a property added
//! or made required, a value no longer nullable, an enum value gone, a type specialised, a new
//! header, media type or status, a deprecation. None of them breaks a client reading the old
//! contract; they are listed (severity info) so a changelog shows them and `--fail-on info`
//! can stop on them. Ids and triggers follow oasdiff's INFO-level response checks.
//!
//! Most rules mirror an error or warning rule of [`super::response_shape`] in the other
//! direction and filter the same schema changes with the same helpers, so a change is read the
//! same way on both sides (a type change is either breaking there or listed here, never both).

use super::index::sunset_date;
use super::request_body::compositions::annotation_only;
use super::response_shape::{
    body_changes, content_at, covered, effective_types, field, for_each_response_pair,
    in_list_of_types, list_of_types_added, media, opt_text, required_names, requires,
    stability_rank, status, strongly_typed, subject, type_change_text, type_changes, value_text,
    Level, Once, TypeVerdict,
};
use super::schema::{pair_media, Change, Composition, MediaName, SchemaChange, Segment};
use super::{Check, Ctx, Sink};
use crate::openapi::model::content;
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/response-body-became-not-nullable",
        response_body_became_not_nullable,
    ),
    Rule::new(
        "openapi/response-body-const-added",
        response_body_const_added,
    ),
    Rule::new("openapi/response-body-content-schema-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Body, "contentSchema")
    }),
    Rule::new(
        "openapi/response-body-default-value-added",
        response_body_default_value_added,
    ),
    Rule::new(
        "openapi/response-body-default-value-changed",
        response_body_default_value_changed,
    ),
    Rule::new(
        "openapi/response-body-default-value-removed",
        response_body_default_value_removed,
    ),
    Rule::new(
        "openapi/response-body-dependent-required-added",
        response_body_dependent_required_added,
    ),
    Rule::new(
        "openapi/response-body-dependent-schema-added",
        response_body_dependent_schema_added,
    ),
    Rule::new("openapi/response-body-else-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Body, "else")
    }),
    Rule::new("openapi/response-body-if-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Body, "if")
    }),
    Rule::new(
        "openapi/response-body-list-of-types-narrowed",
        response_body_list_of_types_narrowed,
    ),
    Rule::new(
        "openapi/response-body-media-type-schema-added",
        response_body_media_type_schema_added,
    ),
    Rule::new(
        "openapi/response-body-one-of-removed",
        response_body_one_of_removed,
    ),
    Rule::new(
        "openapi/response-body-any-of-added",
        response_body_any_of_added,
    ),
    Rule::new(
        "openapi/response-body-any-of-removed",
        response_body_any_of_removed,
    ),
    Rule::new(
        "openapi/response-body-pattern-property-added",
        response_body_pattern_property_added,
    ),
    Rule::new(
        "openapi/response-body-prefix-items-removed",
        response_body_prefix_items_removed,
    ),
    Rule::new("openapi/response-body-property-names-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Body, "propertyNames")
    }),
    Rule::new("openapi/response-body-then-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Body, "then")
    }),
    Rule::new(
        "openapi/response-body-type-compatible",
        response_body_type_compatible,
    ),
    Rule::new(
        "openapi/response-body-type-specialized",
        response_body_type_specialized,
    ),
    Rule::new(
        "openapi/response-body-unevaluated-items-added",
        |ctx, sink| keyword_added(ctx, sink, Level::Body, "unevaluatedItems"),
    ),
    Rule::new(
        "openapi/response-body-unevaluated-properties-added",
        |ctx, sink| keyword_added(ctx, sink, Level::Body, "unevaluatedProperties"),
    ),
    Rule::new(
        "openapi/response-media-type-added",
        response_media_type_added,
    ),
    Rule::new(
        "openapi/response-media-type-name-changed",
        response_media_type_name_changed,
    ),
    Rule::new(
        "openapi/response-media-type-name-specialized",
        response_media_type_name_specialized,
    ),
    Rule::new(
        "openapi/response-mediatype-enum-value-removed",
        response_mediatype_enum_value_removed,
    ),
    Rule::new(
        "openapi/response-non-success-status-added",
        response_non_success_status_added,
    ),
    Rule::new(
        "openapi/response-non-success-status-removed",
        response_non_success_status_removed,
    ),
    Rule::new(
        "openapi/response-optional-property-added",
        response_optional_property_added,
    ),
    Rule::new(
        "openapi/response-optional-write-only-property-added",
        response_optional_write_only_property_added,
    ),
    Rule::new(
        "openapi/response-optional-write-only-property-removed",
        response_optional_write_only_property_removed,
    ),
    Rule::new(
        "openapi/response-property-any-of-added",
        response_property_any_of_added,
    ),
    Rule::new(
        "openapi/response-property-any-of-removed",
        response_property_any_of_removed,
    ),
    Rule::new(
        "openapi/response-property-became-not-nullable",
        response_property_became_not_nullable,
    ),
    Rule::new(
        "openapi/response-property-became-required",
        response_property_became_required,
    ),
    Rule::new(
        "openapi/response-property-const-added",
        response_property_const_added,
    ),
    Rule::new(
        "openapi/response-property-content-schema-added",
        |ctx, sink| keyword_added(ctx, sink, Level::Property, "contentSchema"),
    ),
    Rule::new(
        "openapi/response-property-default-value-added",
        response_property_default_value_added,
    ),
    Rule::new(
        "openapi/response-property-default-value-changed",
        response_property_default_value_changed,
    ),
    Rule::new(
        "openapi/response-property-default-value-removed",
        response_property_default_value_removed,
    ),
    Rule::new(
        "openapi/response-property-dependent-required-added",
        response_property_dependent_required_added,
    ),
    Rule::new(
        "openapi/response-property-dependent-schema-added",
        response_property_dependent_schema_added,
    ),
    Rule::new(
        "openapi/response-property-deprecated",
        response_property_deprecated,
    ),
    Rule::new(
        "openapi/response-property-deprecated-with-sunset",
        response_property_deprecated_with_sunset,
    ),
    Rule::new("openapi/response-property-else-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Property, "else")
    }),
    Rule::new(
        "openapi/response-property-enum-value-removed",
        response_property_enum_value_removed,
    ),
    Rule::new("openapi/response-property-if-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Property, "if")
    }),
    Rule::new(
        "openapi/response-property-list-of-types-narrowed",
        response_property_list_of_types_narrowed,
    ),
    Rule::new(
        "openapi/response-property-one-of-removed",
        response_property_one_of_removed,
    ),
    Rule::new(
        "openapi/response-property-pattern-property-added",
        response_property_pattern_property_added,
    ),
    Rule::new(
        "openapi/response-property-prefix-items-removed",
        response_property_prefix_items_removed,
    ),
    Rule::new(
        "openapi/response-property-property-names-added",
        |ctx, sink| keyword_added(ctx, sink, Level::Property, "propertyNames"),
    ),
    Rule::new(
        "openapi/response-property-reactivated",
        response_property_reactivated,
    ),
    Rule::new(
        "openapi/response-property-stability-increased",
        response_property_stability_increased,
    ),
    Rule::new("openapi/response-property-then-added", |ctx, sink| {
        keyword_added(ctx, sink, Level::Property, "then")
    }),
    Rule::new(
        "openapi/response-property-type-compatible",
        response_property_type_compatible,
    ),
    Rule::new(
        "openapi/response-property-type-specialized",
        response_property_type_specialized,
    ),
    Rule::new(
        "openapi/response-property-unevaluated-items-added",
        |ctx, sink| keyword_added(ctx, sink, Level::Property, "unevaluatedItems"),
    ),
    Rule::new(
        "openapi/response-property-unevaluated-properties-added",
        |ctx, sink| keyword_added(ctx, sink, Level::Property, "unevaluatedProperties"),
    ),
    Rule::new(
        "openapi/response-required-property-added",
        response_required_property_added,
    ),
    Rule::new(
        "openapi/response-required-write-only-property-added",
        response_required_write_only_property_added,
    ),
    Rule::new(
        "openapi/response-required-write-only-property-removed",
        response_required_write_only_property_removed,
    ),
    Rule::new(
        "openapi/response-success-status-added",
        response_success_status_added,
    ),
    Rule::new(
        "openapi/response-write-only-property-became-optional",
        response_write_only_property_became_optional,
    ),
    Rule::new(
        "openapi/response-write-only-property-became-required",
        response_write_only_property_became_required,
    ),
    Rule::new(
        "openapi/response-write-only-property-enum-value-added",
        response_write_only_property_enum_value_added,
    ),
    Rule::new(
        "openapi/response-optional-property-became-not-write-only",
        response_optional_property_became_not_write_only,
    ),
    Rule::new(
        "openapi/response-optional-property-became-write-only",
        response_optional_property_became_write_only,
    ),
    Rule::new(
        "openapi/response-optional-property-became-read-only",
        response_optional_property_became_read_only,
    ),
    Rule::new(
        "openapi/response-optional-property-became-not-read-only",
        response_optional_property_became_not_read_only,
    ),
    Rule::new(
        "openapi/response-required-property-became-write-only",
        response_required_property_became_write_only,
    ),
    Rule::new(
        "openapi/response-required-property-became-read-only",
        response_required_property_became_read_only,
    ),
    Rule::new(
        "openapi/response-required-property-became-not-read-only",
        response_required_property_became_not_read_only,
    ),
    Rule::new("openapi/response-body-all-of-added", |ctx, sink| {
        all_of(ctx, sink, Level::Body, true, false)
    }),
    Rule::new("openapi/response-body-all-of-removed", |ctx, sink| {
        all_of(ctx, sink, Level::Body, false, false)
    }),
    Rule::new("openapi/response-property-all-of-added", |ctx, sink| {
        all_of(ctx, sink, Level::Property, true, false)
    }),
    Rule::new("openapi/response-property-all-of-removed", |ctx, sink| {
        all_of(ctx, sink, Level::Property, false, false)
    }),
    Rule::new(
        "openapi/response-body-all-of-added-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Body, true, true),
    ),
    Rule::new(
        "openapi/response-body-all-of-removed-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Body, false, true),
    ),
    Rule::new(
        "openapi/response-property-all-of-added-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Property, true, true),
    ),
    Rule::new(
        "openapi/response-property-all-of-removed-annotation-only",
        |ctx, sink| all_of(ctx, sink, Level::Property, false, true),
    ),
    Rule::new("openapi/response-body-discriminator-added", |ctx, sink| {
        discriminator(ctx, sink, Level::Body, Disc::Added)
    }),
    Rule::new(
        "openapi/response-body-discriminator-removed",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::Removed),
    ),
    Rule::new(
        "openapi/response-body-discriminator-property-name-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::PropertyName),
    ),
    Rule::new(
        "openapi/response-body-discriminator-mapping-added",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::MappingAdded),
    ),
    Rule::new(
        "openapi/response-body-discriminator-mapping-deleted",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::MappingDeleted),
    ),
    Rule::new(
        "openapi/response-body-discriminator-mapping-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Body, Disc::MappingChanged),
    ),
    Rule::new(
        "openapi/response-property-discriminator-added",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::Added),
    ),
    Rule::new(
        "openapi/response-property-discriminator-removed",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::Removed),
    ),
    Rule::new(
        "openapi/response-property-discriminator-property-name-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::PropertyName),
    ),
    Rule::new(
        "openapi/response-property-discriminator-mapping-added",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::MappingAdded),
    ),
    Rule::new(
        "openapi/response-property-discriminator-mapping-deleted",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::MappingDeleted),
    ),
    Rule::new(
        "openapi/response-property-discriminator-mapping-changed",
        |ctx, sink| discriminator(ctx, sink, Level::Property, Disc::MappingChanged),
    ),
    Rule::new("openapi/api-operation-id-added", api_operation_id_added),
    Rule::new("openapi/api-operation-id-removed", api_operation_id_removed),
    Rule::new("openapi/api-tag-added", api_tag_added),
    Rule::new("openapi/api-tag-removed", api_tag_removed),
    Rule::new("openapi/api-schema-removed", api_schema_removed),
];

const BOTH: [Level; 2] = [Level::Body, Level::Property];

// ---------------------------------------------------------------------------------------------
// Properties added, removed (write-only), required, optional

/// Properties added (or, `removed`, write-only ones removed) with the given required-ness and
/// write-only-ness.
fn property_presence(ctx: &Ctx, sink: &mut Sink, removed: bool, required: bool, write_only: bool) {
    for level in BOTH {
        for c in body_changes(ctx, level) {
            let (name, req, schema, verb) = match &c.change {
                Change::PropertyAdded {
                    name,
                    required,
                    schema,
                } if !removed => (*name, *required, schema, "added"),
                Change::PropertyRemoved {
                    name,
                    required,
                    schema,
                } if removed => (*name, *required, schema, "removed"),
                _ => continue,
            };
            // A property that only moved into (or out of) an `allOf` branch is still there.
            let other = if removed { &c.new } else { &c.old };
            if req != required
                || schema.flag("writeOnly") != write_only
                || field(other, name, 0).is_some()
            {
                continue;
            }
            let kind = match (required, write_only) {
                (true, true) => "required write-only",
                (true, false) => "required",
                (false, true) => "optional write-only",
                (false, false) => "optional",
            };
            let dir = if removed { "from" } else { "to" };
            c.report(
                sink,
                format!(
                    "{verb} the {kind} property '{}' {dir} the {} response",
                    c.property(name),
                    status(c)
                ),
            );
        }
    }
}

fn response_optional_property_added(ctx: &Ctx, sink: &mut Sink) {
    property_presence(ctx, sink, false, false, false);
}

fn response_required_property_added(ctx: &Ctx, sink: &mut Sink) {
    property_presence(ctx, sink, false, true, false);
}

fn response_optional_write_only_property_added(ctx: &Ctx, sink: &mut Sink) {
    property_presence(ctx, sink, false, false, true);
}

fn response_required_write_only_property_added(ctx: &Ctx, sink: &mut Sink) {
    property_presence(ctx, sink, false, true, true);
}

fn response_optional_write_only_property_removed(ctx: &Ctx, sink: &mut Sink) {
    property_presence(ctx, sink, true, false, true);
}

fn response_required_write_only_property_removed(ctx: &Ctx, sink: &mut Sink) {
    property_presence(ctx, sink, true, true, true);
}

/// A property's schema in `o`'s own `properties`.
fn defined<'a>(o: &Obj<'a>, name: &str) -> Option<Obj<'a>> {
    let p = o.get("properties")?;
    p.node.get(name).map(|n| o.set.view(NodeRef::new(p.doc, n)))
}

/// A property defined on both sides that joined (`required`) or left `required`, filtered by
/// whether it is write-only in the new spec.
fn required_changed(ctx: &Ctx, sink: &mut Sink, required: bool, write_only: bool) {
    for level in BOTH {
        for c in body_changes(ctx, level) {
            let name = match (&c.change, required) {
                (Change::RequiredAdded { name }, true)
                | (Change::RequiredRemoved { name }, false) => *name,
                _ => continue,
            };
            let (Some(_), Some(new)) = (defined(&c.old, name), defined(&c.new, name)) else {
                continue;
            };
            // Still required through an `allOf` branch, or already required through one.
            let (before, after) = (requires(&c.old, name, 0), requires(&c.new, name, 0));
            if before == after || new.flag("writeOnly") != write_only {
                continue;
            }
            let what = if write_only {
                "write-only property"
            } else {
                "property"
            };
            let how = if required { "required" } else { "optional" };
            c.report(
                sink,
                format!(
                    "the response {what} '{}' became {how} for the status {}",
                    c.property(name),
                    status(c)
                ),
            );
        }
    }
}

fn response_property_became_required(ctx: &Ctx, sink: &mut Sink) {
    required_changed(ctx, sink, true, false);
}

fn response_write_only_property_became_required(ctx: &Ctx, sink: &mut Sink) {
    required_changed(ctx, sink, true, true);
}

fn response_write_only_property_became_optional(ctx: &Ctx, sink: &mut Sink) {
    required_changed(ctx, sink, false, true);
}

/// A property that gained or lost `readOnly`/`writeOnly`, by whether the old schema required
/// it. (A required property that stops being write-only is an error: response_shape.)
fn access_flag(ctx: &Ctx, sink: &mut Sink, keyword: &str, to: bool, required: bool) {
    for c in body_changes(ctx, Level::Property) {
        let Change::Flag {
            keyword: k,
            from,
            to: now,
        } = c.change
        else {
            continue;
        };
        if k != keyword || now != to || from == to {
            continue;
        }
        let Some(parent) = &c.parent else { continue };
        let Segment::Property(name) = parent.segment else {
            continue;
        };
        if required_names(&parent.old).contains(&name) != required {
            continue;
        }
        let kind = if required { "required" } else { "optional" };
        let how = match (keyword, to) {
            ("readOnly", true) => "became read-only",
            ("readOnly", false) => "is no longer read-only",
            (_, true) => "became write-only",
            (_, false) => "is no longer write-only",
        };
        c.report(
            sink,
            format!(
                "the {kind} response property '{}' {how} for the status {}",
                c.path,
                status(c)
            ),
        );
    }
}

fn response_optional_property_became_not_write_only(ctx: &Ctx, sink: &mut Sink) {
    access_flag(ctx, sink, "writeOnly", false, false);
}

fn response_optional_property_became_write_only(ctx: &Ctx, sink: &mut Sink) {
    access_flag(ctx, sink, "writeOnly", true, false);
}

fn response_optional_property_became_read_only(ctx: &Ctx, sink: &mut Sink) {
    access_flag(ctx, sink, "readOnly", true, false);
}

fn response_optional_property_became_not_read_only(ctx: &Ctx, sink: &mut Sink) {
    access_flag(ctx, sink, "readOnly", false, false);
}

fn response_required_property_became_write_only(ctx: &Ctx, sink: &mut Sink) {
    access_flag(ctx, sink, "writeOnly", true, true);
}

fn response_required_property_became_read_only(ctx: &Ctx, sink: &mut Sink) {
    access_flag(ctx, sink, "readOnly", true, true);
}

fn response_required_property_became_not_read_only(ctx: &Ctx, sink: &mut Sink) {
    access_flag(ctx, sink, "readOnly", false, true);
}

// ---------------------------------------------------------------------------------------------
// Nullability

/// Did this change make the schema not nullable? The mirror of response_shape's
/// `became_nullable`: dropping `"null"` from the `type` of a schema left with no `type` (nor
/// composition) is no change, such a schema still admits null.
pub(super) fn became_not_nullable(c: &SchemaChange) -> bool {
    let Change::Nullable {
        from: true,
        to: false,
    } = c.change
    else {
        return false;
    };
    let by_keyword = c.new.get("nullable").is_some() || c.old.get("nullable").is_some();
    let composed = |o: &Obj| {
        ["oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| o.get(k).is_some())
    };
    by_keyword
        || composed(&c.old)
        || composed(&c.new)
        || !super::schema::TypeSet::of(&c.new).0.is_empty()
}

fn response_body_became_not_nullable(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Body).filter(|c| became_not_nullable(c)) {
        c.report(
            sink,
            format!(
                "the response body is no longer nullable for the status {}",
                status(c)
            ),
        );
    }
}

fn response_property_became_not_nullable(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property).filter(|c| became_not_nullable(c)) {
        c.report(
            sink,
            format!(
                "the response property '{}' is no longer nullable for the status {}",
                c.path,
                status(c)
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Types

/// A non-breaking type change that swaps one concrete type for another (oasdiff's
/// "compatible": allowed only because the media type is not strongly typed), rather than
/// narrowing the set of types ("specialized").
fn loose_swap(c: &SchemaChange) -> bool {
    let (ot, nt) = (effective_types(&c.old), effective_types(&c.new));
    ot != nt && !ot.is_empty() && !nt.is_empty() && !covered(nt, ot)
}

pub(super) fn type_info_rule<'c, 'a: 'c>(
    sink: &mut Sink,
    changes: impl Iterator<Item = &'c SchemaChange<'a>>,
    strongly: impl Fn(&SchemaChange) -> bool,
    compatible: bool,
    who: impl Fn(&SchemaChange) -> String,
) {
    for c in type_changes(changes, TypeVerdict::Fine, strongly) {
        // A `type` moved into an `allOf` branch is the same type: nothing to list.
        let same = effective_types(&c.old) == effective_types(&c.new)
            && c.old.str("format") == c.new.str("format");
        if same || loose_swap(c) != compatible {
            continue;
        }
        let (dimension, from, to) = type_change_text(&c.old, &c.new);
        let how = if compatible {
            "changed compatibly (the content is text)"
        } else {
            "was narrowed"
        };
        c.report(
            sink,
            format!(
                "{} {dimension} {how} from '{from}' to '{to}' for the status {}",
                who(c),
                status(c)
            ),
        );
    }
}

fn body_type_info(ctx: &Ctx, sink: &mut Sink, level: Level, compatible: bool) {
    type_info_rule(
        sink,
        body_changes(ctx, level),
        |c| strongly_typed(media(c)),
        compatible,
        subject,
    );
}

fn response_body_type_specialized(ctx: &Ctx, sink: &mut Sink) {
    body_type_info(ctx, sink, Level::Body, false);
}

fn response_body_type_compatible(ctx: &Ctx, sink: &mut Sink) {
    body_type_info(ctx, sink, Level::Body, true);
}

fn response_property_type_specialized(ctx: &Ctx, sink: &mut Sink) {
    body_type_info(ctx, sink, Level::Property, false);
}

fn response_property_type_compatible(ctx: &Ctx, sink: &mut Sink) {
    body_type_info(ctx, sink, Level::Property, true);
}

fn list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    let mut once = Once::new();
    for c in body_changes(ctx, level) {
        let relevant = c.change.may_change_type_list();
        if !relevant {
            continue;
        }
        // The types the old list had that the new one lacks: the pattern read backwards.
        let Some(removed) = list_of_types_added(&c.new, &c.old) else {
            continue;
        };
        if removed.is_empty() || !once.first(c) {
            continue;
        }
        c.report(
            sink,
            format!(
                "{} is no longer of type {} (list of types narrowed) in the '{}' content of the {} response",
                subject(c),
                removed.join(", "),
                media(c),
                status(c)
            ),
        );
    }
}

fn response_body_list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_narrowed(ctx, sink, Level::Body);
}

fn response_property_list_of_types_narrowed(ctx: &Ctx, sink: &mut Sink) {
    list_of_types_narrowed(ctx, sink, Level::Property);
}

// ---------------------------------------------------------------------------------------------
// Values: enums, defaults, const

fn response_property_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property) {
        if let Change::EnumValueRemoved(v) = &c.change {
            c.report(
                sink,
                format!(
                    "removed the enum value '{}' from the response property '{}' for the status {}",
                    value_text(*v),
                    c.path,
                    status(c)
                ),
            );
        }
    }
}

fn response_mediatype_enum_value_removed(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Body) {
        if let Change::EnumValueRemoved(v) = &c.change {
            c.report(
                sink,
                format!(
                    "removed the enum value '{}' from the '{}' response body for the status {}",
                    value_text(*v),
                    media(c),
                    status(c)
                ),
            );
        }
    }
}

/// A new enum value of a write-only property: clients never read it (the readable case is
/// an error in response_shape).
fn response_write_only_property_enum_value_added(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property) {
        let Change::EnumValueAdded(v) = &c.change else {
            continue;
        };
        if c.new.flag("writeOnly") {
            c.report(
                sink,
                format!(
                    "added the enum value '{}' to the write-only response property '{}' for the status {}",
                    value_text(*v),
                    c.path,
                    status(c)
                ),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Added,
    Removed,
    Changed,
}

fn edit<T>(from: &Option<T>, to: &Option<T>) -> Edit {
    match (from, to) {
        (None, _) => Edit::Added,
        (_, None) => Edit::Removed,
        _ => Edit::Changed,
    }
}

fn default_value(ctx: &Ctx, sink: &mut Sink, level: Level, want: Edit) {
    for c in body_changes(ctx, level) {
        let Change::Default { from, to } = &c.change else {
            continue;
        };
        if edit(from, to) != want {
            continue;
        }
        c.report(
            sink,
            format!(
                "{} default value changed from '{}' to '{}' for the status {}",
                subject(c),
                opt_text(*from),
                opt_text(*to),
                status(c)
            ),
        );
    }
}

fn response_body_default_value_added(ctx: &Ctx, sink: &mut Sink) {
    default_value(ctx, sink, Level::Body, Edit::Added);
}

fn response_body_default_value_removed(ctx: &Ctx, sink: &mut Sink) {
    default_value(ctx, sink, Level::Body, Edit::Removed);
}

fn response_body_default_value_changed(ctx: &Ctx, sink: &mut Sink) {
    default_value(ctx, sink, Level::Body, Edit::Changed);
}

fn response_property_default_value_added(ctx: &Ctx, sink: &mut Sink) {
    default_value(ctx, sink, Level::Property, Edit::Added);
}

fn response_property_default_value_removed(ctx: &Ctx, sink: &mut Sink) {
    default_value(ctx, sink, Level::Property, Edit::Removed);
}

fn response_property_default_value_changed(ctx: &Ctx, sink: &mut Sink) {
    default_value(ctx, sink, Level::Property, Edit::Changed);
}

fn const_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    for c in body_changes(ctx, level) {
        if let Change::Const {
            from: None,
            to: Some(to),
        } = &c.change
        {
            c.report(
                sink,
                format!(
                    "{} is now the constant '{}' for the status {}",
                    subject(c),
                    value_text(*to),
                    status(c)
                ),
            );
        }
    }
}

fn response_body_const_added(ctx: &Ctx, sink: &mut Sink) {
    const_added(ctx, sink, Level::Body);
}

fn response_property_const_added(ctx: &Ctx, sink: &mut Sink) {
    const_added(ctx, sink, Level::Property);
}

// ---------------------------------------------------------------------------------------------
// Alternatives: oneOf removed, anyOf

fn subschema(ctx: &Ctx, sink: &mut Sink, level: Level, kind: Composition, added: bool) {
    subschema_where(ctx, sink, level, kind, added, |_| true);
}

/// Branches of `kind` added (or removed) that `keep` keeps, one finding each.
fn subschema_where(
    ctx: &Ctx,
    sink: &mut Sink,
    level: Level,
    kind: Composition,
    added: bool,
    keep: impl Fn(&SchemaChange) -> bool,
) {
    for c in body_changes(ctx, level).filter(|c| keep(c)) {
        let (k, label) = match &c.change {
            Change::SubschemaAdded { kind, label } if added => (*kind, label),
            Change::SubschemaRemoved { kind, label } if !added => (*kind, label),
            _ => continue,
        };
        // A list of types is reported as such.
        if k != kind || in_list_of_types(c) {
            continue;
        }
        let (verb, dir) = if added {
            ("added", "to")
        } else {
            ("removed", "from")
        };
        c.report(
            sink,
            format!(
                "{verb} '{label}' {dir} the {} of {} for the status {}",
                kind.keyword(),
                subject(c),
                status(c)
            ),
        );
    }
}

fn response_body_one_of_removed(ctx: &Ctx, sink: &mut Sink) {
    subschema(ctx, sink, Level::Body, Composition::OneOf, false);
}

fn response_property_one_of_removed(ctx: &Ctx, sink: &mut Sink) {
    subschema(ctx, sink, Level::Property, Composition::OneOf, false);
}

fn response_body_any_of_added(ctx: &Ctx, sink: &mut Sink) {
    subschema(ctx, sink, Level::Body, Composition::AnyOf, true);
}

fn response_body_any_of_removed(ctx: &Ctx, sink: &mut Sink) {
    subschema(ctx, sink, Level::Body, Composition::AnyOf, false);
}

fn response_property_any_of_added(ctx: &Ctx, sink: &mut Sink) {
    subschema(ctx, sink, Level::Property, Composition::AnyOf, true);
}

fn response_property_any_of_removed(ctx: &Ctx, sink: &mut Sink) {
    subschema(ctx, sink, Level::Property, Composition::AnyOf, false);
}

/// `allOf` branches added or removed, split as oasdiff splits them: a branch of nothing but
/// annotations (`title`, `description`, ...) accepts anything and gets its own id.
fn all_of(ctx: &Ctx, sink: &mut Sink, level: Level, added: bool, annotations: bool) {
    subschema_where(ctx, sink, level, Composition::AllOf, added, |c| {
        let (branch, holder) = if added {
            (c.new_at, &c.new)
        } else {
            (c.old_at, &c.old)
        };
        annotation_only(branch, holder) == annotations
    });
}

// ---------------------------------------------------------------------------------------------
// Discriminators

#[derive(Clone, Copy, PartialEq, Eq)]
enum Disc {
    Added,
    Removed,
    PropertyName,
    MappingAdded,
    MappingDeleted,
    MappingChanged,
}

fn discriminator(ctx: &Ctx, sink: &mut Sink, level: Level, want: Disc) {
    for c in body_changes(ctx, level) {
        let Change::Discriminator { key, from, to } = c.change else {
            continue;
        };
        let whole = |o: &Obj| o.get("discriminator").is_some();
        let (kind, message) = match key {
            None => match (from, to) {
                (None, Some(to)) => (
                    Disc::Added,
                    format!("added a discriminator on '{to}' to {}", subject(c)),
                ),
                (Some(from), None) => (
                    Disc::Removed,
                    format!("removed the discriminator on '{from}' from {}", subject(c)),
                ),
                (Some(from), Some(to)) => (
                    Disc::PropertyName,
                    format!(
                        "the discriminator property of {} changed from '{from}' to '{to}'",
                        subject(c)
                    ),
                ),
                (None, None) => continue,
            },
            // A discriminator added or removed whole is one finding, not one per mapping.
            Some(_) if !whole(&c.old) || !whole(&c.new) => continue,
            Some(k) => match (from, to) {
                (None, Some(to)) => (
                    Disc::MappingAdded,
                    format!(
                        "added the discriminator mapping '{k}' -> '{to}' to {}",
                        subject(c)
                    ),
                ),
                (Some(from), None) => (
                    Disc::MappingDeleted,
                    format!(
                        "removed the discriminator mapping '{k}' -> '{from}' from {}",
                        subject(c)
                    ),
                ),
                (from, to) => (
                    Disc::MappingChanged,
                    format!(
                        "the discriminator mapping '{k}' of {} changed from '{}' to '{}'",
                        subject(c),
                        from.unwrap_or("none"),
                        to.unwrap_or("none")
                    ),
                ),
            },
        };
        if kind == want {
            c.report(sink, format!("{message} for the status {}", status(c)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deprecation and stability of properties

fn deprecation(ctx: &Ctx, sink: &mut Sink, want: &str) {
    for c in body_changes(ctx, Level::Property) {
        let Change::Flag {
            keyword: "deprecated",
            to,
            ..
        } = c.change
        else {
            continue;
        };
        let (kind, message) = match (to, c.new.get("x-sunset")) {
            (false, _) => (
                "reactivated",
                format!("the response property '{}' is no longer deprecated", c.path),
            ),
            (true, None) => (
                "deprecated",
                format!("the response property '{}' was deprecated", c.path),
            ),
            (true, Some(node)) => match sunset_date(node) {
                // A date already passed is response-property-sunset-date-too-small's.
                Ok(date) if date < ctx.today => continue,
                Ok(date) => (
                    "with-sunset",
                    format!(
                        "the response property '{}' was deprecated with the sunset date '{date}'",
                        c.path
                    ),
                ),
                // An unreadable date is response-property-deprecated-sunset-invalid's.
                Err(_) => continue,
            },
        };
        if kind == want {
            c.report(sink, message);
        }
    }
}

fn response_property_deprecated(ctx: &Ctx, sink: &mut Sink) {
    deprecation(ctx, sink, "deprecated");
}

fn response_property_deprecated_with_sunset(ctx: &Ctx, sink: &mut Sink) {
    deprecation(ctx, sink, "with-sunset");
}

fn response_property_reactivated(ctx: &Ctx, sink: &mut Sink) {
    deprecation(ctx, sink, "reactivated");
}

fn response_property_stability_increased(ctx: &Ctx, sink: &mut Sink) {
    for c in body_changes(ctx, Level::Property) {
        let Change::Keyword {
            name: "x-stability-level",
            from,
            to,
        } = c.change
        else {
            continue;
        };
        let (Some((old, old_label)), Some((new, new_label))) =
            (stability_rank(from), stability_rank(to))
        else {
            continue;
        };
        if new > old {
            c.report(
                sink,
                format!(
                    "the response property '{}' stability level increased from '{old_label}' to '{new_label}'",
                    c.path
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema 2020-12 keywords: constraints added (the response promises more)

fn keyword_added(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str) {
    for c in body_changes(ctx, level) {
        if matches!(c.change, Change::SchemaAdded { keyword: k } if k == keyword) {
            c.report(
                sink,
                format!(
                    "added '{keyword}' to {} for the status {}",
                    subject(c),
                    status(c)
                ),
            );
        }
    }
}

/// An entry of a schema map (`patternProperties`, `dependentSchemas`) that appeared.
fn entry_added(ctx: &Ctx, sink: &mut Sink, level: Level, keyword: &str, what: &str) {
    for c in body_changes(ctx, level) {
        let Change::Keyword {
            name,
            from: None,
            to: Some(value),
        } = c.change
        else {
            continue;
        };
        if name != keyword {
            continue;
        }
        let key = c
            .new
            .get(keyword)
            .and_then(|m| {
                m.node
                    .entries()
                    .find(|(_, v)| std::ptr::eq(*v, value.node))
                    .map(|(k, _)| k)
            })
            .unwrap_or("?");
        c.report(
            sink,
            format!(
                "added the {what} '{key}' to {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

fn response_body_pattern_property_added(ctx: &Ctx, sink: &mut Sink) {
    entry_added(
        ctx,
        sink,
        Level::Body,
        "patternProperties",
        "pattern property",
    );
}

fn response_property_pattern_property_added(ctx: &Ctx, sink: &mut Sink) {
    entry_added(
        ctx,
        sink,
        Level::Property,
        "patternProperties",
        "pattern property",
    );
}

fn response_body_dependent_schema_added(ctx: &Ctx, sink: &mut Sink) {
    entry_added(
        ctx,
        sink,
        Level::Body,
        "dependentSchemas",
        "dependent schema",
    );
}

fn response_property_dependent_schema_added(ctx: &Ctx, sink: &mut Sink) {
    entry_added(
        ctx,
        sink,
        Level::Property,
        "dependentSchemas",
        "dependent schema",
    );
}

fn dependent_required_added(ctx: &Ctx, sink: &mut Sink, level: Level) {
    for c in body_changes(ctx, level) {
        let Change::Keyword {
            name: "dependentRequired",
            from,
            to,
        } = c.change
        else {
            continue;
        };
        let (old, new) = (
            super::response_shape::dependent_required(from),
            super::response_shape::dependent_required(to),
        );
        for (key, names) in &new {
            if old.iter().any(|(k, _)| k == key) {
                continue;
            }
            c.report(
                sink,
                format!(
                    "added the dependentRequired entry of '{key}' (which requires {}) to {} for the status {}",
                    names.join(", "),
                    subject(c),
                    status(c)
                ),
            );
        }
    }
}

fn response_body_dependent_required_added(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_added(ctx, sink, Level::Body);
}

fn response_property_dependent_required_added(ctx: &Ctx, sink: &mut Sink) {
    dependent_required_added(ctx, sink, Level::Property);
}

fn prefix_items_removed(ctx: &Ctx, sink: &mut Sink, level: Level) {
    for c in body_changes(ctx, level) {
        let Change::Keyword {
            name: "prefixItems",
            from: Some(from),
            to: None,
        } = c.change
        else {
            continue;
        };
        let index = c
            .old
            .get("prefixItems")
            .and_then(|l| l.node.items().position(|n| std::ptr::eq(n, from.node)))
            .map_or_else(String::new, |i| format!(" #{}", i + 1));
        c.report(
            sink,
            format!(
                "removed the prefix item{index} from {} for the status {}",
                subject(c),
                status(c)
            ),
        );
    }
}

fn response_body_prefix_items_removed(ctx: &Ctx, sink: &mut Sink) {
    prefix_items_removed(ctx, sink, Level::Body);
}

fn response_property_prefix_items_removed(ctx: &Ctx, sink: &mut Sink) {
    prefix_items_removed(ctx, sink, Level::Property);
}

// ---------------------------------------------------------------------------------------------
// Headers, media types, statuses

/// Media types of each response present on both sides, paired as oasdiff pairs them.
fn media_pairs(
    ctx: &Ctx,
    mut f: impl FnMut(
        &super::index::OperationPair,
        &crate::openapi::model::Response,
        &crate::openapi::model::Response,
        Option<&crate::openapi::model::Media>,
        Option<&crate::openapi::model::Media>,
    ),
) {
    for_each_response_pair(ctx, |pair, old, new| {
        let (om, nm) = (
            content(old.obj.set, &old.obj),
            content(new.obj.set, &new.obj),
        );
        for (oi, ni) in pair_media(&om, &nm) {
            f(pair, old, new, oi.map(|i| &om[i]), ni.map(|j| &nm[j]));
        }
    });
}

fn response_media_type_added(ctx: &Ctx, sink: &mut Sink) {
    media_pairs(ctx, |pair, old, new, o, n| {
        if let (None, Some(n)) = (o, n) {
            sink.report_operation(
                pair.id(),
                n.key.line_location(),
                Some(content_at(old).line_location()),
                format!(
                    "added the media type '{}' to the {} response",
                    n.name, new.status
                ),
            );
        }
    });
}

/// A media type renamed to a more specific one (`specialized`) or to one with other
/// parameters (the two renames response_shape's generalized rule leaves out).
fn media_renamed(ctx: &Ctx, sink: &mut Sink, specialized: bool) {
    media_pairs(ctx, |pair, _, new, o, n| {
        let (Some(o), Some(n)) = (o, n) else { return };
        if o.name == n.name {
            return;
        }
        let (Some(on), Some(nn)) = (MediaName::parse(o.name), MediaName::parse(n.name)) else {
            return;
        };
        let params_changed = on.params != nn.params;
        let is_special = !params_changed && on.contains(&nn);
        if (specialized && !is_special) || (!specialized && !params_changed) {
            return;
        }
        let how = if specialized {
            "was replaced by the more specific"
        } else {
            "was renamed to"
        };
        sink.report_operation(
            pair.id(),
            n.key.line_location(),
            Some(o.key.line_location()),
            format!(
                "the media type '{}' {how} '{}' for the status {}",
                o.name, n.name, new.status
            ),
        );
    });
}

fn response_media_type_name_specialized(ctx: &Ctx, sink: &mut Sink) {
    media_renamed(ctx, sink, true);
}

fn response_media_type_name_changed(ctx: &Ctx, sink: &mut Sink) {
    media_renamed(ctx, sink, false);
}

fn response_body_media_type_schema_added(ctx: &Ctx, sink: &mut Sink) {
    media_pairs(ctx, |pair, _, new, o, n| {
        let (Some(o), Some(n)) = (o, n) else { return };
        if let (None, Some((key, _))) = (o.schema(), n.obj.get_entry("schema")) {
            sink.report_operation(
                pair.id(),
                key.line_location(),
                Some(o.key.line_location()),
                format!(
                    "added a schema to the media type '{}' of the {} response",
                    n.name, new.status
                ),
            );
        }
    });
}

/// Numeric statuses only (oasdiff skips `default` and `2XX` ranges here).
fn numeric_status(s: &str) -> Option<u16> {
    (s.len() == 3).then(|| s.parse().ok()).flatten()
}

fn status_rule(ctx: &Ctx, sink: &mut Sink, success: bool, added: bool) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let (old, new) = (pair.old.responses(), pair.new.responses());
            let (from, to) = if added { (&old, &new) } else { (&new, &old) };
            for r in to {
                let Some(code) = numeric_status(r.status) else {
                    continue;
                };
                if (200..300).contains(&code) != success
                    || from.iter().any(|o| o.status == r.status)
                {
                    continue;
                }
                let kind = if success { "success" } else { "non-success" };
                let responses_at = |op: &crate::openapi::model::Operation| {
                    op.obj
                        .get_entry("responses")
                        .map(|(k, _)| k.line_location())
                };
                if added {
                    sink.report_operation(
                        pair.id(),
                        r.key.line_location(),
                        responses_at(pair.old),
                        format!("added the {kind} response status {}", r.status),
                    );
                } else {
                    let at = responses_at(pair.new).unwrap_or_else(|| r.key.line_location());
                    sink.report_operation(
                        pair.id(),
                        at,
                        Some(r.key.line_location()),
                        format!("removed the {kind} response status {}", r.status),
                    );
                }
            }
        }
    }
}

fn response_success_status_added(ctx: &Ctx, sink: &mut Sink) {
    status_rule(ctx, sink, true, true);
}

fn response_non_success_status_added(ctx: &Ctx, sink: &mut Sink) {
    status_rule(ctx, sink, false, true);
}

fn response_non_success_status_removed(ctx: &Ctx, sink: &mut Sink) {
    status_rule(ctx, sink, false, false);
}

// ---------------------------------------------------------------------------------------------
// API: operation ids, tags, component schemas (category LIFECYCLE)

fn operation_id(ctx: &Ctx, sink: &mut Sink, added: bool) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let (was, now) = (
                pair.old.obj.str("operationId"),
                pair.new.obj.str("operationId"),
            );
            let message = match (was, now, added) {
                (None, Some(id), true) => format!("added the operation id '{id}'"),
                (Some(id), None, false) => format!("removed the operation id '{id}'"),
                _ => continue,
            };
            let at = |op: &crate::openapi::model::Operation| {
                op.obj.at("operationId").unwrap_or(op.key).line_location()
            };
            sink.report_operation(pair.id(), at(pair.new), Some(at(pair.old)), message);
        }
    }
}

fn api_operation_id_added(ctx: &Ctx, sink: &mut Sink) {
    operation_id(ctx, sink, true);
}

fn api_operation_id_removed(ctx: &Ctx, sink: &mut Sink) {
    operation_id(ctx, sink, false);
}

/// An operation's tags with their nodes.
fn tags<'a>(op: &crate::openapi::model::Operation<'a>) -> Vec<(&'a str, NodeRef<'a>)> {
    op.obj
        .get("tags")
        .map(|t| {
            t.node
                .items()
                .filter_map(|n| Some((n.as_str()?, NodeRef::new(t.doc, n))))
                .collect()
        })
        .unwrap_or_default()
}

fn tag_rule(ctx: &Ctx, sink: &mut Sink, added: bool) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            let (was, now) = (tags(pair.old), tags(pair.new));
            let tags_at = |op: &crate::openapi::model::Operation| {
                op.obj.at("tags").unwrap_or(op.key).line_location()
            };
            if added {
                for (name, at) in now.iter().filter(|(n, _)| !was.iter().any(|(w, _)| w == n)) {
                    sink.report_operation(
                        pair.id(),
                        at.line_location(),
                        Some(tags_at(pair.old)),
                        format!("added the tag '{name}'"),
                    );
                }
            } else {
                for (name, at) in was.iter().filter(|(n, _)| !now.iter().any(|(w, _)| w == n)) {
                    sink.report_operation(
                        pair.id(),
                        tags_at(pair.new),
                        Some(at.line_location()),
                        format!("removed the tag '{name}'"),
                    );
                }
            }
        }
    }
}

fn api_tag_added(ctx: &Ctx, sink: &mut Sink) {
    tag_rule(ctx, sink, true);
}

fn api_tag_removed(ctx: &Ctx, sink: &mut Sink) {
    tag_rule(ctx, sink, false);
}

/// A schema gone from `components.schemas`. Operations that used it are compared on their
/// own; this lists the component for changelogs (and generated-code users, whose type goes).
fn api_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    for spec in &ctx.specs {
        let (Some(old), Some(new)) = (&spec.old, &spec.new) else {
            continue;
        };
        fn schemas<'a>(s: &crate::openapi::model::Spec<'a>) -> Option<NodeRef<'a>> {
            s.root.get("components").and_then(|c| c.get("schemas"))
        }
        let Some(was) = schemas(old) else { continue };
        let now = schemas(new);
        let at = now
            .map(|n| {
                new.root
                    .get("components")
                    .and_then(|c| c.node.get_entry("schemas"))
                    .map_or(n, |(k, _)| NodeRef::new(n.doc, k))
            })
            .or_else(|| {
                new.root
                    .node
                    .get_entry("components")
                    .map(|(k, _)| NodeRef::new(new.doc, k))
            })
            .unwrap_or(new.root);
        let added: Vec<NodeRef> = now
            .map(|n| {
                n.node
                    .entries()
                    .filter(|(k, _)| was.node.get(k).is_none())
                    .map(|(_, v)| NodeRef::new(n.doc, v))
                    .collect()
            })
            .unwrap_or_default();
        let mut differ = super::schema::Differ::new();
        for (key, value) in was.node.as_map().unwrap_or(&[]) {
            let Some(name) = key.as_str() else { continue };
            // A component renamed with its shape unchanged is not gone: `$ref`s are followed,
            // as everywhere in treaty (oasdiff reports it removed).
            let old_schema = ctx.old.view(NodeRef::new(was.doc, value));
            if now.is_some_and(|n| n.node.get(name).is_some())
                || added
                    .iter()
                    .any(|a| differ.diff(old_schema, ctx.new.view(*a)).is_none())
            {
                continue;
            }
            sink.report(
                at.line_location(),
                Some(NodeRef::new(was.doc, key).line_location()),
                format!("removed the component schema '{name}'"),
            );
        }
    }
}
