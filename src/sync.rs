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
}
