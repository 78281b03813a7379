import { existsSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { resolve } from 'node:path';
import { DEFAULT_CLI_PORT, DEFAULT_LOCAL_CREDENTIALS, localhostTls, parseFaults, startAwsLocal, type AwsLocalOptions, type FaultSpec } from '../aws-local/index.js';
import { deliveryStreamFile, jsonLinesNames, kinesisStreamFile, logGroupDir, logStreamFile, parseFirehoseLine, parseKinesisLine, parseLogEventLine, readJsonLines } from '../aws-local/data-dir.js';
import { s3Command } from './aws-local-s3.js';
import { commandLine, EXIT, usageError, type CommandIo } from './io.js';

export const AWS_LOCAL_USAGE = `usage: logferry aws-local [--port N] [--host H] [--data-dir D] [--faults SPEC] [--seed N]
                          [--no-create-streams] [--delivery-stream NAME]... [--tls] [--credential ID:SECRET]...
                          [--clock-skew SECONDS]
       logferry aws-local tail <log group> [--data-dir D] [--stream S]... [--follow]
       logferry aws-local firehose <delivery stream> [--data-dir D] [--follow]
       logferry aws-local kinesis <data stream> [--data-dir D] [--follow]
       logferry aws-local s3 ls [<bucket>[/<prefix>]] [--data-dir D]
       logferry aws-local s3 cat <bucket>/<key> [--data-dir D]

Runs a local CloudWatch Logs + Firehose + Kinesis Data Streams + S3 + STS endpoint (the AWS JSON 1.1,
Query and S3 REST protocols the AWS SDKs speak) until SIGINT/SIGTERM and prints its URL; point an
output's 'endpoint' at it. What it receives is kept in the data dir, which 'tail', 'firehose' and
'kinesis' print (one line per record: its data; binary data as base64:...). 's3 ls' lists the
buckets, or a bucket's objects (time, size, key); 's3 cat' prints an object (gzip-encoded objects
decompressed; binary data as base64:...).

options:
  --port N                  port to listen on (default ${DEFAULT_CLI_PORT}; 0 = any free port)
  --host H                  address to listen on (default 127.0.0.1)
  --data-dir D              where groups, streams, events and records are kept (default .aws-local)
  --faults SPEC             e.g. throttle=0.3,server-error=0.1,partial=0.2,latency-ms=50
  --seed N                  seed for the faults, so a run can be repeated
  --no-create-streams       Firehose/Kinesis/S3: only --delivery-stream/--kinesis-stream/--bucket ones exist
  --delivery-stream NAME    a Firehose delivery stream that exists from the start (repeatable)
  --kinesis-stream NAME     a Kinesis data stream (one shard) that exists from the start (repeatable)
  --bucket NAME             an S3 bucket that exists from the start (repeatable)
  --tls                     serve HTTPS with a bundled self-signed localhost certificate
                            (fixtures/tls; clients turn verification off, e.g. tls.verify Off)
  --credential ID:SECRET    an access key whose SigV4 signatures are checked (repeatable; besides
                            AKIDLOCAL:local and AKIDLOGFERRYDEMO:demo; other keys are not checked)
  --clock-skew SECONDS      the endpoint's clock runs this far ahead (negative: behind): its Date
                            headers say so, and checked requests signed over 5 minutes off are refused
  --stream S                tail: only this log stream (repeatable)
  -f, --follow              tail/firehose/kinesis: keep printing what arrives until SIGINT/SIGTERM`;

const DEFAULT_DATA_DIR = '.aws-local';
const FOLLOW_INTERVAL_MS = 200;

/** Waits for SIGINT/SIGTERM on `signals`. */
function untilSignal(signals: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolveSignal) => {
    const done = () => {
      signals.removeListener('SIGINT', done);
      signals.removeListener('SIGTERM', done);
      resolveSignal();
    };
    signals.once('SIGINT', done);
    signals.once('SIGTERM', done);
  });
}

