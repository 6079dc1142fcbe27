//! The lean linker: a symbol table of every message, enum and service by full name, then
//! every type reference resolved with protobuf's scoping rules (innermost scope first).
//! It checks only what the rules depend on: duplicate symbols and unresolvable names.

// foldhash: SipHash over every full name took a tenth of linking googleapis.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;

use super::ast::{Enum, Extend, Field, FieldType, ImportKind, Message, RefKind, TypeRef};
use super::model::ProtoSet;
use crate::diag::InputError;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SymbolKind {
    Package,
    Message,
    Enum,
    Service,
}

struct Symbol {
    kind: SymbolKind,
    file: usize,
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

struct Table {
    symbols: HashMap<String, Symbol>,
}

/// What one file declares, in declaration order, and the clashes among its fields: built for
/// every file in parallel, so that filling the table is only moving names in.
#[derive(Default)]
struct Declared {
    symbols: Vec<(String, SymbolKind, super::ast::Span)>,
    field_clashes: Vec<(String, super::ast::Span)>,
}

impl Declared {
    fn of(file: &super::model::SourceProto) -> Declared {
        let mut declared = Declared::default();
        let package = file.package();
        if let Some(p) = &file.ast.package {
            let mut end = 0;
            for part in package.split('.') {
                end += part.len();
                declared.symbols.push((
                    package[..end].to_string(),
                    SymbolKind::Package,
                    p.name_span,
                ));
                end += 1;
            }
        }
        for message in &file.ast.messages {
            declared.message(package, message);
        }
        for e in &file.ast.enums {
            declared.enumeration(package, e);
        }
        for service in &file.ast.services {
            let name = join(package, &service.name);
            (declared.symbols).push((name, SymbolKind::Service, service.name_span));
        }
        for extend in &file.ast.extends {
            for group in &extend.group_messages {
                declared.message(package, group);
            }
        }
        declared
    }

    fn message(&mut self, scope: &str, message: &Message) {
        let name = join(scope, &message.name);
        self.unique_fields(&name, message);
        (self.symbols).push((name.clone(), SymbolKind::Message, message.name_span));
        for nested in &message.messages {
            self.message(&name, nested);
        }
        for e in &message.enums {
            self.enumeration(&name, e);
        }
        for extend in &message.extends {
            for group in &extend.group_messages {
                self.message(&name, group);
            }
        }
    }

    fn enumeration(&mut self, scope: &str, e: &Enum) {
        (self.symbols).push((join(scope, &e.name), SymbolKind::Enum, e.name_span));
    }

    /// Two fields of one message with the same number or name: protoc refuses the file, and
    /// the comparisons, which pair fields by number and by name, would pair the wrong ones.
    fn unique_fields(&mut self, name: &str, message: &Message) {
        let fields = &message.fields;
        // A few fields are checked against each other; many (up to a million) through maps.
        let indexed = fields.len() > 16;
        let mut numbers: HashMap<i32, &str> = HashMap::new();
        let mut names: HashSet<&str> = HashSet::new();
        for (i, field) in fields.iter().enumerate() {
            let (number, field_name) = (field.number, field.name.as_str());
            let (first, named_before) = if indexed {
                let first = numbers.get(&number).copied();
                numbers.entry(number).or_insert(field_name);
                (first, !names.insert(field_name))
            } else {
                let earlier = &fields[..i];
                let first = earlier.iter().find(|f| f.number == number);
                let named = earlier.iter().any(|f| f.name == field_name);
                (first.map(|f| f.name.as_str()), named)
            };
            if let Some(first) = first {
                let text = format!("field number {number} of {name:?} is taken by field {first:?}");
                self.field_clashes.push((text, field.number_span));
            } else if named_before {
                let text = format!("field {field_name:?} of {name:?} is declared twice");
                self.field_clashes.push((text, field.name_span));
            }
        }
    }
}

impl Table {
    fn define(
        &mut self,
        set: &ProtoSet,
        file: usize,
        (full_name, kind, span): (String, SymbolKind, super::ast::Span),
        errors: &mut Vec<InputError>,
    ) {
        if let Some(existing) = self.symbols.get(&full_name) {
            if existing.kind == SymbolKind::Package && kind == SymbolKind::Package {
                return;
            }
            let here = &set.files[file];
            let there = &set.files[existing.file];
            errors.push(InputError::at(
                format!(
                    "{full_name:?} is declared multiple times (also in {})",
                    there.display
                ),
                here.location(span),
                Some(here.text.clone()),
            ));
            return;
        }
        self.symbols.insert(full_name, Symbol { kind, file });
    }

