//! Request changes that break nobody but belong in a changelog (oasdiff's INFO level): what
//! a client may send widened (a bound relaxed, an enum value or a `oneOf` branch added, a
//! property or parameter made optional or nullable, a type generalized, a pattern or a 3.1
//! subschema dropped), defaults and deprecations changed, optional bodies, parameters and
//! media types added. They are listed in JSON output always and fail a run only with
//! `--fail-on info`.
//!
//! Most rules are the other direction of an error or warning in `request_limits`,
//! `request_shape` or `parameters`, and select the same schema changes the same way: a
//! change at the body's (or parameter's) own schema is a `request-body-*`
//! (`request-parameter-*`) finding, anything below it a `request-property-*`
//! (`request-parameter-property-*`) one named by its path. Property findings leave out
//! `readOnly` schemas (clients never send them; their own `request-read-only-property-*`
//! rules say when one tightened) and anything under `not` or `if` (relaxing a negated schema
//! or a condition does not widen what is accepted). The rules are one table ([`RULES`], built
//! by `info_rules!`) over one filter ([`finding`]), plus a few operation-level rules.

use std::collections::HashSet;

use super::index::{sunset_date, OperationPair};
use super::request_shape::{
    annotation_only, list_of_types, show, strongly_typed, type_change_breaking, type_format,
    type_pattern,
};
use super::schema::{Change, Composition, Limit, SchemaChange, Site, TypeSet};
use super::{Check, Ctx, Sink};
use crate::openapi::model::{content, Operation};
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

/// Which changed schemas a rule looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// A request body's own schema.
    Body,
    /// Any schema under a request body that clients send (not `readOnly`, not under
    /// `not`/`if`).
    Property,
    /// Any schema of a request body clients send, its own included: for changes of an
    /// object's `required` list, which concern the properties below it.
    Object,
    /// A `readOnly` schema under a request body (or one inside a `readOnly` object).
    ReadOnly,
    /// A property of a request body, `readOnly` or not (for the access rules, which are about
    /// `readOnly` itself).
    AnyProperty,
    /// A parameter's own schema.
    Param,
    /// Any schema under a parameter's schema.
    ParamProperty,
}

impl Scope {
    fn holds(self, c: &SchemaChange) -> bool {
        let own = c.path.is_empty();
        let param = matches!(c.site, Site::Parameter { .. });
        let body = c.in_request_body();
        match self {
            Scope::Body => body && own,
            Scope::Property => body && !own && !c.in_read_only && !inverted(&c.path),
            Scope::Object => body && !c.in_read_only && !inverted(&c.path),
            Scope::ReadOnly => body && !own && c.in_read_only && !inverted(&c.path),
            Scope::AnyProperty => body && !own && !inverted(&c.path),
            Scope::Param => param && own,
            Scope::ParamProperty => param && !own && !inverted(&c.path),
        }
    }
}

/// Under `not` (constraints there are inverted) or `if` (it only picks a branch).
fn inverted(path: &str) -> bool {
    path.split('/').any(|s| s == "not" || s == "if")
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Bound {
    Min,
    Max,
}

/// The discriminator edits oasdiff tells apart.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Disc {
    Added,
    Removed,
    Renamed,
    MappingAdded,
    MappingDeleted,
    MappingChanged,
}

