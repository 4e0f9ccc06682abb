//! Token counts with open-weight models' tokenizers and chat templates (PRODUCT.md §4 T,
//! "Open-weight models"), compared with Hugging Face `transformers` itself.
//!
//! `tests/fixtures/hf/` holds three chat templates of different families (ChatML as Qwen2.5
//! writes it, Llama 3.1's header ids, ChatML with `{% generation %}` blocks, a default system
//! prompt and a role check that raises), three small tokenizers built with the `tokenizers`
//! library (`make_tokenizers.py`), and `oracle.py`, which renders and tokenizes examples with
//! `AutoTokenizer.apply_chat_template(..., tokenize=True)`. The two real tokenizers come from
//! the mistral-common package on PyPI (Mistral 7B v0.1's SentencePiece BPE and Mistral NeMo's
//! byte-level "tekken"), converted to `tokenizer.json` by `transformers` (`oracle.py
//! convert`). The comparison runs when a Python with transformers and mistral-common is at
//! hand: `TUNELINT_HF_PYTHON` (CI sets it; it must work), or `python3` if it imports them.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::Arc;

use assert_cmd::Command;
use tunelint::engine::{count_tokens, lint_bytes};
use tunelint::rules::Code;
use tunelint::settings::{Overflow, Settings};
use tunelint::tokens::hf::{Model, ModelFiles};

#[path = "support/charts.rs"]
mod charts;
/// The real datasets (`real_datasets`); its Python oracle is not used here.
#[allow(dead_code)]
#[path = "support/datasets_python.rs"]
mod datasets;
#[path = "support/oracle.rs"]
mod oracle;
use oracle::Rng;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hf")
}

fn template(name: &str) -> PathBuf {
    fixtures().join("templates").join(name)
}

fn tokenizer(name: &str) -> PathBuf {
    fixtures().join("tokenizers").join(name)
}

const TEMPLATES: [&str; 3] = ["chatml_qwen.jinja", "llama3.jinja", "generation_smol.jinja"];
const BUILT: [&str; 3] = ["bpe-chatml", "bpe-llama3", "unigram-metaspace"];

fn load(dir: &Path, template: Option<&Path>) -> Result<Model, String> {
    let shown = |p: &Path| p.display().to_string();
    Model::load(&ModelFiles {
        tokenizer: dir,
        chat_template: template,
        shown: &shown,
    })
}

/// The tokenizer of `dir` with the ChatML template (Qwen2.5's).
fn chatml(dir: &Path) -> Model {
    load(dir, Some(&template("chatml_qwen.jinja"))).expect("loads")
}

fn settings_with(model: Model) -> Settings {
    Settings {
        model: Some(Arc::new(model)),
        ..Settings::default()
    }
}

/// A Python with transformers and mistral-common, if there is one.
fn python_with_transformers() -> Option<String> {
    oracle::python_importing(
        "TUNELINT_HF_PYTHON",
        "transformers, mistral_common, tokenizers",
    )
}

const PIECES: &[&str] = &[
    "Hello",
    " world",
    "!",
    "  ",
    "\n",
    "\n\n",
    "\t",
    " 1234567",
    "3.14",
    "é",
    "naïve",
    "東京",
    "の天気",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "Привет",
    "مرحبا",
    "Ａ",
    "<|im_start|>",
    "<|eot_id|>",
    "</s>",
    "[INST]",
    "```python\ndef f(x):\n    return x\n```",
    "don't",
    " the",
    " THE",
    "https://example.com/a?b=c",
    "a\u{301}",
    "\u{a0}",
    "\"quoted\"",
    "\\back\\slash",
    "{{name}}",
    "{% raw %}",
    "—",
    "…",
    " Thinking:",
];

fn random_text(rng: &mut Rng) -> String {
    if rng.below(12) == 0 {
        return String::new();
    }
    let n = rng.below(30);
    (0..n).map(|_| rng.pick(PIECES)).collect()
}

/// Multi-turn conversations, with or without a system prompt, tool definitions and calls,
/// empty strings, non-ASCII text, `weight`, reasoning, and some that break a template's role
/// rules.
fn random_example(rng: &mut Rng) -> serde_json::Value {
    use serde_json::json;
    let mut messages = Vec::new();
    if rng.below(2) == 0 {
        messages.push(json!({"role": "system", "content": random_text(rng)}));
    }
    let turns = 1 + rng.below(3);
    let tool = rng.below(4) == 0;
    for t in 0..turns {
        if rng.below(24) == 0 {
            // OpenAI content parts: a template that prints the content whole prints the
            // list as Python's repr.
            let parts: Vec<_> = (0..1 + rng.below(2))
                .map(|_| json!({"type": "text", "text": random_text(rng)}))
                .collect();
            messages.push(json!({"role": "user", "content": parts}));
        } else {
            messages.push(json!({"role": "user", "content": random_text(rng)}));
        }
        if tool && t == 0 {
            let calls = 1 + usize::from(rng.below(5) == 0);
            let calls: Vec<_> = (0..calls)
                .map(|k| {
                    let args = json!({"q": random_text(rng), "n": rng.below(100)}).to_string();
                    json!({"id": format!("call_{k}"), "type": "function", "function": {"name": "search", "arguments": args}})
                })
                .collect();
            messages.push(json!({"role": "assistant", "content": null, "tool_calls": calls}));
            messages.push(
                json!({"role": "tool", "tool_call_id": "call_0", "content": random_text(rng)}),
            );
        }
        let mut content = random_text(rng);
        if rng.below(8) == 0 {
            content = format!("Thinking: {content}");
        }
        let mut answer = json!({"role": "assistant", "content": content});
        if rng.below(5) == 0 {
            answer["weight"] = json!(rng.below(2));
        }
        messages.push(answer);
    }
    if rng.below(15) == 0 {
        // Two user turns in a row: templates that check roles refuse it.
        messages.insert(
            messages.len() - 1,
            json!({"role": "user", "content": "and?"}),
        );
    }
    let mut example = json!({"messages": messages});
    if tool {
        example["tools"] = json!([{"type": "function", "function": {
            "name": "search", "description": random_text(rng),
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer", "minimum": 0.5}}}
        }}]);
    }
    example
}

/// Texts to tokenize both ways: random mixes of [`PIECES`], the cases byte-level
/// pre-tokenizers treat specially (runs of spaces before a word, contractions in both cases,
/// long digit runs, pieces too long to be remembered, partial special tokens), and every
/// string of the real datasets when they are at hand.
fn texts_to_compare() -> Vec<String> {
    let mut rng = Rng(41);
    let mut texts: Vec<String> = (0..2000).map(|_| random_text(&mut rng)).collect();
    for special in [
        "   x",
        "a   \n  b",
        "\n\n   \t\n",
        "I'M SURE IT'S THEIR'S, WE'LL SEE, THEY'D'VE",
        "it's 'tis 're'",
        &"1234567890".repeat(40),
        &" ".repeat(300),
        &"ab".repeat(200),
        &"ünï".repeat(120),
        "<|im_start<|im_start|>|>",
        "<|im_end|><|im_end|><|im_start|>user",
        "\u{0}\u{1}\u{7f}\u{ad}\u{ff}",
        "x\u{308}y\u{e9}\u{65}\u{301}",
    ] {
        texts.push(special.to_string());
    }
    let Some(files) = datasets::real_datasets(&["chat"]) else {
        return texts;
    };
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read dataset");
        for line in text.lines().take(150) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                strings(&v, &mut texts);
            }
        }
    }
    texts
}

