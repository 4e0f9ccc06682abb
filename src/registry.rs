//! Every rule's code, in order: the identity diagnostics, settings, formats and rules share.
//!
//! This is the bottom of the rule registry: it names the rules and nothing else, so every
//! layer can use a [`Code`] without depending on the rules themselves. What each rule is
//! (its documentation, what it runs on, which rules suppress it) is the ordered table
//! `crate::rules::RULES`, one line per rule in the same order; a compile-time check keeps
//! the two in step.

macro_rules! codes {
    ($($code:ident,)*) => {
        /// A rule's code; the discriminant indexes `RULES` and per-file level tables.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u16)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as written: `S005`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }
        }
    };
}

codes! {
    J001, J002, J003, J004, J005, J006, J007, J008, J009, J010, J011,
    S001, S002, S003, S004, S005, S006, S007, S008, S009, S010, S011, S012, S013, S014,
    O001, O002, O003, O004, O005, O006,
    C001, C002, C003, C004, C005, C006, C007, C008, C009, C010, C011, C012,
    P001, P002, P003, P004, P005, P006,
    T001, T002, T003,
    D001, D002, D003, D004, D005,
    B001, B002, B003, B004, B005,
}

impl Code {
    /// The position of this rule in `RULES` and in per-rule tables.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The rule's family, the first letter of its code.
    pub const fn category(self) -> crate::rule::Category {
        crate::rule::Category::from_code(self.as_str())
    }

    /// The code written as `s` (case-insensitive).
    pub fn from_code(s: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
