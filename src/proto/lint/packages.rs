//! Package names. The API guide: "Version your package (user.v1, user.v2) when a genuinely
//! breaking change is unavoidable, and run both package versions side by side during
//! migration" — which needs a version in the package from the first day.

use std::collections::{BTreeMap, BTreeSet};

use super::{Check, Ctx, Sink};
use crate::proto::ast::{OptionDecl, OptionValue};
use crate::proto::model::SourceProto;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/package-version-suffix", package_version_suffix),
    Rule::new("proto/package-defined", package_defined),
    Rule::new("proto/package-directory-match", package_directory_match),
    Rule::new("proto/package-same-directory", package_same_directory),
    Rule::new("proto/directory-same-package", directory_same_package),
    Rule::new("proto/package-same-csharp-namespace", |ctx, sink| {
        package_same_option(ctx, sink, "csharp_namespace")
    }),
    Rule::new("proto/package-same-go-package", |ctx, sink| {
        package_same_option(ctx, sink, "go_package")
    }),
    Rule::new("proto/package-same-java-multiple-files", |ctx, sink| {
        package_same_option(ctx, sink, "java_multiple_files")
    }),
    Rule::new("proto/package-same-java-package", |ctx, sink| {
        package_same_option(ctx, sink, "java_package")
    }),
    Rule::new("proto/package-same-php-namespace", |ctx, sink| {
        package_same_option(ctx, sink, "php_namespace")
    }),
    Rule::new("proto/package-same-ruby-package", |ctx, sink| {
        package_same_option(ctx, sink, "ruby_package")
    }),
    Rule::new("proto/package-same-swift-prefix", |ctx, sink| {
        package_same_option(ctx, sink, "swift_prefix")
    }),
];

/// The module a file belongs to, as the directory of its import root relative to the linted
/// tree (`` for the tree itself): buf lints each module of a workspace on its own, so rules
/// that compare files with each other compare those of one module.
pub fn module_of(file: &SourceProto) -> &str {
    file.display
        .strip_suffix(file.ast.path.as_str())
        .unwrap_or("")
}

/// The directory of a file relative to the module root (its import path), `.` at the root.
fn directory(file: &SourceProto) -> &str {
    file.ast
        .path
        .rfind('/')
        .map_or(".", |i| &file.ast.path[..i])
}

/// Where a package finding goes: the `package` statement, or the start of a file without one.
fn package_location(file: &SourceProto) -> crate::finding::Location {
    match &file.ast.package {
        Some(package) => file.location(package.span),
        None => file.file_location(),
    }
}

fn package_defined(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files().filter(|f| f.ast.package.is_none()) {
        sink.lint(
            file.file_location(),
            "the file declares no package: its names all land in the global namespace",
        );
    }
}

fn package_directory_match(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let Some(package) = &file.ast.package else {
            continue;
        };
        let expected = package.name.replace('.', "/");
        let actual = directory(file);
        if expected != actual {
            sink.lint(
                file.location(package.span),
                format!(
                    "the package '{}' belongs in the directory '{expected}', but the file is in \
                     '{actual}'",
                    package.name
                ),
            );
        }
    }
}

fn shown(package: &str) -> String {
    if package.is_empty() {
        "no package".to_string()
    } else {
        format!("'{package}'")
    }
}

fn package_same_directory(ctx: &Ctx, sink: &mut Sink) {
    let mut dirs: BTreeMap<(&str, &str), BTreeMap<&str, Vec<&SourceProto>>> = BTreeMap::new();
    for file in ctx.files() {
        dirs.entry((module_of(file), file.package()))
            .or_default()
            .entry(directory(file))
            .or_default()
            .push(file);
    }
    for ((_, package), by_dir) in dirs {
        if by_dir.len() < 2 {
            continue;
        }
        let list = by_dir.keys().map(|d| format!("'{d}'")).collect::<Vec<_>>();
        for file in by_dir.values().flatten() {
            sink.lint(
                package_location(file),
                format!(
                    "the files with {} are spread over the directories {}: one package, one \
                     directory",
                    shown(package),
                    list.join(", ")
                ),
            );
        }
    }
}