/// What a rule looks for.
#[derive(Clone, Copy)]
pub(super) enum Test {
    /// A numeric bound present on both sides now accepts values it rejected; `exclusive` is
    /// whether the new bound is exclusive.
    Loosened {
        bound: Bound,
        exclusive: bool,
    },
    /// A numeric bound present on both sides now rejects values it accepted.
    Tightened {
        bound: Bound,
        exclusive: bool,
    },
    /// A count keyword (`maxLength`, `minItems`, ...) that now accepts more. `absent`: a
    /// keyword that went counts as its default (0, 1 for `minContains`, unlimited for `max*`).
    CountLoosened {
        keyword: &'static str,
        absent: bool,
    },
    /// A count keyword present on both sides that now accepts less.
    CountTightened {
        keyword: &'static str,
    },
    PatternRemoved,
    /// The pattern became one every string matches.
    PatternGeneralized,
    BecameNullable,
    EnumValueAdded,
    EnumValueRemoved,
    DefaultAdded,
    DefaultRemoved,
    DefaultChanged,
    ConstRemoved,
    /// Became deprecated; `sunset`: with a valid sunset date not yet past.
    Deprecated {
        sunset: bool,
    },
    Reactivated,
    StabilityIncreased,
    /// A property defined on both sides left `required`.
    BecameOptional,
    /// A `readOnly`/`writeOnly` flag of a property that is `required` (or not) in its object.
    Access {
        keyword: &'static str,
        to: bool,
        required: bool,
    },
    /// Type or format changed so that everything accepted before still is (`compatible`:
    /// only because the media type carries values as text).
    TypeWidened {
        compatible: bool,
    },
    ListOfTypesWidened,
    /// A `oneOf`/`anyOf` alternative added (not as part of a list of types).
    AlternativeAdded(Composition),
    /// An `allOf` branch of nothing but annotations added or removed.
    AnnotationBranch {
        added: bool,
    },
    Discriminator(Disc),
    /// A subschema keyword (`if`, `contains`, `propertyNames`, ...) that went.
    SchemaRemoved(&'static str),
    /// An entry of `patternProperties` or `dependentSchemas` that went.
    EntryRemoved(&'static str),
    DependentRequiredRemoved,
    PrefixItemsAdded,
}

use Bound::{Max, Min};
use Test::*;

pub const RULES: &[Rule<Check>] = &[
    // Numeric bounds.
    Rule::new("openapi/request-body-max-increased", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Body,
            Loosened {
                bound: Max,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-property-max-increased", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Property,
            Loosened {
                bound: Max,
                exclusive: false,
            },
        )
    }),
    Rule::new(
        "openapi/request-body-exclusive-max-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Body,
                Loosened {
                    bound: Max,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-exclusive-max-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                Loosened {
                    bound: Max,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new("openapi/request-body-min-decreased", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Body,
            Loosened {
                bound: Min,
                exclusive: false,
            },
        )
    }),
    Rule::new("openapi/request-property-min-decreased", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Property,
            Loosened {
                bound: Min,
                exclusive: false,
            },
        )
    }),
    Rule::new(
        "openapi/request-body-exclusive-min-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Body,
                Loosened {
                    bound: Min,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-exclusive-min-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                Loosened {
                    bound: Min,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-read-only-property-max-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::ReadOnly,
                Tightened {
                    bound: Max,
                    exclusive: false,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-read-only-property-exclusive-max-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::ReadOnly,
                Tightened {
                    bound: Max,
                    exclusive: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-read-only-property-min-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::ReadOnly,
                Tightened {
                    bound: Min,
                    exclusive: false,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-read-only-property-exclusive-min-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::ReadOnly,
                Tightened {
                    bound: Min,
                    exclusive: true,
                },
            )
        },
    ),
    // Counts.
    Rule::new("openapi/request-body-max-length-increased", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Body,
            CountLoosened {
                keyword: "maxLength",
                absent: false,
            },
        )
    }),
    Rule::new(
        "openapi/request-property-max-length-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                CountLoosened {
                    keyword: "maxLength",
                    absent: false,
                },
            )
        },
    ),
    Rule::new("openapi/request-body-min-length-decreased", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Body,
            CountLoosened {
                keyword: "minLength",
                absent: true,
            },
        )
    }),
    Rule::new(
        "openapi/request-property-min-length-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                CountLoosened {
                    keyword: "minLength",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-read-only-property-max-length-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::ReadOnly,
                CountTightened {
                    keyword: "maxLength",
                },
            )
        },
    ),
    // Patterns.
    Rule::new("openapi/request-property-pattern-removed", |ctx, sink| {
        run(ctx, sink, Scope::Property, PatternRemoved)
    }),
    Rule::new(
        "openapi/request-property-pattern-generalized",
        |ctx, sink| run(ctx, sink, Scope::Property, PatternGeneralized),
    ),
    // Nullability.
    Rule::new("openapi/request-body-became-nullable", |ctx, sink| {
        run(ctx, sink, Scope::Body, BecameNullable)
    }),
    Rule::new("openapi/request-property-became-nullable", |ctx, sink| {
        run(ctx, sink, Scope::Property, BecameNullable)
    }),
    // Enums and const.
    Rule::new("openapi/request-property-enum-value-added", |ctx, sink| {
        run(ctx, sink, Scope::Property, EnumValueAdded)
    }),
    Rule::new(
        "openapi/request-read-only-property-enum-value-removed",
        |ctx, sink| run(ctx, sink, Scope::ReadOnly, EnumValueRemoved),
    ),
    Rule::new("openapi/request-body-const-removed", |ctx, sink| {
        run(ctx, sink, Scope::Body, ConstRemoved)
    }),
    Rule::new("openapi/request-property-const-removed", |ctx, sink| {
        run(ctx, sink, Scope::Property, ConstRemoved)
    }),
    // Defaults.
    Rule::new("openapi/request-body-default-value-added", |ctx, sink| {
        run(ctx, sink, Scope::Body, DefaultAdded)
    }),
    Rule::new("openapi/request-body-default-value-removed", |ctx, sink| {
        run(ctx, sink, Scope::Body, DefaultRemoved)
    }),
    Rule::new("openapi/request-body-default-value-changed", |ctx, sink| {
        run(ctx, sink, Scope::Body, DefaultChanged)
    }),
    Rule::new(
        "openapi/request-property-default-value-added",
        |ctx, sink| run(ctx, sink, Scope::Property, DefaultAdded),
    ),
    Rule::new(
        "openapi/request-property-default-value-removed",
        |ctx, sink| run(ctx, sink, Scope::Property, DefaultRemoved),
    ),
    Rule::new(
        "openapi/request-property-default-value-changed",
        |ctx, sink| run(ctx, sink, Scope::Property, DefaultChanged),
    ),
    // Required, lifecycle, access.
    Rule::new("openapi/request-property-became-optional", |ctx, sink| {
        run(ctx, sink, Scope::Object, BecameOptional)
    }),
    Rule::new("openapi/request-property-deprecated", |ctx, sink| {
        run(ctx, sink, Scope::Property, Deprecated { sunset: false })
    }),
    Rule::new(
        "openapi/request-property-deprecated-with-sunset",
        |ctx, sink| run(ctx, sink, Scope::Property, Deprecated { sunset: true }),
    ),
    Rule::new("openapi/request-property-reactivated", |ctx, sink| {
        run(ctx, sink, Scope::Property, Reactivated)
    }),
    Rule::new(
        "openapi/request-property-stability-increased",
        |ctx, sink| run(ctx, sink, Scope::Property, StabilityIncreased),
    ),
    Rule::new(
        "openapi/request-optional-property-became-read-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "readOnly",
                    to: true,
                    required: false,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-optional-property-became-not-read-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "readOnly",
                    to: false,
                    required: false,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-optional-property-became-write-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "writeOnly",
                    to: true,
                    required: false,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-optional-property-became-not-write-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "writeOnly",
                    to: false,
                    required: false,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-read-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "readOnly",
                    to: true,
                    required: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-not-read-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "readOnly",
                    to: false,
                    required: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-write-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "writeOnly",
                    to: true,
                    required: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-required-property-became-not-write-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::AnyProperty,
                Access {
                    keyword: "writeOnly",
                    to: false,
                    required: true,
                },
            )
        },
    ),
    // Types.
    Rule::new("openapi/request-body-type-generalized", |ctx, sink| {
        run(ctx, sink, Scope::Body, TypeWidened { compatible: false })
    }),
    Rule::new("openapi/request-body-type-compatible", |ctx, sink| {
        run(ctx, sink, Scope::Body, TypeWidened { compatible: true })
    }),
    Rule::new("openapi/request-property-type-generalized", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Property,
            TypeWidened { compatible: false },
        )
    }),
    Rule::new("openapi/request-property-type-compatible", |ctx, sink| {
        run(ctx, sink, Scope::Property, TypeWidened { compatible: true })
    }),
    Rule::new("openapi/request-body-list-of-types-widened", |ctx, sink| {
        run(ctx, sink, Scope::Body, ListOfTypesWidened)
    }),
    Rule::new(
        "openapi/request-property-list-of-types-widened",
        |ctx, sink| run(ctx, sink, Scope::Property, ListOfTypesWidened),
    ),
    // Compositions.
    Rule::new("openapi/request-body-one-of-added", |ctx, sink| {
        run(ctx, sink, Scope::Body, AlternativeAdded(Composition::OneOf))
    }),
    Rule::new("openapi/request-property-one-of-added", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Property,
            AlternativeAdded(Composition::OneOf),
        )
    }),
    Rule::new("openapi/request-body-any-of-added", |ctx, sink| {
        run(ctx, sink, Scope::Body, AlternativeAdded(Composition::AnyOf))
    }),
    Rule::new("openapi/request-property-any-of-added", |ctx, sink| {
        run(
            ctx,
            sink,
            Scope::Property,
            AlternativeAdded(Composition::AnyOf),
        )
    }),
    Rule::new(
        "openapi/request-body-all-of-added-annotation-only",
        |ctx, sink| run(ctx, sink, Scope::Body, AnnotationBranch { added: true }),
    ),
    Rule::new(
        "openapi/request-body-all-of-removed-annotation-only",
        |ctx, sink| run(ctx, sink, Scope::Body, AnnotationBranch { added: false }),
    ),
    Rule::new(
        "openapi/request-property-all-of-added-annotation-only",
        |ctx, sink| run(ctx, sink, Scope::Property, AnnotationBranch { added: true }),
    ),
    Rule::new(
        "openapi/request-property-all-of-removed-annotation-only",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                AnnotationBranch { added: false },
            )
        },
    ),
    // Discriminators.
    Rule::new("openapi/request-body-discriminator-added", |ctx, sink| {
        run(ctx, sink, Scope::Body, Discriminator(Disc::Added))
    }),
    Rule::new("openapi/request-body-discriminator-removed", |ctx, sink| {
        run(ctx, sink, Scope::Body, Discriminator(Disc::Removed))
    }),
    Rule::new(
        "openapi/request-body-discriminator-property-name-changed",
        |ctx, sink| run(ctx, sink, Scope::Body, Discriminator(Disc::Renamed)),
    ),
    Rule::new(
        "openapi/request-body-discriminator-mapping-added",
        |ctx, sink| run(ctx, sink, Scope::Body, Discriminator(Disc::MappingAdded)),
    ),
    Rule::new(
        "openapi/request-body-discriminator-mapping-deleted",
        |ctx, sink| run(ctx, sink, Scope::Body, Discriminator(Disc::MappingDeleted)),
    ),
    Rule::new(
        "openapi/request-body-discriminator-mapping-changed",
        |ctx, sink| run(ctx, sink, Scope::Body, Discriminator(Disc::MappingChanged)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-added",
        |ctx, sink| run(ctx, sink, Scope::Property, Discriminator(Disc::Added)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-removed",
        |ctx, sink| run(ctx, sink, Scope::Property, Discriminator(Disc::Removed)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-property-name-changed",
        |ctx, sink| run(ctx, sink, Scope::Property, Discriminator(Disc::Renamed)),
    ),
    Rule::new(
        "openapi/request-property-discriminator-mapping-added",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                Discriminator(Disc::MappingAdded),
            )
        },
    ),
    Rule::new(
        "openapi/request-property-discriminator-mapping-deleted",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                Discriminator(Disc::MappingDeleted),
            )
        },
    ),
    Rule::new(
        "openapi/request-property-discriminator-mapping-changed",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                Discriminator(Disc::MappingChanged),
            )
        },
    ),
    // JSON Schema 2020-12 (OpenAPI 3.1).
    Rule::new("openapi/request-body-if-removed", |ctx, sink| {
        run(ctx, sink, Scope::Body, SchemaRemoved("if"))
    }),
    Rule::new("openapi/request-body-then-removed", |ctx, sink| {
        run(ctx, sink, Scope::Body, SchemaRemoved("then"))
    }),
    Rule::new("openapi/request-body-else-removed", |ctx, sink| {
        run(ctx, sink, Scope::Body, SchemaRemoved("else"))
    }),
    Rule::new("openapi/request-property-if-removed", |ctx, sink| {
        run(ctx, sink, Scope::Property, SchemaRemoved("if"))
    }),
    Rule::new("openapi/request-property-then-removed", |ctx, sink| {
        run(ctx, sink, Scope::Property, SchemaRemoved("then"))
    }),
    Rule::new("openapi/request-property-else-removed", |ctx, sink| {
        run(ctx, sink, Scope::Property, SchemaRemoved("else"))
    }),
    Rule::new("openapi/request-body-contains-removed", |ctx, sink| {
        run(ctx, sink, Scope::Body, SchemaRemoved("contains"))
    }),
    Rule::new("openapi/request-property-contains-removed", |ctx, sink| {
        run(ctx, sink, Scope::Property, SchemaRemoved("contains"))
    }),
    Rule::new(
        "openapi/request-body-min-contains-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Body,
                CountLoosened {
                    keyword: "minContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-min-contains-decreased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                CountLoosened {
                    keyword: "minContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-body-max-contains-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Body,
                CountLoosened {
                    keyword: "maxContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-property-max-contains-increased",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                CountLoosened {
                    keyword: "maxContains",
                    absent: true,
                },
            )
        },
    ),
    Rule::new(
        "openapi/request-body-property-names-removed",
        |ctx, sink| run(ctx, sink, Scope::Body, SchemaRemoved("propertyNames")),
    ),
    Rule::new(
        "openapi/request-property-property-names-removed",
        |ctx, sink| run(ctx, sink, Scope::Property, SchemaRemoved("propertyNames")),
    ),
    Rule::new(
        "openapi/request-body-unevaluated-items-removed",
        |ctx, sink| run(ctx, sink, Scope::Body, SchemaRemoved("unevaluatedItems")),
    ),
    Rule::new(
        "openapi/request-property-unevaluated-items-removed",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                SchemaRemoved("unevaluatedItems"),
            )
        },
    ),
    Rule::new(
        "openapi/request-body-unevaluated-properties-removed",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Body,
                SchemaRemoved("unevaluatedProperties"),
            )
        },
    ),
    Rule::new(
        "openapi/request-property-unevaluated-properties-removed",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                SchemaRemoved("unevaluatedProperties"),
            )
        },
    ),
    Rule::new(
        "openapi/request-body-content-schema-removed",
        |ctx, sink| run(ctx, sink, Scope::Body, SchemaRemoved("contentSchema")),
    ),
    Rule::new(
        "openapi/request-property-content-schema-removed",
        |ctx, sink| run(ctx, sink, Scope::Property, SchemaRemoved("contentSchema")),
    ),
    Rule::new(
        "openapi/request-body-pattern-property-removed",
        |ctx, sink| run(ctx, sink, Scope::Body, EntryRemoved("patternProperties")),
    ),
    Rule::new(
        "openapi/request-property-pattern-property-removed",
        |ctx, sink| {
            run(
                ctx,
                sink,
                Scope::Property,
                EntryRemoved("patternProperties"),
            )
        },
    ),
    Rule::new(
        "openapi/request-body-dependent-schema-removed",
        |ctx, sink| run(ctx, sink, Scope::Body, EntryRemoved("dependentSchemas")),
    ),
    Rule::new(
        "openapi/request-property-dependent-schema-removed",
        |ctx, sink| run(ctx, sink, Scope::Property, EntryRemoved("dependentSchemas")),
    ),
    Rule::new(
        "openapi/request-body-dependent-required-removed",
        |ctx, sink| run(ctx, sink, Scope::Body, DependentRequiredRemoved),
    ),
    Rule::new(
        "openapi/request-property-dependent-required-removed",
        |ctx, sink| run(ctx, sink, Scope::Property, DependentRequiredRemoved),
    ),
    Rule::new("openapi/request-body-prefix-items-added", |ctx, sink| {
        run(ctx, sink, Scope::Body, PrefixItemsAdded)
    }),
    Rule::new(
        "openapi/request-property-prefix-items-added",
        |ctx, sink| run(ctx, sink, Scope::Property, PrefixItemsAdded),
    ),
    Rule::new(
        "openapi/request-body-added-optional",
        request_body_added_optional,
    ),
    Rule::new(
        "openapi/request-body-became-optional",
        request_body_became_optional,
    ),
    Rule::new(
        "openapi/request-body-media-type-added",
        request_body_media_type_added,
    ),
    Rule::new(
        "openapi/request-body-media-type-schema-removed",
        request_body_media_type_schema_removed,
    ),
];

