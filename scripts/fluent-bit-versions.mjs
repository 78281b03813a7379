#!/usr/bin/env node
/**
 * Generates src/config/versions/fluent-bit-options.json: for each Fluent Bit release logferry
 * targets, which plugins exist, which keys each plugin, the common plugin keys, [SERVICE],
 * [PARSER] and [MULTILINE_PARSER] accept (type, default, may repeat), and which YAML sections the
 * YAML reader knows. It reads git objects of a Fluent Bit clone only (`git ls-tree`, `git cat-file`),
 * never checks a tag out and never builds anything.
 *
 *   node scripts/fluent-bit-versions.mjs [--repo /work/fb-src] [--out src/config/versions/fluent-bit-options.json]
 *
 * What is read, per tag:
 * - plugins/<dir>/*.{c,h}: each `struct flb_<kind>_plugin x = { .name = "...", .config_map = m }` and
 *   the `struct flb_config_map m[] = { {FLB_CONFIG_MAP_<TYPE>, "key", default, flags, ...}, ... }`
 *   arrays, with `#define`d strings and function-like macros (FLB_AWS_CREDENTIAL_BASE_CONFIG_MAP)
 *   expanded from the plugin's files and include/fluent-bit.
 * - src/flb_input.c, flb_filter.c, flb_output.c: the keys their set_property functions take
 *   (`prop_key_check("tag", ...)`), their global config maps, and the `net.` keys (checked against
 *   the config maps of src/flb_upstream.c / flb_downstream.c) and `oauth2.` keys (src/flb_oauth2.c).
 * - src/flb_config.c: `service_configs[]`, keys from include/fluent-bit/flb_config.h.
 * - src/flb_parser.c: the keys `get_parser_key(..., "key")` reads, by function ([PARSER] or
 *   [MULTILINE_PARSER]), and src/flb_parser_decoder.c's decoder keys.
 * - src/config_format/flb_cf_yaml.c: the YAML section names the reader knows.
 *
 * What it cannot read is listed in the output's `notes` (e.g. a config map entry whose key is not a
 * string it can resolve).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const TAGS = ['v1.9.10', 'v2.0.14', 'v2.1.10', 'v2.2.3', 'v3.0.7', 'v3.1.10', 'v3.2.10', 'v4.0.14', 'v4.1.2', 'v4.2.8', 'v5.0.9', 'v5.1.1'];
const KINDS = ['input', 'filter', 'output', 'processor', 'custom'];
const YAML_SECTIONS = ['env', 'includes', 'service', 'pipeline', 'inputs', 'filters', 'outputs', 'processors', 'routes', 'parsers', 'multiline_parsers', 'customs', 'plugins', 'upstream_servers', 'stream_processor'];

const { values: args } = parseArgs({ options: { repo: { type: 'string', default: '/work/fb-src' }, out: { type: 'string', default: 'src/config/versions/fluent-bit-options.json' } } });
const REPO = args.repo;

function git(...argv) {
  return execFileSync('git', ['-C', REPO, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** Reads many blobs at once through one `git cat-file --batch`. */
