//! Calls into libraries that panic on hostile input instead of returning an error: the
//! Parquet reader on some corrupt tables, the `tokenizers` crate on some tokenizer files (an
//! empty `Replace` pattern, a garbage `Precompiled` normaliser). Their panics become errors
//! that say what went wrong, rather than a crash reported as a bug in tunelint.

thread_local! {
    /// Set while a call runs under [`guarded`]: its panics are caught there and reported as
    /// its error, not printed as a crash by `main`'s hook.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`; a panic in it becomes `Err` with the panic's message.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "it stopped".to_owned())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(super::guarded(|| 2 + 2), Ok(4));
        let r: Result<(), String> = super::guarded(|| panic!("index out of bounds"));
        assert_eq!(r, Err("index out of bounds".to_owned()));
        // Nested: the outer call stays guarded after the inner one returns.
        let r: Result<(), String> = super::guarded(|| {
            let _ = super::guarded(|| 1);
            panic!("{}", "after");
        });
        assert_eq!(r, Err("after".to_owned()));
    }
}
