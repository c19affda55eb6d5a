//! The packed R-tree the queries walk: sort-tile-recursive packing of 3D unit vectors, laid
//! out flat.
//!
//! Points on the sphere fill a surface, not a volume. A loader that cuts 3D space along
//! x, y and z (rstar's bulk load does) leaves thin slabs of that surface in its leaves, and
//! thin boxes prune badly: measured on 2,000,000 uniform points, a nearest-10 walk visited
//! 34 nodes of such a tree, and 13 of this one (BENCHMARKS.md). So the leaves are tiled on the surface instead: points sorted into
//! slabs of longitude, each slab into runs of latitude, so that every leaf holds a compact
//! patch, and each level above is tiled the same way from its children's centres. Boxes
//! are still 3D envelopes of what lies below, so pruning stays exact everywhere, the poles
//! and the antimeridian included; the tiling only decides which points share a leaf.
//!
//! Nodes sit level by level from the root, every node's children side by side, and every
//! leaf's points side by side, so a walk touches a few cache lines per node, allocates
//! nothing (the recursion is as deep as the tree), and an entry costs 28 bytes, 32 with
//! its share of the nodes.

use rayon::iter::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;
use rstar::AABB;

use crate::sphere::chord2;

/// Points per leaf and children per inner node, chosen by measurement (BENCHMARKS.md).
const LEAF_SIZE: usize = 16;
const MAX_NODE: usize = 16;

/// Below this many items a level is sorted on the calling thread.
const PARALLEL_SORT: usize = 1 << 15;

/// A node: its envelope, and the ranges of its child nodes and of its points (a leaf has
/// points and no child nodes; an inner node, the reverse).
#[derive(Clone, Copy, Debug)]
struct Node {
    lower: [f64; 3],
    upper: [f64; 3],
    first_node: u32,
    end_node: u32,
    first_point: u32,
    end_point: u32,
}

impl Node {
    fn empty() -> Self {
        Node {
            lower: [f64::INFINITY; 3],
            upper: [f64::NEG_INFINITY; 3],
            first_node: 0,
            end_node: 0,
            first_point: 0,
            end_point: 0,
        }
    }

    fn grow(&mut self, lower: &[f64; 3], upper: &[f64; 3]) {
        for (mine, theirs) in self.lower.iter_mut().zip(lower) {
            *mine = mine.min(*theirs);
        }
        for (mine, theirs) in self.upper.iter_mut().zip(upper) {
            *mine = mine.max(*theirs);
        }
    }

    /// Where the node sits on the surface, for tiling the level above: the longitude and
    /// the z (sine of the latitude) of its centre.
    fn tiling_key(&self) -> (f64, f64) {
        tiling_key(&std::array::from_fn(|axis| {
            (self.lower[axis] + self.upper[axis]) / 2.0
        }))
    }

    /// The squared distance from `xyz` to the envelope: 0 inside, and never more than the
    /// chord to any point inside.
    fn chord2_from(&self, xyz: &[f64; 3]) -> f64 {
        let outside = |axis: usize| {
            let beyond = (self.lower[axis] - xyz[axis]).max(xyz[axis] - self.upper[axis]);
            beyond.max(0.0)
        };
        let (dx, dy, dz) = (outside(0), outside(1), outside(2));
        dx * dx + dy * dy + dz * dz
    }

    fn intersects(&self, lower: &[f64; 3], upper: &[f64; 3]) -> bool {
        (0..3).all(|axis| self.lower[axis] <= upper[axis] && lower[axis] <= self.upper[axis])
    }

    fn nodes(&self) -> std::ops::Range<usize> {
        self.first_node as usize..self.end_node as usize
    }

    fn points(&self) -> std::ops::Range<usize> {
        self.first_point as usize..self.end_point as usize
    }
}

