//! Pure, CPU-bound work spread over every core in order-keeping chunks (chain diagnoses of a run, the
//! JDK parser model over a store's certificates). Plain scoped threads: the work is short and the
//! callers are synchronous.

/// Splits `items` into at most one chunk per core (none smaller than `min_chunk`, so that small inputs
/// stay on the calling thread's single worker) and runs `work` on each chunk on its own thread. The
/// results come back in the order of the chunks; a chunk whose `work` panicked is its thread's panic.
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    min_chunk: usize,
    work: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<std::thread::Result<Vec<R>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(min_chunk).max(1);
    if items.len() <= chunk {
        // One chunk: no thread to start.
        return vec![std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            || work(items),
        ))];
    }
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || work(part)))
            .collect();
        workers.into_iter().map(|w| w.join()).collect()
    })
}

/// [`map_chunks`] of `f` over every item, flattened back into one vector in item order; a panic in `f`
/// is resumed on the calling thread.
pub fn map<T: Sync, R: Send>(items: &[T], min_chunk: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_chunks(items, min_chunk, |part| part.iter().map(&f).collect())
        .into_iter()
        .flat_map(|r| r.unwrap_or_else(|p| std::panic::resume_unwind(p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items_whatever_the_chunking() {
        let items: Vec<u32> = (0..1_001).collect();
        for min_chunk in [1, 7, 500, 2_000] {
            let out = map(&items, min_chunk, |i| i * 2);
            assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
        assert!(map(&[] as &[u32], 1, |i| *i).is_empty());
    }

    #[test]
    fn a_panicking_chunk_is_reported_as_its_own_failure() {
        let items: Vec<u32> = (0..64).collect();
        let out = map_chunks(&items, 1, |part| {
            assert!(!part.contains(&0), "the first chunk fails");
            part.to_vec()
        });
        assert!(out[0].is_err());
        if out.len() > 1 {
            assert!(out[1..].iter().all(Result::is_ok));
        }
    }
}
