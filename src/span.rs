//! Positions in a file's text: byte ranges ([`Span`]) and their 1-based lines and columns.

/// Byte range `[start, end)` in a file's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// Line starts of one text, for turning byte offsets into positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Characters before each `BLOCK`-byte boundary: a column on a long line (a spec shipped as
    /// one line of JSON) is counted from the nearest mark, not from the line's start, so
    /// thousands of findings on one line stay linear. Marks every 256 bytes cost 1.6% of the
    /// text and keep the count short: with 4 KiB, 130,000 findings on one line spent 7% of a
    /// comparison counting.
    chars_before_block: Vec<u32>,
}

const BLOCK: usize = 256;

/// Characters starting in `bytes`: every byte that does not continue a UTF-8 sequence.
fn chars_in(bytes: &[u8]) -> usize {
    // Most of a spec is ASCII, which std checks a word at a time.
    if bytes.is_ascii() {
        return bytes.len();
    }
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32 + 1));
        let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0;
        for block in bytes.chunks(BLOCK) {
            chars_before_block.push(chars as u32);
            chars += chars_in(block);
        }
        chars_before_block.push(chars as u32);
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    /// Characters before byte `offset` of `text`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars_before_block[block] as usize + chars_in(&text.as_bytes()[block * BLOCK..offset])
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts, if the text has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).map(|&s| s as usize)
    }

    /// The byte offset of 1-based `line` and `column` (in characters), clamped to the line's
    /// end and the text's; counted from the nearest mark, like [`LineIndex::position`].
    pub fn offset(&self, text: &str, line: u32, column: u32) -> usize {
        let Some(start) = self.line_start(line.saturating_sub(1) as usize) else {
            return text.len();
        };
        let start = start.min(text.len());
        let end = self
            .line_start(line as usize)
            .map_or(text.len(), |next| next.saturating_sub(1))
            .min(text.len());
        let wanted = self.chars_before(text, start) + column.saturating_sub(1) as usize;
        // The last block starting at or before the wanted character, then a walk within it.
        let block = self
            .chars_before_block
            .partition_point(|&c| c as usize <= wanted)
            .saturating_sub(1);
        let from = (block * BLOCK).max(start).min(end);
        let mut chars = self.chars_before(text, from);
        let bytes = text.as_bytes();
        let mut at = from;
        while at < end {
            if bytes[at] & 0xC0 != 0x80 {
                if chars == wanted {
                    return at;
                }
                chars += 1;
            }
            at += 1;
        }
        end
    }

    /// 1-based line and 1-based column (counted in characters) of a byte offset.
    pub fn position(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = (self.starts[line] as usize).min(text.len());
        let end = (offset as usize).min(text.len());
        // A usual line is shorter than the walk from a block's mark would be.
        let column = if end - start <= BLOCK / 2 {
            chars_in(&text.as_bytes()[start..end])
        } else {
            self.chars_before(text, end) - self.chars_before(text, start)
        };
        (line as u32 + 1, column as u32 + 1)
    }
}

/// Line and character column (both 1-based) of a byte offset, by scanning. For error paths
/// only; the parsers track positions incrementally.
pub(crate) fn line_col_at(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = text[start..offset].chars().count() + 1;
    (line as u32, col as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 3), (2, 1));
        // 'ç' is two bytes: the 'd' after it is the second character.
        assert_eq!(index.position(text, 5), (2, 2));
        assert_eq!(index.position(text, 7), (3, 1));
    }

    #[test]
    fn columns_on_a_line_longer_than_a_block_count_characters() {
        // One line of JSON with multi-byte characters on both sides of several block edges.
        let text = format!("x\n{}", "{\"é\": \"日本\"}, ".repeat(2_000));
        let index = LineIndex::new(&text);
        for offset in (0..text.len())
            .filter(|&o| text.is_char_boundary(o))
            .step_by(997)
        {
            assert_eq!(
                index.position(&text, offset as u32),
                line_col_at(&text, offset),
                "at byte {offset}"
            );
        }
    }

    #[test]
    fn offsets_invert_positions() {
        let text = format!("ab\n{}\nlast", "{\"é\": \"日本\"}, ".repeat(2_000));
        let index = LineIndex::new(&text);
        for offset in (0..text.len())
            .filter(|&o| text.is_char_boundary(o))
            .step_by(331)
        {
            let (line, column) = index.position(&text, offset as u32);
            assert_eq!(
                index.offset(&text, line, column),
                offset,
                "at byte {offset}"
            );
        }
        // Past a line's end: its end; past the text: the text's end.
        assert_eq!(index.offset(&text, 1, 99), 2);
        assert_eq!(index.offset(&text, 9, 1), text.len());
        // The empty line after a final newline, in a text shorter than a block.
        let short = "a\nb\n";
        assert_eq!(LineIndex::new(short).offset(short, 3, 1), short.len());
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "a\nçb";
        assert_eq!(line_col_at(text, 0), (1, 1));
        assert_eq!(line_col_at(text, 4), (2, 2));
        assert_eq!(line_col_at(text, 99), (2, 3));
    }
}
