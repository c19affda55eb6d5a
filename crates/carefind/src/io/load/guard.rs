//! The limits every CSV input is read within, and the inputs that are not text at all.
//!
//! The row-at-a-time loaders read through a [`Guarded`] reader, which follows the records
//! exactly as the CSV parser does (csv-core, with the parser's own settings) and fails the
//! read, with the line and a clear reason, as soon as a record grows past
//! [`MAX_RECORD_BYTES`], the header past [`MAX_HEADER_BYTES`] or [`MAX_COLUMNS`] columns, or
//! the input turns out to be UTF-16, to hold a NUL byte, or to end its lines with a carriage
//! return alone. The native block loader checks the same limits on the csv-core scan it
//! already makes. So no input can make a loader hold more than a bounded window of it,
//! whatever its size.

use std::fmt;
use std::io;

pub use crate::error::{InputProblem, excerpt};

/// The longest record (data row) any loader reads, in bytes: 1 MiB.
///
/// ```
/// use carefind::load::{self, LoadOptions, MAX_RECORD_BYTES};
///
/// let mut csv = b"id,name,lat,lon,care\nf1,".to_vec();
/// csv.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 1));
/// let error = load::native::from_reader(&csv[..], "big.csv", &LoadOptions::strict()).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "big.csv: line 2: the row is longer than 1 MiB, the most carefind reads in one row"
/// );
/// ```
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The longest header row any loader reads, in bytes: 64 KiB.
///
/// ```
/// assert_eq!(carefind::load::MAX_HEADER_BYTES, 65_536);
/// ```
pub const MAX_HEADER_BYTES: usize = 64 << 10;

/// The most columns any loader reads in a header or a row.
///
/// ```
/// assert_eq!(carefind::load::MAX_COLUMNS, 4_096);
/// ```
pub const MAX_COLUMNS: usize = 4_096;

/// An [`InputProblem`] at a line, carried through `io::Error` by [`Guarded`] and turned
/// into [`Error::Input`](crate::Error::Input) by the loaders.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProblemAt {
    pub(crate) line: u64,
    pub(crate) problem: InputProblem,
}

impl fmt::Display for ProblemAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for ProblemAt {}

/// An I/O error on `file`, or the input problem it carries (raised by [`Guarded`]).
pub(crate) fn io_error(file: &str, source: io::Error) -> crate::Error {
    match problem_of(&source) {
        Some(at) => crate::Error::Input {
            file: file.to_string(),
            line: at.line,
            problem: at.problem,
        },
        None => crate::Error::Io {
            file: file.to_string(),
            source,
        },
    }
}

/// The problem an I/O error carries, if [`Guarded`] raised it.
pub(crate) fn problem_of(error: &io::Error) -> Option<&ProblemAt> {
    error.get_ref()?.downcast_ref::<ProblemAt>()
}

/// A reader that follows CSV records as the parser reads them and fails as soon as the
/// input breaks one of the limits every loader reads within ([`MAX_RECORD_BYTES`],
/// [`MAX_HEADER_BYTES`], [`MAX_COLUMNS`]) or turns out not to be text (an
/// [`InputProblem`]). Made by [`guarded`](crate::load::guarded), for CSV a caller parses
/// itself with the `csv` crate, so that it holds no more of the input than the loaders do.
///
/// ```
/// use std::io::Read;
///
/// let mut out = String::new();
/// let error = carefind::load::guarded(&b"id,name\n1,\x00\n"[..]).read_to_string(&mut out).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "line 2: the input holds a NUL byte: it is not a text file (or it is damaged)"
/// );
/// ```
pub struct Guarded<R> {
    inner: R,
    scanner: csv_core::Reader,
    /// Bytes of the current record read so far.
    record_bytes: usize,
    /// Fields of the current record ended so far.
    record_fields: usize,
    /// Whether the current record is the first (the header).
    in_header: bool,
    /// The line the current record starts on.
    record_line: u64,
    /// Lines ended so far.
    lines: u64,
    started: bool,
    failed: Option<ProblemAt>,
}