function readBlobs(shas) {
  const unique = [...new Set(shas)];
  const out = spawnSync('git', ['-C', REPO, 'cat-file', '--batch'], { input: unique.join('\n') + '\n', maxBuffer: 2 ** 31 }).stdout;
  const texts = new Map();
  let pos = 0;
  for (const sha of unique) {
    const nl = out.indexOf(10, pos);
    const header = out.subarray(pos, nl).toString();
    const size = Number(header.split(' ')[2]);
    texts.set(sha, out.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    pos = nl + 1 + size + 1;
  }
  return texts;
}

/** Files of a tag under some folders: path -> sha. */
function tree(tag, paths) {
  const files = new Map();
  for (const line of git('ls-tree', '-r', tag, '--', ...paths).split('\n')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (m && /\.(c|h|h\.in)$/.test(m[2])) files.set(m[2], m[1]);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// A small C reader: comments out, #defines collected, initializers split at top-level commas.

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|("(?:\\.|[^"\\\n])*")/g, (m, str) => (str ? str : ' '));
}

/** Conditions taken as false: a Linux build (the official images); every other `#if` is taken as true. */
const OTHER_SYSTEM = /WINDOWS|_WIN32|__APPLE__|MACOS|__FreeBSD__/;

/**
 * Comments out and `#if` blocks resolved for a default Linux build: the branch a Linux build
 * compiles is kept, directive lines are dropped (`#define`s are read by `defines` from the raw text).
 */
function preprocess(text) {
  const out = [];
  const stack = []; // { active, taken, parentActive }
  const active = () => stack.every((s) => s.active);
  for (const line of stripComments(text).replace(/\\\r?\n/g, ' ').split('\n')) {
    const d = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$/.exec(line);
    if (!d) {
      if (!/^\s*#/.test(line) && active()) out.push(line);
      continue;
    }
    const [, word, rest] = d;
    const holds = word === 'ifndef' ? !OTHER_SYSTEM.test(rest) : !OTHER_SYSTEM.test(rest) || /^\s*!/.test(rest);
    if (word === 'ifdef' || word === 'ifndef' || word === 'if') stack.push({ active: holds, taken: holds });
    else if (word === 'elif' && stack.length) {
      const top = stack[stack.length - 1];
      top.active = !top.taken && holds;
      top.taken ||= holds;
    } else if (word === 'else' && stack.length) {
      const top = stack[stack.length - 1];
      top.active = !top.taken;
      top.taken = true;
    } else if (word === 'endif') stack.pop();
  }
  return out.join('\n');
}

/** `#define NAME value` and `#define NAME(a, b) body`, continuation lines joined. */
function defines(text, into) {
  const joined = stripComments(text).replace(/\\\r?\n/g, ' ');
  for (const m of joined.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)(\(([^)]*)\))?[ \t]*(.*)$/gm)) {
    into.set(m[1], m[2] ? { params: m[3].split(',').map((p) => p.trim()).filter(Boolean), body: m[4].trim() } : { body: m[4].trim() });
  }
  return into;
}

/** Splits `text` at commas outside (), {}, [] and string literals. */
function splitTop(text) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '') parts.push(last);
  return parts;
}

/** Index just after the brace that closes the one at `open`. */
function closeBrace(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return text.length;
}

/** Names read as they are written: config map types and flags (they are numbers once expanded). */
const KEEP = /^FLB_CONFIG_MAP_|^FLB_CONF_TYPE_/;

/** Replaces object-like macros and expands function-like ones in `text` (a few rounds). */
function expand(text, defs) {
  for (let round = 0; round < 6; round++) {
    let changed = false;
    text = text.replace(/("(?:\\.|[^"\\])*")|\b([A-Za-z_]\w*)\b(\s*\()?/g, (m, str, name, paren, offset, whole) => {
      if (str) return m;
      const d = KEEP.test(name) ? undefined : defs.get(name);
      if (!d) return m;
      if (!d.params) {
        if (d.body === '' ) return m;
        changed = true;
        return d.body + (paren ?? '');
      }
      if (!paren) return m;
      return m; // function-like: handled below, it needs the argument list
    });
    // Function-like macros.
    const re = /\b([A-Za-z_]\w*)\s*\(/g;
    let m;
    while ((m = re.exec(text))) {
      const d = defs.get(m[1]);
      if (!d?.params) continue;
      const open = m.index + m[0].length - 1;
      let depth = 0;
      let end = open;
      for (; end < text.length; end++) {
        if (text[end] === '(') depth++;
        else if (text[end] === ')' && --depth === 0) break;
      }
      const actual = splitTop(text.slice(open + 1, end));
      let body = d.body;
      d.params.forEach((p, i) => {
        // `#p` makes a string of the argument (STR_HELPER); `##` pastes it.
        body = body.replace(new RegExp(`(?<!#)#\\s*\\b${p}\\b`, 'g'), JSON.stringify(actual[i] ?? ''));
        body = body.replace(new RegExp(`##\\s*\\b${p}\\b|\\b${p}\\b\\s*##|\\b${p}\\b`, 'g'), actual[i] ?? '');
      });
      text = text.slice(0, m.index) + body + text.slice(end + 1);
      re.lastIndex = m.index;
      changed = true;
    }
    if (!changed) break;
  }
  return text;
}

