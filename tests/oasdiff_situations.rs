//! Situations oasdiff's own tests cover, each built as a small old/new spec pair and compared
//! through the binary (`treaty diff old.yaml new.yaml --format json`): one test per situation,
//! asserting the rule and the message a user reads, so treaty's coverage of them cannot drift
//! back unnoticed.

use std::path::Path;
use std::process::Command;

/// One finding as a user reads it: the rule id and the message.
#[derive(Debug, PartialEq)]
struct Finding {
    rule: String,
    message: String,
    operation: Option<String>,
}

/// Compares `old` with `new` through the binary and returns every finding, in the report's
/// order. Today is pinned so sunset dates do not depend on the day the tests run.
fn diff(old: &str, new: &str) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.yaml", old);
    write(dir.path(), "new.yaml", new);
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["diff", "old.yaml", "new.yaml", "--format", "json"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("TREATY_TODAY", "2026-01-01")
        .output()
        .expect("treaty runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Finding {
            rule: f["rule"].as_str().unwrap().to_owned(),
            message: f["message"].as_str().unwrap().to_owned(),
            operation: f["operation"].as_str().map(str::to_owned),
        })
        .collect()
}

fn write(dir: &Path, rel: &str, text: &str) {
    std::fs::write(dir.join(rel), text).unwrap();
}

/// The messages of `rule` among `findings`.
fn messages<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a str> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.as_str())
        .collect()
}

/// A 3.1 spec whose one operation, `GET /things`, answers 200 with `schema` (YAML indented for
/// the schema's place).
fn with_response_schema(schema: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /things:\n    get:\n      \
         responses:\n        '200':\n          description: OK\n          content:\n            \
         application/json:\n              schema:\n{schema}"
    )
}

// 1. Bounds on the response body schema itself, whatever its declared type.
#[test]
fn response_body_bounds_compared_whatever_the_type() {
    let old = with_response_schema(
        "                type: object\n                minimum: 10\n                \
         exclusiveMaximum: 100\n                minItems: 3\n",
    );
    let new = with_response_schema(
        "                type: object\n                minimum: 5\n                \
         exclusiveMaximum: 200\n                minItems: 1\n",
    );
    let found = diff(&old, &new);
    assert_eq!(
        messages(&found, "openapi/response-body-min-decreased"),
        ["the minimum of the response body was decreased from 10 to 5 (status '200')"]
    );
    assert_eq!(
        messages(&found, "openapi/response-body-exclusive-max-increased"),
        ["the exclusiveMaximum of the response body was increased from 100 to 200 (status '200')"]
    );
    assert_eq!(
        messages(&found, "openapi/response-body-min-items-decreased"),
        ["the minItems of the response body was decreased from 3 to 1 (status '200')"]
    );
    assert_eq!(found[0].operation.as_deref(), Some("GET /things"));
}

// 1, the other side: a bound dropped along with the type it constrains is the type change's
// story, not a bound's.
#[test]
fn response_body_bound_dropped_with_its_type_is_the_type_change() {
    let old = with_response_schema("                type: integer\n                maximum: 9\n");
    let new = with_response_schema("                type: object\n");
    let found = diff(&old, &new);
    assert!(
        messages(&found, "openapi/response-body-max-increased").is_empty(),
        "{found:?}"
    );
    assert_eq!(
        messages(&found, "openapi/response-body-type-changed").len(),
        1,
        "{found:?}"
    );
}

/// A 3.0 spec whose `POST /nodes` takes a recursive `Node` (a name and child nodes) whose `name`
/// is `name`, and `data` nesting one more level.
fn recursive_request(name: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /nodes:
    post:
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Node'}}
      responses:
        '204': {{description: Created.}}
components:
  schemas:
    Node:
      type: object
      properties:
        data:
          type: object
          properties:
            name: {name}
        children:
          type: array
          items: {{$ref: '#/components/schemas/Node'}}
"
    )
}

// 2. A pattern added to a property of a nested, recursive request schema: reported once, with
// the property's path.
#[test]
fn request_pattern_added_in_nested_recursive_schema() {
    let found = diff(
        &recursive_request("{type: string}"),
        &recursive_request("{type: string, pattern: '^[a-z]+$'}"),
    );
    assert_eq!(
        messages(&found, "openapi/request-property-pattern-added"),
        ["added the pattern '^[a-z]+$' to the request property 'data/name'"]
    );
    assert_eq!(found[0].operation.as_deref(), Some("POST /nodes"));
}

