/**
 * Markdown for `logferry explain --format markdown`, and the whole reference
 * (`explain --all --format markdown`, committed as docs/plugins.md).
 */
import type { PluginKind } from '../options/define.js';
import { allTopics, COMMON_OPTIONS, PLUGIN_KINDS, type Topic } from './catalog.js';
import { describeRow, flagsOf, optionRows, type OptionRow } from './options-table.js';

const KIND_TITLE: Readonly<Record<PluginKind, string>> = { input: 'Inputs', filter: 'Filters', output: 'Outputs' };

/** Escapes what would break a table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

function table(rows: readonly OptionRow[]): string[] {
  if (rows.length === 0) return ['No keys of its own.'];
  return [
    '| Key | Type | Default | Flags | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${code(r.key)} | ${cell(r.type)} | ${r.default === undefined ? '' : code(r.default)} | ${flagsOf(r)} | ${cell(describeRow(r))} |`),
  ];
}

function commonAnchor(kind: PluginKind): string {
  return `keys-every-${kind}-accepts`;
}

function commonSection(kind: PluginKind, level: string, except = {}): string[] {
  return [`${level} Keys every ${kind} accepts`, '', ...table(optionRows(COMMON_OPTIONS[kind], except))];
}

/** One topic. `standalone`: with the common keys of its kind (else a link to them). */
export function topicMarkdown(topic: Topic, level = '#', standalone = true): string[] {
  switch (topic.type) {
    case 'section':
      return [`${level} [${topic.header}]`, '', topic.definition.description, '', ...table(optionRows(topic.definition.options))];
    case 'plugin': {
      const { kind, definition } = topic;
      const out = [`${level} ${definition.name}`, '', `${definition.description} (${kind} plugin)`, '', ...table(optionRows(definition.ownOptions))];
      if (standalone) out.push('', ...commonSection(kind, `${level}#`, definition.ownOptions));
      else out.push('', `Plus the [keys every ${kind} accepts](#${commonAnchor(kind)}).`);
      return out;
    }
    case 'unsupported':
      return [
        `${level} ${topic.name}`,
        '',
        `${topic.description} (${topic.kind} plugin). Known to logferry but not supported: only the keys every ${topic.kind} accepts are checked, and it does not run.`,
      ];
  }
}

export function markdownOf(topic: Topic): string {
  return `${topicMarkdown(topic).join('\n')}\n`;
}

/** The complete reference: sections, common keys, every plugin with a table, then the others. */
export function referenceMarkdown(): string {
  const topics = allTopics();
  const out = [
    '# Plugin and section reference',
    '',
    'Generated from logferry\'s option tables by `logferry explain --all --format markdown`',
    '(`npm run docs`); do not edit by hand.',
    '',
    'Keys are case-insensitive, as in Fluent Bit. Defaults are written as Fluent Bit writes them;',
    'sizes are decimal (`5M` = 5,000,000 bytes) and times take one unit letter (`5s`, `10m`).',
    '"repeatable" keys may be set several times (each value is kept); "not supported" keys are',
    'accepted (with an `unsupported-key` warning) but logferry does not act on them; for keys with',
    '"some values not supported" the description says which values, and whether `run` ignores them',
    '(an `unsupported-key` warning) or refuses the configuration (an `unsupported-key` error).',
    '',
    '## Sections',
    '',
  ];
  for (const t of topics.filter((x) => x.type === 'section')) out.push(...topicMarkdown(t, '###'), '');
  for (const kind of PLUGIN_KINDS) out.push(...commonSection(kind, '##'), '');
  for (const kind of PLUGIN_KINDS) {
    out.push(`## ${KIND_TITLE[kind]}`, '');
    for (const t of topics) if (t.type === 'plugin' && t.kind === kind) out.push(...topicMarkdown(t, '###', false), '');
  }
  out.push(
    '## Fluent Bit plugins logferry does not run',
    '',
    'Recognised by name: `validate` checks only the keys every plugin of the kind accepts and reports',
    'the section as `unsupported-plugin` (a warning).',
    '',
    '| Kind | Plugin | What it does |',
    '| --- | --- | --- |',
  );
  for (const t of topics) if (t.type === 'unsupported') out.push(`| ${t.kind} | ${code(t.name)} | ${cell(t.description)} |`);
  return `${out.join('\n')}\n`;
}