/// Where a point sits on the surface, for tiling: an angle that orders longitudes as they
/// go round (the "diamond angle", in (-2, 2], no trigonometry: the sorts compare millions
/// of keys), and z, which orders latitudes.
fn tiling_key(xyz: &[f64; 3]) -> (f64, f64) {
    let [x, y, z] = *xyz;
    let sum = x.abs() + y.abs();
    // At the poles every longitude is the same place.
    let turn = if sum > 0.0 { x / sum } else { 1.0 };
    let angle = if y < 0.0 { turn - 1.0 } else { 1.0 - turn };
    (angle, z)
}

/// The order in which to lay `items` out so that every run of `size` consecutive items is a
/// compact tile: slabs by the first key, each slab by the second (sort-tile-recursive
/// packing in two dimensions). Indices into `items`.
///
/// The keys are computed once per item and sorted with the item's place, and the caller
/// moves the items once: sorting the items themselves computed each key about 2 log n
/// times and moved 32- or 64-byte items at every step. The slabs are sorted side by side,
/// each too small to be worth splitting on its own.
fn tiled_order<T: Sync>(
    items: &[T],
    size: usize,
    key: impl Fn(&T) -> (f64, f64) + Sync,
) -> Vec<u32> {
    let groups = items.len().div_ceil(size);
    let slabs = (groups as f64).sqrt().ceil().max(1.0) as usize;
    let slab_len = (groups.div_ceil(slabs) * size).max(1);
    // Small levels stay on the calling thread.
    let chunk = PARALLEL_SORT;
    let mut keyed: Vec<(f64, f64, u32)> = items
        .par_iter()
        .enumerate()
        .with_min_len(chunk)
        .map(|(at, item)| {
            let (across, along) = key(item);
            // Counts fit in u32: an index holds at most u32::MAX facilities.
            (across, along, at as u32)
        })
        .collect();
    keyed.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    keyed
        .par_chunks_mut(slab_len)
        .with_min_len(chunk.div_ceil(slab_len))
        .for_each(|slab| slab.sort_unstable_by(|a, b| a.1.total_cmp(&b.1)));
    keyed.into_iter().map(|(_, _, at)| at).collect()
}

/// `items` in `order` (from [`tiled_order`]).
fn in_order<T: Copy + Send + Sync, U: Send>(
    items: &[T],
    order: &[u32],
    each: impl Fn(T) -> U + Sync,
) -> Vec<U> {
    order
        .par_iter()
        .with_min_len(PARALLEL_SORT)
        .map(|at| each(items[*at as usize]))
        .collect()
}

/// The order in which the packing lays points out, leaf after leaf: indices into `points`.
pub(crate) fn spatial_order(points: &[[f64; 3]]) -> Vec<u32> {
    tiled_order(points, LEAF_SIZE, tiling_key)
}

/// What a nearest-first walk reports to: it offers each point within the current bound, and
/// the collector may tighten the bound as it goes.
pub(crate) trait Collector {
    /// The largest squared chord still of interest.
    fn bound2(&self) -> f64;
    /// A point within the bound, with its squared chord from the origin.
    fn offer(&mut self, chord2: f64, slot: u32);
}

/// An immutable R-tree of 3D unit vectors, each carrying a facility's slot in the index.
pub(crate) struct PackedTree {
    /// Breadth first from the root (at 0); a node's children are contiguous.
    nodes: Vec<Node>,
    points: Vec<[f64; 3]>,
    slots: Vec<u32>,
}

