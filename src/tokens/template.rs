//! A model's Jinja chat template, compiled once with MiniJinja and rendered the way Hugging
//! Face `transformers` renders it (`apply_chat_template`).
//!
//! `transformers` renders with Jinja2 in a sandbox with `trim_blocks` and `lstrip_blocks`,
//! the `loopcontrols` extension, its own `tojson` (Python's `json.dumps`, not Jinja's HTML-safe
//! one), `raise_exception`, `strftime_now`, and a `{% generation %}` block that records which
//! characters of the output the assistant generates. Templates also call Python's string and
//! dict methods (`.strip()`, `.startswith()`, `.items()`, ...): MiniJinja's pycompat layer
//! (`minijinja-contrib`) answers those, and `python_methods` here the ones it lacks or takes
//! fewer arguments of (`index`, `split(sep=, maxsplit=)`, `partition`, `zfill`, ...), as do
//! Jinja2's own `int` and `float` filters, its `callable` test, and Python's `%` (a string
//! formatted printf-style) here. What Jinja2 prints as Python's `str()` is printed so
//! here too: a list or a dict (content parts printed whole) as its `repr`, `None`, `True`,
//! `False`, also through the `trim` and `string` filters.
//!
//! `{% generation %}…{% endgeneration %}` is rewritten, before compiling, to a `{% filter %}`
//! block of the same whitespace control on the same line: its body passes through a filter
//! that wraps it in two noncharacters (U+FDD0, U+FDD1), which `Rendered::from_marked` takes
//! out again as byte ranges. Line numbers of errors are those of the file.

use std::fmt::Write as _;
use std::ops::Range;

use indexmap::IndexMap;
use minijinja::machinery::ast;
use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};

use crate::json::{Document, Kind, NodeId};

/// The name the template is compiled under.
const NAME: &str = "chat_template";
/// Start and end of a `{% generation %}` block in the raw output.
const GEN_START: char = '\u{FDD0}';
const GEN_END: char = '\u{FDD1}';

/// A compiled chat template.
pub struct ChatTemplate {
    env: Environment<'static>,
    /// Where it comes from, for messages: a file, or `tokenizer_config.json`'s `chat_template`.
    pub origin: String,
    /// The template marks what the assistant generates (`{% generation %}`).
    pub has_generation: bool,
    /// Renders stopped so far, by why ([`Stopped`]): after [`MAX_EXHAUSTED`] of them, the
    /// template is not run again (each costs about a second), and every later render fails
    /// at once, saying why the earlier ones were stopped.
    stopped: [std::sync::atomic::AtomicUsize; 2],
}

/// Renders that may be stopped (out of [`FUEL`], or past the text a render may make) before
/// a template is given up on.
const MAX_EXHAUSTED: usize = 8;

/// Why a render was stopped: an index of `ChatTemplate::stopped`.
#[derive(Clone, Copy)]
enum Stopped {
    /// It ran out of [`FUEL`].
    Work = 0,
    /// It made more text than `max_render_bytes` allows its example.
    Text = 1,
}

impl std::fmt::Debug for ChatTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatTemplate")
            .field("origin", &self.origin)
            .finish()
    }
}

/// One rendering: the text, and the byte ranges `{% generation %}` blocks produced.
#[derive(Debug, Default, PartialEq)]
pub struct Rendered {
    pub text: String,
    pub generation: Vec<Range<usize>>,
}

impl Rendered {
    /// Takes the generation markers out of `raw`.
    fn from_marked(raw: String) -> Rendered {
        if !raw.contains([GEN_START, GEN_END]) {
            return Rendered {
                text: raw,
                generation: Vec::new(),
            };
        }
        let mut text = String::with_capacity(raw.len());
        let mut generation = Vec::new();
        let mut open: Option<usize> = None;
        let mut depth = 0usize;
        for c in raw.chars() {
            match c {
                GEN_START => {
                    if depth == 0 {
                        open = Some(text.len());
                    }
                    depth += 1;
                }
                GEN_END => {
                    depth = depth.saturating_sub(1);
                    if depth == 0
                        && let Some(start) = open.take()
                    {
                        generation.push(start..text.len());
                    }
                }
                c => text.push(c),
            }
        }
        Rendered { text, generation }
    }
}

/// Why a template did not compile or render: what went wrong and where, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub message: String,
    /// The line of the template, when known.
    pub line: Option<usize>,
    /// The template called `raise_exception`: it refuses this conversation on purpose.
    pub raised: bool,
    /// The render did more work than `FUEL` allows (a loop without end, a string that
    /// keeps doubling): Jinja would hang or run out of memory.
    pub exhausted: bool,
    /// There is no template to render with (a base model's files).
    pub missing: bool,
    /// The template uses a filter or method Jinja2 (and Python) has and tunelint's engine
    /// does not: the trainer renders it, tunelint cannot count this example.
    pub unsupported: bool,
    /// The trainer stops before the template, on what the record hands it: `message` says
    /// so whole.
    pub input: Option<InputProblem>,
}

/// What of a record stops the trainer before its chat template renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputProblem {
    /// A `tools` string that is not JSON, which the trainer decodes (S010 reports it too).
    ToolsText,
    /// A `chat_template_kwargs` that is not an object, which the trainer unpacks with `**`, or
    /// one with an entry that makes the trainer fail (`messages`, `tokenize`, ...).
    TemplateKwargs,
    /// An input the trainer renders or tokenizes in a way tunelint does not (a record's own
    /// `chat_template`, `continue_final_message`): not the data's fault, and not counted.
    Unsupported,
}

/// Jinja2's built-in filters: a template that uses one tunelint's engine lacks renders in
/// the trainer.
const JINJA2_FILTERS: &[&str] = &[
    "abs",
    "attr",
    "batch",
    "capitalize",
    "center",
    "default",
    "d",
    "dictsort",
    "escape",
    "e",
    "filesizeformat",
    "first",
    "float",
    "forceescape",
    "format",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "count",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "pprint",
    "random",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "string",
    "striptags",
    "sum",
    "title",
    "tojson",
    "trim",
    "truncate",
    "unique",
    "upper",
    "urlencode",
    "urlize",
    "wordcount",
    "wordwrap",
    "xmlattr",
];

/// Jinja2's global functions that tunelint's engine lacks: `lipsum` makes random text, which
/// no count can match.
const JINJA2_GLOBALS: &[&str] = &["lipsum"];

/// Python's methods of `str`, which Jinja2 lets a template call.
const PYTHON_STR_METHODS: &[&str] = &[
    "capitalize",
    "casefold",
    "center",
    "count",
    "encode",
    "endswith",
    "expandtabs",
    "find",
    "format",
    "format_map",
    "index",
    "isalnum",
    "isalpha",
    "isascii",
    "isdecimal",
    "isdigit",
    "isidentifier",
    "islower",
    "isnumeric",
    "isprintable",
    "isspace",
    "istitle",
    "isupper",
    "join",
    "ljust",
    "lower",
    "lstrip",
    "maketrans",
    "partition",
    "removeprefix",
    "removesuffix",
    "replace",
    "rfind",
    "rindex",
    "rjust",
    "rpartition",
    "rsplit",
    "rstrip",
    "split",
    "splitlines",
    "startswith",
    "strip",
    "swapcase",
    "title",
    "translate",
    "upper",
    "zfill",
];

/// Python's methods of `list`.
const PYTHON_LIST_METHODS: &[&str] = &[
    "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse",
    "sort",
];

/// Python's methods of `dict`.
const PYTHON_DICT_METHODS: &[&str] = &[
    "clear",
    "copy",
    "fromkeys",
    "get",
    "items",
    "keys",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "values",
];

/// The methods of a list and of a dict that change it, which `transformers`'
/// `ImmutableSandboxedEnvironment` refuses (`jinja2.sandbox._mutable_spec`): calling one is a
/// SecurityError, and the trainer stops.
const SANDBOX_MUTATING: &[(&str, &str, &[&str])] = &[
    (
        "sequence",
        "list",
        &[
            "append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort",
        ],
    ),
    (
        "map",
        "dict",
        &["clear", "pop", "popitem", "setdefault", "update"],
    ),
];

/// Jinja2's message for a method its sandbox refuses (`x.append(1)` on a list), when `e` is
/// MiniJinja's for a missing method of that name.
fn sandbox_refused(e: &Error) -> Option<String> {
    if e.kind() != ErrorKind::UnknownMethod {
        return None;
    }
    let (kind, name) = e.detail()?.split_once(" has no method named ")?;
    let (_, python, _) = SANDBOX_MUTATING
        .iter()
        .find(|(k, _, methods)| *k == kind && methods.contains(&name))?;
    Some(format!(
        "SecurityError: access to attribute '{name}' of '{python}' object is unsafe (transformers renders in Jinja2's immutable sandbox, where a template cannot change a list or dict)"
    ))
}

/// Whether `e` is a filter, or a method of the value's own Python type, that the trainer's
/// Jinja2 has and tunelint's engine does not. (A method the value's type lacks, `.strip()`
/// of `None` say, fails in Jinja2 too.)
fn unsupported_by_engine(e: &Error) -> bool {
    let detail = e.detail().unwrap_or_default();
    match e.kind() {
        ErrorKind::UnknownFilter => detail
            .strip_prefix("filter ")
            .and_then(|d| d.strip_suffix(" is unknown"))
            .is_some_and(|name| JINJA2_FILTERS.contains(&name)),
        ErrorKind::UnknownFunction => detail
            .strip_suffix(" is unknown")
            .is_some_and(|name| JINJA2_GLOBALS.contains(&name)),
        ErrorKind::UnknownMethod => {
            let Some((kind, name)) = detail.split_once(" has no method named ") else {
                return false;
            };
            if sandbox_refused(e).is_some() {
                return false;
            }
            let methods = match kind {
                "string" => PYTHON_STR_METHODS,
                "sequence" => PYTHON_LIST_METHODS,
                "map" => PYTHON_DICT_METHODS,
                _ => return false,
            };
            methods.contains(&name)
        }
        _ => false,
    }
}

/// Marks the message of a `raise_exception` call, to tell it from MiniJinja's own errors of
/// the same kind.
const RAISED: &str = "\u{1}raise_exception: ";

impl TemplateError {
    /// No template at all: `message` says what was looked for.
    pub fn missing(message: String) -> TemplateError {
        TemplateError {
            message,
            line: None,
            raised: false,
            exhausted: false,
            missing: true,
            unsupported: false,
            input: None,
        }
    }

    /// The trainer renders the example in a way tunelint does not (a record's own
    /// `chat_template`, `continue_final_message`): `message` says how; the example is not
    /// counted rather than counted otherwise.
    pub fn cannot(message: String) -> TemplateError {
        TemplateError {
            message,
            line: None,
            raised: false,
            exhausted: false,
            missing: false,
            unsupported: true,
            input: Some(InputProblem::Unsupported),
        }
    }

    /// The trainer fails on the record's input before rendering: `message` says why.
    pub fn input(problem: InputProblem, message: String) -> TemplateError {
        TemplateError {
            message,
            line: None,
            raised: false,
            exhausted: false,
            missing: false,
            unsupported: false,
            input: Some(problem),
        }
    }

    fn new(e: &Error, raised: bool) -> TemplateError {
        let mut message = match e.detail() {
            Some(detail) => detail.strip_prefix(RAISED).unwrap_or(detail).to_string(),
            None => e.kind().to_string(),
        };
        // MiniJinja's detail of a raise_exception is the message the template gave.
        if !raised && e.kind() != ErrorKind::InvalidOperation {
            message = format!("{}: {message}", e.kind());
        }
        if let Some(refused) = sandbox_refused(e) {
            message = refused;
        }
        let exhausted = e.kind() == ErrorKind::OutOfFuel;
        let unsupported = unsupported_by_engine(e);
        if exhausted {
            message = format!(
                "it does more work than tunelint allows one example (a loop without end or a \
                 string that keeps doubling, say); tunelint stops it at {WORK_LIMIT}"
            );
        }
        TemplateError {
            message,
            line: e.line(),
            raised,
            exhausted,
            missing: false,
            unsupported,
            input: None,
        }
    }

    /// `the chat template (path line 12) ...` for messages.
    pub fn located(&self, origin: &str) -> String {
        match self.line {
            Some(line) => format!("{origin}, line {line}"),
            None => origin.to_string(),
        }
    }
}

/// The work one render may do (see `minijinja::Environment::set_fuel`): about an instruction
/// or 64 bytes of data made each. Rendering the longest conversation a line can hold
/// (`max_line_bytes`, 64 MiB) with a usual template takes a small part of it.
const FUEL: u64 = 1 << 23;

/// [`FUEL`] in words, for messages.
const WORK_LIMIT: &str = "8 million steps or 512 MB of data";
const _: () = assert!(FUEL == 8 << 20 && MAX_TEXT_BYTES == 512 << 20);
const _: () = assert!(RENDER_BASE_BYTES == 4 << 20);

/// The most text one render may make (512 MiB: [`FUEL`] units of 64 bytes).
const MAX_TEXT_BYTES: usize = (FUEL as usize) * 64;

/// The text any render may make, whatever the example: a template's own text (a long
/// default system prompt, tool instructions) is far less.
const RENDER_BASE_BYTES: usize = 4 << 20;

/// The most text a render of a record of `record_bytes` may make: [`RENDER_BASE_BYTES`] and 64
/// bytes for each of the record's (a template writes each message once, with a few markers
/// around it; one that repeats a message thousands of times would take seconds and
/// gigabytes for each example). Never more than [`MAX_TEXT_BYTES`].
pub(crate) fn max_render_bytes(record_bytes: usize) -> usize {
    record_bytes
        .saturating_mul(64)
        .saturating_add(RENDER_BASE_BYTES)
        .min(MAX_TEXT_BYTES)
}

