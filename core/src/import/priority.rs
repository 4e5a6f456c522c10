//! Scheduling priority of the import's helper stages.
//!
//! An import runs four threads (parse, store, rules engine, flag writer) and the two that store
//! share SQLite's single writer, which bounds the import's speed. With fewer cores than threads
//! the scheduler used to preempt the writer for parsing or the engine, which only needed to stay
//! one batch ahead; measured on 2 vCPUs, the writer was held about a quarter longer than its own
//! CPU time. The stages that never write therefore run at background priority (nice +10, like
//! Android's `THREAD_PRIORITY_BACKGROUND`): they still get every spare cycle, but no longer take
//! the writer's. docs/IMPORT.md has the figures.
//!
//! The trade-off: on a machine busy with other programs, an import's parsing and rules engine
//! yield to them as any background job does, so it takes longer there. (With Linux's autogroup
//! scheduling, the default on desktops, nice values only weigh within a terminal session.)
//! Measured again once the import had become CPU-bound: nice +10 ran at 92,000–117,000 msg/s
//! in four runs, +3 at 90,000–102,000, none at 74,000–93,000.

/// Lowers the calling thread's priority (not the process's) for the rest of its life. Threads
/// it spawns afterwards inherit the lower priority, so a stage spawns its writer first. Best
/// effort: where it is refused or unsupported the import is only slower.
pub(crate) fn background() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // On Linux the nice value is per thread, and `who == 0` means the calling thread.
        // SAFETY: getpriority/setpriority take no pointers; errors are reported in errno.
        unsafe {
            let now = libc::getpriority(libc::PRIO_PROCESS, 0);
            let want = (now + NICE_STEP).min(19);
            if want > now && libc::setpriority(libc::PRIO_PROCESS, 0, want) != 0 {
                log::debug!(
                    "import stage priority unchanged: {}",
                    std::io::Error::last_os_error()
                );
            }
        }
    }
}

/// How much lower than the caller the helper stages run.
#[cfg(any(target_os = "linux", target_os = "android"))]
const NICE_STEP: i32 = 10;

/// This thread's nice value, for tests.
#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
pub(crate) fn nice_now() -> i32 {
    // SAFETY: as above.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;

    #[test]
    fn lowers_only_the_calling_thread() {
        let caller = nice_now();
        let (inside, spawned) = std::thread::spawn(|| {
            background();
            let inside = nice_now();
            let spawned = std::thread::spawn(nice_now).join().unwrap();
            (inside, spawned)
        })
        .join()
        .unwrap();
        assert_eq!(inside, (caller + NICE_STEP).min(19));
        // Threads spawned afterwards inherit it (why a stage spawns its writer first).
        assert_eq!(spawned, inside);
        assert_eq!(nice_now(), caller, "the caller's thread keeps its priority");
    }
}
