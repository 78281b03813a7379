import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type Pair, type YAMLMap } from 'yaml';
import { makeDiagnostic, type Diagnostic, type DiagnosticInit, type Span } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { Entry, ParsedFile, Section, SectionKind, Variable } from '../document/model.js';
import { eachMap, isEmpty, keyOf, readEntries, rejectAlias, shapeOf, spanBetween, valueEntries, type KeyText, type MapRules, type ReadContext } from './entries.js';
import { readMultilineRules } from './rules.js';
import { findTooDeep, MAX_YAML_DEPTH } from './depth.js';
import { readProcessors } from './processors.js';
import { scalarText, SpanMaker } from './source.js';

export interface YamlParseResult {
  file: ParsedFile;
  diagnostics: Diagnostic[];
}

/** Top-level keys of Fluent Bit's YAML format (`flb_cf_yaml.c`, matched case-insensitively). */
const TOP_LEVEL = ['env', 'includes', 'service', 'pipeline', 'parsers', 'multiline_parsers', 'plugins', 'customs', 'upstream_servers', 'stream_processor', 'extensions'] as const;
const PIPELINE = ['inputs', 'filters', 'outputs'] as const;
/** Pipeline groups; a section's header is its YAML path (`pipeline.inputs`). */
const PIPELINE_KIND: Record<(typeof PIPELINE)[number], { kind: SectionKind; header: string }> = {
  inputs: { kind: 'input', header: 'pipeline.inputs' },
  filters: { kind: 'filter', header: 'pipeline.filters' },
  outputs: { kind: 'output', header: 'pipeline.outputs' },
};

/**
 * Reads one Fluent Bit YAML file (section 2 of the semantics notes) into the same document shapes as
 * the classic reader: `service`, `pipeline.inputs|filters|outputs`, `parsers`, `multiline_parsers`,
 * `customs`, `plugins` become sections; `env` becomes variables; `includes` become includes.
 * Positions are 1-based line/column spans into the YAML text. Never throws.
 */
export function parseYaml(fileName: string, text: string): YamlParseResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: DiagnosticInit) => diagnostics.push(makeDiagnostic(d));
  const lines = new LineCounter();
  const spans = new SpanMaker(fileName, lines);
  const sections: Section[] = [];
  const variables: Variable[] = [];
  const includes: { path: string; span: Span }[] = [];
  const file: ParsedFile = { file: fileName, format: 'yaml', sections, variables, includes };

  const deep = findTooDeep(text);
  if (deep) {
    report({
      code: 'syntax-error',
      message: `YAML nested more than ${MAX_YAML_DEPTH} levels deep; logferry reads no further`,
      span: { file: fileName, start: deep, end: { ...deep, offset: deep.offset + 1, column: deep.column + 1 } },
      hint: "Fluent Bit's YAML is a few levels deep (pipeline, a plugin, its processors); a collection where Fluent Bit expects a value is an error there too",
    });
    return { file, diagnostics };
  }
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, lineCounter: lines, prettyErrors: false });
  } catch (err) {
    report({ code: 'syntax-error', message: `cannot read YAML: ${(err as Error).message}`, file: fileName });
    return { file, diagnostics };
  }
  const fileSpan = spans.at(0, 0);
  const ctx: ReadContext = { spans, source: text, report, fileSpan };
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      // Fluent Bit stops at the first YAML error ("invalid YAML in file ... at line ..., column ...").
      for (const e of doc.errors) {
        report({
          code: 'syntax-error',
          message: yamlMessage(e.message),
          span: spans.at(e.pos[0], e.pos[1]),
          hint: 'Fluent Bit stops at invalid YAML; check the indentation of this line and the lines above, and for a missing \':\' or closing quote',
        });
      }
      continue;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.source === '')) continue;
    if (!isMap(root)) {
      report({
        code: 'syntax-error',
        message: `the top level of a Fluent Bit YAML file must be a map (service, pipeline, ...), not ${shapeOf(root)}`,
        span: spans.node(root as Node, fileSpan),
      });
      continue;
    }
    readTopLevel(root, { ctx, sections, variables, includes });
  }
  return { file, diagnostics };
}

interface Output {
  readonly ctx: ReadContext;
  readonly sections: Section[];
  readonly variables: Variable[];
  readonly includes: { path: string; span: Span }[];
}