/// The byte-level BPE fast path (src/tokens/bytelevel.rs) gives the tokens the `tokenizers`
/// crate gives, offset for offset, and takes every text it can vouch for.
fn fast_path_agrees(name: &str, model: &Model, texts: &[String]) {
    let mut fast = 0;
    let mut wrong = Vec::new();
    for text in texts {
        let Some(got) = model.fast_offsets(text) else {
            continue;
        };
        fast += 1;
        let want = model.crate_offsets(text).expect("the crate encodes it");
        if got != want {
            wrong.push(format!("{text:?}:\n  fast  {got:?}\n  crate {want:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{name}: {} of {fast} texts differ:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(4)].join("\n")
    );
    // Only text that NFC would change goes through the crate. The share is that of the real
    // datasets' texts beside the random ones (which combine marks on purpose): without
    // ../shared/datasets (a checkout elsewhere; CI=true requires them) it is not judged.
    if datasets::real_datasets(&["chat"]).is_some() {
        assert!(
            fast * 10 >= texts.len() * 9,
            "{name}: the fast path took {fast} of {} texts",
            texts.len()
        );
    }
}

#[test]
fn byte_level_tokenizers_take_the_fast_path_and_agree_with_the_crate() {
    let texts = texts_to_compare();
    for name in ["bpe-chatml", "bpe-llama3"] {
        let model = chatml(&tokenizer(name));
        assert!(
            model.fast_offsets("hello").is_some(),
            "{name} takes the fast path"
        );
        fast_path_agrees(name, &model, &texts);
    }
    // `ignore_merges` (Llama 3's): a piece in the vocabulary is one token even where the
    // merges would not make it. Here "zqzq" and " Hello" are words no merge sequence reaches.
    let dir = tempfile::tempdir().expect("tempdir");
    let source = tokenizer("bpe-llama3");
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(source.join("tokenizer.json")).expect("read"),
    )
    .expect("json");
    doc["model"]["ignore_merges"] = serde_json::json!(true);
    let vocab = doc["model"]["vocab"].as_object_mut().expect("vocab");
    let next = vocab
        .values()
        .filter_map(|v| v.as_u64())
        .max()
        .expect("ids")
        + 1;
    vocab.insert("zqzq".into(), serde_json::json!(next));
    vocab.insert("\u{120}Hello".into(), serde_json::json!(next + 1));
    std::fs::write(dir.path().join("tokenizer.json"), doc.to_string()).expect("write");
    std::fs::copy(
        source.join("tokenizer_config.json"),
        dir.path().join("tokenizer_config.json"),
    )
    .expect("copy");
    let model = chatml(dir.path());
    let words = model.fast_offsets("zqzq Hello").expect("fast path");
    assert_eq!(words, [(0, 4), (4, 10)], "each word one token");
    let mut with_words = texts.clone();
    with_words.extend(
        texts
            .iter()
            .take(500)
            .map(|t| format!("{t} zqzq Hello zqzqzq")),
    );
    fast_path_agrees("bpe-llama3 with ignore_merges", &model, &with_words);

    // Other kinds go through the crate.
    let unigram = chatml(&tokenizer("unigram-metaspace"));
    assert!(unigram.fast_offsets("hello").is_none());
}

/// Every template with every tokenizer, 300 random examples each: tunelint's total and
/// trained tokens equal transformers', and a template that raises raises in both.
#[test]
fn counts_equal_transformers_on_random_examples() {
    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&std::ffi::OsStr]| {
        let out = Process::new(&python)
            .arg(fixtures().join("oracle.py"))
            .args(args)
            .env("HF_HUB_OFFLINE", "1")
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "oracle.py failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let real = dir.path().join("real");
    run(&["convert".as_ref(), real.as_os_str()]);

    let mut rng = Rng(2027);
    let lines: Vec<String> = (0..300)
        .map(|_| random_example(&mut rng).to_string())
        .collect();
    let input = dir.path().join("examples.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").expect("write");

    let mut tokenizers: Vec<PathBuf> = BUILT.iter().map(|t| tokenizer(t)).collect();
    tokenizers.push(real.join("mistral-7b-v0.1"));
    tokenizers.push(real.join("mistral-nemo"));
    let pairs: Vec<(PathBuf, PathBuf)> = tokenizers
        .iter()
        .flat_map(|t| {
            TEMPLATES
                .iter()
                .map(move |name| (t.clone(), template(name)))
        })
        .collect();
    let output = dir.path().join("expected.tsv");
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["count".as_ref(), input.as_os_str(), output.as_os_str()];
    for (t, tpl) in &pairs {
        args.push(t.as_os_str());
        args.push(tpl.as_os_str());
    }
    run(&args);
    let expected = std::fs::read_to_string(&output).expect("read");

    let mut wrong = Vec::new();
    let mut compared = 0;
    let mut refused = 0;
    let mut trained_checked = 0;
    let nemo = chatml(&real.join("mistral-nemo"));
    assert!(
        nemo.fast_offsets("hello").is_some(),
        "tekken takes the fast path"
    );
    fast_path_agrees("mistral-nemo", &nemo, &texts_to_compare());
    let mistral = chatml(&real.join("mistral-7b-v0.1"));
    assert!(
        mistral.fast_offsets("hello").is_none(),
        "SentencePiece BPE goes through the crate"
    );

    let mut models = Vec::new();
    for (t, tpl) in &pairs {
        models.push(settings_with(load(t, Some(tpl)).expect("loads")));
    }
    for row in expected.lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        let pair: usize = cells[0].parse().expect("pair");
        let i: usize = cells[1].parse().expect("line");
        let want = match cells[2] {
            "error" => None,
            total => Some((
                total.parse::<u64>().expect("total"),
                cells[3].parse::<u64>().expect("trained"),
            )),
        };
        let got = count_tokens(&lines[i], &models[pair]).map(|t| (t.total, t.trainable));
        compared += 1;
        refused += usize::from(want.is_none());
        trained_checked += usize::from(want.is_some_and(|(_, n)| n > 0));
        if got != want {
            wrong.push(format!(
                "{} with {}: line {}: tunelint (total, trained) {got:?}, transformers {want:?}\n  {}",
                pairs[pair].1.file_name().unwrap_or_default().to_string_lossy(),
                pairs[pair].0.display(),
                i + 1,
                lines[i]
            ));
        }
    }
    assert_eq!(
        compared,
        lines.len() * pairs.len(),
        "one row per example and pair"
    );
    assert!(
        wrong.is_empty(),
        "{} of {compared} differ:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(6)].join("\n")
    );
    // The examples exercise what they are meant to.
    assert!(refused > 0 && refused < compared / 5, "{refused} refused");
    assert!(
        trained_checked > compared / 2,
        "{trained_checked} with trained tokens"
    );

    // The whole pipeline, through the binary: `stats` sums the same totals.
    let (nemo, llama3) = (real.join("mistral-nemo"), template("llama3.jinja"));
    let pair = pairs
        .iter()
        .position(|p| p.0 == nemo && p.1 == llama3)
        .expect("pair");
    let mut total = 0u64;
    let mut trained = 0u64;
    let mut counted = 0u64;
    for row in expected.lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        if cells[0] == pair.to_string() && cells[2] != "error" {
            total += cells[2].parse::<u64>().expect("total");
            trained += cells[3].parse::<u64>().expect("trained");
            counted += 1;
        }
    }
    let work = dir.path().join("project");
    std::fs::create_dir_all(work.join("data")).expect("mkdir");
    std::fs::write(work.join("data/train.jsonl"), lines.join("\n") + "\n").expect("write");
    std::fs::write(
        work.join("tunelint.toml"),
        format!(
            "[tokens]\ntokenizer = {:?}\nchat_template = {:?}\n",
            nemo.display().to_string(),
            llama3.display().to_string()
        ),
    )
    .expect("write");
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(&work)
        .args(["stats", "--format", "json", "data/train.jsonl"])
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let t = &doc["summary"]["tokens"];
    assert_eq!(t["examples"], counted, "{t}");
    assert_eq!(t["total"], total, "{t}");
    assert_eq!(t["trainable"], trained, "{t}");
    assert_eq!(t["tokenizer"], nemo.display().to_string());

    // Plain text (`{"text": ...}`) is not rendered with a chat template: TRL appends the EOS
    // token and tokenizes it with the tokenizer's special tokens (Mistral 7B's adds a BOS).
    let mut rng = Rng(2028);
    let texts: Vec<String> = (0..60)
        .map(|i| {
            let mut text = random_text(&mut rng);
            if i % 10 == 0 {
                text.push_str("</s>");
            }
            serde_json::json!({ "text": text }).to_string()
        })
        .collect();
    let input = dir.path().join("texts.jsonl");
    std::fs::write(&input, texts.join("\n") + "\n").expect("write");
    let output = dir.path().join("texts.tsv");
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["text".as_ref(), input.as_os_str(), output.as_os_str()];
    for t in &tokenizers {
        args.push(t.as_os_str());
    }
    run(&args);
    let expected = std::fs::read_to_string(&output).expect("read");
    let models: Vec<Settings> = tokenizers
        .iter()
        .map(|t| settings_with(chatml(t)))
        .collect();
    let mut wrong = Vec::new();
    for row in expected.lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        let (m, i): (usize, usize) = (
            cells[0].parse().expect("model"),
            cells[1].parse().expect("line"),
        );
        let want: u64 = cells[2].parse().expect("total");
        let got = count_tokens(&texts[i], &models[m]).map(|t| (t.total, t.trainable));
        if got != Some((want, want)) {
            wrong.push(format!(
                "{}: line {}: tunelint (total, trained) {got:?}, transformers {want}\n  {}",
                tokenizers[m].display(),
                i + 1,
                texts[i]
            ));
        }
    }
    assert_eq!(expected.lines().count(), texts.len() * tokenizers.len());
    assert!(
        wrong.is_empty(),
        "{} plain texts differ:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(6)].join("\n")
    );
}

/// `bpe-llama3` with a post-processor that adds `<|begin_of_text|>`, as Llama 3's own
/// tokenizer.json has: what `tokenizer(text)` adds and `apply_chat_template` does not.
fn llama3_with_bos(dir: &Path) -> PathBuf {
    let src = tokenizer("bpe-llama3");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(src.join("tokenizer.json")).expect("read"))
            .expect("json");
    let bos = json["added_tokens"]
        .as_array()
        .and_then(|a| a.iter().find(|t| t["content"] == "<|begin_of_text|>"))
        .map(|t| t["id"].clone())
        .expect("<|begin_of_text|>");
    json["post_processor"] = serde_json::json!({
        "type": "TemplateProcessing",
        "single": [
            {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}}
        ],
        "pair": [
            {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}},
            {"Sequence": {"id": "B", "type_id": 1}}
        ],
        "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [bos], "tokens": ["<|begin_of_text|>"]}}
    });
    let out = dir.join("llama3-bos");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("tokenizer.json"), json.to_string()).expect("write");
    std::fs::copy(
        src.join("tokenizer_config.json"),
        out.join("tokenizer_config.json"),
    )
    .expect("copy");
    out
}

/// The tokens of `text` as the tokenizer alone encodes it, without special tokens.
fn plain_tokens(dir: &Path, text: &str) -> u64 {
    let t = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).expect("tokenizer");
    t.encode(text, false).expect("encodes").len() as u64
}

/// TRL hands ShareGPT's role names to the chat template as written (`human`, `gpt`): under
/// `trl` the count renders them so (Qwen2.5's template renders no such turn), as it renders
/// a `messages` record that names them; elsewhere they are the user and the assistant.
#[test]
fn trl_renders_sharegpt_role_names_as_written() {
    let mut settings = settings_with(chatml(&tokenizer("bpe-chatml")));
    let sharegpt = r#"{"conversations": [{"from": "human", "value": "What color is the sky today?"}, {"from": "gpt", "value": "It is blue, as it usually is."}]}"#;
    let written = r#"{"messages": [{"role": "human", "content": "What color is the sky today?"}, {"role": "gpt", "content": "It is blue, as it usually is."}]}"#;
    let mapped = r#"{"messages": [{"role": "user", "content": "What color is the sky today?"}, {"role": "assistant", "content": "It is blue, as it usually is."}]}"#;
    let total = |line: &str, settings: &Settings| count_tokens(line, settings).map(|t| t.total);
    assert_eq!(total(sharegpt, &settings), total(mapped, &settings));
    settings.target = tunelint::target::lookup("trl");
    assert_eq!(total(sharegpt, &settings), total(written, &settings));
    assert_ne!(total(sharegpt, &settings), total(mapped, &settings));
    // axolotl maps the names.
    settings.target = tunelint::target::lookup("axolotl");
    assert_eq!(total(sharegpt, &settings), total(mapped, &settings));
}

#[test]
fn plain_text_is_tokenized_as_trl_does_without_the_chat_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = llama3_with_bos(dir.path());
    let text = "Tokyo is the capital of Japan.\nIt has 14 million people.";
    let n = plain_tokens(&model, text);
    let work = dir.path().join("project");
    std::fs::create_dir_all(&work).expect("mkdir");
    std::fs::write(
        work.join("tunelint.toml"),
        format!(
            "format = \"text\"\n[tokens]\ntokenizer = {:?}\nchat_template = {:?}\n",
            model.display().to_string(),
            template("llama3.jinja").display().to_string()
        ),
    )
    .expect("write");
    // The EOS is appended once: not to a text that already ends with it.
    let lines = [
        serde_json::json!({ "text": text }),
        serde_json::json!({ "text": format!("{text}<|eot_id|>") }),
    ];
    std::fs::write(
        work.join("train.jsonl"),
        lines.map(|l| l.to_string()).join("\n") + "\n",
    )
    .expect("write");
    let out = tunelint(&work)
        .args(["stats", "--format", "json", "train.jsonl"])
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let t = &doc["summary"]["tokens"];
    // <|begin_of_text|> from the post-processor, the text, <|eot_id|>: all trained.
    let each = 1 + n + 1;
    assert_eq!(t["examples"], 2, "{t}");
    assert_eq!(t["total"], 2 * each, "{t}");
    assert_eq!(t["trainable"], 2 * each, "{t}");
    assert_eq!(t["max"], each, "{t}");
}

/// `stats --format json`'s token figures of `lines` with bpe-chatml and the ChatML template.
fn chatml_stats(format: &str, lines: &[serde_json::Value]) -> serde_json::Value {
    chatml_report(format, lines)["summary"]["tokens"].clone()
}

/// `stats --format json`'s report of `lines` with bpe-chatml and the ChatML template.
fn chatml_report(format: &str, lines: &[serde_json::Value]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        format!(
            "format = {format:?}\n[tokens]\ntokenizer = {:?}\nchat_template = {:?}\n",
            tokenizer("bpe-chatml").display().to_string(),
            template("chatml_qwen.jinja").display().to_string()
        ),
    )
    .expect("write");
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(dir.path().join("train.jsonl"), text.join("\n") + "\n").expect("write");
    let out = tunelint(dir.path())
        .args(["stats", "--format", "json", "train.jsonl"])
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).expect("json")
}

