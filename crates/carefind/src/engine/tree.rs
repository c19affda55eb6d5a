//! The tree the queries walk: a balanced, implicit k-d tree of 3D unit vectors.
//!
//! Each node is a range of the tree's arrays, split at its middle along the axis over which
//! its points spread most; a node of at most [`LEAF_SIZE`] points is a leaf. The children
//! of node `n` are `2n` and `2n + 1`, and their ranges follow from the node's, so an inner
//! node keeps only its axis and split value. A nearest walk therefore pays one comparison
//! and one 8-byte load a node, where the packed R-tree it replaced paid a box distance for
//! each of up to 16 children: measured against kiddo's `ImmutableKdTree` in the same
//! criterion runs, nearest 10 went from 2.6x kiddo's time to 1.2-1.4x at 2,000,000
//! points (BENCHMARKS.md).
//!
//! Pruning is exact with no allowance for rounding (see [`Far`]): the antimeridian and the
//! poles need no special case, because straight-line distance between unit vectors grows
//! with great-circle distance everywhere. Points sit by axis in three arrays, leaf after
//! leaf, and a walk allocates nothing (the recursion is as deep as the tree).
//!
//! The index's slot order, which keeps the facilities a query meets together in memory,
//! is the tree's own order ([`spatial_order`]).

use rstar::AABB;

use crate::sphere::chord2;
use crate::store::Column;

/// Points per leaf and children per inner node, chosen by measurement (BENCHMARKS.md).
const LEAF_SIZE: usize = 16;

/// Below this many points a node's halves are split on the calling thread.
const PARALLEL_SPLIT: usize = 1 << 15;

/// The order in which the tree lays `points` out, leaf after leaf: indices into `points`.
///
/// The index puts its per-facility arrays in this order (its slots), so that the points of
/// a leaf of the tree of every facility are neighbours in memory too: measured with the
/// R-tree's surface tiling kept as the slot order instead, searches with a thousand hits
/// or more at 2,000,000 facilities were 10-16 % slower.
pub(crate) fn spatial_order(points: &[[f64; 3]]) -> Vec<u32> {
    // Counts fit in u32: an index holds at most u32::MAX facilities.
    let mut entries: Vec<([f64; 3], u32)> = points.iter().copied().zip(0..).collect();
    split_below(1, &mut entries, &mut Vec::new());
    entries.into_iter().map(|(_, at)| at).collect()
}

/// What a nearest-first walk reports to: it offers each point within the current bound, and
/// the collector may tighten the bound as it goes.
pub(crate) trait Collector {
    /// The largest squared chord still of interest.
    fn bound2(&self) -> f64;
    /// A point within the bound, with its squared chord from the origin.
    fn offer(&mut self, chord2: f64, slot: u32);
}

/// An immutable k-d tree of 3D unit vectors, each carrying a facility's slot in the index.
///
/// Balanced and implicit: the points of a node are a range of the arrays, split at its
/// middle along the axis over which they spread most, so a node's children are its two
/// halves and a node is found by its number alone (the root is 1, the children of `n` are
/// `2n` and `2n + 1`). A node of at most [`LEAF_SIZE`] points is a leaf. Each inner node
/// keeps one axis and one split value: a walk costs a comparison a node, where a box costs
/// six.
#[derive(Debug)]
pub(crate) struct KdTree {
    /// Per inner node, by number: the split value, and the axis it splits.
    splits: Column<f64>,
    axes: Column<u8>,
    /// The points, by axis, in the tree's order, and their slots.
    xs: Column<f64>,
    ys: Column<f64>,
    zs: Column<f64>,
    slots: Column<u32>,
}

/// How many columns a tree is kept in (see [`KdTree::columns`]).
pub(crate) const TREE_COLUMNS: usize = 6;