/** The string a C expression of adjacent literals stands for, or undefined. */
function cString(expr) {
  const t = expr.trim();
  if (t === 'NULL' || t === '0' || t === '') return null;
  if (!/^("(?:\\.|[^"\\])*"\s*)+$/.test(t)) return undefined;
  return [...t.matchAll(/"((?:\\.|[^"\\])*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1')).join('');
}

/** The entries of one `struct flb_config_map name[] = {...}` body (already expanded). */
function configMapEntries(body, notes, where) {
  const entries = [];
  for (const item of splitTop(body)) {
    if (!item.startsWith('{')) {
      if (item !== '') notes.add(`${where}: could not read config map item '${item.slice(0, 60)}'`);
      continue;
    }
    const fields = splitTop(item.slice(1, item.lastIndexOf('}')));
    if (fields.length < 2 || fields[0] === '0') continue; // the {0} terminator
    const type = /FLB_CONFIG_MAP_(\w+)/.exec(fields[0])?.[1]?.toLowerCase();
    const name = cString(fields[1]);
    if (!type || typeof name !== 'string') {
      notes.add(`${where}: could not read config map entry '${item.replace(/\s+/g, ' ').slice(0, 80)}'`);
      continue;
    }
    const def = fields.length > 2 ? cString(fields[2].replace(/^\(\s*char\s*\*\s*\)/, '')) : null;
    if (def === undefined) notes.add(`${where}: default of '${name}' is not a string: ${fields[2].replace(/\s+/g, ' ').slice(0, 60)}`);
    const multiple = fields.length > 3 && /FLB_CONFIG_MAP_MULT/.test(fields[3]);
    entries.push({ key: name.toLowerCase(), type, default: def === undefined ? null : def, multiple });
  }
  return entries;
}