/// With a model, `stats` charts each role's messages in the model's tokens: each message's
/// text alone, encoded without special tokens, as `tokenizer(text)` counts it (not in
/// OpenAI's encoding, whose counts differ).
#[test]
fn stats_charts_message_tokens_in_the_models_tokens() {
    let chatml = tokenizer("bpe-chatml");
    let long_question = "How big is the city of Paris, and why? ".repeat(9);
    let long_answer = "It has two million people, give or take. ".repeat(30);
    let users = ["Capital of France?", long_question.as_str()];
    let answers = ["Paris is the capital.", long_answer.as_str()];
    let lines: Vec<serde_json::Value> = users
        .iter()
        .zip(&answers)
        .map(|(u, a)| {
            serde_json::json!({"messages": [
                {"role": "user", "content": u},
                {"role": "assistant", "content": a}
            ]})
        })
        .collect();
    let doc = chatml_report("openai-chat", &lines);
    // The buckets of the report (`stats`' TOKEN_BOUNDS) and their labels.
    let bounds = [0u64, 1, 16, 32, 64, 128, 256, 512, 1024, 2048];
    let thousands = |n: u64| match n {
        1000.. => format!("{},{:03}", n / 1000, n % 1000),
        _ => n.to_string(),
    };
    let label = |n: u64| {
        let i = bounds.iter().rposition(|&b| b <= n).expect("a bucket");
        match (bounds[i], bounds.get(i + 1)) {
            (lo, Some(&next)) if next == lo + 1 => thousands(lo),
            (lo, Some(&next)) => format!("{}–{}", thousands(lo), thousands(next - 1)),
            (lo, None) => format!("{}+", thousands(lo)),
        }
    };
    for (role, texts) in [("user", users), ("assistant", answers)] {
        let chart = doc["summary"]["charts"]
            .as_array()
            .expect("charts")
            .iter()
            .find(|c| c["id"] == format!("tokens-{role}"))
            .unwrap_or_else(|| panic!("a tokens-{role} chart in {doc}"));
        let title = chart["title"].as_str().expect("title");
        assert!(
            title.contains("bpe-chatml") && !title.contains("o200k"),
            "{title}"
        );
        let mut want: Vec<(String, f64)> = Vec::new();
        for text in texts {
            let l = label(plain_tokens(&chatml, text));
            match want.iter_mut().find(|(w, _)| *w == l) {
                Some((_, n)) => *n += 1.0,
                None => want.push((l, 1.0)),
            }
        }
        let got: Vec<(String, f64)> = charts::bars(chart)
            .into_iter()
            .filter(|(_, v)| *v > 0.0)
            .collect();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        let mut got_sorted = got.clone();
        got_sorted.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got_sorted, want, "{role}: {chart}");
    }
}

#[test]
fn axolotl_and_llama_factory_masks_decide_the_trained_tokens() {
    let chatml = tokenizer("bpe-chatml");
    // ChatML's assistant turn, after the generation prompt `<|im_start|>assistant\n`, is the
    // answer, `<|im_end|>` and `\n`; `<|im_end|>` is an added token, so the answer's tokens
    // are those it has alone.
    let turn = |answer: &str| plain_tokens(&chatml, answer) + 1 + plain_tokens(&chatml, "\n");
    let (first, second) = ("Paris is the capital.", "It has two million people.");
    let both = turn(first) + turn(second);

    // LLaMA-Factory: loss_weight 0.0 masks a turn, any weight above 1e-6 trains it.
    let messages = |w1: f64, w2: f64| {
        serde_json::json!({"messages": [
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": first, "loss_weight": w1},
            {"role": "user", "content": "How big is it?"},
            {"role": "assistant", "content": second, "loss_weight": w2}
        ]})
    };
    let t = chatml_stats(
        "llama-factory",
        &[messages(1.0, 1.0), messages(0.0, 1.0), messages(0.5, 0.0)],
    );
    assert_eq!(t["examples"], 3, "{t}");
    assert_eq!(t["trainable"], both + turn(second) + turn(first), "{t}");

    // axolotl: `train` per message, `train_detail` per span of the content (character
    // offsets, inclusive; characters no entry covers are not trained). " General Kenobi!"
    // starts a pre-tokenizer piece, so its tokens are those it has alone; the turn's
    // `<|im_end|>\n` is trained after a trained end of the content (train_on_eos: turn).
    let answer = "Hello there. General Kenobi!";
    let tail = " General Kenobi!";
    let start = answer.chars().count() - tail.chars().count();
    let detailed = |detail: serde_json::Value| {
        serde_json::json!({"messages": [
            {"role": "user", "content": "Say it."},
            {"role": "assistant", "content": answer, "train_detail": detail}
        ]})
    };
    let lines = [
        serde_json::json!({"messages": [
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": first, "train": false},
            {"role": "user", "content": "How big is it?"},
            {"role": "assistant", "content": second, "train": true}
        ]}),
        detailed(serde_json::json!([
            {"begin_offset": 0, "end_offset": start - 1, "train": false},
            {"begin_offset": start, "end_offset": answer.chars().count() - 1, "train": true}
        ])),
        // A later entry overrides an earlier one.
        detailed(serde_json::json!([
            {"begin_offset": 0, "end_offset": answer.chars().count() - 1, "train": true},
            {"begin_offset": 0, "end_offset": start - 1, "train": false}
        ])),
        detailed(serde_json::json!([
            {"begin_offset": 0, "end_offset": answer.chars().count() - 1, "train": false}
        ])),
    ];
    let t = chatml_stats("axolotl-chat", &lines);
    assert_eq!(t["examples"], 4, "{t}");
    assert_eq!(t["trainable"], turn(second) + 2 * turn(tail), "{t}");

    // `train: true` on a user turn trains its content and end-of-turn as an answer's are;
    // `train: false` on one changes nothing.
    let question = "Capital of France?";
    let user_trained = serde_json::json!({"messages": [
        {"role": "user", "content": question, "train": true},
        {"role": "assistant", "content": first},
        {"role": "user", "content": "How big is it?", "train": false},
        {"role": "assistant", "content": second, "train": false}
    ]});
    let t = chatml_stats("axolotl-chat", &[user_trained]);
    assert_eq!(t["trainable"], turn(question) + turn(first), "{t}");
    assert_eq!(t["assistant"], turn(first), "{t}");
    // Without the masks, every answer is trained.
    let unmasked: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            for m in l["messages"].as_array_mut().expect("messages") {
                if let Some(m) = m.as_object_mut() {
                    m.remove("train");
                    m.remove("train_detail");
                }
            }
            l
        })
        .collect();
    let t = chatml_stats("axolotl-chat", &unmasked);
    assert_eq!(t["trainable"], both + 3 * turn(answer), "{t}");
}

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir).env_remove("GITHUB_ACTIONS");
    cmd
}

/// A model directory with the given template, in a fresh project.
fn project(template_name: &str, config: &str, lines: &[serde_json::Value]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("models/chat");
    std::fs::create_dir_all(&model).expect("mkdir");
    for f in ["tokenizer.json", "tokenizer_config.json"] {
        std::fs::copy(tokenizer("bpe-chatml").join(f), model.join(f)).expect("copy");
    }
    std::fs::copy(template(template_name), model.join("chat_template.jinja")).expect("copy");
    std::fs::write(dir.path().join("tunelint.toml"), config).expect("write");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("train.jsonl"), text).expect("write");
    dir
}

fn long_answer(words: usize) -> serde_json::Value {
    serde_json::json!({"messages": [
        {"role": "user", "content": "Tell me about refunds."},
        {"role": "assistant", "content": "Refunds are available within thirty days. ".repeat(words)},
    ]})
}

#[test]
fn t002_says_how_much_of_the_answer_the_trainer_cuts() {
    let short = serde_json::json!({"messages": [
        {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]});
    let dir = project("chatml_qwen.jinja", "", &[short.clone(), long_answer(20)]);
    // The exact figures, from the library; the limit falls inside the answer.
    let model = load(&dir.path().join("models/chat"), None).expect("loads");
    let settings = settings_with(model);
    let counted = count_tokens(&long_answer(20).to_string(), &settings).expect("counts");
    let answer = *counted.answers.last().expect("an answer");
    let max = answer.start + 20;
    assert!(answer.end > max, "{counted:?}");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        format!("[tokens]\ntokenizer = \"models/chat\"\nmax_length = {max}\n"),
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T,S010", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let want = format!(
        "train.jsonl:2:{}: T002 with max_length {max} the last {} of this answer's {} tokens are cut (models/chat); the model learns to stop mid-sentence",
        long_answer(20)
            .to_string()
            .find("\"Refunds")
            .expect("content")
            + 1,
        answer.end - max,
        answer.len(),
    );
    assert!(stdout.contains(&want), "{stdout}\nwanted: {want}");
    // T001 says nothing more about the same example; the short one is fine.
    assert!(!stdout.contains("T001"), "{stdout}");
    assert!(!stdout.contains("train.jsonl:1:"), "{stdout}");

    // With overflow = "drop" the trainer leaves the example out: T003, not T002.
    std::fs::write(
        dir.path().join("tunelint.toml"),
        format!("[tokens]\ntokenizer = \"models/chat\"\nmax_length = {max}\noverflow = \"drop\"\n"),
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T,S010", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "T003 example has {} tokens (models/chat); with max_length {max} and overflow \"drop\" the trainer leaves it out, so it teaches nothing",
            counted.total
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("T002"), "{stdout}");
}

#[test]
fn t003_when_every_answer_is_past_max_length_or_masked() {
    let long_prompt = serde_json::json!({"messages": [
        {"role": "user", "content": "Read this. ".repeat(60)},
        {"role": "assistant", "content": "Done."},
    ]});
    let masked = serde_json::json!({"messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!", "weight": 0},
    ]});
    let dir = project(
        "chatml_qwen.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\nmax_length = 64\n",
        &[long_prompt, masked],
    );
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T,S010", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("train.jsonl:1:") && stdout.contains("T003 with max_length 64 every trained token is cut: the first answer starts at token "),
        "{stdout}"
    );
    // A masked answer is O004's, not T003's.
    assert!(!stdout.contains("train.jsonl:2:"), "{stdout}");
}

#[test]
fn a_template_that_refuses_an_example_is_reported_with_its_line() {
    let bad = serde_json::json!({"messages": [
        {"role": "user", "content": "Hi"},
        {"role": "user", "content": "Hello?"},
        {"role": "assistant", "content": "Yes?"},
    ]});
    let dir = project(
        "generation_smol.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\n",
        &[bad],
    );
    let out = tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = std::fs::read_to_string(template("generation_smol.jinja"))
        .expect("read")
        .lines()
        .position(|l| l.contains("raise_exception"))
        .expect("raises")
        + 1;
    assert!(
        stdout.contains(&format!(
            "T003 the chat template refuses this example (models/chat/chat_template.jinja, line {line}): Conversation roles must alternate user/assistant/user/assistant/...; the trainer's preprocessing would stop here"
        )),
        "{stdout}"
    );
}

#[test]
fn generation_blocks_decide_what_is_trained() {
    let example = serde_json::json!({"messages": [
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "4"},
    ]})
    .to_string();
    let with = |name: &str| {
        let model = load(&tokenizer("bpe-chatml"), Some(&template(name))).expect("loads");
        count_tokens(&example, &settings_with(model)).expect("counts")
    };
    let marked = with("generation_smol.jinja");
    // `4<|im_end|>\n`: the answer, the end of turn and the newline inside the block.
    assert!(marked.trainable >= 2 && marked.trainable <= 4, "{marked:?}");
    assert_eq!(marked.answers.len(), 1);
    assert_eq!(marked.answers[0].end, marked.total, "{marked:?}");
    // Without blocks, the assistant turn after the generation prompt: the same text here.
    let turn = with("chatml_qwen.jinja");
    assert_eq!(turn.trainable, marked.trainable, "{turn:?} {marked:?}");
}

#[test]
fn missing_files_are_clear_errors_and_nothing_is_downloaded() {
    let dir = project(
        "chatml_qwen.jinja",
        "[tokens]\ntokenizer = \"models/none\"\n",
        &[],
    );
    let out = tunelint(dir.path())
        .args(["train.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read tokenizer models/none: no such file or directory; tunelint never downloads a tokenizer"),
        "{stderr}"
    );
    assert!(stderr.contains("tunelint.toml:2:"), "{stderr}");

    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[tokens]\ntokenizer = \"models/chat\"\nchat_template = \"broken.jinja\"\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("broken.jinja"),
        "{{ bos_token }}\n{% for m in messages %}\n{{ m.content }\n{% endfor %}\n",
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["train.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("chat template broken.jinja, line 3 does not compile"),
        "{stderr}"
    );

    // A model directory without a template of its own (a base model) still counts plain
    // text; each conversation says that it needs a template, and how to name one.
    std::fs::remove_file(dir.path().join("models/chat/chat_template.jinja")).expect("rm");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[tokens]\ntokenizer = \"models/chat/tokenizer.json\"\nmax_per_example = 1\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("train.jsonl"),
        serde_json::json!({"messages": [
            {"role": "user", "content": "What is the capital of France?"},
            {"role": "assistant", "content": "The capital of France is Paris."}
        ]})
        .to_string()
            + "\n",
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains(
            "T003 this conversation needs a chat template: no chat template for tokenizer models/chat/tokenizer.json"
        ),
        "{stdout}"
    );
    std::fs::write(
        dir.path().join("text.jsonl"),
        "{\"text\": \"Plain text for continued pretraining.\"}\n",
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "text.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("T001 example has") && !stdout.contains("T003"),
        "{stdout}"
    );

    // A "chat_template" that is not one (a number) is not taken for no template: transformers
    // fails on it, and so does the run, naming it.
    let config_path = dir.path().join("models/chat/tokenizer_config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config_path).expect("read")).expect("json");
    config["chat_template"] = serde_json::json!(12345);
    std::fs::write(&config_path, config.to_string()).expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "\"chat_template\" in models/chat/tokenizer_config.json is a number; expected the template's text"
        ),
        "{stderr}"
    );
}