    /// Resolve `written` from `scope` the way protoc does: try the innermost scope first
    /// and walk outwards; a leading dot means fully qualified. Only the symbols `seen` lets
    /// the file see count, and the first scope where the first component of the name is
    /// found decides: when the rest is not there, the name does not resolve (protoc does not
    /// go on outwards): the error then holds the name it resolved to.
    fn resolve(
        &self,
        scope: &str,
        written: &str,
        seen: &Visible,
    ) -> Result<(String, SymbolKind), Option<String>> {
        let lookup = |name: &str| {
            let symbol = self.symbols.get(name)?;
            let visible = match symbol.kind {
                // A package is visible through any visible file in it or below it.
                SymbolKind::Package => seen.files.iter().any(|&f| {
                    let package = seen.packages[f];
                    package == name
                        || (package.starts_with(name) && package.as_bytes()[name.len()] == b'.')
                }),
                _ => seen.files.contains(&symbol.file),
            };
            visible.then_some(symbol.kind)
        };
        if let Some(full) = written.strip_prefix('.') {
            return lookup(full).map(|k| (full.to_string(), k)).ok_or(None);
        }
        let first = written.split('.').next().unwrap_or(written);
        let mut scope = scope;
        // One buffer for every candidate: a reference deep in a package tries a name per level.
        let mut candidate = String::with_capacity(scope.len() + written.len() + 1);
        loop {
            candidate.clear();
            candidate.push_str(scope);
            if !scope.is_empty() {
                candidate.push('.');
            }
            let prefix = candidate.len();
            candidate.push_str(first);
            if lookup(&candidate).is_some() {
                candidate.truncate(prefix);
                candidate.push_str(written);
                return match lookup(&candidate) {
                    Some(kind) => Ok((candidate, kind)),
                    None => Err(Some(candidate)),
                };
            }
            if scope.is_empty() {
                return Err(None);
            }
            scope = scope.rfind('.').map_or("", |i| &scope[..i]);
        }
    }

    /// Where `written` would resolve if every file were imported: for saying which import
    /// is missing.
    fn defined_in(&self, written: &str) -> Option<usize> {
        let name = written.strip_prefix('.').unwrap_or(written);
        let suffix = format!(".{name}");
        (self.symbols.iter())
            .filter(|(full, s)| {
                s.kind != SymbolKind::Package && (*full == name || full.ends_with(&suffix))
            })
            .map(|(_, s)| s.file)
            .min()
    }
}

/// The files whose symbols one file sees: itself, what it imports, and what those import
/// publicly, transitively (as protoc builds a file's dependencies).
struct Visible<'p> {
    files: HashSet<usize>,
    /// Every file's package, by file index.
    packages: &'p [&'p str],
}

fn visible_files(set: &ProtoSet, by_path: &HashMap<&str, usize>, file: usize) -> HashSet<usize> {
    let mut files = HashSet::new();
    files.insert(file);
    let imports = |f: usize| set.files[f].ast.imports.iter();
    let mut todo: Vec<usize> = imports(file)
        .filter(|i| i.kind != ImportKind::Option)
        .filter_map(|i| by_path.get(i.path.as_str()).copied())
        .collect();
    while let Some(f) = todo.pop() {
        if files.insert(f) {
            todo.extend(
                imports(f)
                    .filter(|i| i.kind == ImportKind::Public)
                    .filter_map(|i| by_path.get(i.path.as_str()).copied()),
            );
        }
    }
    files
}

struct Resolver<'t> {
    table: &'t Table,
    seen: Visible<'t>,
    /// Every file's display path, by file index.
    files: &'t [String],
    errors: Vec<(String, super::ast::Span)>,
}