/// Where a render writes: stops it, with an error, past `max` bytes.
struct Capped {
    text: Vec<u8>,
    max: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > self.max {
            self.over = true;
            return Err(std::io::Error::other("the render makes too much text"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ChatTemplate {
    /// Compiles `source`; `origin` names it in messages.
    pub fn new(source: &str, origin: String) -> Result<ChatTemplate, TemplateError> {
        // MiniJinja parses and compiles an expression by recursion, a few hundred bytes of
        // stack for each operator: an expression of [`MAX_TAG_OPERATORS`] is compiled on a
        // stack of known size, whatever thread loads the model.
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("chat-template".into())
                .stack_size(COMPILE_STACK_BYTES)
                .spawn_scoped(scope, || ChatTemplate::compile(source, origin))
                .map_err(|e| TemplateError {
                    message: format!("cannot start a thread to compile it: {e}"),
                    line: None,
                    raised: false,
                    exhausted: false,
                    missing: false,
                    unsupported: false,
                    input: None,
                })?
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    fn compile(source: &str, origin: String) -> Result<ChatTemplate, TemplateError> {
        let source = jinja2_newlines(source);
        let (source, has_generation) = rewrite_generation(&source);
        if let Some((line, operators)) = largest_tag(&source)
            && operators > MAX_TAG_OPERATORS
        {
            return Err(TemplateError {
                message: format!(
                    "a tag has {operators} operators (filters, lookups, calls, `not`, `+`, ...), more than the {MAX_TAG_OPERATORS} tunelint compiles: a chain so long would overflow the stack, and no real template comes near"
                ),
                line: Some(line),
                raised: false,
                exhausted: false,
                missing: false,
                unsupported: false,
                input: None,
            });
        }
        let mut env = Environment::new();
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(false)
            .build()
            .map_err(|e| TemplateError::new(&e, false))?;
        if let Some(line) = do_statement(&source, syntax.clone()) {
            // MiniJinja has `{% do %}` built in; Jinja2 only with the `jinja2.ext.do`
            // extension, which `transformers` does not load (only `loopcontrols`): there the
            // template does not compile, and no example renders.
            return Err(TemplateError {
                message: "syntax error: Encountered unknown tag 'do' (Jinja2 has it only with the jinja2.ext.do extension, which transformers does not load)".into(),
                line: Some(line),
                raised: false,
                exhausted: false,
                missing: false,
                unsupported: false,
                input: None,
            });
        }
        let rewritten = rewrite_python(&source, syntax.clone());
        env.set_syntax(syntax);
        env.set_unknown_method_callback(python_methods);
        env.set_formatter(python_formatter);
        // A render's work and the data it makes are bounded: a template that loops without
        // end or doubles a string is stopped, not run for hours or until memory is gone.
        env.set_fuel(Some(FUEL));
        env.add_filter("tojson", tojson);
        env.add_filter("trim", python_trim);
        env.add_filter("string", python_string_filter);
        env.add_filter("join", python_join);
        // Jinja2's text filters that MiniJinja leaves to its contrib crate (or lacks).
        env.add_filter("truncate", python_truncate);
        env.add_filter("title", |text: String| jinja_title(&text));
        env.add_filter("escape", python_escape);
        env.add_filter("e", python_escape);
        env.add_filter("striptags", minijinja_contrib::filters::striptags);
        env.add_filter("filesizeformat", python_filesizeformat);
        env.add_filter("urlencode", python_urlencode);
        env.add_filter("wordcount", minijinja_contrib::filters::wordcount);
        env.add_filter("center", |text: String, width: Option<Value>| {
            let width = width.unwrap_or(Value::from(80));
            pad_method(&text, "center", &[width])
        });
        add_none_refusing_filters(&mut env);
        // Jinja2's tests: `none` is neither iterable nor a sequence (templates guard their tool
        // lists with `tools is iterable`), an undefined value is both, and so are a string and
        // a dict (`len()` and `[]` work on them).
        env.add_test("iterable", |v: &Value| !v.is_none() && v.try_iter().is_ok());
        env.add_test("sequence", |v: &Value| {
            v.is_undefined()
                || matches!(
                    v.kind(),
                    ValueKind::Seq | ValueKind::Map | ValueKind::String
                )
        });
        env.add_function(ITERABLE, |v: Value| -> Result<Value, Error> {
            not_none(&v, "iterable")?;
            Ok(v)
        });
        env.add_function(SLICEABLE, |v: Value| -> Result<Value, Error> {
            not_none(&v, "subscriptable")?;
            if v.is_undefined() {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    "an undefined value cannot be sliced",
                ));
            }
            Ok(v)
        });
        // A string is its own `str()`: passed through, not copied (a chain of `~` would copy
        // the growing text at each step).
        env.add_function(STR, |v: Value| -> Result<Value, Error> {
            if v.kind() == ValueKind::String {
                Ok(v)
            } else {
                python_str(&v).map(Value::from)
            }
        });
        env.add_function(SIZED, |v: Value| -> Result<Value, Error> {
            made_sequence(&v)?;
            Ok(v)
        });
        env.add_filter("__tunelint_generation", |body: String| {
            format!("{GEN_START}{body}{GEN_END}")
        });
        env.add_function(
            "raise_exception",
            |message: String| -> Result<Value, Error> {
                Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{RAISED}{message}"),
                ))
            },
        );
        env.add_function("strftime_now", strftime_now);
        // transformers 5's `TemplateNamespace` refuses a name that starts with `_`.
        env.add_function(
            "namespace",
            |defaults: Option<minijinja::value::ValueOrKwargs>| -> Result<Value, Error> {
                let defaults = defaults.map(|d| d.into_value());
                if let Some(name) = defaults
                    .as_ref()
                    .and_then(|d| d.try_iter().ok())
                    .and_then(|mut keys| {
                        keys.find(|k| k.as_str().is_some_and(|k| k.starts_with('_')))
                    })
                {
                    return Err(Error::new(
                        ErrorKind::InvalidOperation,
                        format!(
                            "SecurityError: Chat templates cannot store underscore-prefixed attributes on a namespace, but got '{}' (please rename the attribute)",
                            name.as_str().unwrap_or_default()
                        ),
                    ));
                }
                minijinja::functions::namespace(
                    defaults.map(minijinja::value::ValueOrKwargs::from),
                )
            },
        );
        env.add_function("cycler", |items: minijinja::value::Rest<Value>| {
            Cycler::value(items.0)
        });
        env.add_function("joiner", |sep: Option<Value>| {
            Value::from_object(Joiner {
                sep: sep.unwrap_or(Value::from(", ")),
                used: Default::default(),
            })
        });
        env.add_function(MOD, python_mod);
        env.add_filter("int", python_int_filter);
        env.add_filter("float", python_float_filter);
        env.add_test("callable", is_callable);
        // Should the rewrite ever not compile where the template does, the template as
        // written is rendered (MiniJinja's semantics) rather than refused.
        if rewritten == *source || env.add_template_owned(NAME, rewritten).is_err() {
            env.add_template_owned(NAME, source.to_string())
                .map_err(|e| TemplateError::new(&e, false))?;
        }
        Ok(ChatTemplate {
            env,
            origin,
            has_generation,
            stopped: Default::default(),
        })
    }

    /// Renders the conversation `messages` (a list of dicts, as the template sees them),
    /// making at most `max_bytes` of text (the model passes 4 MiB and 64 bytes for each
    /// byte of the record).
    pub fn render(
        &self,
        messages: &Value,
        tools: Option<&Value>,
        add_generation_prompt: bool,
        specials: &[(String, Value)],
        variables: &[(String, Value)],
        max_bytes: usize,
    ) -> Result<Rendered, TemplateError> {
        use std::sync::atomic::Ordering;
        let work = self.stopped[Stopped::Work as usize].load(Ordering::Relaxed);
        let text = self.stopped[Stopped::Text as usize].load(Ordering::Relaxed);
        if work + text >= MAX_EXHAUSTED {
            let mut e = TemplateError::new(&Error::from(ErrorKind::OutOfFuel), false);
            e.message = given_up(work, text);
            return Err(e);
        }
        let template = self
            .env
            .get_template(NAME)
            .map_err(|e| TemplateError::new(&e, false))?;
        let mut ctx: IndexMap<Value, Value> = IndexMap::with_capacity(specials.len() + 4);
        for (k, v) in specials {
            ctx.insert(Value::from(k.as_str()), v.clone());
        }
        ctx.insert(Value::from("messages"), messages.clone());
        ctx.insert(
            Value::from("tools"),
            tools.cloned().unwrap_or(Value::from(())),
        );
        ctx.insert(Value::from("documents"), Value::from(()));
        ctx.insert(
            Value::from("add_generation_prompt"),
            Value::from(add_generation_prompt),
        );
        // `apply_chat_template(**kwargs)`: over the special tokens, as in transformers.
        for (k, v) in variables {
            ctx.insert(Value::from(k.as_str()), v.clone());
        }
        let mut out = Capped {
            text: Vec::new(),
            max: max_bytes,
            over: false,
        };
        BUDGET.with(|b| {
            b.items.set(0);
            b.max_text.set(max_bytes);
        });
        let rendered = template.render_captured_to(Value::from(ctx), &mut out);
        if out.over {
            self.stopped[Stopped::Text as usize].fetch_add(1, Ordering::Relaxed);
            let mut e = TemplateError::new(&Error::from(ErrorKind::OutOfFuel), false);
            e.message = format!(
                "it makes more than {} MB of text for this example ({} MB plus 64 bytes for each byte of the record); a template that repeats a message, say",
                max_bytes >> 20,
                RENDER_BASE_BYTES >> 20
            );
            return Err(e);
        }
        match rendered {
            Ok(_) => Ok(Rendered::from_marked(
                String::from_utf8(out.text)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            )),
            Err(e) => {
                // Only `raise_exception` refuses on purpose; a type error (`%` on a string,
                // say) is the same kind of error in MiniJinja, but a failure.
                let raised = e.kind() == ErrorKind::InvalidOperation
                    && e.detail().is_some_and(|d| d.starts_with(RAISED));
                if e.kind() == ErrorKind::OutOfFuel {
                    self.stopped[Stopped::Work as usize].fetch_add(1, Ordering::Relaxed);
                }
                Err(TemplateError::new(&e, raised))
            }
        }
    }
}

/// Jinja2's `cycler(*items)`: `next()` gives the items in turn, `current` the one `next()` gives
/// next, `reset()` starts over. Python raises a RuntimeError for no items.
#[derive(Debug)]
struct Cycler {
    items: Vec<Value>,
    pos: std::sync::atomic::AtomicUsize,
}

impl Cycler {
    fn value(items: Vec<Value>) -> Result<Value, Error> {
        if items.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "RuntimeError: at least one item has to be provided",
            ));
        }
        Ok(Value::from_object(Cycler {
            items,
            pos: Default::default(),
        }))
    }
}

impl minijinja::value::Object for Cycler {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        use std::sync::atomic::Ordering;
        match key.as_str()? {
            "current" => Some(self.items[self.pos.load(Ordering::Relaxed)].clone()),
            "items" => Some(Value::from(self.items.clone())),
            "pos" => Some(Value::from(self.pos.load(Ordering::Relaxed))),
            _ => None,
        }
    }

    fn call_method(
        self: &std::sync::Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        use std::sync::atomic::Ordering;
        if !args.is_empty() {
            return Err(Error::from(ErrorKind::TooManyArguments));
        }
        match method {
            "next" | "__next__" => {
                let at = self.pos.load(Ordering::Relaxed);
                self.pos
                    .store((at + 1) % self.items.len(), Ordering::Relaxed);
                Ok(self.items[at].clone())
            }
            "reset" => {
                self.pos.store(0, Ordering::Relaxed);
                Ok(Value::from(()))
            }
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }

    fn render(self: &std::sync::Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<jinja2.utils.Cycler object>")
    }
}

/// Jinja2's `joiner(sep=", ")`: a function that gives `""` when first called, `sep` after.
#[derive(Debug)]
struct Joiner {
    sep: Value,
    used: std::sync::atomic::AtomicBool,
}

impl minijinja::value::Object for Joiner {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn call(
        self: &std::sync::Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        args: &[Value],
    ) -> Result<Value, Error> {
        if !args.is_empty() {
            return Err(Error::from(ErrorKind::TooManyArguments));
        }
        if self.used.swap(true, std::sync::atomic::Ordering::Relaxed) {
            Ok(self.sep.clone())
        } else {
            Ok(Value::from(""))
        }
    }

    fn render(self: &std::sync::Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<jinja2.utils.Joiner object>")
    }
}

/// Why a template is no longer run: `work` renders before ran out of [`FUEL`] and `text` made
/// more text than their examples allow.
fn given_up(work: usize, text: usize) -> String {
    const WORK: &str = "doing more work than tunelint allows one example";
    const TEXT: &str = "making more text than tunelint allows one example (4 MB plus 64 bytes for each byte of the record)";
    let why = match (work, text) {
        (_, 0) => format!("each {WORK} ({WORK_LIMIT})"),
        (0, _) => format!("each {TEXT}"),
        (work, text) => format!("{work} {WORK} ({WORK_LIMIT}), {text} {TEXT}"),
    };
    format!(
        "tunelint no longer runs it: it was stopped on {} examples before this one, {why}",
        work + text
    )
}

/// The most operators one `{{ }}` or `{% %}` tag may hold ([`largest_tag`]): real templates
/// have at most about 40; MiniJinja's parser and compiler recurse once or more for each, and a
/// chain of 50,000 (`not not ...`, `|upper|upper...`) overflowed the stack.
const MAX_TAG_OPERATORS: usize = 1000;

/// The stack a template is compiled on: far more than a tag of [`MAX_TAG_OPERATORS`] takes.
const COMPILE_STACK_BYTES: usize = 16 << 20;

