/**
 * logferry's tcp and http inputs against Fluent Bit 4.2.8's answers and records for the same
 * requests (fixtures/fluent-bit-4.2.8/net-inputs.json, recorded by record-fluent-bit.ts): the
 * same configuration with a lib output, every case sent at once on 127.0.0.1, the answers and the
 * records of each case (tag and body; the receipt time is not compared) must be Fluent Bit's, but
 * for the differences listed in DIFFERENCES, each with its reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPipeline, type OutputBatch } from '../../../../src/index.js';
import { TCP_DROPS } from '../../../../src/plugins/inputs/tcp/tcp-input.js';
import { freePorts } from '../../../support/free-port.js';
import { byCase, inputsConfig, NET_CASES, PORT_NAMES, sendAll, type NetAnswer, type NetPorts, type TaggedRecord } from './cases.js';

interface GoldenCase {
  readonly id: string;
  readonly answer: NetAnswer;
  readonly records: TaggedRecord[];
}

const golden = JSON.parse(readFileSync(new URL('../../../../fixtures/fluent-bit-4.2.8/net-inputs.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

/** Where logferry deliberately differs from Fluent Bit 4.2.8: the records it gives instead, and why. */
const DIFFERENCES: Readonly<Record<string, { readonly records: readonly TaggedRecord[]; readonly why: string }>> = {
  '~t10~': {
    why: 'Fluent Bit discards everything it read together with an invalid message (here the next line too, as both came in one read); logferry skips the invalid line alone, whatever the reads',
    records: [{ tag: 'tcp.json', record: { c: '~t10~', i: 1 } }],
  },
  '~t11~': {
    why: 'Fluent Bit drops every record read together with a top-level scalar (its encoder fails for the whole read); logferry drops the scalar alone, counted',
    records: [0, 1, 2].map((i) => ({ tag: 'tcp.json', record: { c: '~t11~', i } })),
  },
  '~t12~': {
    why: 'Fluent Bit stops at an empty record (two separators in a row) and reads nothing more on that connection; logferry skips the empty record',
    records: ['a', 'b', 'c'].map((x) => ({ tag: 'tcp.tab', record: { log: `~t12~ ${x}` } })),
  },
};

describe('tcp and http inputs answer and emit as Fluent Bit 4.2.8', () => {
  it('every golden case: same answer, same records (tag and body) in the same order', async () => {
    const list = await freePorts(PORT_NAMES.length);
    const ports = Object.fromEntries(PORT_NAMES.map((n, i) => [n, list[i]!])) as unknown as NetPorts;
    const p = createPipeline(`${inputsConfig(ports)}[OUTPUT]\n    Name lib\n    Match *\n`, { log: () => {} });
    const seen: OutputBatch[] = [];
    p.on('records', (b) => {
      seen.push(b);
    });
    await p.start();
    let answers: Record<string, NetAnswer>;
    try {
      answers = await sendAll(ports);
    } finally {
      await p.stop({ grace: 5 });
    }
    const records = byCase(seen.flatMap((b) => b.events.map((e) => ({ tag: b.tag, record: e.record }))));
    expect(golden.cases.map((c) => c.id)).toEqual(NET_CASES.map((c) => c.id));
    for (const c of golden.cases) {
      expect({ id: c.id, answer: answers[c.id] }).toEqual({ id: c.id, answer: c.answer });
      expect({ id: c.id, records: records[c.id] }).toEqual({ id: c.id, records: DIFFERENCES[c.id]?.records ?? c.records });
    }
    // Every refused message is counted with its reason; nothing else is dropped.
    const metrics = p.metrics().input;
    expect(metrics['tcp.0']?.dropped).toEqual({
      [TCP_DROPS.invalid]: 2, // t03, t10
      'a top-level JSON number is not an object or an array': 1, // t11
      [TCP_DROPS.cut]: 1, // t04
    });
    expect(metrics['tcp.4']?.dropped).toEqual({ [TCP_DROPS.beyond]: 1 }); // t08
    expect(metrics['http.0']?.dropped).toEqual({ 'JSON value(s) after an array (Fluent Bit reads none)': 1, 'array item(s) that are not objects (string)': 1 });
    // h04 h05 h07 h08 h09 h11 h12 answered 400; h17 413.
    expect([metrics['http.0']?.counters['bad_requests'], metrics['http.1']?.counters['requests_too_large']]).toEqual([7, 1]);
  });
});
