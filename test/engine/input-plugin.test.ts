import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../src/record/event.js';
import { capture, planFrom } from '../support/pipeline.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir('logferry-input-plugin-');

/** The (tag, inputPlugin) of every batch the lib outputs receive. */
function sources(batches: EventBatch[]): string[] {
  return batches.map((b) => `${b.tag}<-${b.inputPlugin}`);
}

describe('batches tell outputs which input plugin they come from (Fluent Bit i_ins->p->name)', () => {
  it('an input chunk names its plugin; records a rewrite_tag filter re-emits come from the emitter', async () => {
    const batches: EventBatch[] = [];
    const run = capture(
      planFrom(
        '[SERVICE]\n    Flush 0.05\n    Grace 1\n\n[INPUT]\n    Name lib\n    Tag app\n\n' +
          '[FILTER]\n    Name rewrite_tag\n    Match app\n    Rule $level ^error$ errors false\n\n' +
          '[OUTPUT]\n    Name lib\n    Match *\n',
      ),
      { receiver: (_n, b) => void batches.push(b) },
    );
    await run.pipeline.start();
    run.pipeline.push([{ level: 'info' }, { level: 'error' }]);
    await run.pipeline.stop();
    expect(sources(batches).sort()).toEqual(['app<-lib', 'errors<-emitter']);
  });

  it('chunks a previous run left on disk come from storage_backlog', async () => {
    const config =
      `[SERVICE]\n    Flush 0.05\n    Grace 1\n    storage.path ${join(tmp.path, 'buffer')}\n\n` +
      '[INPUT]\n    Name lib\n    Tag app\n    storage.type filesystem\n\n[OUTPUT]\n    Name lib\n    Match *\n    Retry_Limit no_limits\n';
    const first = capture(planFrom(config), {
      retryDelayMs: () => 20,
      receiver: () => {
        throw new Error('sink down');
      },
    });
    await first.pipeline.start();
    first.pipeline.push([{ n: 1 }]);
    await first.pipeline.stop(0.2);

    const batches: EventBatch[] = [];
    const second = capture(planFrom(config), { receiver: (_n, b) => void batches.push(b) });
    await second.pipeline.start();
    second.pipeline.push([{ n: 2 }]);
    await second.pipeline.stop();
    expect(sources(batches)).toEqual(['app<-storage_backlog', 'app<-lib']);
  });
});
