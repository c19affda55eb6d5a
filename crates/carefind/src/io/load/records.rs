//! Reading CSV records, shared by the CSV formats: line numbers that hold for CRLF files,
//! blank lines skipped, and text that is not UTF-8 decoded as Windows-1252.

use std::io;
use std::path::Path;

use csv::ByteRecord;

use crate::error::Error;

/// Opens a file for a loader, buffered; returns it with its name for messages.
pub(crate) fn open(path: &Path) -> Result<(io::BufReader<std::fs::File>, String), Error> {
    let source = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(file) => Ok((io::BufReader::new(file), source)),
        Err(error) => Err(Error::Io {
            file: source,
            source: error,
        }),
    }
}

/// Records end at `\n`: with csv's default CRLF terminator a record's position points at
/// the `\n` of the previous `\r\n`, before its line is counted, so every line number in a
/// CRLF file came out one too low. The `\r` left at the end of the last field is trimmed
/// with the rest of the field's white space.
pub(crate) fn reader_builder() -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'));
    builder
}

/// `reader`, failing as soon as it breaks the limits every CSV input is read within, its
/// records followed as carefind's CSV parser reads them (records end at `\n`, quotes
/// doubled): see [`Guarded`](crate::load::Guarded).
///
/// ```
/// use std::io::Read;
///
/// let mut text = String::new();
/// carefind::load::guarded(&b"a,b\n1,2\n"[..]).read_to_string(&mut text).unwrap();
/// assert_eq!(text, "a,b\n1,2\n");
/// ```
pub fn guarded<R: io::Read>(reader: R) -> crate::load::guard::Guarded<R> {
    crate::load::guard::Guarded::new(reader, &scanner_settings())
}

/// csv-core with the settings of [`reader_builder`].
pub(crate) fn scanner_settings() -> csv_core::ReaderBuilder {
    let mut settings = csv_core::ReaderBuilder::new();
    settings.terminator(csv_core::Terminator::Any(b'\n'));
    settings
}

/// Reads the next record that is not a blank line (one holding only white space, such as
/// the `\r` of an empty CRLF line).
pub(crate) fn read_record<R: io::Read>(
    csv: &mut csv::Reader<R>,
    record: &mut ByteRecord,
    source: &str,
) -> Result<bool, Error> {
    loop {
        let more = csv.read_byte_record(record).map_err(|error| {
            let line = error.position().map_or(0, |p| p.line());
            match error.into_kind() {
                csv::ErrorKind::Io(io) => crate::load::guard::io_error(source, io),
                other => Error::Io {
                    file: source.to_string(),
                    source: io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("line {line}: {other:?}"),
                    ),
                },
            }
        })?;
        let blank = record.len() == 1 && record[0].trim_ascii().is_empty();
        if !more || !blank {
            return Ok(more);
        }
    }
}

/// A field as text: UTF-8 as it is, or else decoded as Windows-1252, the encoding of
/// spreadsheets exported on Windows (`true` when it was decoded that way). Every byte
/// sequence decodes, so no row is lost to its encoding.
pub(crate) fn decode(raw: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(raw) {
        Ok(text) => (text.into(), false),
        Err(_) => (raw.iter().map(|&byte| windows_1252(byte)).collect(), true),
    }
}

/// The character of a Windows-1252 byte; the five unassigned bytes map to the C1 control
/// of the same number, as the WHATWG encoding standard does.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_windows_1252_when_not_utf8() {
        assert_eq!(decode("Peña".as_bytes()), ("Peña".into(), false));
        assert_eq!(decode(b"Pe\xf1a \x93x\x94"), ("Peña “x”".into(), true));
        assert_eq!(decode(b"\x81"), ("\u{81}".into(), true));
    }
}
