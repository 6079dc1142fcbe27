//! `buf.yaml` (v1beta1, v1, v2) read into a [`Config`].
//!
//! buf itself rejects unknown keys, so a buf.yaml that buf accepts only has keys we know, unless
//! a newer buf added some: those become warnings here, not errors, so a buf user is never
//! blocked by treaty's reading of buf's file. Keys that mean nothing to treaty (`name`, `deps`,
//! `plugins`, `policies`) are accepted; `deps` and `plugins` produce a warning because they change
//! what buf would check.

use super::{
    contains_path, error_at, join_path, normalize_path, BreakingConfig, Config, ConfigSource,
    LintConfig, NamedPath, ProtoRoot,
};
use crate::diag::InputError;
use crate::finding::Location;
use crate::tree::{self, Node, Value};
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Version {
    V1Beta1,
    V1,
    V2,
}

const BREAKING_KEYS: &[&str] = &[
    "use",
    "except",
    "ignore",
    "ignore_only",
    "ignore_unstable_packages",
    "disable_builtin",
];
const LINT_COMMON_KEYS: &[&str] = &[
    "use",
    "except",
    "ignore",
    "ignore_only",
    "enum_zero_value_suffix",
    "rpc_allow_same_request_response",
    "rpc_allow_google_protobuf_empty_requests",
    "rpc_allow_google_protobuf_empty_responses",
    "service_suffix",
    "disable_builtin",
];

pub(super) fn parse(path: &str, text: &str) -> Result<Config, InputError> {
    let root = tree::parse(path, text)?;
    let mut reader = Reader {
        path,
        text,
        warnings: Vec::new(),
    };
    if !matches!(root.value, Value::Null | Value::Map(_)) {
        return Err(reader.err(
            &root,
            format!("a buf.yaml must be a mapping, found a {}", root.kind()),
        ));
    }
    let version = match root.get("version") {
        None => {
            reader.warn(&root, "no `version` key: read as v1beta1, as buf does");
            Version::V1Beta1
        }
        Some(v) => match v.as_str() {
            Some("v1beta1") => Version::V1Beta1,
            Some("v1") => Version::V1,
            Some("v2") => Version::V2,
            _ => {
                let shown = v.scalar_text(text).unwrap_or_else(|| v.kind().into());
                return Err(reader.err(
                    v,
                    format!("unknown buf.yaml version {shown:?}; expected v1beta1, v1 or v2"),
                ));
            }
        },
    };
    let mut config = match version {
        Version::V2 => reader.v2(&root)?,
        _ => reader.v1(&root, version)?,
    };
    config.warnings = reader.warnings;
    Ok(config)
}

/// A `lint` or `breaking` section as written, before paths are mapped.
#[derive(Default)]
struct Check<'n> {
    use_ids: Vec<String>,
    except: Vec<String>,
    ignore: Vec<(String, &'n Node)>,
    ignore_only: Vec<(String, Vec<(String, &'n Node)>)>,
    ignore_unstable_packages: bool,
    disable_builtin: bool,
    enum_zero_value_suffix: String,
    service_suffix: String,
    rpc_allow_same_request_response: bool,
    rpc_allow_google_protobuf_empty_requests: bool,
    rpc_allow_google_protobuf_empty_responses: bool,
    allow_comment_ignores: bool,
    disallow_comment_ignores: bool,
}

impl Check<'_> {
    /// buf's test for "this module has no section of its own": every field at its zero value.
    fn is_empty(&self) -> bool {
        self.use_ids.is_empty()
            && self.except.is_empty()
            && self.ignore.is_empty()
            && self.ignore_only.is_empty()
            && !self.ignore_unstable_packages
            && !self.disable_builtin
            && self.enum_zero_value_suffix.is_empty()
            && self.service_suffix.is_empty()
            && !self.rpc_allow_same_request_response
            && !self.rpc_allow_google_protobuf_empty_requests
            && !self.rpc_allow_google_protobuf_empty_responses
            && !self.allow_comment_ignores
            && !self.disallow_comment_ignores
    }
}

/// Maps one normalised ignore path (and its node, for errors) to config-relative paths.
type PathMap<'a> = dyn Fn(&str, &Node) -> Result<Vec<String>, InputError> + 'a;

struct Reader<'a> {
    path: &'a str,
    text: &'a str,
    warnings: Vec<String>,
}

