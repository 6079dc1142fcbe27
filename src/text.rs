//! Bytes to text, in one place for every file treaty reads (contracts and configs): UTF-8, or
//! UTF-16 that says so with a byte-order mark (editors on Windows save it), and an error that
//! says where the first character that does not decode sits. A git LFS pointer stored in place
//! of a contract is refused here too: its text is not the contract's.

use std::sync::Arc;

use crate::diag::InputError;
use crate::finding::Location;

/// Where the first byte that is not UTF-8 sits, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadByte {
    pub line: u32,
    /// Counted in characters, like every column treaty prints.
    pub column: u32,
    /// Counted in bytes: what [`decode`] has always reported.
    pub byte_column: u32,
}

/// `bytes` as text (a byte-order mark, if any, is kept), or where they stop being UTF-8.
pub fn utf8(bytes: &[u8]) -> Result<&str, BadByte> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // The prefix is valid UTF-8, so counting non-continuation bytes counts characters.
        let column = good[line_start..]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count()
            + 1;
        BadByte {
            line: line as u32,
            column: column as u32,
            byte_column: (good.len() - line_start) as u32 + 1,
        }
    })
}

/// Whether `bytes` start with a UTF-16 byte-order mark (little- or big-endian).
pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

/// Whether `bytes` are a git LFS pointer (what a checkout without `git lfs` holds in place of a
/// tracked file): a short text whose first line names the LFS spec and which names an object.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    // The LFS spec keeps pointers under 1024 bytes; the first line is fixed.
    bytes.len() < 1024
        && bytes.starts_with(b"version https://git-lfs.github.com/spec/")
        && memchr::memmem::find(bytes, b"\noid ").is_some()
}

/// The error for a git LFS pointer found where a contract should be.
pub fn lfs_pointer_error(display: &str) -> InputError {
    InputError::in_file(display, "file is a git LFS pointer, not its content").with_hint(
        "run `git lfs pull` to fetch the LFS objects (in CI, check out with LFS: \
         actions/checkout `lfs: true`), then run treaty again",
    )
}

/// Text of bytes that do not decode (or only begin a file), to look for words in: UTF-16 when a
/// byte-order mark says so, else UTF-8, with replacement characters where they fail.
pub fn lossy(bytes: &[u8]) -> String {
    let utf16 = |body: &[u8], unit: fn([u8; 2]) -> u16| {
        let units = body.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(body, u16::from_le_bytes)
    } else if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(body, u16::from_be_bytes)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// A file's text without its byte-order mark, or an error naming `display` and where it does
/// not decode. UTF-8 text shares the bytes' allocation (a tree's worth of text is the largest
/// thing treaty holds); UTF-16 (only with a byte-order mark: without one it cannot be told from
/// other bytes) is converted.
pub fn decode(display: &str, shared: &Arc<[u8]>) -> Result<Arc<str>, InputError> {
    let bytes: &[u8] = shared;
    if is_lfs_pointer(bytes) {
        return Err(lfs_pointer_error(display));
    }
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(display, body, u16::from_le_bytes);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(display, body, u16::from_be_bytes);
    }
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let bytes = without_bom.unwrap_or(bytes);
    match utf8(bytes) {
        Ok(text) if without_bom.is_some() => Ok(Arc::from(text)),
        Ok(_) => {
            let raw = Arc::into_raw(shared.clone()) as *const str;
            // SAFETY: the bytes were just validated as UTF-8, and `str` has the layout of
            // `[u8]`, so the allocation is a valid `Arc<str>`.
            Ok(unsafe { Arc::from_raw(raw) })
        }
        Err(bad) => Err(InputError::at(
            "file is not valid UTF-8",
            Location {
                file: display.to_string(),
                line: bad.line,
                column: bad.byte_column,
                end_line: bad.line,
                end_column: bad.byte_column + 1,
            },
            None,
        )),
    }
}

