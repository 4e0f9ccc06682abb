//! A trainer's requirement on a Python package as its packaging writes it
//! (`">=3.4.1,!=4.0.*,!=4.1.0,<4.4.0"`): which release versions it allows (PEP 440's
//! comparison operators, on release segments only), and whether it allows any before a
//! version, from it, or both.

use std::cmp::Ordering;

/// One clause: `>=4.7.0`, `!=4.0.*`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Clause {
    op: Op,
    version: Vec<u32>,
    /// `==4.0.*` and `!=4.0.*`: every version whose release starts with `version`.
    prefix: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~=4.3`: at least 4.3, and 4.*.
    Compatible,
}

/// A parsed requirement: every clause must hold. No clause allows every version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Requirement {
    clauses: Vec<Clause>,
}

/// Which side of a version a requirement's allowed versions lie on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sides {
    pub(crate) before: bool,
    pub(crate) from: bool,
}

/// Compares release segments as PEP 440 does, the shorter padded with zeros: 4.7 is 4.7.0.
fn compare(a: &[u32], b: &[u32]) -> Ordering {
    let at = |v: &[u32], i: usize| v.get(i).copied().unwrap_or(0);
    (0..a.len().max(b.len()))
        .map(|i| at(a, i).cmp(&at(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `4.7.0` as release segments; `None` for anything else (a pre-release, a local version).
pub(crate) fn parse_version(text: &str) -> Option<Vec<u32>> {
    text.split('.')
        .map(|s| {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        })
        .collect()
}

/// The first version after every version that starts with `prefix`: 4.1 after 4.0.*.
fn after_prefix(prefix: &[u32]) -> Vec<u32> {
    let mut next = prefix.to_vec();
    if let Some(last) = next.last_mut() {
        *last += 1;
    }
    next
}

impl Clause {
    fn parse(text: &str) -> Option<Clause> {
        let text = text.trim();
        let (op, rest) = [
            ("===", Op::Eq),
            ("~=", Op::Compatible),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find_map(|(sign, op)| Some((op, text.strip_prefix(sign)?)))?;
        let rest = rest.trim();
        let (rest, prefix) = match rest.strip_suffix(".*") {
            Some(rest) if matches!(op, Op::Eq | Op::Ne) => (rest, true),
            Some(_) => return None,
            None => (rest, false),
        };
        let version = parse_version(rest)?;
        if op == Op::Compatible && version.len() < 2 {
            return None;
        }
        Some(Clause {
            op,
            version,
            prefix,
        })
    }

    fn allows(&self, v: &[u32]) -> bool {
        let starts = |prefix: &[u32]| {
            compare(v, prefix).is_ge() && compare(v, &after_prefix(prefix)).is_lt()
        };
        let order = compare(v, &self.version);
        match self.op {
            Op::Eq if self.prefix => starts(&self.version),
            Op::Ne if self.prefix => !starts(&self.version),
            Op::Eq => order.is_eq(),
            Op::Ne => order.is_ne(),
            Op::Lt => order.is_lt(),
            Op::Le => order.is_le(),
            Op::Gt => order.is_gt(),
            Op::Ge => order.is_ge(),
            Op::Compatible => order.is_ge() && starts(&self.version[..self.version.len() - 1]),
        }
    }

    /// The versions where this clause may change from allowing to refusing.
    fn edges(&self) -> Vec<Vec<u32>> {
        match self.op {
            _ if self.prefix => vec![self.version.clone(), after_prefix(&self.version)],
            Op::Compatible => vec![
                self.version.clone(),
                after_prefix(&self.version[..self.version.len() - 1]),
            ],
            _ => vec![self.version.clone()],
        }
    }
}

impl Requirement {
    /// `">=3.4.1,!=4.0.*,<4.4.0"`, or `""` for any version; `None` when a clause is not one
    /// of PEP 440's comparisons on a release version.
    pub(crate) fn parse(text: &str) -> Option<Requirement> {
        if text.trim().is_empty() {
            return Some(Requirement {
                clauses: Vec::new(),
            });
        }
        let clauses = text.split(',').map(Clause::parse).collect::<Option<_>>()?;
        Some(Requirement { clauses })
    }

    pub(crate) fn allows(&self, version: &[u32]) -> bool {
        self.clauses.iter().all(|c| c.allows(version))
    }

    /// Whether it allows a version before `split`, and one from `split` on. Exact: between
    /// two neighbouring edges (each clause's versions, and `split`) every version is allowed
    /// or none is, so one version at each edge and one just after it decide.
    pub(crate) fn sides(&self, split: &[u32]) -> Sides {
        let mut edges: Vec<Vec<u32>> = self.clauses.iter().flat_map(Clause::edges).collect();
        edges.push(split.to_vec());
        // Just after an edge: padded to the longest edge and one more segment, which is
        // below every later edge.
        let depth = edges.iter().map(Vec::len).max().unwrap_or(0);
        let mut probes = vec![vec![0]];
        for edge in &edges {
            let mut after = edge.clone();
            after.resize(depth, 0);
            after.push(1);
            probes.push(edge.clone());
            probes.push(after);
        }
        let mut sides = Sides {
            before: false,
            from: false,
        };
        for probe in probes.iter().filter(|p| self.allows(p)) {
            if compare(probe, split).is_lt() {
                sides.before = true;
            } else {
                sides.from = true;
            }
        }
        sides
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sides(text: &str) -> (bool, bool) {
        let s = Requirement::parse(text).unwrap().sides(&[4, 7, 0]);
        (s.before, s.from)
    }

    fn allows(text: &str, version: &str) -> bool {
        Requirement::parse(text)
            .unwrap()
            .allows(&parse_version(version).unwrap())
    }

    #[test]
    fn versions_compare_padded_with_zeros() {
        assert!(allows("==4.7", "4.7.0"));
        assert!(allows(">=4.7.0", "4.7"));
        assert!(!allows("<4.7.0", "4.7"));
        assert!(allows(">4.7.0", "4.7.0.1"));
    }

    #[test]
    fn wildcards_and_compatible_releases() {
        let unsloth = ">=3.4.1,!=4.0.*,!=4.1.0,<4.4.0";
        for (version, allowed) in [
            ("3.4.0", false),
            ("3.4.1", true),
            ("3.6.0", true),
            ("4.0.0", false),
            ("4.0.9", false),
            ("4.1.0", false),
            ("4.1.1", true),
            ("4.3.0", true),
            ("4.4.0", false),
        ] {
            assert_eq!(allows(unsloth, version), allowed, "{version}");
        }
        assert!(allows("~=4.3", "4.9"));
        assert!(!allows("~=4.3", "5.0"));
        assert!(!allows("~=4.3.1", "4.4.0"));
        assert!(allows("==4.*", "4.8.4"));
    }

    #[test]
    fn sides_of_the_trainers_requirements() {
        // Unsloth, LLaMA-Factory: all before 4.7. TRL 1.x, axolotl: all from it. TRL 0.x,
        // no requirement: both.
        assert_eq!(sides(">=3.4.1,!=4.0.*,!=4.1.0,<4.4.0"), (true, false));
        assert_eq!(sides(">=2.16.0,<=4.0.0"), (true, false));
        assert_eq!(sides(">=4.7.0"), (false, true));
        assert_eq!(sides("==4.8.4"), (false, true));
        assert_eq!(sides(">=3.0.0"), (true, true));
        assert_eq!(sides(""), (true, true));
        // At the edges: just below 4.7, 4.7 itself, a gap that excludes exactly the side.
        assert_eq!(sides("<=4.6.99"), (true, false));
        assert_eq!(sides("<4.7"), (true, false));
        assert_eq!(sides("<=4.7"), (true, true));
        assert_eq!(sides(">4.6.1.5,<4.7"), (true, false));
        assert_eq!(sides(">=4.6,!=4.6.*"), (false, true));
        assert_eq!(sides("==4.6.*"), (true, false));
        assert_eq!(sides(">4.6,<4.6.0.0.1"), (true, false));
        // Nothing allowed.
        assert_eq!(sides(">=5,<4"), (false, false));
    }

    #[test]
    fn what_is_not_a_release_comparison_does_not_parse() {
        for text in [
            "4.7",
            ">=4.7rc1",
            ">=4.7.0.dev0",
            "<4.*",
            "~=4",
            ">=",
            ">=4..7",
        ] {
            assert_eq!(Requirement::parse(text), None, "{text}");
        }
    }
}