/**
 * Prints what `read` finds now and, with `follow`, what is appended later (polling) until a signal.
 * `read(offsets)` reads from the byte offsets it keeps per file and returns the text to print.
 */
async function printAndFollow(read: (offsets: Map<string, number>) => string, io: CommandIo, follow: boolean, signals: NodeJS.EventEmitter): Promise<number> {
  const offsets = new Map<string, number>();
  const text = read(offsets);
  if (text) io.stdout(text);
  if (!follow) return EXIT.ok;
  const timer = setInterval(() => {
    const more = read(offsets);
    if (more) io.stdout(more);
  }, FOLLOW_INTERVAL_MS);
  try {
    await untilSignal(signals);
  } finally {
    clearInterval(timer);
  }
  return EXIT.ok;
}

/** Lines of `file` past its kept offset (then moves the offset on). */
function newValues(file: string, offsets: Map<string, number>): unknown[] {
  const { values, next } = readJsonLines(file, offsets.get(file) ?? 0);
  offsets.set(file, next);
  return values;
}

function tailCommand(group: string, dataDir: string, streams: readonly string[], follow: boolean, io: CommandIo, signals: NodeJS.EventEmitter): Promise<number> | number {
  const dir = logGroupDir(dataDir, group);
  if (!existsSync(dir)) {
    io.stderr(`logferry aws-local tail: no log group '${group}' in ${dataDir}\n`);
    return EXIT.problems;
  }
  const read = (offsets: Map<string, number>) => {
    const names = streams.length > 0 ? streams : jsonLinesNames(dir);
    const found: { stream: string; timestamp: number; message: string }[] = [];
    for (const stream of names) {
      for (const value of newValues(logStreamFile(dataDir, group, stream), offsets)) {
        const e = parseLogEventLine(value);
        if (e) found.push({ stream, timestamp: e.timestamp, message: e.message });
      }
    }
    found.sort((a, b) => a.timestamp - b.timestamp);
    return found.map((e) => `${new Date(e.timestamp).toISOString()} ${e.stream} ${e.message}\n`).join('');
  };
  return printAndFollow(read, io, follow, signals);
}

/** One line per record: text records as they are (their own trailing newline dropped), others as base64. */
function recordLine(data: Buffer): string {
  if (!isUtf8(data)) return `base64:${data.toString('base64')}\n`;
  const text = data.toString('utf8');
  return `${text.endsWith('\n') ? text.slice(0, -1) : text}\n`;
}

/** `firehose` and `kinesis`: the records of one stream's file, as recordLine prints them. */
function recordsCommand(kind: 'firehose' | 'kinesis', stream: string, dataDir: string, follow: boolean, io: CommandIo, signals: NodeJS.EventEmitter): Promise<number> | number {
  const file = kind === 'firehose' ? deliveryStreamFile(dataDir, stream) : kinesisStreamFile(dataDir, stream);
  if (!existsSync(file)) {
    io.stderr(`logferry aws-local ${kind}: no ${kind === 'firehose' ? 'delivery stream' : 'data stream'} '${stream}' in ${dataDir}\n`);
    return EXIT.problems;
  }
  const parse: (v: unknown) => { data: Buffer } | undefined = kind === 'firehose' ? parseFirehoseLine : parseKinesisLine;
  const read = (offsets: Map<string, number>) =>
    newValues(file, offsets)
      .map(parse)
      .filter((r) => r !== undefined)
      .map((r) => recordLine(r.data))
      .join('');
  return printAndFollow(read, io, follow, signals);
}

async function serve(options: AwsLocalOptions, io: CommandIo, signals: NodeJS.EventEmitter): Promise<number> {
  let aws;
  try {
    aws = await startAwsLocal(options);
  } catch (err) {
    io.stderr(`logferry aws-local: ${(err as Error).message}\n`);
    return EXIT.problems;
  }
  const stopped = untilSignal(signals);
  io.stdout(`${aws.endpoint}\n`);
  io.stderr(`aws-local: CloudWatch Logs, Firehose, Kinesis, S3 and STS on ${aws.endpoint}, data in ${options.dataDir}; SIGINT/SIGTERM stops\n`);
  await stopped;
  await aws.close();
  io.stderr(`aws-local: stopped after ${aws.store.requests()} request(s)\n`);
  return EXIT.ok;
}