impl Resolver<'_> {
    fn type_ref(&mut self, scope: &str, r: &mut TypeRef, messages_only: bool) {
        match self.table.resolve(scope, &r.written, &self.seen) {
            Ok((name, SymbolKind::Message)) => {
                r.resolved = name;
                r.kind = RefKind::Message;
            }
            Ok((name, SymbolKind::Enum)) if !messages_only => {
                r.resolved = name;
                r.kind = RefKind::Enum;
            }
            Ok((name, _)) => self
                .errors
                .push((format!("{name:?} is not a message type"), r.span)),
            Err(Some(resolved)) => self.errors.push((
                format!(
                    "type {:?} resolves to {resolved:?}, which is not defined (the scope it was found in hides any outer one)",
                    r.written
                ),
                r.span,
            )),
            Err(None) => {
                let text = match self.table.defined_in(&r.written) {
                    Some(f) if !self.seen.files.contains(&f) => format!(
                        "type {:?} is not defined here: a file this one does not import, {}, defines it",
                        r.written, self.files[f]
                    ),
                    _ => format!("type {:?} is not defined", r.written),
                };
                self.errors.push((text, r.span))
            }
        }
    }

    fn field(&mut self, scope: &str, field: &mut Field) {
        if let FieldType::Named(r) = &mut field.ty {
            self.type_ref(scope, r, false);
        }
    }

    fn extend(&mut self, scope: &str, extend: &mut Extend) {
        self.type_ref(scope, &mut extend.extendee, true);
        for field in &mut extend.fields {
            self.field(scope, field);
        }
        for group in &mut extend.group_messages {
            self.message(scope, group);
        }
    }

    fn message(&mut self, scope: &str, message: &mut Message) {
        let name = join(scope, &message.name);
        for field in &mut message.fields {
            self.field(&name, field);
        }
        for nested in &mut message.messages {
            self.message(&name, nested);
        }
        for extend in &mut message.extends {
            self.extend(&name, extend);
        }
    }
}

/// Resolve every type reference of `set` in place; returns the errors found.
pub fn link(set: &mut ProtoSet) -> Vec<InputError> {
    let declared: Vec<Declared> = set.files.par_iter().map(Declared::of).collect();
    let mut table = Table {
        symbols: HashMap::with_capacity(declared.iter().map(|d| d.symbols.len()).sum()),
    };
    let mut errors = Vec::new();
    // In file order: of two declarations of one name, the later one is the error.
    for (index, declared) in declared.into_iter().enumerate() {
        let here = &set.files[index];
        for (text, span) in declared.field_clashes {
            errors.push(InputError::at(
                text,
                here.location(span),
                Some(here.text.clone()),
            ));
        }
        for symbol in declared.symbols {
            table.define(set, index, symbol, &mut errors);
        }
    }

    let by_path: HashMap<&str, usize> = (set.files.iter().enumerate())
        .map(|(i, f)| (f.ast.path.as_str(), i))
        .collect();
    // Each file resolves against the finished table on its own: in parallel.
    let seen: Vec<HashSet<usize>> = (0..set.files.len())
        .into_par_iter()
        .map(|f| visible_files(set, &by_path, f))
        .collect();
    let packages: Vec<String> = set.files.iter().map(|f| f.package().to_string()).collect();
    let packages: Vec<&str> = packages.iter().map(String::as_str).collect();
    let displays: Vec<String> = set.files.iter().map(|f| f.display.clone()).collect();
    let resolved: Vec<Vec<InputError>> = (set.files.par_iter_mut())
        .zip(seen)
        .map(|(file, seen)| {
            let package = file.package().to_string();
            let mut resolver = Resolver {
                table: &table,
                seen: Visible {
                    files: seen,
                    packages: &packages,
                },
                files: &displays,
                errors: Vec::new(),
            };
            for message in &mut file.ast.messages {
                resolver.message(&package, message);
            }
            for extend in &mut file.ast.extends {
                resolver.extend(&package, extend);
            }
            for service in &mut file.ast.services {
                for method in &mut service.methods {
                    resolver.type_ref(&package, &mut method.input, true);
                    resolver.type_ref(&package, &mut method.output, true);
                }
            }
            (resolver.errors.into_iter())
                .map(|(message, span)| {
                    InputError::at(message, file.location(span), Some(file.text.clone()))
                })
                .collect()
        })
        .collect();
    errors.extend(resolved.into_iter().flatten());
    errors
}
