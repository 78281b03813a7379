/** CloudWatch Logs (`Logs_20140328.*`) operations of the local AWS endpoint. */
import { ACCOUNT_ID, AwsServiceError, boolMember, compareNames, intMember, listMember, page, stringMember, structure, validationError, type Input } from './protocol.js';
import type { ServiceContext } from './service.js';
import type { LogGroupState, LogStreamState, StoredLogEvent } from './types.js';

/** The limits PutLogEvents enforces, as AWS documents them. */
export const PUT_LOG_EVENTS_LIMITS = {
  maxEvents: 10_000,
  maxBatchBytes: 1_048_576,
  /** Counted per event on top of the UTF-8 bytes of its message. */
  eventOverheadBytes: 26,
  /** One event, overhead included. */
  maxEventBytes: 262_144,
  maxSpanMs: 24 * 3_600_000,
  maxAgeMs: 14 * 24 * 3_600_000,
  maxFutureMs: 2 * 3_600_000,
} as const;

/** The retention periods PutRetentionPolicy accepts. */
export const RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const GROUP_NAME = { required: true, min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/ } as const;
const STREAM_NAME = { required: true, min: 1, max: 512, pattern: /^[^:*]*$/ } as const;
const GROUP_CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];
const DAY_MS = 86_400_000;

function groupOf(ctx: ServiceContext, input: Input): LogGroupState {
  const name = stringMember(input, 'logGroupName', GROUP_NAME);
  const group = ctx.state.logGroups.get(name);
  if (!group) throw new AwsServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
  return group;
}

function streamOf(ctx: ServiceContext, input: Input): { group: LogGroupState; stream: LogStreamState } {
  const group = groupOf(ctx, input);
  const stream = group.streams.get(stringMember(input, 'logStreamName', STREAM_NAME));
  if (!stream) throw new AwsServiceError('ResourceNotFoundException', 'The specified log stream does not exist.');
  return { group, stream };
}

function groupArn(ctx: ServiceContext, name: string): string {
  return `arn:aws:logs:${ctx.region}:${ACCOUNT_ID}:log-group:${name}`;
}

function createLogGroup(input: Input, ctx: ServiceContext): object {
  const name = stringMember(input, 'logGroupName', GROUP_NAME);
  const logGroupClass = stringMember(input, 'logGroupClass') ?? 'STANDARD';
  if (!GROUP_CLASSES.includes(logGroupClass)) throw validationError('logGroupClass', logGroupClass, `Member must satisfy enum value set: [${GROUP_CLASSES.join(', ')}]`);
  if (ctx.state.logGroups.has(name)) throw new AwsServiceError('ResourceAlreadyExistsException', 'The specified log group already exists');
  const group: LogGroupState = { name, creationTime: ctx.now(), logGroupClass, streams: new Map() };
  ctx.writer?.writeGroup(group);
  ctx.state.logGroups.set(name, group);
  return {};
}

function createLogStream(input: Input, ctx: ServiceContext): object {
  const group = groupOf(ctx, input);
  const name = stringMember(input, 'logStreamName', STREAM_NAME);
  if (group.streams.has(name)) throw new AwsServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  const stream: LogStreamState = { name, creationTime: ctx.now(), events: [] };
  group.streams.set(name, stream);
  try {
    ctx.writer?.createStream(group.name, name);
    ctx.writer?.writeGroup(group);
  } catch (err) {
    group.streams.delete(name);
    throw err;
  }
  return {};
}

function putRetentionPolicy(input: Input, ctx: ServiceContext): object {
  const group = groupOf(ctx, input);
  const days = intMember(input, 'retentionInDays');
  if (days === undefined || !RETENTION_DAYS.includes(days)) {
    throw validationError('retentionInDays', days, `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`, 'InvalidParameterException');
  }
  const before = group.retentionInDays;
  group.retentionInDays = days;
  try {
    ctx.writer?.writeGroup(group);
  } catch (err) {
    group.retentionInDays = before;
    throw err;
  }
  return {};
}

function describeLogGroups(input: Input, ctx: ServiceContext): object {
  const prefix = stringMember(input, 'logGroupNamePrefix');
  const pattern = stringMember(input, 'logGroupNamePattern');
  if (prefix !== undefined && pattern !== undefined) throw new AwsServiceError('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  const needle = pattern?.toLowerCase();
  const groups = [...ctx.state.logGroups.values()]
    .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (needle === undefined || g.name.toLowerCase().includes(needle)))
    .sort((a, b) => compareNames(a.name, b.name));
  const result = page(groups, intMember(input, 'limit', 1, 50) ?? 50, stringMember(input, 'nextToken'));
  return {
    logGroups: result.items.map((g) => ({
      logGroupName: g.name,
      creationTime: g.creationTime,
      retentionInDays: g.retentionInDays,
      metricFilterCount: 0,
      arn: `${groupArn(ctx, g.name)}:*`,
      logGroupArn: groupArn(ctx, g.name),
      storedBytes: 0,
      logGroupClass: g.logGroupClass,
    })),
    nextToken: result.nextToken,
  };
}