impl<R: io::Read> Guarded<R> {
    /// Guards `inner`, which the CSV parser reads with `settings`.
    pub(crate) fn new(inner: R, settings: &csv_core::ReaderBuilder) -> Self {
        Guarded {
            inner,
            scanner: settings.build(),
            record_bytes: 0,
            record_fields: 0,
            in_header: true,
            record_line: 1,
            lines: 0,
            started: false,
            failed: None,
        }
    }

    fn fail(&mut self, line: u64, problem: InputProblem) -> io::Error {
        let at = ProblemAt { line, problem };
        self.failed = Some(at);
        io::Error::new(io::ErrorKind::InvalidData, at)
    }

    fn check(&mut self, bytes: &[u8]) -> Result<(), io::Error> {
        if !self.started && !bytes.is_empty() {
            self.started = true;
            if let Some(problem) = problem_at_start(bytes) {
                return Err(self.fail(1, problem));
            }
        }
        if let Some(line) = nul_line(bytes, self.lines) {
            return Err(self.fail(line, InputProblem::NulByte));
        }
        // The fields themselves are not wanted: the buffers are overwritten as it goes.
        let (mut output, mut ends) = ([0u8; 1024], [0usize; 64]);
        let mut at = 0;
        while at < bytes.len() {
            let (result, read, _, fields) =
                self.scanner
                    .read_record(&bytes[at..], &mut output, &mut ends);
            let chunk = &bytes[at..at + read];
            at += read;
            self.record_bytes += read;
            self.record_fields += fields;
            let limit = if self.in_header {
                MAX_HEADER_BYTES
            } else {
                MAX_RECORD_BYTES
            };
            if self.record_bytes > limit {
                let problem = if self.in_header {
                    InputProblem::HeaderTooLong
                } else {
                    InputProblem::RowTooLong
                };
                return Err(self.fail(self.record_line, problem));
            }
            if self.record_fields > MAX_COLUMNS {
                return Err(self.fail(self.record_line, InputProblem::TooManyColumns));
            }
            self.lines += newlines(chunk);
            if matches!(result, csv_core::ReadRecordResult::Record) {
                self.in_header = false;
                self.record_bytes = 0;
                self.record_fields = 0;
                self.record_line = self.lines + 1;
            }
        }
        Ok(())
    }
}

/// What makes an input that starts with `start` unreadable as CSV text, if anything:
/// UTF-16, or lines that end with a carriage return alone (no line feed in `start`).
pub(crate) fn problem_at_start(start: &[u8]) -> Option<InputProblem> {
    if is_utf16(start) {
        Some(InputProblem::Utf16)
    } else if memchr::memchr(b'\n', start).is_none() && has_lone_cr(start) {
        Some(InputProblem::CarriageReturns)
    } else {
        None
    }
}

/// Whether an input starting with `start` is UTF-16: a UTF-16 byte-order mark, or ASCII
/// with a NUL beside every byte.
fn is_utf16(start: &[u8]) -> bool {
    let head = &start[..start.len().min(64)];
    let nul_at = |parity: usize| {
        head.iter().skip(parity).step_by(2).all(|&b| b == 0)
            && head.iter().skip(1 - parity).step_by(2).all(|&b| b != 0)
    };
    head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || head.len() >= 4 && (nul_at(0) || nul_at(1))
}

/// The line of the first NUL byte in `bytes`, which follow `lines_before` lines.
pub(crate) fn nul_line(bytes: &[u8], lines_before: u64) -> Option<u64> {
    memchr::memchr(0, bytes).map(|at| lines_before + 1 + newlines(&bytes[..at]))
}

fn has_lone_cr(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1).is_some_and(|&next| next != b'\n'))
}

/// How many lines end in `bytes`.
pub(crate) fn newlines(bytes: &[u8]) -> u64 {
    super::cuts::count(bytes, b'\n') as u64
}