/// The line and operator count of the tag of `source` with the most operators: each
/// punctuation that applies or opens something (`+ - * / % ~ | . [ ( { < > = !`) and each
/// `not`, `and`, `or`, `if`, `else`, `is` and `in`; string literals, names, numbers, commas,
/// colons and closing brackets do not count (a long list of strings nests nothing). Comments
/// and `{% raw %}` blocks are skipped. `None` for a template without tags.
fn largest_tag(source: &str) -> Option<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut largest: Option<(usize, usize)> = None;
    let mut i = 0;
    let mut line = 1;
    while i + 1 < bytes.len() {
        if bytes[i] == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        if bytes[i] != b'{' || !matches!(bytes[i + 1], b'{' | b'%' | b'#') {
            i += 1;
            continue;
        }
        let open = bytes[i + 1];
        let start_line = line;
        i += 2;
        if open == b'#' {
            let end = source[i..].find("#}").map_or(bytes.len(), |at| i + at + 2);
            line += bytes[i..end].iter().filter(|&&b| b == b'\n').count();
            i = end;
            continue;
        }
        let close = if open == b'{' { b'}' } else { b'%' };
        let mut operators = 0usize;
        let mut first_word: Option<&str> = None;
        while i < bytes.len() {
            let b = bytes[i];
            if b == close && bytes.get(i + 1) == Some(&b'}') {
                i += 2;
                break;
            }
            match b {
                b'\'' | b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b {
                        if bytes[i] == b'\n' {
                            line += 1;
                        }
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                    continue;
                }
                b'\n' => line += 1,
                b'+' | b'-' | b'*' | b'/' | b'%' | b'~' | b'|' | b'.' | b'[' | b'(' | b'{'
                | b'<' | b'>' | b'=' | b'!' => operators += 1,
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    let start = i;
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    let word = &source[start..i];
                    if matches!(word, "not" | "and" | "or" | "if" | "else" | "is" | "in") {
                        operators += 1;
                    }
                    first_word.get_or_insert(word);
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        if largest.is_none_or(|(_, most)| operators > most) {
            largest = Some((start_line, operators));
        }
        // A raw block's text is not parsed: on to its end.
        if open == b'%' && first_word == Some("raw") {
            let Some(at) = source[i.min(bytes.len())..].find("endraw") else {
                break;
            };
            let end = i + at;
            line += bytes[i..end].iter().filter(|&&b| b == b'\n').count();
            i = end;
        }
    }
    largest
}

/// The functions [`rewrite_python`] wraps expressions in: `for` over `none` and slicing
/// `none` raise, `~` joins Python's `str()` of its operands, and the lists `+` and `*` make
/// are counted ([`made_sequence`]).
const ITERABLE: &str = "__tunelint_iterable";
const SLICEABLE: &str = "__tunelint_sliceable";
const STR: &str = "__tunelint_str";
const MOD: &str = "__tunelint_mod";
const SIZED: &str = "__tunelint_sized";

/// The most items a list made by `+` or `*` may hold (a list of the messages of the longest
/// line is far less): 4 Mi values, about 100 MB.
const MAX_SEQUENCE_ITEMS: usize = 1 << 22;

/// The most list items the `+` and `*` of one render may make, all together: Jinja2 copies
/// both lists at each `+`, and so much copying takes as long as [`FUEL`]'s steps.
const MAX_ITEMS_MADE: u64 = 1 << 26;

/// What the render running on this thread makes that MiniJinja's fuel does not count: it
/// counts the strings `~` and `+` make, not the lists, which `+` joins lazily until a chain
/// of 32 is copied at once (a list doubled 33 times took minutes and gigabytes).
struct RenderBudget {
    /// List items `+` and `*` made so far.
    items: std::cell::Cell<u64>,
    /// The text the render may make ([`max_render_bytes`]): no value printed as JSON or as
    /// Python's `repr` is longer.
    max_text: std::cell::Cell<usize>,
}

thread_local! {
    static BUDGET: RenderBudget = const {
        RenderBudget {
            items: std::cell::Cell::new(0),
            max_text: std::cell::Cell::new(MAX_TEXT_BYTES),
        }
    };
}

/// Counts the list `+` or `*` made (`value`, the result): an error (out of fuel, as a render
/// that does not finish) past [`MAX_SEQUENCE_ITEMS`] in it or [`MAX_ITEMS_MADE`] in the
/// render, which is what Jinja2 would copy.
fn made_sequence(value: &Value) -> Result<(), Error> {
    if !matches!(value.kind(), ValueKind::Seq | ValueKind::Iterable) {
        return Ok(());
    }
    let Some(len) = value.len() else {
        return Ok(());
    };
    let made = BUDGET.with(|b| {
        let made = b.items.get().saturating_add(len as u64);
        b.items.set(made);
        made
    });
    if len > MAX_SEQUENCE_ITEMS || made > MAX_ITEMS_MADE {
        return Err(Error::from(ErrorKind::OutOfFuel));
    }
    Ok(())
}

/// The most text a value printed as JSON or as Python's `repr` may make in the render running
/// on this thread.
fn max_text() -> usize {
    BUDGET.with(|b| b.max_text.get())
}

/// The line of the first `{% do %}` statement in `source`, if any (the template as MiniJinja
/// parses it; one it cannot parse has no such statement here and fails on its own).
fn do_statement(source: &str, syntax: minijinja::syntax::SyntaxConfig) -> Option<usize> {
    fn find(stmts: &[ast::Stmt<'_>]) -> Option<usize> {
        stmts.iter().find_map(|s| {
            use ast::Stmt;
            match s {
                Stmt::Do(d) => Some(usize::from(d.span().start_line)),
                Stmt::Template(t) => find(&t.children),
                Stmt::ForLoop(f) => find(&f.body).or_else(|| find(&f.else_body)),
                Stmt::IfCond(c) => find(&c.true_body).or_else(|| find(&c.false_body)),
                Stmt::WithBlock(w) => find(&w.body),
                Stmt::SetBlock(set) => find(&set.body),
                Stmt::AutoEscape(a) => find(&a.body),
                Stmt::FilterBlock(f) => find(&f.body),
                Stmt::Macro(m) => find(&m.body),
                Stmt::CallBlock(c) => find(&c.macro_decl.body),
                _ => None,
            }
        })
    }
    let ast = minijinja::machinery::parse(source, NAME, syntax).ok()?;
    find(std::slice::from_ref(&ast))
}

/// Rewrites what MiniJinja evaluates otherwise than Jinja2 where no filter, test or formatter
/// can change it, keeping every line where it was:
/// - the sequence of a `{% for %}` loop goes through [`ITERABLE`]: Jinja2 raises a TypeError
///   on `none` (a `tool_use` template that loops over `tools` on an example without them),
///   MiniJinja loops zero times;
/// - the value of a slice (`x[1:]`) goes through [`SLICEABLE`]: Jinja2 raises on `none` and
///   on an undefined value, MiniJinja gives an empty list;
/// - each operand of `~` goes through [`STR`]: Jinja2 joins Python's `str()` of each (a float
///   as `1e-05`, a list as its `repr`), MiniJinja its own printing;
/// - `a % b` becomes [`MOD`]`(a , b)` (the `%` replaced by a comma): Python formats a string
///   with it (`'id-%s' % 3`), which MiniJinja refuses.
///
/// A template MiniJinja cannot parse is left as it is, for its own error message.
fn rewrite_python(source: &str, syntax: minijinja::syntax::SyntaxConfig) -> String {
    let Ok(ast) = minijinja::machinery::parse(source, NAME, syntax) else {
        return source.to_string();
    };
    let mut edits = Edits {
        source,
        at: Vec::new(),
        cut: Vec::new(),
    };
    edits.stmt(&ast);
    // At one offset, a closing parenthesis ends an earlier expression and comes first; the
    // openings stay in the order they were found, the enclosing expression's first.
    edits.at.sort_by_key(|&(offset, open, _)| (offset, open));
    let mut out = String::with_capacity(source.len() + edits.at.len() * 24);
    let mut done = 0;
    for (offset, _, text) in edits.at {
        if offset > done {
            out.push_str(&source[done..offset]);
            done = offset;
        }
        out.push_str(text);
        if text == "," && done == offset && edits.cut.contains(&offset) {
            done += 1;
        }
    }
    out.push_str(&source[done..]);
    out
}

/// Insertions into a template's source: (byte offset, whether it opens, text), and the
/// offsets of the bytes they replace (a `%` by a comma).
struct Edits<'s> {
    source: &'s str,
    at: Vec<(usize, bool, &'static str)>,
    cut: Vec<usize>,
}

impl Edits<'_> {
    /// Wraps the source from `start` to `end` in a call of `function`.
    fn wrap(&mut self, function: &'static str, start: usize, end: usize) {
        if start >= end || end > self.source.len() || !self.source.is_char_boundary(start) {
            return;
        }
        let open: &'static str = match function {
            ITERABLE => " __tunelint_iterable(",
            SLICEABLE => " __tunelint_sliceable(",
            MOD => " __tunelint_mod(",
            SIZED => " __tunelint_sized(",
            _ => " __tunelint_str(",
        };
        self.at.push((start, true, open));
        self.at.push((end, false, ")"));
    }

    /// The offset of the first `wanted` at or after `from`, past white space and closing
    /// parentheses (of the expression before it).
    fn next_char(&self, from: usize, wanted: char) -> Option<usize> {
        let rest = self.source.get(from..)?;
        let at = rest.find(|c: char| !c.is_whitespace() && c != ')')?;
        rest[at..].starts_with(wanted).then_some(from + at)
    }

    /// `start` moved back over the opening parentheses whose closing ones lie between it and
    /// `end` (the parser's span of `(a + b)` starts at `a`), outside string literals.
    fn opening_parens(&self, start: usize, end: usize) -> usize {
        let Some(text) = self.source.get(start..end) else {
            return start;
        };
        let mut unmatched = 0usize;
        let mut depth = 0usize;
        let mut quote = None;
        let mut escaped = false;
        for c in text.chars() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '\'' | '"' => quote = Some(c),
                    '(' => depth += 1,
                    ')' if depth > 0 => depth -= 1,
                    ')' => unmatched += 1,
                    _ => {}
                },
            }
        }
        let mut at = start;
        let before = &self.source[..start];
        for (i, c) in before.char_indices().rev() {
            if unmatched == 0 {
                break;
            }
            if c == '(' {
                unmatched -= 1;
                at = i;
            } else if !c.is_whitespace() {
                break;
            }
        }
        at
    }

    fn stmts(&mut self, stmts: &[ast::Stmt<'_>]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &ast::Stmt<'_>) {
        use ast::Stmt;
        match s {
            Stmt::Template(t) => self.stmts(&t.children),
            Stmt::EmitExpr(e) => self.expr(&e.expr),
            Stmt::EmitRaw(_) | Stmt::Continue(_) | Stmt::Break(_) => {}
            Stmt::ForLoop(f) => {
                // The sequence starts after the `in` that follows the target.
                let target_end = f.target.span().end_offset as usize;
                let after_in = self.source.get(target_end..).and_then(|rest| {
                    let mut from = 0;
                    while let Some(at) = rest[from..].find("in") {
                        let at = from + at;
                        let word =
                            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                        if !word(rest[..at].chars().next_back())
                            && !word(rest[at + 2..].chars().next())
                        {
                            return Some(target_end + at + 2);
                        }
                        from = at + 2;
                    }
                    None
                });
                if !matches!(
                    f.iter,
                    ast::Expr::List(_) | ast::Expr::Tuple(_) | ast::Expr::Map(_)
                ) && let Some(start) = after_in
                {
                    self.wrap(ITERABLE, start, f.iter.span().end_offset as usize);
                }
                self.expr(&f.iter);
                if let Some(e) = &f.filter_expr {
                    self.expr(e);
                }
                self.stmts(&f.body);
                self.stmts(&f.else_body);
            }
            Stmt::IfCond(c) => {
                self.expr(&c.expr);
                self.stmts(&c.true_body);
                self.stmts(&c.false_body);
            }
            Stmt::WithBlock(w) => {
                for (target, value) in &w.assignments {
                    self.expr(target);
                    self.expr(value);
                }
                self.stmts(&w.body);
            }
            Stmt::Set(set) => self.expr(&set.expr),
            Stmt::SetBlock(set) => {
                if let Some(f) = &set.filter {
                    self.expr(f);
                }
                self.stmts(&set.body);
            }
            Stmt::AutoEscape(a) => {
                self.expr(&a.enabled);
                self.stmts(&a.body);
            }
            Stmt::FilterBlock(f) => {
                self.expr(&f.filter);
                self.stmts(&f.body);
            }
            Stmt::Macro(m) => {
                self.exprs(&m.defaults);
                self.stmts(&m.body);
            }
            Stmt::CallBlock(c) => {
                self.call(&c.call);
                self.exprs(&c.macro_decl.defaults);
                self.stmts(&c.macro_decl.body);
            }
            Stmt::Do(d) => self.call(&d.call),
        }
    }

    fn exprs(&mut self, exprs: &[ast::Expr<'_>]) {
        for e in exprs {
            self.expr(e);
        }
    }

    fn call(&mut self, c: &ast::Call<'_>) {
        self.expr(&c.expr);
        self.args(&c.args);
    }

    fn args(&mut self, args: &[ast::CallArg<'_>]) {
        for a in args {
            match a {
                ast::CallArg::Pos(e)
                | ast::CallArg::Kwarg(_, e)
                | ast::CallArg::PosSplat(e)
                | ast::CallArg::KwargSplat(e) => self.expr(e),
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr<'_>) {
        use ast::Expr;
        match e {
            Expr::Var(_) | Expr::Const(_) => {}
            Expr::Slice(s) => {
                // The sliced value ends before the `[`.
                if let Some(bracket) = self.next_char(s.expr.span().end_offset as usize, '[') {
                    self.wrap(SLICEABLE, chain_start(e), bracket);
                }
                self.expr(&s.expr);
                for part in [&s.start, &s.stop, &s.step].into_iter().flatten() {
                    self.expr(part);
                }
            }
            Expr::UnaryOp(u) => self.expr(&u.expr),
            Expr::BinOp(b) => {
                if matches!(b.op, ast::BinOpKind::Add | ast::BinOpKind::Mul) {
                    self.wrap(
                        SIZED,
                        b.span().start_offset as usize,
                        b.span().end_offset as usize,
                    );
                }
                if matches!(b.op, ast::BinOpKind::Concat)
                    && let Some(tilde) = self.next_char(b.left.span().end_offset as usize, '~')
                {
                    self.wrap(STR, b.span().start_offset as usize, tilde);
                    self.wrap(STR, tilde + 1, b.span().end_offset as usize);
                }
                if matches!(b.op, ast::BinOpKind::Rem)
                    && let Some(percent) = self.next_char(b.left.span().end_offset as usize, '%')
                {
                    let start = self.opening_parens(expr_start(&b.left), percent);
                    self.wrap(MOD, start, b.span().end_offset as usize);
                    // After any closing parenthesis at the same offset (`a%b%c`).
                    self.at.push((percent, true, ","));
                    self.cut.push(percent);
                }
                self.expr(&b.left);
                self.expr(&b.right);
            }
            Expr::Compare(c) => {
                self.expr(&c.expr);
                for op in &c.ops {
                    self.expr(&op.expr);
                }
            }
            Expr::IfExpr(i) => {
                self.expr(&i.test_expr);
                self.expr(&i.true_expr);
                if let Some(f) = &i.false_expr {
                    self.expr(f);
                }
            }
            Expr::Filter(f) => {
                if let Some(inner) = &f.expr {
                    self.expr(inner);
                }
                self.args(&f.args);
            }
            Expr::Test(t) => {
                self.expr(&t.expr);
                self.args(&t.args);
            }
            Expr::GetAttr(g) => self.expr(&g.expr),
            Expr::GetItem(g) => {
                self.expr(&g.expr);
                self.expr(&g.subscript_expr);
            }
            Expr::Call(c) => self.call(c),
            Expr::List(l) => self.exprs(&l.items),
            Expr::Tuple(t) => self.exprs(&t.items),
            Expr::Map(m) => {
                self.exprs(&m.keys);
                self.exprs(&m.values);
            }
        }
    }
}

/// Where the value of `e`, a chain of `.name`, `[...]` and `(...)` after a value, starts in the
/// source. MiniJinja's parser gives the first link of a chain the span from the value's start
/// (an opening parenthesis included) and each later link a span from its own `.`, `[` or `(`:
/// the earliest start down the chain.
fn chain_start(e: &ast::Expr<'_>) -> usize {
    let inner = match e {
        ast::Expr::GetAttr(g) => Some(&g.expr),
        ast::Expr::GetItem(g) => Some(&g.expr),
        ast::Expr::Slice(s) => Some(&s.expr),
        ast::Expr::Call(c) => Some(&c.expr),
        _ => None,
    };
    let own = e.span().start_offset as usize;
    inner.map_or(own, |inner| own.min(chain_start(inner)))
}

/// Jinja2's `callable()`: functions (`raise_exception`, `namespace`, ...), which MiniJinja
/// holds as opaque objects, and macros, which it holds as a map of exactly their `name`,
/// `arguments` and `caller` (the test's only way to tell them, a dict of those three keys
/// aside).
fn is_callable(v: &Value) -> bool {
    match v.kind() {
        ValueKind::Plain => true,
        ValueKind::Map if v.as_object().is_some() => {
            let keys: Vec<Value> = v
                .try_iter()
                .map(|k| k.take(4).collect())
                .unwrap_or_default();
            keys == [
                Value::from("name"),
                Value::from("arguments"),
                Value::from("caller"),
            ] && v
                .get_attr("caller")
                .is_ok_and(|c| c.kind() == ValueKind::Bool)
        }
        _ => false,
    }
}

/// Where the source of `e` starts: its leftmost operand's start, through filters, tests,
/// operators and chains (whose spans start at their `|`, `is`, operator or link).
fn expr_start(e: &ast::Expr<'_>) -> usize {
    use ast::Expr;
    let leftmost = match e {
        Expr::Filter(f) => f.expr.as_ref(),
        Expr::Test(t) => Some(&t.expr),
        Expr::BinOp(b) => Some(&b.left),
        Expr::Compare(c) => Some(&c.expr),
        Expr::IfExpr(i) => Some(&i.true_expr),
        Expr::GetAttr(g) => Some(&g.expr),
        Expr::GetItem(g) => Some(&g.expr),
        Expr::Slice(s) => Some(&s.expr),
        Expr::Call(c) => Some(&c.expr),
        _ => None,
    };
    let own = e.span().start_offset as usize;
    leftmost.map_or(own, |inner| own.min(expr_start(inner)))
}

/// Jinja2's TypeError where MiniJinja takes `none` for an empty sequence.
fn not_none(value: &Value, what: &str) -> Result<(), Error> {
    if value.is_none() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("'NoneType' object is not {what} (Jinja2 raises a TypeError)"),
        ));
    }
    Ok(())
}

/// The filters that Jinja2 cannot apply to `none` (a TypeError: it is not iterable), which
/// MiniJinja applies to an empty sequence: MiniJinja's own, after a check.
fn add_none_refusing_filters(env: &mut Environment<'static>) {
    use minijinja::State;
    use minijinja::filters as f;
    env.add_filter("sort", |s: &State, v: Value, k: Kwargs| {
        not_none(&v, "iterable")?;
        f::sort(s, v, k)
    });
    env.add_filter("first", |v: Value| {
        not_none(&v, "iterable")?;
        f::first(&v)
    });
    env.add_filter("last", |v: Value| {
        not_none(&v, "reversible")?;
        f::last(v)
    });
    env.add_filter("list", |s: &State, v: Value| {
        not_none(&v, "iterable")?;
        f::list(s, v)
    });
    env.add_filter("unique", |s: &State, v: Value, k: Kwargs| {
        not_none(&v, "iterable")?;
        f::unique(s, v, k)
    });
    env.add_filter("reverse", |v: Value| {
        not_none(&v, "reversible")?;
        f::reverse(&v)
    });
    env.add_filter(
        "sum",
        |s: &State, v: Value, attribute: Option<&str>, start: Option<Value>, k: Kwargs| {
            not_none(&v, "iterable")?;
            f::sum(s, v, attribute, start, k)
        },
    );
    env.add_filter("min", |s: &State, v: Value, k: Kwargs| {
        not_none(&v, "iterable")?;
        f::min(s, v, k)
    });
    env.add_filter("max", |s: &State, v: Value, k: Kwargs| {
        not_none(&v, "iterable")?;
        f::max(s, v, k)
    });
    env.add_filter(
        "batch",
        |s: &State, v: Value, count: usize, fill: Option<Value>| {
            not_none(&v, "iterable")?;
            f::batch(s, v, count, fill)
        },
    );
    env.add_filter("items", |v: Value| {
        not_none(&v, "a mapping")?;
        f::items(&v)
    });
    env.add_filter("dictsort", |v: Value, k: Kwargs| {
        not_none(&v, "a mapping")?;
        f::dictsort(&v, k)
    });
}

/// Jinja2's `join(d='', attribute=None)`: Python's `str()` of each item (a float as `1e-05`,
/// `None`), or of its `attribute` (a dotted path, `a.b.0`), joined; a TypeError on `none`.
/// MiniJinja's own `join` joins the strings, so the render's limits on work and size hold.
fn python_join(
    state: &mut minijinja::State,
    value: Value,
    joiner: Option<Value>,
    attribute: Option<String>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    not_none(&value, "iterable")?;
    let joiner = match joiner {
        Some(joiner) => joiner,
        None => kwargs.get::<Option<Value>>("d")?.unwrap_or(Value::from("")),
    };
    let attribute = match attribute {
        Some(attribute) => Some(attribute),
        None => kwargs.get::<Option<String>>("attribute")?,
    };
    kwargs.assert_all_used()?;
    let mut items = Vec::new();
    for item in value.try_iter()? {
        let item = match &attribute {
            Some(path) => attribute_of(item, path)?,
            None => item,
        };
        items.push(if item.as_str().is_some() {
            item
        } else {
            Value::from(python_str(&item)?)
        });
    }
    let joiner = minijinja::value::StringInput::new(state, &joiner)?;
    minijinja::filters::join(
        state,
        &Value::from(items),
        Some(joiner),
        None,
        Kwargs::from_iter(std::iter::empty::<(&str, Value)>()),
    )
}

/// The value at Jinja2's attribute path (`user.name`, `items.0`) of `item`: undefined where
/// its last step leads nowhere, an error (Jinja2's UndefinedError) where an earlier one does.
fn attribute_of(item: Value, path: &str) -> Result<Value, Error> {
    let mut value = item;
    for part in path.split('.') {
        if value.is_undefined() {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                format!("the attribute path {path:?} leads nowhere before {part:?}"),
            ));
        }
        let next = match part.parse::<i64>() {
            Ok(index) => value.get_item(&Value::from(index)),
            Err(_) => value.get_attr(part),
        };
        value = next.unwrap_or(Value::UNDEFINED);
    }
    Ok(value)
}