/// The byte bound never lets an example over the limit through: T001 fires one token over the
/// limit and not at it, for every tokenizer.
#[test]
fn t001_fires_exactly_above_max_length_with_every_tokenizer() {
    let mut rng = Rng(7);
    let lines: Vec<String> = (0..40)
        .map(|_| random_example(&mut rng).to_string())
        .collect();
    for name in BUILT {
        let model = Arc::new(chatml(&tokenizer(name)));
        for line in &lines {
            let base = Settings {
                model: Some(model.clone()),
                ..Settings::default()
            };
            // A template that refuses an example (content parts it adds to a string) is T003.
            let Some(counted) = count_tokens(line, &base) else {
                continue;
            };
            let total = counted.total;
            if counted.trainable == 0 {
                continue; // T003 says so, whatever the length
            }
            for (max, fires) in [(total, false), (total - 1, true)] {
                let mut settings = base.clone();
                settings.set_options(
                    Code::T002,
                    tunelint::rules::tokens::TruncatedAnswerOptions { max_length: max },
                );
                settings.overflow = Overflow::Truncate;
                let (diagnostics, _) = lint_bytes(format!("{line}\n").as_bytes(), &settings);
                let over = diagnostics
                    .iter()
                    .filter(|d| {
                        matches!(d.code, Code::T001 | Code::T002)
                            || (d.code == Code::T003 && d.message.contains("max_length"))
                    })
                    .count();
                assert_eq!(
                    over > 0,
                    fires,
                    "{name} limit {max}, count {total}: {diagnostics:?}\n{line}"
                );
            }
        }
    }
}

/// The README's `[tokens]` examples (```` ```toml title="tunelint.toml" ```` blocks of "Tokens
/// for your model") work as written, with a model directory and template where they say.
#[test]
fn readme_token_configs_work() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README");
    let section = readme
        .split("## Tokens for your model")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the section");
    let blocks: Vec<&str> = section
        .split("```toml title=\"tunelint.toml\"\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or_default())
        .collect();
    assert_eq!(blocks.len(), 2, "a TRL and a LLaMA-Factory example");
    let line = serde_json::json!({"messages": [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "Paris is the capital of France."}]});
    for block in blocks {
        let dir = tempfile::tempdir().expect("tempdir");
        let config: toml::Table = block.parse().expect("toml");
        let tokens = config["tokens"].as_table().expect("[tokens]");
        let path = tokens["tokenizer"].as_str().expect("tokenizer");
        let model_dir = match path.strip_suffix("/tokenizer.json") {
            Some(dir) => dir.to_string(),
            None => path.to_string(),
        };
        let model = dir.path().join(&model_dir);
        std::fs::create_dir_all(&model).expect("mkdir");
        for f in ["tokenizer.json", "tokenizer_config.json"] {
            std::fs::copy(tokenizer("bpe-llama3").join(f), model.join(f)).expect("copy");
        }
        match tokens.get("chat_template").and_then(|t| t.as_str()) {
            Some(t) => {
                let to = dir.path().join(t);
                std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                std::fs::copy(template("llama3.jinja"), to).expect("copy");
            }
            None => {
                std::fs::copy(
                    template("chatml_qwen.jinja"),
                    model.join("chat_template.jinja"),
                )
                .expect("copy");
            }
        }
        std::fs::write(dir.path().join("tunelint.toml"), block).expect("write");
        std::fs::write(dir.path().join("train.jsonl"), format!("{line}\n")).expect("write");
        let out = tunelint(dir.path())
            .args(["stats", "--format", "json", "train.jsonl"])
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let t = &doc["summary"]["tokens"];
        assert_eq!(t["tokenizer"], path, "{t}");
        assert_eq!(
            t["max_length"],
            tokens["max_length"].as_integer().expect("max_length")
        );
        assert!(t["trainable"].as_u64().expect("trainable") > 0, "{t}");
    }
}

/// The T findings (`check --format concise --select T`) on `dir`'s train.jsonl with the
/// model of `dir` and `[tokens] max_length = MAX, overflow = "keep_end"`.
fn keep_end_findings(dir: &Path, max: u64) -> String {
    std::fs::write(
        dir.join("tunelint.toml"),
        format!(
            "[tokens]\ntokenizer = \"models/chat\"\nmax_length = {max}\noverflow = \"keep_end\"\n"
        ),
    )
    .expect("write");
    let out = tunelint(dir)
        .args(["--format", "concise", "--select", "T,S010", "train.jsonl"])
        .output()
        .expect("run");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn keep_end_cuts_the_start_of_a_long_example() {
    let two = serde_json::json!({"messages": [
        {"role": "user", "content": "Tell me about refunds."},
        {"role": "assistant", "content": "Refunds are available within thirty days. ".repeat(8)},
        {"role": "user", "content": "And exchanges?"},
        {"role": "assistant", "content": "Exchanges are free within sixty days of purchase."},
    ]});
    let dir = project("chatml_qwen.jinja", "", std::slice::from_ref(&two));
    let model = load(&dir.path().join("models/chat"), None).expect("loads");
    let counted = count_tokens(&two.to_string(), &settings_with(model)).expect("counts");
    let first = counted.answers[0];
    // The trainer keeps the last tokens from five tokens into the first answer.
    let max = counted.total - (first.start + 5);
    let stdout = keep_end_findings(dir.path(), max);
    let column = two.to_string().find("\"Refunds").expect("content") + 1;
    let want = format!(
        "train.jsonl:1:{column}: T002 with max_length {max} and overflow \"keep_end\" the first 5 of this answer's {} tokens are cut, with all before it (models/chat); the model learns an answer that starts mid-way, without its question",
        first.len()
    );
    assert!(stdout.contains(&want), "{stdout}\nwanted: {want}");
    assert!(!stdout.contains("T003"), "{stdout}");

    // The statistics count the tokens lost at the start: the prompt and five of the answer.
    let out = tunelint(dir.path())
        .args(["stats", "--format", "json", "train.jsonl"])
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let tokens = &doc["summary"]["tokens"];
    assert_eq!(tokens["truncated"], first.start + 5, "{tokens}");
    assert_eq!(tokens["truncated_trained"], 5, "{tokens}");

    // An answer followed by a long user turn: keeping only that turn cuts every trained
    // token (T003).
    let tail = serde_json::json!({"messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Read this. ".repeat(30)},
    ]});
    let counted = count_tokens(
        &tail.to_string(),
        &settings_with(load(&dir.path().join("models/chat"), None).expect("loads")),
    )
    .expect("counts");
    let answer = counted.answers[0];
    let max = counted.total - answer.end;
    std::fs::write(dir.path().join("train.jsonl"), format!("{tail}\n")).expect("write");
    let stdout = keep_end_findings(dir.path(), max);
    assert!(
        stdout.contains(&format!(
            "T003 with max_length {max} and overflow \"keep_end\" every trained token is cut: the last answer ends at token {} and the trainer keeps the last {max} of {}",
            answer.end, counted.total
        )),
        "{stdout}"
    );
}

#[test]
fn a_template_that_drops_the_answers_is_t003_with_or_without_token_statistics() {
    let lines = [
        serde_json::json!({"messages": [
            {"role": "user", "content": "Where is my order?"},
            {"role": "assistant", "content": "It ships tomorrow morning from our warehouse."}]}),
        long_answer(3),
    ];
    let config = "[tokens]\ntokenizer = \"models/chat\"\n";
    for (template, expected) in [("user_only.jinja", 2), ("chatml_qwen.jinja", 0)] {
        let dir = project(template, config, &lines);
        for extra in [&[][..], &["--token-stats"]] {
            let out = tunelint(dir.path())
                .args(["--format", "concise", "--select", "T"])
                .args(extra)
                .arg("train.jsonl")
                .output()
                .expect("run");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let t003: Vec<&str> = stdout.lines().filter(|l| l.contains(" T003 ")).collect();
            assert_eq!(t003.len(), expected, "{template} {extra:?}: {stdout}");
            assert!(
                t003.iter()
                    .all(|l| l.contains("marks no text of this example as trained")),
                "{stdout}"
            );
        }
    }
}