// ---------------------------------------------------------------------------------------------
// Schema changes

/// Identity of the schema a change sits at: operation, site and path.
pub(super) type NodeKey<'c> = (usize, usize, String, &'c str);

pub(super) fn node_key<'c>(c: &'c SchemaChange) -> NodeKey<'c> {
    (c.spec, c.op, format!("{:?}", c.site), c.path.as_str())
}

/// Tests judging a whole schema (its type and format together, its branch list): reported
/// once per schema however many raw changes it has.
fn per_node(test: Test) -> bool {
    matches!(
        test,
        TypeWidened { .. } | ListOfTypesWidened | AlternativeAdded(_)
    )
}

pub(super) fn run(ctx: &Ctx, sink: &mut Sink, scope: Scope, test: Test) {
    let mut seen = HashSet::new();
    for c in ctx.schema_changes() {
        if !scope.holds(c) {
            continue;
        }
        let message = match test {
            AlternativeAdded(kind) => alternatives_added(ctx, c, kind),
            _ => finding(ctx, c, test),
        };
        // Per-node findings read the whole schema pair: every change there gives the same.
        if let Some(message) = message {
            if !per_node(test) || seen.insert(node_key(c)) {
                c.report(sink, message);
            }
        }
    }
}

/// `the request body`, `the request property 'items/name'`, `the 'query' request parameter
/// 'limit'`, `the property 'a/b' of the 'header' request parameter 'X-Filter'`.
fn subject(c: &SchemaChange) -> String {
    match c.site {
        Site::Parameter { location, name } if c.path.is_empty() => {
            format!("the '{location}' request parameter '{name}'")
        }
        Site::Parameter { location, name } => format!(
            "the property '{}' of the '{location}' request parameter '{name}'",
            c.path
        ),
        _ if c.path.is_empty() => "the request body".to_string(),
        _ => format!("the request property '{}'", c.path),
    }
}