// 2. A pattern changed there.
#[test]
fn request_pattern_changed_in_nested_recursive_schema() {
    let found = diff(
        &recursive_request("{type: string, pattern: '^[a-z]*$'}"),
        &recursive_request("{type: string, pattern: '.+'}"),
    );
    assert_eq!(
        messages(&found, "openapi/request-property-pattern-changed"),
        ["changed the pattern of the request property 'data/name' from '^[a-z]*$' to '.+': values the old pattern matched may now be rejected"]
    );
}

// 2. The deliberate difference: oasdiff's own test adds the pattern to a `readOnly` property,
// which clients do not send; treaty reports nothing for requests there.
#[test]
fn request_pattern_added_to_read_only_property_is_not_reported() {
    let found = diff(
        &recursive_request("{type: string, readOnly: true}"),
        &recursive_request("{type: string, readOnly: true, pattern: '^[a-z]+$'}"),
    );
    assert!(
        messages(&found, "openapi/request-property-pattern-added").is_empty(),
        "{found:?}"
    );
}

/// A 3.0 spec whose `GET /items` is deprecated with `x-sunset: {sunset}` and whose `q` query
/// parameter is deprecated with `x-sunset: {param_sunset}`; an empty value leaves the
/// extension (and deprecation) out.
fn deprecated_with(sunset: &str, param_sunset: &str) -> String {
    let op = if sunset.is_empty() {
        String::new()
    } else {
        format!("      deprecated: true\n      x-sunset: {sunset}\n")
    };
    let param = if param_sunset.is_empty() {
        String::new()
    } else {
        format!(", deprecated: true, x-sunset: {param_sunset}")
    };
    format!(
        "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /items:
    get:
{op}      parameters:
        - {{name: q, in: query, schema: {{type: string}}{param}}}
      responses:
        '200': {{description: OK}}
"
    )
}

// 3. A deprecated endpoint's sunset changed to something unreadable.
#[test]
fn endpoint_sunset_becomes_unparseable() {
    let found = diff(
        &deprecated_with("'2031-06-01'", ""),
        &deprecated_with("invalid-date", ""),
    );
    assert_eq!(
        messages(&found, "openapi/api-deprecated-sunset-parse"),
        ["failed to parse the sunset date 'invalid-date': write a date such as 2027-01-31 or an RFC 3339 timestamp"]
    );
}

// 3. ... and back: the new date cannot be compared with an unreadable one.
#[test]
fn endpoint_sunset_stops_being_unparseable() {
    let found = diff(
        &deprecated_with("invalid-date", ""),
        &deprecated_with("'2031-06-01'", ""),
    );
    assert_eq!(
        messages(&found, "openapi/api-deprecated-sunset-parse"),
        ["failed to parse the previous sunset date 'invalid-date': cannot tell whether the new sunset date '2031-06-01' moved it earlier"]
    );
    // An unreadable date left as it was is not news.
    let same = deprecated_with("invalid-date", "");
    assert!(diff(&same, &same).is_empty());
}

// 3. A parameter newly deprecated with an unreadable sunset.
#[test]
fn parameter_deprecated_with_unparseable_sunset() {
    let found = diff(
        &deprecated_with("", ""),
        &deprecated_with("", "invalid-date"),
    );
    assert_eq!(
        messages(&found, "openapi/request-parameter-sunset-parse"),
        ["failed to parse sunset date for the 'query' request parameter 'q': 'sunset date doesn't conform with RFC3339: invalid-date'"]
    );
}

// 3. A deprecated parameter's sunset changed to something unreadable.
#[test]
fn parameter_sunset_becomes_unparseable() {
    let found = diff(
        &deprecated_with("", "'2031-06-01'"),
        &deprecated_with("", "invalid-date"),
    );
    assert_eq!(
        messages(&found, "openapi/request-parameter-sunset-parse"),
        ["failed to parse sunset date for the 'query' request parameter 'q': 'sunset date doesn't conform with RFC3339: invalid-date'"]
    );
}

// 3. ... and back.
#[test]
fn parameter_sunset_stops_being_unparseable() {
    let found = diff(
        &deprecated_with("", "invalid-date"),
        &deprecated_with("", "'2031-06-01'"),
    );
    assert_eq!(
        messages(&found, "openapi/request-parameter-sunset-parse"),
        ["failed to parse the previous sunset date for the 'query' request parameter 'q' ('sunset date doesn't conform with RFC3339: invalid-date'): cannot tell whether the new sunset date '2031-06-01' moved it earlier"]
    );
    let same = deprecated_with("", "invalid-date");
    assert!(diff(&same, &same).is_empty());
}

/// A 3.0 spec with one operation, `GET /items`, whose object is `op` (YAML flow entries).
fn one_operation(op: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /items:\n    get: {{{op}responses: {{'200': {{description: OK}}}}}}\n"
    )
}