function streamSummary(ctx: ServiceContext, group: LogGroupState, s: LogStreamState) {
  let first: number | undefined;
  let last: number | undefined;
  for (const e of s.events) {
    if (first === undefined || e.timestamp < first) first = e.timestamp;
    if (last === undefined || e.timestamp > last) last = e.timestamp;
  }
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    firstEventTimestamp: first,
    lastEventTimestamp: last,
    lastIngestionTime: s.lastIngestionTime,
    arn: `${groupArn(ctx, group.name)}:log-stream:${s.name}`,
    storedBytes: 0,
  };
}

function describeLogStreams(input: Input, ctx: ServiceContext): object {
  const group = groupOf(ctx, input);
  const prefix = stringMember(input, 'logStreamNamePrefix');
  const orderBy = stringMember(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw validationError('orderBy', orderBy, 'Member must satisfy enum value set: [LogStreamName, LastEventTime]');
  if (orderBy === 'LastEventTime' && prefix !== undefined) throw new AwsServiceError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
  const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix)).map((s) => streamSummary(ctx, group, s));
  if (orderBy === 'LastEventTime') streams.sort((a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0));
  else streams.sort((a, b) => compareNames(a.logStreamName, b.logStreamName));
  if (boolMember(input, 'descending')) streams.reverse();
  const result = page(streams, intMember(input, 'limit', 1, 50) ?? 50, stringMember(input, 'nextToken'));
  return { logStreams: result.items, nextToken: result.nextToken };
}

/** The events of a PutLogEvents call, checked against the limits (InvalidParameterException). */
function batchOf(input: Input): { timestamp: number; message: string }[] {
  const L = PUT_LOG_EVENTS_LIMITS;
  const list = listMember(input, 'logEvents', true)!;
  if (list.length === 0) throw validationError('logEvents', [], 'Member must have length greater than or equal to 1', 'InvalidParameterException');
  if (list.length > L.maxEvents) throw validationError('logEvents', `[${list.length} events]`, `Member must have length less than or equal to ${L.maxEvents}`, 'InvalidParameterException');
  let total = 0;
  const events = list.map((item, i) => {
    const member = `logEvents.${i + 1}.member`;
    const e = structure(item, member);
    const timestamp = intMember(e, 'timestamp', 0);
    if (timestamp === undefined) throw validationError(`${member}.timestamp`, undefined, 'Member must not be null');
    const message = stringMember(e, 'message', { required: true, min: 1 });
    const size = Buffer.byteLength(message, 'utf8') + L.eventOverheadBytes;
    if (size > L.maxEventBytes) throw new AwsServiceError('InvalidParameterException', `Log event too large: ${size} bytes exceeds limit of ${L.maxEventBytes}`);
    total += size;
    return { timestamp, message };
  });
  if (total > L.maxBatchBytes) throw new AwsServiceError('InvalidParameterException', `Upload too large: ${total} bytes exceeds limit of ${L.maxBatchBytes}`);
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) throw new AwsServiceError('InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
  }
  if (events[events.length - 1]!.timestamp - events[0]!.timestamp > L.maxSpanMs) {
    throw new AwsServiceError('InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  return events;
}

let sequence = 0n;

function putLogEvents(input: Input, ctx: ServiceContext): object {
  const events = batchOf(input);
  const { group, stream } = streamOf(ctx, input);
  const now = ctx.now();
  const L = PUT_LOG_EVENTS_LIMITS;
  // Events are in chronological order, so the rejected ones are a prefix (too old, expired) and a suffix (too new).
  const countBefore = (limit: number) => {
    let n = 0;
    while (n < events.length && events[n]!.timestamp < limit) n++;
    return n;
  };
  const tooOldEnd = countBefore(now - L.maxAgeMs);
  const expiredEnd = group.retentionInDays === undefined ? 0 : countBefore(now - group.retentionInDays * DAY_MS);
  let tooNewStart = events.length;
  while (tooNewStart > 0 && events[tooNewStart - 1]!.timestamp > now + L.maxFutureMs) tooNewStart--;
  const start = Math.max(tooOldEnd, expiredEnd);
  const accepted: StoredLogEvent[] = events.slice(start, Math.max(start, tooNewStart)).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: now }));
  if (accepted.length > 0) {
    ctx.writer?.appendLogEvents(group.name, stream.name, accepted);
    for (const e of accepted) stream.events.push(e);
    stream.lastIngestionTime = now;
  }
  const rejected: Record<string, number> = {};
  if (tooOldEnd > 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd > 0) rejected.expiredLogEventEndIndex = expiredEnd;
  if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
  sequence++;
  return { nextSequenceToken: sequence.toString().padStart(56, '0'), rejectedLogEventsInfo: Object.keys(rejected).length > 0 ? rejected : undefined };
}