impl PackedTree {
    /// Packs the entries: unit vectors, each with a facility's slot in the index.
    pub(crate) fn new(entries: Vec<([f64; 3], u32)>) -> Self {
        if entries.is_empty() {
            return PackedTree {
                nodes: Vec::new(),
                points: Vec::new(),
                slots: Vec::new(),
            };
        }
        let order = tiled_order(&entries, LEAF_SIZE, |(xyz, _)| tiling_key(xyz));
        let points: Vec<[f64; 3]> = in_order(&entries, &order, |(xyz, _)| xyz);
        let slots: Vec<u32> = in_order(&entries, &order, |(_, slot)| slot);
        drop((entries, order));
        let mut level: Vec<Node> = Vec::with_capacity(points.len().div_ceil(LEAF_SIZE));
        for (leaf, chunk) in points.chunks(LEAF_SIZE).enumerate() {
            let mut node = Node::empty();
            for xyz in chunk {
                node.grow(xyz, xyz);
            }
            // Counts fit in u32: an index holds at most u32::MAX facilities.
            node.first_point = (leaf * LEAF_SIZE) as u32;
            node.end_point = (leaf * LEAF_SIZE + chunk.len()) as u32;
            level.push(node);
        }

        // Levels from the leaves up; each parent's children are one run of the level below.
        let mut levels = vec![];
        while level.len() > 1 {
            let order = tiled_order(&level, MAX_NODE, Node::tiling_key);
            level = in_order(&level, &order, |node| node);
            let parents = level
                .chunks(MAX_NODE)
                .enumerate()
                .map(|(at, children)| {
                    let mut parent = Node::empty();
                    for child in children {
                        parent.grow(&child.lower, &child.upper);
                    }
                    parent.first_node = (at * MAX_NODE) as u32;
                    parent.end_node = (at * MAX_NODE + children.len()) as u32;
                    parent
                })
                .collect();
            levels.push(std::mem::replace(&mut level, parents));
        }
        levels.push(level);

        // Root first: shift each level's child ranges by where the level below starts.
        let mut nodes = Vec::with_capacity(levels.iter().map(Vec::len).sum());
        for (depth, level) in levels.iter().enumerate().rev() {
            let below_start = (nodes.len() + level.len()) as u32;
            nodes.extend(level.iter().map(|node| {
                let mut node = *node;
                if depth > 0 {
                    node.first_node += below_start;
                    node.end_node += below_start;
                }
                node
            }));
        }
        PackedTree {
            nodes,
            points,
            slots,
        }
    }

    /// How many points the tree holds.
    pub(crate) fn len(&self) -> usize {
        self.points.len()
    }

