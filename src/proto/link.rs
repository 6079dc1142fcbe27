//! The lean linker: a symbol table of every message, enum and service by full name, then
//! every type reference resolved with protobuf's scoping rules (innermost scope first).
//! It checks only what the rules depend on: duplicate symbols and unresolvable names.

use std::collections::{HashMap, HashSet};

use super::ast::{Enum, Extend, Field, FieldType, Message, RefKind, TypeRef};
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
    errors: Vec<InputError>,
}

impl Table {
    fn define(
        &mut self,
        set: &ProtoSet,
        file: usize,
        full_name: String,
        kind: SymbolKind,
        span: super::ast::Span,
    ) {
        if let Some(existing) = self.symbols.get(&full_name) {
            if existing.kind == SymbolKind::Package && kind == SymbolKind::Package {
                return;
            }
            let here = &set.files[file];
            let there = &set.files[existing.file];
            self.errors.push(InputError::at(
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

    fn define_message(&mut self, set: &ProtoSet, file: usize, scope: &str, message: &Message) {
        let name = join(scope, &message.name);
        self.define(
            set,
            file,
            name.clone(),
            SymbolKind::Message,
            message.name_span,
        );
        self.unique_fields(set, file, &name, message);
        for nested in &message.messages {
            self.define_message(set, file, &name, nested);
        }
        for e in &message.enums {
            self.define_enum(set, file, &name, e);
        }
        for extend in &message.extends {
            for group in &extend.group_messages {
                self.define_message(set, file, &name, group);
            }
        }
    }

    /// Two fields of one message with the same number or name: protoc refuses the file, and
    /// the comparisons, which pair fields by number and by name, would pair the wrong ones.
    fn unique_fields(&mut self, set: &ProtoSet, file: usize, name: &str, message: &Message) {
        let here = &set.files[file];
        let mut numbers: HashMap<i32, &str> = HashMap::new();
        let mut names: HashSet<&str> = HashSet::new();
        for field in &message.fields {
            let (number, field_name) = (field.number, &field.name);
            let clash = if let Some(first) = numbers.get(&number) {
                let text = format!("field number {number} of {name:?} is taken by field {first:?}");
                Some((text, field.number_span))
            } else if !names.insert(field_name) {
                let text = format!("field {field_name:?} of {name:?} is declared twice");
                Some((text, field.name_span))
            } else {
                None
            };
            numbers.entry(number).or_insert(field_name);
            if let Some((text, span)) = clash {
                let location = here.location(span);
                self.errors
                    .push(InputError::at(text, location, Some(here.text.clone())));
            }
        }
    }

    fn define_enum(&mut self, set: &ProtoSet, file: usize, scope: &str, e: &Enum) {
        self.define(
            set,
            file,
            join(scope, &e.name),
            SymbolKind::Enum,
            e.name_span,
        );
    }

    /// Resolve `written` from `scope` the way protoc does: try the innermost scope first
    /// and walk outwards; a leading dot means fully qualified.
    fn resolve(&self, scope: &str, written: &str) -> Option<(String, SymbolKind)> {
        let lookup = |name: &str| self.symbols.get(name).map(|s| s.kind);
        if let Some(full) = written.strip_prefix('.') {
            return lookup(full).map(|k| (full.to_string(), k));
        }
        let first = written.split('.').next().unwrap_or(written);
        let mut scope = scope;
        loop {
            let candidate_first = join(scope, first);
            if lookup(&candidate_first).is_some() {
                let candidate = join(scope, written);
                if let Some(kind) = lookup(&candidate) {
                    if kind == SymbolKind::Message || kind == SymbolKind::Enum {
                        return Some((candidate, kind));
                    }
                }
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope.rfind('.').map_or("", |i| &scope[..i]);
        }
    }
}

struct Resolver<'t> {
    table: &'t Table,
    errors: Vec<(String, super::ast::Span)>,
}

impl Resolver<'_> {
    fn type_ref(&mut self, scope: &str, r: &mut TypeRef, messages_only: bool) {
        match self.table.resolve(scope, &r.written) {
            Some((name, SymbolKind::Message)) => {
                r.resolved = name;
                r.kind = RefKind::Message;
            }
            Some((name, SymbolKind::Enum)) if !messages_only => {
                r.resolved = name;
                r.kind = RefKind::Enum;
            }
            Some((name, _)) => self
                .errors
                .push((format!("{name:?} is not a message type"), r.span)),
            None => self
                .errors
                .push((format!("type {:?} is not defined", r.written), r.span)),
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
    let mut table = Table {
        symbols: HashMap::new(),
        errors: Vec::new(),
    };
    for (index, file) in set.files.iter().enumerate() {
        let package = file.package().to_string();
        if let Some(p) = &file.ast.package {
            let mut prefix = String::new();
            for part in package.split('.') {
                prefix = join(&prefix, part);
                table.define(set, index, prefix.clone(), SymbolKind::Package, p.name_span);
            }
        }
        for message in &file.ast.messages {
            table.define_message(set, index, &package, message);
        }
        for e in &file.ast.enums {
            table.define_enum(set, index, &package, e);
        }
        for service in &file.ast.services {
            table.define(
                set,
                index,
                join(&package, &service.name),
                SymbolKind::Service,
                service.name_span,
            );
        }
        for extend in &file.ast.extends {
            for group in &extend.group_messages {
                table.define_message(set, index, &package, group);
            }
        }
    }
    let mut errors = std::mem::take(&mut table.errors);

    for file in &mut set.files {
        let package = file.package().to_string();
        let mut resolver = Resolver {
            table: &table,
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
        for (message, span) in resolver.errors {
            errors.push(InputError::at(
                message,
                file.location(span),
                Some(file.text.clone()),
            ));
        }
    }
    errors
}