function readTopLevel(root: YAMLMap<unknown, unknown>, out: Output): void {
  const { ctx } = out;
  let service: Span | undefined;
  for (const pair of root.items) {
    const key = keyOf(pair, ctx, false);
    if (!key) continue;
    const name = key.written.toLowerCase();
    const value = pair.value as Node | null;
    if (rejectAlias(value, ctx)) continue;
    switch (name) {
      case 'env':
        readEnv(value, key.span, out);
        break;
      case 'includes':
        readIncludes(value, key.span, out);
        break;
      case 'service': {
        if (service) {
          ctx.report({
            code: 'duplicate-key',
            message: `'service' is defined twice (first on line ${service.start.line})`,
            span: key.span,
            hint: 'Fluent Bit stops with "duplicated definition of \'service\'"; merge them',
          });
          break;
        }
        service = key.span;
        const section = mapSection(value, key.span, 'service', 'service', { where: 'service', lists: false, translate: true, nested: false }, ctx);
        // The service map is known by its key (there is one per file tree).
        if (section) out.sections.push({ ...section, span: spanBetween(key.span, section.span) });
        break;
      }
      case 'pipeline':
        readPipeline(value, key.span, out);
        break;
      case 'parsers':
        eachMap(value, key.span, 'parsers', ctx, (map) => {
          const section = mapSection(map, key.span, 'parser', 'parsers', { where: 'parsers', lists: false, translate: true, nested: false }, ctx);
          if (section) out.sections.push(section);
        });
        break;
      case 'multiline_parsers':
        eachMap(value, key.span, 'multiline_parsers', ctx, (map) => {
          const rules: Entry[] = [];
          const rulesMap: MapRules = {
            where: 'multiline_parsers',
            lists: false,
            translate: true,
            nested: false,
            special: { rules: (p, k) => (rules.push(...readMultilineRules(p.value, k, ctx)), []) },
          };
          const section = mapSection(map, key.span, 'multiline_parser', 'multiline_parsers', rulesMap, ctx);
          // Fluent Bit reads the `rules` list before any `rule` keys of the same parser.
          if (section) out.sections.push({ ...section, entries: withRulesFirst(section.entries, rules) });
        });
        break;
      case 'plugins':
        readPlugins(value, key.span, out);
        break;
      case 'customs':
        eachMap(value, key.span, 'customs', ctx, (map) => {
          const section = pluginSection(map, key.span, 'custom', 'customs', ctx);
          if (section) out.sections.push(section);
        });
        break;
      case 'upstream_servers':
      case 'stream_processor':
        eachMap(value, key.span, name, ctx, (map) => {
          out.sections.push({ kind: name === 'stream_processor' ? 'stream_processor' : 'upstream', header: name, format: 'yaml', span: ctx.spans.node(map, key.span), entries: [] });
        });
        break;
      case 'extensions':
        ctx.report({ code: 'unsupported-key', message: `'${key.written}' is not supported by logferry; it is ignored`, span: key.span });
        break;
      default: {
        const guess = didYouMean(name, TOP_LEVEL);
        ctx.report({
          code: 'unknown-section',
          message: `unknown top-level key '${key.written}'; Fluent Bit ignores it`,
          span: key.span,
          hint: guess ? `did you mean '${guess}'?` : `the top-level keys are ${TOP_LEVEL.slice(0, 8).join(', ')}`,
        });
      }
    }
  }
}

/** `env`: a map of NAME: value, or (newer builds) a list of {name, value} maps. */
function readEnv(value: Node | null, at: Span, out: Output): void {
  const { ctx } = out;
  const add = (name: string, text: Node | null, span: Span) => {
    if (rejectAlias(text, ctx)) return;
    if (text !== null && !isScalar(text)) {
      ctx.report({ code: 'invalid-value', message: `env variable '${name}' must be a value, not ${shapeOf(text)}`, span: ctx.spans.node(text, span) });
      return;
    }
    const v = text === null ? '' : scalarText(text, ctx.spans, ctx.source, true, span).text;
    out.variables.push({ name, value: v, span: text === null ? span : ctx.spans.node(text, span) });
  };
  if (isMap(value)) {
    for (const pair of value.items) {
      const key = keyOf(pair, ctx, false);
      if (key) add(key.written, pair.value as Node | null, key.span);
    }
    return;
  }
  if (isSeq(value)) {
    eachMap(value, at, 'env', ctx, (map) => {
      const field = (key: string) => map.items.find((p) => isScalar(p.key) && String(p.key.value).toLowerCase() === key);
      const name = field('name');
      const span = ctx.spans.node(map, at);
      if (!name || !isScalar(name.value)) {
        ctx.report({ code: 'invalid-value', message: "an env list item needs 'name' and 'value'", span });
        return;
      }
      const uri = field('uri');
      if (uri) {
        ctx.report({ code: 'unsupported-key', message: "env 'uri' (a value read from a file) is not supported by logferry; the variable is not set", span: ctx.spans.node(uri.key as Node, span) });
        return;
      }
      add(scalarText(name.value, ctx.spans, ctx.source, true, span).text, (field('value')?.value ?? null) as Node | null, span);
    });
    return;
  }
  if (!isEmpty(value)) ctx.report({ code: 'invalid-value', message: `'env' must be a map of NAME: value, not ${shapeOf(value)}`, span: ctx.spans.node(value, at) });
}

