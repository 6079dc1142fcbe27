//! Imports: no public or weak imports, no unused imports, no import cycle between packages, no
//! stable package that imports an unstable one.

use std::collections::{HashMap, HashSet};

use super::packages::{is_stable_package, module_of};
use super::{Check, Ctx, Sink};
use crate::proto::ast::{
    Extend, Field, FieldType, ImportKind, Message, OptionDecl, OptionValue, ProtoFile,
};
use crate::proto::model::ProtoSet;
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[
    Rule::new("proto/import-no-public", import_no_public),
    Rule::new("proto/import-used", import_used),
    Rule::new("proto/package-no-import-cycle", package_no_import_cycle),
    Rule::new("proto/import-no-weak", import_no_weak),
    Rule::new(
        "proto/stable-package-no-import-unstable",
        stable_package_no_import_unstable,
    ),
];

fn import_no_weak(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for import in file
            .ast
            .imports
            .iter()
            .filter(|i| i.kind == ImportKind::Weak)
        {
            sink.lint(
                file.location(import.span),
                format!(
                    "'{}' is imported weakly: most languages ignore weak imports, and protoc \
                     may drop the support",
                    import.path
                ),
            );
        }
    }
}

fn stable_package_no_import_unstable(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        if is_stable_package(file.package()) != Some(true) {
            continue;
        }
        for import in &file.ast.imports {
            // Only the linted files of the same module, as buf reads one module at a time.
            let Some(imported) = ctx
                .set
                .get(&import.path)
                .filter(|i| !i.context && module_of(i) == module_of(file))
            else {
                continue;
            };
            if is_stable_package(imported.package()) == Some(false) {
                sink.lint(
                    file.location(import.span),
                    format!(
                        "the stable package '{}' imports '{}' from the unstable package '{}': \
                         its API can change under the stable one",
                        file.package(),
                        import.path,
                        imported.package()
                    ),
                );
            }
        }
    }
}

/// The packages each package's files import (other packages only), over every file of the
/// revision: a cycle can pass through files outside the linted tree.
fn package_imports(set: &ProtoSet) -> HashMap<&str, HashSet<&str>> {
    let mut graph: HashMap<&str, HashSet<&str>> = HashMap::new();
    for file in &set.files {
        for import in &file.ast.imports {
            let Some(&i) = set.by_path.get(&import.path) else {
                continue;
            };
            let imported = set.files[i].package();
            if imported != file.package() {
                graph.entry(file.package()).or_default().insert(imported);
            }
        }
    }
    graph
}

/// The shortest chain of package imports from `from` to `to`, both included.
fn import_chain<'a>(
    graph: &HashMap<&'a str, HashSet<&'a str>>,
    from: &'a str,
    to: &str,
) -> Option<Vec<&'a str>> {
    let mut previous: HashMap<&str, &str> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen: HashSet<&str> = HashSet::from([from]);
    while let Some(package) = queue.pop_front() {
        if package == to {
            let mut chain = vec![package];
            while let Some(&p) = previous.get(chain.last().unwrap()) {
                chain.push(p);
            }
            chain.reverse();
            return Some(chain);
        }
        let mut next: Vec<&str> = graph.get(package).into_iter().flatten().copied().collect();
        next.sort_unstable();
        for n in next {
            if seen.insert(n) {
                previous.insert(n, package);
                queue.push_back(n);
            }
        }
    }
    None
}

/// An import of another package that imports this one back, directly or through others: the
/// packages cannot be built, versioned or moved apart. Reported at each import statement that
/// closes a cycle, as buf does.
fn package_no_import_cycle(ctx: &Ctx, sink: &mut Sink) {
    let graph = package_imports(ctx.set);
    for file in ctx.files() {
        let package = file.package();
        for import in &file.ast.imports {
            let Some(&i) = ctx.set.by_path.get(&import.path) else {
                continue;
            };
            let imported = ctx.set.files[i].package();
            if imported == package {
                continue;
            }
            let Some(back) = import_chain(&graph, imported, package) else {
                continue;
            };
            let cycle: Vec<&str> = std::iter::once(package).chain(back).collect();
            sink.lint(
                file.location(import.span),
                format!(
                    "importing '{}' closes an import cycle between packages: {}",
                    import.path,
                    cycle.join(" -> ")
                ),
            );
        }
    }
}

fn import_no_public(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        for import in &file.ast.imports {
            if import.kind == ImportKind::Public {
                sink.lint(
                    file.location(import.span),
                    format!(
                        "'{}' is imported publicly: the files importing this one depend on it \
                         without saying so",
                        import.path
                    ),
                );
            }
        }
    }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

/// Which file declares each message, enum and extension of the revision, by full name.
#[derive(Default)]
struct Declared<'a> {
    types: HashMap<String, &'a str>,
    extensions: HashMap<String, &'a str>,
}

