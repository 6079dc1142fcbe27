//! OpenAPI through the binary: specs found by content next to protobuf files, one report for
//! both, git revisions and the index, exit codes for broken specs and escaping references.

mod common;
use common::{git, stderr, stdout, treaty, write};

use std::path::Path;
use std::process::{Command, Output};

const SPEC_V1: &str = r#"openapi: 3.0.3
info: {title: Pets, version: 1.0.0}
paths:
  /v1/pets:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
        - {name: status, in: query, schema: {type: string}}
      responses:
        "200":
          description: Pets.
          content:
            application/json:
              schema: {$ref: 'schemas/pet.yaml#/PetList'}
  /v1/pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: string}}
    get:
      responses:
        "200": {description: The pet.}
    delete:
      responses:
        "204": {description: Deleted.}
"#;

const PET_V1: &str = "PetList:\n  type: array\n  items:\n    type: object\n    properties:\n      name: {type: string}\n";

const PROTO_V1: &str =
    "syntax = \"proto3\";\npackage shop.v1;\nmessage Cart {\n  string id = 1;\n  string note = 2;\n}\n";

/// A repository with a proto file and an OpenAPI spec (plus a referenced schema file and
/// unrelated YAML), tagged `v1`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "proto/shop/v1/cart.proto", PROTO_V1);
    write(d, "api/openapi.yaml", SPEC_V1);
    write(d, "api/schemas/pet.yaml", PET_V1);
    write(
        d,
        ".github/workflows/ci.yml",
        "on: push\njobs: {build: {runs-on: ubuntu-latest}}\n",
    );
    write(
        d,
        "deploy/values.yaml",
        "image: {tag: '1.0'}\ndocs:\n  openapi: [not, a, spec\n",
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    git(d, &["tag", "v1"]);
    dir
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

/// `(rule, operation, line)` of each finding.
fn summary(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["operation"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn one_report_for_proto_and_openapi() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "proto/shop/v1/cart.proto",
        "syntax = \"proto3\";\npackage shop.v1;\nmessage Cart {\n  string id = 1;\n}\n",
    );
    let spec = SPEC_V1
        .replace(
            "    delete:\n      responses:\n        \"204\": {description: Deleted.}\n",
            "",
        )
        .replace(
            "        - {name: status, in: query, schema: {type: string}}\n",
            "",
        );
    write(d, "api/openapi.yaml", &spec);
    let out = treaty(d, &["breaking", "--against", "v1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let found = summary(&v);
    assert!(
        found.contains(&(
            "openapi/api-removed-without-deprecation".into(),
            "DELETE /v1/pets/{petId}".into(),
            14
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "openapi/request-parameter-removed".into(),
            "GET /v1/pets".into(),
            6
        )),
        "{found:?}"
    );
    let protocols: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["protocol"].as_str().unwrap())
        .collect();
    assert!(
        protocols.contains(&"proto") && protocols.contains(&"openapi"),
        "{protocols:?}"
    );
    // The removed operation's old line is the related location.
    let removed = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "openapi/api-removed-without-deprecation")
        .unwrap();
    assert_eq!(removed["related"]["line"], 21);
    assert_eq!(removed["file"], "api/openapi.yaml");
}

#[test]
fn a_change_in_a_referenced_file_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(
        d,
        "api/openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: Pets, version: 1.0.0}\npaths:\n  /v1/pets/{petId}: {$ref: 'paths/pet.yaml'}\n",
    );
    let pet = "parameters:\n  - {name: petId, in: path, required: true, schema: {type: string}}\nget:\n  responses: {'200': {description: The pet.}}\ndelete:\n  responses: {'204': {description: Deleted.}}\n";
    write(d, "api/paths/pet.yaml", pet);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    // The spec file is unchanged; only the path item it references lost an operation.
    write(
        d,
        "api/paths/pet.yaml",
        &pet.replace(
            "delete:\n  responses: {'204': {description: Deleted.}}\n",
            "",
        ),
    );
    git(d, &["commit", "-qam", "v2"]);
    let out = treaty(
        d,
        &[
            "breaking",
            "--against",
            "HEAD~1",
            "--head",
            "HEAD",
            "--format",
            "concise",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "api/openapi.yaml:4:3: error[openapi/api-removed-without-deprecation] DELETE /v1/pets/{petId}: api removed without deprecation (previously at api/paths/pet.yaml:5:1)\n"
    );
    let out = treaty(d, &["breaking", "--against", "HEAD", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn staged_spec_changes_are_found() {
    let dir = repo();
    let d = dir.path();
    let spec = SPEC_V1.replace(
        "        - {name: limit, in: query, schema: {type: integer, maximum: 100}}\n",
        "        - {name: limit, in: query, schema: {type: integer, maximum: 100}}\n        - {name: species, in: query, required: true, schema: {type: string}}\n",
    );
    write(d, "api/openapi.yaml", &spec);
    git(d, &["add", "api/openapi.yaml"]);
    let out = treaty(d, &["breaking", "--staged", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "api/openapi.yaml:8:18: error[openapi/new-required-request-parameter] GET /v1/pets: added the new required 'query' request parameter 'species' (previously at api/openapi.yaml:5:5)\n"
    );
}

#[test]
fn swagger_2_is_exit_2_naming_the_file() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "legacy/swagger.json",
        "{\n  \"swagger\": \"2.0\",\n  \"paths\": {}\n}\n",
    );
    let out = treaty(d, &["breaking", "--against", "v1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("Swagger 2.0 is not supported"), "{err}");
    assert!(err.contains("legacy/swagger.json:2:3"), "{err}");
}

#[test]
fn openapi_paths_in_treaty_toml_leave_other_specs_out() {
    let dir = repo();
    let d = dir.path();
    write(d, "legacy/swagger.json", "{\"swagger\": \"2.0\"}\n");
    write(d, "treaty.toml", "[openapi]\npaths = [\"api/*.yaml\"]\n");
    let out = treaty(d, &["breaking", "--against", "v1"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_ref_leaving_the_repository_is_exit_2_at_its_line() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "api/openapi.yaml",
        &SPEC_V1.replace(
            "'schemas/pet.yaml#/PetList'",
            "'../../outside.yaml#/PetList'",
        ),
    );
    let out = treaty(d, &["breaking", "--against", "v1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("leaves the repository"), "{err}");
    assert!(err.contains("api/openapi.yaml:14:30"), "{err}");
}

#[test]
fn a_url_ref_is_exit_2() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "api/openapi.yaml",
        &SPEC_V1.replace(
            "'schemas/pet.yaml#/PetList'",
            "'https://example.com/pet.yaml#/PetList'",
        ),
    );
    let out = treaty(d, &["breaking", "--against", "v1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is a URL: treaty never reads the network"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn two_spec_files_with_different_names_are_compared() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "old.yaml",
        SPEC_V1
            .replace("{$ref: 'schemas/pet.yaml#/PetList'}", "{type: array}")
            .as_str(),
    );
    let new = SPEC_V1
        .replace("{$ref: 'schemas/pet.yaml#/PetList'}", "{type: array}")
        .replace("  /v1/pets/{petId}:", "  /v1/pets/{id}:")
        .replace("{name: petId, in: path", "{name: id, in: path")
        .replace(
            "    delete:\n      responses:\n        \"204\": {description: Deleted.}\n",
            "",
        );
    write(d, "new.json", &new);
    let out = treaty(d, &["diff", "old.yaml", "new.json", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The renamed path parameter is the same path: only DELETE went.
    assert_eq!(
        stdout(&out),
        "new.json:15:3: error[openapi/api-removed-without-deprecation] DELETE /v1/pets/{petId}: api removed without deprecation (previously at old.yaml:21:5)\n"
    );
}

#[test]
fn aliases_select_and_explain_rules() {
    let dir = repo();
    let d = dir.path();
    let spec = SPEC_V1
        .replace(
            "    delete:\n      responses:\n        \"204\": {description: Deleted.}\n",
            "",
        )
        .replace(
            "        - {name: status, in: query, schema: {type: string}}\n",
            "",
        );
    write(d, "api/openapi.yaml", &spec);
    let out = treaty(
        d,
        &[
            "breaking",
            "--against",
            "v1",
            "--only",
            "oasdiff:request-parameter-removed",
            "--format",
            "json",
        ],
    );
    // A warning alone does not fail the run by default...
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rules: Vec<String> = summary(&json(&out))
        .into_iter()
        .map(|(r, _, _)| r)
        .collect();
    assert_eq!(rules, ["openapi/request-parameter-removed"]);
    // ...but does with --fail-on warning.
    let out = treaty(
        d,
        &[
            "breaking",
            "--against",
            "v1",
            "--only",
            "oasdiff:request-parameter-removed",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = treaty(d, &["explain", "oasdiff:api-removed-without-deprecation"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("openapi/api-removed-without-deprecation"));
}

#[test]
fn human_output_shows_the_operation_and_both_lines() {
    let dir = repo();
    let d = dir.path();
    let spec = SPEC_V1.replace(
        "    delete:\n      responses:\n        \"204\": {description: Deleted.}\n",
        "",
    );
    write(d, "api/openapi.yaml", &spec);
    let out = treaty(d, &["breaking", "--against", "v1", "--only", "openapi"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("DELETE /v1/pets/{petId}: api removed without deprecation"),
        "{text}"
    );
    assert!(text.contains("[api/openapi.yaml:15:3]"), "{text}");
    assert!(text.contains("[api/openapi.yaml:21:5]"), "{text}");
}

#[test]
fn human_output_folds_info_findings_unless_fail_on_info() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spec = |extra: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /v1/pets:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                name: {{type: string}}\n{extra}      responses:\n        \"201\": {{description: Created.}}\n"
        )
    };
    write(d, "old/openapi.yaml", &spec(""));
    write(
        d,
        "new/openapi.yaml",
        &spec("                tag: {type: string}\n"),
    );
    // A new optional request property breaks nobody: an info finding.
    let out = treaty(d, &["diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("1 info finding not shown"), "{text}");
    assert!(!text.contains("new-optional-request-property"), "{text}");
    let out = treaty(d, &["diff", "old", "new", "--fail-on", "info"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("openapi/new-optional-request-property"),
        "{}",
        stdout(&out)
    );
    // Machine formats always list it.
    let out = treaty(d, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(json(&out)["findings"][0]["severity"], "info");
}

#[test]
fn treaty_today_decides_whether_a_sunset_has_passed() {
    // The fixture deprecates the response property 'tag' with `x-sunset: "2031-01-01"`.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/openapi/response-property-deprecated-with-sunset");
    let diff = |today: &str| {
        Command::new(env!("CARGO_BIN_EXE_treaty"))
            .args(["diff", "old", "new", "--format", "json", "--fail-on", "never"])
            .arg("--only")
            .arg("openapi/response-property-deprecated-with-sunset,openapi/response-property-sunset-date-too-small")
            .current_dir(&fixture)
            .env("TREATY_TODAY", today)
            .output()
            .expect("treaty runs")
    };
    let rules = |today: &str| -> Vec<String> {
        let out = diff(today);
        assert_eq!(out.status.code(), Some(0), "{today}: {}", stderr(&out));
        summary(&json(&out))
            .into_iter()
            .map(|(rule, _, _)| rule)
            .collect()
    };
    // Up to the sunset day itself, the deprecation is listed with its date.
    for today in ["2026-12-06", "2030-12-31", "2031-01-01"] {
        assert_eq!(
            rules(today),
            ["openapi/response-property-deprecated-with-sunset"],
            "{today}"
        );
    }
    // From the day after, the date has passed: it is too small rather than listed.
    assert_eq!(
        rules("2031-01-02"),
        ["openapi/response-property-sunset-date-too-small"]
    );
    // A value that is not a date is an input error, not the system clock.
    for bad in ["2031-02-30", "tomorrow", "2031-01-02T00:00:00Z"] {
        let out = diff(bad);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains("TREATY_TODAY must be a date, YYYY-MM-DD"),
            "{err}"
        );
    }
}

/// A spec whose 400 response has the error envelope, its `code` of type `code_type`.
fn error_spec(code_type: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /v1/pets:\n    get:\n      responses:\n        '200': {{description: ok}}\n        '400':\n          description: bad\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  error:\n                    type: object\n                    required: [code, message]\n                    properties:\n                      code: {{type: {code_type}}}\n                      message: {{type: string}}\n"
    )
}

#[test]
fn an_error_code_narrowed_from_number_to_integer_is_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.yaml", &error_spec("number"));
    write(dir.path(), "new.yaml", &error_spec("integer"));
    let out = treaty(
        dir.path(),
        &["diff", "old.yaml", "new.yaml", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("error-shape-drift"),
        "{}",
        stdout(&out)
    );
    // Widened the other way, clients may read a fraction where they expect an integer.
    let out = treaty(
        dir.path(),
        &["diff", "new.yaml", "old.yaml", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("error-shape-drift"),
        "{}",
        stdout(&out)
    );
}
