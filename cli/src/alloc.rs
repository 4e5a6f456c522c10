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

/// Applies the options; call first thing in `main`.
///
/// No transparent huge pages: the commands are short-lived, and each first touch of a huge page
/// has the kernel clear 2 MiB, at times after compacting memory (perf put 13-17% of a
/// `classify` run in `clear_page_erms`, varying from run to run). mimalloc reads `allow_thp`
/// when the process starts, before `main`, and by then it has mapped its first arena and asked
/// for huge pages on it; so the option alone changes nothing, and the process also tells the
/// kernel itself (PR_SET_THP_DISABLE, what mimalloc does when the option is set from the
/// environment), which holds for every page touched after it.
pub fn tune() {
    // SAFETY: mi_option_set takes any option index and value; it only stores the value.
    unsafe {
        libmimalloc_sys::mi_option_set(ALLOW_THP, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS as _);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option indices are the ones named (the crate names no constants): index 15, the
    /// purge delay, is 1,000 ms by default in mimalloc 3, a value no neighbouring option has;
    /// index 43, `allow_thp`, is on by default on Linux and the option after it
    /// (`minimal_purge_size`) is 0. One test, as `tune` changes both.
    #[test]
    fn option_indices_are_the_ones_named() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some()
            || std::env::var_os("MIMALLOC_ALLOW_THP").is_some()
        {
            return; // overridden for this run; the defaults cannot be read
        }
        // SAFETY: reading options.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(
            get(PURGE_DELAY),
            1000,
            "option {PURGE_DELAY} is not the purge delay"
        );
        assert_eq!(
            (get(ALLOW_THP), get(ALLOW_THP + 1)),
            (1, 0),
            "option {ALLOW_THP} is not allow_thp"
        );
        tune();
        #[allow(clippy::unnecessary_cast)] // c_long is i64 here, not everywhere
        let purge = get(PURGE_DELAY) as i64;
        assert_eq!(purge, PURGE_DELAY_MS);
        assert_eq!(get(ALLOW_THP), 0);
        // SAFETY: reading the process's THP setting.
        #[cfg(target_os = "linux")]
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
    }
}