/// The files of one package (files without a package count as one) all set the file option
/// `name` to one value, or all leave it unset: unset is a value of its own, and an explicit
/// `false` differs from no value.
fn package_same_option(ctx: &Ctx, sink: &mut Sink, name: &str) {
    type Value<'a> = Option<(String, &'a OptionDecl)>;
    let mut packages: BTreeMap<(&str, &str), Vec<(&SourceProto, Value)>> = BTreeMap::new();
    for file in ctx.files() {
        let value = file
            .ast
            .options
            .iter()
            .find(|o| o.name.len() == 1 && !o.name[0].is_extension && o.name[0].name == name)
            .map(|o| {
                let shown = match &o.value {
                    OptionValue::Str(_) => o.value.as_str().unwrap_or_default().to_string(),
                    OptionValue::Bool(b) => b.to_string(),
                    OptionValue::Ident(i) => i.clone(),
                    other => format!("{other:?}"),
                };
                (shown, o)
            });
        packages
            .entry((module_of(file), file.package()))
            .or_default()
            .push((file, value));
    }
    for ((_, package), files) in packages {
        let values: BTreeSet<Option<&str>> = files
            .iter()
            .map(|(_, v)| v.as_ref().map(|(s, _)| s.as_str()))
            .collect();
        if values.len() < 2 {
            continue;
        }
        let list = values
            .iter()
            .map(|v| v.map_or("unset".to_string(), |v| format!("'{v}'")))
            .collect::<Vec<_>>()
            .join(", ");
        for (file, value) in &files {
            let at = match value {
                Some((_, option)) => file.location(option.span),
                None => file.file_location(),
            };
            sink.lint(
                at,
                format!(
                    "the files with {} disagree on the option '{name}' ({list}): one package \
                     should generate into one place",
                    shown(package)
                ),
            );
        }
    }
}

fn directory_same_package(ctx: &Ctx, sink: &mut Sink) {
    let mut packages: BTreeMap<(&str, &str), BTreeMap<&str, Vec<&SourceProto>>> = BTreeMap::new();
    for file in ctx.files() {
        packages
            .entry((module_of(file), directory(file)))
            .or_default()
            .entry(file.package())
            .or_default()
            .push(file);
    }
    for ((_, dir), by_package) in packages {
        if by_package.len() < 2 {
            continue;
        }
        let list = by_package.keys().map(|p| shown(p)).collect::<Vec<_>>();
        for file in by_package.values().flatten() {
            sink.lint(
                package_location(file),
                format!(
                    "the directory '{dir}' mixes files of {}: one directory, one package",
                    list.join(", ")
                ),
            );
        }
    }
}

/// Whether a package is stable (`acme.v1`) rather than alpha, beta or test (`acme.v1beta1`):
/// `None` for a package without a version.
pub fn is_stable_package(package: &str) -> Option<bool> {
    let (_, last) = package.rsplit_once('.')?;
    is_package_version(last).then(|| !["alpha", "beta", "test"].iter().any(|w| last.contains(w)))
}

/// buf's notion of a package version: `v1`, `v1test`, `v1testfoo`, `v1beta`, `v1beta2`,
/// `v1p1alpha1`; every number in it is at least 1 (`v01` is 1, `v0` and `v1beta0` are not).
pub fn is_package_version(component: &str) -> bool {
    fn number(s: &str) -> Option<(&str, &str)> {
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        let (n, rest) = s.split_at(digits);
        (digits > 0 && n.bytes().any(|b| b != b'0')).then_some((n, rest))
    }
    fn stability(s: &str) -> bool {
        let Some(rest) = s.strip_prefix("alpha").or_else(|| s.strip_prefix("beta")) else {
            return false;
        };
        rest.is_empty() || number(rest).is_some_and(|(_, tail)| tail.is_empty())
    }
    let Some((_, rest)) = component.strip_prefix('v').and_then(number) else {
        return false;
    };
    if rest.is_empty() || rest.starts_with("test") || stability(rest) {
        return true;
    }
    // `v1p1alpha1`: a point release before the stability.
    rest.strip_prefix('p')
        .and_then(number)
        .is_some_and(|(_, tail)| stability(tail))
}

fn package_version_suffix(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let Some(package) = &file.ast.package else {
            continue;
        };
        // A version alone (`package v1;`) is no versioned package: nothing names what it versions.
        let versioned = package
            .name
            .rsplit_once('.')
            .is_some_and(|(_, last)| is_package_version(last));
        if !versioned {
            sink.lint(
                file.location(package.span),
                format!(
                    "the package '{}' does not end in a version such as '{}.v1': a breaking \
                     change will have no new package to move to",
                    package.name, package.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_versions_follow_buf() {
        for ok in [
            "v1",
            "v2",
            "v10",
            "v1test",
            "v1testfoo",
            "v1alpha",
            "v1beta",
            "v1beta1",
            "v2alpha3",
            "v1p1alpha1",
            "v1p2beta",
            "v01",
        ] {
            assert!(is_package_version(ok), "{ok}");
        }
        for bad in [
            "v0",
            "v00",
            "v1beta0",
            "v",
            "foo",
            "v1gamma",
            "v1beta0x",
            "v1p1",
            "V1",
            "v1alpha1beta",
        ] {
            assert!(!is_package_version(bad), "{bad}");
        }
    }
}
