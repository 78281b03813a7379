/** The routing keys of a filter or output, as the routing analysis and the engine's router read them. */
import type { PlanInstance } from '../config/plan/types.js';
import type { CompiledRegex } from '../parsers/regex.js';

/** A filter's or output's Match (empty counts as unset, as Fluent Bit treats it) and Match_Regex. */
export function routeOptions(instance: PlanInstance): { match: string | undefined; regex: CompiledRegex | undefined } {
  const match = instance.options['match'];
  return { match: typeof match === 'string' && match.length > 0 ? match : undefined, regex: instance.options['match_regex'] as CompiledRegex | undefined };
}