/// A model that names its special tokens in special_tokens_map.json only (older models do):
/// transformers reads them from there, so the template sees `eos_token`. Every example was
/// T003 ("+ operator on unsupported types string and undefined") before.
#[test]
fn special_tokens_come_from_special_tokens_map_json_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let model = d.join("m");
    std::fs::create_dir_all(&model).expect("mkdir");
    std::fs::copy(
        tokenizer("bpe-chatml").join("tokenizer.json"),
        model.join("tokenizer.json"),
    )
    .expect("copy");
    std::fs::write(model.join("tokenizer_config.json"), "{}").expect("write");
    std::fs::write(
        model.join("special_tokens_map.json"),
        r#"{"eos_token": {"content": "<|im_end|>", "lstrip": false}}"#,
    )
    .expect("write");
    std::fs::write(
        model.join("chat_template.jinja"),
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content + eos_token }}\n{% endfor %}",
    )
    .expect("write");
    std::fs::write(
        d.join("tunelint.toml"),
        "[tokens]\ntokenizer = \"m\"\nmax_per_example = 1\n",
    )
    .expect("write");
    std::fs::write(
        d.join("d.jsonl"),
        r#"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Hello"}]}"#
            .to_owned()
            + "\n",
    )
    .expect("write");
    let rendered = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n";
    let expected = plain_tokens(&model, rendered);
    let out = tunelint(d)
        .args(["check", "--select", "T", "--format", "concise", "d.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("T001 example has {expected} tokens (m)")),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains("T003"), "{stdout}");
}

/// Runs `oracle.py count` on `lines` with each (model directory, template) of `pairs`; its
/// rows, `pair <tab> line <tab> total <tab> trained` or `pair <tab> line <tab> error`.
fn oracle_counts(python: &str, lines: &[String], pairs: &[(PathBuf, PathBuf)]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("examples.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").expect("write");
    let output = dir.path().join("expected.tsv");
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["count".as_ref(), input.as_os_str(), output.as_os_str()];
    for (t, tpl) in pairs {
        args.push(t.as_os_str());
        args.push(tpl.as_os_str());
    }
    let out = Process::new(python)
        .arg(fixtures().join("oracle.py"))
        .args(&args)
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "oracle.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&output).expect("read")
}

/// The (total, trained) counts of `oracle_counts`' rows, in order; `None` for an error.
fn oracle_totals(rows: &str) -> Vec<Option<(u64, u64)>> {
    rows.lines()
        .map(|row| {
            let cells: Vec<&str> = row.split('\t').collect();
            (cells[2] != "error").then(|| {
                (
                    cells[2].parse().expect("total"),
                    cells[3].parse().expect("trained"),
                )
            })
        })
        .collect()
}

/// What a template sees and prints, compared with `transformers` on the constructs of real
/// templates where Jinja2 and MiniJinja differ (`python_semantics.jinja`,
/// `tool_use_loop.jinja`): a message's reasoning under all three of its names (Qwen3 reads
/// `reasoning_content`, gpt-oss `thinking`, Together writes `reasoning`), `none is iterable`,
/// a loop over no tools, `tojson` of a missing content, and numbers printed as Python prints
/// them (floats as `repr`, integers past 64 bits in full).
#[test]
fn templates_see_and_print_what_they_do_in_transformers() {
    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    use serde_json::json;
    let user = json!({"role": "user", "content": "What is 2 + 2?"});
    let answer = |extra: serde_json::Value| {
        let mut m = json!({"role": "assistant", "content": "4."});
        for (k, v) in extra.as_object().expect("object") {
            m[k] = v.clone();
        }
        json!({"messages": [user, m]})
    };
    let why = "Two and two make four, as counting shows.";
    let tools = json!([{"type": "function", "function": {"name": "lookup", "description": "Looks up", "parameters": {"type": "object", "properties": {"x": {"type": "number", "minimum": 1e-05}}}}}]);
    let call = |args: serde_json::Value, content: Option<&str>| {
        let mut m = json!({"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "lookup", "arguments": args}}]});
        if let Some(c) = content {
            m["content"] = json!(c);
        }
        json!({"tools": tools, "messages": [user, m, {"role": "tool", "content": "done"}, {"role": "assistant", "content": "Done."}]})
    };
    let examples = [
        answer(json!({})),
        answer(json!({"reasoning_content": why})),
        answer(json!({"reasoning": why})),
        answer(json!({"thinking": why})),
        answer(json!({"thinking": "Own thoughts.", "reasoning": why})),
        answer(json!({"reasoning": why, "reasoning_content": "Other thoughts."})),
        answer(json!({"reasoning_content": "", "thinking": null})),
        json!({"tools": [], "messages": [user, {"role": "assistant", "content": "4."}]}),
        json!({"tools": tools, "messages": [user, {"role": "assistant", "content": "4."}]}),
        call(
            json!({"a": 0.5, "b": 1e-05, "c": 1.5e16, "d": 1e100, "e": 123456789.12345679, "f": 100.0, "g": -0.0001, "h": 2.5e-7}),
            Some(""),
        ),
        call(
            serde_json::from_str(r#"{"big": 123456789012345678901234567890, "u64": 12345678901234567890, "neg": -98765432109876543210, "list": [1, 2.0, 3e21]}"#).expect("json"),
            Some("Looking it up."),
        ),
        call(json!({"q": "x"}), None),
    ];
    let lines: Vec<String> = examples.iter().map(|e| e.to_string()).collect();
    let chatml = tokenizer("bpe-chatml");
    let pairs: Vec<(PathBuf, PathBuf)> = ["python_semantics.jinja", "tool_use_loop.jinja"]
        .iter()
        .map(|name| (chatml.clone(), template(name)))
        .collect();
    let expected = oracle_counts(&python, &lines, &pairs);
    let models: Vec<Settings> = pairs
        .iter()
        .map(|(t, tpl)| settings_with(load(t, Some(tpl)).expect("loads")))
        .collect();
    let mut wrong = Vec::new();
    let mut failed = 0;
    for row in expected.lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        let pair: usize = cells[0].parse().expect("pair");
        let i: usize = cells[1].parse().expect("line");
        let want = match cells[2] {
            "error" => None,
            total => Some((
                total.parse::<u64>().expect("total"),
                cells[3].parse::<u64>().expect("trained"),
            )),
        };
        failed += usize::from(want.is_none());
        let got = count_tokens(&lines[i], &models[pair]).map(|t| (t.total, t.trainable));
        if got != want {
            wrong.push(format!(
                "{}: line {}: tunelint (total, trained) {got:?}, transformers {want:?}\n  {}",
                pairs[pair]
                    .1
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy(),
                i + 1,
                lines[i]
            ));
        }
    }
    assert_eq!(expected.lines().count(), lines.len() * pairs.len());
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        lines.len() * pairs.len(),
        wrong.join("\n")
    );
    // The templates fail where they should: tojson of no content, a loop over no tools.
    assert!(failed >= 2, "{failed} failed");
}

/// A model directory as today's `save_pretrained` writes one with several templates, in
/// `dir`: the fixture ChatML tokenizer, `chat_template.jinja` when `default` names a fixture
/// template, and `additional_chat_templates/tool_use.jinja` (the tool-loop fixture).
fn saved_with_templates(dir: &Path, default: Option<&str>) -> PathBuf {
    let model = dir.join("model");
    std::fs::create_dir_all(model.join("additional_chat_templates")).expect("mkdir");
    for file in ["tokenizer.json", "tokenizer_config.json"] {
        std::fs::copy(tokenizer("bpe-chatml").join(file), model.join(file)).expect("copy");
    }
    if let Some(name) = default {
        std::fs::copy(template(name), model.join("chat_template.jinja")).expect("copy");
    }
    std::fs::copy(
        template("tool_use_loop.jinja"),
        model.join("additional_chat_templates/tool_use.jinja"),
    )
    .expect("copy");
    model
}

/// One tool, and a two-turn conversation, for the examples with and without tools.
fn tool_and_turn() -> (serde_json::Value, serde_json::Value) {
    use serde_json::json;
    (
        json!([{"type": "function", "function": {"name": "lookup", "description": "Looks up", "parameters": {"type": "object", "properties": {}}}}]),
        json!([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]),
    )
}

/// A model saved by today's `save_pretrained` with several templates keeps them as files:
/// `chat_template.jinja` (the default) and `additional_chat_templates/NAME.jinja`. As
/// `transformers` does, an example with tools (even none: `"tools": []`) is rendered with
/// `tool_use`, one without with the default; the counts are compared with `transformers`
/// loading the same directory.
#[test]
fn additional_chat_templates_are_chosen_as_transformers_chooses_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = saved_with_templates(dir.path(), Some("chatml_qwen.jinja"));
    use serde_json::json;
    let (tools, turn) = tool_and_turn();
    let lines: Vec<String> = [
        json!({"messages": turn}),
        json!({"tools": tools, "messages": turn}),
        json!({"tools": [], "messages": turn}),
    ]
    .iter()
    .map(|e| e.to_string())
    .collect();
    let loaded = settings_with(load(&model, None).expect("loads"));
    let got: Vec<Option<(u64, u64)>> = lines
        .iter()
        .map(|l| count_tokens(l, &loaded).map(|t| (t.total, t.trainable)))
        .collect();
    // Without transformers, the tool_use template at least renders the tool list.
    assert!(
        got[1].unwrap_or_default().0 > got[0].unwrap_or_default().0 + 10,
        "{got:?}"
    );
    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let expected = oracle_counts(&python, &lines, &[(model.clone(), PathBuf::from("-"))]);
    let want = oracle_totals(&expected);
    assert_eq!(got, want, "tunelint, then transformers");
}

/// `split_special_tokens: true` in tokenizer_config.json: transformers encodes the special
/// tokens written in the text as ordinary text, the template's own markers included, so an
/// example costs more tokens than the same tokenizer without it. Compared with
/// `transformers` when it is there; the fast path and the crate agree either way.
#[test]
fn split_special_tokens_encodes_special_tokens_as_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let split = dir.path().join("split");
    std::fs::create_dir_all(&split).expect("mkdir");
    std::fs::copy(
        tokenizer("bpe-chatml").join("tokenizer.json"),
        split.join("tokenizer.json"),
    )
    .expect("copy");
    let mut config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tokenizer("bpe-chatml").join("tokenizer_config.json"))
            .expect("read"),
    )
    .expect("json");
    config["split_special_tokens"] = serde_json::Value::Bool(true);
    std::fs::write(split.join("tokenizer_config.json"), config.to_string()).expect("write");
    std::fs::copy(
        template("chatml_qwen.jinja"),
        split.join("chat_template.jinja"),
    )
    .expect("copy");

    use serde_json::json;
    let lines: Vec<String> = [
        json!({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}),
        json!({"messages": [{"role": "user", "content": "Say <|im_end|> twice: <|im_end|>"}, {"role": "assistant", "content": "<|endoftext|> <|im_start|>"}]}),
    ]
    .iter()
    .map(|e| e.to_string())
    .collect();
    let whole = chatml(&tokenizer("bpe-chatml"));
    let split_model = load(&split, None).expect("loads");
    fast_path_agrees(
        "split_special_tokens",
        &split_model,
        &[
            "a <|im_end|> b".to_string(),
            "<|im_start|>user\nHi".to_string(),
        ],
    );
    assert!(
        split_model.count_text("<|im_start|>") > 1,
        "a special token in the text is split"
    );
    let split_settings = settings_with(split_model);
    let got: Vec<Option<(u64, u64)>> = lines
        .iter()
        .map(|l| count_tokens(l, &split_settings).map(|t| (t.total, t.trainable)))
        .collect();
    let whole_settings = settings_with(whole);
    for (line, split_count) in lines.iter().zip(&got) {
        let whole_count = count_tokens(line, &whole_settings).map(|t| t.total);
        assert!(
            split_count.unwrap_or_default().0 > whole_count.unwrap_or_default() + 4,
            "{line}: split {split_count:?}, whole {whole_count:?}"
        );
    }
    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let expected = oracle_counts(&python, &lines, &[(split.clone(), PathBuf::from("-"))]);
    let want = oracle_totals(&expected);
    assert_eq!(got, want, "tunelint, then transformers");
}

/// A model saved with a `tool_use` template and no default one: transformers renders the
/// examples with tools and refuses the rest, naming the problem; tunelint did not load it
/// at all (exit 2). Now each example without tools gets T003 saying why, and the examples
/// with tools are counted.
#[test]
fn several_templates_without_a_default_render_the_examples_with_tools() {
    let dir = tempfile::tempdir().expect("tempdir");
    saved_with_templates(dir.path(), None);
    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[tokens]\ntokenizer = \"model\"\nmax_per_example = 1\n",
    )
    .expect("write");
    use serde_json::json;
    let (tools, turn) = tool_and_turn();
    let lines = [
        json!({"tools": tools, "messages": turn}),
        json!({"messages": turn}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("train.jsonl"), text).expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T,S010", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("train.jsonl:1:") && l.contains(" T001 ")),
        "the example with tools is counted: {stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("train.jsonl:2:")
            && l.contains(" T003 ")
            && l.contains("none named \"default\"")),
        "the example without tools says why it cannot be rendered: {stdout}"
    );
}

