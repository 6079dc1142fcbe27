//! Headers, both ways: response headers (removed, added, made optional, retyped, made nullable
//! or not) and the properties of object-valued request header parameters (a new required
//! property, one made required, one restricted to an enum). A response header is text on the
//! wire, so its type changes are judged as text; every severity of a header subject is here.
//!
//! Header names are case-insensitive in HTTP, and compared so.

use super::body::Admits;
use super::parameters::report_changes;
use super::response_body::types::{nullable, type_rule, TypeEdit};
use super::responses::for_each_response_pair;
use super::schema::{Change, SchemaChange, Site};
use super::{Check, Ctx, Sink};
use crate::openapi::model::Response;
use crate::openapi::refs::{NodeRef, Obj};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new(
        "openapi/required-response-header-removed",
        required_response_header_removed,
    ),
    Rule::new(
        "openapi/optional-response-header-removed",
        optional_response_header_removed,
    ),
    Rule::new("openapi/response-header-added", response_header_added),
    Rule::new(
        "openapi/response-header-became-optional",
        response_header_became_optional,
    ),
    Rule::new("openapi/response-header-type-changed", |ctx, sink| {
        header_types(ctx, sink, TypeEdit::Changed)
    }),
    Rule::new("openapi/response-header-type-generalized", |ctx, sink| {
        header_types(ctx, sink, TypeEdit::Generalized)
    }),
    Rule::new("openapi/response-header-type-specialized", |ctx, sink| {
        header_types(ctx, sink, TypeEdit::Specialized)
    }),
    Rule::new("openapi/response-header-type-compatible", |ctx, sink| {
        header_types(ctx, sink, TypeEdit::Compatible)
    }),
    Rule::new("openapi/response-header-became-nullable", |ctx, sink| {
        nullable(sink, header_changes(ctx), header, Admits::More)
    }),
    Rule::new(
        "openapi/response-header-became-not-nullable",
        |ctx, sink| nullable(sink, header_changes(ctx), header, Admits::Less),
    ),
    Rule::new(
        "openapi/new-required-request-header-property",
        new_required_request_header_property,
    ),
    // Object-valued headers.
    Rule::new(
        "openapi/request-header-property-became-required",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| match &c.change {
                Change::RequiredAdded { name } if p.location == "header" => {
                    let prop = c.new.child("properties").and_then(|ps| ps.child(name))?;
                    // A name `required` lists but the schema does not define (on either side) is
                    // not a property a client could have left out knowingly.
                    c.old.child("properties").and_then(|ps| ps.get(name))?;
                    (!prop.flag("readOnly")).then(|| {
                        format!("the property '{}' of {p} became required", c.property(name))
                    })
                }
                _ => None,
            })
        },
    ),
    Rule::new(
        "openapi/request-header-property-became-enum",
        |ctx, sink| {
            report_changes(ctx, sink, |_, c, p| {
                (p.location == "header"
                    && !c.path.is_empty()
                    && matches!(c.change, Change::EnumAdded))
                .then(|| {
                    format!(
                        "the property '{}' of {p} was restricted to a list of enum values",
                        c.path
                    )
                })
            })
        },
    ),
];

/// Headers of a response: name, key node, header object.
fn headers<'a>(r: &Response<'a>) -> Vec<(&'a str, NodeRef<'a>, Obj<'a>)> {
    let Some(h) = r.obj.child("headers") else {
        return Vec::new();
    };
    h.entries()
        .filter_map(|(name, value)| {
            let (key, _) = h.get_entry(name)?;
            Some((name, key, h.set.view(value)))
        })
        .collect()
}

/// Where a finding about a response's headers points: its `headers` key, else the response.
fn headers_at<'a>(r: &Response<'a>) -> NodeRef<'a> {
    r.obj.get_entry("headers").map_or(r.key, |(k, _)| k)
}

/// Changes to response headers' own schemas.
fn header_changes<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = &'c SchemaChange<'a>> {
    ctx.schema_changes()
        .iter()
        .filter(|c| matches!(c.site, Site::ResponseHeader { .. }) && c.path.is_empty())
}

fn header_name<'a>(c: &SchemaChange<'a>) -> &'a str {
    match c.site {
        Site::ResponseHeader { name, .. } => name,
        _ => "",
    }
}

fn header_removed(ctx: &Ctx, sink: &mut Sink, required: bool) {
    for_each_response_pair(ctx, |pair, old, new| {
        let now = headers(new);
        for (name, key, header) in headers(old) {
            // Header names are case-insensitive.
            if now.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(name))
                || header.flag("required") != required
            {
                continue;
            }
            let kind = if required { "required" } else { "optional" };
            sink.report_operation(
                pair.id(),
                headers_at(new).line_location(),
                Some(key.line_location()),
                format!(
                    "removed the {kind} response header '{name}' for the status {}",
                    old.status
                ),
            );
        }
    });
}

fn required_response_header_removed(ctx: &Ctx, sink: &mut Sink) {
    header_removed(ctx, sink, true);
}

fn optional_response_header_removed(ctx: &Ctx, sink: &mut Sink) {
    header_removed(ctx, sink, false);
}

fn response_header_added(ctx: &Ctx, sink: &mut Sink) {
    for_each_response_pair(ctx, |pair, old, new| {
        let was = headers(old);
        for (name, key, _) in headers(new) {
            // Header names are case-insensitive.
            if was.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(name)) {
                continue;
            }
            sink.report_operation(
                pair.id(),
                key.line_location(),
                Some(headers_at(old).line_location()),
                format!(
                    "added the response header '{name}' for the status {}",
                    new.status
                ),
            );
        }
    });
}

fn response_header_became_optional(ctx: &Ctx, sink: &mut Sink) {
    for_each_response_pair(ctx, |pair, old, new| {
        let now = headers(new);
        for (name, key, header) in headers(old) {
            let Some((_, new_key, new_header)) =
                now.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            else {
                continue;
            };
            if header.flag("required") && !new_header.flag("required") {
                sink.report_operation(
                    pair.id(),
                    new_header
                        .at("required")
                        .unwrap_or(*new_key)
                        .line_location(),
                    Some(header.at("required").unwrap_or(key).line_location()),
                    format!(
                        "the response header '{name}' became optional for the status {}",
                        old.status
                    ),
                );
            }
        }
    });
}

/// A required property added to an object-valued header parameter: clients do not send it.
fn new_required_request_header_property(ctx: &Ctx, sink: &mut Sink) {
    for c in ctx.schema_changes() {
        let Site::Parameter {
            location: "header",
            name: header,
        } = c.site
        else {
            continue;
        };
        if let Change::PropertyAdded {
            name,
            required: true,
            schema,
        } = &c.change
        {
            if !schema.flag("readOnly") && !c.under_not {
                c.report(
                    sink,
                    format!(
                        "added the required property '{}' to the request header '{header}'",
                        c.property(name)
                    ),
                );
            }
        }
    }
}

/// `the response header 'X-Rate-Limit'`.
fn header(c: &SchemaChange) -> String {
    format!("the response header '{}'", header_name(c))
}

/// A response header's type/format change, judged as text (a header value is text on the
/// wire, never strongly typed), with the response body's verdicts.
fn header_types(ctx: &Ctx, sink: &mut Sink, edit: TypeEdit) {
    type_rule(sink, header_changes(ctx), |_| false, header, edit);
}
