import { allTopics, lookupTopic, PLUGIN_KINDS } from '../docs/catalog.js';
import { codesMarkdown, codesText } from '../docs/render-codes.js';
import { markdownOf, referenceMarkdown } from '../docs/render-markdown.js';
import { topicText } from '../docs/render-text.js';
import type { PluginKind } from '../options/define.js';
import { renderVersionTopic, versionTopic } from '../config/versions/explain.js';
import { resolveTarget } from '../config/versions/target.js';
import { commandLine, EXIT, type CommandIo } from './io.js';

export const EXPLAIN_USAGE = `usage: logferry explain [--kind input|filter|output] [--format text|markdown] [--fluent-bit-version X.Y[.Z]] <plugin|section>
       logferry explain --all [--format text|markdown]
       logferry explain --codes [--format text|markdown]

Prints the keys of a plugin (tail, kubernetes, cloudwatch_logs, ...) or of a section (service,
parser, multiline_parser): type, default as Fluent Bit writes it, whether it is required or may
repeat, and what it does. The kind is inferred from the name; --kind picks one when a name is
both (stdout is a filter and an output; 'parser' alone is the [PARSER] section).

options:
  --kind input|filter|output   which plugin kind the name is
  --fluent-bit-version X.Y     the keys a Fluent Bit release (1.9 to 5.1) has for the plugin or section,
                               any plugin of that release (also those logferry does not run): type,
                               default, whether it may repeat; a target name (fluent-bit-4.2,
                               aws-for-fluent-bit-2.32) is accepted too
  --format text|markdown       output format (default: text)
  --all                        every section and plugin (docs/plugins.md is --all --format markdown)
  --codes                      every diagnostic code of validate, with how to fix it and examples
                               (docs/diagnostics.md is --codes --format markdown)`;

const aKind = (kind: string) => `${kind === 'filter' ? 'a' : 'an'} ${kind}`;

export function explainCommand(args: string[], io: CommandIo): number {
  const parsed = commandLine('explain', EXPLAIN_USAGE, io, {
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      format: { type: 'string', default: 'text' },
      all: { type: 'boolean', default: false },
      codes: { type: 'boolean', default: false },
      'fluent-bit-version': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const usage = (message: string) => {
    io.stderr(`logferry explain: ${message}\n`);
    return EXIT.usage;
  };
  if (values.format !== 'text' && values.format !== 'markdown') return usage(`--format must be text or markdown, not '${values.format}'`);
  const kind = values.kind as PluginKind | undefined;
  if (kind !== undefined && !PLUGIN_KINDS.includes(kind)) return usage(`--kind must be input, filter or output, not '${values.kind}'`);
  const markdown = values.format === 'markdown';
  if (values.codes) {
    if (positionals.length > 0 || values.all) return usage('--codes takes no name');
    io.stdout(markdown ? codesMarkdown() : codesText());
    return EXIT.ok;
  }
  if (values.all) {
    if (positionals.length > 0) return usage('--all takes no name');
    io.stdout(markdown ? referenceMarkdown() : allTopics().map(topicText).join('\n'));
    return EXIT.ok;
  }
  if (positionals.length !== 1) return usage(`give one plugin or section name\n${EXPLAIN_USAGE}`);
  const name = positionals[0]!;
  if (values['fluent-bit-version'] !== undefined) return explainForRelease(name, kind, values['fluent-bit-version'], markdown, io);
  const found = lookupTopic(name, kind);
  if ('ambiguous' in found) {
    return usage(`'${name}' is ${found.ambiguous.map(aKind).join(' and ')} plugin: add ${found.ambiguous.map((k) => `--kind ${k}`).join(' or ')}`);
  }
  if ('unknown' in found) {
    const elsewhere = kind ? lookupTopic(name) : undefined;
    if (kind && elsewhere && 'found' in elsewhere && elsewhere.found.type !== 'section') {
      return usage(`'${name}' is not ${aKind(kind)} plugin but ${aKind(elsewhere.found.kind)} plugin`);
    }
    const what = kind ? `${kind} plugin` : 'plugin or section';
    return usage(`unknown ${what} '${name}'${found.suggestion ? `; did you mean '${found.suggestion}'?` : ''}`);
  }
  io.stdout(markdown ? markdownOf(found.found) : topicText(found.found));
  return EXIT.ok;
}

/** `explain <name> --fluent-bit-version X`: the keys of that release, from the version tables. */
function explainForRelease(name: string, kind: PluginKind | undefined, version: string, markdown: boolean, io: CommandIo): number {
  const target = resolveTarget(version, 'option');
  const fail = (message: string) => {
    io.stderr(`logferry explain: ${message}\n`);
    return EXIT.usage;
  };
  if ('error' in target) return fail(`--fluent-bit-version: ${target.error}`);
  const topic = versionTopic(target.tables, name, kind);
  if ('ambiguous' in topic) return fail(`'${name}' is ${topic.ambiguous.map(aKind).join(' and ')} plugin in ${target.tables.label}: add ${topic.ambiguous.map((k) => `--kind ${k}`).join(' or ')}`);
  if ('unknown' in topic) return fail(topic.unknown);
  io.stdout(renderVersionTopic(topic.found, markdown));
  return EXIT.ok;
}
