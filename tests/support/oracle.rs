//! What the differential tests against Python oracles share: a seeded generator for random
//! inputs, and the Python that has the oracle installed. Shared by tests/tokens.rs (tiktoken)
//! and tests/hf_tokens.rs (transformers).

#![allow(dead_code)]

/// splitmix64: the same numbers on every machine, so a failing case can be replayed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A Python that imports `modules` (comma-separated, as `import` takes them), if there is
/// one: the interpreter the environment variable `env` names, which must import them (CI
/// sets it, so that a missing oracle fails there); otherwise `python3` when it does.
pub fn python_importing(env: &str, modules: &str) -> Option<String> {
    let imports = |python: &str| {
        std::process::Command::new(python)
            .args(["-c", &format!("import {modules}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Ok(python) = std::env::var(env) {
        assert!(imports(&python), "{env}={python} cannot import {modules}");
        return Some(python);
    }
    imports("python3").then(|| "python3".to_string())
}
