//! The shared pairing layer every protobuf breaking rule reads: full-name indexes of both
//! revisions, built once per comparison.

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::sync::OnceLock;

use crate::finding::Location;
pub use crate::finding::Sink;
use crate::proto::ast::{Enum, Extend, Field, Message, Service, Span};
use crate::proto::model::{ProtoSet, SourceProto};

/// A message, with where it is and what contains it.
#[derive(Clone, Copy)]
pub struct MessageRef<'a> {
    pub file: &'a SourceProto,
    pub message: &'a Message,
    /// Full name without leading dot: `pkg.Outer.Inner`.
    pub full_name: &'a str,
    /// Name within the file's package: `Outer.Inner`.
    pub nested_name: &'a str,
}

#[derive(Clone, Copy)]
pub struct EnumRef<'a> {
    pub file: &'a SourceProto,
    pub e: &'a Enum,
    pub full_name: &'a str,
    pub nested_name: &'a str,
    /// The containing message's full name, if nested.
    pub parent: Option<&'a str>,
}

#[derive(Clone, Copy)]
pub struct ServiceRef<'a> {
    pub file: &'a SourceProto,
    pub service: &'a Service,
    pub full_name: &'a str,
}

/// An extension field with the `extend` block that declares it.
#[derive(Clone, Copy)]
pub struct ExtensionRef<'a> {
    pub file: &'a SourceProto,
    pub extend: &'a Extend,
    pub field: &'a Field,
    /// Full name of the extension field (scope of the `extend` + field name).
    pub full_name: &'a str,
    /// Name within the file's package: `Outer.ext_name` for an extension declared in `Outer`.
    pub nested_name: &'a str,
}

/// Every named element of one revision, by full name (only files of the compared tree).
#[derive(Default)]
pub struct Side<'a> {
    pub files: BTreeMap<&'a str, &'a SourceProto>,
    pub messages: HashMap<String, MessageRef<'a>>,
    pub enums: HashMap<String, EnumRef<'a>>,
    pub services: HashMap<String, ServiceRef<'a>>,
    pub extensions: HashMap<String, ExtensionRef<'a>>,
    /// Package name -> files declaring it.
    pub packages: BTreeMap<String, Vec<&'a SourceProto>>,
    /// Import path -> full names of what the file declares, so per-file lookups need not scan
    /// the whole revision.
    by_file: HashMap<&'a str, FileNames<'a>>,
    /// Fields by number of the messages with many fields, by full name, built on first use:
    /// every field rule pairs fields by number, and hashing a large message's fields once per
    /// rule made a message of 1M fields take seconds per rule.
    field_numbers: OnceLock<HashMap<&'a str, FieldsByNumber<'a>>>,
}

type FieldsByNumber<'a> = HashMap<i32, &'a Field>;

/// One message's fields by number ([`Side::field_numbers`]).
pub enum FieldNumbers<'s, 'a> {
    Scan(&'a [Field]),
    Indexed(&'s FieldsByNumber<'a>),
}

impl<'a> FieldNumbers<'_, 'a> {
    /// The field with `number`; the last one when several share it, as a map collected from
    /// the fields would hold.
    pub fn get(&self, number: i32) -> Option<&'a Field> {
        match self {
            FieldNumbers::Scan(fields) => fields.iter().rev().find(|f| f.number == number),
            FieldNumbers::Indexed(by_number) => by_number.get(&number).copied(),
        }
    }
}

/// Up to this many fields a scan finds a number faster than a hash map would.
const SCANNED_FIELDS: usize = 16;

#[derive(Default)]
struct FileNames<'a> {
    messages: Vec<&'a str>,
    enums: Vec<&'a str>,
    extensions: Vec<&'a str>,
}

pub fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

impl<'a> Side<'a> {
    pub fn new(set: &'a ProtoSet) -> Side<'a> {
        let mut side = Side::default();
        for file in set.tree_files() {
            side.files.insert(file.ast.path.as_str(), file);
            let package = file.package();
            side.packages
                .entry(package.to_string())
                .or_default()
                .push(file);
            for m in &file.ast.messages {
                side.add_message(file, package, "", m);
            }
            for e in &file.ast.enums {
                side.add_enum(file, package, "", None, e);
            }
            for s in &file.ast.services {
                let full = side.intern(join(package, &s.name));
                side.services.insert(
                    full.to_string(),
                    ServiceRef {
                        file,
                        service: s,
                        full_name: full,
                    },
                );
            }
            for x in &file.ast.extends {
                side.add_extend(file, package, "", x);
            }
        }
        side
    }

    fn intern(&mut self, s: String) -> &'a str {
        // The indexes live as long as one comparison; leaking keeps the borrow simple and
        // costs a few MB at most on the largest trees.
        Box::leak(s.into_boxed_str())
    }