impl<'a> Reader<'a> {
    fn err(&self, node: &Node, message: impl Into<String>) -> InputError {
        error_at(self.path, node.line, node.col, message)
    }

    /// A path written at `node` that must exist in the compared tree.
    fn named(&self, key: &str, path: &str, node: &Node) -> NamedPath {
        NamedPath {
            key: key.to_string(),
            path: path.to_string(),
            glob: false,
            at: Location::point(self.path, node.line, node.col),
            text: Arc::from(self.text),
        }
    }

    fn warn(&mut self, node: &Node, message: impl AsRef<str>) {
        self.warnings
            .push(format!("{}:{}: {}", self.path, node.line, message.as_ref()));
    }

    /// Entries of a mapping; `null` is empty.
    fn mapping<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [(Node, Node)], InputError> {
        match &node.value {
            Value::Null => Ok(&[]),
            Value::Map(entries) => Ok(entries),
            _ => Err(self.err(
                node,
                format!("`{what}` must be a mapping, found a {}", node.kind()),
            )),
        }
    }

    /// [`Reader::mapping`], with a warning for each key not in `known`.
    fn entries<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
    ) -> Result<&'n [(Node, Node)], InputError> {
        let entries = self.mapping(node, what)?;
        for (k, _) in entries {
            let key = k.as_str().unwrap_or("");
            if !known.contains(&key) {
                let full = if what.is_empty() {
                    key.to_string()
                } else {
                    format!("{what}.{key}")
                };
                self.warn(k, format!("unknown key `{full}` ignored"));
            }
        }
        Ok(entries)
    }

    fn string(&self, node: &Node, what: &str) -> Result<String, InputError> {
        match &node.value {
            Value::Null => Ok(String::new()),
            Value::Seq(_) | Value::Map(_) => Err(self.err(
                node,
                format!("`{what}` must be a string, found a {}", node.kind()),
            )),
            // Go's YAML decoder reads `1` into a string field as "1"; so do we.
            _ => Ok(node
                .scalar_text(self.text)
                .map(|s| s.into_owned())
                .unwrap_or_default()),
        }
    }

    fn strings<'n>(
        &self,
        node: &'n Node,
        what: &str,
    ) -> Result<Vec<(String, &'n Node)>, InputError> {
        match &node.value {
            Value::Null => Ok(Vec::new()),
            Value::Seq(items) => items
                .iter()
                .map(|item| Ok((self.string(item, what)?, item)))
                .collect(),
            _ => Err(self.err(
                node,
                format!(
                    "`{what}` must be a list of strings, found a {}",
                    node.kind()
                ),
            )),
        }
    }

    /// Rule tokens; one that names no rule is an error at its line, with the nearest name,
    /// unless buf knows it and treaty does not implement it (a warning; it is left out).
    fn ids(&mut self, node: &Node, what: &str) -> Result<Vec<String>, InputError> {
        let mut ids = Vec::new();
        for (token, n) in self.strings(node, what)? {
            if self.known_token(&token, n)? {
                ids.push(token);
            }
        }
        Ok(ids)
    }

    /// Whether `token` names treaty rules (a name nobody knows is an error at its place).
    fn known_token(&mut self, token: &str, node: &Node) -> Result<bool, InputError> {
        // buf v1 calls its lint default `DEFAULT`, and v1beta1 and v1 have categories of their
        // own (`FILE_LAYOUT`, `STYLE_BASIC`, ...): `lint_tokens` turns them into their rules.
        let versioned_category =
            [V1BETA1_LINT_CATEGORIES, V1_LINT_CATEGORIES]
                .iter()
                .any(|table| {
                    table
                        .iter()
                        .any(|(_, categories)| categories.contains(&token))
                });
        if token == "DEFAULT" || versioned_category || crate::rules::is_known_token(token) {
            return Ok(true);
        }
        super::check_token(self.path, node.line, node.col, token).map(|()| true)
    }

    fn boolean(&self, node: &Node, what: &str) -> Result<bool, InputError> {
        match &node.value {
            Value::Null => Ok(false),
            Value::Bool(b) => Ok(*b),
            // Go's YAML decoder accepts the YAML 1.1 spellings for a bool field.
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "yes" | "on" | "y" => Ok(true),
                "no" | "off" | "n" => Ok(false),
                _ => Err(self.err(node, format!("`{what}` must be true or false"))),
            },
            _ => Err(self.err(node, format!("`{what}` must be true or false"))),
        }
    }

    /// Normalised path of a string node.
    fn path_of(&self, raw: &str, node: &Node) -> Result<String, InputError> {
        normalize_path(raw).map_err(|e| self.err(node, e.to_string()))
    }

    fn paths<'n>(
        &self,
        node: Option<&'n Node>,
        what: &str,
    ) -> Result<Vec<(String, &'n Node)>, InputError> {
        let Some(node) = node else {
            return Ok(Vec::new());
        };
        self.strings(node, what)?
            .into_iter()
            .map(|(raw, n)| Ok((self.path_of(&raw, n)?, n)))
            .collect()
    }

    fn check<'n>(
        &mut self,
        node: Option<&'n Node>,
        what: &str,
        lint: bool,
        version: Version,
    ) -> Result<Check<'n>, InputError> {
        let mut check = Check::default();
        let Some(node) = node else {
            return Ok(check);
        };
        let mut known: Vec<&str> = if lint {
            LINT_COMMON_KEYS.to_vec()
        } else {
            BREAKING_KEYS.to_vec()
        };
        if lint {
            known.push(if version == Version::V2 {
                "disallow_comment_ignores"
            } else {
                "allow_comment_ignores"
            });
        }
        for (k, v) in self.entries(node, what, &known)? {
            let key = k.as_str().unwrap_or("");
            let name = format!("{what}.{key}");
            match key {
                "use" => check.use_ids = self.ids(v, &name)?,
                "except" => check.except = self.ids(v, &name)?,
                "ignore" => check.ignore = self.paths(Some(v), &name)?,
                "ignore_only" => {
                    // Keys are rule IDs or categories, so any key is fine.
                    for (key, paths) in self.mapping(v, &name)? {
                        let id = key.as_str().unwrap_or("").to_string();
                        let list = self.paths(Some(paths), &format!("{name}.{id}"))?;
                        if self.known_token(&id, key)? {
                            check.ignore_only.push((id, list));
                        }
                    }
                }
                "ignore_unstable_packages" => {
                    check.ignore_unstable_packages = self.boolean(v, &name)?
                }
                "disable_builtin" => check.disable_builtin = self.boolean(v, &name)?,
                "enum_zero_value_suffix" => check.enum_zero_value_suffix = self.string(v, &name)?,
                "service_suffix" => check.service_suffix = self.string(v, &name)?,
                "rpc_allow_same_request_response" => {
                    check.rpc_allow_same_request_response = self.boolean(v, &name)?
                }
                "rpc_allow_google_protobuf_empty_requests" => {
                    check.rpc_allow_google_protobuf_empty_requests = self.boolean(v, &name)?
                }
                "rpc_allow_google_protobuf_empty_responses" => {
                    check.rpc_allow_google_protobuf_empty_responses = self.boolean(v, &name)?
                }
                "allow_comment_ignores" => check.allow_comment_ignores = self.boolean(v, &name)?,
                "disallow_comment_ignores" => {
                    check.disallow_comment_ignores = self.boolean(v, &name)?
                }
                _ => {}
            }
        }
        Ok(check)
    }

    fn map_paths(
        &self,
        paths: &[(String, &Node)],
        map: &PathMap<'_>,
    ) -> Result<Vec<String>, InputError> {
        let mut out = Vec::with_capacity(paths.len());
        for (p, n) in paths {
            out.extend(map(p, n)?);
        }
        Ok(out)
    }

    fn map_ignore_only(
        &self,
        check: &Check<'_>,
        map: &PathMap<'_>,
    ) -> Result<Vec<(String, Vec<String>)>, InputError> {
        check
            .ignore_only
            .iter()
            .map(|(id, paths)| Ok((id.clone(), self.map_paths(paths, map)?)))
            .collect()
    }

    fn breaking(&self, check: &Check<'_>, map: &PathMap<'_>) -> Result<BreakingConfig, InputError> {
        let default = BreakingConfig::default();
        Ok(BreakingConfig {
            // `disable_builtin` turns buf's own rules off (for plugin-only setups): nothing to run.
            use_ids: if check.disable_builtin {
                Vec::new()
            } else if check.use_ids.is_empty() {
                default.use_ids
            } else {
                check.use_ids.clone()
            },
            except: check.except.clone(),
            ignore: self.map_paths(&check.ignore, map)?,
            ignore_only: self.map_ignore_only(check, map)?,
            ignore_unstable_packages: check.ignore_unstable_packages,
        })
    }

    fn lint(
        &self,
        check: &Check<'_>,
        map: &PathMap<'_>,
        version: Version,
    ) -> Result<LintConfig, InputError> {
        let default = LintConfig::default();
        let ignore_only = self
            .map_ignore_only(check, map)?
            .into_iter()
            .flat_map(|(token, paths)| {
                lint_category_rules(version, &token)
                    .into_iter()
                    .map(move |id| (id, paths.clone()))
            })
            .collect();
        Ok(LintConfig {
            use_ids: if check.disable_builtin {
                Vec::new()
            } else if check.use_ids.is_empty() {
                // buf's default is its DEFAULT category, whose rules differ by version.
                lint_category_rules(version, "DEFAULT")
            } else {
                lint_tokens(version, &check.use_ids)
            },
            except: lint_tokens(version, &check.except),
            ignore: self.map_paths(&check.ignore, map)?,
            ignore_only,
            enum_zero_value_suffix: non_empty_or(
                &check.enum_zero_value_suffix,
                default.enum_zero_value_suffix,
            ),
            service_suffix: non_empty_or(&check.service_suffix, default.service_suffix),
            rpc_allow_same_request_response: check.rpc_allow_same_request_response,
            rpc_allow_google_protobuf_empty_requests: check
                .rpc_allow_google_protobuf_empty_requests,
            rpc_allow_google_protobuf_empty_responses: check
                .rpc_allow_google_protobuf_empty_responses,
            allow_comment_ignores: match version {
                Version::V2 => !check.disallow_comment_ignores,
                _ => check.allow_comment_ignores,
            },
        })
    }

    fn warn_unused(&mut self, root: &Node, key: &str, message: &str) {
        if let Some(v) = root.get(key) {
            let empty = match &v.value {
                Value::Null => true,
                Value::Seq(items) => items.is_empty(),
                Value::Map(entries) => entries.is_empty(),
                _ => false,
            };
            if !empty {
                self.warn(v, message);
            }
        }
    }

    /// v1 and v1beta1: one module at the buf.yaml directory; v1beta1 may list build roots.
    fn v1(&mut self, root: &Node, version: Version) -> Result<Config, InputError> {
        self.entries(
            root,
            "",
            &["version", "name", "deps", "build", "lint", "breaking"],
        )?;
        self.warn_unused(
            root,
            "deps",
            "`deps` are not fetched by treaty (no network): vendor what the protos import",
        );
        let build = root.get("build");
        if let Some(build) = build {
            self.entries(build, "build", &["roots", "excludes"])?;
        }
        let roots_node = build.and_then(|b| b.get("roots"));
        let mut roots = self.paths(roots_node, "build.roots")?;
        if version == Version::V1 && !roots.is_empty() {
            let node = roots_node.unwrap_or(root);
            return Err(self.err(
                node,
                "`build.roots` is only valid in version v1beta1; v1 has one root, the buf.yaml directory",
            ));
        }
        let named_paths = (roots.iter())
            .map(|(p, node)| self.named("build.roots", p, node))
            .collect();
        if roots.is_empty() {
            roots.push((".".to_string(), root));
        }
        let root_paths: Vec<String> = roots.iter().map(|(p, _)| p.clone()).collect();
        let mut proto_roots: Vec<ProtoRoot> =
            root_paths.iter().map(|p| ProtoRoot::new(p)).collect();

        // Excludes are relative to the buf.yaml directory (not to a root) in both versions.
        for (exclude, node) in
            self.paths(build.and_then(|b| b.get("excludes")), "build.excludes")?
        {
            let owner = root_paths
                .iter()
                .enumerate()
                .filter(|(_, r)| contains_path(r, &exclude))
                .max_by_key(|(_, r)| r.len())
                .map(|(i, _)| i);
            match owner {
                Some(i) if proto_roots[i].path != exclude => proto_roots[i].excludes.push(exclude),
                Some(_) => {
                    return Err(self.err(node, format!("exclude {exclude:?} is a whole root")))
                }
                None => {
                    return Err(self.err(
                        node,
                        format!("exclude {exclude:?} is not inside any build root"),
                    ))
                }
            }
        }

        // Ignore paths are relative to the root(s): v1 has only ".", v1beta1 paths are import
        // paths and could be under any root, so they apply under each.
        let map = |p: &str, _: &Node| -> Result<Vec<String>, InputError> {
            Ok(root_paths.iter().map(|r| join_path(r, p)).collect())
        };
        let breaking = self.check(root.get("breaking"), "breaking", false, version)?;
        let lint = self.check(root.get("lint"), "lint", true, version)?;
        Ok(Config {
            roots: proto_roots,
            breaking: self.breaking(&breaking, &map)?,
            lint: self.lint(&lint, &map, version)?,
            source: ConfigSource::BufV1(self.path.to_string()),
            named_paths,
            ..Config::default()
        })
    }

    /// v2: a workspace of modules; paths are relative to the buf.yaml directory already.
    fn v2(&mut self, root: &Node) -> Result<Config, InputError> {
        self.entries(
            root,
            "",
            &[
                "version", "name", "modules", "deps", "lint", "breaking", "plugins", "policies",
            ],
        )?;
        self.warn_unused(
            root,
            "deps",
            "`deps` are not fetched by treaty (no network): vendor what the protos import",
        );
        self.warn_unused(
            root,
            "plugins",
            "buf check plugins are not run by treaty; only built-in rules apply",
        );
        self.warn_unused(root, "policies", "buf policies are not applied by treaty");

        let as_is =
            |p: &str, _: &Node| -> Result<Vec<String>, InputError> { Ok(vec![p.to_string()]) };
        let top_breaking = self.check(root.get("breaking"), "breaking", false, Version::V2)?;
        let top_lint = self.check(root.get("lint"), "lint", true, Version::V2)?;
        let breaking = self.breaking(&top_breaking, &as_is)?;
        let lint = self.lint(&top_lint, &as_is, Version::V2)?;

        let mut roots = Vec::new();
        let mut named_paths = Vec::new();
        let modules: &[Node] = match root.get("modules") {
            None => &[],
            Some(m) => match &m.value {
                Value::Null => &[],
                Value::Seq(items) => items,
                _ => {
                    return Err(
                        self.err(m, format!("`modules` must be a list, found a {}", m.kind()))
                    )
                }
            },
        };
        for (i, module) in modules.iter().enumerate() {
            let what = format!("modules[{i}]");
            self.entries(
                module,
                &what,
                &["path", "name", "includes", "excludes", "lint", "breaking"],
            )?;
            let dir = match module.get("path") {
                Some(p) => {
                    let raw = self.string(p, &format!("{what}.path"))?;
                    let dir = self.path_of(&raw, p)?;
                    named_paths.push(self.named(&format!("{what}.path"), &dir, p));
                    dir
                }
                None => ".".to_string(),
            };
            let mut proto_root = ProtoRoot::new(&dir);
            for (key, list) in [
                ("excludes", &mut proto_root.excludes),
                ("includes", &mut proto_root.includes),
            ] {
                for (p, node) in self.paths(module.get(key), &format!("{what}.{key}"))? {
                    if p == dir || !contains_path(&dir, &p) {
                        return Err(self.err(
                            node,
                            format!(
                                "{key} path {p:?} must be a directory inside module {dir:?} (paths are relative to the buf.yaml directory)"
                            ),
                        ));
                    }
                    list.push(p);
                }
            }
            // A module's own section replaces the top-level one, and its paths must lie inside
            // the module (buf's rules).
            let b = self.check(
                module.get("breaking"),
                &format!("{what}.breaking"),
                false,
                Version::V2,
            )?;
            let l = self.check(
                module.get("lint"),
                &format!("{what}.lint"),
                true,
                Version::V2,
            )?;
            let file = self.path;
            let inside = |p: &str, node: &Node| -> Result<Vec<String>, InputError> {
                if contains_path(&dir, p) {
                    Ok(vec![p.to_string()])
                } else {
                    Err(error_at(
                        file,
                        node.line,
                        node.col,
                        format!(
                            "path {p:?} is not inside module {dir:?} (paths are relative to the buf.yaml directory)"
                        ),
                    ))
                }
            };
            if !b.is_empty() {
                proto_root.breaking = Some(self.breaking(&b, &inside)?);
            }
            if !l.is_empty() {
                proto_root.lint = Some(self.lint(&l, &inside, Version::V2)?);
            }
            roots.push(proto_root);
        }
        if roots.is_empty() {
            roots.push(ProtoRoot::new("."));
        }
        Ok(Config {
            roots,
            breaking,
            lint,
            source: ConfigSource::BufV2(self.path.to_string()),
            named_paths,
            ..Config::default()
        })
    }
}