/// The message when `c` is what `test` looks for.
fn finding(ctx: &Ctx, c: &SchemaChange, test: Test) -> Option<String> {
    let s = subject(c);
    match (test, &c.change) {
        (Loosened { bound, exclusive }, change) => {
            let (from, to) = bounds(change, bound)?;
            let (from, to) = (from?, to?);
            (to.exclusive == exclusive && looser(bound, from, to)).then(|| {
                let verb = if bound == Max { "raised" } else { "lowered" };
                moved(verb, bound, &s, from, to)
            })
        }
        (Tightened { bound, exclusive }, change) => {
            let (from, to) = bounds(change, bound)?;
            let (from, to) = (from?, to?);
            (to.exclusive == exclusive && looser(bound, to, from)).then(|| {
                let verb = if bound == Max { "lowered" } else { "raised" };
                let s = format!("the read-only {}", &s[4..]);
                format!(
                    "{}: clients do not send it",
                    moved(verb, bound, &s, from, to)
                )
            })
        }
        (
            CountLoosened { keyword, absent },
            Change::Count {
                keyword: k,
                from,
                to,
            },
        ) if *k == keyword => {
            // `minContains`/`maxContains` only count with a `contains` on both sides.
            if keyword.ends_with("Contains")
                && !(c.old.get("contains").is_some() && c.new.get("contains").is_some())
            {
                return None;
            }
            let max = keyword.starts_with("max");
            let unset = if max {
                u64::MAX
            } else {
                u64::from(keyword == "minContains")
            };
            if from.is_none() || (to.is_none() && !absent) {
                return None;
            }
            let (f, t) = (from.unwrap_or(unset), to.unwrap_or(unset));
            if (max && t <= f) || (!max && t >= f) {
                return None;
            }
            let shown = |v: Option<u64>| match v {
                Some(v) => v.to_string(),
                None if max => "unlimited".to_string(),
                None => format!("{unset} (unset)"),
            };
            Some(format!(
                "{} the {keyword} of {s} from {} to {}",
                if max { "raised" } else { "lowered" },
                shown(*from),
                shown(*to)
            ))
        }
        (
            CountTightened { keyword },
            Change::Count {
                keyword: k,
                from: Some(f),
                to: Some(t),
            },
        ) if *k == keyword => {
            let max = keyword.starts_with("max");
            let tighter = if max { t < f } else { t > f };
            tighter.then(|| {
                format!(
                    "{} the {keyword} of the read-only {} from {f} to {t}: clients do not send it",
                    if max { "lowered" } else { "raised" },
                    &s[4..]
                )
            })
        }
        (
            PatternRemoved,
            Change::Pattern {
                from: Some(p),
                to: None | Some(""),
            },
        ) if !matches_all(p) => Some(format!("removed the pattern '{p}' from {s}")),
        // An empty pattern is no pattern (as oasdiff reads it): that is a removal.
        (
            PatternGeneralized,
            Change::Pattern {
                from: Some(f),
                to: Some(t),
            },
        ) if !t.is_empty() && matches_all(t) && !matches_all(f) => Some(format!(
            "generalized the pattern of {s} from '{f}' to '{t}': any string is accepted"
        )),
        // A 3.1 schema without `type` already accepted null: giving it a type list with
        // `null` narrows it (the type rules' business), it does not make it nullable.
        (
            BecameNullable,
            Change::Nullable {
                from: false,
                to: true,
            },
        ) if c.old.get("type").is_some() || c.new.get("nullable").is_some() => {
            Some(format!("{s} became nullable"))
        }
        (EnumValueAdded, Change::EnumValueAdded(v)) => {
            Some(format!("added the enum value '{}' to {s}", show(*v)))
        }
        (EnumValueRemoved, Change::EnumValueRemoved(v)) => Some(format!(
            "removed the enum value '{}' of the read-only {}: clients do not send it",
            show(*v),
            &s[4..]
        )),
        (
            ConstRemoved,
            Change::Const {
                from: Some(v),
                to: None,
            },
        ) => Some(format!(
            "removed the const value '{}' of {s}: other values are accepted",
            show(*v)
        )),
        (
            DefaultAdded,
            Change::Default {
                from: None,
                to: Some(v),
            },
        ) => Some(format!("added the default value '{}' to {s}", show(*v))),
        (
            DefaultRemoved,
            Change::Default {
                from: Some(v),
                to: None,
            },
        ) => Some(format!("removed the default value '{}' of {s}", show(*v))),
        (
            DefaultChanged,
            Change::Default {
                from: Some(f),
                to: Some(t),
            },
        ) => Some(format!(
            "changed the default value of {s} from '{}' to '{}'",
            show(*f),
            show(*t)
        )),
        (
            Deprecated { sunset },
            Change::Flag {
                keyword: "deprecated",
                from: false,
                to: true,
            },
        ) => {
            let date = c.new.get("x-sunset").map(sunset_date);
            match (sunset, date) {
                (false, None) => Some(format!("{s} was deprecated")),
                (true, Some(Ok(date))) if date >= ctx.today => {
                    Some(format!("{s} was deprecated with the sunset date '{date}'"))
                }
                _ => None,
            }
        }
        (
            Reactivated,
            Change::Flag {
                keyword: "deprecated",
                from: true,
                to: false,
            },
        ) => Some(format!("{s} is no longer deprecated")),
        (
            StabilityIncreased,
            Change::Keyword {
                name: "x-stability-level",
                from,
                to,
            },
        ) => {
            let (f, t) = (stability_rank(*from)?, stability_rank(*to)?);
            // Like `request-property-stability-decreased` (and oasdiff's default), only
            // properties leaving `beta` or `stable` are tracked: `draft`/`alpha` promise nothing.
            (f.0 >= 2 && t.0 > f.0).then(|| {
                format!(
                    "the stability level of {s} increased from '{}' to '{}'",
                    f.1, t.1
                )
            })
        }
        (BecameOptional, Change::RequiredRemoved { name }) => {
            fn defined<'a>(o: &Obj<'a>, name: &str) -> Option<Obj<'a>> {
                o.child("properties").and_then(|p| p.child(name))
            }
            let (_, new) = (defined(&c.old, name)?, defined(&c.new, name)?);
            (!new.flag("readOnly")).then(|| {
                format!(
                    "the request property '{}' became optional",
                    c.property(name)
                )
            })
        }
        (
            Access {
                keyword,
                to: want,
                required,
            },
            Change::Flag { keyword: k, to, .. },
        ) if *k == keyword && *to == want => {
            let parent = c.parent.as_ref()?;
            let super::schema::Segment::Property(name) = parent.segment else {
                return None;
            };
            let listed = parent
                .new
                .get("required")
                .is_some_and(|r| r.node.items().any(|n| n.as_str() == Some(name)));
            if listed != required {
                return None;
            }
            let kind = if required { "required" } else { "optional" };
            let became = match (keyword, want) {
                ("readOnly", true) => "read-only",
                ("readOnly", false) => "not read-only",
                ("writeOnly", true) => "write-only",
                _ => "not write-only",
            };
            Some(format!(
                "the {kind} request property '{}' became {became}",
                c.path
            ))
        }
        (TypeWidened { compatible }, Change::Type { .. } | Change::Format { .. }) => {
            // An untyped schema that gains the type its keywords implied (`properties` ->
            // `object`) is not breaking (see `request-property-type-changed`), but not wider
            // either.
            let implied = TypeSet::of(&c.old).0.is_empty() && !TypeSet::of(&c.new).0.is_empty();
            if implied
                || list_of_types(&c.old, &c.new).is_some()
                || type_change_breaking(&c.old, &c.new, strongly_typed(c))
            {
                return None;
            }
            // Breaking if the values were typed JSON: fine only because the media type
            // carries them as text.
            let loose = type_change_breaking(&c.old, &c.new, true);
            (loose == compatible).then(|| {
                format!(
                    "the type/format of {s} was {} from '{}' to '{}'",
                    if loose {
                        "changed, compatibly for this text media type,"
                    } else {
                        "generalized"
                    },
                    type_format(&c.old),
                    type_format(&c.new)
                )
            })
        }
        (ListOfTypesWidened, _) => {
            let lost = list_of_types(&c.old, &c.new)?;
            if !lost.is_empty() {
                return None;
            }
            let (old, _) = type_pattern(&c.old)?;
            let (new, _) = type_pattern(&c.new)?;
            let gained: Vec<&str> = new.into_iter().filter(|t| !old.contains(t)).collect();
            (!gained.is_empty()).then(|| {
                format!(
                    "the list of types of {s} was widened: '{}' now also accepted",
                    gained.join("', '")
                )
            })
        }
        (AnnotationBranch { added }, Change::SubschemaAdded { kind, label })
            if added && *kind == Composition::AllOf && annotation_only(c.new_at, &c.new) =>
        {
            Some(format!(
                "added the annotation-only '{label}' to the allOf list of {s}"
            ))
        }
        (AnnotationBranch { added }, Change::SubschemaRemoved { kind, label })
            if !added && *kind == Composition::AllOf && annotation_only(c.old_at, &c.old) =>
        {
            Some(format!(
                "removed the annotation-only '{label}' from the allOf list of {s}"
            ))
        }
        (Discriminator(d), Change::Discriminator { key, from, to }) => {
            discriminator(c, &s, d, *key, *from, *to)
        }
        (SchemaRemoved(keyword), Change::SchemaRemoved { keyword: k }) if *k == keyword => {
            let was = c.old.get(keyword)?;
            if accepts_all(was) {
                return None;
            }
            Some(format!("removed the '{keyword}' subschema of {s}"))
        }
        (
            EntryRemoved(keyword),
            Change::Keyword {
                name,
                from: Some(v),
                to: None,
            },
        ) if *name == keyword => {
            let key = c
                .old
                .get(keyword)?
                .node
                .entries()
                .find(|(_, n)| std::ptr::eq(*n, v.node))
                .map(|(k, _)| k)?;
            Some(format!("removed the {keyword} entry '{key}' of {s}"))
        }
        (
            DependentRequiredRemoved,
            Change::Keyword {
                name: "dependentRequired",
                from: Some(from),
                to,
            },
        ) => {
            let kept = |k: &str| to.is_some_and(|t| t.node.entries().any(|(k2, _)| k2 == k));
            let gone: Vec<&str> = from
                .node
                .entries()
                .map(|(k, _)| k)
                .filter(|k| !kept(k))
                .collect();
            (!gone.is_empty()).then(|| {
                format!(
                    "removed the dependentRequired rule for '{}' from {s}",
                    gone.join("', '")
                )
            })
        }
        (
            PrefixItemsAdded,
            Change::Keyword {
                name: "prefixItems",
                from: None,
                to: Some(_),
            },
        ) => Some(format!("added a prefixItems entry to {s}")),
        _ => None,
    }
}