    fn add_message(&mut self, file: &'a SourceProto, package: &str, outer: &str, m: &'a Message) {
        let nested = self.intern(join(outer, &m.name));
        let full = self.intern(join(package, nested));
        self.file_names(file).messages.push(full);
        self.messages.insert(
            full.to_string(),
            MessageRef {
                file,
                message: m,
                full_name: full,
                nested_name: nested,
            },
        );
        for n in &m.messages {
            self.add_message(file, package, nested, n);
        }
        for e in &m.enums {
            self.add_enum(file, package, nested, Some(full), e);
        }
        for x in &m.extends {
            self.add_extend(file, package, nested, x);
        }
    }

    fn add_enum(
        &mut self,
        file: &'a SourceProto,
        package: &str,
        outer: &str,
        parent: Option<&'a str>,
        e: &'a Enum,
    ) {
        let nested = self.intern(join(outer, &e.name));
        let full = self.intern(join(package, nested));
        self.file_names(file).enums.push(full);
        self.enums.insert(
            full.to_string(),
            EnumRef {
                file,
                e,
                full_name: full,
                nested_name: nested,
                parent,
            },
        );
    }

    /// `outer` is the nested name of the message containing the `extend`, empty at file level.
    fn add_extend(&mut self, file: &'a SourceProto, package: &str, outer: &str, x: &'a Extend) {
        for field in &x.fields {
            let nested = self.intern(join(outer, &field.name));
            let full = self.intern(join(package, nested));
            self.file_names(file).extensions.push(full);
            self.extensions.insert(
                full.to_string(),
                ExtensionRef {
                    file,
                    extend: x,
                    field,
                    full_name: full,
                    nested_name: nested,
                },
            );
        }
        // A group extension declares its message in the scope that contains the `extend`,
        // as protoc does.
        for m in &x.group_messages {
            self.add_message(file, package, outer, m);
        }
    }

    fn file_names(&mut self, file: &'a SourceProto) -> &mut FileNames<'a> {
        self.by_file.entry(file.ast.path.as_str()).or_default()
    }

    /// Message `m`'s (of this revision) fields by number: resolved once per message, then
    /// asked once per field.
    pub fn field_numbers(&self, m: &MessageRef<'a>) -> FieldNumbers<'_, 'a> {
        let fields = &m.message.fields;
        if fields.len() <= SCANNED_FIELDS {
            return FieldNumbers::Scan(fields);
        }
        let indexed = self.field_numbers.get_or_init(|| {
            self.messages
                .values()
                .filter(|m| m.message.fields.len() > SCANNED_FIELDS)
                .map(|m| {
                    let by_number = m.message.fields.iter().map(|f| (f.number, f)).collect();
                    (m.full_name, by_number)
                })
                .collect()
        });
        match indexed.get(m.full_name) {
            // Another message of the same full name (declared twice) is not in the index.
            Some(by_number) if std::ptr::eq(fields, &self.messages[m.full_name].message.fields) => {
                FieldNumbers::Indexed(by_number)
            }
            _ => FieldNumbers::Scan(fields),
        }
    }

    /// Messages of one file by nested name (`Outer.Inner`).
    pub fn file_messages(&self, path: &str) -> BTreeMap<&'a str, MessageRef<'a>> {
        let names = self.by_file.get(path).map_or(&[][..], |f| &f.messages[..]);
        names
            .iter()
            .filter_map(|full| self.messages.get(*full))
            .filter(|m| m.file.ast.path == path)
            .map(|m| (m.nested_name, *m))
            .collect()
    }

    /// Enums of one file by nested name.
    pub fn file_enums(&self, path: &str) -> BTreeMap<&'a str, EnumRef<'a>> {
        let names = self.by_file.get(path).map_or(&[][..], |f| &f.enums[..]);
        names
            .iter()
            .filter_map(|full| self.enums.get(*full))
            .filter(|e| e.file.ast.path == path)
            .map(|e| (e.nested_name, *e))
            .collect()
    }

    /// Extensions of one file by nested name (`ext_name` or `Outer.ext_name`).
    pub fn file_extensions(&self, path: &str) -> BTreeMap<&'a str, ExtensionRef<'a>> {
        let names = self
            .by_file
            .get(path)
            .map_or(&[][..], |f| &f.extensions[..]);
        names
            .iter()
            .filter_map(|full| self.extensions.get(*full))
            .filter(|x| x.file.ast.path == path)
            .map(|x| (x.nested_name, *x))
            .collect()
    }
}

/// One comparison: the old and the new revision, indexed.
pub struct Ctx<'a> {
    pub old_set: &'a ProtoSet,
    pub new_set: &'a ProtoSet,
    pub old: Side<'a>,
    pub new: Side<'a>,
    /// Messages in both revisions with their fields indexed, shared by the guide's rules.
    pub(super) guide_pairs: OnceLock<Vec<super::guide::MessagePair<'a>>>,
    field_pairs: OnceLock<super::fields::FieldPairs<'a>>,
}