    /// The heap memory the tree holds, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.points.capacity() * std::mem::size_of::<[f64; 3]>()
            + self.slots.capacity() * std::mem::size_of::<u32>()
    }

    /// Offers the collector every point within its bound, nearest nodes first, depth first,
    /// so that the bound tightens early and prunes the rest.
    pub(crate) fn nearest(&self, xyz: &[f64; 3], collector: &mut impl Collector) {
        if let Some(root) = self.nodes.first()
            && root.chord2_from(xyz) <= collector.bound2()
        {
            self.nearest_below(root, xyz, collector);
        }
    }

    fn nearest_below(&self, node: &Node, xyz: &[f64; 3], collector: &mut impl Collector) {
        let range = node.points();
        for (point, slot) in self.points[range.clone()].iter().zip(&self.slots[range]) {
            let chord2 = chord2(point, xyz);
            if chord2 <= collector.bound2() {
                collector.offer(chord2, *slot);
            }
        }
        // At most MAX_NODE children: the packing makes no larger node.
        let mut order = [(0.0, 0); MAX_NODE];
        let mut count = 0;
        for (child, at) in self.nodes[node.nodes()].iter().zip(node.first_node..) {
            let chord2 = child.chord2_from(xyz);
            if chord2 <= collector.bound2() {
                order[count] = (chord2, at);
                count += 1;
            }
        }
        // The nearest child first, before ordering the rest: its points usually tighten the
        // bound so far that few siblings are left to order.
        let Some(nearest) = (0..count).min_by(|a, b| order[*a].0.total_cmp(&order[*b].0)) else {
            return;
        };
        order.swap(0, nearest);
        self.nearest_below(&self.nodes[order[0].1 as usize], xyz, collector);
        let mut left = 0;
        for at in 1..count {
            if order[at].0 <= collector.bound2() {
                order[left] = order[at];
                left += 1;
            }
        }
        let order = &mut order[..left];
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        for (chord2, at) in order {
            if *chord2 > collector.bound2() {
                break;
            }
            self.nearest_below(&self.nodes[*at as usize], xyz, collector);
        }
    }

    /// Calls `visit` with the slot of every point within `max_chord2` of `xyz`.
    pub(crate) fn each_within(&self, xyz: &[f64; 3], max_chord2: f64, visit: &mut impl FnMut(u32)) {
        if let Some(root) = self.nodes.first() {
            self.within_below(root, xyz, max_chord2, visit);
        }
    }

    fn within_below(
        &self,
        node: &Node,
        xyz: &[f64; 3],
        max_chord2: f64,
        visit: &mut impl FnMut(u32),
    ) {
        if node.chord2_from(xyz) > max_chord2 {
            return;
        }
        let range = node.points();
        for (point, slot) in self.points[range.clone()].iter().zip(&self.slots[range]) {
            if chord2(point, xyz) <= max_chord2 {
                visit(*slot);
            }
        }
        for child in &self.nodes[node.nodes()] {
            self.within_below(child, xyz, max_chord2, visit);
        }
    }

    /// Calls `visit` with the slot of every point.
    pub(crate) fn each(&self, visit: &mut impl FnMut(u32)) {
        self.slots.iter().for_each(|slot| visit(*slot));
    }

    /// Calls `visit` with the slot of every point inside `envelope`, edges included.
    pub(crate) fn each_in_envelope(&self, envelope: &AABB<[f64; 3]>, visit: &mut impl FnMut(u32)) {
        if let Some(root) = self.nodes.first() {
            self.envelope_below(root, &envelope.lower(), &envelope.upper(), visit);
        }
    }

    fn envelope_below(
        &self,
        node: &Node,
        lower: &[f64; 3],
        upper: &[f64; 3],
        visit: &mut impl FnMut(u32),
    ) {
        if !node.intersects(lower, upper) {
            return;
        }
        let range = node.points();
        for (point, slot) in self.points[range.clone()].iter().zip(&self.slots[range]) {
            if (0..3).all(|axis| lower[axis] <= point[axis] && point[axis] <= upper[axis]) {
                visit(*slot);
            }
        }
        for child in &self.nodes[node.nodes()] {
            self.envelope_below(child, lower, upper, visit);
        }
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
    fn tiling_angles_go_round_with_longitude() {
        let keys: Vec<f64> = (-179..=180)
            .map(|lon| {
                tiling_key(
                    &crate::LatLon::new(30.0, f64::from(lon))
                        .unwrap()
                        .unit_vector(),
                )
                .0
            })
            .collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]), "{keys:?}");
        assert_eq!(tiling_key(&[0.0, 0.0, 1.0]), (0.0, 1.0));
    }

    #[test]
    fn every_entry_is_packed_once_and_nodes_cover_their_contents() {
        for count in [0, 1, 2, 17, 300, 5_000] {
            let tree = PackedTree::new(entries(count));
            let mut seen: Vec<u32> = tree.slots.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..count as u32).collect::<Vec<_>>());
            for node in &tree.nodes {
                assert!(node.nodes().len() <= MAX_NODE && node.points().len() <= LEAF_SIZE);
                assert!(node.nodes().is_empty() || node.points().is_empty());
                for point in &tree.points[node.points()] {
                    assert_eq!(node.chord2_from(point), 0.0);
                }
                for child in &tree.nodes[node.nodes()] {
                    assert!(node.intersects(&child.lower, &child.upper));
                    assert!((0..3).all(|a| node.lower[a] <= child.lower[a]));
                    assert!((0..3).all(|a| child.upper[a] <= node.upper[a]));
                }
            }
        }
    }

    #[test]
    fn within_and_envelope_walks_find_what_a_scan_finds() {
        let all = entries(3_000);
        let tree = PackedTree::new(all.clone());
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