fn discriminator(
    c: &SchemaChange,
    s: &str,
    want: Disc,
    key: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Option<String> {
    let has = |o: &Obj| o.get("discriminator").is_some();
    let got = match (key, from, to) {
        (None, None, Some(_)) => Disc::Added,
        (None, Some(_), None) => Disc::Removed,
        (None, Some(_), Some(_)) => Disc::Renamed,
        // Mapping entries of a discriminator that itself came or went are part of that.
        (Some(_), None, Some(_)) if has(&c.old) => Disc::MappingAdded,
        (Some(_), Some(_), None) if has(&c.new) => Disc::MappingDeleted,
        (Some(_), Some(_), Some(_)) => Disc::MappingChanged,
        _ => return None,
    };
    if got != want {
        return None;
    }
    fn v(x: Option<&str>) -> &str {
        x.unwrap_or("")
    }
    Some(match (got, key) {
        (Disc::Added, _) => format!("added a discriminator on '{}' to {s}", v(to)),
        (Disc::Removed, _) => format!("removed the discriminator on '{}' of {s}", v(from)),
        (Disc::Renamed, _) => format!(
            "the discriminator property of {s} changed from '{}' to '{}'",
            v(from),
            v(to)
        ),
        (Disc::MappingAdded, Some(k)) => format!(
            "added the discriminator mapping '{k}' -> '{}' to {s}",
            v(to)
        ),
        (Disc::MappingDeleted, Some(k)) => {
            format!("removed the discriminator mapping '{k}' of {s}")
        }
        (_, k) => format!(
            "the discriminator mapping '{}' of {s} changed from '{}' to '{}'",
            v(k),
            v(from),
            v(to)
        ),
    })
}

/// The `kind` alternatives added at `c`'s schema, in one message. Not when the edit is a list
/// of types widening (its own rule).
fn alternatives_added(ctx: &Ctx, c: &SchemaChange, kind: Composition) -> Option<String> {
    if list_of_types(&c.old, &c.new).is_some() {
        return None;
    }
    let key = node_key(c);
    let labels: Vec<&str> = ctx
        .schema_changes()
        .iter()
        .filter(|d| node_key(d) == key)
        .filter_map(|d| match &d.change {
            Change::SubschemaAdded { kind: k, label } if *k == kind => Some(label.as_str()),
            _ => None,
        })
        .collect();
    (!labels.is_empty()).then(|| {
        format!(
            "added '{}' to the {} list of {}",
            labels.join("', '"),
            kind.keyword(),
            subject(c)
        )
    })
}

/// A schema that accepts everything: `true` or `{}`.
fn accepts_all(v: NodeRef) -> bool {
    v.node.as_bool() == Some(true) || v.node.as_map().is_some_and(|m| m.is_empty())
}

/// `x-stability-level` by rank: `draft` < `alpha` < `beta` < `stable`; absent means stable.
fn stability_rank(v: Option<NodeRef>) -> Option<(u8, &'static str)> {
    let Some(v) = v else {
        return Some((3, "stable"));
    };
    match v.node.as_str()? {
        "draft" => Some((0, "draft")),
        "alpha" => Some((1, "alpha")),
        "beta" => Some((2, "beta")),
        "stable" => Some((3, "stable")),
        _ => None,
    }
}

fn word(bound: Bound) -> &'static str {
    match bound {
        Min => "minimum",
        Max => "maximum",
    }
}

