//! buf.yaml v1beta1 / v1 / v2 read into treaty's Config.

use std::collections::HashMap;

use treaty::config::{
    load_config, parse_config, BreakingConfig, Config, ConfigSource, LintConfig, ProtoRoot,
};

fn buf(text: &str) -> Config {
    parse_config("buf.yaml", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    match parse_config("buf.yaml", text.as_bytes()) {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e.to_string(),
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn v1() {
    let c = buf(r#"
version: v1
name: buf.build/acme/weather
build:
  excludes: [vendor, ./third_party/]
breaking:
  use: [WIRE_JSON]
  except: [FIELD_SAME_JSON_NAME]
  ignore: [legacy, foo/bar.proto]
  ignore_only:
    FIELD_SAME_TYPE: [old]
    ENUM_VALUE_NO_DELETE: [a, b/c.proto]
  ignore_unstable_packages: true
lint:
  use: [DEFAULT, COMMENTS]
  enum_zero_value_suffix: _NONE
  allow_comment_ignores: true
"#);
    assert_eq!(c.source, ConfigSource::BufV1("buf.yaml".into()));
    assert_eq!(c.roots.len(), 1);
    assert_eq!(c.roots[0].path, ".");
    assert_eq!(c.roots[0].excludes, strings(&["vendor", "third_party"]));
    assert_eq!(
        c.breaking,
        BreakingConfig {
            use_ids: strings(&["WIRE_JSON"]),
            except: strings(&["FIELD_SAME_JSON_NAME"]),
            ignore: strings(&["legacy", "foo/bar.proto"]),
            ignore_only: vec![
                ("FIELD_SAME_TYPE".into(), strings(&["old"])),
                ("ENUM_VALUE_NO_DELETE".into(), strings(&["a", "b/c.proto"])),
            ],
            ignore_unstable_packages: true,
        }
    );
    // v1's categories become the rules they hold in v1: they differ from v2's.
    let uses = &c.lint.use_ids;
    for id in [
        "PROTOVALIDATE",
        "SYNTAX_SPECIFIED",
        "COMMENT_FIELD",
        "ENUM_FIRST_VALUE_ZERO",
    ] {
        assert!(uses.contains(&id.to_string()), "{id} in {uses:?}");
    }
    for id in [
        "DEFAULT",
        "COMMENTS",
        "PACKAGE_NO_IMPORT_CYCLE",
        "FIELD_NOT_REQUIRED",
    ] {
        assert!(!uses.contains(&id.to_string()), "{id} in {uses:?}");
    }
    assert_eq!(c.lint.enum_zero_value_suffix, "_NONE");
    assert_eq!(c.lint.service_suffix, "Service");
    assert!(c.lint.allow_comment_ignores);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn v1_defaults() {
    let c = buf("version: v1\n");
    assert_eq!(c.roots, vec![ProtoRoot::new(".")]);
    assert_eq!(c.breaking, BreakingConfig::default());
    // buf v1's default is its DEFAULT category, which leaves the import cycle rule out.
    assert!(c.lint.use_ids.contains(&"IMPORT_USED".to_string()));
    assert!(!c
        .lint
        .use_ids
        .contains(&"PACKAGE_NO_IMPORT_CYCLE".to_string()));
    // buf v1 honours `buf:lint:ignore` comments only when asked to.
    assert!(!c.lint.allow_comment_ignores);
}

#[test]
fn lint_categories_are_those_of_the_config_version() {
    let v1beta1 =
        buf("version: v1beta1\nlint:\n  except: [OTHER]\n  ignore_only:\n    STYLE_BASIC: [a]\n");
    let defaults = &v1beta1.lint.use_ids;
    assert!(defaults.contains(&"FIELD_NO_DESCRIPTOR".to_string()));
    assert!(
        !defaults.contains(&"IMPORT_USED".to_string())
            && !defaults.contains(&"ENUM_FIRST_VALUE_ZERO".to_string()),
        "v1beta1's DEFAULT has neither: {defaults:?}"
    );
    assert_eq!(v1beta1.lint.except, strings(&["ENUM_FIRST_VALUE_ZERO"]));
    let ignored: Vec<&str> = v1beta1
        .lint
        .ignore_only
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    assert!(
        ignored.contains(&"ENUM_PASCAL_CASE") && !ignored.contains(&"STYLE_BASIC"),
        "{ignored:?}"
    );
    let v2 = buf("version: v2\nlint:\n  use: [DEFAULT, MINIMAL]\n");
    assert_eq!(
        v2.lint.use_ids,
        strings(&["STANDARD", "MINIMAL"]),
        "v2's categories are the catalog's"
    );
}

#[test]
fn v1beta1_roots() {
    let c = buf(r#"
version: v1beta1
build:
  roots: [proto, vendor/proto]
  excludes: [proto/internal, vendor/proto/google/protobuf]
breaking:
  ignore: [foo/old.proto]
lint:
  ignore_only:
    PACKAGE_VERSION_SUFFIX: [foo]
"#);
    assert_eq!(c.source, ConfigSource::BufV1("buf.yaml".into()));
    let roots: Vec<(&str, Vec<String>)> = c
        .roots
        .iter()
        .map(|r| (r.path.as_str(), r.excludes.clone()))
        .collect();
    assert_eq!(
        roots,
        [
            ("proto", strings(&["proto/internal"])),
            ("vendor/proto", strings(&["vendor/proto/google/protobuf"])),
        ]
    );
    // Ignore paths are import paths: they apply under every root.
    assert_eq!(
        c.breaking.ignore,
        strings(&["proto/foo/old.proto", "vendor/proto/foo/old.proto"])
    );
    assert_eq!(
        c.lint.ignore_only,
        vec![(
            "PACKAGE_VERSION_SUFFIX".to_string(),
            strings(&["proto/foo", "vendor/proto/foo"])
        )]
    );
    assert!(
        err("version: v1beta1\nbuild:\n  roots: [a]\n  excludes: [b/c]\n")
            .starts_with("buf.yaml:4:14: exclude \"b/c\" is not inside any build root")
    );
}

#[test]
fn v1_rejects_roots() {
    let e = err("version: v1\nbuild:\n  roots: [proto]\n");
    assert!(
        e.starts_with("buf.yaml:3:10: `build.roots` is only valid in version v1beta1"),
        "{e}"
    );
}

#[test]
fn v2_with_module_override() {
    let c = buf(r#"
version: v2
modules:
  - path: proto
    excludes: [proto/google/protobuf]
  - path: ./legacy/proto
    includes: [legacy/proto/acme]
    breaking:
      use: [WIRE]
      ignore: [legacy/proto/acme/old]
    lint:
      except: [FIELD_LOWER_SNAKE_CASE]
lint:
  use: [STANDARD]
  ignore: [proto/vendor]
breaking:
  use: [FILE]
  ignore_only:
    FIELD_SAME_TYPE: [proto/acme/v1]
plugins:
  - plugin: buf-plugin-foo
"#);
    assert_eq!(c.source, ConfigSource::BufV2("buf.yaml".into()));
    assert_eq!(c.roots.len(), 2);
    let (proto, legacy) = (&c.roots[0], &c.roots[1]);
    assert_eq!(proto.path, "proto");
    assert_eq!(proto.excludes, strings(&["proto/google/protobuf"]));
    assert!(proto.breaking.is_none() && proto.lint.is_none());
    assert_eq!(legacy.path, "legacy/proto");
    assert_eq!(legacy.includes, strings(&["legacy/proto/acme"]));

    // Top level: paths are already relative to the buf.yaml directory.
    assert_eq!(c.breaking.use_ids, strings(&["FILE"]));
    assert_eq!(
        c.breaking.ignore_only,
        vec![("FIELD_SAME_TYPE".to_string(), strings(&["proto/acme/v1"]))]
    );
    assert_eq!(c.lint.ignore, strings(&["proto/vendor"]));
    assert!(c.lint.allow_comment_ignores);

    // The module's own sections replace the top level for its files.
    let legacy_breaking = legacy.breaking.as_ref().unwrap();
    assert_eq!(legacy_breaking.use_ids, strings(&["WIRE"]));
    assert_eq!(legacy_breaking.ignore, strings(&["legacy/proto/acme/old"]));
    let legacy_lint = legacy.lint.as_ref().unwrap();
    assert_eq!(legacy_lint.use_ids, strings(&["STANDARD"]));
    assert_eq!(legacy_lint.except, strings(&["FIELD_LOWER_SNAKE_CASE"]));
    assert!(legacy_lint.ignore.is_empty());

    assert_eq!(
        c.breaking_for("proto/acme/v1/a.proto").use_ids,
        strings(&["FILE"])
    );
    assert_eq!(
        c.breaking_for("legacy/proto/acme/b.proto").use_ids,
        strings(&["WIRE"])
    );
    assert_eq!(c.lint_for("legacy/proto/acme/b.proto"), legacy_lint);
    assert_eq!(c.lint_for("proto/x.proto"), &c.lint);
    // Excluded or not included: no root, so the top level applies.
    assert!(c.root_for("proto/google/protobuf/any.proto").is_none());
    assert!(c.root_for("legacy/proto/other/x.proto").is_none());

    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(
        c.warnings[0].contains("plugins are not run"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn v2_module_paths_must_stay_inside() {
    let e = err("version: v2\nmodules:\n  - path: proto\n    excludes: [other]\n");
    assert!(
        e.starts_with(
            "buf.yaml:4:16: excludes path \"other\" must be a directory inside module \"proto\""
        ),
        "{e}"
    );
    let e =
        err("version: v2\nmodules:\n  - path: proto\n    breaking:\n      ignore: [vendor/x]\n");
    assert!(
        e.starts_with("buf.yaml:5:16: path \"vendor/x\" is not inside module \"proto\""),
        "{e}"
    );
    let e = err("version: v2\nmodules:\n  - path: ../up\n");
    assert!(
        e.contains("points outside the config file's directory"),
        "{e}"
    );
}

#[test]
fn v2_without_modules_is_one_root() {
    let c = buf("version: v2\nbreaking:\n  use: [PACKAGE]\n");
    assert_eq!(c.roots, vec![ProtoRoot::new(".")]);
    assert_eq!(c.breaking.use_ids, strings(&["PACKAGE"]));
    assert_eq!(c.lint, LintConfig::default());
}

#[test]
fn unknown_version_names_file_and_line() {
    assert_eq!(
        err("# comment\nversion: v3\n"),
        "buf.yaml:2:10: unknown buf.yaml version \"v3\"; expected v1beta1, v1 or v2"
    );
    assert!(err("version: 2\n").contains("unknown buf.yaml version \"2\""));
}

#[test]
fn missing_version_is_v1beta1() {
    let c = buf("build:\n  roots: [src]\n");
    assert_eq!(c.roots[0].path, "src");
    assert!(
        c.warnings[0].contains("no `version` key"),
        "{:?}",
        c.warnings
    );
    assert_eq!(buf("").roots, vec![ProtoRoot::new(".")]);
}

#[test]
fn type_errors_have_lines() {
    assert_eq!(
        err("version: v1\nbreaking:\n  use: FILE\n"),
        "buf.yaml:3:8: `breaking.use` must be a list of strings, found a string"
    );
    assert_eq!(
        err("version: v1\nbreaking:\n  ignore_unstable_packages: maybe\n"),
        "buf.yaml:3:29: `breaking.ignore_unstable_packages` must be true or false"
    );
    assert!(err("version: v1\nlint: [x]\n").starts_with("buf.yaml:2:7: `lint` must be a mapping"));
    assert!(err("- a\n").contains("a buf.yaml must be a mapping"));
    // YAML syntax errors keep their position.
    assert!(err("version: v1\nlint: {use: [\n").starts_with("buf.yaml:3:"));
    // Go's YAML reads `yes` into a bool field; so do we.
    assert!(
        buf("version: v1\nbreaking:\n  ignore_unstable_packages: yes\n")
            .breaking
            .ignore_unstable_packages
    );
}

#[test]
fn unknown_keys_warn() {
    let c = buf("version: v1\nbreaking:\n  excpet: [FILE]\nfuture_key: 1\n");
    assert_eq!(
        c.warnings,
        [
            "buf.yaml:4: unknown key `future_key` ignored",
            "buf.yaml:3: unknown key `breaking.excpet` ignored"
        ]
    );
}

#[test]
fn json_buf_config() {
    let c = parse_config(
        "buf.json",
        br#"{"version": "v1", "breaking": {"use": ["WIRE"]}}"#,
    )
    .unwrap();
    assert_eq!(c.breaking.use_ids, strings(&["WIRE"]));
}

#[test]
fn load_prefers_treaty_toml() {
    let mut files: HashMap<&str, &str> = HashMap::new();
    let load = |files: &HashMap<&str, &str>| {
        load_config(&|name: &str| files.get(name).map(|s| s.as_bytes().to_vec())).unwrap()
    };
    assert_eq!(load(&files).source, ConfigSource::Default);
    files.insert("buf.yaml", "version: v2\n");
    assert_eq!(load(&files).source, ConfigSource::BufV2("buf.yaml".into()));
    files.insert("treaty.toml", "[breaking]\nuse = [\"WIRE\"]\n");
    let c = load(&files);
    assert_eq!(c.source, ConfigSource::Treaty("treaty.toml".into()));
    assert_eq!(c.breaking.use_ids, strings(&["WIRE"]));

    let bad =
        load_config(&|name: &str| (name == "buf.yaml").then(|| b"version: v1\n\xff".to_vec()));
    assert_eq!(
        bad.unwrap_err().to_string(),
        "buf.yaml:2:1: not valid UTF-8 at line 2"
    );
}

#[test]
fn corpus_files_if_present() {
    let Some(home) = std::env::var_os("HOME") else {
        return;
    };
    let home = std::path::Path::new(&home);
    let corpus = home.join(".cache/treaty-corpus/proto/buf-corpus.yaml");
    if corpus.exists() {
        let c = treaty::config::load_config_file(&corpus).unwrap();
        assert!(matches!(c.source, ConfigSource::BufV2(_)));
        assert_eq!(c.roots.len(), 1);
        assert_eq!(c.roots[0].path, ".");
        assert_eq!(c.roots[0].excludes, strings(&["google/protobuf"]));
        assert_eq!(c.breaking.use_ids, strings(&["FILE"]));
        assert_eq!(c.lint.use_ids, strings(&["STANDARD"]));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }
    let history = home.join(".cache/treaty-corpus/repos/googleapis-history/buf.yaml");
    if history.exists() {
        let c = treaty::config::load_config_file(&history).unwrap();
        assert_eq!(c.roots[0].path, "proto");
        assert_eq!(c.roots[0].excludes, strings(&["proto/google/protobuf"]));
    }
}

#[test]
fn buf_work_yaml_modules() {
    let files: HashMap<&str, &str> = HashMap::from([
        ("buf.work.yaml", "version: v1\ndirectories: [payment, ./pet/]\n"),
        (
            "payment/buf.yaml",
            "version: v1\nbuild:\n  excludes: [vendor]\nbreaking:\n  use: [WIRE]\n  ignore: [old]\n",
        ),
        // pet has no buf.yaml: buf's defaults.
    ]);
    let c = load_config(&|name: &str| files.get(name).map(|s| s.as_bytes().to_vec())).unwrap();
    assert_eq!(c.source, ConfigSource::BufV1("buf.work.yaml".into()));
    let paths: Vec<&str> = c.roots.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["payment", "pet"]);
    assert_eq!(c.roots[0].excludes, strings(&["payment/vendor"]));
    let payment = c.breaking_for("payment/acme/p.proto");
    assert_eq!(payment.use_ids, strings(&["WIRE"]));
    assert_eq!(payment.ignore, strings(&["payment/old"]));
    assert_eq!(
        c.breaking_for("pet/acme/p.proto").use_ids,
        strings(&["FILE"])
    );

    let bad = HashMap::from([
        ("buf.work.yaml", "version: v1\ndirectories: [a]\n"),
        ("a/buf.yaml", "version: v9\n"),
    ]);
    let e = load_config(&|name: &str| bad.get(name).map(|s| s.as_bytes().to_vec())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a/buf.yaml:1:10: unknown buf.yaml version \"v9\"; expected v1beta1, v1 or v2"
    );
}