/** `logferry aws-local ...`; `signals` is where SIGINT/SIGTERM come from (tests pass an emitter). */
export async function awsLocalCommand(argv: string[], io: CommandIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const parsed = commandLine('aws-local', AWS_LOCAL_USAGE, io, {
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
      faults: { type: 'string', default: '' },
      seed: { type: 'string' },
      'no-create-streams': { type: 'boolean', default: false },
      'delivery-stream': { type: 'string', multiple: true, default: [] },
      'kinesis-stream': { type: 'string', multiple: true, default: [] },
      bucket: { type: 'string', multiple: true, default: [] },
      tls: { type: 'boolean', default: false },
      credential: { type: 'string', multiple: true, default: [] },
      'clock-skew': { type: 'string', default: '0' },
      stream: { type: 'string', multiple: true, default: [] },
      follow: { type: 'boolean', short: 'f', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const usage = (message: string) => usageError('aws-local', AWS_LOCAL_USAGE, io, message);
  const dataDir = resolve(io.cwd, values['data-dir']);
  const [sub, name, ...extra] = positionals;
  if (sub === 'tail' || sub === 'firehose' || sub === 'kinesis') {
    if (name === undefined || extra.length > 0) return usage(`${sub} needs exactly one ${sub === 'tail' ? 'log group' : sub === 'firehose' ? 'delivery stream' : 'data stream'} name`);
    return sub === 'tail' ? tailCommand(name, dataDir, values.stream, values.follow, io, signals) : recordsCommand(sub, name, dataDir, values.follow, io, signals);
  }
  if (sub === 's3') {
    if ((name !== 'ls' && name !== 'cat') || extra.length > 1 || (name === 'cat' && extra.length !== 1)) return usage('s3 needs ls [<bucket>[/<prefix>]] or cat <bucket>/<key>');
    return s3Command(name, extra[0], dataDir, io);
  }
  if (sub !== undefined) return usage(`unknown subcommand '${sub}' (tail, firehose, kinesis, s3, or none to run the endpoint)`);
  const port = values.port === undefined ? DEFAULT_CLI_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return usage(`--port needs a port number, got '${values.port}'`);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) return usage(`--seed needs an integer, got '${values.seed}'`);
  let faults: FaultSpec;
  try {
    faults = parseFaults(values.faults);
  } catch (err) {
    return usage(`--faults: ${(err as Error).message}`);
  }
  const credentials: Record<string, string> = { ...DEFAULT_LOCAL_CREDENTIALS };
  for (const c of values.credential) {
    const colon = c.indexOf(':');
    if (colon <= 0 || colon === c.length - 1) return usage(`--credential needs ACCESS_KEY_ID:SECRET, got '${c}'`);
    credentials[c.slice(0, colon)] = c.slice(colon + 1);
  }
  const clockSkewSeconds = Number(values['clock-skew']);
  if (!Number.isFinite(clockSkewSeconds)) return usage(`--clock-skew needs a number of seconds, got '${values['clock-skew']}'`);
  let tls;
  try {
    tls = values.tls ? localhostTls() : undefined;
  } catch (err) {
    io.stderr(`logferry aws-local: --tls: cannot read the bundled certificate: ${(err as Error).message}\n`);
    return EXIT.problems;
  }
  return serve({ port, host: values.host, dataDir, faults, ...(seed === undefined ? {} : { seed }), createStreams: !values['no-create-streams'], deliveryStreams: values['delivery-stream'], kinesisStreams: values['kinesis-stream'], buckets: values.bucket, credentials, clockSkewSeconds, ...(tls ? { tls } : {}) }, io, signals);
}
