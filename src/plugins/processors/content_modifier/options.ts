import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';

export const CONTENT_MODIFIER_ACTIONS = ['insert', 'upsert', 'delete', 'rename', 'hash', 'extract', 'convert'] as const;
export type ContentModifierAction = (typeof CONTENT_MODIFIER_ACTIONS)[number];

/**
 * The options of the `content_modifier` processor (plugins/processor_content_modifier/cm.c). For
 * logs, the context is the record (`body`, `message`, `record`; the default) or its metadata
 * (`metadata`, `attributes`); the OpenTelemetry contexts act on OTLP group records only.
 */
export const CONTENT_MODIFIER_OPTIONS = {
  action: opt.enum({ required: true, values: CONTENT_MODIFIER_ACTIONS, doc: 'What to do: insert, upsert, delete, rename, hash, extract or convert' }),
  context: opt.enum({
    values: ['body', 'message', 'record', 'metadata', 'attributes', 'otel_resource_attributes', 'otel_scope_name', 'otel_scope_version', 'otel_scope_attributes'],
    doc: 'Where the action applies: the record (body, the default) or its metadata; the otel_* contexts apply to OpenTelemetry group records',
  }),
  key: opt.string({ doc: 'The key the action applies to (a top-level key, compared exactly)' }),
  value: opt.string({ doc: 'insert/upsert: the value (a string); rename: the new key name' }),
  pattern: opt.regex({ doc: 'extract: a regular expression whose named groups become keys' }),
  converted_type: opt.enum({ values: ['string', 'boolean', 'int', 'double'], doc: 'convert: the type to convert the value to' }),
} as const;

export type ContentModifierOptions = OptionsOfTable<'filter', typeof CONTENT_MODIFIER_OPTIONS>;

/** cm_config.c check_action_requirements: what each action needs (Fluent Bit refuses to start without it). */
export function checkContentModifier(o: ContentModifierOptions, ctx: CheckContext): void {
  const action = o.action as ContentModifierAction | undefined;
  if (action === undefined) return;
  const context = o.context;
  if (context === 'otel_scope_name' || context === 'otel_scope_version') {
    if (action === 'rename' || action === 'extract' || action === 'convert') {
      ctx.report('conflicting-keys', `action '${action}' is not allowed for context '${context}'`, { key: 'action' });
      return;
    }
    const required = context === 'otel_scope_name' ? 'name' : 'version';
    if (o.key !== undefined && o.key.toLowerCase() !== required) ctx.report('invalid-value', `context '${context}' requires the key to be '${required}'`, { key: 'key' });
  } else if (o.key === undefined) {
    ctx.report('missing-required', `key is required for action '${action}'`, { key: 'action' });
  }
  if ((action === 'insert' || action === 'upsert' || action === 'rename') && o.value === undefined) {
    ctx.report('missing-required', `value is required for action '${action}'`, { key: 'action' });
  }
  if (action === 'extract' && o.pattern === undefined) ctx.report('missing-required', "for 'extract' action, a regular expression in 'pattern' is required", { key: 'action' });
  if (action === 'convert' && o.converted_type === undefined) ctx.report('missing-required', `converted_type is required for action '${action}'`, { key: 'action' });
  if (context !== undefined && context !== 'body' && context !== 'message' && context !== 'record') {
    ctx.report('unsupported-key', `context '${context}': logferry records carry no metadata or OpenTelemetry groups, so this action changes nothing`, {
      key: 'context',
      severity: 'warning',
    });
  }
}