impl<'a> Declared<'a> {
    fn of(set: &'a ProtoSet) -> Declared<'a> {
        let mut d = Declared::default();
        for file in &set.files {
            let path = file.ast.path.as_str();
            let package = file.package();
            d.scope(path, package, &file.ast.messages, &file.ast.extends);
            for e in &file.ast.enums {
                d.types.insert(join(package, &e.name), path);
            }
        }
        d
    }

    fn scope(&mut self, path: &'a str, scope: &str, messages: &[Message], extends: &[Extend]) {
        for extend in extends {
            for field in &extend.fields {
                self.extensions.insert(join(scope, &field.name), path);
            }
            for group in &extend.group_messages {
                self.types.insert(join(scope, &group.name), path);
            }
        }
        for m in messages {
            let name = join(scope, &m.name);
            for e in &m.enums {
                self.types.insert(join(&name, &e.name), path);
            }
            self.scope(path, &name, &m.messages, &m.extends);
            self.types.insert(name, path);
        }
    }

    /// The file declaring the extension named in an option, looked up from `scope` outwards.
    fn extension(&self, scope: &str, written: &str) -> Option<&'a str> {
        if let Some(full) = written.strip_prefix('.') {
            return self.extensions.get(full).copied();
        }
        let mut scope = scope;
        loop {
            if let Some(path) = self.extensions.get(&join(scope, written)) {
                return Some(path);
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope.rfind('.').map_or("", |i| &scope[..i]);
        }
    }
}

/// The files whose declarations one file refers to: by type, extendee, or custom option.
struct Uses<'d, 'a> {
    declared: &'d Declared<'a>,
    files: HashSet<&'a str>,
}

impl<'a> Uses<'_, 'a> {
    fn type_name(&mut self, resolved: &str) {
        if let Some(path) = self.declared.types.get(resolved) {
            self.files.insert(path);
        }
    }

    fn options(&mut self, scope: &str, options: &[OptionDecl]) {
        for option in options {
            for part in option.name.iter().filter(|p| p.is_extension) {
                if let Some(path) = self.declared.extension(scope, &part.name) {
                    self.files.insert(path);
                }
            }
            self.value(scope, &option.value);
        }
    }

    /// Extensions (`[acme.v1.extra]: 3`) and `Any` types (`[type.googleapis.com/acme.v1.X]`)
    /// named inside a message literal.
    fn value(&mut self, scope: &str, value: &OptionValue) {
        match value {
            OptionValue::Aggregate(fields) => {
                for field in fields {
                    if let Some(name) = field
                        .name
                        .strip_prefix('[')
                        .and_then(|n| n.strip_suffix(']'))
                    {
                        let name = name.trim();
                        match name.rsplit_once('/') {
                            Some((_, type_name)) => self.type_name(type_name.trim()),
                            None => {
                                if let Some(path) = self.declared.extension(scope, name) {
                                    self.files.insert(path);
                                }
                            }
                        }
                    }
                    self.value(scope, &field.value);
                }
            }
            OptionValue::List(values) => {
                for v in values {
                    self.value(scope, v);
                }
            }
            _ => {}
        }
    }

    fn field(&mut self, scope: &str, field: &Field) {
        if let FieldType::Named(r) = &field.ty {
            self.type_name(&r.resolved);
        }
        self.options(scope, &field.options);
    }

    fn extends(&mut self, scope: &str, extends: &[Extend]) {
        for extend in extends {
            self.type_name(&extend.extendee.resolved);
            for field in &extend.fields {
                self.field(scope, field);
            }
            for group in &extend.group_messages {
                self.message(scope, group);
            }
        }
    }

    fn message(&mut self, scope: &str, m: &Message) {
        let name = join(scope, &m.name);
        self.options(&name, &m.options);
        for field in &m.fields {
            self.field(&name, field);
        }
        for oneof in &m.oneofs {
            self.options(&name, &oneof.options);
        }
        for range in &m.extension_ranges {
            self.options(&name, &range.options);
        }
        for e in &m.enums {
            self.enumeration(&name, e);
        }
        for nested in &m.messages {
            self.message(&name, nested);
        }
        self.extends(&name, &m.extends);
    }

    fn enumeration(&mut self, scope: &str, e: &crate::proto::ast::Enum) {
        let name = join(scope, &e.name);
        self.options(&name, &e.options);
        for value in &e.values {
            self.options(&name, &value.options);
        }
    }

    fn file(&mut self, file: &ProtoFile, package: &str) {
        self.options(package, &file.options);
        for m in &file.messages {
            self.message(package, m);
        }
        for e in &file.enums {
            self.enumeration(package, e);
        }
        self.extends(package, &file.extends);
        for service in &file.services {
            let name = join(package, &service.name);
            self.options(&name, &service.options);
            for method in &service.methods {
                self.type_name(&method.input.resolved);
                self.type_name(&method.output.resolved);
                self.options(&name, &method.options);
            }
        }
    }
}

/// `path` and every file it re-exports through `import public`, transitively.
fn exported<'a>(set: &'a ProtoSet, path: &'a str, out: &mut HashSet<&'a str>) {
    if !out.insert(path) {
        return;
    }
    if let Some(file) = set.get(path) {
        for import in &file.ast.imports {
            if import.kind == ImportKind::Public {
                exported(set, &import.path, out);
            }
        }
    }
}

fn import_used(ctx: &Ctx, sink: &mut Sink) {
    let declared = Declared::of(ctx.set);
    for file in ctx.files() {
        let mut uses = Uses {
            declared: &declared,
            files: HashSet::new(),
        };
        uses.file(&file.ast, file.package());
        // Each used file is credited to one import: the file's own import if there is one,
        // otherwise the first import (in the order written) that re-exports it.
        let imports: Vec<_> = file
            .ast
            .imports
            .iter()
            .filter(|i| i.kind != ImportKind::Option)
            .map(|i| {
                let mut provided = HashSet::new();
                exported(ctx.set, &i.path, &mut provided);
                (i, provided)
            })
            .collect();
        let mut used = HashSet::new();
        for path in &uses.files {
            let direct = imports.iter().position(|(i, _)| i.path == *path);
            let credited = direct.or_else(|| imports.iter().position(|(_, p)| p.contains(path)));
            used.extend(credited);
        }
        for (index, (import, _)) in imports.iter().enumerate() {
            // A public import is there for the importers, not for this file.
            if import.kind == ImportKind::Public || used.contains(&index) {
                continue;
            }
            sink.lint(
                file.location(import.span),
                format!("'{}' is imported but nothing of it is used", import.path),
            );
        }
    }
}
