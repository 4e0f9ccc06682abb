//! S rules: the record against its format's schema. Emitted by the format adapters
//! (`crate::format`), which read the record field by field while normalising it.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a record has no `messages` (or the format's required keys).
    pub static MISSING_MESSAGES = {
        code: "S001",
        name: "missing-messages",
        level: Error,
        summary: "record has no `messages` (or the format's required keys)",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a `messages` is not an array, or is empty.
    pub static INVALID_MESSAGES = {
        code: "S002",
        name: "invalid-messages",
        level: Error,
        summary: "`messages` is not an array, or is empty",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a a message is not an object.
    pub static INVALID_MESSAGE = {
        code: "S003",
        name: "invalid-message",
        level: Error,
        summary: "a message is not an object",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a message without a string `role`.
    pub static MISSING_ROLE = {
        code: "S004",
        name: "missing-role",
        level: Error,
        summary: "message without a string `role`",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a role outside the format's set.
    pub static UNKNOWN_ROLE = {
        code: "S005",
        name: "unknown-role",
        level: Error,
        summary: "role outside the format's set",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a message with no content and no tool call.
    pub static MISSING_CONTENT = {
        code: "S006",
        name: "missing-content",
        level: Error,
        summary: "message with no content and no tool call",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a content of the wrong type, or malformed content parts.
    pub static INVALID_CONTENT = {
        code: "S007",
        name: "invalid-content",
        level: Error,
        summary: "content of the wrong type, or malformed content parts",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a key the format does not define.
    pub static UNKNOWN_KEY = {
        code: "S008",
        name: "unknown-key",
        level: Warning,
        summary: "key the format does not define",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a `weight` not 0 or 1, or on a non-assistant message.
    pub static INVALID_WEIGHT = {
        code: "S009",
        name: "invalid-weight",
        level: Error,
        summary: "`weight` not 0 or 1, or on a non-assistant message",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a malformed tool call or tool definition.
    pub static INVALID_TOOL_CALL = {
        code: "S010",
        name: "invalid-tool-call",
        level: Error,
        summary: "malformed tool call or tool definition",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a tool message answering no earlier call, or a call never answered.
    pub static ORPHAN_TOOL_MESSAGE = {
        code: "S011",
        name: "orphan-tool-message",
        level: Error,
        summary: "tool message answering no earlier call, or a call never answered",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a image in an assistant message, more than 10 images, or a malformed image URL.
    pub static INVALID_IMAGE = {
        code: "S012",
        name: "invalid-image",
        level: Error,
        summary: "image in an assistant message, more than 10 images, or a malformed image URL",
    };
}
