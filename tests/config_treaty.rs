//! treaty.toml: the same settings as buf.yaml, strict about unknown keys.

use treaty::config::{parse_config, BreakingConfig, Config, ConfigSource, LintConfig, ProtoRoot};

fn toml(text: &str) -> Config {
    parse_config("treaty.toml", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    match parse_config("treaty.toml", text.as_bytes()) {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e.to_string(),
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn full_file() {
    let c = toml(
        r#"
[proto]
roots = ["proto", "vendor/"]
exclude = ["proto/google/protobuf", "./vendor/x"]

[breaking]
use = ["FILE"]
except = ["buf:FIELD_SAME_JSON_NAME"]
ignore = ["proto/legacy"]
ignore_unstable_packages = true

[breaking.ignore_only]
"buf:FIELD_SAME_TYPE" = ["proto/legacy", "proto/old.proto"]

[lint]
use = ["STANDARD"]
except = ["proto/enum-zero-value-suffix"]
service_suffix = "API"
allow_comment_ignores = false

[lint.ignore_only]
"buf:PACKAGE_VERSION_SUFFIX" = ["proto/x"]

[openapi]
paths = ["api/**/*.yaml", "./openapi.json"]
"#,
    );
    assert_eq!(c.source, ConfigSource::Treaty("treaty.toml".into()));
    let mut proto = ProtoRoot::new("proto");
    proto.excludes = strings(&["proto/google/protobuf"]);
    let mut vendor = ProtoRoot::new("vendor");
    vendor.excludes = strings(&["vendor/x"]);
    assert_eq!(c.roots, vec![proto, vendor]);
    assert_eq!(
        c.breaking,
        BreakingConfig {
            use_ids: strings(&["FILE"]),
            except: strings(&["buf:FIELD_SAME_JSON_NAME"]),
            ignore: strings(&["proto/legacy"]),
            ignore_only: vec![(
                "buf:FIELD_SAME_TYPE".to_string(),
                strings(&["proto/legacy", "proto/old.proto"])
            )],
            ignore_unstable_packages: true,
        }
    );
    assert_eq!(c.lint.except, strings(&["proto/enum-zero-value-suffix"]));
    assert_eq!(c.lint.service_suffix, "API");
    assert_eq!(c.lint.enum_zero_value_suffix, "_UNSPECIFIED");
    assert!(!c.lint.allow_comment_ignores);
    assert_eq!(c.lint.ignore_only[0].1, strings(&["proto/x"]));
    assert_eq!(c.openapi_paths, strings(&["api/**/*.yaml", "openapi.json"]));
}

#[test]
fn empty_file_is_defaults() {
    let c = toml("");
    assert_eq!(c.roots, vec![ProtoRoot::new(".")]);
    // No `use`: treaty's default selection, which an empty list stands for.
    assert!(c.breaking.use_ids.is_empty());
    assert_eq!(
        c.breaking,
        BreakingConfig {
            use_ids: vec![],
            ..BreakingConfig::default()
        }
    );
    // The same for lint: treaty's default (buf's STANDARD plus the guide's rules).
    assert_eq!(
        c.lint,
        LintConfig {
            use_ids: vec![],
            ..LintConfig::default()
        }
    );
    assert!(c.openapi_paths.is_empty());
}

#[test]
fn unknown_keys_are_errors_naming_the_key() {
    let e = err("[breaking]\nuse = [\"FILE\"]\nexcpet = [\"X\"]\n");
    assert!(e.starts_with("treaty.toml:3:1: "), "{e}");
    assert!(e.contains("excpet"), "{e}");
    let e = err("[protos]\nroots = []\n");
    assert!(e.starts_with("treaty.toml:1:"), "{e}");
    assert!(e.contains("protos"), "{e}");
    let e = err("[lint]\nignore_unstable_packages = true\n");
    assert!(e.contains("ignore_unstable_packages"), "{e}");
}

#[test]
fn bad_values_have_lines() {
    let e = err("[proto]\nroots = [\"proto\"]\nexclude = [\"other/x\"]\n");
    assert_eq!(
        e,
        "treaty.toml:3:12: exclude \"other/x\" is not a directory inside any of `proto.roots`"
    );
    let e = err("[breaking]\nignore = [\"../outside\"]\n");
    assert!(
        e.starts_with("treaty.toml:2:11: path \"../outside\" points outside"),
        "{e}"
    );
    let e = err("[openapi]\npaths = [\"api/[.yaml\"]\n");
    assert!(e.starts_with("treaty.toml:2:10: invalid glob"), "{e}");
    let e = err("[breaking]\nuse = \"FILE\"\n");
    assert!(e.starts_with("treaty.toml:2:7: "), "{e}");
    let e = err("[breaking\n");
    assert!(e.starts_with("treaty.toml:1:"), "{e}");
}

#[test]
fn garbage_never_panics() {
    let seeds = [
        "[proto]\nroots = [\"a\"]\n",
        "version: v2\nmodules:\n  - path: a\n",
    ];
    for (name, seed) in [("treaty.toml", seeds[0]), ("buf.yaml", seeds[1])] {
        for i in 0..=seed.len() {
            let _ = parse_config(name, &seed.as_bytes()[..i]);
        }
        for b in 0u8..=255 {
            let mut bytes = seed.as_bytes().to_vec();
            bytes.insert(bytes.len() / 2, b);
            let _ = parse_config(name, &bytes);
        }
    }
}

/// The configuration examples users copy from (the README, the module doc of
/// `src/config/treaty.rs`) load as written.
#[test]
fn documented_examples_load() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let section = &readme[readme.find("## Configuration").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let c = toml(example);
    assert_eq!(c.deprecation.stable_days, 180);
    assert_eq!(c.overrides[0].paths, strings(&["legacy/**"]));

    let module = std::fs::read_to_string(format!("{root}/src/config/treaty.rs")).unwrap();
    let doc: String = module
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
        .collect();
    let start = doc.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &doc[start..start + doc[start..].find("```").unwrap()];
    let c = toml(example);
    assert_eq!(c.severity.len(), 2);
}