/// The old and new bound of a `Minimum`/`Maximum` change of this `bound`.
fn bounds(change: &Change, bound: Bound) -> Option<(Option<Limit>, Option<Limit>)> {
    match (bound, change) {
        (Min, Change::Minimum { from, to }) | (Max, Change::Maximum { from, to }) => {
            Some((*from, *to))
        }
        _ => None,
    }
}

/// "raised the maximum of {s} from 10 to 20", naming a bound exclusive on both sides as such
/// and a bound that only changed its exclusivity as that.
fn moved(verb: &str, bound: Bound, s: &str, from: Limit, to: Limit) -> String {
    let word = word(bound);
    let v = |l: Limit| {
        limit(Limit {
            exclusive: false,
            ..l
        })
    };
    if from.value == to.value {
        let how = if to.exclusive {
            "exclusive"
        } else {
            "inclusive"
        };
        format!("made the {word} of {s} {how} (at {})", v(to))
    } else if from.exclusive && to.exclusive {
        format!(
            "{verb} the exclusive {word} of {s} from {} to {}",
            v(from),
            v(to)
        )
    } else {
        format!(
            "{verb} the {word} of {s} from {} to {}",
            limit(from),
            limit(to)
        )
    }
}

/// Does `to` accept every value `from` did, and more?
fn looser(bound: Bound, from: Limit, to: Limit) -> bool {
    let moved = match bound {
        Min => to.value < from.value,
        Max => to.value > from.value,
    };
    moved || (to.value == from.value && from.exclusive && !to.exclusive)
}

