//! S rules: the record against its format's schema. Emitted by the format adapters
//! (`crate::format`), which read the record field by field while normalising it.

pub mod absent_column;
pub mod mixed_media;
pub mod target_mismatch;
pub mod unloadable_column;

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a record (a JSON object) without the key its format requires: `messages` in
    /// OpenAI chat; `input`, `preferred_output` and `non_preferred_output` in OpenAI
    /// preference (and `messages` inside `input`); `prompt` and `completion` (or `response`)
    /// in prompt-completion; `instruction` and `output` (or `response`) in Alpaca;
    /// `conversations` in ShareGPT; `text` in text; `prompt` and `completion` in TRL
    /// prompt-completion, and a `label` too in TRL unpaired preference; `chosen` and
    /// `rejected` in TRL preference, with a `prompt` unless the two begin alike (the implicit
    /// prompt); `prompt` in prompt-only.
    /// When the record has the shape of another format, the message says which one (the file
    /// mixes formats, or `format` is set wrong); otherwise it lists the keys the record has.
    /// An OpenAI chat record without `messages` gets no other diagnostic.
    ///
    /// A file that a LLaMA-Factory `dataset_info.json` names is read with the columns its
    /// entry declares: a record without the declared prompt, response, messages or ranking
    /// answer column is reported. So, once, is a column the entry declares that no record of
    /// its dataset has (of any of its files, for a folder): `datasets` makes a column only of a
    /// key some record has (null where others lack it), and LLaMA-Factory's converter reads
    /// its declared columns (`system`, `history`, `tools`, `images`, ...) from every example,
    /// so the run stops with `KeyError`. That finding is about the file (it points at its
    /// first record and makes no example invalid) and always fails the run, like a file that
    /// is not JSON Lines. A column read only from some examples is left alone: the ShareGPT
    /// `system` column when every example opens with a system turn, the OpenAI formatting's
    /// `system` and `tools` (read with a default), the response of a ranking entry.
    ///
    /// ## Why is this bad?
    /// The record holds no conversation the trainer can find. OpenAI's upload validation
    /// rejects the file, and a training script either raises `KeyError: 'messages'` or,
    /// with `example.get("messages", [])`, silently trains on nothing. A misspelled key
    /// (`"message"`, `"conversation"`) or a record of another format pasted into the file
    /// is the usual cause. A `dataset_info.json` entry copied from LLaMA-Factory's README
    /// (which names `system` and `history` for alpaca) over a file without those keys stops
    /// the training run before its first step.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"conversation": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static MISSING_MESSAGES = {
        code: "S001",
        name: "missing-messages",
        level: Error,
        summary: "record has no `messages` (or the keys its format or dataset_info.json entry requires)",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a `messages` value that is not an array (an object, `null`, or a string,
    /// typically the message list encoded as JSON a second time) or is an empty array. The
    /// same holds for ShareGPT's `conversations`, Alpaca's `history` and the preference
    /// format's `input`, and the message lists of the TRL formats; each preference output
    /// must hold exactly one message, and a TRL preference pair whose `chosen` and
    /// `rejected` give the same answer is reported here too (it teaches no preference). A record
    /// reported here is not checked any further. Under `fireworks`, whose DPO guide supports
    /// one-turn examples only, a preference `input` with more than one message besides
    /// system ones is a warning here, and the record is checked as usual.
    ///
    /// ## Why is this bad?
    /// There is no conversation to train on. OpenAI rejects the file; a training script that
    /// iterates over a string iterates over its characters and fails on the first
    /// `message["role"]`; an empty list becomes an example of zero tokens that the trainer
    /// drops or that breaks its batching.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": "[{\"role\": \"user\", \"content\": \"How do I cancel my plan?\"}, {\"role\": \"assistant\", \"content\": \"Open Billing and choose Cancel plan.\"}]"}
    /// {"messages": []}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing and choose Cancel plan."}]}
    /// ```
    pub static INVALID_MESSAGES = {
        code: "S002",
        name: "invalid-messages",
        level: Error,
        summary: "`messages` is not an array, or is empty",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports an element of `messages` that is not an object (a string, a `["user", "..."]`
    /// pair, `null`), and a message whose `name` is not a string, whose `refusal` is neither
    /// a string nor `null`, or whose role is `function` but which has no `name`. The same
    /// holds for ShareGPT turns and Alpaca `history` pairs. A record with a message that
    /// cannot be read is left out of the conversation-order rules (O), which would only
    /// repeat the problem.
    ///
    /// ## Why is this bad?
    /// Every chat template and OpenAI's validation read `message["role"]` and
    /// `message["content"]` from each message: a bare string makes the trainer raise
    /// `TypeError` and OpenAI reject the file. A `name` that is not a string cannot be
    /// rendered, and a `function` result without the function's `name` cannot be attributed
    /// to its call.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": ["How do I export my invoices?", {"role": "assistant", "content": "Open Billing, then Invoices, and click Export CSV."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I export my invoices?"}, {"role": "assistant", "content": "Open Billing, then Invoices, and click Export CSV."}]}
    /// ```
    pub static INVALID_MESSAGE = {
        code: "S003",
        name: "invalid-message",
        level: Error,
        summary: "a message is not an object, or has a malformed `name` or `refusal`",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a message without a `role` key, or whose `role` is not a string (`null`, a
    /// number, an object); in ShareGPT, a turn without a string `from`. The message's content
    /// is still checked, but the conversation-order rules (O) skip the record, since its turn
    /// order is unknown.
    ///
    /// ## Why is this bad?
    /// The role decides what the model learns: trainers compute the loss on assistant turns
    /// only and chat templates render each turn by its role. Without one, OpenAI rejects the
    /// file and a template raises `KeyError` or renders the turn under no speaker, so the
    /// text is either lost or trained on as if the model had said it.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"content": "My invoice shows the wrong VAT number."}, {"role": "assistant", "content": "Sorry about that. Update it under Billing, Tax details, and we will reissue the invoice."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "My invoice shows the wrong VAT number."}, {"role": "assistant", "content": "Sorry about that. Update it under Billing, Tax details, and we will reissue the invoice."}]}
    /// ```
    pub static MISSING_ROLE = {
        code: "S004",
        name: "missing-role",
        level: Error,
        summary: "message without a string `role`",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a role outside the format's set. OpenAI chat has `system`, `user`, `assistant`,
    /// `tool` and the deprecated `function`, in lowercase; ShareGPT has `system`, `human`,
    /// `gpt`, `function_call` and `observation` (and accepts `user` and `assistant`). Names
    /// other tools use (`bot`, `human`, `gpt`, `model`, `Assistant`) get a hint with the
    /// right one. `developer`, OpenAI's newer name for system instructions, is reported as a
    /// warning at most, since not every fine-tuning API accepts it. Under a target, a role it
    /// does not take is reported too: an error where the provider's own loader reads the data,
    /// a warning where the model's chat template decides; under `unsloth`, a ShareGPT role name
    /// its `standardize_sharegpt` does not map (tool turns among them) is an error, since the
    /// conversion raises on it; under `trl`, ShareGPT's `human` and `gpt` are a warning,
    /// since TRL renames the keys but hands the names to the chat template as written; under
    /// `axolotl`, ShareGPT's `function_call` and `observation` are a warning, since its
    /// default role map converts `human`, `user`, `gpt`, `assistant`, `system` and `tool`
    /// only and hands any other name to the template as written (and trains only the
    /// assistant's turns: such a call is not counted as trained); and under `trl`, in a
    /// record with `images` or `image`, any role but `system`, `user`, `assistant` and
    /// `tool` (`developer` included) is an error, since its vision collators convert the
    /// messages with `prepare_multimodal_messages`, which raises on it. A record with an
    /// unknown role is left out of the conversation-order rules (O).
    ///
    /// ## Why is this bad?
    /// OpenAI rejects the file. Open-model chat templates either raise on the unknown role or
    /// render it as a header of its own, so the turn is not trained as the assistant's answer:
    /// a dataset that calls the assistant `bot` in some files teaches nothing from those turns,
    /// or teaches the model to write `bot:` headers.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "bot", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static UNKNOWN_ROLE = {
        code: "S005",
        name: "unknown-role",
        level: Error,
        summary: "role outside the format's set (`developer` is a warning)",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a message without a `content` key, or with `"content": null`, unless it is an
    /// assistant message that calls tools (`tool_calls` or `function_call`) or carries a
    /// `refusal` string: there, no content is the API's own shape. In ShareGPT, a turn
    /// without `value`. Content that is present but empty (`""`) is C003's.
    ///
    /// ## Why is this bad?
    /// The turn says nothing. OpenAI rejects the file, and Hugging Face chat templates render
    /// Python's `None` as the text `None`, so the model learns to answer `None`. Missing
    /// content usually means a failed generation or an export that dropped a field.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I get a refund for last month?"}, {"role": "assistant", "content": null}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I get a refund for last month?"}, {"role": "assistant", "content": "Yes, within 30 days of the charge. Open Billing, select the invoice and choose Request refund."}]}
    /// ```
    pub static MISSING_CONTENT = {
        code: "S006",
        name: "missing-content",
        level: Error,
        summary: "message with no content and no tool call",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports content of the wrong type, a number, a boolean or an object where a string or
    /// an array of parts belongs, and a content array that is empty or holds a malformed
    /// part: one that is not an object, has no `type`, has a `type` other than `text` or
    /// `image_url`, or is a text part without a string `text`. Without a target, and under
    /// `trl`, `axolotl` and `unsloth`, `image`, `audio` and `video` parts are read too, as a
    /// chat template takes them (TRL's vision datasets); under an OpenAI-family target they
    /// are S007. Image parts are checked by S012. In prompt-completion, Alpaca, ShareGPT and text records, a text field that is not a
    /// string (under `axolotl`, a ShareGPT `value` may be a list of content parts, as its
    /// multimodal datasets read it; elsewhere the message says axolotl reads it); in the TRL formats, a column that is neither a string nor a list of messages,
    /// columns of one record in different forms (a list-of-messages prompt with a string
    /// completion), and an unpaired preference `label` that is not `true` or `false`. In a
    /// Parquet table, text stored as bytes (a `binary` column, pyarrow's `pa.binary()`, not
    /// `string`): each value of a field formats read as text (`content`, `text`, `prompt`,
    /// ...), whatever its bytes (another column, which no template renders, is not reported);
    /// bytes that are text (UTF-8 without control characters) are read as that text, so the
    /// content and privacy rules see them as a string's (an email address in a message's
    /// bytes is still P001).
    ///
    /// ## Why is this bad?
    /// OpenAI rejects the file. Trainers that do accept it turn the value into text their own
    /// way: an object like `{"text": "..."}` may be rendered as Python's `{'text': '...'}`,
    /// and the model learns to answer with dictionaries. `datasets` gives a binary column to
    /// the trainer as Python `bytes` (`b'Mail me at ...'`), which a chat template cannot
    /// render as text.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": {"text": "How do I add a team member?"}}, {"role": "assistant", "content": "Open Team, click Invite and enter their email address."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": [{"type": "text", "text": "How do I add a team member?"}]}, {"role": "assistant", "content": "Open Team, click Invite and enter their email address."}]}
    /// ```
    pub static INVALID_CONTENT = {
        code: "S007",
        name: "invalid-content",
        level: Error,
        summary: "content of the wrong type, or malformed content parts",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a key the format does not define: at the top of an OpenAI chat record
    /// (`messages`, `tools`, `parallel_tool_calls`, `functions`), in a message (`role`,
    /// `content` and `name`; assistant messages also `weight`, `tool_calls`, `function_call`
    /// and `refusal`; tool messages also `tool_call_id`), in a tool call, function, tool
    /// definition, content part or `image_url`. When an allowed key is close,
    /// the message suggests it, so typos like `"wieght"` or `"tool_call_ids"` are caught.
    /// The TRL formats accept the columns TRL's trainers read in every dataset (`images`,
    /// `image`, `tools`, `chat_template_kwargs`), and prompt-only records any key (GRPO hands
    /// every column to the reward functions). A record that gives an answer twice
    /// (`output` and `response`) is reported on the second. Under `together`, whose upload
    /// check refuses a record with a column its format does not read ("Found extra
    /// column"; `text` beside `messages` is two formats), and under `bedrock-claude` ("No
    /// extraneous keys are allowed" beside `system` and `messages`), a key at the top of a
    /// record is an error, unless a level is chosen for S008. Together's check takes
    /// `messages` and `tools` only, and its guide writes calls as `tool_calls`: OpenAI's
    /// `parallel_tool_calls` and deprecated `functions` are errors there as any other
    /// column, and a `function_call` on a message is reported with the key Together reads.
    ///
    /// A key whose value is `null` is not reported: pandas (`to_json(orient="records")`,
    /// `to_parquet`) and Hugging Face `datasets` (`to_json`, `to_parquet`) write a column some
    /// records carry as null on every other record, and `datasets.load_dataset` makes such a
    /// key a column of None whether it is written or left out. The same holds for the optional
    /// keys each format defines (alpaca's `input`, `system` and `history`, ShareGPT's `system`
    /// and `tools`, Vertex AI's `systemInstruction`, Bedrock's `system`, ...): a null one is
    /// read as absent. Under `together` and `bedrock-claude`, whose checks refuse a record by
    /// the names of its keys, an unknown top-level key is an error even when null.
    ///
    /// ## Why is this bad?
    /// Loaders ignore keys they do not know without a word, so a typo silently changes what
    /// is trained: `"wieght": 0` leaves a turn in the training signal that was meant to be
    /// masked out. Keys that are deliberate metadata (`id`, `source`) are harmless to most
    /// trainers but may be refused by a strict upload; keep them in a separate file, or turn
    /// this warning off for the files that carry them.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Is there a student discount?"}, {"role": "assistant", "content": "I think so, but I am not sure.", "wieght": 0}, {"role": "user", "content": "Could you check, please?"}, {"role": "assistant", "content": "Yes: students get 20% off. Upload your student ID under Billing, Discounts."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Is there a student discount?"}, {"role": "assistant", "content": "I think so, but I am not sure.", "weight": 0}, {"role": "user", "content": "Could you check, please?"}, {"role": "assistant", "content": "Yes: students get 20% off. Upload your student ID under Billing, Discounts."}]}
    /// ```
    pub static UNKNOWN_KEY = {
        code: "S008",
        name: "unknown-key",
        level: Warning,
        summary: "key the format does not define",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a `weight` whose value is not the number 0 or 1 (`0.5`, `true`, `"0"` are all
    /// reported; `1.0`, `1e0` and `0.0` are 1 and 0, as a float column of pandas or numpy
    /// writes them, and as Python's `weight in {0, 1}` reads them: no provider documents
    /// refusing them), and a `weight` on a message that is not the
    /// assistant's, except under a target that takes it on any message (`together`, which
    /// masks any message with it, and `fireworks`, whose format documents it per message).
    ///
    /// ## Why is this bad?
    /// `weight` tells the trainer whether to learn from an assistant turn: 1 trains on it, 0
    /// keeps it as context only. OpenAI rejects any other value, and other trainers read it
    /// as a loss mask where a fraction or a string is coerced unpredictably. User, system and
    /// tool turns are never trained on, so a weight there has no effect and shows that the
    /// intended turn is still being learned.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Is there a student discount?"}, {"role": "assistant", "content": "Yes, 20% off with a valid student ID.", "weight": 0.5}]}
    /// {"messages": [{"role": "user", "content": "Do teachers get a discount too?", "weight": 0}, {"role": "assistant", "content": "Yes, 20% off with a valid staff ID."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Is there a student discount?"}, {"role": "assistant", "content": "Yes, 20% off with a valid student ID.", "weight": 1}]}
    /// ```
    pub static INVALID_WEIGHT = {
        code: "S009",
        name: "invalid-weight",
        level: Error,
        summary: "`weight` not 0 or 1, or on a non-assistant message",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a malformed tool call on an assistant message: `tool_calls` that is not an
    /// array; a call that is not an object or lacks a non-empty string `id`, a `type` (which
    /// must be `"function"`) or a `function`; a function without `name` or `arguments`; a name
    /// that does not match `^[a-zA-Z0-9_-]{1,64}$`; `arguments` that is not a string, or a
    /// string that is not the JSON text of an object (`"{\"order_id\": \"A-1042\"}"`, not
    /// `{"order_id": "A-1042"}`, `"[\"A-1042\"]"` or `"A-1042"`); two calls with one id in
    /// one message. Also `tool_calls` or `function_call` on a message that is not the
    /// assistant's, a malformed `tools` (or deprecated `functions`) definition, and a
    /// `parallel_tool_calls` that is not a boolean. In a Bedrock Nova record, a `toolUse`
    /// that calls a tool its `toolConfig` does not define (the Nova SDK's validator rejects
    /// the record). As a warning, a chat record's tool call to a function its `tools` (or
    /// `functions`) do not declare: the chat template puts the declared tools in the prompt,
    /// so the example teaches the model to call a tool it was not given.
    ///
    /// Under a target that hands tool calls to the model's chat template (`trl`, `axolotl`,
    /// `unsloth`), and without a target (where only what holds for every target is checked),
    /// the calls are judged as Hugging Face's tool use writes them: `arguments` may be a JSON
    /// object (a string must still hold one), a call needs no `id`, a tool result may name
    /// its function with `name` instead of a `tool_call_id` (S011), `tools` may be a JSON
    /// string holding the definitions, and a function definition may carry the `return`
    /// that `get_json_schema` writes. OpenAI's stricter rules above hold under `openai`,
    /// `azure-openai`, `together`, `fireworks` and the other providers' targets, and for
    /// OpenAI's own preference and reinforcement formats, which only OpenAI reads.
    ///
    /// In ShareGPT and LLaMA-Factory records, a `function_call` turn's value is judged as
    /// LLaMA-Factory's formatter reads it: the JSON text of one `{"name", "arguments"}` call
    /// or a non-empty list of them (parallel calls), possibly after a thought (`<think>...`)
    /// or inside the template's tool-call words (`<tool_call>...`); and a `tools` column is
    /// empty or the JSON text of an array of definitions. A `dataset_info.json` entry with
    /// `"formatting": "openai"` may give the array itself: that converter writes it as JSON
    /// text (an object there is still S010: the template reads a list of definitions).
    ///
    /// ## Why is this bad?
    /// OpenAI rejects the file. A tool call is trained as the exact text the model will emit,
    /// and the runtime reads it with `json.loads(call.function.arguments)`: arguments written
    /// as an object are serialised differently by each trainer, and arguments that are not a
    /// JSON object teach the model calls the runtime cannot parse. A function name the API
    /// does not accept teaches calls to a tool that can never be declared.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get order status", "arguments": {"order_id": "A-1042"}}}]}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_order_status", "arguments": "{\"order_id\": \"A-1042\"}"}}]}]}
    /// ```
    pub static INVALID_TOOL_CALL = {
        code: "S010",
        name: "invalid-tool-call",
        level: Error,
        summary: "malformed tool call or tool definition",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a `tool` message whose `tool_call_id` matches no call of an earlier assistant
    /// message, a tool message without a string `tool_call_id` (where calls are paired by id:
    /// not under `trl`, `axolotl`, `unsloth` or without a target, see S010), and a tool call
    /// that no later tool message answers. Calls in the conversation's final message need no
    /// answer: an example may end on a tool call, since choosing the call is what it teaches.
    ///
    /// Where calls are paired by id, a call is answered by a tool message with its id, and a
    /// call without an `id` is S010's. Under `trl`, `axolotl`, `unsloth` and without a
    /// target, the chat template reads no id: a tool message without a `tool_call_id`
    /// answers a call of the assistant message it follows (before the next assistant
    /// message), the call to the function it names with `name`, or else the next unanswered
    /// one, whether or not the call has an `id`; a `tool_call_id` that is written still
    /// names the call it answers.
    ///
    /// ## Why is this bad?
    /// OpenAI rejects the file. Providers pair each result with its call by id, chat
    /// templates by order: an orphan result has nothing to attach to, and a call left
    /// unanswered in the middle of a conversation teaches the model to carry on as if the
    /// tool had replied, inventing the result instead of waiting for it.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_order_status", "arguments": "{\"order_id\": \"A-1042\"}"}}]}, {"role": "tool", "tool_call_id": "call_2", "content": "{\"status\": \"shipped\"}"}, {"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_order_status", "arguments": "{\"order_id\": \"A-1042\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "{\"status\": \"shipped\"}"}, {"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday."}]}
    /// ```
    pub static ORPHAN_TOOL_MESSAGE = {
        code: "S011",
        name: "orphan-tool-message",
        level: Error,
        summary: "tool message answering no earlier call, or a call never answered",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports an image part in a message that is not the user's, the first image over the
    /// target's limit per example (with a target that has one, listed below: Together's 10,
    /// Azure OpenAI's 64), and a malformed image part: no
    /// `image_url`, an `image_url` that is not an object with a string `url`, a `detail`
    /// other than `auto`, `low` or `high`, or a URL that is neither `http(s)://` nor a base64
    /// `data:` URL of a PNG, JPEG, GIF or WebP image with well-formed base64 data. With a
    /// target that takes images only as base64 data URLs of some types (Together: JPEG, PNG
    /// or WebP, at most 10 MB; Fireworks: PNG or JPEG), a link or another type. In the
    /// providers' own shapes: an image and a video in one Bedrock Nova record, or (with the
    /// target or the input format `bedrock-nova`) images and videos in different records of
    /// one file, reported on the first record that brings the second kind; a LLaMA-Factory
    /// record whose `images` differ in number from the `<image>` placeholders of its messages
    /// (its multimodal templates stop the run; videos and audios against `<video>` and
    /// `<audio>` are S007); under `trl`, a record whose `images` (or one `image`) differ in
    /// number from the `{"type": "image"}` placeholders of its `messages` or `prompt`, counted
    /// as TRL's `prepare_multimodal_messages` counts them before it raises: the parts without
    /// an image of their own outside tool messages, plus one per image put before the first
    /// user message whose content is a string.
    ///
    /// ## Why is this bad?
    /// OpenAI's vision fine-tuning accepts images only in user messages, and providers cap
    /// the images of one example; they reject the file otherwise. A data URL whose base64 was truncated or
    /// mangled by a copy cannot be decoded, so the upload fails or the example is dropped,
    /// and the trainer learns from the text without the image it talks about.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": [{"type": "text", "text": "Why does this screen show an error?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE"}}]}, {"role": "assistant", "content": "Your card was declined. Update it under Billing, Payment methods."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": [{"type": "text", "text": "Why does this screen show an error?"}, {"type": "image_url", "image_url": {"url": "https://support.example.com/uploads/declined-card.png"}}]}, {"role": "assistant", "content": "Your card was declined. Update it under Billing, Payment methods."}]}
    /// ```
    pub static INVALID_IMAGE = {
        code: "S012",
        name: "invalid-image",
        level: Error,
        summary: "image in a non-user message, more images than the target accepts, or a malformed image part or URL",
    };
}

/// The fields formats read as text: a binary column under one of these names is text stored
/// as bytes even when its bytes are not UTF-8.
const TEXT_FIELDS: &[&str] = &[
    "content",
    "text",
    "value",
    "role",
    "from",
    "prompt",
    "completion",
    "chosen",
    "rejected",
    "instruction",
    "input",
    "output",
    "response",
    "system",
];

/// Reports (S007) each value of the record that a Parquet table's binary column gave: text
/// stored as bytes, which `datasets` hands to the trainer as Python `bytes`. Image bytes (not
/// UTF-8, under a name no format reads as text) are not reported.
pub fn check_bytes(
    doc: &crate::json::Document<'_, '_>,
    table: &crate::source::TableShape,
    ctx: &mut crate::context::RecordContext<'_>,
) {
    use crate::json::{Kind, NodeId};
    use crate::source::Step;
    /// Every value at `path` under `node`, with its place in the record (`messages[1].content`).
    fn values_at(
        doc: &crate::json::Document<'_, '_>,
        node: NodeId,
        path: &[Step],
        place: &mut String,
        out: &mut Vec<(NodeId, String)>,
    ) {
        let Some((step, rest)) = path.split_first() else {
            out.push((node, place.clone()));
            return;
        };
        let len = place.len();
        match step {
            Step::Key(key) => {
                if let Some(value) = doc.get(node, key) {
                    if !place.is_empty() {
                        place.push('.');
                    }
                    place.push_str(key);
                    values_at(doc, value, rest, place, out);
                }
            }
            Step::Element => {
                for (i, element) in doc.elements(node).enumerate() {
                    place.push_str(&format!("[{i}]"));
                    values_at(doc, element, rest, place, out);
                    place.truncate(len);
                }
            }
        }
        place.truncate(len);
    }
    for path in &table.binary {
        let text_field =
            matches!(path.last(), Some(Step::Key(k)) if TEXT_FIELDS.contains(&k.as_str()));
        let mut values = Vec::new();
        values_at(doc, doc.root(), path, &mut String::new(), &mut values);
        for (node, place) in values {
            if doc.kind(node) != Kind::String {
                continue;
            }
            // A column no format reads as text (`source`, an image's bytes) is not rendered:
            // bytes there are no defect, and its text, if any, is still linted.
            if !text_field {
                continue;
            }
            let utf8 = !doc
                .str(node)
                .is_some_and(|s| crate::source::is_bytes_placeholder(&s));
            let what = if utf8 {
                "bytes"
            } else {
                "bytes that are not text"
            };
            ctx.report(
                crate::registry::Code::S007,
                doc.span(node),
                format!(
                    "{} is {what}, not a string: its Parquet column is binary (pyarrow `pa.binary()`), and `datasets` gives the trainer Python `bytes`, which a chat template cannot render; write the column as strings (`pa.string()`)",
                    crate::wording::quote(&place)
                ),
            );
        }
    }
}
