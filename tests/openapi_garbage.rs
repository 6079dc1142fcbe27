//! Hostile and malformed specs: the comparison ends, without panicking, whatever the input.

use treaty::openapi::breaking::Ctx;
use treaty::openapi::load::{load, no_fetch, SpecFilter};
use treaty::source::Snapshot;

fn snapshot(files: &[(&str, &str)]) -> Snapshot {
    Snapshot::of_texts("t", files.iter().copied())
}

/// Every OpenAPI rule and the schema walk over `old` -> `new` (no unchanged-spec shortcut).
fn run_all(old: &str, new: &str) -> usize {
    let (o, n) = (snapshot(&[("a.yaml", old)]), snapshot(&[("a.yaml", new)]));
    let (Ok(o), Ok(n)) = (
        load(&o, &SpecFilter::default(), &no_fetch),
        load(&n, &SpecFilter::default(), &no_fetch),
    ) else {
        return 0;
    };
    let today = treaty::date::Date::from_days(20_000);
    let ctx = Ctx::new(&o, &n, &[], today);
    let mut total = ctx.schema_changes().len();
    for rule in treaty::openapi::breaking::rules() {
        let mut sink = treaty::finding::Sink::new(rule.id);
        (rule.check)(&ctx, &mut sink);
        total += sink.findings.len();
    }
    total
}

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

#[test]
fn malformed_shapes_do_not_panic() {
    let bodies = [
        "paths: []\n",
        "paths: 42\n",
        "paths:\n  /a: []\n",
        "paths:\n  /a: {get: []}\n",
        "paths:\n  /a: {get: {parameters: {a: 1}}}\n",
        "paths:\n  /a: {get: {parameters: [1, null, {name: 3, in: []}]}}\n",
        "paths:\n  /a: {get: {responses: [1, 2]}}\n",
        "paths:\n  /a: {get: {responses: {'200': 7}}}\n",
        "paths:\n  /a: {get: {requestBody: {content: []}}}\n",
        "paths:\n  /a: {get: {requestBody: {content: {a/b: {schema: 3}}}}}\n",
        "paths:\n  /a: {get: {responses: {'200': {content: {a/b: {schema: {type: 5, properties: [1], required: {x: 1}, enum: 3, items: [], allOf: {}, oneOf: 'x', minimum: x, maxLength: -3}}}}}}}}\n",
        "paths:\n  /a: {get: {responses: {'200': {headers: [1], content: {a/b: {schema: {$ref: 5}}}}}}}\n",
        "paths:\n  /a: {x-sunset: 1, get: {deprecated: yes, x-sunset: [1], x-stability-level: 3}}\n",
        "paths:\n  /{a}/{: {get: {}}\n  /{}/{}: {get: {}}\n",
        "paths: {/a: {get: {responses: {'200': {content: {a/b: {schema: {discriminator: {mapping: [1]}, prefixItems: 3, patternProperties: [], dependentSchemas: 1}}}}}}}}\n",
    ];
    for old in bodies {
        for new in bodies {
            run_all(&format!("{HEAD}{old}"), &format!("{HEAD}{new}"));
        }
    }
}

/// A chain of components each pointing at the next, far deeper than any real schema.
fn chain(n: usize, leaf: &str) -> String {
    let mut s = format!("{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json: {{schema: {{$ref: '#/components/schemas/S0'}}}}\ncomponents:\n  schemas:\n");
    for i in 0..n {
        s.push_str(&format!(
            "    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
            i + 1
        ));
    }
    s.push_str(&format!("    S{n}: {{type: {leaf}}}\n"));
    s
}

#[test]
fn very_deep_reference_chains_end() {
    run_all(&chain(5000, "string"), &chain(5000, "integer"));
}

#[test]
fn cycles_of_every_kind_end() {
    let cyclic = |t: &str| {
        format!("{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/P'\n      responses:\n        '200':\n          description: x\n          content:\n            application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}\ncomponents:\n  parameters:\n    P: {{$ref: '#/components/parameters/Q'}}\n    Q: {{$ref: '#/components/parameters/P'}}\n  schemas:\n    A: {{allOf: [{{$ref: '#/components/schemas/B'}}], properties: {{a: {{$ref: '#/components/schemas/A'}}, t: {{type: {t}}}}}}}\n    B: {{oneOf: [{{$ref: '#/components/schemas/A'}}, {{$ref: '#/components/schemas/B'}}], anyOf: [{{$ref: '#/components/schemas/C'}}]}}\n    C: {{$ref: '#/components/schemas/C'}}\n    D: {{items: {{$ref: '#/components/schemas/D'}}, additionalProperties: {{$ref: '#/components/schemas/D'}}, not: {{$ref: '#/components/schemas/D'}}}}\n")
    };
    assert!(run_all(&cyclic("string"), &cyclic("integer")) > 0);
    assert_eq!(run_all(&cyclic("string"), &cyclic("string")), 0);
}

#[test]
fn wide_compositions_stay_fast() {
    let wide = |n: usize, t: &str| {
        let mut s = format!("{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema:\n                oneOf:\n");
        for i in 0..n {
            s.push_str(&format!("                  - {{type: object, title: T{i}, properties: {{p{i}: {{type: {t}}}}}}}\n"));
        }
        s
    };
    let start = std::time::Instant::now();
    run_all(&wide(400, "string"), &wide(400, "integer"));
    assert!(start.elapsed().as_secs() < 20);
}