impl KdTree {
    /// Builds the tree of the entries: unit vectors, each with a facility's slot in the index.
    pub(crate) fn new(mut entries: Vec<([f64; 3], u32)>) -> Self {
        let mut stems = Vec::new();
        split_below(1, &mut entries, &mut stems);
        let numbers = node_numbers(entries.len());
        let mut splits = vec![0.0; numbers];
        let mut axes = vec![0; numbers];
        for (node, axis, split) in stems {
            splits[node as usize] = split;
            axes[node as usize] = axis;
        }
        KdTree {
            splits: Column::Owned(splits),
            axes: Column::Owned(axes),
            xs: Column::Owned(entries.iter().map(|(xyz, _)| xyz[0]).collect()),
            ys: Column::Owned(entries.iter().map(|(xyz, _)| xyz[1]).collect()),
            zs: Column::Owned(entries.iter().map(|(xyz, _)| xyz[2]).collect()),
            slots: Column::Owned(entries.iter().map(|(_, slot)| *slot).collect()),
        }
    }

    /// A tree kept in columns (read from a snapshot), as [`KdTree::columns`] gives them.
    /// [`KdTree::check`] it before it is walked.
    pub(crate) fn from_columns(
        splits: Column<f64>,
        axes: Column<u8>,
        [xs, ys, zs]: [Column<f64>; 3],
        slots: Column<u32>,
    ) -> Self {
        KdTree {
            splits,
            axes,
            xs,
            ys,
            zs,
            slots,
        }
    }

    /// The tree's columns as little-endian bytes, in the order [`KdTree::from_columns`]
    /// takes them.
    pub(crate) fn columns(&self) -> [std::borrow::Cow<'_, [u8]>; TREE_COLUMNS] {
        [
            self.splits.to_le_bytes(),
            self.axes.to_le_bytes(),
            self.xs.to_le_bytes(),
            self.ys.to_le_bytes(),
            self.zs.to_le_bytes(),
            self.slots.to_le_bytes(),
        ]
    }

    /// Checks what a walk relies on, for a tree read from a file over `count` slots: the
    /// arrays' lengths match the tree's shape (which follows from its size alone), every
    /// axis is one of three, and every slot is below `count`. A walk of a tree that passes
    /// never reads out of bounds; its split values are covered by the file's checksum.
    pub(crate) fn check(&self, count: usize) -> Result<(), &'static str> {
        self.check_shape()?;
        let view = self.view();
        if view.axes.iter().any(|axis| *axis > 2) {
            return Err("a tree node that splits no axis");
        }
        if view.slots.iter().any(|slot| *slot as usize >= count) {
            return Err("a tree entry that is no slot");
        }
        Ok(())
    }

    /// Checks that the arrays' lengths match the tree's shape: what a tree read as it is
    /// used must hold from the start (its values are checked when first walked).
    pub(crate) fn check_shape(&self) -> Result<(), &'static str> {
        let len = self.slots.as_slice().len();
        let view = self.view();
        if [view.xs.len(), view.ys.len(), view.zs.len()] != [len; 3] {
            return Err("a tree whose point columns differ in length");
        }
        let numbers = node_numbers(len);
        if view.splits.len() != numbers || view.axes.len() != numbers {
            return Err("a tree whose nodes do not match its size");
        }
        Ok(())
    }

    /// Whether every block the tree lies in matches its checksum (in a snapshot checked as
    /// it is read; a tree in memory always does), checking them now.
    pub(crate) fn check_blocks(&self) -> bool {
        fn whole<T: crate::store::Number>(column: &Column<T>) -> bool {
            column.check(0..column.as_slice().len())
        }
        whole(&self.splits)
            && whole(&self.axes)
            && whole(&self.xs)
            && whole(&self.ys)
            && whole(&self.zs)
            && whole(&self.slots)
    }

    /// How many points the tree holds.
    pub(crate) fn len(&self) -> usize {
        self.slots.as_slice().len()
    }

    /// The bytes the tree's arrays take (in memory, or in a mapped file).
    pub(crate) fn bytes(&self) -> usize {
        let view = self.view();
        std::mem::size_of_val(view.splits)
            + std::mem::size_of_val(view.axes)
            + std::mem::size_of_val(view.xs)
            + std::mem::size_of_val(view.ys)
            + std::mem::size_of_val(view.zs)
            + std::mem::size_of_val(view.slots)
    }

    /// The arrays, borrowed once for a walk.
    fn view(&self) -> View<'_> {
        View {
            splits: self.splits.as_slice(),
            axes: self.axes.as_slice(),
            xs: self.xs.as_slice(),
            ys: self.ys.as_slice(),
            zs: self.zs.as_slice(),
            slots: self.slots.as_slice(),
        }
    }

    /// Offers the collector every point within its bound, the nearer half of each node
    /// first, so that the bound tightens early and prunes the rest.
    pub(crate) fn nearest(&self, xyz: &[f64; 3], collector: &mut impl Collector) {
        let view = self.view();
        view.nearest_below(view.root(), xyz, [0.0; 3], collector);
    }

    /// Calls `visit` with the slot of every point within `max_chord2` of `xyz`.
    pub(crate) fn each_within(&self, xyz: &[f64; 3], max_chord2: f64, visit: &mut impl FnMut(u32)) {
        let view = self.view();
        view.within_below(view.root(), xyz, [0.0; 3], max_chord2, visit);
    }

    /// Calls `visit` with the slot of every point.
    pub(crate) fn each(&self, visit: &mut impl FnMut(u32)) {
        self.slots.as_slice().iter().for_each(|slot| visit(*slot));
    }

    /// Calls `visit` with the slot of every point inside `envelope`, edges included.
    pub(crate) fn each_in_envelope(&self, envelope: &AABB<[f64; 3]>, visit: &mut impl FnMut(u32)) {
        let view = self.view();
        view.envelope_below(view.root(), &envelope.lower(), &envelope.upper(), visit);
    }
}