/// A pattern every string matches (`pattern` is an unanchored search).
fn matches_all(p: &str) -> bool {
    matches!(p, "" | ".*")
}

fn limit(l: Limit) -> String {
    let v = if l.value.fract() == 0.0 && l.value.abs() < 1e15 {
        format!("{}", l.value as i64)
    } else {
        l.value.to_string()
    };
    if l.exclusive {
        format!("{v} (exclusive)")
    } else {
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Operations, bodies and parameters

/// Every operation present in both revisions.
fn for_each_pair(ctx: &Ctx, mut f: impl FnMut(&OperationPair)) {
    for spec in &ctx.specs {
        for pair in spec.operation_pairs() {
            f(&pair);
        }
    }
}

/// Where a finding about an operation's `key` points: that key, else the operation.
fn within(op: &Operation, key: &str) -> crate::finding::Location {
    op.obj
        .get_entry(key)
        .map_or(op.key, |(k, _)| k)
        .line_location()
}

fn request_body_added_optional(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        let (None, Some(new)) = (pair.old.request_body(), pair.new.request_body()) else {
            return;
        };
        if !new.flag("required") {
            sink.report_operation(
                pair.id(),
                within(pair.new, "requestBody"),
                Some(pair.old.key.line_location()),
                "added an optional request body",
            );
        }
    });
}