/** A stream's events by timestamp (stable: arrival order among equal timestamps). */
function byTime(events: readonly StoredLogEvent[]): readonly StoredLogEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) return [...events].sort((a, b) => a.timestamp - b.timestamp);
  }
  return events;
}

function eventOut(e: StoredLogEvent) {
  return { timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime };
}

const token = (dir: 'f' | 'b', at: number) => `${dir}/${String(at).padStart(56, '0')}`;

function getLogEvents(input: Input, ctx: ServiceContext): object {
  const { stream } = streamOf(ctx, input);
  const startTime = intMember(input, 'startTime', 0);
  const endTime = intMember(input, 'endTime', 0);
  const limit = intMember(input, 'limit', 1, 10_000) ?? 10_000;
  const nextToken = stringMember(input, 'nextToken');
  const events = byTime(stream.events).filter((e) => (startTime === undefined || e.timestamp >= startTime) && (endTime === undefined || e.timestamp < endTime));
  let dir: 'f' | 'b' = boolMember(input, 'startFromHead') ? 'f' : 'b';
  let at = dir === 'f' ? 0 : events.length;
  if (nextToken !== undefined) {
    const m = /^([fb])\/(\d+)$/.exec(nextToken);
    if (!m || Number(m[2]) > events.length) throw new AwsServiceError('InvalidParameterException', 'The specified nextToken is invalid.');
    dir = m[1] as 'f' | 'b';
    at = Number(m[2]);
  }
  const [from, to] = dir === 'f' ? [at, Math.min(events.length, at + limit)] : [Math.max(0, at - limit), at];
  return { events: events.slice(from, to).map(eventOut), nextForwardToken: token('f', to), nextBackwardToken: token('b', from) };
}

/**
 * CloudWatch Logs term patterns: every plain term must occur, at least one `?term` if any are
 * given, no `-term`; `"quoted terms"` may hold spaces. JSON (`{…}`) and space-delimited (`[…]`)
 * patterns are not supported (InvalidParameterException).
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{') || text.startsWith('[')) throw new AwsServiceError('InvalidParameterException', 'aws-local supports only term filter patterns (words and "quoted phrases", ?optional, -excluded), not JSON or space-delimited patterns');
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  for (const m of text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    (m[1] === '?' ? any : m[1] === '-' ? none : all).push(term);
  }
  return (message) => all.every((t) => message.includes(t)) && (any.length === 0 || any.some((t) => message.includes(t))) && !none.some((t) => message.includes(t));
}

function filterLogEvents(input: Input, ctx: ServiceContext): object {
  const group = groupOf(ctx, input);
  const names = listMember(input, 'logStreamNames', false)?.map((n) => {
    if (typeof n !== 'string') throw new AwsServiceError('SerializationException', 'logStreamNames: expected strings');
    return n;
  });
  const prefix = stringMember(input, 'logStreamNamePrefix');
  if (names !== undefined && prefix !== undefined) throw new AwsServiceError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive');
  const startTime = intMember(input, 'startTime', 0);
  const endTime = intMember(input, 'endTime', 0);
  const limit = intMember(input, 'limit', 1, 10_000) ?? 10_000;
  const matches = compileFilterPattern(stringMember(input, 'filterPattern'));
  const streams = [...group.streams.values()]
    .filter((s) => (names === undefined || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)))
    .sort((a, b) => compareNames(a.name, b.name));
  const found: (StoredLogEvent & { logStreamName: string; eventId: string })[] = [];
  streams.forEach((s, si) => {
    s.events.forEach((e, ei) => {
      if ((startTime === undefined || e.timestamp >= startTime) && (endTime === undefined || e.timestamp <= endTime) && matches(e.message)) {
        found.push({ ...e, logStreamName: s.name, eventId: `${si}-${ei}` });
      }
    });
  });
  found.sort((a, b) => a.timestamp - b.timestamp);
  const result = page(found, limit, stringMember(input, 'nextToken'));
  return {
    events: result.items.map((e) => ({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
    nextToken: result.nextToken,
  };
}

export const CLOUDWATCH_LOGS_OPERATIONS = {
  CreateLogGroup: createLogGroup,
  CreateLogStream: createLogStream,
  PutRetentionPolicy: putRetentionPolicy,
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
} as const;