// 4. An unreadable `x-stability-level` in the base revision, replaced by a readable one: the
// stability change cannot be judged.
#[test]
fn invalid_stability_level_in_base_revision() {
    let found = diff(
        &one_operation("x-stability-level: ga, "),
        &one_operation("x-stability-level: alpha, "),
    );
    assert_eq!(
        messages(&found, "openapi/api-invalid-stability-level"),
        ["failed to parse the previous stability level: 'ga' is not one of draft, alpha, beta, stable; cannot tell whether the new level 'alpha' lowered it"]
    );
    assert_eq!(found[0].operation.as_deref(), Some("GET /items"));
}

// 5. An operationId changed to another value: the old one is reported removed, naming both.
#[test]
fn operation_id_changed() {
    let found = diff(
        &one_operation("operationId: listItems, "),
        &one_operation("operationId: getItems, "),
    );
    assert_eq!(
        messages(&found, "openapi/api-operation-id-removed"),
        ["removed the operation id 'listItems' and replaced it with 'getItems'"]
    );
    assert!(messages(&found, "openapi/api-operation-id-added").is_empty());
}

/// A 3.0 spec whose `GET /pets` answers a `Fox` object whose `breed` is a `oneOf` of the
/// given alternatives (YAML flow sequence items).
fn fox_breed(alternatives: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /pets:
    get:
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  breed: {{oneOf: [{alternatives}]}}
"
    )
}

const BROWN: &str = "{title: Brown, type: string, enum: [BROWN_1, BROWN_2]}";
const DARK: &str = "{title: Dark brown, type: string, enum: [DARK_1, DARK_2]}";

// 6. A oneOf alternative of the same type added inside a response property (the list of types
// stays `string`, so this is a branch, not a list-of-types change).
#[test]
fn response_property_one_of_alternative_added() {
    let found = diff(&fox_breed(BROWN), &fox_breed(&format!("{BROWN}, {DARK}")));
    assert_eq!(
        messages(&found, "openapi/response-property-one-of-added"),
        ["added 'subschema #2: Dark brown' to the oneOf of the response property 'breed' for the status 200"]
    );
}

// 6. ... and removed.
#[test]
fn response_property_one_of_alternative_removed() {
    let found = diff(&fox_breed(&format!("{BROWN}, {DARK}")), &fox_breed(BROWN));
    assert_eq!(
        messages(&found, "openapi/response-property-one-of-removed"),
        ["removed 'subschema #2: Dark brown' from the oneOf of the response property 'breed' for the status 200"]
    );
}

// 6. An inline alternative changed while a referenced one is added next to it: the inline one
// is the same alternative, modified (not removed and added).
#[test]
fn response_property_any_of_alternative_changed_next_to_an_added_one() {
    let with = |alternatives: &str| {
        format!(
            "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /pets:
    get:
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  tag: {{anyOf: [{alternatives}]}}
components:
  schemas:
    Code: {{type: integer}}
    Label: {{type: object, properties: {{text: {{type: string}}}}}}
"
        )
    };
    let found = diff(
        &with("$ref: '#/components/schemas/Label', {type: string}"),
        &with("$ref: '#/components/schemas/Label', $ref: '#/components/schemas/Code', {type: boolean}"),
    );
    assert_eq!(
        messages(&found, "openapi/response-property-any-of-added"),
        ["added '#/components/schemas/Code' to the anyOf of the response property 'tag' for the status 200"]
    );
    assert_eq!(
        messages(&found, "openapi/response-property-type-changed"),
        ["the response property 'tag/anyOf[subschema #2 -> subschema #3]' type changed from 'string' to 'boolean' for the status 200"]
    );
    assert!(
        messages(&found, "openapi/response-property-any-of-removed").is_empty(),
        "{found:?}"
    );
}

/// A 3.0 spec with `GET /groups/{<path_param>}` (and `POST` too when `with_post`), whose
/// optional `category` query parameter defaults to `default`.
fn groups(path_param: &str, default: &str, with_post: bool) -> String {
    let post = if with_post {
        "    post:\n      responses:\n        '201': {description: Created.}\n"
    } else {
        ""
    };
    format!(
        "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /groups/{{{path_param}}}:
    parameters:
      - {{name: {path_param}, in: path, required: true, schema: {{type: string}}}}
    get:
      parameters:
        - {{name: category, in: query, schema: {{type: string, default: {default}}}}}
      responses:
        '200': {{description: OK}}
{post}"
    )
}

// 7. A path parameter renamed in the same change as a new method: the path is the same, so the
// one new operation is added and nothing is removed.
#[test]
fn endpoint_added_next_to_a_renamed_path_parameter() {
    let found = diff(
        &groups("group_id", "all", false),
        &groups("groupId", "all", true),
    );
    let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["openapi/endpoint-added"], "{found:?}");
    assert_eq!(found[0].message, "endpoint added");
    assert_eq!(
        found[0].operation.as_deref(),
        Some("POST /groups/{groupId}")
    );
}