/// Tokenizer files the `tokenizers` crate loads but then panics on (an empty `Replace`
/// pattern, a garbage `Precompiled` map), or whose normaliser grows every letter into
/// thousands (gigabytes for one example): each is an error naming the file and why (exit 2),
/// never a crash (exit 101) or memory run out.
#[test]
fn hostile_tokenizer_files_are_clear_errors() {
    let normalizers = [
        (
            serde_json::json!({"type": "Replace", "pattern": {"String": ""}, "content": "xx"}),
            "its normalizer replaces an empty pattern",
        ),
        (
            serde_json::json!({"type": "Sequence", "normalizers": [{"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": "a"}, "content": "a".repeat(10_000)}]}),
            "its normalizer replaces each match with 10000 bytes",
        ),
        (
            serde_json::json!({"type": "Prepend", "prepend": "x".repeat(1_000_000)}),
            "its normalizer puts 1000000 bytes before each text",
        ),
        // Steps that each stay within the limit of one, but multiply together: thirty that
        // each double the text (2^30) aborted the run with memory gone at the load-time
        // check; as many Prepends put 64 × 100 bytes before a text.
        (
            serde_json::json!({"type": "Sequence", "normalizers":
                vec![serde_json::json!({"type": "Replace", "pattern": {"String": "a"}, "content": "aa"}); 30]}),
            "its normalizer multiplies the text by up to 1073741824 (its steps together; at most 64)",
        ),
        (
            serde_json::json!({"type": "Sequence", "normalizers": [
                {"type": "Sequence", "normalizers": vec![serde_json::json!({"type": "Replace", "pattern": {"Regex": "."}, "content": "▁▁"}); 4]},
                {"type": "Sequence", "normalizers": vec![serde_json::json!({"type": "Replace", "pattern": {"Regex": "."}, "content": "▁▁"}); 4]}]}),
            "its normalizer multiplies the text by up to 1679616 ",
        ),
        (
            serde_json::json!({"type": "Sequence", "normalizers":
                vec![serde_json::json!({"type": "Prepend", "prepend": "x".repeat(64)}); 100]}),
            "its normalizer puts up to 6400 bytes before each text (its steps together; at most 4096)",
        ),
        (
            serde_json::json!({"type": "Precompiled", "precompiled_charsmap": "AAAAAAAA"}),
            "the tokenizers crate fails on ordinary text with it",
        ),
        (
            serde_json::json!({"type": "Precompiled", "precompiled_charsmap": "AAAA"}),
            "the tokenizers crate failed on it",
        ),
    ];
    for (normalizer, expected) in normalizers {
        let dir = project(
            "chatml_qwen.jinja",
            "[tokens]\ntokenizer = \"models/chat\"\n",
            &[long_answer(3)],
        );
        let path = dir.path().join("models/chat/tokenizer.json");
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        doc["normalizer"] = normalizer;
        std::fs::write(&path, doc.to_string()).expect("write");
        for command in ["stats", "check"] {
            let out = tunelint(dir.path())
                .args([command, "--token-stats", "train.jsonl"])
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {expected}: {stderr}");
            assert!(
                stderr.contains("cannot use tokenizer models/chat/tokenizer.json")
                    || stderr.contains("cannot load tokenizer models/chat/tokenizer.json"),
                "{stderr}"
            );
            assert!(stderr.contains(expected), "{stderr}");
            assert!(!stderr.contains("internal error"), "{stderr}");
        }
    }
}

/// A model directory made from the fixture tokenizer `base`: its tokenizer.json with the
/// special tokens `extra` added (`(content, rstrip)`, in tokenizer.json and in
/// tokenizer_config.json's `added_tokens_decoder`, as Phi-3 lists its role tokens), its
/// tokenizer_config.json with `patch` merged in (a `null` removes a key), and `config` as
/// config.json when given.
fn class_variant(
    root: &Path,
    name: &str,
    base: &str,
    extra: &[(&str, bool)],
    patch: serde_json::Value,
    config: Option<serde_json::Value>,
) -> PathBuf {
    let read = |file: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(tokenizer(base).join(file)).expect("read fixture"),
        )
        .expect("json")
    };
    let (mut json, mut settings) = (read("tokenizer.json"), read("tokenizer_config.json"));
    let first = json["model"]["vocab"].as_object().expect("vocab").len() as u64;
    for (next, (content, rstrip)) in (first..).zip(extra) {
        let token = serde_json::json!({"content": content, "single_word": false, "lstrip": false,
            "rstrip": rstrip, "normalized": false, "special": true});
        let mut with_id = token.clone();
        with_id["id"] = next.into();
        json["added_tokens"]
            .as_array_mut()
            .expect("added_tokens")
            .push(with_id);
        if let Some(decoder) = settings
            .get_mut("added_tokens_decoder")
            .and_then(|d| d.as_object_mut())
        {
            decoder.insert(next.to_string(), token);
        }
    }
    for (key, value) in patch.as_object().expect("patch") {
        let fields = settings.as_object_mut().expect("object");
        if value.is_null() {
            fields.remove(key);
        } else {
            fields.insert(key.clone(), value.clone());
        }
    }
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("tokenizer.json"), json.to_string()).expect("write");
    std::fs::write(dir.join("tokenizer_config.json"), settings.to_string()).expect("write");
    if let Some(config) = config {
        std::fs::write(dir.join("config.json"), config.to_string()).expect("write");
    }
    dir
}