/// `source` with every `\r\n` and lone `\r` made `\n`, as Jinja2's lexer makes them before it
/// reads a template (`Lexer.tokeniter` splits the source on `\r\n|\r|\n` and joins it with
/// `\n`; `newline_sequence` is `\n` in `transformers`' environment): template data, string
/// literals, raw blocks and the whitespace `trim_blocks` removes alike. A `chat_template.jinja`
/// checked out with CRLF line endings, or a `tokenizer_config.json` template written on
/// Windows, renders the `\n` text the trainer sees, not an extra `\r` token per line. An
/// escaped `'\r'` in a string literal is no carriage return in the source, and stays one.
fn jinja2_newlines(source: &str) -> std::borrow::Cow<'_, str> {
    if !source.contains('\r') {
        return source.into();
    }
    source.replace("\r\n", "\n").replace('\r', "\n").into()
}

/// Rewrites `{% generation %}` and `{% endgeneration %}` (with any whitespace control) into a
/// filter block, keeping every line where it was; says whether there was any.
fn rewrite_generation(source: &str) -> (String, bool) {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    let mut found = false;
    while let Some(at) = rest.find("{%") {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        let Some(close) = tag.find("%}") else {
            out.push_str(tag);
            return (out, found);
        };
        let inner = &tag[2..close];
        let (open_ws, body) = match inner.as_bytes().first() {
            Some(b'-' | b'+') => (&inner[..1], &inner[1..]),
            _ => ("", inner),
        };
        let (body, close_ws) = match body.as_bytes().last() {
            Some(b'-' | b'+') => (&body[..body.len() - 1], &body[body.len() - 1..]),
            _ => (body, ""),
        };
        match body.trim() {
            "generation" => {
                found = true;
                let _ = write!(
                    out,
                    "{{%{open_ws} filter __tunelint_generation {close_ws}%}}"
                );
            }
            "endgeneration" => {
                let _ = write!(out, "{{%{open_ws} endfilter {close_ws}%}}");
            }
            _ => out.push_str(&tag[..close + 2]),
        }
        rest = &tag[close + 2..];
    }
    out.push_str(rest);
    (out, found)
}

/// `tojson` as `transformers` defines it: Python's `json.dumps(x, ensure_ascii=False,
/// indent=indent, separators=separators, sort_keys=sort_keys)`.
fn tojson(value: Value, kwargs: Kwargs) -> Result<Value, Error> {
    let indent: Option<Value> = kwargs.get("indent")?;
    let separators: Option<Value> = kwargs.get("separators")?;
    let sort_keys: Option<bool> = kwargs.get("sort_keys")?;
    let ensure_ascii: Option<bool> = kwargs.get("ensure_ascii")?;
    kwargs.assert_all_used()?;
    let indent = match indent {
        None => None,
        Some(v) if v.is_none() => None,
        Some(v) => match v.kind() {
            ValueKind::Number => Some(" ".repeat(i64::try_from(v)?.max(0) as usize)),
            ValueKind::String => Some(v.as_str().unwrap_or_default().to_string()),
            _ => None,
        },
    };
    let (item, key) = match separators.filter(|s| !s.is_none()) {
        Some(s) => {
            let item = s.get_item_by_index(0)?;
            let key = s.get_item_by_index(1)?;
            (
                item.as_str().unwrap_or(",").to_string(),
                key.as_str().unwrap_or(":").to_string(),
            )
        }
        None if indent.is_some() => (",".to_string(), ": ".to_string()),
        None => (", ".to_string(), ": ".to_string()),
    };
    let style = JsonStyle {
        indent,
        item,
        key,
        sort_keys: sort_keys.unwrap_or(false),
        ensure_ascii: ensure_ascii.unwrap_or(false),
    };
    let mut out = String::new();
    style.write(&value, 0, &mut out)?;
    Ok(Value::from(out))
}

struct JsonStyle {
    indent: Option<String>,
    item: String,
    key: String,
    sort_keys: bool,
    ensure_ascii: bool,
}

impl JsonStyle {
    fn newline(&self, depth: usize, out: &mut String) {
        if let Some(indent) = &self.indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(indent);
            }
        }
    }

    fn write(&self, v: &Value, depth: usize, out: &mut String) -> Result<(), Error> {
        // No render writes more text than its limit: a list of big lists (`[l] * 1000000`)
        // printed whole is stopped as a render that does not finish, before memory runs out.
        if out.len() > max_text() {
            return Err(Error::from(ErrorKind::OutOfFuel));
        }
        match v.kind() {
            // transformers' tojson is `json.dumps`, which cannot write Jinja2's Undefined (a
            // missing `content`, say): a TypeError.
            ValueKind::Undefined => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "Object of type Undefined is not JSON serializable (tojson of an undefined value is a TypeError in transformers)",
                ));
            }
            ValueKind::None => out.push_str("null"),
            ValueKind::Bool => out.push_str(if v.is_true() { "true" } else { "false" }),
            ValueKind::Number => out.push_str(&python_number(v)),
            ValueKind::String => {
                python_string(v.as_str().unwrap_or_default(), self.ensure_ascii, out)
            }
            ValueKind::Seq | ValueKind::Iterable => {
                let items: Vec<Value> = v.try_iter()?.collect();
                if items.is_empty() {
                    out.push_str("[]");
                    return Ok(());
                }
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&self.item);
                    }
                    self.newline(depth + 1, out);
                    self.write(item, depth + 1, out)?;
                }
                self.newline(depth, out);
                out.push(']');
            }
            ValueKind::Map => {
                let mut pairs: Vec<(Value, Value)> = Vec::new();
                for k in v.try_iter()? {
                    let value = v.get_item(&k)?;
                    pairs.push((k, value));
                }
                if self.sort_keys {
                    pairs.sort_by_key(|a| a.0.to_string());
                }
                if pairs.is_empty() {
                    out.push_str("{}");
                    return Ok(());
                }
                out.push('{');
                for (i, (k, value)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&self.item);
                    }
                    self.newline(depth + 1, out);
                    match k.as_str() {
                        Some(s) => python_string(s, self.ensure_ascii, out),
                        None => python_string(&k.to_string(), self.ensure_ascii, out),
                    }
                    out.push_str(&self.key);
                    self.write(value, depth + 1, out)?;
                }
                self.newline(depth, out);
                out.push('}');
            }
            _ => python_string(&v.to_string(), self.ensure_ascii, out),
        }
        Ok(())
    }
}

/// A number as Python's `json.dumps` writes it: integers in full, floats as `repr`.
fn python_number(v: &Value) -> String {
    if v.is_integer() {
        return v.to_string();
    }
    match f64::try_from(v.clone()) {
        Ok(x) => python_float(x),
        Err(_) => v.to_string(),
    }
}

/// Python's `str()` (and `repr`) of a number: an integer in full, a float as `repr` (`1e-05`,
/// `100.0`, `nan`, `inf`), which is how Jinja2 prints it.
fn python_number_str(v: &Value) -> String {
    if !v.is_integer()
        && let Ok(x) = f64::try_from(v.clone())
    {
        if x.is_nan() {
            return "nan".into();
        }
        if x.is_infinite() {
            return if x > 0.0 { "inf" } else { "-inf" }.into();
        }
    }
    python_number(v)
}

/// Python's `repr` of a float: the shortest digits that read back, positional from 1e-4 up to
/// 1e16, scientific (`1e-05`, `1.5e+16`) outside.
pub fn python_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        let s = format!("{x}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

/// A JSON string literal as Python's `json.dumps` writes it.
fn python_string(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if ensure_ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// How `{{ value }}` prints a value, as Jinja2 under `transformers` prints it: a list or a dict
/// (a message's content parts, say) as Python's `repr` (`[{'type': 'text', 'text': 'Hi'}]`),
/// `None`, `True` and `False` capitalised, a float as Python's `repr` (`1e-05`, `1e+16`,
/// where MiniJinja writes every digit); strings and integers as MiniJinja prints them, which is
/// as Jinja2 does.
fn python_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    if !prints_as_repr(value) {
        return minijinja::escape_formatter(out, state, value);
    }
    out.write_str(&python_str(value)?)
        .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
}

/// A value as Python's `str()` gives it: a string as it is, a list or a dict as its `repr`,
/// anything else as it prints.
fn python_str(value: &Value) -> Result<String, Error> {
    if prints_as_repr(value) {
        let mut text = String::new();
        python_repr(value, &mut text)?;
        return Ok(text);
    }
    Ok(match value.kind() {
        ValueKind::String => value.as_str().unwrap_or_default().to_string(),
        _ => value.to_string(),
    })
}

/// Whether Python's `str()` of `value` is its `repr`, which MiniJinja prints otherwise
/// (`None`, `True`, lists, dicts, floats).
fn prints_as_repr(value: &Value) -> bool {
    match value.kind() {
        ValueKind::None | ValueKind::Bool | ValueKind::Seq | ValueKind::Map => true,
        // The lists `+` and `*` make, lazily (Python's lists): MiniJinja printed them whole,
        // past any limit (`[l] * 1000000` took gigabytes).
        ValueKind::Iterable => value.len().is_some(),
        ValueKind::Number => !value.is_integer(),
        _ => false,
    }
}

/// Jinja2's `trim(value, chars=None)`: `str(value)` without the leading and trailing
/// whitespace (or `chars`). A list of content parts is trimmed as its `repr`.
fn python_trim(value: Value, chars: Option<String>) -> Result<String, Error> {
    let text = python_str(&value)?;
    Ok(match chars {
        Some(chars) => text.trim_matches(|c| chars.contains(c)).to_string(),
        None => text.trim_matches(python_space).to_string(),
    })
}

/// Python's `str.title()`: a cased character after an uncased one (a digit, an apostrophe,
/// `.`, `&`, a space) starts a word and is upper-cased, the others lower-cased.
fn python_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_word = false;
    for c in text.chars() {
        let cased = c.is_lowercase() || c.is_uppercase();
        if cased && in_word {
            out.extend(c.to_lowercase());
        } else if cased {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        in_word = cased;
    }
    out
}

/// Jinja2's `title` filter, which is not `str.title()`: the text split before and after runs
/// of `-`, white space, `(`, `{`, `[` and `<`, each piece's first character upper-cased and
/// the rest lower-cased (`o'neil x2y` is `O'neil X2y`).
fn jinja_title(text: &str) -> String {
    let separator = |c: char| matches!(c, '-' | '(' | '{' | '[' | '<') || python_space(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        let is_sep = separator(first);
        let len = rest
            .char_indices()
            .find(|&(_, c)| separator(c) != is_sep)
            .map_or(rest.len(), |(i, _)| i);
        let (piece, tail) = rest.split_at(len);
        out.extend(first.to_uppercase());
        out.push_str(&piece[first.len_utf8()..].to_lowercase());
        rest = tail;
    }
    out
}

/// Jinja2's `escape` (MarkupSafe's): `&`, `<`, `>`, `"` and `'` as `&amp;`, `&lt;`, `&gt;`,
/// `&#34;` and `&#39;`, nothing else; text already escaped is left as it is.
fn python_escape(value: Value) -> Value {
    if value.is_safe() {
        return value;
    }
    let text = match value.as_str() {
        Some(s) => s.to_owned(),
        None if value.is_none() => "None".to_owned(),
        None => value.to_string(),
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Value::from_safe_string(out)
}

/// Jinja2's `filesizeformat(value, binary=False)`: the value read as Python's `float()`
/// reads it, `1 Byte`, `N Bytes` below the base, then one decimal and the prefix.
fn python_filesizeformat(
    value: Value,
    binary: Option<Value>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let binary = match binary {
        Some(b) => b.is_true(),
        None => kwargs
            .get::<Option<Value>>("binary")?
            .is_some_and(|b| b.is_true()),
    };
    kwargs.assert_all_used()?;
    let bytes = match value.kind() {
        ValueKind::Bool => f64::from(u8::from(value.is_true())),
        ValueKind::Number => f64::try_from(value.clone()).unwrap_or(0.0),
        ValueKind::String => value
            .as_str()
            .unwrap_or_default()
            .trim()
            .parse::<f64>()
            .map_err(|_| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("could not convert string to float: {value:?}"),
                )
            })?,
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "float() argument must be a string or a real number",
            ));
        }
    };
    let base: f64 = if binary { 1024.0 } else { 1000.0 };
    let prefixes: [&str; 8] = if binary {
        ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
    } else {
        ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    };
    if bytes == 1.0 {
        return Ok(Value::from("1 Byte"));
    }
    if bytes < base {
        return Ok(Value::from(format!("{} Bytes", bytes.trunc() as i64)));
    }
    let mut unit = base;
    for (i, prefix) in prefixes.iter().enumerate() {
        unit = base.powi(i as i32 + 2);
        if bytes < unit {
            return Ok(Value::from(format!("{:.1} {prefix}", base * bytes / unit)));
        }
    }
    Ok(Value::from(format!(
        "{:.1} {}",
        base * bytes / unit,
        prefixes[prefixes.len() - 1]
    )))
}