/// A v1 `buf.work.yaml`: every listed directory is a module with its own (optional) buf.yaml,
/// read through `read` as `DIR/buf.yaml`. Each module becomes roots whose paths, and whose own
/// breaking/lint sections, are moved under `DIR`, so the result reads like one v2 file.
pub(super) fn parse_work(
    path: &str,
    text: &str,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Config, InputError> {
    let root = tree::parse(path, text)?;
    let mut reader = Reader {
        path,
        text,
        warnings: Vec::new(),
    };
    reader.entries(&root, "", &["version", "directories"])?;
    match root.get("version") {
        Some(v) if v.as_str() == Some("v1") => {}
        Some(v) => {
            let shown = v.scalar_text(text).unwrap_or_else(|| v.kind().into());
            return Err(reader.err(
                v,
                format!("unknown buf.work.yaml version {shown:?}; expected v1"),
            ));
        }
        None => return Err(reader.err(&root, "buf.work.yaml needs `version: v1`")),
    }
    let dirs = reader.paths(root.get("directories"), "directories")?;
    if dirs.is_empty() {
        return Err(reader.err(&root, "buf.work.yaml lists no `directories`"));
    }
    let mut config = Config {
        roots: Vec::new(),
        source: ConfigSource::BufV1(path.to_string()),
        ..Config::default()
    };
    for (dir, node) in &dirs {
        if dir == "." {
            return Err(reader.err(node, "a workspace directory cannot be \".\""));
        }
        config
            .named_paths
            .push(reader.named("directories", dir, node));
        let module_file = join_path(dir, super::BUF_YAML);
        let module = match read(&module_file) {
            Some(bytes) => super::parse_config(&module_file, &bytes)?,
            None => Config::default(),
        };
        let under = |p: &String| join_path(dir, p);
        let move_breaking = |b: &BreakingConfig| BreakingConfig {
            ignore: b.ignore.iter().map(under).collect(),
            ignore_only: b
                .ignore_only
                .iter()
                .map(|(id, ps)| (id.clone(), ps.iter().map(under).collect()))
                .collect(),
            ..b.clone()
        };
        let move_lint = |l: &LintConfig| LintConfig {
            ignore: l.ignore.iter().map(under).collect(),
            ignore_only: l
                .ignore_only
                .iter()
                .map(|(id, ps)| (id.clone(), ps.iter().map(under).collect()))
                .collect(),
            ..l.clone()
        };
        for r in &module.roots {
            config.roots.push(ProtoRoot {
                path: join_path(dir, &r.path),
                excludes: r.excludes.iter().map(under).collect(),
                includes: r.includes.iter().map(under).collect(),
                breaking: Some(move_breaking(
                    r.breaking.as_ref().unwrap_or(&module.breaking),
                )),
                lint: Some(move_lint(r.lint.as_ref().unwrap_or(&module.lint))),
            });
        }
        reader.warnings.extend(module.warnings);
        // A module's own roots are checked under its directory, where they are applied.
        config
            .named_paths
            .extend(module.named_paths.into_iter().map(|named| NamedPath {
                path: join_path(dir, &named.path),
                ..named
            }));
    }
    config.warnings = reader.warnings;
    Ok(config)
}

/// The lint categories of buf.yaml v1beta1 and v1, which differ from v2's (the catalog's): in
/// v1beta1 `ENUM_FIRST_VALUE_ZERO` is only `OTHER`, v1 leaves `PACKAGE_NO_IMPORT_CYCLE` out of
/// every category, and each version has rules the others lack. Each rule with its categories.
const V1BETA1_LINT_CATEGORIES: &[(&str, &[&str])] = {
    const SENSIBLE: &[&str] = &["MINIMAL", "BASIC", "DEFAULT", "STANDARD", "SENSIBLE"];
    const LAYOUT: &[&str] = &["MINIMAL", "BASIC", "DEFAULT", "STANDARD", "FILE_LAYOUT"];
    const AFFINITY: &[&str] = &[
        "MINIMAL",
        "BASIC",
        "DEFAULT",
        "STANDARD",
        "PACKAGE_AFFINITY",
    ];
    const STYLE_BASIC: &[&str] = &[
        "BASIC",
        "DEFAULT",
        "STANDARD",
        "STYLE_BASIC",
        "STYLE_DEFAULT",
        "STYLE_STANDARD",
    ];
    const STYLE_DEFAULT: &[&str] = &["DEFAULT", "STANDARD", "STYLE_DEFAULT", "STYLE_STANDARD"];
    &[
        ("COMMENT_ENUM", &["COMMENTS"]),
        ("COMMENT_ENUM_VALUE", &["COMMENTS"]),
        ("COMMENT_FIELD", &["COMMENTS"]),
        ("COMMENT_MESSAGE", &["COMMENTS"]),
        ("COMMENT_ONEOF", &["COMMENTS"]),
        ("COMMENT_RPC", &["COMMENTS"]),
        ("COMMENT_SERVICE", &["COMMENTS"]),
        ("DIRECTORY_SAME_PACKAGE", LAYOUT),
        ("ENUM_FIRST_VALUE_ZERO", &["OTHER"]),
        ("ENUM_NO_ALLOW_ALIAS", SENSIBLE),
        ("ENUM_PASCAL_CASE", STYLE_BASIC),
        ("ENUM_VALUE_PREFIX", STYLE_DEFAULT),
        ("ENUM_VALUE_UPPER_SNAKE_CASE", STYLE_BASIC),
        ("ENUM_ZERO_VALUE_SUFFIX", STYLE_DEFAULT),
        ("FIELD_LOWER_SNAKE_CASE", STYLE_BASIC),
        ("FIELD_NO_DESCRIPTOR", SENSIBLE),
        ("FILE_LOWER_SNAKE_CASE", STYLE_DEFAULT),
        ("IMPORT_NO_PUBLIC", SENSIBLE),
        ("MESSAGE_PASCAL_CASE", STYLE_BASIC),
        ("ONEOF_LOWER_SNAKE_CASE", STYLE_BASIC),
        ("PACKAGE_DEFINED", SENSIBLE),
        ("PACKAGE_DIRECTORY_MATCH", LAYOUT),
        ("PACKAGE_LOWER_SNAKE_CASE", STYLE_BASIC),
        ("PACKAGE_SAME_CSHARP_NAMESPACE", AFFINITY),
        ("PACKAGE_SAME_DIRECTORY", LAYOUT),
        ("PACKAGE_SAME_GO_PACKAGE", AFFINITY),
        ("PACKAGE_SAME_JAVA_MULTIPLE_FILES", AFFINITY),
        ("PACKAGE_SAME_JAVA_PACKAGE", AFFINITY),
        ("PACKAGE_SAME_PHP_NAMESPACE", AFFINITY),
        ("PACKAGE_SAME_RUBY_PACKAGE", AFFINITY),
        ("PACKAGE_SAME_SWIFT_PREFIX", AFFINITY),
        ("PACKAGE_VERSION_SUFFIX", STYLE_DEFAULT),
        ("RPC_NO_CLIENT_STREAMING", &["UNARY_RPC"]),
        ("RPC_NO_SERVER_STREAMING", &["UNARY_RPC"]),
        ("RPC_PASCAL_CASE", STYLE_BASIC),
        ("RPC_REQUEST_RESPONSE_UNIQUE", STYLE_DEFAULT),
        ("RPC_REQUEST_STANDARD_NAME", STYLE_DEFAULT),
        ("RPC_RESPONSE_STANDARD_NAME", STYLE_DEFAULT),
        ("SERVICE_PASCAL_CASE", STYLE_BASIC),
        ("SERVICE_SUFFIX", STYLE_DEFAULT),
    ]
};

/// See [`V1BETA1_LINT_CATEGORIES`].
const V1_LINT_CATEGORIES: &[(&str, &[&str])] = {
    const MINIMAL: &[&str] = &["MINIMAL", "BASIC", "DEFAULT", "STANDARD"];
    const BASIC: &[&str] = &["BASIC", "DEFAULT", "STANDARD"];
    const DEFAULT: &[&str] = &["DEFAULT", "STANDARD"];
    &[
        ("COMMENT_ENUM", &["COMMENTS"]),
        ("COMMENT_ENUM_VALUE", &["COMMENTS"]),
        ("COMMENT_FIELD", &["COMMENTS"]),
        ("COMMENT_MESSAGE", &["COMMENTS"]),
        ("COMMENT_ONEOF", &["COMMENTS"]),
        ("COMMENT_RPC", &["COMMENTS"]),
        ("COMMENT_SERVICE", &["COMMENTS"]),
        ("DIRECTORY_SAME_PACKAGE", MINIMAL),
        ("ENUM_FIRST_VALUE_ZERO", BASIC),
        ("ENUM_NO_ALLOW_ALIAS", BASIC),
        ("ENUM_PASCAL_CASE", BASIC),
        ("ENUM_VALUE_PREFIX", DEFAULT),
        ("ENUM_VALUE_UPPER_SNAKE_CASE", BASIC),
        ("ENUM_ZERO_VALUE_SUFFIX", DEFAULT),
        ("FIELD_LOWER_SNAKE_CASE", BASIC),
        ("FILE_LOWER_SNAKE_CASE", DEFAULT),
        ("IMPORT_NO_PUBLIC", BASIC),
        ("IMPORT_USED", BASIC),
        ("MESSAGE_PASCAL_CASE", BASIC),
        ("ONEOF_LOWER_SNAKE_CASE", BASIC),
        ("PACKAGE_DEFINED", MINIMAL),
        ("PACKAGE_DIRECTORY_MATCH", MINIMAL),
        ("PACKAGE_LOWER_SNAKE_CASE", BASIC),
        ("PACKAGE_SAME_CSHARP_NAMESPACE", BASIC),
        ("PACKAGE_SAME_DIRECTORY", MINIMAL),
        ("PACKAGE_SAME_GO_PACKAGE", BASIC),
        ("PACKAGE_SAME_JAVA_MULTIPLE_FILES", BASIC),
        ("PACKAGE_SAME_JAVA_PACKAGE", BASIC),
        ("PACKAGE_SAME_PHP_NAMESPACE", BASIC),
        ("PACKAGE_SAME_RUBY_PACKAGE", BASIC),
        ("PACKAGE_SAME_SWIFT_PREFIX", BASIC),
        ("PACKAGE_VERSION_SUFFIX", DEFAULT),
        ("PROTOVALIDATE", DEFAULT),
        ("RPC_NO_CLIENT_STREAMING", &["UNARY_RPC"]),
        ("RPC_NO_SERVER_STREAMING", &["UNARY_RPC"]),
        ("RPC_PASCAL_CASE", BASIC),
        ("RPC_REQUEST_RESPONSE_UNIQUE", DEFAULT),
        ("RPC_REQUEST_STANDARD_NAME", DEFAULT),
        ("RPC_RESPONSE_STANDARD_NAME", DEFAULT),
        ("SERVICE_PASCAL_CASE", BASIC),
        ("SERVICE_SUFFIX", DEFAULT),
        ("SYNTAX_SPECIFIED", BASIC),
    ]
};

/// The rules a lint token of a buf.yaml of `version` names: a category of that version becomes
/// its rules, so `BASIC` in a v1 file selects what buf v1 selects; anything else (a rule id, a
/// treaty token) is kept. v2's categories are the catalog's, and its deprecated `DEFAULT` is
/// `STANDARD`.
fn lint_category_rules(version: Version, token: &str) -> Vec<String> {
    let table = match version {
        Version::V1Beta1 => V1BETA1_LINT_CATEGORIES,
        Version::V1 => V1_LINT_CATEGORIES,
        Version::V2 if token == "DEFAULT" => return vec!["STANDARD".to_string()],
        Version::V2 => return vec![token.to_string()],
    };
    let rules: Vec<String> = table
        .iter()
        .filter(|(_, categories)| categories.contains(&token))
        .map(|(rule, _)| rule.to_string())
        .collect();
    if rules.is_empty() {
        vec![token.to_string()]
    } else {
        rules
    }
}

fn lint_tokens(version: Version, tokens: &[String]) -> Vec<String> {
    tokens
        .iter()
        .flat_map(|token| lint_category_rules(version, token))
        .collect()
}

fn non_empty_or(value: &str, default: String) -> String {
    if value.is_empty() {
        default
    } else {
        value.to_string()
    }
}
