import { ConfigError, createPipeline, defineFilter, opt, registerPlugin, validateConfig, type LogEvent } from 'logferry';

// A filter written in TypeScript, used by Name in the configuration like a built-in one.
registerPlugin(
  defineFilter({
    name: 'add_team',
    description: 'Adds the owning team to every record',
    options: { team: opt.string({ required: true, doc: 'Team name to add' }) },
    // `options` is typed from the table above (options.team: string), parsed and defaulted once;
    // the second argument is the instance's context (name, logger, counters, host, parsers).
    create: (options) => ({
      filter: (_tag: string, events: LogEvent[]) => {
        for (const e of events) e.record['team'] = options.team;
        return events;
      },
    }),
  }),
);

const config = `
[INPUT]
    Name lib
    Tag  orders

[FILTER]
    Name  add_team
    Match *
    Team  checkout

[FILTER]
    Name    grep
    Match   *
    Exclude level ^debug$

[OUTPUT]
    Name  lib
    Match *
`;

// Problems come back as data, with line and column.
for (const d of validateConfig({ text: config })) console.log(`${d.line}:${d.column} ${d.severity} ${d.message}`);

const pipeline = createPipeline({ text: config }, { log: () => {} });
const received: Record<string, unknown>[] = [];
pipeline.on('records', (batch) => {
  for (const e of batch.events) received.push(e.record);
});
await pipeline.start();
pipeline.push('orders', [{ level: 'info', msg: 'order 1 paid' }, { level: 'debug', msg: 'cache warm' }]);
await pipeline.stop();
console.log(received); // [ { level: 'info', msg: 'order 1 paid', team: 'checkout' } ]
console.log(pipeline.metrics().filter['grep.0']?.counters); // { records: 2, bytes: 59, drop_records: 1, drop_bytes: 58 }

try {
  await pipeline.reload({ text: '[INPUT]\n    Name lib\n[OUTPUT]\n    Name lib\n    Matchh *\n' });
} catch (err) {
  if (err instanceof ConfigError) console.log(err.code, err.message); // LOGFERRY_CONFIG configuration has 1 error(s)
}