/** Every config map array of a text: name -> entries. */
function configMaps(text, defs, notes, where) {
  const maps = new Map();
  const clean = preprocess(text);
  for (const m of clean.matchAll(/struct\s+flb_config_map\s+(\w+)\s*\[\s*\w*\s*\]\s*=\s*\{/g)) {
    const open = m.index + m[0].length - 1;
    const body = clean.slice(open + 1, closeBrace(clean, open) - 1);
    maps.set(m[1], configMapEntries(expand(body, defs), notes, `${where} ${m[1]}`));
  }
  return maps;
}

// ---------------------------------------------------------------------------------------------

function readTag(tag, blobs, notes) {
  const plugins = tree(tag, ['plugins']);
  const core = tree(tag, ['src', 'include/fluent-bit']);
  const text = (files, path) => (files.has(path) ? blobs.get(files.get(path)) : undefined);
  const globalDefs = new Map();
  for (const [path, sha] of core) if (path.startsWith('include/')) defines(blobs.get(sha), globalDefs);

  const byDir = new Map();
  for (const path of plugins.keys()) {
    const dir = path.split('/')[1];
    if (!byDir.has(dir)) byDir.set(dir, []);
    byDir.get(dir).push(path);
  }
  const result = { plugins: Object.fromEntries(KINDS.map((k) => [k, {}])) };
  const httpServerPath = 'src/http_server/flb_http_server_config_map.c';
  const httpServerC = text(core, httpServerPath) ?? '';
  const httpServer = [...configMaps(httpServerC, defines(httpServerC, new Map(globalDefs)), notes, `${tag} ${httpServerPath}`).values()].flat();
  for (const [dir, paths] of byDir) {
    const defs = new Map(globalDefs);
    for (const p of paths) defines(blobs.get(plugins.get(p)), defs);
    const maps = new Map();
    for (const p of paths) for (const [n, e] of configMaps(blobs.get(plugins.get(p)), defs, notes, `${tag} ${p}`)) maps.set(`${p}:${n}`, e);
    for (const p of paths) {
      const src = preprocess(blobs.get(plugins.get(p)));
      for (const m of src.matchAll(/struct\s+flb_(input|filter|output|processor|custom)_plugin\s+\w+\s*=\s*\{/g)) {
        const open = m.index + m[0].length - 1;
        const body = src.slice(open, closeBrace(src, open));
        const nameExpr = /\.name\s*=\s*([^,\n]+)/.exec(body)?.[1];
        const name = nameExpr && cString(expand(nameExpr, defs));
        if (typeof name !== 'string') {
          notes.add(`${tag} ${p}: plugin name '${nameExpr}' not read`);
          continue;
        }
        const mapName = /\.config_map\s*=\s*(\w+)/.exec(body)?.[1];
        let keys;
        if (mapName && mapName !== 'NULL') {
          keys = maps.get(`${p}:${mapName}`) ?? [...maps].find(([k]) => k.endsWith(`:${mapName}`))?.[1];
          if (!keys) notes.add(`${tag} ${p}: config map '${mapName}' of ${m[1]} '${name}' not found`);
        }
        const flags = /\.flags\s*=\s*([^,}]+)/.exec(body)?.[1] ?? '';
        // Plugins flagged as HTTP servers (5.0+) take the keys of the core's HTTP server table too.
        if (keys && /FLB_(INPUT|OUTPUT)_HTTP_SERVER/.test(flags)) keys = [...keys, ...httpServer];
        result.plugins[m[1]][name] = { keys: keys ?? null, net: /FLB_(INPUT|OUTPUT)_NET|FLB_IO_TLS|FLB_IO_OPT_TLS/.test(flags) };
      }
    }
  }

  // Common keys of inputs, filters, outputs (and processors' own properties where a table exists).
  /** The config maps of a core file, with its own #defines on top of the headers'. */
  const coreMaps = (path) => {
    const src = text(core, path) ?? '';
    return configMaps(src, defines(src, new Map(globalDefs)), notes, `${tag} ${path}`);
  };
  const upstream = coreMaps('src/flb_upstream.c');
  const downstream = coreMaps('src/flb_downstream.c');
  const oauth2 = coreMaps('src/flb_oauth2.c');
  const first = (maps) => [...maps.values()][0] ?? [];
  const mapC = preprocess(text(core, 'src/flb_config_map.c') ?? '');
  result.common = {};
  result.prefixes = {};
  for (const kind of ['input', 'filter', 'output']) {
    const src = preprocess(text(core, `src/flb_${kind}.c`) ?? '');
    const keys = new Map();
    const literal = (key) => keys.set(key.toLowerCase(), { key: key.toLowerCase(), type: 'str', default: null, multiple: false });
    for (const m of src.matchAll(/prop_key_check\(\s*"([^"]+)"/g)) literal(m[1]);
    // Keys compared by name where the properties are read (filters' `active`), and the keys
    // flb_config_map_properties_check lets through for every plugin (`active`, `condition`).
    for (const m of src.matchAll(/strcasecmp\(\s*(?:kv->key|k)\s*,\s*"([^"]+)"\s*\)/g)) literal(m[1]);
    for (const m of mapC.matchAll(/strcasecmp\(\s*kv->key\s*,\s*"([^"]+)"\s*\)/g)) literal(m[1]);
    for (const [, entries] of coreMaps(`src/flb_${kind}.c`)) for (const e of entries) keys.set(e.key, e);
    result.common[kind] = [...keys.values()];
    const prefixes = {};
    if (/"net\."/.test(src)) prefixes['net.'] = kind === 'input' ? first(downstream) : first(upstream);
    if (/"oauth2/.test(src)) prefixes['oauth2.'] = first(oauth2);
    result.prefixes[kind] = prefixes;
  }

  // [SERVICE]
  const confH = defines(text(core, 'include/fluent-bit/flb_config.h') ?? '', new Map(globalDefs));
  const confC = preprocess(text(core, 'src/flb_config.c') ?? '');
  const svc = /service_configs\[\]\s*=\s*\{/.exec(confC);
  result.service = [];
  if (svc) {
    const open = svc.index + svc[0].length - 1;
    for (const item of splitTop(confC.slice(open + 1, closeBrace(confC, open) - 1))) {
      const fields = splitTop(item.replace(/^\{|\}$/g, ''));
      const key = cString(expand(fields[0] ?? '', confH));
      const type = /FLB_CONF_TYPE_(\w+)/.exec(fields[1] ?? '')?.[1]?.toLowerCase();
      if (typeof key === 'string' && type) result.service.push({ key: key.toLowerCase(), type, default: null, multiple: false });
      else if (fields[0] && fields[0] !== 'NULL' && fields[0] !== '0') notes.add(`${tag} src/flb_config.c: service entry '${item.replace(/\s+/g, ' ').slice(0, 60)}' not read`);
    }
  } else notes.add(`${tag}: service_configs[] not found`);

  // [PARSER] and [MULTILINE_PARSER]
  const parser = new Set();
  const multiline = new Set();
  const parserC = stripComments(text(core, 'src/flb_parser.c') ?? '');
  let fn = '';
  for (const line of parserC.split('\n')) {
    const def = /^(?:static\s+)?[a-z][\w\s*]*?\b(\w+)\s*\(/.exec(line);
    if (def && !line.startsWith(' ')) fn = def[1];
    for (const m of line.matchAll(/get_parser_key\([^"]*"([^"]+)"/g)) (/multiline|ml_/.test(fn) ? multiline : parser).add(m[1].toLowerCase());
    if (/multiline|ml_/.test(fn) && /"rule"/.test(line)) multiline.add('rule');
  }
  const decoderC = stripComments(text(core, 'src/flb_parser_decoder.c') ?? '');
  for (const m of decoderC.matchAll(/"(decode_field(?:_as)?)"/g)) parser.add(m[1]);
  const str = (key, multiple = false) => ({ key, type: 'str', default: null, multiple });
  result.parser = [...parser].map((k) => str(k, k.startsWith('decode_field')));
  result.multiline_parser = [...multiline].map((k) => str(k, k === 'rule'));

  // Plugin aliases (src/flb_plugin_alias.c: `elasticsearch` for the es output).
  result.aliases = [];
  const aliasC = preprocess(text(core, 'src/flb_plugin_alias.c') ?? '');
  for (const m of aliasC.matchAll(/\{\s*FLB_PLUGIN_(INPUT|FILTER|OUTPUT|PROCESSOR|CUSTOM)\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\}/g)) {
    result.aliases.push({ kind: m[1].toLowerCase(), alias: m[2].toLowerCase(), name: m[3].toLowerCase() });
  }

  // YAML
  const yamlC = text(core, 'src/config_format/flb_cf_yaml.c');
  result.yaml = yamlC ? YAML_SECTIONS.filter((s) => yamlC.includes(`"${s}"`)) : [];
  return result;
}

// ---------------------------------------------------------------------------------------------
// Merge the releases: each key gets the bitmask of the releases it is in (bit i = TAGS[i]).

function addKeys(into, entries, bit) {
  for (const e of entries) {
    const variant = [e.type, e.default, e.multiple ? 1 : 0];
    const variants = (into[e.key] ??= []);
    const same = variants.find((v) => v[1] === variant[0] && v[2] === variant[1] && v[3] === variant[2]);
    if (same) same[0] |= bit;
    else variants.push([bit, ...variant]);
  }
}

function main() {
  const notes = new Set();
  const perTag = TAGS.map((tag) => {
    const all = [...tree(tag, ['plugins']).values(), ...tree(tag, ['src', 'include/fluent-bit']).values()];
    return { tag, all };
  });
  const blobs = readBlobs(perTag.flatMap((t) => t.all));
  const out = {
    generatedBy: 'scripts/fluent-bit-versions.mjs',
    releases: TAGS.map((t) => t.slice(1)),
    plugins: Object.fromEntries(KINDS.map((k) => [k, {}])),
    common: { input: {}, filter: {}, output: {} },
    prefixes: { input: {}, filter: {}, output: {} },
    service: {},
    parser: {},
    multiline_parser: {},
    aliases: Object.fromEntries(KINDS.map((k) => [k, {}])),
    yaml: {},
    notes: [],
  };
  TAGS.forEach((tag, i) => {
    const bit = 1 << i;
    const r = readTag(tag, blobs, notes);
    for (const kind of KINDS) {
      for (const [name, p] of Object.entries(r.plugins[kind])) {
        const plugin = (out.plugins[kind][name] ??= { in: 0, mapped: 0, net: 0, keys: {} });
        plugin.in |= bit;
        if (p.keys) {
          plugin.mapped |= bit;
          addKeys(plugin.keys, p.keys, bit);
        }
        if (p.net) plugin.net |= bit;
      }
    }
    for (const kind of ['input', 'filter', 'output']) {
      addKeys(out.common[kind], r.common[kind], bit);
      for (const [prefix, entries] of Object.entries(r.prefixes[kind])) addKeys((out.prefixes[kind][prefix] ??= {}), entries, bit);
    }
    addKeys(out.service, r.service, bit);
    addKeys(out.parser, r.parser, bit);
    addKeys(out.multiline_parser, r.multiline_parser, bit);
    for (const a of r.aliases) {
      const entry = (out.aliases[a.kind][a.alias] ??= { name: a.name, in: 0 });
      entry.in |= bit;
    }
    for (const s of r.yaml) out.yaml[s] = (out.yaml[s] ?? 0) | bit;
  });
  out.notes = [...notes].sort();
  writeFileSync(args.out, serialize(out));
  process.stderr.write(`wrote ${args.out}: ${KINDS.map((k) => `${Object.keys(out.plugins[k]).length} ${k}s`).join(', ')}; ${out.notes.length} notes\n`);
}

/** JSON with one line per plugin or table, sorted, so a regeneration diffs by plugin. */
function serialize(out) {
  const sortObj = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const lines = ['{'];
  const top = Object.entries(out);
  top.forEach(([k, v], i) => {
    const comma = i < top.length - 1 ? ',' : '';
    if (k === 'plugins' || k === 'common' || k === 'prefixes') {
      lines.push(`  ${JSON.stringify(k)}: {`);
      const kinds = Object.entries(v);
      kinds.forEach(([kind, plugins], j) => {
        lines.push(`    ${JSON.stringify(kind)}: {`);
        const entries = Object.entries(sortObj(plugins));
        entries.forEach(([name, p], n) => {
          const value = k === 'plugins' ? { ...p, keys: sortObj(p.keys) } : k === 'prefixes' ? sortObj(p) : p;
          lines.push(`      ${JSON.stringify(name)}: ${JSON.stringify(value)}${n < entries.length - 1 ? ',' : ''}`);
        });
        lines.push(`    }${j < kinds.length - 1 ? ',' : ''}`);
      });
      lines.push(`  }${comma}`);
    } else if (k === 'notes') {
      lines.push(`  "notes": [`, ...v.map((n, j) => `    ${JSON.stringify(n)}${j < v.length - 1 ? ',' : ''}`), `  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(typeof v === 'object' && !Array.isArray(v) ? sortObj(v) : v)}${comma}`);
    }
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

main();