/** `includes`: a list of paths (relative to this file's directory; globs allowed; no `${VAR}` expansion). */
function readIncludes(value: Node | null, at: Span, out: Output): void {
  const { ctx } = out;
  if (isEmpty(value)) return;
  if (!isSeq(value)) {
    ctx.report({ code: 'invalid-value', message: `'includes' must be a list of file paths, not ${shapeOf(value)}`, span: ctx.spans.node(value, at), hint: 'write includes:\n  - other.yaml' });
    return;
  }
  for (const item of value.items) {
    if (rejectAlias(item, ctx)) continue;
    if (!isScalar(item)) {
      ctx.report({ code: 'invalid-value', message: `an include must be a file path, not ${shapeOf(item)}`, span: ctx.spans.node(item as Node, at) });
      continue;
    }
    const text = scalarText(item, ctx.spans, ctx.source, false, at);
    out.includes.push({ path: text.text, span: text.span });
  }
}

function readPipeline(value: Node | null, at: Span, out: Output): void {
  const { ctx } = out;
  if (isEmpty(value)) return;
  if (!isMap(value)) {
    ctx.report({ code: 'invalid-value', message: `'pipeline' must be a map of inputs, filters and outputs, not ${shapeOf(value)}`, span: ctx.spans.node(value, at) });
    return;
  }
  for (const pair of value.items) {
    const key = keyOf(pair, ctx, false);
    if (!key) continue;
    const group = key.written.toLowerCase();
    const kind = isPipelineGroup(group) ? PIPELINE_KIND[group] : undefined;
    if (!kind) {
      const guess = didYouMean(group, PIPELINE);
      ctx.report({
        code: 'unknown-section',
        message: `the pipeline component '${key.written}' is not valid; Fluent Bit accepts inputs, filters and outputs`,
        span: key.span,
        hint: group === 'customs' ? 'customs go at the top level, not under pipeline' : guess ? `did you mean '${guess}'?` : undefined,
      });
      continue;
    }
    const where = `pipeline.${group}`;
    eachMap(pair.value as Node | null, key.span, where, ctx, (map) => {
      const section = pluginSection(map, key.span, kind.kind, where, ctx);
      if (section) out.sections.push(section);
    });
  }
}

function isPipelineGroup(name: string): name is (typeof PIPELINE)[number] {
  return (PIPELINE as readonly string[]).includes(name);
}

/** `plugins`: a list of paths to external plugins; one [PLUGINS] section with a `path` per item. */
function readPlugins(value: Node | null, at: Span, out: Output): void {
  const { ctx } = out;
  if (isEmpty(value)) return;
  if (!isSeq(value)) {
    ctx.report({ code: 'invalid-value', message: `'plugins' must be a list of paths, not ${shapeOf(value)}`, span: ctx.spans.node(value, at) });
    return;
  }
  const entries: Entry[] = [];
  for (const item of value.items) {
    if (rejectAlias(item, ctx)) continue;
    if (!isScalar(item)) {
      ctx.report({ code: 'invalid-value', message: `a plugin must be a path, not ${shapeOf(item)}`, span: ctx.spans.node(item as Node, at) });
      continue;
    }
    const text = scalarText(item, ctx.spans, ctx.source, true, at);
    entries.push({ key: 'path', value: text.text, span: text.span, keySpan: text.span, valueSpan: text.span });
  }
  out.sections.push({ kind: 'plugins', header: 'plugins', format: 'yaml', span: ctx.spans.node(value, at), entries });
}

/** An input, filter, output or custom: list values allowed, `processors` read as child sections. */
function pluginSection(map: YAMLMap<unknown, unknown>, at: Span, kind: SectionKind, where: string, ctx: ReadContext): Section | undefined {
  const children: Section[] = [];
  const rules: MapRules = {
    where,
    lists: true,
    translate: true,
    nested: false,
    special: {
      processors: (p, k) => (children.push(...readProcessors(p.value, k, ctx)), []),
      // An input's conditional routes (4.2): kept as one nested entry for the plan (plan/routes.ts).
      ...(kind === 'input' ? { routes: (p: Pair<unknown, unknown>, k: KeyText) => valueEntries(p.value, k, ctx, { ...rules, nested: true }) } : {}),
    },
  };
  const section = mapSection(map, at, kind, where, rules, ctx);
  return section && children.length > 0 ? { ...section, children } : section;
}

function mapSection(value: Node | null, at: Span, kind: SectionKind, header: string, rules: MapRules, ctx: ReadContext): Section | undefined {
  if (isEmpty(value)) return undefined;
  if (!isMap(value)) {
    ctx.report({ code: 'invalid-value', message: `'${rules.where}' must be a map of keys and values, not ${shapeOf(value)}`, span: ctx.spans.node(value, at) });
    return undefined;
  }
  return { kind, header, format: 'yaml', span: ctx.spans.node(value, at), entries: readEntries(value, ctx, rules) };
}

/** `rules` entries go where the first rule entry stands, before any `rule` keys. */
function withRulesFirst(entries: Entry[], rules: Entry[]): Entry[] {
  if (rules.length === 0) return entries;
  const first = entries.findIndex((e) => e.key.toLowerCase() === 'rule');
  if (first < 0) return [...entries, ...rules];
  return [...entries.slice(0, first), ...rules, ...entries.slice(first)];
}

/** The `yaml` package's messages, without its own position suffix. */
function yamlMessage(message: string): string {
  return `invalid YAML: ${message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim()}`;
}
