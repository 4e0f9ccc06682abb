// Parses Mermaid diagrams with Mermaid itself (mermaid.parse, the parser GitHub's renderer
// runs), in Node with jsdom standing in for the browser's DOM.
//
//   node .ci/mermaid-parse.mjs FILE...    each FILE holds one diagram; prints "ok TYPE" per
//                                         file, or the parse error, and exits 1 on any error
//   node .ci/mermaid-parse.mjs --self-test
//
// Mermaid and jsdom come from .ci/.npm-tools (.ci/mermaid.sh installs them) or the
// directory in TUNELINT_MERMAID_DIR.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tools = process.env.TUNELINT_MERMAID_DIR || join(here, '.npm-tools');
const load = (p) => import(pathToFileURL(join(tools, 'node_modules', p)).href);

const { JSDOM } = await load('jsdom/lib/api.js');
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await load('mermaid/dist/mermaid.core.mjs');
mermaid.initialize({ startOnLoad: false });

async function parse(text) {
    try {
        const r = await mermaid.parse(text);
        return { ok: true, type: r.diagramType };
    } catch (e) {
        return { ok: false, error: String(e && e.message ? e.message : e) };
    }
}

const args = process.argv.slice(2);
let failed = false;
if (args[0] === '--self-test') {
    // The parser must accept a good chart and refuse a broken one, or it checks nothing.
    const good = await parse('xychart-beta\n    x-axis ["a", "b"]\n    bar [1, 2]\n');
    const bad = await parse('xychart-beta\n    x-axis ["a", "b"\n    bar [1, ]\n');
    if (!good.ok || bad.ok) {
        console.error('mermaid self-test failed', good, bad);
        process.exit(1);
    }
    console.log('mermaid parser ok');
} else {
    for (const file of args) {
        const r = await parse(readFileSync(file, 'utf8'));
        if (r.ok) {
            console.log(`ok ${r.type} ${file}`);
        } else {
            failed = true;
            console.log(`error ${file}: ${r.error.split('\n').join(' / ')}`);
        }
    }
}
process.exit(failed ? 1 : 0);
