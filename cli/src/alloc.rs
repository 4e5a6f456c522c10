//! The command's allocator: mimalloc, tuned for an import's batches.

/// An import allocates and frees millions of small strings on three threads; mimalloc does that
/// with far less CPU than glibc's malloc (docs/IMPORT.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (the crate names no constant for it; the test checks the index).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the process before mimalloc returns it to the system.
/// The default (1 s) returned the memory of one import batch before the next reused it, so the
/// kernel mapped and zeroed it again: 7% of an import's CPU in perf. The command is short-lived.
pub const PURGE_DELAY_MS: i64 = 10_000;

/// `mi_option_allow_thp` (mimalloc 3; the test checks the index).
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Stops mimalloc from asking for transparent huge pages from here on. For a command whose run is
/// short and whose start-up allocates tables of a few megabytes (`classify` builds the lexicon's
/// automaton): each first touch of a huge page has the kernel clear 2 MiB, at times after
/// compacting memory, so start-up took 20-110 ms instead of a steady 25 ms (perf: 80% of it in
/// clear_page_erms).
pub fn no_huge_pages() {
    // SAFETY: as in `tune`.
    unsafe { libmimalloc_sys::mi_option_set(ALLOW_THP, 0) }
}

/// Applies the options; call first thing in `main`.
pub fn tune() {
    // SAFETY: mi_option_set takes any option index and value; it only stores the value.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS as _) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Index 15 must be the purge delay: mimalloc 3 documents its default as 1,000 ms, a value
    /// no neighbouring option has.
    #[test]
    fn purge_delay_index_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return; // overridden for this run; the default cannot be read
        }
        // SAFETY: reading an option.
        let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(
            before, 1000,
            "option {PURGE_DELAY} is not mimalloc's purge delay"
        );
        tune();
        let after = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(after as i64, PURGE_DELAY_MS);
    }

    /// Index 43 must be `allow_thp`: on by default on Linux, and the option after it
    /// (`minimal_purge_size`) is 0 by default.
    #[test]
    fn allow_thp_index_is_allow_thp() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            return;
        }
        // SAFETY: reading options.
        let (before, next) = unsafe {
            (
                libmimalloc_sys::mi_option_get(ALLOW_THP),
                libmimalloc_sys::mi_option_get(ALLOW_THP + 1),
            )
        };
        assert_eq!(
            (before, next),
            (1, 0),
            "option {ALLOW_THP} is not allow_thp"
        );
        no_huge_pages();
        let after = unsafe { libmimalloc_sys::mi_option_get(ALLOW_THP) };
        assert_eq!(after, 0);
    }
}