impl<'a> Ctx<'a> {
    pub fn new(old_set: &'a ProtoSet, new_set: &'a ProtoSet) -> Ctx<'a> {
        let (old, new) = rayon::join(|| Side::new(old_set), || Side::new(new_set));
        Ctx {
            old_set,
            new_set,
            old,
            new,
            guide_pairs: OnceLock::new(),
            field_pairs: OnceLock::new(),
        }
    }

    /// The fields present in both revisions, paired on first use.
    pub(super) fn field_pairs(&self) -> &super::fields::FieldPairs<'a> {
        self.field_pairs
            .get_or_init(|| super::fields::FieldPairs::of(self))
    }

    /// Messages present in both revisions, paired by full name (old, new).
    pub fn message_pairs(&self) -> impl Iterator<Item = (&MessageRef<'a>, &MessageRef<'a>)> + '_ {
        (self.old.messages.iter())
            .filter_map(|(full, old)| Some((old, self.new.messages.get(full)?)))
    }

    /// Pairs of files present in both revisions, by import path, in path order.
    pub fn file_pairs(&self) -> impl Iterator<Item = (&'a SourceProto, &'a SourceProto)> + '_ {
        self.old
            .files
            .iter()
            .filter_map(|(path, old)| self.new.files.get(path).map(|new| (*old, *new)))
    }

    /// Where a deleted element of `file` (new revision) whose old nested name is `nested`
    /// is reported: the closest enclosing message that still exists, else the file.
    pub fn deleted_parent_location(&self, file: &SourceProto, nested: &str) -> Location {
        let package = file.package();
        let mut name = nested;
        while let Some(dot) = name.rfind('.') {
            name = &name[..dot];
            if let Some(m) = self.new.messages.get(&join(package, name)) {
                if m.file.ast.path == file.ast.path {
                    return m.file.location(m.message.span);
                }
            }
        }
        file.file_location()
    }
}

/// Shorthand for `file.location(span)`.
pub fn loc(file: &SourceProto, span: Span) -> Location {
    file.location(span)
}

/// Quote `bytes` as Go's `%q` does (`strconv.Quote`): buf's messages quote names and option
/// values this way, and users grep for them. Invalid UTF-8 bytes become `\xNN`.
pub fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x0b' => out.push_str("\\v"),
                c if go_is_print(c) => out.push(c),
                c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push_str(&format!("\\U{:08x}", c as u32)),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// Close to Go's `unicode.IsPrint`: graphic characters and the ASCII space; other spaces,
/// controls and format characters are escaped.
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    // Format characters (Unicode category Cf) that Go escapes, and private-use areas
    // and noncharacters, which are not graphic either.
    !matches!(c as u32,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff | 0xfdd0..=0xfdef | 0xfffe | 0xffff
        | 0xe0001 | 0xe0020..=0xe007f)
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote(b"Shop\\V1"), r#""Shop\\V1""#);
        assert_eq!(go_quote(b"a\"b"), r#""a\"b""#);
        assert_eq!(go_quote(b"tab\there\n"), r#""tab\there\n""#);
        assert_eq!(go_quote(b"\x00\x1b"), r#""\x00\x1b""#);
        assert_eq!(go_quote("caf\u{e9}".as_bytes()), "\"caf\u{e9}\"");
        assert_eq!(go_quote("\u{a0}\u{200b}".as_bytes()), r#""\u00a0\u200b""#);
        assert_eq!(go_quote(b"\xff\xfe"), r#""\xff\xfe""#);
        assert_eq!(go_quote(b""), r#""""#);
    }
}
