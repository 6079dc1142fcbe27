//! Bytes to text, in one place for every file treaty reads (contracts and configs): UTF-8 only,
//! and an error that says where the first byte that is not UTF-8 sits.

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

/// A file's text without its byte-order mark, or an error naming `display` and where it is not
/// UTF-8. The text shares the bytes' allocation (a tree's worth of text is the largest thing
/// treaty holds).
pub fn decode(display: &str, shared: &Arc<[u8]>) -> Result<Arc<str>, InputError> {
    let bytes: &[u8] = shared;
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