/// Jinja2's `urlencode`: a string (or any value but a sequence or a map, as Python's `str()`
/// writes it) percent-encoded with `/` kept; a map's items, or a sequence of pairs, as a
/// query string (`a=1&b=x+y`).
fn python_urlencode(value: Value) -> Result<Value, Error> {
    fn quote(text: &str, query: bool) -> String {
        let mut out = String::with_capacity(text.len());
        for b in text.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                    out.push(char::from(b));
                }
                b'/' if !query => out.push('/'),
                b' ' if query => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }
    let text = |v: &Value| -> String {
        match v.kind() {
            ValueKind::None | ValueKind::Undefined => "None".to_owned(),
            ValueKind::Bool => if v.is_true() { "True" } else { "False" }.to_owned(),
            _ => v.as_str().map_or_else(|| v.to_string(), str::to_owned),
        }
    };
    let pairs: Vec<(Value, Value)> = match value.kind() {
        ValueKind::Map => value
            .try_iter()?
            .map(|k| {
                let v = value.get_item(&k).unwrap_or_default();
                (k, v)
            })
            .collect(),
        ValueKind::Seq | ValueKind::Iterable => value
            .try_iter()?
            .map(|item| {
                let mut parts = item.try_iter()?;
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(k), Some(v), None) => Ok((k, v)),
                    _ => Err(Error::new(
                        ErrorKind::InvalidOperation,
                        "cannot unpack an item that is not a pair",
                    )),
                }
            })
            .collect::<Result<_, Error>>()?,
        _ => return Ok(Value::from(quote(&text(&value), false))),
    };
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", quote(&text(k), true), quote(&text(v), true)))
        .collect();
    Ok(Value::from(query.join("&")))
}

/// Jinja2's `truncate(length=255, killwords=False, end='...', leeway=None)`, its arguments by
/// position or by name, as minijinja-contrib's (which takes them by name only) computes it.
fn python_truncate(
    state: &mut minijinja::State,
    value: Value,
    args: minijinja::value::Rest<Value>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    const NAMES: [&str; 4] = ["length", "killwords", "end", "leeway"];
    if args.len() > NAMES.len() {
        return Err(Error::from(ErrorKind::TooManyArguments));
    }
    let mut named: Vec<(&str, Value)> = NAMES.iter().copied().zip(args.iter().cloned()).collect();
    for name in &NAMES[args.len()..] {
        if let Some(v) = kwargs.get::<Option<Value>>(name)? {
            named.push((name, v));
        }
    }
    kwargs.assert_all_used()?;
    minijinja_contrib::filters::truncate(state, &value, Kwargs::from_iter(named))
}

/// Python's methods on values (`.strip()`, `.items()`, ...), as minijinja-contrib's pycompat
/// gives them, but with Python's white space for the string methods that default to it.
fn python_methods(
    state: &mut minijinja::State,
    value: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, Error> {
    if let Some(result) = python_more_methods(value, method, args) {
        return result;
    }
    if let (Some(text), []) = (value.as_str(), args) {
        match method {
            "strip" => return Ok(Value::from(text.trim_matches(python_space))),
            "lstrip" => return Ok(Value::from(text.trim_start_matches(python_space))),
            "rstrip" => return Ok(Value::from(text.trim_end_matches(python_space))),
            "split" => {
                let words: Vec<Value> = text
                    .split(python_space)
                    .filter(|w| !w.is_empty())
                    .map(Value::from)
                    .collect();
                return Ok(Value::from(words));
            }
            _ => {}
        }
    }
    minijinja_contrib::pycompat::unknown_method_callback(state, value, method, args)
}

/// Python's string methods MiniJinja and minijinja-contrib lack or take fewer arguments of:
/// `find`/`index` and their right-hand twins, `count`, `startswith`/`endswith` with a start
/// and end, `split`/`rsplit` with `sep=` and `maxsplit=`, `partition`/`rpartition`,
/// `removeprefix`/`removesuffix`, `zfill`, `ljust`/`rjust`/`center`; and lists' `index`,
/// lists' and dicts' `copy`. `None` for any other call.
fn python_more_methods(
    value: &Value,
    method: &str,
    args: &[Value],
) -> Option<Result<Value, Error>> {
    if let Some(text) = value.as_str() {
        let call = match method {
            "find" | "rfind" | "index" | "rindex" | "count"
                if args.len() > 1 || method.contains("index") =>
            {
                find_method(text, method, args)
            }
            "startswith" | "endswith" if args.len() > 1 => affix_method(text, method, args),
            "split" | "rsplit" if method == "rsplit" || !args.is_empty() => {
                split_method(text, method == "rsplit", args)
            }
            "partition" | "rpartition" => partition_method(text, method == "rpartition", args),
            "removeprefix" | "removesuffix" => {
                minijinja::value::from_args::<(&str,)>(args).map(|(affix,)| {
                    Value::from(if method == "removeprefix" {
                        text.strip_prefix(affix).unwrap_or(text)
                    } else {
                        text.strip_suffix(affix).unwrap_or(text)
                    })
                })
            }
            "zfill" | "ljust" | "rjust" | "center" => pad_method(text, method, args),
            "title" if args.is_empty() => Ok(Value::from(python_title(text))),
            "swapcase" if args.is_empty() => Ok(Value::from(
                text.chars()
                    .flat_map(|c| {
                        if c.is_uppercase() {
                            c.to_lowercase().collect::<Vec<char>>()
                        } else if c.is_lowercase() {
                            c.to_uppercase().collect()
                        } else {
                            vec![c]
                        }
                    })
                    .collect::<String>(),
            )),
            _ => return None,
        };
        return Some(call);
    }
    match (value.kind(), method) {
        (ValueKind::Seq, "index") => Some(list_index(value, args)),
        (ValueKind::Seq | ValueKind::Map, "copy") => {
            Some(minijinja::value::from_args::<()>(args).map(|()| value.clone()))
        }
        _ => None,
    }
}

/// Python's `ValueError`, as a template error.
fn value_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// Python's slice bounds of a string of `len` characters (`ADJUST_INDICES`): `start` and `end`
/// may be negative, `None` or past the end.
fn char_bounds(len: usize, start: Option<i64>, end: Option<i64>) -> (usize, usize) {
    let len = len as i64;
    let fix = |i: i64| if i < 0 { (i + len).max(0) } else { i };
    let end = end.map_or(len, |e| fix(e).min(len));
    let start = start.map_or(0, fix);
    (start as usize, end as usize)
}

/// An optional index argument: an integer or `None`.
fn index_arg(v: Option<&Value>) -> Result<Option<i64>, Error> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => i64::try_from(v.clone()).map(Some).map_err(|_| {
            Error::new(
                ErrorKind::InvalidOperation,
                "slice indices must be integers or None",
            )
        }),
    }
}

/// `find`, `rfind`, `index`, `rindex` and `count` with a start and an end (in characters).
fn find_method(text: &str, method: &str, args: &[Value]) -> Result<Value, Error> {
    let (sub, start, end): (&str, Option<Value>, Option<Value>) =
        minijinja::value::from_args(args)?;
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = char_bounds(
        chars.len(),
        index_arg(start.as_ref())?,
        index_arg(end.as_ref())?,
    );
    let sub_len = sub.chars().count();
    if start > chars.len() || end < start || end - start < sub_len {
        return match method {
            "count" => Ok(Value::from(0)),
            "index" | "rindex" => Err(value_error("substring not found")),
            _ => Ok(Value::from(-1)),
        };
    }
    let slice: String = chars[start..end].iter().collect();
    let at = |byte: usize| (start + slice[..byte].chars().count()) as i64;
    let found = match method {
        "count" => {
            let n = if sub.is_empty() {
                end - start + 1
            } else {
                slice.matches(sub).count()
            };
            return Ok(Value::from(n));
        }
        "find" | "index" => slice.find(sub).map(at),
        _ => slice.rfind(sub).map(at),
    };
    match (found, method) {
        (Some(i), _) => Ok(Value::from(i)),
        (None, "index" | "rindex") => Err(value_error("substring not found")),
        (None, _) => Ok(Value::from(-1)),
    }
}

/// `startswith` and `endswith` with a start and an end: the affix (or any of a tuple of them)
/// at the start or end of that slice.
fn affix_method(text: &str, method: &str, args: &[Value]) -> Result<Value, Error> {
    let (affix, start, end): (Value, Option<Value>, Option<Value>) =
        minijinja::value::from_args(args)?;
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = char_bounds(
        chars.len(),
        index_arg(start.as_ref())?,
        index_arg(end.as_ref())?,
    );
    if start > chars.len() {
        return Ok(Value::from(false));
    }
    let slice: String = chars[start..end.max(start)].iter().collect();
    let affixes: Vec<Value> = match affix.as_str() {
        Some(_) => vec![affix.clone()],
        None => affix.try_iter()?.collect(),
    };
    for a in &affixes {
        let a = a.as_str().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "{method} first arg must be str or a tuple of str, not {}",
                    a.kind()
                ),
            )
        })?;
        let hit = end >= start
            && if method == "startswith" {
                slice.starts_with(a)
            } else {
                slice.ends_with(a)
            };
        if hit {
            return Ok(Value::from(true));
        }
    }
    Ok(Value::from(false))
}

/// `split` and `rsplit` with `sep` and `maxsplit`, by position or by name.
fn split_method(text: &str, right: bool, args: &[Value]) -> Result<Value, Error> {
    let (sep, maxsplit, kwargs): (Option<Value>, Option<Value>, Kwargs) =
        minijinja::value::from_args(args)?;
    let sep = match kwargs.get::<Option<Value>>("sep")? {
        Some(v) => Some(v),
        None => sep,
    };
    let maxsplit = match kwargs.get::<Option<i64>>("maxsplit")? {
        Some(n) => Some(n),
        None => index_arg(maxsplit.as_ref())?,
    };
    kwargs.assert_all_used()?;
    let max = maxsplit.filter(|n| *n >= 0).map(|n| n as usize);
    let parts: Vec<String> = match sep.as_ref().filter(|s| !s.is_none()) {
        Some(sep) => {
            let sep = sep
                .as_str()
                .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "must be str or None"))?;
            if sep.is_empty() {
                return Err(value_error("empty separator"));
            }
            match (max, right) {
                (None, _) => text.split(sep).map(str::to_string).collect(),
                (Some(n), false) => text.splitn(n + 1, sep).map(str::to_string).collect(),
                (Some(n), true) => {
                    let mut p: Vec<String> = text.rsplitn(n + 1, sep).map(str::to_string).collect();
                    p.reverse();
                    p
                }
            }
        }
        None => whitespace_split(text, max, right),
    };
    Ok(Value::from(parts))
}

/// `str.split()` and `str.rsplit()` on runs of white space, at most `max` times.
fn whitespace_split(text: &str, max: Option<usize>, right: bool) -> Vec<String> {
    let chars: Vec<char> = if right {
        text.chars().rev().collect()
    } else {
        text.chars().collect()
    };
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && python_space(chars[i]) {
            i += 1;
        }
        if i == chars.len() {
            break;
        }
        if max.is_some_and(|m| parts.len() == m) {
            // The rest, its trailing white space kept.
            parts.push(chars[i..].iter().collect());
            break;
        }
        let from = i;
        while i < chars.len() && !python_space(chars[i]) {
            i += 1;
        }
        parts.push(chars[from..i].iter().collect());
    }
    if right {
        parts.reverse();
        for p in &mut parts {
            *p = p.chars().rev().collect();
        }
    }
    parts
}

/// `partition` and `rpartition`: the three parts, as a tuple.
fn partition_method(text: &str, right: bool, args: &[Value]) -> Result<Value, Error> {
    let (sep,): (&str,) = minijinja::value::from_args(args)?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    let found = if right {
        text.rfind(sep)
    } else {
        text.find(sep)
    };
    let parts: [&str; 3] = match found {
        Some(at) => [&text[..at], sep, &text[at + sep.len()..]],
        None if right => ["", "", text],
        None => [text, "", ""],
    };
    Ok(Value::from_object(minijinja::value::Tuple::from(
        parts.map(Value::from),
    )))
}

/// `zfill`, `ljust`, `rjust` and `center` (widths in characters, one fill character).
fn pad_method(text: &str, method: &str, args: &[Value]) -> Result<Value, Error> {
    let (width, fill): (i64, Option<&str>) = minijinja::value::from_args(args)?;
    let fill = match fill {
        None => {
            if method == "zfill" {
                '0'
            } else {
                ' '
            }
        }
        Some(f) if method != "zfill" && f.chars().count() == 1 => f.chars().next().unwrap_or(' '),
        Some(_) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "The fill character must be exactly one character long",
            ));
        }
    };
    let len = text.chars().count() as i64;
    // Python's text of a million characters is a template's doing; bounded like any other.
    let width = width.min(MAX_TEXT_BYTES as i64);
    let margin = width - len;
    if margin <= 0 {
        return Ok(Value::from(text));
    }
    let pad = |n: i64| -> String { std::iter::repeat_n(fill, n as usize).collect() };
    let out = match method {
        "zfill" => match text.chars().next() {
            Some(sign @ ('+' | '-')) => format!("{sign}{}{}", pad(margin), &text[1..]),
            _ => format!("{}{text}", pad(margin)),
        },
        "ljust" => format!("{text}{}", pad(margin)),
        "rjust" => format!("{}{text}", pad(margin)),
        _ => {
            let left = margin / 2 + (margin & width & 1);
            format!("{}{text}{}", pad(left), pad(margin - left))
        }
    };
    Ok(Value::from(out))
}

/// A list's `index(x[, start[, end]])`.
fn list_index(value: &Value, args: &[Value]) -> Result<Value, Error> {
    let (wanted, start, end): (Value, Option<Value>, Option<Value>) =
        minijinja::value::from_args(args)?;
    let items: Vec<Value> = value.try_iter()?.collect();
    let (start, end) = char_bounds(
        items.len(),
        index_arg(start.as_ref())?,
        index_arg(end.as_ref())?,
    );
    for (i, item) in items.iter().enumerate().take(end).skip(start) {
        if *item == wanted {
            return Ok(Value::from(i));
        }
    }
    let mut shown = String::new();
    python_repr(&wanted, &mut shown)?;
    Err(value_error(format!("{shown} is not in list")))
}

