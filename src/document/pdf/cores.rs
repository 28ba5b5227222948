//! Work shared out over the cores, for the layout (a table's rows, the pages' QR codes) and for
//! the file (the pages' content). Apart because both use it and it has nothing of either.

/// `f` of each item, the items shared out over the cores, in order. For the work of a long
/// document that is the same for each page or row and needs nothing from the others.
pub(super) fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = items.len().div_ceil(cores).max(1);
    if items.len() <= share || items.len() < ON_ONE_CORE {
        return items.iter().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(share)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Fewer items than this are done on the calling thread: starting a thread costs about what a
/// few rows or a page's code do (a receipt, a one-page notice).
const ON_ONE_CORE: usize = 8;