fn request_body_became_optional(ctx: &Ctx, sink: &mut Sink) {
    for_each_pair(ctx, |pair| {
        let (Some(old), Some(new)) = (pair.old.request_body(), pair.new.request_body()) else {
            return;
        };
        if old.flag("required") && !new.flag("required") {
            let at = new.at("required").unwrap_or(new.origin).line_location();
            let was = old.at("required").unwrap_or(old.origin).line_location();
            sink.report_operation(pair.id(), at, Some(was), "the request body became optional");
        }
    });
}

/// Both revisions' request bodies of operations that have one on each side.
fn for_each_body(ctx: &Ctx, mut f: impl FnMut(&str, Obj, Obj)) {
    for_each_pair(ctx, |pair| {
        if let (Some(old), Some(new)) = (pair.old.request_body(), pair.new.request_body()) {
            f(pair.id(), old, new);
        }
    });
}

fn request_body_media_type_added(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let before = content(old.set, &old);
        for media in content(new.set, &new) {
            if !before.iter().any(|m| m.name == media.name) {
                let was = old.at("content").unwrap_or(old.origin);
                sink.report_operation(
                    op,
                    media.key.line_location(),
                    Some(was.line_location()),
                    format!("added the media type '{}' to the request body", media.name),
                );
            }
        }
    });
}

/// A media type whose schema went now takes any payload.
fn request_body_media_type_schema_removed(ctx: &Ctx, sink: &mut Sink) {
    for_each_body(ctx, |op, old, new| {
        let after = content(new.set, &new);
        for was in content(old.set, &old) {
            let Some(media) = after.iter().find(|m| m.name == was.name) else {
                continue;
            };
            if media.obj.get("schema").is_none() {
                if let Some(at) = was.obj.at("schema") {
                    sink.report_operation(
                        op,
                        media.key.line_location(),
                        Some(at.line_location()),
                        format!(
                            "removed the schema of the request body media type '{}': any payload is accepted",
                            media.name
                        ),
                    );
                }
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Parameter types

#[cfg(test)]
mod tests {
    use super::*;

    fn l(value: f64, exclusive: bool) -> Limit {
        Limit { value, exclusive }
    }

    #[test]
    fn looser_bounds() {
        assert!(looser(Max, l(10.0, false), l(20.0, false)));
        assert!(looser(Max, l(10.0, true), l(10.0, false)));
        assert!(!looser(Max, l(10.0, false), l(10.0, true)));
        assert!(!looser(Max, l(10.0, false), l(5.0, false)));
        assert!(looser(Min, l(1.0, false), l(0.0, false)));
        assert!(!looser(Min, l(1.0, false), l(1.0, true)));
    }
}