/// Jinja2's `int(value, default=0, base=10)`: `int()` of the value (of a string in `base`),
/// else `int(float())` of it, else the default.
fn python_int_filter(
    value: Value,
    default: Option<Value>,
    base: Option<u32>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let default = kwargs.get::<Option<Value>>("default")?.or(default);
    let base = kwargs.get::<Option<u32>>("base")?.or(base).unwrap_or(10);
    kwargs.assert_all_used()?;
    let default = default.unwrap_or(Value::from(0));
    match value.kind() {
        ValueKind::Bool => return Ok(Value::from(i64::from(value.is_true()))),
        ValueKind::Number => {
            if value.is_integer() {
                return Ok(value);
            }
            return Ok(f64::try_from(value)
                .ok()
                .filter(|f| f.is_finite())
                .map_or(default, |f| Value::from(f.trunc() as i128)));
        }
        ValueKind::String => {}
        _ => return Ok(default),
    }
    let text = value
        .as_str()
        .unwrap_or_default()
        .trim_matches(python_space);
    if let Some(n) = python_int_literal(text, base) {
        return Ok(n);
    }
    Ok(python_float_literal(text)
        .filter(|f| f.is_finite())
        .map_or(default, |f| Value::from(f.trunc() as i128)))
}

/// Python's `int(text, base)`: digits with single underscores between them, a sign, a base's
/// prefix (`0x1A` in base 16 or 0); `None` for anything else (or a number past 128 bits).
fn python_int_literal(text: &str, base: u32) -> Option<Value> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    // `0x`, `0o` and `0b` are allowed in their own base, and decide it in base 0 (where a
    // decimal may not start with 0 unless it is all zeros); `_` may follow them.
    let prefix_base = match digits.get(..2).map(|p| p.to_ascii_lowercase()).as_deref() {
        Some("0x") => Some(16),
        Some("0o") => Some(8),
        Some("0b") => Some(2),
        _ => None,
    };
    let (base, digits) = match (base, prefix_base) {
        (0, Some(b)) => (b, &digits[2..]),
        (b, Some(p)) if b == p => (b, &digits[2..]),
        (0, None) => {
            if digits.starts_with('0') && digits.contains(|c: char| c != '0' && c != '_') {
                return None;
            }
            (10, digits)
        }
        (b, _) => (b, digits),
    };
    let digits = match prefix_base {
        Some(p) if p == base => digits.strip_prefix('_').unwrap_or(digits),
        _ => digits,
    };
    if !(2..=36).contains(&base)
        || digits.is_empty()
        || digits.starts_with(['_', '+', '-'])
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let n = i128::from_str_radix(&digits.replace('_', ""), base).ok()?;
    Some(Value::from(if negative { -n } else { n }))
}

/// Python's `float(text)`: Rust's reading of a decimal, with underscores between digits.
fn python_float_literal(text: &str) -> Option<f64> {
    if text.is_empty() || text.starts_with('_') || text.ends_with('_') || text.contains("__") {
        return None;
    }
    text.replace('_', "").parse::<f64>().ok()
}

/// Jinja2's `float(value, default=0.0)`: `float()` of the value, else the default.
fn python_float_filter(
    value: Value,
    default: Option<Value>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let default = kwargs.get::<Option<Value>>("default")?.or(default);
    kwargs.assert_all_used()?;
    let default = default.unwrap_or(Value::from(0.0));
    Ok(match value.kind() {
        ValueKind::Bool => Value::from(if value.is_true() { 1.0 } else { 0.0 }),
        ValueKind::Number => f64::try_from(value).map_or(default, Value::from),
        ValueKind::String => python_float_literal(
            value
                .as_str()
                .unwrap_or_default()
                .trim_matches(python_space),
        )
        .map_or(default, Value::from),
        _ => default,
    })
}

/// `a % b` as Python evaluates it: a string formatted with `%` (printf-style), or the
/// remainder of two numbers (with the sign of the divisor, as MiniJinja's).
fn python_mod(left: Value, right: Value) -> Result<Value, Error> {
    if let Some(format) = left.as_str() {
        return percent_format(format, &right).map(Value::from);
    }
    let unsupported = || {
        Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "unsupported operand type(s) for %: {} and {}",
                left.kind(),
                right.kind()
            ),
        )
    };
    let number = |v: &Value| matches!(v.kind(), ValueKind::Number | ValueKind::Bool);
    if !number(&left) || !number(&right) {
        return Err(unsupported());
    }
    let zero = || {
        Error::new(
            ErrorKind::InvalidOperation,
            "integer modulo by zero (Python raises ZeroDivisionError)",
        )
    };
    if (left.is_integer() || left.kind() == ValueKind::Bool)
        && (right.is_integer() || right.kind() == ValueKind::Bool)
    {
        let int = |v: &Value| {
            if v.kind() == ValueKind::Bool {
                Ok(i128::from(v.is_true()))
            } else {
                i128::try_from(v.clone())
            }
        };
        let (a, b) = (
            int(&left).map_err(|_| unsupported())?,
            int(&right).map_err(|_| unsupported())?,
        );
        if b == 0 {
            return Err(zero());
        }
        let mut r = a % b;
        if r != 0 && (r < 0) != (b < 0) {
            r += b;
        }
        return Ok(Value::from(r));
    }
    let float = |v: &Value| {
        if v.kind() == ValueKind::Bool {
            Ok(f64::from(u8::from(v.is_true())))
        } else {
            f64::try_from(v.clone())
        }
    };
    let (a, b) = (
        float(&left).map_err(|_| unsupported())?,
        float(&right).map_err(|_| unsupported())?,
    );
    if b == 0.0 {
        return Err(zero());
    }
    let mut r = a % b;
    if r != 0.0 {
        if (b < 0.0) != (r < 0.0) {
            r += b;
        }
    } else {
        r = 0.0f64.copysign(b);
    }
    Ok(Value::from(r))
}

/// Python's `format % args`: `%s`, `%r`, `%a`, `%d`/`%i`/`%u`, `%f`/`%F`, `%e`/`%E`, `%x`/`%X`,
/// `%o`, `%c` and `%%`, with the flags `-+ 0#`, a width and a precision, and `%(key)s` on a
/// dict. A tuple gives one argument per conversion, anything else is the one argument.
fn percent_format(format: &str, args: &Value) -> Result<String, Error> {
    let type_error = |m: &str| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("{m} (Python raises a TypeError)"),
        )
    };
    let positional: Vec<Value> = if args.is_tuple() {
        args.try_iter()?.collect()
    } else {
        vec![args.clone()]
    };
    let mapping = !args.is_tuple() && args.kind() == ValueKind::Map;
    let mut next = 0;
    let mut used_mapping = false;
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut key = None;
        if chars.peek() == Some(&'(') {
            chars.next();
            let mut name = String::new();
            let mut depth = 1;
            for c in chars.by_ref() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                name.push(c);
            }
            key = Some(name);
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse::<usize>().unwrap_or(0));
        }
        while matches!(chars.peek(), Some('h' | 'l' | 'L')) {
            chars.next();
        }
        let Some(conversion) = chars.next() else {
            return Err(value_error("incomplete format"));
        };
        if conversion == '%' && key.is_none() {
            out.push('%');
            continue;
        }
        let arg = match &key {
            Some(name) => {
                if !mapping {
                    return Err(type_error("format requires a mapping"));
                }
                used_mapping = true;
                args.get_item(&Value::from(name.as_str()))
                    .ok()
                    .filter(|v| !v.is_undefined())
                    .ok_or_else(|| {
                        Error::new(ErrorKind::InvalidOperation, format!("KeyError: '{name}'"))
                    })?
            }
            None => {
                let arg = positional
                    .get(next)
                    .cloned()
                    .ok_or_else(|| type_error("not enough arguments for format string"))?;
                next += 1;
                arg
            }
        };
        let width: usize = width.parse().unwrap_or(0).min(MAX_TEXT_BYTES);
        let left = flags.contains('-');
        let integer = |v: &Value| -> Result<i128, Error> {
            match v.kind() {
                ValueKind::Bool => Ok(i128::from(v.is_true())),
                ValueKind::Number if v.is_integer() => {
                    i128::try_from(v.clone()).map_err(|_| type_error("a real number is required"))
                }
                ValueKind::Number => f64::try_from(v.clone())
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f.trunc() as i128)
                    .ok_or_else(|| type_error("cannot convert float to integer")),
                _ => Err(type_error(&format!(
                    "%{conversion} format: a real number is required, not {}",
                    v.kind()
                ))),
            }
        };
        let sign = |negative: bool| {
            if negative {
                "-"
            } else if flags.contains('+') {
                "+"
            } else if flags.contains(' ') {
                " "
            } else {
                ""
            }
        };
        // (sign and prefix, digits): zero padding goes between them.
        let (prefix, body, numeric) = match conversion {
            's' | 'r' | 'a' => {
                let mut text = if conversion == 's' {
                    python_str(&arg)?
                } else {
                    let mut r = String::new();
                    python_repr(&arg, &mut r)?;
                    r
                };
                if let Some(p) = precision {
                    text = text.chars().take(p).collect();
                }
                (String::new(), text, false)
            }
            'd' | 'i' | 'u' => {
                let n = integer(&arg)?;
                let mut digits = n.unsigned_abs().to_string();
                if let Some(p) = precision {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                (sign(n < 0).to_string(), digits, true)
            }
            'x' | 'X' | 'o' => {
                let n = integer(&arg)?;
                let mut digits = match conversion {
                    'x' => format!("{:x}", n.unsigned_abs()),
                    'X' => format!("{:X}", n.unsigned_abs()),
                    _ => format!("{:o}", n.unsigned_abs()),
                };
                if let Some(p) = precision {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                let alternate = match (flags.contains('#'), conversion) {
                    (true, 'x') => "0x",
                    (true, 'X') => "0X",
                    (true, _) => "0o",
                    _ => "",
                };
                (format!("{}{alternate}", sign(n < 0)), digits, true)
            }
            'f' | 'F' | 'e' | 'E' => {
                let x = match arg.kind() {
                    ValueKind::Bool => f64::from(u8::from(arg.is_true())),
                    ValueKind::Number => {
                        f64::try_from(arg.clone()).map_err(|_| type_error("must be real number"))?
                    }
                    _ => {
                        return Err(type_error(&format!(
                            "must be real number, not {}",
                            arg.kind()
                        )));
                    }
                };
                let p = precision.unwrap_or(6);
                let digits = if x.is_nan() {
                    "nan".to_string()
                } else if x.is_infinite() {
                    "inf".to_string()
                } else if matches!(conversion, 'f' | 'F') {
                    format!("{:.p$}", x.abs())
                } else {
                    // Rust writes `1.2345e3`; Python `1.234500e+03`.
                    let rust = format!("{:.p$e}", x.abs());
                    let (mantissa, exponent) = rust.split_once('e').unwrap_or((&rust, "0"));
                    let exponent: i32 = exponent.parse().unwrap_or(0);
                    let e = if conversion == 'E' { 'E' } else { 'e' };
                    let sign = if exponent < 0 { '-' } else { '+' };
                    format!("{mantissa}{e}{sign}{:02}", exponent.unsigned_abs())
                };
                let digits = if conversion.is_uppercase() {
                    digits.to_uppercase()
                } else {
                    digits
                };
                (
                    sign(x.is_sign_negative() && !x.is_nan()).to_string(),
                    digits,
                    x.is_finite(),
                )
            }
            'c' => {
                let c = match arg.as_str() {
                    Some(s) if s.chars().count() == 1 => s.to_string(),
                    Some(_) => return Err(type_error("%c requires an int or a unicode character")),
                    None => char::from_u32(
                        u32::try_from(integer(&arg)?)
                            .map_err(|_| type_error("%c arg not in range(0x110000)"))?,
                    )
                    .ok_or_else(|| type_error("%c arg not in range(0x110000)"))?
                    .to_string(),
                };
                (String::new(), c, false)
            }
            other => {
                return Err(value_error(format!(
                    "unsupported format character '{other}'"
                )));
            }
        };
        let len = prefix.chars().count() + body.chars().count();
        let fill = width.saturating_sub(len);
        if left {
            out.push_str(&prefix);
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', fill));
        } else if flags.contains('0') && numeric {
            out.push_str(&prefix);
            out.extend(std::iter::repeat_n('0', fill));
            out.push_str(&body);
        } else {
            out.extend(std::iter::repeat_n(' ', fill));
            out.push_str(&prefix);
            out.push_str(&body);
        }
        if out.len() > MAX_TEXT_BYTES {
            return Err(Error::from(ErrorKind::OutOfFuel));
        }
    }
    if next < positional.len() && !used_mapping && !(mapping && next == 0) {
        return Err(type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

/// Whether Python's `str.isspace()` holds for `c`: Unicode white space, and the file, group,
/// record and unit separators (U+001C to U+001F), which Rust's `char::is_whitespace` leaves out.
fn python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Jinja2's `string`: `str(value)`.
fn python_string_filter(value: Value) -> Result<String, Error> {
    python_str(&value)
}

/// Python's `repr` of a value.
fn python_repr(v: &Value, out: &mut String) -> Result<(), Error> {
    // The text a render may make (see [`max_text`]): a list printed whole, repeated many times
    // (`[s] * 40000`), is stopped as a render that does not finish, before memory runs out.
    if out.len() > max_text() {
        return Err(Error::from(ErrorKind::OutOfFuel));
    }
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("None"),
        ValueKind::Bool => out.push_str(if v.is_true() { "True" } else { "False" }),
        ValueKind::Number => out.push_str(&python_number_str(v)),
        ValueKind::String => python_str_repr(v.as_str().unwrap_or_default(), out),
        ValueKind::Map => {
            out.push('{');
            for (i, k) in v.try_iter()?.enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_repr(&k, out)?;
                out.push_str(": ");
                python_repr(&v.get_item(&k)?, out)?;
            }
            out.push('}');
        }
        ValueKind::Seq if v.is_tuple() => {
            // A tuple (`.items()`'s pairs, `partition`'s parts, `(1,)`) prints as Python's.
            out.push('(');
            let mut n = 0;
            for item in v.try_iter()? {
                if n > 0 {
                    out.push_str(", ");
                }
                python_repr(&item, out)?;
                n += 1;
            }
            out.push_str(if n == 1 { ",)" } else { ")" });
        }
        ValueKind::Seq | ValueKind::Iterable => {
            out.push('[');
            for (i, item) in v.try_iter()?.enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_repr(&item, out)?;
            }
            out.push(']');
        }
        _ => out.push_str(&v.to_string()),
    }
    Ok(())
}

