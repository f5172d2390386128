//! Byte offsets to 1-based lines and columns.
//!
//! Lines end at `\n` (so `\r\n` files work: the `\r` belongs to the line it ends). Columns count
//! Unicode scalar values from the line start, so they match what an editor shows for UTF-8 text;
//! invalid UTF-8 bytes count one column each. A UTF-8 byte-order mark at the start of the file is
//! not counted.

/// Line starts of one text, built once per document that has something to report.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl LineIndex {
    pub fn new(text: &[u8]) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line number holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn position(&self, text: &[u8], offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let mut start = self.starts[line];
        if start == 0 && text.starts_with(BOM) && offset >= BOM.len() {
            start = BOM.len();
        }
        let column = count_chars(&text[start..offset]) + 1;
        Position {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The byte range of 1-based `line`, without its line terminator.
    pub fn line_range(&self, text: &[u8], line: u32) -> std::ops::Range<usize> {
        let i = (line as usize).saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let mut end = self.starts.get(i + 1).map_or(text.len(), |n| n - 1);
        if end > start && text[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Unicode scalar values in `bytes`, counting each invalid byte as one.
pub fn count_chars(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|c| c.valid().chars().count() + c.invalid().len())
        .sum()
}

/// Byte offset of a 1-based (line, column-in-chars) position in `text`; clamps to the text.
pub fn offset_of(text: &str, line: u32, column: u32) -> usize {
    if line == 0 {
        return 0;
    }
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let col = (column.max(1) - 1) as usize;
            return offset
                + l.char_indices()
                    .nth(col)
                    .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(text: &[u8], offset: usize) -> (u32, u32) {
        let p = LineIndex::new(text).position(text, offset);
        (p.line, p.column)
    }

    #[test]
    fn lf_and_crlf() {
        assert_eq!(pos(b"ab\ncd", 3), (2, 1));
        assert_eq!(pos(b"ab\r\ncd", 4), (2, 1));
        assert_eq!(pos(b"ab\r\ncd", 5), (2, 2));
        assert_eq!(pos(b"", 0), (1, 1));
        assert_eq!(pos(b"a\n", 2), (2, 1));
    }

    #[test]
    fn multibyte_and_bom() {
        let t = "é😀x\ny".as_bytes();
        assert_eq!(pos(t, "é😀".len()), (1, 3));
        let b = b"\xEF\xBB\xBFkey";
        assert_eq!(pos(b, 3), (1, 1));
        assert_eq!(pos(b, 4), (1, 2));
    }

    #[test]
    fn invalid_utf8_counts_bytes() {
        assert_eq!(pos(b"\xff\xfeab", 3), (1, 4));
    }

    #[test]
    fn line_range_strips_terminators() {
        let t = b"one\r\ntwo\nthree";
        let idx = LineIndex::new(t);
        assert_eq!(&t[idx.line_range(t, 1)], b"one");
        assert_eq!(&t[idx.line_range(t, 2)], b"two");
        assert_eq!(&t[idx.line_range(t, 3)], b"three");
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn offsets_from_positions() {
        let t = "a: 1\nbé: [x\n";
        assert_eq!(offset_of(t, 2, 1), 5);
        assert_eq!(offset_of(t, 2, 3), 8);
        assert_eq!(offset_of(t, 9, 1), t.len());
    }
}
