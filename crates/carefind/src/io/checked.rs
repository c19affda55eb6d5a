//! A snapshot's bytes, checked a block at a time as they are first read.
//!
//! A snapshot keeps a CRC-32 for each [`BLOCK`] bytes of its payload. Opening a mapped
//! (or embedded) one checks only its header, the table of checksums and the bytes that
//! say where each column lies; every read of a column, a text field or a tree then checks
//! the blocks it touches that no read has checked before. A query on a million-facility
//! file reads a few hundred kilobytes of it, and pays for checking those alone.
//!
//! A block whose checksum does not match is never read: whatever asked for it gets
//! nothing (an empty field, no facility), and the damage is remembered
//! ([`Checked::damage`]), so that the search that met it fails with
//! [`QueryError::Damaged`](crate::QueryError::Damaged), and a caller that reads facilities
//! outside a search can ask [`FacilityStore::damage`](crate::FacilityStore::damage), or
//! check the whole file first with [`FacilityStore::verify`](crate::FacilityStore::verify).

use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::Block;

/// The bytes of payload each checksum covers.
pub(crate) const BLOCK: usize = 1 << 16;

/// A snapshot's bytes, with a checksum for each block of its payload and a note of the
/// blocks already checked.
#[derive(Debug)]
pub(crate) struct Checked {
    /// The whole file: mapped, or embedded in the program.
    bytes: Block,
    /// Where the payload starts, and where it ends.
    payload: Range<usize>,
    /// The checksum of each block of the payload.
    crcs: Vec<u32>,
    /// One bit a block: whether it has been checked and found whole.
    checked: Box<[AtomicU64]>,
    /// Where the first damaged block found starts, in the file.
    damage: OnceLock<usize>,
}

impl Checked {
    /// The file `bytes`, whose payload at `payload` has `crcs`, one a block, none checked.
    pub(crate) fn new(bytes: Block, payload: Range<usize>, crcs: Vec<u32>) -> Checked {
        let words = crcs.len().div_ceil(64);
        Checked {
            bytes,
            payload,
            crcs,
            checked: (0..words).map(|_| AtomicU64::new(0)).collect(),
            damage: OnceLock::new(),
        }
    }

    /// The file's bytes, checked or not.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.bytes.bytes()
    }

    /// Whether the bytes at `range` (offsets in the file, within the payload) lie in
    /// blocks whose checksums match: those not checked before are checked now.
    #[inline]
    pub(crate) fn check(&self, range: Range<usize>) -> bool {
        if range.is_empty() {
            return true;
        }
        let (Some(start), Some(end)) = (
            range.start.checked_sub(self.payload.start),
            range.end.checked_sub(self.payload.start),
        ) else {
            return false;
        };
        (start / BLOCK..=(end - 1) / BLOCK).all(|block| self.block_is_whole(block))
    }

    #[inline]
    fn block_is_whole(&self, block: usize) -> bool {
        let Some(word) = self.checked.get(block / 64) else {
            return false;
        };
        word.load(Ordering::Relaxed) & (1 << (block % 64)) != 0 || self.check_block(block)
    }

    /// Checks block `block` against its checksum, and notes it whole, or the damage.
    #[cold]
    fn check_block(&self, block: usize) -> bool {
        let start = self.payload.start + block * BLOCK;
        let end = (start + BLOCK).min(self.payload.end);
        let whole = match (self.bytes().get(start..end), self.crcs.get(block)) {
            (Some(bytes), Some(crc)) => crc32fast::hash(bytes) == *crc,
            _ => false,
        };
        if whole {
            // Relaxed: the bit records a fact about bytes that never change; a thread that
            // misses it checks the block again, and finds it whole.
            self.checked[block / 64].fetch_or(1 << (block % 64), Ordering::Relaxed);
        } else {
            let _ = self.damage.set(start);
        }
        whole
    }

    /// Checks every block not checked yet, on the thread pool: where the first damaged
    /// one starts, if one is.
    pub(crate) fn check_all(&self) -> Result<(), usize> {
        use rayon::iter::{IntoParallelIterator, ParallelIterator};
        let damaged = (0..self.crcs.len())
            .into_par_iter()
            .filter(|block| !self.block_is_whole(*block))
            .min();
        match damaged {
            Some(block) => Err(self.payload.start + block * BLOCK),
            None => Ok(()),
        }
    }

    /// Where the first damaged block found starts, in the file, if one has been found.
    pub(crate) fn damage(&self) -> Option<usize> {
        self.damage.get().copied()
    }
}

