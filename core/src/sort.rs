//! Stable sorting through one compiled sort. Every `slice::sort*` call with another element type
//! or comparison is its own copy of std's sort, 4 to 7 kB of machine code each; two dozen of them
//! were 100 kB of the Android library. These sort a permutation of indices with the comparison
//! behind `dyn` (compiled once) and then move the elements into place; short slices, as the
//! per-message sorts of the classifier, take an insertion sort without allocating.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Up to this length, insertion sort.
const SHORT: usize = 20;

/// Stable sort by a comparison, as `slice::sort_by`.
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() <= SHORT {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    // `order[i]` is where the element for position i is now: follow each cycle, swapping.
    for start in 0..order.len() {
        let mut cur = start;
        while order[cur] != start {
            let next = order[cur];
            v.swap(cur, next);
            order[cur] = cur;
            cur = next;
        }
        order[cur] = cur;
    }
}

/// Stable sort by a key, as `slice::sort_by_key`.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Stable sort in the element order, as `slice::sort`.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// A set of the items. `collect()` into a `BTreeSet` sorts them first (one more copy of std's
/// sort per element type); inserting them one by one uses the set's own code.
pub(crate) fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// A map of the pairs, the last value of a key winning, as `collect()` but without sorting
/// (see [`set_of`]).
pub(crate) fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// The one instance of std's sort: indices, compared through `dyn`.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_std() {
        let mut seed = 12345u64;
        for len in [0, 1, 2, 5, SHORT, SHORT + 1, 100, 1000] {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by_key(&mut ours, |x| x.0);
            let mut std = v.clone();
            std.sort_by_key(|x| x.0);
            assert_eq!(ours, std, "len {len}");
            let mut ours = v.clone();
            sort(&mut ours);
            let mut std = v;
            std.sort();
            assert_eq!(ours, std, "len {len}");
        }
    }
}