/// Python's `repr` of a string: in single quotes, or double ones when it holds a single quote
/// and no double quote; backslashes, that quote and the characters Python does not print
/// escaped (`\n`, `\x07`, `\xa0`, `\u200b`).
fn python_str_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !python_printable(c) => {
                let n = c as u32;
                let _ = if n < 0x100 {
                    write!(out, "\\x{n:02x}")
                } else if n < 0x10000 {
                    write!(out, "\\u{n:04x}")
                } else {
                    write!(out, "\\U{n:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Whether Python's `str.isprintable()` holds for `c`: not a control or format character, a
/// separator other than the space, or a surrogate or private-use code point. (Unassigned code
/// points, which Python also escapes, are printed.)
fn python_printable(c: char) -> bool {
    let n = c as u32;
    !matches!(n,
        0x00..=0x1f | 0x7f..=0xa0 | 0xad
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890 | 0x891 | 0x8e2
        | 0x1680 | 0x180e | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064
        | 0x2066..=0x206f | 0x3000 | 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb
        | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0001 | 0xe0020..=0xe007f | 0xf0000..=0x10ffff)
}

/// `strftime_now(format)`: today's date (UTC) for the few formats templates use.
fn strftime_now(format: String) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FULL: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => {
                let _ = write!(out, "{d:02}");
            }
            Some('m') => {
                let _ = write!(out, "{m:02}");
            }
            Some('Y') => {
                let _ = write!(out, "{y}");
            }
            Some('b') => out.push_str(MONTHS[(m - 1) as usize]),
            Some('B') => out.push_str(FULL[(m - 1) as usize]),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// Howard Hinnant's days-to-civil.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The JSON value `id` of `doc` as the template sees it after Python's `json.loads`: objects
/// keep their key order (a repeated key keeps its first place and its last value), integers
/// are integers (up to 128 bits; longer ones become floats) and other numbers floats. `drop_null_keys` leaves out the keys whose value is
/// `null`, as `apply_chat_template` does with each message.
pub fn json_value(doc: &Document<'_, '_>, id: NodeId, drop_null_keys: bool) -> Value {
    match doc.kind(id) {
        Kind::Null => Value::from(()),
        Kind::Bool => Value::from(doc.bool(id).unwrap_or(false)),
        Kind::Number => {
            let raw = doc.raw(id);
            if !raw.contains(['.', 'e', 'E']) {
                if let Ok(i) = raw.parse::<i64>() {
                    return Value::from(i);
                }
                if let Ok(u) = raw.parse::<u64>() {
                    return Value::from(u);
                }
                // Python's integers have no bound: an id of 30 digits is printed (and `tojson`
                // writes it) in full, not as a float.
                if let Ok(i) = raw.parse::<i128>() {
                    return Value::from(i);
                }
                if let Ok(u) = raw.parse::<u128>() {
                    return Value::from(u);
                }
            }
            Value::from(doc.number(id).unwrap_or(f64::NAN))
        }
        Kind::String => Value::from(doc.str(id).unwrap_or_default().into_owned()),
        Kind::Array => doc
            .elements(id)
            .map(|e| json_value(doc, e, false))
            .collect(),
        Kind::Object => {
            let mut map: IndexMap<Value, Value> = IndexMap::new();
            for (k, v) in doc.members(id) {
                if drop_null_keys && doc.kind(v) == Kind::Null {
                    continue;
                }
                let key = Value::from(doc.str(k).unwrap_or_default().into_owned());
                map.insert(key, json_value(doc, v, false));
            }
            Value::from(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str, messages: Value) -> Result<Rendered, TemplateError> {
        ChatTemplate::new(source, "t.jinja".into())?.render(
            &messages,
            None,
            false,
            &[],
            &[],
            MAX_TEXT_BYTES,
        )
    }

    fn msgs(pairs: &[(&str, &str)]) -> Value {
        pairs
            .iter()
            .map(|(r, c)| {
                let mut m: IndexMap<Value, Value> = IndexMap::new();
                m.insert("role".into(), (*r).into());
                m.insert("content".into(), (*c).into());
                Value::from(m)
            })
            .collect()
    }

    #[test]
    fn a_template_that_does_not_finish_is_stopped_and_then_given_up() {
        let endless = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ messages[0].content }}";
        let doubling = "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}";
        // A joiner repeated past the limit (Python's `str()` join keeps MiniJinja's limits).
        let joined = "{{ range(40000)|join('x' * 100000) }}";
        // A list printed whole as Python's repr, past the limit: stopped (rendered once, as
        // it makes 512 MiB first).
        let printed = "{% set l = ['x' * 100000] * 6000 %}{{ l ~ '' }}";
        let e = ChatTemplate::new(printed, "t.jinja".into())
            .expect("compiles")
            .render(
                &msgs(&[("user", "hi")]),
                None,
                false,
                &[],
                &[],
                MAX_TEXT_BYTES,
            )
            .expect_err("stopped");
        assert!(e.exhausted && !e.raised, "{e:?}");
        for source in [endless, doubling, joined] {
            let t = ChatTemplate::new(source, "t.jinja".into()).expect("compiles");
            for i in 0..MAX_EXHAUSTED + 2 {
                let e = t
                    .render(
                        &msgs(&[("user", "hi")]),
                        None,
                        false,
                        &[],
                        &[],
                        MAX_TEXT_BYTES,
                    )
                    .expect_err("stopped");
                assert!(e.exhausted && !e.raised, "{e:?}");
                assert!(e.message.contains("512 MB of data"), "{}", e.message);
                let given_up = e.message.starts_with(
                    "tunelint no longer runs it: it was stopped on 8 examples before this one, each doing more work",
                );
                assert_eq!(given_up, i >= MAX_EXHAUSTED, "render {i}: {}", e.message);
            }
        }
    }

    /// A template that repeats a message thousands of times makes gigabytes for a file of
    /// megabytes, within the work budget: each render stops past 4 MiB and 64 bytes per byte
    /// of its record, and after [`MAX_EXHAUSTED`] such examples the template is given up.
    #[test]
    fn a_render_makes_at_most_64_bytes_per_byte_of_its_record() {
        let t = ChatTemplate::new(
            "{% for i in range(10000) %}{{ messages[0].content }}{% endfor %}",
            "t.jinja".into(),
        )
        .expect("compiles");
        let long = "word ".repeat(2000);
        let record_bytes = long.len() + 60;
        for i in 0..MAX_EXHAUSTED + 2 {
            let e = t
                .render(
                    &msgs(&[("user", &long)]),
                    None,
                    false,
                    &[],
                    &[],
                    max_render_bytes(record_bytes),
                )
                .expect_err("stopped");
            assert!(e.exhausted && !e.raised, "{e:?}");
            // Given up, it says why the earlier renders were stopped: they made too much text
            // (it said they did too much work).
            let expected = if i < MAX_EXHAUSTED {
                "it makes more than 4 MB of text for this example"
            } else {
                "tunelint no longer runs it: it was stopped on 8 examples before this one, each making more text than tunelint allows one example (4 MB plus 64 bytes"
            };
            assert!(e.message.starts_with(expected), "{}", e.message);
            assert!(!e.message.contains("8 million steps"), "{}", e.message);
        }
        // An ordinary template is far within it.
        let chatml = ChatTemplate::new(
            "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}",
            "t.jinja".into(),
        )
        .expect("compiles");
        let r = chatml
            .render(
                &msgs(&[("user", &long)]),
                None,
                false,
                &[],
                &[],
                max_render_bytes(record_bytes),
            )
            .expect("renders");
        assert!(r.text.len() > long.len());
        assert_eq!(max_render_bytes(usize::MAX), MAX_TEXT_BYTES);
    }

    /// `+` joins lists lazily in MiniJinja and its fuel does not count them: a list doubled 33
    /// times was copied whole at the 33rd (minutes, gigabytes). The lists `+` and `*` make are
    /// counted as Jinja2 copies them, and a list of big lists printed as JSON stops at the
    /// render's text limit.
    #[test]
    fn lists_that_keep_growing_are_stopped() {
        for source in [
            "{% set ns = namespace(l=[1]) %}{% for i in range(33) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}",
            "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = (ns.l + ns.l) %}{% endfor %}{{ ns.l|length }}",
            "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = (ns.l) + (ns.l + []) %}{% endfor %}{{ ns.l|length }}",
            "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l * 2 %}{% endfor %}{{ ns.l|length }}",
            "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = [ns.l, ns.l][0] + ns.l %}{% endfor %}{{ ns.l|length }}",
            "{{ ([1] * 100000000)|length }}",
            "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = ns.l + [i] %}{% endfor %}{{ ns.l|length }}",
            "{{ ([range(1000)|list] * 1000000)|tojson }}",
            "{{ ([range(1000)|list] * 1000000)|string|length }}",
            "{{ ([range(1000)|list] * 1000000) }}",
            "{{ ([range(1000)|list] * 1000000) ~ '' }}",
        ] {
            let t = ChatTemplate::new(source, "t.jinja".into()).expect(source);
            let e = t
                .render(
                    &msgs(&[("user", "hi")]),
                    None,
                    false,
                    &[],
                    &[],
                    max_render_bytes(100),
                )
                .expect_err(source);
            assert!(e.exhausted && !e.raised, "{source}: {e:?}");
        }
        // What real templates do with lists: a list of what the messages say, grown one at a
        // time; strings, numbers and tuples as before.
        let r = render(
            "{% set ns = namespace(ids=[]) %}{% for i in range(2000) %}{% set ns.ids = ns.ids + [i] %}{% endfor %}{{ ns.ids|length }} {{ (ns.ids + [1, 2])[-1] }} {{ ([0] * 3) + [1] }} {{ 'a' + 'b' * 2 }} {{ 2 * 3 + 1 }} {{ ((1, 2) + (3,))|length }} {{ (messages + messages)|length }}",
            msgs(&[("user", "hi")]),
        )
        .expect("renders");
        assert_eq!(r.text, "2000 2 [0, 0, 0, 1] abb 7 3 2");
        // Printed as Python prints a list.
        let r = render(
            "{{ ['a'] * 2 }}|{{ ['a'] + [none] }}",
            msgs(&[("user", "hi")]),
        )
        .expect("renders");
        assert_eq!(r.text, "['a', 'a']|['a', None]");
    }

    #[test]
    fn the_work_limit_leaves_room_for_the_longest_line() {
        // A conversation of 32 MiB (half the longest line read) through a template that copies
        // each message's content into a string as it goes.
        let t = "{% set ns = namespace(all='') %}{% for m in messages %}{% set ns.all = ns.all ~ '<|' ~ m.role ~ '|>' ~ m.content|trim ~ '\\n' %}{% endfor %}{{ ns.all }}";
        let long = "word ".repeat((16 << 20) / 5);
        let r = render(t, msgs(&[("user", &long), ("assistant", &long)])).expect("renders");
        assert_eq!(
            r.text.len(),
            2 * long.trim().len() + "<|user|>\n<|assistant|>\n".len()
        );
    }

    #[test]
    fn generation_blocks_become_byte_ranges() {
        let t = "{% for m in messages %}<{{ m.role }}>{% if m.role == 'assistant' %}{% generation %}{{ m.content }}</s>{% endgeneration %}{% else %}{{ m.content }}{% endif %}\n{% endfor %}";
        let r = render(t, msgs(&[("user", "hi"), ("assistant", "héllo")])).expect("renders");
        assert_eq!(r.text, "<user>hi<assistant>héllo</s>");
        assert_eq!(&r.text[r.generation[0].clone()], "héllo</s>");
    }

    #[test]
    fn whitespace_control_of_generation_is_kept() {
        let t = "{%- for m in messages -%}\n  {%- generation -%}\n  {{ m.content }}\n  {%- endgeneration -%}\n{%- endfor -%}";
        let r = render(t, msgs(&[("assistant", "a"), ("assistant", "b")])).expect("renders");
        assert_eq!(r.text, "ab");
        assert_eq!(r.generation, vec![0..1, 1..2]);
    }

    #[test]
    fn python_methods_and_exceptions() {
        let t = "{% if messages[0].content.strip().startswith('x') %}{{ raise_exception('no x please') }}{% endif %}{{ messages[0].content.strip() | tojson }}";
        assert_eq!(
            render(t, msgs(&[("user", "  a\"é ")]))
                .expect("renders")
                .text,
            "\"a\\\"é\""
        );
        let e = render(t, msgs(&[("user", " x")])).expect_err("raises");
        assert!(e.raised, "{e:?}");
        assert_eq!(e.message, "no x please");
        assert_eq!(e.line, Some(1));
        // A type error is a failure of the template, not a refusal.
        let e = render("{{ 'x' % messages[0].content }}", msgs(&[("user", "x")]))
            .expect_err("not all arguments converted");
        assert!(!e.raised, "{e:?}");
    }

    /// Python's string methods (`index`, `split(sep=, maxsplit=)`, `startswith` with a start,
    /// `partition`, `removeprefix`, `zfill`, `center`, ...), lists' `index`, dicts' `copy`,
    /// `|int` and `|float` of text that is no number, `is callable`, `%` formatting and
    /// tuples printed as Python prints them: what Jinja2 renders
    /// (`tests/fixtures/hf/python_methods.json`, checked against Jinja2 by
    /// tests/hf_tokens.rs), where MiniJinja refused most of them.
    #[test]
    fn python_methods_filters_and_percent_render_as_in_jinja2() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/hf/python_methods.json"))
                .expect("fixture");
        assert_eq!(
            fixture["messages"],
            serde_json::json!([{"role": "user", "content": "Hi there, friend"}, {"role": "assistant", "content": "Hello!"}])
        );
        let messages = msgs(&[("user", "Hi there, friend"), ("assistant", "Hello!")]);
        for case in fixture["cases"].as_array().expect("cases") {
            let t = case["template"].as_str().expect("template");
            match (render(t, messages.clone()), case["text"].as_str()) {
                (Ok(r), Some(expected)) => assert_eq!(r.text, expected, "{t}"),
                (Err(e), None) => assert!(!e.raised && !e.missing, "{t}: {e:?}"),
                (got, _) => panic!("{t}: {got:?}, Jinja2 {case}"),
            }
        }
    }

    /// A filter or method Jinja2 has and tunelint's engine lacks is told apart from one
    /// Jinja2 lacks too (a typo, which fails in the trainer as well).
    #[test]
    fn filters_jinja2_has_and_the_engine_lacks_are_told_apart() {
        let messages = msgs(&[("user", "Hi there, friend"), ("assistant", "Hello!")]);
        for (t, unsupported) in [
            ("{{ 'a b'|wordwrap(3) }}", true),
            ("{{ 'a b'|xmlattr }}", true),
            ("{{ 'a\tb'.expandtabs() }}", true),
            ("{{ 'a b'|wordwarp(3) }}", false),
            ("{{ 'a b'.swapcases() }}", false),
            // Methods of another type than the value's fail in Jinja2 too.
            ("{{ none.strip() }}", false),
            ("{{ messages.strip() }}", false),
            ("{{ 'abc'.append(1) }}", false),
        ] {
            let e = render(t, messages.clone()).expect_err(t);
            assert_eq!(e.unsupported, unsupported, "{t}: {e:?}");
            assert!(!e.raised && !e.missing, "{t}: {e:?}");
        }
    }

    /// Python's white space, which `trim`, `strip()` and `split()` take off, holds the
    /// separators U+001C to U+001F that Rust's does not (a template with `|trim` gave other
    /// tokens than transformers on a text ending in one).
    #[test]
    fn white_space_is_pythons() {
        let text = "\u{1c} a\u{1f}b \u{1e}";
        for (template, expected) in [
            ("{{ messages[0].content | trim }}", "a\u{1f}b"),
            ("{{ messages[0].content.strip() }}", "a\u{1f}b"),
            ("{{ messages[0].content.lstrip() }}", "a\u{1f}b \u{1e}"),
            ("{{ messages[0].content.rstrip() }}", "\u{1c} a\u{1f}b"),
            ("{{ messages[0].content.split() | join('|') }}", "a|b"),
            (
                "{{ messages[0].content.split('b') | join('|') }}",
                "\u{1c} a\u{1f}| \u{1e}",
            ),
        ] {
            let r = render(template, msgs(&[("user", text)])).expect("renders");
            assert_eq!(r.text, expected, "{template}");
        }
    }

    #[test]
    fn tojson_writes_what_python_json_dumps_writes() {
        let t = "{{ messages | tojson }}|{{ messages[0] | tojson(indent=2) }}|{{ 1.5e-7 | tojson }}|{{ 100000000000000000.0 | tojson }}";
        let r = render(t, msgs(&[("user", "<b>&")])).expect("renders");
        assert_eq!(
            r.text,
            "[{\"role\": \"user\", \"content\": \"<b>&\"}]|{\n  \"role\": \"user\",\n  \"content\": \"<b>&\"\n}|1.5e-07|1e+17"
        );
    }

    #[test]
    fn lists_dicts_none_and_booleans_print_as_jinja2_prints_them() {
        // The messages and the expected text are Python's: jinja2 3 rendering this template
        // (trim_blocks, lstrip_blocks) with `json.loads` of this JSON prints this.
        let json = r#"[{"role": "user", "content": [{"type": "text", "text": "It's \"quoted\"\nand\ttabbed \\ \u00e9 \ud83d\ude00 \u00a0\u200b\u0007"}, {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": null}}], "flag": true}, {"role": "assistant", "content": [{"type": "text", "text": "It's fine"}, 1, 2.5, 1e-05, false, null, [], {}], "name": null, "flag": false}]"#;
        let mut parser = crate::json::Parser::new();
        let doc = parser.parse(json).expect("json");
        let messages = json_value(&doc, doc.root(), false);
        let t = "{% for m in messages %}{{ m['content'] }}|{{ m.get('name') }}|{{ m.get('flag') }}\n{% endfor %}";
        let r = render(t, messages).expect("renders");
        assert_eq!(
            r.text,
            "[{'type': 'text', 'text': 'It\\'s \"quoted\"\\nand\\ttabbed \\\\ é 😀 \\xa0\\u200b\\x07'}, {'type': 'image_url', 'image_url': {'url': 'https://x/y.png', 'detail': None}}]|None|True\n[{'type': 'text', 'text': \"It's fine\"}, 1, 2.5, 1e-05, False, None, [], {}]|None|False\n"
        );
    }

    /// The messages of `json`, as `json.loads` gives them to the template.
    fn from_json(json: &str) -> Value {
        let mut parser = crate::json::Parser::new();
        let doc = parser.parse(json).expect("json");
        json_value(&doc, doc.root(), false)
    }

    /// Jinja2 (3.1.6, in transformers' sandbox) cannot iterate, join, sort or slice `none`:
    /// each is a TypeError there, which MiniJinja treated as an empty list. An undefined value
    /// is an empty sequence in both. Each expected text and failure is what Jinja2 gives with
    /// `tools=None`.
    #[test]
    fn none_is_not_a_sequence_as_in_jinja2() {
        let messages = msgs(&[("user", "hi"), ("assistant", "ok")]);
        let t = "{{ tools is iterable }}|{{ nothing is iterable }}|{{ tools is sequence }}|{{ nothing is sequence }}|{{ 'ab' is sequence }}|{{ messages[0] is sequence }}|{{ 1 is iterable }}";
        let r = render(t, messages.clone()).expect("renders");
        assert_eq!(r.text, "False|True|False|True|True|True|False");
        let t = "{% for x in nothing %}x{% endfor %}|{{ nothing|join(',') }}|{{ nothing|sort }}|{{ nothing|list }}|{{ tools|tojson }}|{{ tools[0] }}|{% for x in (tools or []) %}x{% endfor %}|{{ (messages|map(attribute='role')|list)[1:] }}|{% for m in messages[1:] %}{{ m.role }}{% endfor %}|{{ 'abc'[1:] }}";
        let r = render(t, messages.clone()).expect("renders");
        assert_eq!(r.text, "||[]|[]|null|||['assistant']|assistant|bc");
        for t in [
            "{% for x in tools %}x{% endfor %}",
            "{% for x in tools if x %}x{% endfor %}",
            "{%- for x in tools -%}x{%- endfor -%}",
            "{% for i, x in tools %}x{% endfor %}",
            "{{ tools|join(',') }}",
            "{{ tools|sort }}",
            "{{ tools[1:] }}",
            "{{ (tools)[:2] }}",
            "{{ messages[0].get('x')[1:] }}",
            "{{ nothing[1:] }}",
            "{{ tools|first }}",
            "{{ tools|last }}",
            "{{ tools|list }}",
            "{{ tools|unique|list }}",
            "{{ tools|reverse }}",
            "{% for k, v in tools|items %}{% endfor %}",
            "{{ 'a' in tools }}",
            "{{ tools|length }}",
            "{{ nothing|tojson }}",
            "{{ {'a': nothing}|tojson }}",
        ] {
            let e = render(t, messages.clone()).expect_err(t);
            assert!(!e.raised && !e.exhausted && !e.missing, "{t}: {e:?}");
            assert_eq!(e.line, Some(1), "{t}: {e:?}");
        }
    }

    /// `{{ x }}`, `|string`, `~` and `|join` print a number as Python's `str()`: a float as
    /// `repr` (`1e-05`, `1e+16`, `100.0`), an integer past 64 bits in full, as `tojson` does.
    /// The expected text is Jinja2's (3.1.6, transformers' sandbox) on the same `json.loads`.
    /// Jinja2's `join` takes its joiner as `d` and an `attribute` path, as MiniJinja's did
    /// before Python's `str()` of the items replaced it.
    #[test]
    fn join_takes_jinja2s_arguments() {
        let messages = from_json(
            r#"[{"role": "user", "content": "hi", "meta": {"n": [1.5, 2]}}, {"role": "assistant", "content": "ok"}]"#,
        );
        for (t, expected) in [
            (
                "{{ messages|join(', ', attribute='role') }}",
                "user, assistant",
            ),
            (
                "{{ messages|join(attribute='role', d='; ') }}",
                "user; assistant",
            ),
            ("{{ messages[0].meta.n|join(d='-') }}", "1.5-2"),
            ("{{ messages|join('/', 'content') }}", "hi/ok"),
            ("{{ [1, 2]|join(',', attribute='x') }}", ","),
        ] {
            assert_eq!(render(t, messages.clone()).expect(t).text, expected, "{t}");
        }
        // Past a step that leads nowhere, Jinja2 raises ('dict object' has no attribute).
        let t = "{{ messages|join(',', attribute='meta.n.0') }}";
        assert!(render(t, messages.clone()).is_err(), "{t}");
    }

    #[test]
    fn numbers_print_as_python_prints_them() {
        let messages = from_json(
            r#"[{"role": "user", "content": "hi", "args": {"a": 1e-05, "b": 1e100, "c": 0.1, "d": 100.0, "e": 1.5e16, "f": 123456789.12345679, "g": 123456789012345678901234567890, "h": -98765432109876543210, "i": 12345678901234567890, "j": 1e16, "k": 0.0001, "l": -0.0, "m": 2.5}}, {"role": "assistant", "content": "ok"}]"#,
        );
        let t = "{% for k, v in messages[0].args|items %}{{ v }}|{{ v|string }}|{{ 'x' ~ v }}|{{ [v]|join }}|{{ v|tojson }};{% endfor %}";
        let r = render(t, messages.clone()).expect("renders");
        let expected: String = [
            "1e-05",
            "1e+100",
            "0.1",
            "100.0",
            "1.5e+16",
            "123456789.12345679",
            "123456789012345678901234567890",
            "-98765432109876543210",
            "12345678901234567890",
            "1e+16",
            "0.0001",
            "-0.0",
            "2.5",
        ]
        .iter()
        .map(|v| format!("{v}|{v}|x{v}|{v}|{v};"))
        .collect();
        assert_eq!(r.text, expected);
        for (t, expected) in [
            (
                "{{ messages[0].args.a ~ messages[0].args.b ~ 1 }}",
                "1e-051e+1001",
            ),
            ("{{ [1, 'a'] ~ none ~ true }}", "[1, 'a']NoneTrue"),
            (
                "{{ (messages[0].args.m * 2) ~ '|' ~ (messages[0].args|length) ~ messages[0].content|upper }}",
                "5.0|13HI",
            ),
            (
                "{% for a, b in [(1, 2)] %}{{ a ~ b }}{% endfor %}{% for x in tools|default([1], true) %}{{ x }}{% endfor %}",
                "121",
            ),
            ("{{ -messages[0].args.m }}", "-2.5"),
            (
                "{{ messages[0]['content'][1:].upper() ~ (messages[0].content)[:1] ~ messages[1:][0].content[1:] }}",
                "Ihk",
            ),
        ] {
            let r = render(t, messages.clone()).expect(t);
            assert_eq!(r.text, expected, "{t}");
        }
    }

    /// Chains of each kind of operator, `n` long, in one tag.
    fn chains(n: usize) -> Vec<String> {
        vec![
            format!("{{{{ {}true }}}}", "not ".repeat(n)),
            format!("{{{{ {}1 }}}}", "-".repeat(n)),
            format!("{{{{ 'a'{} }}}}", "|upper".repeat(n)),
            format!("{{{{ messages{} }}}}", ".a".repeat(n)),
            format!("{{{{ messages{} }}}}", "[0]".repeat(n)),
            format!("{{{{ 1{} }}}}", "+1".repeat(n)),
            format!("{{{{ 'a'{} }}}}", "~'a'".repeat(n)),
            format!("{{{{ 2{} }}}}", "*1".repeat(n)),
            format!("{{{{ true{} }}}}", " and true".repeat(n)),
            format!("{{{{ {}2 }}}}", "1 if false else ".repeat(n / 2)),
            format!("{{{{ range{} }}}}", "(1)".repeat(n)),
            format!(
                "{{% set ns = namespace(x=1) %}}\n{{% set ns.x = 0{} %}}{{{{ ns.x }}}}",
                // `.` and `=` are two of the tag's operators.
                " + 1".repeat(n - 2)
            ),
        ]
    }

    /// MiniJinja's parser and compiler recurse for each operator of a chain: 50,000 `not`
    /// overflowed the stack (exit 134 while loading the config). A tag of up to
    /// [`MAX_TAG_OPERATORS`] compiles (on its own stack, whatever thread loads it) and renders
    /// on a thread of the default size, as the engine's workers are; one more is an error
    /// naming its line. String literals do not count.
    #[test]
    fn expressions_past_the_operator_limit_are_refused() {
        for source in chains(MAX_TAG_OPERATORS) {
            let t = ChatTemplate::new(&source, "t.jinja".into()).expect(&source[..40]);
            let worker = std::thread::spawn(move || {
                // Some chains fail as they must (a list is not callable), none crashes.
                let _ = t.render(&msgs(&[("user", "hi")]), None, false, &[], &[], 1 << 20);
            });
            worker.join().expect("renders on a worker thread");
        }
        for n in [MAX_TAG_OPERATORS + 2, 50_000] {
            for source in chains(n) {
                let e = ChatTemplate::new(&source, "t.jinja".into()).expect_err(&source[..40]);
                assert!(
                    e.message.contains("operators") && e.message.contains("more than the 1000"),
                    "{e:?}"
                );
                assert_eq!(
                    e.line,
                    Some(if source.starts_with("{% set") { 2 } else { 1 }),
                    "{e:?}"
                );
            }
        }
        let quoted = format!(
            "{{# {} #}}{{{{ '{}' ~ \"{}\" }}}}{{% raw %}}{{{{ {} }}}}{{% endraw %}}",
            "not ".repeat(5000),
            "+|".repeat(5000),
            "\\\"+".repeat(5000),
            "+".repeat(5000)
        );
        assert_eq!(largest_tag(&quoted), Some((1, 1)));
        render(&quoted, msgs(&[("user", "hi")])).expect("renders");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = ChatTemplate::new("a\nb\n{% if %}", "t.jinja".into()).expect_err("bad");
        assert_eq!(e.line, Some(3), "{e:?}");
    }

    /// Jinja2's `cycler` and `joiner` globals, as `transformers`' environment has them.
    #[test]
    fn cycler_and_joiner_render_as_in_jinja2() {
        let m = msgs(&[("user", "a"), ("assistant", "b"), ("user", "c")]);
        let cases = [
            (
                "{% set c = cycler('x', 'y') %}{% for m in messages %}{{ c.next() }}{% endfor %}{{ c.current }}",
                "xyxy",
            ),
            (
                "{% set c = cycler(1, 2, 3) %}{{ c.next() }}{{ c.next() }}{{ c.reset() }}{{ c.next() }}",
                "12None1",
            ),
            (
                "{% set j = joiner(' | ') %}{% for m in messages %}{{ j() }}{{ m.content }}{% endfor %}",
                "a | b | c",
            ),
            (
                "{% set j = joiner() %}{% for m in messages %}{{ j() }}{{ m.content }}{% endfor %}",
                "a, b, c",
            ),
        ];
        for (source, want) in cases {
            let r = render(source, m.clone()).expect(source);
            assert_eq!(r.text, want, "{source}");
        }
        let e = render("{{ cycler().next() }}", m.clone()).expect_err("no items");
        assert!(e.message.contains("at least one item"), "{e:?}");
        // `lipsum` makes random text: Jinja2 has it, tunelint cannot count it.
        let e = render("{{ lipsum(1) }}", m).expect_err("random");
        assert!(e.unsupported, "{e:?}");
    }

    /// `transformers` renders in Jinja2's immutable sandbox: a template that changes a list or
    /// dict (`x.append(1)`, `d.update(...)`) raises a SecurityError there, and the trainer
    /// stops; not a method tunelint merely lacks.
    #[test]
    fn changing_a_list_or_dict_is_refused_as_in_the_sandbox() {
        let m = msgs(&[("user", "a")]);
        for (source, python) in [
            ("{% set x = [] %}{{ x.append(1) }}", "'append' of 'list'"),
            ("{{ messages.pop() }}", "'pop' of 'list'"),
            (
                "{% set d = {} %}{{ d.update({'a': 1}) }}",
                "'update' of 'dict'",
            ),
            (
                "{{ messages[0].setdefault('x', 1) }}",
                "'setdefault' of 'dict'",
            ),
        ] {
            let e = render(source, m.clone()).expect_err(source);
            assert!(!e.unsupported, "{source}: {e:?}");
            assert!(
                e.message.contains(&format!(
                    "SecurityError: access to attribute {python} object is unsafe"
                )),
                "{source}: {}",
                e.message
            );
        }
    }

    /// `transformers`' Jinja2 environment loads `loopcontrols` and not `jinja2.ext.do`: a
    /// template with `{% do %}` does not compile there, wherever the statement is, and not
    /// here; `{% break %}` and `{% continue %}` do.
    #[test]
    fn do_statements_do_not_compile_as_in_transformers() {
        for (source, line) in [
            ("{% do range(3) %}{{ 1 }}", 1),
            (
                "x\n{% for m in messages %}{% if m %}\n{% do m.get('a') %}{% endif %}{% endfor %}",
                3,
            ),
            ("{% macro f() %}{% do range(1) %}{% endmacro %}\n\n", 1),
        ] {
            let e = ChatTemplate::new(source, "t.jinja".into()).expect_err(source);
            assert!(
                e.message.contains("unknown tag 'do'"),
                "{source}: {}",
                e.message
            );
            assert_eq!(e.line, Some(line), "{source}");
        }
        let loops = "{% for m in messages %}{% if loop.first %}{% continue %}{% endif %}{{ m.content }}{% break %}{% endfor %}";
        let r = render(loops, msgs(&[("user", "a"), ("assistant", "b")])).expect("renders");
        assert_eq!(r.text, "b");
    }
}