/// The error for a damaged block, or the first of them, starting at byte `offset`.
pub(crate) fn damaged(offset: usize) -> crate::error::SnapshotError {
    crate::error::SnapshotError::Corrupt {
        offset,
        reason: "a block whose checksum does not match",
    }
}

/// The checksums of each [`BLOCK`] bytes of a payload written a part at a time.
#[derive(Default)]
pub(crate) struct BlockSums {
    crcs: Vec<u32>,
    hasher: crc32fast::Hasher,
    filled: usize,
}

impl BlockSums {
    /// Adds the payload's next bytes.
    pub(crate) fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let take = (BLOCK - self.filled).min(bytes.len());
            self.hasher.update(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled == BLOCK {
                let full = std::mem::take(&mut self.hasher);
                self.crcs.push(full.finalize());
                self.filled = 0;
            }
        }
    }

    /// The checksums, the last block's however short.
    pub(crate) fn finish(mut self) -> Vec<u32> {
        if self.filled > 0 {
            self.crcs.push(self.hasher.finalize());
        }
        self.crcs
    }
}

/// The checksum of each [`BLOCK`] bytes of `payload`, on the thread pool.
pub(crate) fn block_sums(payload: &[u8]) -> Vec<u32> {
    use rayon::iter::ParallelIterator;
    use rayon::slice::ParallelSlice;
    payload
        .par_chunks(BLOCK)
        .map(crc32fast::hash)
        .collect::<Vec<u32>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 300) as u8).collect()
    }

    #[test]
    fn sums_written_a_part_at_a_time_are_the_sums_of_the_whole() {
        for len in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17] {
            let payload = bytes(len);
            let mut sums = BlockSums::default();
            for part in payload.chunks(1000) {
                sums.update(part);
            }
            assert_eq!(sums.finish(), block_sums(&payload), "{len}");
        }
    }

    #[test]
    fn a_damaged_block_fails_the_reads_that_touch_it_and_only_those() {
        let header = 40;
        let mut file = vec![0; header];
        let payload = bytes(3 * BLOCK + 100);
        file.extend(&payload);
        let crcs = block_sums(&payload);
        file[header + BLOCK + 5] ^= 1; // the second block
        let checked = Checked::new(
            Block::Static(Box::leak(file.into_boxed_slice())),
            header..header + payload.len(),
            crcs,
        );
        assert!(checked.check(header..header + BLOCK));
        assert_eq!(checked.damage(), None);
        assert!(checked.check(header + 2 * BLOCK..header + 3 * BLOCK + 100));
        assert!(checked.check(header..header)); // nothing read
        assert!(!checked.check(header + BLOCK - 1..header + BLOCK + 1));
        assert_eq!(checked.damage(), Some(header + BLOCK));
        assert!(!checked.check(header + 2 * BLOCK - 1..header + 2 * BLOCK));
        assert!(!checked.check(0..header)); // not payload
        assert!(!checked.check(header..header + 4 * BLOCK)); // past the end
        assert_eq!(checked.check_all(), Err(header + BLOCK));
    }

    #[test]
    fn a_whole_file_checks_whole() {
        let payload = bytes(2 * BLOCK + 3);
        let checked = Checked::new(
            Block::Static(Box::leak(payload.clone().into_boxed_slice())),
            0..payload.len(),
            block_sums(&payload),
        );
        assert_eq!(checked.check_all(), Ok(()));
        assert!(checked.check(0..payload.len()));
        assert_eq!(checked.damage(), None);
    }
}
