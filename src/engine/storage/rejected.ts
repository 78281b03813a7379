/**
 * The dead-letter directory ([SERVICE] storage.keep.rejected with storage.rejected.path): chunks an
 * output dropped (error, retries exhausted, storage limit) are written there as JSON lines, one
 * file per dropped chunk, so nothing dropped is gone without a trace. Fluent Bit copies the raw
 * chunk; logferry writes readable lines (owner-only files, like chunk files): {"tag", "output", "reason", "time" (ns), "record"}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncodedRecords } from '../../record/encoded.js';
import { DIR_MODE, FILE_MODE } from './fs-storage.js';

export class RejectedStore {
  private seq = 0;

  constructor(readonly dir: string) {}

  write(output: string, tag: string, reason: string, records: EncodedRecords): string {
    mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
    this.seq++;
    const name = `${String(Date.now()).padStart(13, '0')}-${process.pid}-${this.seq}-${output.replace(/[^\w.-]/g, '_')}.jsonl`;
    const head = `{"tag":${JSON.stringify(tag)},"output":${JSON.stringify(output)},"reason":${JSON.stringify(reason)},"time":"`;
    let text = '';
    for (let i = 0; i < records.count; i++) text += head + records.time(i).toString() + '","record":' + records.json(i) + '}\n';
    const path = join(this.dir, name);
    writeFileSync(path, text, { mode: FILE_MODE });
    return path;
  }
}
