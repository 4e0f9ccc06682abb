//! J rules: the file and its lines. The engine's reading stages call them where these facts
//! are known: the head of a file before its lines are read (J005-J007), each line's bytes
//! (J003, J004, J008), each line's JSON (J001, J002, J010) and the end of the file (J009).

pub mod blank_line;
pub mod byte_order_mark;
pub mod duplicate_key;
pub mod empty_file;
pub mod invalid_json;
pub mod invalid_utf8;
pub mod lfs_pointer;
pub mod line_too_large;
pub mod missing_final_newline;
pub mod not_an_object;
pub mod not_jsonl;