impl<R: io::Read> io::Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(at) = self.failed {
            return Err(io::Error::new(io::ErrorKind::InvalidData, at));
        }
        let read = self.inner.read(buf)?;
        self.check(&buf[..read])?;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_limits_are_the_ones_the_messages_name() {
        assert_eq!(
            (MAX_RECORD_BYTES, MAX_HEADER_BYTES, MAX_COLUMNS),
            (1 << 20, 64 << 10, 4_096)
        );
        assert!(
            InputProblem::TooManyColumns
                .to_string()
                .contains(&MAX_COLUMNS.to_string())
        );
        assert!(InputProblem::RowTooLong.to_string().contains("1 MiB"));
        assert!(InputProblem::HeaderTooLong.to_string().contains("64 KiB"));
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<u8>, (u64, InputProblem)> {
        let mut out = Vec::new();
        crate::load::guarded(bytes)
            .read_to_end(&mut out)
            .map(|_| out)
            .map_err(|e| {
                let at = problem_of(&e).unwrap();
                (at.line, at.problem)
            })
    }

    #[test]
    fn well_formed_input_passes_unchanged() {
        let csv = b"a,b\n1,\"two\nlines\"\n3,4\n";
        assert_eq!(read_all(csv).unwrap(), csv);
    }

    #[test]
    fn a_long_quoted_record_is_one_record() {
        let mut csv = b"a,b\n1,\"".to_vec();
        csv.extend(std::iter::repeat_n(b"xy\n".as_slice(), MAX_RECORD_BYTES / 3 + 10).flatten());
        csv.extend(b"\"\n");
        assert_eq!(read_all(&csv), Err((2, InputProblem::RowTooLong)));
    }

    #[test]
    fn each_problem_is_named_with_its_line() {
        assert_eq!(
            read_all(b"\xff\xfei\x00d\x00"),
            Err((1, InputProblem::Utf16))
        );
        assert_eq!(
            read_all(b"i\x00d\x00,\x00n\x00"),
            Err((1, InputProblem::Utf16))
        );
        assert_eq!(
            read_all(b"a,b\n1,2\n3,\x004\n"),
            Err((3, InputProblem::NulByte))
        );
        assert_eq!(
            read_all(b"a,b\r1,2\r3,4\r"),
            Err((1, InputProblem::CarriageReturns))
        );
        let wide = vec![b','; MAX_COLUMNS + 1];
        assert_eq!(read_all(&wide), Err((1, InputProblem::TooManyColumns)));
        let long_header = vec![b'h'; MAX_HEADER_BYTES + 1];
        assert_eq!(
            read_all(&long_header),
            Err((1, InputProblem::HeaderTooLong))
        );
    }

    #[test]
    fn crlf_files_are_fine() {
        let csv = b"a,b\r\n1,2\r\n";
        assert_eq!(read_all(csv).unwrap(), csv);
    }
}

/// The field of a row that swallowed what look like rows, if one did: a field that runs
/// over at least one line end and holds as many delimiters as a whole row has (a real
/// address or note over two lines holds a few at most). Answers the field's position
/// and its line ends.
///
/// A quote opened and never closed where it should be runs on until the next quote,
/// however many lines later; every row in between becomes that field's text, and the row
/// would load with the wrong text and count as one (the rows lost without a word).
pub(crate) fn runaway_quote<'a>(
    fields: impl IntoIterator<Item = &'a [u8]>,
    columns: usize,
    delimiter: u8,
) -> Option<(usize, u64)> {
    let needed = columns.saturating_sub(1).max(1);
    fields.into_iter().enumerate().find_map(|(i, field)| {
        // Almost every field has no line end: one vectorised search says so, and only a
        // field that has one is counted through.
        memchr::memchr(b'\n', field)?;
        let line_ends = memchr::memchr_iter(b'\n', field).count() as u64;
        let delimiters = memchr::memchr_iter(delimiter, field).count();
        (delimiters >= needed).then_some((i, line_ends))
    })
}

#[cfg(test)]
mod runaway {
    use super::runaway_quote;

    #[test]
    fn a_field_holding_rows_is_found_and_a_two_line_address_is_not() {
        let swallowed: [&[u8]; 3] = [
            b"f56",
            b"Fac 56,40.1,-74,iop\nf57,Fac 57,40.2,-74,iop\nf58,Fac",
            b"x",
        ];
        assert_eq!(runaway_quote(swallowed, 5, b','), Some((1, 2)));
        let address: [&[u8]; 3] = [b"f1", b"12 Main St\nSuite 4, rear", b"x"];
        assert_eq!(runaway_quote(address, 5, b','), None);
        let one_line: [&[u8]; 1] = [b"a,b,c,d,e,f"];
        assert_eq!(runaway_quote(one_line, 5, b','), None);
    }
}