/// How many entries the arrays of inner nodes of a tree of `len` points have: one past
/// the largest inner node's number (node numbers start at 1; 0 is unused).
fn node_numbers(len: usize) -> usize {
    fn largest_below(number: usize, len: usize) -> usize {
        if len <= LEAF_SIZE {
            return 0;
        }
        let middle = len / 2;
        number
            .max(largest_below(2 * number, middle))
            .max(largest_below(2 * number + 1, len - middle))
    }
    largest_below(1, len) + 1
}

/// A tree's arrays, borrowed for one walk.
struct View<'t> {
    splits: &'t [f64],
    axes: &'t [u8],
    xs: &'t [f64],
    ys: &'t [f64],
    zs: &'t [f64],
    slots: &'t [u32],
}

impl View<'_> {
    #[cfg(test)]
    fn point(&self, at: usize) -> [f64; 3] {
        [self.xs[at], self.ys[at], self.zs[at]]
    }

    /// The coordinates of a leaf's points by axis, and their slots: each array sliced
    /// once, so that the loops over them check no bounds.
    #[inline(always)]
    fn leaf_arrays(&self, node: Node) -> ([&[f64]; 3], &[u32]) {
        let points = node.points();
        let xs = &self.xs[points.clone()];
        let ys = &self.ys[points.clone()];
        let zs = &self.zs[points.clone()];
        ([xs, ys, zs], &self.slots[points])
    }

    /// The points of a leaf and their slots.
    #[inline(always)]
    fn leaf(&self, node: Node) -> impl Iterator<Item = ([f64; 3], u32)> + use<'_> {
        let ([xs, ys, zs], slots) = self.leaf_arrays(node);
        xs.iter()
            .zip(ys)
            .zip(zs)
            .zip(slots)
            .map(|(((x, y), z), slot)| ([*x, *y, *z], *slot))
    }

    fn root(&self) -> Node {
        Node {
            number: 1,
            start: 0,
            // Counts fit in u32: an index holds at most u32::MAX facilities.
            end: self.slots.len() as u32,
        }
    }

    /// The half of an inner node that holds `xyz`'s side of its split, the other half, and
    /// how far `xyz` lies outside that other half, given how far it lies outside the node.
    // Always inlined, as are `Node::halves` and `Far::of`: left to the compiler, the
    // benchmarks' build (16 codegen units, no link-time optimisation) called them, and
    // nearest 10 took about 15 % longer than with the same steps written in the walk.
    #[inline(always)]
    fn near_and_far(&self, node: Node, xyz: &[f64; 3], outside: [f64; 3]) -> (Node, Node, Far) {
        let far = Far::of(self.axes[node.at()], self.splits[node.at()], xyz, outside);
        let (left, right) = node.halves();
        if far.right {
            (left, right, far)
        } else {
            (right, left, far)
        }
    }

    /// `outside` holds, per axis, how far `xyz` lies outside the node's cell along it: the
    /// squares' sum never exceeds the squared chord to any point of the node (see
    /// [`Far`]).
    fn nearest_below(
        &self,
        node: Node,
        xyz: &[f64; 3],
        outside: [f64; 3],
        collector: &mut impl Collector,
    ) {
        if node.is_leaf() {
            // The leaf's chords first, all of them, in a loop without branches that the
            // compiler vectorizes; then the few within the bound are offered.
            let mut chords = [0.0; LEAF_SIZE];
            let ([xs, ys, zs], slots) = self.leaf_arrays(node);
            for (((chord, x), y), z) in chords.iter_mut().zip(xs).zip(ys).zip(zs) {
                *chord = chord2(&[*x, *y, *z], xyz);
            }
            for (chord, slot) in chords.iter().zip(slots) {
                if *chord <= collector.bound2() {
                    collector.offer(*chord, *slot);
                }
            }
            return;
        }
        let (near, far_node, far) = self.near_and_far(node, xyz, outside);
        self.nearest_below(near, xyz, outside, collector);
        if far.chord2 <= collector.bound2() {
            self.nearest_below(far_node, xyz, far.outside, collector);
        }
    }

    fn within_below(
        &self,
        node: Node,
        xyz: &[f64; 3],
        outside: [f64; 3],
        max_chord2: f64,
        visit: &mut impl FnMut(u32),
    ) {
        if node.is_leaf() {
            for (point, slot) in self.leaf(node) {
                if chord2(&point, xyz) <= max_chord2 {
                    visit(slot);
                }
            }
            return;
        }
        let (near, far_node, far) = self.near_and_far(node, xyz, outside);
        self.within_below(near, xyz, outside, max_chord2, visit);
        if far.chord2 <= max_chord2 {
            self.within_below(far_node, xyz, far.outside, max_chord2, visit);
        }
    }

    fn envelope_below(
        &self,
        node: Node,
        lower: &[f64; 3],
        upper: &[f64; 3],
        visit: &mut impl FnMut(u32),
    ) {
        if node.is_leaf() {
            for (point, slot) in self.leaf(node) {
                if (0..3).all(|axis| lower[axis] <= point[axis] && point[axis] <= upper[axis]) {
                    visit(slot);
                }
            }
            return;
        }
        let (axis, split) = (usize::from(self.axes[node.at()]), self.splits[node.at()]);
        let (left, right) = node.halves();
        if lower[axis] <= split {
            self.envelope_below(left, lower, upper, visit);
        }
        if split <= upper[axis] {
            self.envelope_below(right, lower, upper, visit);
        }
    }
}