/// UTF-16 text (after its byte-order mark) as UTF-8, or an error at the first unit that does
/// not decode (an odd trailing byte, a lone surrogate).
fn utf16(display: &str, body: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Arc<str>, InputError> {
    let units = body.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(body.len() / 2);
    // An odd trailing byte is half a unit.
    let mut good = body.len() % 2 == 0;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                good = false;
                break;
            }
        }
    }
    if good {
        return Ok(Arc::from(text));
    }
    // Lines and columns in characters of what decoded, like every position treaty prints.
    let line = text.matches('\n').count() as u32 + 1;
    let column = text.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Err(InputError::at(
        "file is not valid UTF-16 (it starts with a UTF-16 byte-order mark)",
        Location {
            file: display.to_string(),
            line,
            column,
            end_line: line,
            end_column: column + 1,
        },
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_shares_the_bytes_and_drops_a_bom() {
        let bytes: Arc<[u8]> = Arc::from(&b"syntax = \"proto3\";"[..]);
        let text = decode("a.proto", &bytes).unwrap();
        assert_eq!(&*text, "syntax = \"proto3\";");
        assert_eq!(text.as_ptr(), bytes.as_ptr());
        let bom: Arc<[u8]> = Arc::from(&b"\xEF\xBB\xBFsyntax"[..]);
        assert_eq!(&*decode("b.proto", &bom).unwrap(), "syntax");
    }

    #[test]
    fn decode_reads_utf16_with_a_bom() {
        let le: Arc<[u8]> = Arc::from(&b"\xFF\xFEa\x00:\x00\n\x00\xE9\x00"[..]);
        assert_eq!(&*decode("a.yaml", &le).unwrap(), "a:\n\u{e9}");
        let be: Arc<[u8]> = Arc::from(&b"\xFE\xFF\x00a\xD8\x3D\xDE\x00"[..]);
        assert_eq!(&*decode("a.yaml", &be).unwrap(), "a\u{1F600}");
        // A lone surrogate on line 2, after one character.
        let bad: Arc<[u8]> = Arc::from(&b"\xFF\xFEa\x00\n\x00b\x00\x00\xD8c\x00"[..]);
        let err = decode("a.yaml", &bad).unwrap_err();
        let loc = err.location().unwrap();
        assert_eq!((loc.file.as_str(), loc.line, loc.column), ("a.yaml", 2, 2));
        assert!(err.message.contains("UTF-16"), "{err}");
        let odd: Arc<[u8]> = Arc::from(&b"\xFF\xFEa\x00b"[..]);
        assert!(decode("a.yaml", &odd).is_err());
        // Cut off mid-character, as the head of an oversized file is: what decodes is kept.
        assert_eq!(lossy(b"\xFF\xFEo\x00p\x00\x00\xD8"), "op\u{FFFD}");
        assert_eq!(lossy(b"openapi: \xE2\x82"), "openapi: \u{FFFD}");
    }

    #[test]
    fn decode_refuses_an_lfs_pointer() {
        let pointer: Arc<[u8]> = Arc::from(
            &b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12\n"[..],
        );
        let err = decode("api/a.proto", &pointer).unwrap_err();
        assert_eq!(err.file(), Some("api/a.proto"));
        assert!(err.message.contains("git LFS pointer"), "{err}");
        // Text that merely mentions the spec is text.
        let text: Arc<[u8]> = Arc::from(&b"# version https://git-lfs.github.com/spec/v1\n"[..]);
        assert!(decode("a.yaml", &text).is_ok());
    }

    #[test]
    fn decode_names_file_line_and_column() {
        let bytes: Arc<[u8]> = Arc::from(&b"syntax = \"proto3\";\nmessage \xff {}"[..]);
        let err = decode("a.proto", &bytes).unwrap_err();
        let loc = err.location().unwrap();
        assert_eq!((loc.file.as_str(), loc.line, loc.column), ("a.proto", 2, 9));
    }

    #[test]
    fn bad_byte_columns_in_characters_and_bytes() {
        let bad = utf8(b"a\n\xC3\xA7b\xff").unwrap_err();
        assert_eq!(
            bad,
            BadByte {
                line: 2,
                column: 3,
                byte_column: 4
            }
        );
    }
}
