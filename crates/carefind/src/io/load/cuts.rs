//! Where to cut a native CSV into parts that parse on every core: at record ends, as
//! csv-core (the parse's own state machine) finds them, or guessed from a count of quotes
//! and checked afterwards.

use super::records::scanner_settings;

/// Where the parts of an input begin and end: found by csv-core, or guessed and yet to be
/// checked.
pub(super) enum Cuts {
    Exact(Vec<std::ops::Range<usize>>),
    Guessed(Vec<std::ops::Range<usize>>),
}

/// Cuts `bytes[start..]` into up to `parts` ranges at line ends outside quotes as a count
/// of quotes sees them: right for every well-formed file, wrong where a stray quote sits in
/// an unquoted field, so the parse checks them (`native::parse_parts`).
///
/// Each cut is the first such line end at or past an equal share of the bytes; the quotes
/// before the share's end are counted, not walked through, so finding the cuts costs a
/// count of quotes and a few lines' walk each.
pub(super) fn quote_cuts(bytes: &[u8], start: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.max(1);
    let step = (bytes.len() - start) / parts;
    let mut cuts = vec![start];
    // Whether `bytes[at]` is inside quotes, by the count of quotes before it.
    let (mut at, mut in_quotes) = (start, false);
    let mut target = start + step;
    while cuts.len() < parts {
        let from = target.saturating_sub(1).clamp(at, bytes.len());
        in_quotes ^= quotes(&bytes[at..from]) % 2 == 1;
        at = from;
        let Some(end) = next_line_end(bytes, &mut at, &mut in_quotes) else {
            break;
        };
        cuts.push(end);
        target = end + step;
    }
    cuts.push(bytes.len());
    cuts.windows(2).map(|pair| pair[0]..pair[1]).collect()
}

fn quotes(bytes: &[u8]) -> usize {
    count(bytes, b'"')
}

/// How many times `byte` occurs in `bytes`, at memory speed: loaders count every line and
/// quote of their input.
pub(crate) fn count(bytes: &[u8], byte: u8) -> usize {
    // Counted in bytes, 255 at a time: the compiler then compares and adds 16 bytes an
    // instruction (a count in usize widened every byte first, and ran eight times slower).
    let in_chunk = |chunk: &[u8]| chunk.iter().fold(0u8, |n, &b| n + u8::from(b == byte));
    bytes
        .chunks(255)
        .map(|chunk| usize::from(in_chunk(chunk)))
        .sum()
}

/// Walks from `at` to just past the next line end outside quotes that is not the last
/// byte, and says where that is.
fn next_line_end(bytes: &[u8], at: &mut usize, in_quotes: &mut bool) -> Option<usize> {
    while let Some(&byte) = bytes.get(*at) {
        *at += 1;
        match byte {
            b'"' => *in_quotes = !*in_quotes,
            b'\n' if !*in_quotes && *at < bytes.len() => return Some(*at),
            _ => {}
        }
    }
    None
}

/// Where the last line of `bytes[start..]` that a count of quotes from `start` puts outside
/// quotes ends (`start` when none does): the guess at where a block's whole records end,
/// checked like `quote_cuts`' guesses.
pub(super) fn quote_end(bytes: &[u8], start: usize) -> usize {
    let mut quotes_before = quotes(&bytes[start..]);
    for at in (start..bytes.len()).rev() {
        match bytes[at] {
            b'"' => quotes_before -= 1,
            b'\n' if quotes_before.is_multiple_of(2) => return at + 1,
            _ => {}
        }
    }
    start
}

/// Whether csv-core, started at `from` (a record start), ends a record exactly at `to`.
pub(super) fn ends_record_at(bytes: &[u8], from: usize, to: usize) -> bool {
    record_ends(&bytes[..to], from).last() == Some(to)
}

/// Where csv-core, started at `from` (a record start) with the parse's own settings, ends
/// each record of `bytes[from..]`, as offsets into `bytes`; a record the input leaves
/// unfinished has no end.
pub(super) fn record_ends(bytes: &[u8], from: usize) -> impl Iterator<Item = usize> + '_ {
    let mut scanner = scanner_settings().build();
    // The fields themselves are not wanted: the buffers are overwritten as it goes.
    let (mut output, mut ends) = ([0; 4096], [0; 64]);
    let mut at = from;
    std::iter::from_fn(move || {
        loop {
            let (result, read, _, _) = scanner.read_record(&bytes[at..], &mut output, &mut ends);
            at += read;
            match result {
                csv_core::ReadRecordResult::Record => return Some(at),
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => {
                    return None;
                }
                _ => {}
            }
        }
    })
}

/// Below this many bytes a part is not worth a thread.
pub(super) const PARALLEL_CHUNK: usize = 256 * 1024;

/// Cuts `bytes[start..]` (which starts a record) into up to `parts` ranges of whole
/// records, of about equal size. Record ends are found by csv-core with the parse's own
/// settings, so quoted fields, line breaks inside them and stray quotes are read exactly
/// as the parse reads them. Unless `complete`, the last record may be unfinished; it is
/// left out, and the ranges end at the last record end.
pub(super) fn record_cuts(
    bytes: &[u8],
    start: usize,
    parts: usize,
    complete: bool,
) -> Vec<std::ops::Range<usize>> {
    let parts = parts.max(1);
    let step = (bytes.len() - start) / parts + 1;
    let mut cuts = vec![start];
    let mut last_end = start;
    for end in record_ends(bytes, start) {
        last_end = end;
        if end >= cuts[cuts.len() - 1] + step && cuts.len() < parts {
            cuts.push(end);
            // A complete input ends its last part at its end: no need to read on.
            if complete && cuts.len() == parts {
                break;
            }
        }
    }
    // A complete input's last record needs no terminator.
    if complete {
        last_end = bytes.len();
    }
    cuts.retain(|cut| *cut < last_end);
    cuts.push(last_end);
    cuts.windows(2).map(|pair| pair[0]..pair[1]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: every byte walked, a quote flipping the state, a cut at the first
    /// line end outside quotes at or past each share.
    fn walked_cuts(bytes: &[u8], start: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
        let parts = parts.max(1);
        let mut cuts = vec![start];
        let mut in_quotes = false;
        let mut next_target = start + (bytes.len() - start) / parts;
        for (i, &byte) in bytes.iter().enumerate().skip(start) {
            if cuts.len() == parts {
                break;
            }
            match byte {
                b'"' => in_quotes = !in_quotes,
                b'\n' if !in_quotes && i + 1 >= next_target && i + 1 < bytes.len() => {
                    cuts.push(i + 1);
                    next_target = i + 1 + (bytes.len() - start) / parts;
                }
                _ => {}
            }
        }
        cuts.push(bytes.len());
        cuts.windows(2).map(|pair| pair[0]..pair[1]).collect()
    }

    proptest! {
        #[test]
        fn counted_cuts_are_the_walked_cuts(
            bytes in prop::collection::vec(prop::sample::select(b"ab,\"\n".to_vec()), 0..300),
            start in 0..40usize,
            parts in 1..7usize,
        ) {
            let start = start.min(bytes.len());
            prop_assert_eq!(quote_cuts(&bytes, start, parts), walked_cuts(&bytes, start, parts));
        }
    }
}