/// A node of the tree: its number, and the range of the tree's arrays that holds its
/// points, in `u32`s (an index holds at most `u32::MAX` facilities) so that it fits in two
/// registers.
#[derive(Clone, Copy)]
struct Node {
    number: u32,
    start: u32,
    end: u32,
}

impl Node {
    fn is_leaf(&self) -> bool {
        (self.end - self.start) as usize <= LEAF_SIZE
    }

    fn points(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    fn at(&self) -> usize {
        self.number as usize
    }

    /// The node's two children: the first half of its points, then the second.
    #[inline(always)]
    fn halves(&self) -> (Node, Node) {
        let middle = self.start + (self.end - self.start) / 2;
        (
            Node {
                number: 2 * self.number,
                start: self.start,
                end: middle,
            },
            Node {
                number: 2 * self.number + 1,
                start: middle,
                end: self.end,
            },
        )
    }
}

/// The far half of a node, seen from a point: which half it is, and how far the point lies
/// outside it.
///
/// The points left of a split are at most the split value along its axis, those right of
/// it at least that. For a point right of them all, the difference along the axis is at
/// least the split's (subtraction and squaring round monotonically), so the sum of the
/// squared differences, added in [`chord2`]'s order, is at most the point's squared chord:
/// the bound prunes exactly, with no allowance for rounding.
struct Far {
    /// Whether the far half is the right one (the point lies left of the split).
    right: bool,
    outside: [f64; 3],
    chord2: f64,
}

impl Far {
    #[inline(always)]
    fn of(axis: u8, split: f64, xyz: &[f64; 3], outside: [f64; 3]) -> Far {
        let beyond = xyz[usize::from(axis)] - split;
        // Each axis chosen by value, not stored at the axis's index: a store of one lane
        // then read with the others as one vector could not be forwarded, and that stall
        // was a seventh of the walk.
        let at = |lane: u8| {
            if axis == lane {
                beyond.abs()
            } else {
                outside[usize::from(lane)]
            }
        };
        let outside = [at(0), at(1), at(2)];
        Far {
            right: beyond < 0.0,
            outside,
            chord2: outside[0] * outside[0] + outside[1] * outside[1] + outside[2] * outside[2],
        }
    }
}

/// Splits `entries` (node `node`'s points) at the middle along the axis of widest spread,
/// recursively, and records each inner node's axis and split value.
fn split_below(node: u32, entries: &mut [([f64; 3], u32)], stems: &mut Vec<(u32, u8, f64)>) {
    if entries.len() <= LEAF_SIZE {
        return;
    }
    // Comparisons rather than `f64::min` and `max`, whose care for NaN (no unit vector has
    // one) kept this pass, over every point at every level, from compiling to plain
    // minimum and maximum instructions: with them, a query on a million-facility snapshot,
    // whose level tree is built on first use, was 8 % slower end to end.
    let mut lower = [f64::INFINITY; 3];
    let mut upper = [f64::NEG_INFINITY; 3];
    for (xyz, _) in entries.iter() {
        for axis in 0..3 {
            let value = xyz[axis];
            lower[axis] = if value < lower[axis] {
                value
            } else {
                lower[axis]
            };
            upper[axis] = if value > upper[axis] {
                value
            } else {
                upper[axis]
            };
        }
    }
    let axis = (0..3)
        .max_by(|a, b| (upper[*a] - lower[*a]).total_cmp(&(upper[*b] - lower[*b])))
        .unwrap_or(0);
    let middle = entries.len() / 2;
    entries.select_nth_unstable_by(middle, |a, b| a.0[axis].total_cmp(&b.0[axis]));
    stems.push((node, axis as u8, entries[middle].0[axis]));
    let (left, right) = entries.split_at_mut(middle);
    if left.len() >= PARALLEL_SPLIT {
        let mut right_stems = Vec::new();
        rayon::join(
            || split_below(2 * node, left, stems),
            || split_below(2 * node + 1, right, &mut right_stems),
        );
        stems.append(&mut right_stems);
    } else {
        split_below(2 * node, left, stems);
        split_below(2 * node + 1, right, stems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points on a spiral over the sphere, some repeated.
    fn entries(count: usize) -> Vec<([f64; 3], u32)> {
        (0..count)
            .map(|i| {
                let t = (i % (count / 2 + 1)) as f64;
                let z = 1.0 - 2.0 * (t + 0.5) / (count / 2 + 1) as f64;
                let r = (1.0 - z * z).sqrt();
                let angle = t * 2.399_963;
                ([r * angle.cos(), r * angle.sin(), z], i as u32)
            })
            .collect()
    }

    #[test]
    fn every_entry_is_kept_once_and_splits_divide_their_halves() {
        for count in [0, 1, 2, 16, 17, 33, 300, 5_000] {
            let built = KdTree::new(entries(count));
            built.check(count).unwrap();
            let tree = built.view();
            let mut seen: Vec<u32> = tree.slots.to_vec();
            seen.sort_unstable();
            assert_eq!(seen, (0..count as u32).collect::<Vec<_>>());
            // Every inner node's left half lies at or below its split, its right half at
            // or above it.
            // Leaves are at least half full.
            fn check(tree: &View<'_>, node: usize, start: usize, end: usize) {
                if end - start <= LEAF_SIZE {
                    assert!(end - start >= (LEAF_SIZE / 2).min(tree.slots.len()));
                    return;
                }
                let middle = start + (end - start) / 2;
                let (axis, split) = (usize::from(tree.axes[node]), tree.splits[node]);
                assert!((start..middle).all(|at| tree.point(at)[axis] <= split));
                assert!((middle..end).all(|at| tree.point(at)[axis] >= split));
                check(tree, 2 * node, start, middle);
                check(tree, 2 * node + 1, middle, end);
            }
            check(&tree, 1, 0, count);
            // 28 bytes a point, and 9 an inner node: about one node per eight points.
            if count >= 300 {
                assert!(built.bytes() <= 30 * count, "{}", built.bytes());
            }
        }
    }

    #[test]
    fn a_tree_read_back_is_checked_before_it_is_walked() {
        let built = KdTree::new(entries(300));
        let view = built.view();
        let read = |splits: &[f64], axes: &[u8], slots: &[u32]| {
            let column = |values: &[f64]| Column::Owned(values.to_vec());
            KdTree::from_columns(
                column(splits),
                Column::Owned(axes.to_vec()),
                [column(view.xs), column(view.ys), column(view.zs)],
                Column::Owned(slots.to_vec()),
            )
            .check(300)
        };
        assert_eq!(read(view.splits, view.axes, view.slots), Ok(()));
        let short = &view.splits[..view.splits.len() - 1];
        assert!(read(short, view.axes, view.slots).is_err());
        let mut axes = view.axes.to_vec();
        axes[1] = 3;
        assert_eq!(
            read(view.splits, &axes, view.slots),
            Err("a tree node that splits no axis")
        );
        let mut slots = view.slots.to_vec();
        slots[7] = 300;
        assert_eq!(
            read(view.splits, view.axes, &slots),
            Err("a tree entry that is no slot")
        );
        assert!(read(view.splits, view.axes, &slots[1..]).is_err());
    }

    /// Keeps the `k` nearest chords offered, with no slack: the walk must still offer
    /// every point that belongs among them.
    struct Nearest {
        k: usize,
        chords2: Vec<f64>,
    }

    impl Collector for Nearest {
        fn bound2(&self) -> f64 {
            if self.chords2.len() < self.k {
                f64::INFINITY
            } else {
                self.chords2[self.k - 1]
            }
        }

        fn offer(&mut self, chord2: f64, _slot: u32) {
            let at = self.chords2.partition_point(|c| *c <= chord2);
            self.chords2.insert(at, chord2);
            self.chords2.truncate(self.k);
        }
    }

    #[test]
    fn nearest_walks_find_the_nearest_a_scan_finds_at_the_poles_the_antimeridian_and_repeats() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut points = Vec::new();
        for i in 0..4_000 {
            let (lat, lon) = match i % 4 {
                0 => (random() * 180.0 - 90.0, random() * 360.0 - 180.0),
                1 => (random() * 160.0 - 80.0, 179.9 + random() * 0.1),
                2 => (89.9 + random() * 0.1, random() * 360.0 - 180.0),
                _ => (40.0 + (random() * 4.0).floor() / 100.0, -74.0), // many repeats
            };
            let lon = if i % 8 == 1 { -lon } else { lon };
            points.push(crate::LatLon::new(lat, lon).unwrap().unit_vector());
        }
        let tree = KdTree::new(points.iter().copied().zip(0..).collect());
        for origin in points
            .iter()
            .step_by(97)
            .chain(&[[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])
        {
            for k in [1, 10, 100] {
                let mut found = Nearest {
                    k,
                    chords2: Vec::new(),
                };
                tree.nearest(origin, &mut found);
                let mut expected: Vec<f64> = points.iter().map(|p| chord2(p, origin)).collect();
                expected.sort_by(f64::total_cmp);
                expected.truncate(k);
                assert_eq!(found.chords2, expected);
            }
        }
    }

    #[test]
    fn within_and_envelope_walks_find_what_a_scan_finds() {
        let all = entries(3_000);
        let tree = KdTree::new(all.clone());
        let origin = all[7].0;
        for max_chord2 in [0.0, 1e-4, 0.05, 4.0] {
            let mut found = Vec::new();
            tree.each_within(&origin, max_chord2, &mut |p| found.push(p));
            found.sort_unstable();
            let expected: Vec<u32> = all
                .iter()
                .filter(|(xyz, _)| chord2(xyz, &origin) <= max_chord2)
                .map(|(_, p)| *p)
                .collect();
            assert_eq!(found, expected);
        }
        let envelope = AABB::from_corners([-0.3, -0.2, 0.1], [0.4, 0.5, 0.9]);
        let mut found = Vec::new();
        tree.each_in_envelope(&envelope, &mut |p| found.push(p));
        found.sort_unstable();
        let expected: Vec<u32> = all
            .iter()
            .filter(|(xyz, _)| rstar::Envelope::contains_point(&envelope, xyz))
            .map(|(_, p)| *p)
            .collect();
        assert_eq!(found, expected);
    }
}
