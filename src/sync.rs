//! Locks shared by the parallel walk. A worker that panicked while holding one leaves it
//! poisoned; the data it guards (lists of paths, reports, messages) is still whole, so it
//! is taken as it is rather than panicking again in every other worker.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Lock `m`, poisoned or not.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The value of `m`, poisoned or not.
pub fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// Below this many allocations a value is freed at once: starting a thread costs more.
/// Measured (docs/performance.md, issue 16's fourth part): a thread's start took 13–17 µs,
/// freeing 2,000 path-sized strings 14–16 µs. The callers' counts are lower bounds (an
/// entry holds one allocation or more).
pub const FREE_LATER_MIN: usize = 2_000;

/// Free `value` on a thread of its own, so that the run goes on meanwhile: the walk's
/// facts and the app graph of a large tree are many small allocations, and freeing them
/// one by one is serial work the run need not wait for. `allocations`: about how many
/// it holds; fewer than [`FREE_LATER_MIN`], or no thread to be had, and it is freed here.
pub fn free_later<T: Send + 'static>(value: T, allocations: usize) {
    if allocations < FREE_LATER_MIN {
        return drop(value);
    }
    // A spawn that fails drops its closure, and the value with it, here.
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poisoned_lock_still_gives_its_data() {
        let m = std::sync::Arc::new(Mutex::new(vec![1]));
        let held = m.clone();
        let _ = std::thread::spawn(move || {
            let _guard = held.lock().unwrap();
            panic!("poison it");
        })
        .join();
        assert!(m.is_poisoned());
        lock(&m).push(2);
        let m = std::sync::Arc::into_inner(m).unwrap();
        assert_eq!(into_inner(m), [1, 2]);
    }

    #[test]
    fn a_value_freed_later_is_dropped() {
        struct Flag(std::sync::mpsc::Sender<()>);
        impl Drop for Flag {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        free_later(Flag(tx), FREE_LATER_MIN);
        let waited = rx.recv_timeout(std::time::Duration::from_secs(10));
        assert!(waited.is_ok(), "the value was never dropped");
    }

    #[test]
    fn a_small_value_is_freed_at_once() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        free_later(tx, FREE_LATER_MIN - 1);
        // The only sender is gone once the call returns.
        assert!(rx
            .try_recv()
            .is_err_and(|e| e == std::sync::mpsc::TryRecvError::Disconnected));
    }
}