/// `transformers` 5 builds the pipeline of a class named in tokenizer_config.json
/// (`LlamaTokenizer`, `GPT2Tokenizer`, `Qwen2Tokenizer`, `GPTNeoXTokenizer`) from
/// tokenizer.json's vocabulary instead of reading the file's own, unless config.json's model
/// type says otherwise (Mistral's and Phi-3's files say `LlamaTokenizer` and are read as
/// written) or the file is byte-level under `LlamaTokenizer` (DeepSeek's). `spm-bpe-legacy` is
/// written as Llama 2's tokenizer.json is (a `Prepend("▁")` normaliser), which
/// `LlamaTokenizer` replaces with a `Metaspace` pre-tokenizer: a text starting with a space,
/// and with `legacy: false` every text after a special token, tokenizes differently. Counts
/// compared with `transformers` on random examples and plain texts.
#[test]
fn tokenizer_class_decides_the_pipeline_as_in_transformers() {
    use serde_json::json;
    let root = tempfile::tempdir().expect("tempdir");
    let roles = [
        ("<|system|>", false),
        ("<|user|>", true),
        ("<|assistant|>", false),
        ("<|end|>", true),
    ];
    let variant = |name, base, extra: &[(&str, bool)], patch, config| {
        class_variant(root.path(), name, base, extra, patch, config)
    };
    // (directory, the class whose pipeline it gets, template)
    let cases: Vec<(PathBuf, Option<&str>, &str)> = vec![
        (
            variant("llama-legacy", "spm-bpe-legacy", &[], json!({}), None),
            Some("LlamaTokenizer"),
            "inst.jinja",
        ),
        (
            variant(
                "llama-first",
                "spm-bpe-legacy",
                &roles,
                json!({"legacy": false}),
                None,
            ),
            Some("LlamaTokenizer"),
            "role_tokens.jinja",
        ),
        (
            variant(
                "llama-never",
                "spm-bpe-legacy",
                &[],
                json!({"add_prefix_space": false, "tokenizer_class": "LlamaTokenizerFast"}),
                Some(json!({"model_type": "llama"})),
            ),
            Some("LlamaTokenizer"),
            "inst.jinja",
        ),
        (
            // An older config: tokenizer.json's added tokens, no `legacy` (so false).
            variant(
                "llama-old",
                "spm-bpe-legacy",
                &roles,
                json!({"added_tokens_decoder": null, "legacy": null}),
                None,
            ),
            Some("LlamaTokenizer"),
            "role_tokens.jinja",
        ),
        (
            variant(
                "mistral",
                "spm-bpe-legacy",
                &[],
                json!({}),
                Some(json!({"model_type": "mistral"})),
            ),
            None,
            "inst.jinja",
        ),
        (
            variant(
                "phi3",
                "spm-bpe-legacy",
                &roles,
                json!({"legacy": false}),
                Some(json!({"model_type": "phi3"})),
            ),
            None,
            "role_tokens.jinja",
        ),
        (
            variant(
                "gpt2",
                "bpe-llama3",
                &[],
                json!({"tokenizer_class": "GPT2Tokenizer"}),
                None,
            ),
            Some("GPT2Tokenizer"),
            "llama3.jinja",
        ),
        (
            variant(
                "gpt2-phi4",
                "bpe-llama3",
                &[],
                json!({"tokenizer_class": "GPT2Tokenizer"}),
                Some(json!({"model_type": "phi3"})),
            ),
            None,
            "llama3.jinja",
        ),
        (
            variant(
                "gpt2-prefix",
                "bpe-chatml",
                &[],
                json!({"tokenizer_class": "GPT2TokenizerFast", "add_prefix_space": true}),
                None,
            ),
            Some("GPT2Tokenizer"),
            "chatml_qwen.jinja",
        ),
        (
            variant(
                "llama-bytelevel",
                "bpe-llama3",
                &[],
                json!({"tokenizer_class": "LlamaTokenizerFast"}),
                None,
            ),
            None,
            "llama3.jinja",
        ),
        (
            variant(
                "qwen2",
                "bpe-llama3",
                &[],
                json!({"tokenizer_class": "Qwen2Tokenizer"}),
                Some(json!({"model_type": "qwen2"})),
            ),
            Some("Qwen2Tokenizer"),
            "llama3.jinja",
        ),
        (
            variant(
                "neox",
                "bpe-llama3",
                &[],
                json!({"tokenizer_class": "GPTNeoXTokenizer"}),
                None,
            ),
            Some("GPTNeoXTokenizer"),
            "llama3.jinja",
        ),
    ];
    let models: Vec<Model> = cases
        .iter()
        .map(|(dir, _, tpl)| load(dir, Some(&template(tpl))).expect("loads"))
        .collect();
    for ((dir, class, _), model) in cases.iter().zip(&models) {
        assert_eq!(model.rebuilt_as(), *class, "{}", dir.display());
    }
    // LlamaTokenizer's Metaspace leaves the space a text starts with as its `▁`; the file's
    // normaliser adds one more (as transformers counts it, below).
    let leading = " Leading space text.";
    assert_eq!(
        models[0].count_text(leading) + 1,
        models[4].count_text(leading)
    );
    // GPT2Tokenizer splits as GPT-2 does: line breaks are no piece of their own.
    let code = "def add(a, b):\n    return a + b\n\nprint";
    assert_ne!(models[6].count_text(code), models[7].count_text(code));

    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let mut rng = Rng(2031);
    let mut lines: Vec<String> = (0..40)
        .map(|_| random_example(&mut rng).to_string())
        .collect();
    for content in [
        leading,
        "  two spaces",
        "</s> after a special token",
        "<s>",
        "<|end|> Answer.",
        "In 1234567 days\n\n\nnaïve",
        code,
    ] {
        lines.push(
            json!({"messages": [{"role": "system", "content": content}, {"role": "user", "content": content}, {"role": "assistant", "content": content}]})
                .to_string(),
        );
    }
    let pairs: Vec<(PathBuf, PathBuf)> = cases
        .iter()
        .map(|(dir, _, tpl)| (dir.clone(), template(tpl)))
        .collect();
    let expected = oracle_counts(&python, &lines, &pairs);
    let settings: Vec<Settings> = models.into_iter().map(settings_with).collect();
    let mut wrong = Vec::new();
    for row in expected.lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        let pair: usize = cells[0].parse().expect("pair");
        let i: usize = cells[1].parse().expect("line");
        let want = oracle_totals(row)[0];
        let got = count_tokens(&lines[i], &settings[pair]).map(|t| (t.total, t.trainable));
        if got != want {
            wrong.push(format!(
                "{}: line {}: tunelint {got:?}, transformers {want:?}\n  {}",
                pairs[pair].0.display(),
                i + 1,
                lines[i]
            ));
        }
    }
    assert_eq!(expected.lines().count(), lines.len() * pairs.len());
    assert!(
        wrong.is_empty(),
        "{} counts differ:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(8)].join("\n")
    );

    // Plain text: `tokenizer(text + eos_token)`, with the post-processor's BOS, and the EOS
    // the class defaults to (GPT2Tokenizer's `<|endoftext|>` when the files name none).
    let texts: Vec<String> = [
        leading,
        "Hello world",
        "<s> [INST] Hi [/INST]",
        " <|end|> x",
        "In 1234567 days",
        code,
    ]
    .iter()
    .map(|t| json!({ "text": t }).to_string())
    .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("texts.jsonl");
    std::fs::write(&input, texts.join("\n") + "\n").expect("write");
    let output = dir.path().join("texts.tsv");
    let out = Process::new(&python)
        .arg(fixtures().join("oracle.py"))
        .args(["text".as_ref(), input.as_os_str(), output.as_os_str()])
        .args(cases.iter().map(|(d, _, _)| d.as_os_str()))
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "oracle.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wrong = Vec::new();
    for row in std::fs::read_to_string(&output).expect("read").lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        let (m, i): (usize, usize) = (cells[0].parse().expect("m"), cells[1].parse().expect("i"));
        let want: u64 = cells[2].parse().expect("total");
        let got = count_tokens(&texts[i], &settings[m]).map(|t| t.total);
        if got != Some(want) {
            wrong.push(format!(
                "{}: {}: tunelint {got:?}, transformers {want}",
                cases[m].0.display(),
                texts[i]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "plain texts differ:\n{}",
        wrong.join("\n")
    );
}

/// The model-type tables `transformers`' choice of a tokenizer class goes by
/// (`src/tokens/tokenizer_class.rs`) are those of the `transformers` CI pins.
#[test]
fn model_type_tables_match_transformers() {
    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let script = r#"
import json
from transformers.models.auto import tokenization_auto as ta
generic = {"TokenizersBackend", "PythonBackend", "PreTrainedTokenizerFast", "MistralCommonBackend"}
built = {"LlamaTokenizer", "GPT2Tokenizer", "Qwen2Tokenizer", "GPTNeoXTokenizer"}
names = ta.TOKENIZER_MAPPING_NAMES
print(json.dumps({
    "generic": sorted(t for t, c in names.items() if c and c.removesuffix("Fast") in generic),
    "distrusted": sorted([t, names[t]] for t in ta.MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS
                         if names.get(t) and names[t].removesuffix("Fast") not in generic),
    "classes": sorted([t, c] for t, c in names.items() if c and c.removesuffix("Fast") in built),
}))
"#;
    let out = Process::new(&python)
        .args(["-c", script])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    use tunelint::tokens::tokenizer_class::{
        DISTRUSTED_MODEL_TYPES, GENERIC_MODEL_TYPES, MODEL_TYPE_CLASSES,
    };
    let pairs = |table: &[(&str, &str)]| {
        serde_json::json!(table.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>())
    };
    assert_eq!(
        want["generic"],
        serde_json::json!(GENERIC_MODEL_TYPES.as_slice())
    );
    assert_eq!(want["distrusted"], pairs(&DISTRUSTED_MODEL_TYPES));
    assert_eq!(want["classes"], pairs(&MODEL_TYPE_CLASSES));
}

/// TRL's trainers call `apply_chat_template(messages, tools=json.loads(tools) if tools is a
/// string, **example.get("chat_template_kwargs", {}))`: a record's template arguments
/// (Qwen3's `enable_thinking`, Llama 3's `date_string`, a special token) reach the template,
/// and Hub datasets' `tools` kept as JSON text are rendered as the definitions they hold.
/// Without a target tunelint counts as TRL does; compared with `transformers` called so. A
/// string or `null` in place of the arguments stops the trainer: T003 says so; tools text that
/// is not JSON stops it too, which S010 reports (and the example is not counted).
#[test]
fn chat_template_kwargs_and_tools_text_reach_the_template_as_trl_passes_them() {
    use serde_json::json;
    let tools = json!([{"type": "function", "function": {"name": "lookup", "description": "Looks a word up", "parameters": {"type": "object", "properties": {"word": {"type": "string"}}}}}]);
    let turns = json!([{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4."}]);
    let with = |extra: serde_json::Value| {
        let mut record = json!({"messages": turns});
        for (k, v) in extra.as_object().expect("object") {
            record[k] = v.clone();
        }
        record
    };
    let records = [
        with(json!({})),
        with(json!({"chat_template_kwargs": {"enable_thinking": false}})),
        with(
            json!({"chat_template_kwargs": {"date_string": "1 Jan 2030", "enable_thinking": true}}),
        ),
        with(json!({"chat_template_kwargs": {"bos_token": "<|endoftext|>"}})),
        with(json!({"chat_template_kwargs": {}})),
        with(json!({"tools": tools})),
        with(json!({"tools": tools.to_string()})),
        with(
            json!({"tools": tools.to_string(), "chat_template_kwargs": {"enable_thinking": false}}),
        ),
        with(json!({"chat_template_kwargs": {"tools": tools}})),
        with(json!({"tools": "[{\"type\": \"function\", \"function\": "})),
        with(json!({"chat_template_kwargs": "{\"enable_thinking\": false}"})),
        with(json!({"chat_template_kwargs": null})),
    ];
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    let tpl = template("template_kwargs.jinja");
    let model = load(&tokenizer("bpe-chatml"), Some(&tpl)).expect("loads");
    let mut settings = settings_with(model);
    let got: Vec<Option<(u64, u64)>> = lines
        .iter()
        .map(|l| count_tokens(l, &settings).map(|t| (t.total, t.trainable)))
        .collect();
    // Without the arguments the answer thinks: more tokens; the tools text is the tools.
    assert!(
        got[1].unwrap_or_default().0 < got[0].unwrap_or_default().0,
        "{got:?}"
    );
    assert_eq!(got[6], got[5], "tools as JSON text count as the tools");
    assert_eq!(got[8], got[5], "chat_template_kwargs' tools are the tools");
    assert_eq!(&got[9..], [None, None, None], "the trainer stops");

    // axolotl takes the template's arguments from its own config, and decodes tools text too.
    settings.target = tunelint::target::lookup("axolotl");
    let plain = count_tokens(&lines[1], &settings).map(|t| (t.total, t.trainable));
    assert_eq!(plain, got[0]);
    let decoded = count_tokens(&lines[6], &settings).map(|t| (t.total, t.trainable));
    assert_eq!(decoded, got[5]);
    // Unsloth's `example.get("chat_template_kwargs") or {}`: null is no arguments.
    settings.target = tunelint::target::lookup("unsloth");
    let none = count_tokens(&lines[11], &settings).map(|t| (t.total, t.trainable));
    assert_eq!(none, got[0]);

    // What T003 says, through the binary; tools text that is not JSON is S010's.
    let dir = project(
        "template_kwargs.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\n",
        &records[9..],
    );
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T,S010", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let said: Vec<&str> = stdout.lines().collect();
    assert!(
        !said
            .iter()
            .any(|l| l.starts_with("train.jsonl:1:") && l.contains("T003")),
        "S010 alone says the tools text is no JSON\n{stdout}"
    );
    for (line, start, end) in [
        (
            1,
            "S010 \"tools\" is a string that is not valid JSON (",
            ")",
        ),
        (
            2,
            "T003 \"chat_template_kwargs\" is a string, not an object: TRL unpacks it into apply_chat_template's arguments (**) and fails",
            "; the trainer's preprocessing would stop here",
        ),
        (
            3,
            "T003 \"chat_template_kwargs\" is null, not an object",
            "stop here",
        ),
    ] {
        let prefix = format!("train.jsonl:{line}:");
        assert!(
            said.iter()
                .any(|l| l.starts_with(&prefix) && l.contains(start) && l.ends_with(end)),
            "line {line}: {start}\n{stdout}"
        );
    }

    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let expected = oracle_counts(&python, &lines, &[(tokenizer("bpe-chatml"), tpl)]);
    assert_eq!(got, oracle_totals(&expected), "tunelint, then transformers");
}

/// Python's string methods, `|int`/`|float` of text, `is callable`, `%` formatting and tuple
/// printing in chat templates (`tests/fixtures/hf/python_methods.json`): tunelint renders each
/// as the fixture says, and so does Jinja2 as `transformers` sets it up (its sandbox, filters
/// and globals), each case a text or, in both, an error.
#[test]
fn python_methods_render_as_jinja2_renders_them() {
    use tunelint::tokens::template::ChatTemplate;
    let path = fixtures().join("python_methods.json");
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    // In their order (Python's dicts keep it, and `.items()` shows it).
    let messages: Vec<minijinja::Value> = fixture["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            let map: indexmap::IndexMap<minijinja::Value, minijinja::Value> = ["role", "content"]
                .into_iter()
                .map(|k| (k.into(), m[k].as_str().expect("text").into()))
                .collect();
            minijinja::Value::from(map)
        })
        .collect();
    let messages = minijinja::Value::from(messages);
    let cases = fixture["cases"].as_array().expect("cases");
    for case in cases {
        let t = case["template"].as_str().expect("template");
        let got = ChatTemplate::new(t, "case".into())
            .and_then(|c| c.render(&messages, None, false, &[], &[], 1 << 26))
            .map(|r| r.text);
        assert_eq!(
            got.as_ref().ok().map(String::as_str),
            case["text"].as_str(),
            "{t}: {got:?}"
        );
    }

    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let job = path;
    let output = dir.path().join("rendered.json");
    let out = Process::new(&python)
        .arg(fixtures().join("oracle.py"))
        .args(["render".as_ref(), job.as_os_str(), output.as_os_str()])
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "oracle.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rendered: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).expect("read")).expect("json");
    for (case, jinja2) in cases.iter().zip(rendered.as_array().expect("list")) {
        assert_eq!(
            case["text"], jinja2["text"],
            "the fixture says what Jinja2 renders: {case} vs {jinja2}"
        );
    }
}

/// A normaliser of real steps that multiply a text a little (Llama 2's `Prepend("▁")` and
/// `Replace(" ", "▁")`, a few more of the same) is within the limits of a whole Sequence.
#[test]
fn a_normalizer_of_ordinary_steps_is_used() {
    let dir = project(
        "chatml_qwen.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\n",
        &[long_answer(3)],
    );
    let path = dir.path().join("models/chat/tokenizer.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    doc["normalizer"] = serde_json::json!({"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "▁"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        {"type": "Replace", "pattern": {"String": "``"}, "content": "\""},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        {"type": "NFKC"}]});
    std::fs::write(&path, doc.to_string()).expect("write");
    let out = tunelint(dir.path())
        .args(["check", "--token-stats", "train.jsonl"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// transformers clears a tokenizer.json's `padding` and `truncation` when it encodes without
/// asking for them, as `apply_chat_template(tokenize=True)` and TRL's `tokenizer(text)` do
/// (transformers 5.24: the same 42 tokens for a conversation as without them). tunelint cut the
/// count at the file's `max_length` and padded it to a `Fixed` length (10^8 tokens for each
/// example took all memory).
#[test]
fn padding_and_truncation_in_tokenizer_json_are_ignored_as_transformers_does() {
    let lines = [long_answer(3), long_answer(40)];
    let plain = project(
        "chatml_qwen.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\n",
        &lines,
    );
    let stats = |dir: &Path| {
        let out = tunelint(dir)
            .args(["stats", "--format", "json", "train.jsonl"])
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")["summary"]["tokens"]
            .clone()
    };
    let want = stats(plain.path());
    assert!(want["total"].as_u64().is_some_and(|t| t > 100), "{want}");
    let padded = project(
        "chatml_qwen.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\n",
        &lines,
    );
    let path = padded.path().join("models/chat/tokenizer.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    doc["padding"] = serde_json::json!({"strategy": {"Fixed": 100_000_000}, "direction": "Right",
        "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "<|im_end|>"});
    doc["truncation"] = serde_json::json!({"direction": "Right", "max_length": 3,
        "strategy": "LongestFirst", "stride": 0});
    std::fs::write(&path, doc.to_string()).expect("write");
    assert_eq!(stats(padded.path()), want);
}

/// Examples whose renders each make more text than they may (a template that repeats the
/// message 10,000 times): the first eight T003s say so, and once the template is given up the
/// later ones say why the eight were stopped. They said "it does more work than tunelint
/// allows", as if out of steps, from the fifth on: with the token statistics each stopped
/// example was rendered twice (once for the statistics, once more for T003) and counted twice.
#[test]
fn a_template_given_up_says_why_its_renders_were_stopped() {
    let lines: Vec<serde_json::Value> = (0..10)
        .map(|i| {
            serde_json::json!({"messages": [
                {"role": "user", "content": format!("word{i} ").repeat(2000)},
                {"role": "assistant", "content": "This is a fine answer to that."}]})
        })
        .collect();
    let dir = project(
        "chatml_qwen.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\n",
        &lines,
    );
    std::fs::write(
        dir.path().join("models/chat/chat_template.jinja"),
        "{% for i in range(10000) %}{{ messages[0].content }}{% endfor %}",
    )
    .expect("write");
    for stats in [true, false] {
        let mut args = vec![
            "check", "--format", "concise", "--select", "T", "--jobs", "1",
        ];
        if stats {
            args.push("--token-stats");
        }
        args.push("train.jsonl");
        let out = tunelint(dir.path()).args(&args).output().expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let t003: Vec<&str> = stdout.lines().filter(|l| l.contains(" T003 ")).collect();
        assert_eq!(t003.len(), 10, "{stdout}");
        for (i, line) in t003.iter().enumerate() {
            let expected = if i < 8 {
                "it makes more than 4 MB of text for this example"
            } else {
                "tunelint no longer runs it: it was stopped on 8 examples before this one, each making more text than tunelint allows one example"
            };
            assert!(
                line.contains(expected),
                "--token-stats {stats}, line {i}: {line}"
            );
            assert!(!line.contains("8 million steps"), "{line}");
        }
    }
}

/// A chat template with a chain of 50,000 operators in one tag (`not not ...`) overflowed the
/// stack while the config loaded: every command died (exit 134). It is now an error naming
/// the file and line (exit 2), and a chain of 1000 is counted as usual.
#[test]
fn a_template_with_a_chain_too_long_to_compile_is_a_clear_error() {
    for (n, refused) in [(50_000, true), (997, false)] {
        let dir = project(
            "chatml_qwen.jinja",
            "[tokens]\ntokenizer = \"models/chat\"\n",
            &[long_answer(3)],
        );
        let template = format!(
            "{{% for m in messages %}}<|im_start|>{{{{ m.role }}}}\n{{{{ m.content }}}}<|im_end|>\n{{% endfor %}}\n{{% if {}true %}}{{% endif %}}",
            "not ".repeat(n)
        );
        std::fs::write(dir.path().join("models/chat/chat_template.jinja"), template)
            .expect("write");
        for command in ["check", "stats"] {
            let out = tunelint(dir.path())
                .args([command, "--token-stats", "train.jsonl"])
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            if refused {
                assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
                assert!(
                    stderr.contains("chat template models/chat/chat_template.jinja, line 4 does not compile: a tag has 50001 operators"),
                    "{stderr}"
                );
            } else {
                assert_eq!(out.status.code(), Some(0), "{command}: {stderr}");
            }
        }
    }
}

/// With a model's chat template, T001 points at the largest message, never at `tools`: a
/// template that does not render them (an `[INST]` template) counts the same with or without
/// them, so the tool definitions are not what makes the example too long.
#[test]
fn t001_with_a_models_template_points_at_the_largest_message_not_the_tools() {
    let tools: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            serde_json::json!({"type": "function", "function": {
                "name": format!("lookup_{i}"),
                "description": format!("Looks up record number {i} in the archive."),
                "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
            }})
        })
        .collect();
    let messages = serde_json::json!([
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Sure."},
        {"role": "user", "content": "Tell me about refunds. ".repeat(60)},
    ]);
    let with_tools = serde_json::json!({"messages": messages, "tools": tools});
    let without = serde_json::json!({"messages": messages});
    let dir = project(
        "inst.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\nmax_length = 200\n",
        &[with_tools, without],
    );
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T001", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains(" T001 ")).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for line in &lines {
        assert!(
            line.contains("the largest message is #3 (user)"),
            "{stdout}"
        );
        assert!(!line.contains("tool definitions"), "{stdout}");
    }
    // The same count with and without the tools the template ignores.
    let count = |l: &str| {
        l.split(" tokens ")
            .next()
            .map(|s| s.rsplit(' ').next().map(str::to_owned))
    };
    assert_eq!(count(lines[0]), count(lines[1]), "{stdout}");
}

/// A chat template with Windows line endings, as a `chat_template.jinja` checked out with
/// git's `autocrlf` or a `tokenizer_config.json` template written on Windows has them, renders
/// `\n` where it says `\r\n` (or a lone `\r`): Jinja2's lexer makes every line break `\n`
/// before it reads a template (in text, string literals and raw blocks, and before
/// `trim_blocks` looks for one), and `transformers` reads `.jinja` files with universal
/// newlines. The count is that of the same template with `\n`, and `transformers`'.
#[test]
fn a_template_with_crlf_line_endings_counts_as_with_lf() {
    use serde_json::json;
    let lf = "{% for m in messages %}\n<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}\n{{ 'end\nof\nchat' }}{% raw %}<\n>{% endraw %}\n";
    let crlf = lf.replace('\n', "\r\n");
    // A lone `\r` (old Mac line endings) is a line break to Jinja2 too.
    let cr = lf.replace('\n', "\r");
    let dir = tempfile::tempdir().expect("tempdir");
    let model = |name: &str, jinja: Option<&str>, config: Option<&str>| {
        let m = dir.path().join(name);
        std::fs::create_dir_all(&m).expect("mkdir");
        std::fs::copy(
            tokenizer("bpe-chatml").join("tokenizer.json"),
            m.join("tokenizer.json"),
        )
        .expect("copy");
        let mut cfg: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tokenizer("bpe-chatml").join("tokenizer_config.json"))
                .expect("read"),
        )
        .expect("json");
        if let Some(t) = config {
            cfg["chat_template"] = json!(t);
        }
        std::fs::write(m.join("tokenizer_config.json"), cfg.to_string()).expect("write");
        if let Some(t) = jinja {
            std::fs::write(m.join("chat_template.jinja"), t).expect("write");
        }
        m
    };
    let models = [
        model("lf", None, Some(lf)),
        model("crlf-jinja", Some(&crlf), None),
        model("crlf-config", None, Some(&crlf)),
        model("cr-config", None, Some(&cr)),
    ];
    let lines: Vec<String> = [
        json!({"messages": [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi there!"}]}),
        json!({"messages": [{"role": "user", "content": "a\r\nb"}, {"role": "assistant", "content": "c"}]}),
    ]
    .iter()
    .map(|e| e.to_string())
    .collect();
    let got: Vec<Vec<Option<(u64, u64)>>> = models
        .iter()
        .map(|m| {
            let settings = settings_with(load(m, None).expect("loads"));
            lines
                .iter()
                .map(|l| count_tokens(l, &settings).map(|t| (t.total, t.trainable)))
                .collect()
        })
        .collect();
    for (m, counts) in models.iter().zip(&got).skip(1) {
        assert_eq!(counts, &got[0], "{} counts as the LF template", m.display());
    }
    // The record's own `\r\n` is data, not the template's, and is counted as written.
    assert!(got[0][1].is_some(), "{got:?}");

    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let pairs: Vec<(PathBuf, PathBuf)> = models
        .iter()
        .map(|m| (m.clone(), PathBuf::from("-")))
        .collect();
    let expected = oracle_totals(&oracle_counts(&python, &lines, &pairs));
    let got: Vec<Option<(u64, u64)>> = got.into_iter().flatten().collect();
    assert_eq!(got, expected, "tunelint, then transformers");
}

/// The `chat_template_kwargs` entries that are `apply_chat_template`'s own parameters, as TRL
/// passes them (`_tokenize(processing_class, messages, return_assistant_tokens_mask=...,
/// **{"chat_template": ..., "tools": ..., **kwargs})`, then `apply_chat_template(input,
/// tokenize=True, return_dict=True, **kwargs)`): `add_generation_prompt` renders the
/// generation prompt after the example; `messages`, `tokenize`, `return_dict` and the other
/// names TRL passes itself fail with a TypeError, and `continue_final_message` with
/// `add_generation_prompt` with a ValueError (the trainer stops: T003); `padding: true` and a
/// lone `max_length` change nothing. What tunelint does not do (`continue_final_message`, a
/// record's own `chat_template`, `truncation`) is said, not counted otherwise. Compared with
/// `transformers` when it is at hand.
#[test]
fn chat_template_kwargs_that_are_call_parameters_act_as_in_trl() {
    use serde_json::json;
    let turns = json!([{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4."}]);
    let with =
        |kwargs: serde_json::Value| json!({"messages": turns, "chat_template_kwargs": kwargs});
    let records = [
        json!({"messages": turns}),
        with(json!({"add_generation_prompt": true})),
        with(json!({"add_generation_prompt": true, "enable_thinking": false})),
        with(json!({"add_generation_prompt": false, "continue_final_message": false})),
        with(json!({"padding": true, "max_length": 3})),
        with(json!({"messages": turns})),
        with(json!({"tokenize": false})),
        with(json!({"return_dict": false})),
        with(json!({"return_assistant_tokens_mask": true})),
        with(json!({"add_generation_prompt": true, "continue_final_message": true})),
    ];
    let cannot = [
        with(json!({"continue_final_message": true})),
        with(json!({"chat_template": "{{ messages[0].content }}"})),
        with(json!({"truncation": true, "max_length": 3})),
    ];
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    let tpl = template("template_kwargs.jinja");
    let settings = settings_with(load(&tokenizer("bpe-chatml"), Some(&tpl)).expect("loads"));
    let got: Vec<Option<(u64, u64)>> = lines
        .iter()
        .map(|l| count_tokens(l, &settings).map(|t| (t.total, t.trainable)))
        .collect();
    let plain = got[0].expect("counted");
    // `<|im_start|>assistant\n` after the example, none of it trained.
    let prompted = got[1].expect("counted");
    assert!(prompted.0 > plain.0 && prompted.1 == plain.1, "{got:?}");
    assert_eq!(got[3], got[0], "false is no generation prompt");
    assert_eq!(got[4], got[0], "one sequence is not padded");
    assert_eq!(&got[5..], [None; 5], "the trainer stops");
    for line in cannot.iter().map(|r| r.to_string()) {
        assert_eq!(
            count_tokens(&line, &settings).map(|t| t.total),
            None,
            "{line}"
        );
    }

    // What T003 says, through the binary.
    let all: Vec<serde_json::Value> = records[5..].iter().chain(&cannot).cloned().collect();
    let dir = project(
        "template_kwargs.jinja",
        "[tokens]\ntokenizer = \"models/chat\"\n",
        &all,
    );
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--select", "T", "train.jsonl"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (line, text) in [
        (
            1,
            "T003 \"chat_template_kwargs\" has \"messages\", which TRL passes itself on the way to the chat template: Python fails with TypeError (got multiple values for keyword argument 'messages'); the trainer's preprocessing would stop here",
        ),
        (2, "has \"tokenize\""),
        (3, "has \"return_dict\""),
        (4, "has \"return_assistant_tokens_mask\""),
        (
            5,
            "T003 \"chat_template_kwargs\" sets both continue_final_message and add_generation_prompt, which apply_chat_template refuses (ValueError: continue_final_message and add_generation_prompt are not compatible); TRL fails; the trainer's preprocessing would stop here",
        ),
        (
            6,
            "T003 \"chat_template_kwargs\" sets continue_final_message: apply_chat_template ends the text inside the final message, which tunelint does not do, so this example's tokens are not counted (the trainer renders it)",
        ),
        (
            7,
            "T003 \"chat_template_kwargs\" has its own \"chat_template\", which the trainer renders this example with; tunelint counts with the model's template only, so this example's tokens are not counted",
        ),
        (
            8,
            "T003 \"chat_template_kwargs\" sets \"truncation\", which changes how apply_chat_template tokenizes the example; tunelint tokenizes without it, so",
        ),
    ] {
        let prefix = format!("train.jsonl:{line}:");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(text)),
            "line {line}: {text}\n{stdout}"
        );
    }
    assert_eq!(stdout.matches(" T003 ").count(), 8, "{stdout}");

    let Some(python) = python_with_transformers() else {
        eprintln!(
            "note: no Python with transformers and mistral-common (set TUNELINT_HF_PYTHON); the comparison is skipped"
        );
        return;
    };
    let expected = oracle_counts(&python, &lines, &[(tokenizer("bpe-chatml"), tpl)]);
    assert_eq!(got, oracle_totals(&expected), "tunelint, then transformers");
}