// 7. A default changed on the operation whose path parameter was renamed: reported once, on
// the same operation.
#[test]
fn default_value_changed_next_to_a_renamed_path_parameter() {
    let found = diff(
        &groups("group_id", "all", false),
        &groups("groupId", "active", false),
    );
    let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["openapi/request-parameter-default-value-changed"],
        "{found:?}"
    );
    assert_eq!(
        found[0].message,
        "for the 'query' request parameter 'category', the default value was changed from 'all' to 'active'"
    );
    assert_eq!(found[0].operation.as_deref(), Some("GET /groups/{groupId}"));
}

/// A 3.0 spec whose `POST /groups` answers an object with `data`, itself an object whose
/// `name` property is `name` and whose `required` list is `required`.
fn group_view(name: &str, required: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /groups:
    post:
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    required: [{required}]
                    properties:
                      id: {{type: string}}
                      name: {name}
"
    )
}

// 8. A property write-only in the base that loses `required` (and `writeOnly`) in the same
// change: clients never read it, so it is the write-only rule (info), not the error.
#[test]
fn write_only_in_base_became_optional() {
    let found = diff(
        &group_view("{type: string, writeOnly: true}", "id, name"),
        &group_view("{type: string}", "id"),
    );
    assert_eq!(
        messages(
            &found,
            "openapi/response-write-only-property-became-optional"
        ),
        ["the response write-only property 'data/name' became optional for the status 200"]
    );
    assert!(
        messages(&found, "openapi/response-property-became-optional").is_empty(),
        "{found:?}"
    );
}

// 8. ... and the other way: required now, write-only before.
#[test]
fn write_only_in_base_became_required() {
    let found = diff(
        &group_view("{type: string, writeOnly: true}", "id"),
        &group_view("{type: string}", "id, name"),
    );
    assert_eq!(
        messages(
            &found,
            "openapi/response-write-only-property-became-required"
        ),
        ["the response write-only property 'data/name' became required for the status 200"]
    );
    assert!(
        messages(&found, "openapi/response-property-became-required").is_empty(),
        "{found:?}"
    );
}

// 8. A write-only property removed from the response: info, whether it was optional or
// required.
#[test]
fn write_only_in_base_removed() {
    let gone = "{type: string, writeOnly: true}";
    let without = group_view("{type: string}", "id")
        .replace("                      name: {type: string}\n", "");
    let found = diff(&group_view(gone, "id"), &without);
    assert_eq!(
        messages(
            &found,
            "openapi/response-optional-write-only-property-removed"
        ),
        ["removed the optional write-only property 'data/name' from the 200 response"]
    );
    let found = diff(&group_view(gone, "id, name"), &without);
    assert_eq!(
        messages(
            &found,
            "openapi/response-required-write-only-property-removed"
        ),
        ["removed the required write-only property 'data/name' from the 200 response"]
    );
    assert!(
        found
            .iter()
            .all(|f| f.rule != "openapi/response-required-property-removed"),
        "{found:?}"
    );
}

/// A 3.1 spec whose `GET /items` takes an optional `token` query parameter of `schema`.
fn token_param(schema: &str) -> String {
    format!(
        "openapi: 3.1.0
info: {{title: T, version: '1'}}
paths:
  /items:
    get:
      parameters:
        - {{name: token, in: query, schema: {schema}}}
      responses:
        '200': {{description: OK}}
"
    )
}

// 9. A parameter's single type becoming a 3.1 list of types: one finding.
#[test]
fn parameter_single_type_to_type_array_is_one_finding() {
    let found = diff(
        &token_param("{type: string}"),
        &token_param("{type: [string, integer]}"),
    );
    let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["openapi/request-parameter-type-generalized"],
        "{found:?}"
    );
    assert_eq!(
        found[0].message,
        "for the 'query' request parameter 'token', the type was generalized from 'string' to 'string, integer'"
    );
}

// 9. ... and into a `oneOf` of types, dropping the old format: the list of types widened,
// without a second finding for the format of the alternative the old type became.
#[test]
fn parameter_single_type_to_one_of_types_is_one_finding() {
    let found = diff(
        &token_param("{type: string, format: uuid}"),
        &token_param("{oneOf: [{type: string}, {type: integer}]}"),
    );
    let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["openapi/request-parameter-list-of-types-widened"],
        "{found:?}"
    );
    assert_eq!(
        found[0].message,
        "the types accepted by the 'query' request parameter 'token' were widened by adding integer"
    );
}
