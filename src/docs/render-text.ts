/** `logferry explain <topic>` as plain text: a heading, the description and aligned option tables. */
import { COMMON_OPTIONS, type Topic } from './catalog.js';
import { describeRow, flagsOf, optionRows, type OptionRow } from './options-table.js';

function table(rows: readonly OptionRow[]): string[] {
  const header = ['KEY', 'TYPE', 'DEFAULT', 'FLAGS'];
  const cells = rows.map((r) => [r.key, r.type, r.default ?? '-', flagsOf(r) || '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[], last: string) => `  ${c.map((x, i) => x.padEnd(widths[i]!)).join('  ')}  ${last}`.trimEnd();
  return [line(header, 'DESCRIPTION'), ...cells.map((c, i) => line(c, describeRow(rows[i]!)))];
}

export function topicText(topic: Topic): string {
  const out: string[] = [];
  switch (topic.type) {
    case 'section':
      out.push(`[${topic.header}] section`, '', topic.definition.description, '', 'Keys:', ...table(optionRows(topic.definition.options)));
      break;
    case 'plugin': {
      const { kind, definition } = topic;
      out.push(`${definition.name} (${kind} plugin)`, '', definition.description, '');
      const own = optionRows(definition.ownOptions);
      out.push(`Keys of ${definition.name}:`, ...(own.length > 0 ? table(own) : ['  (none)']));
      out.push('', `Keys every ${kind} accepts:`, ...table(optionRows(COMMON_OPTIONS[kind], definition.ownOptions)));
      break;
    }
    case 'unsupported':
      out.push(
        `${topic.name} (${topic.kind} plugin)`,
        '',
        topic.description,
        '',
        `Fluent Bit's ${topic.kind} plugin '${topic.name}' is known to logferry but not supported: validate checks only`,
        `the keys every ${topic.kind} accepts and reports the section as unsupported-plugin (a warning); it does not run.`,
      );
      break;
  }
  return `${out.join('\n')}\n`;
}
