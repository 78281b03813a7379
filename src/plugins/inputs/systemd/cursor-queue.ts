/**
 * The cursors of appended batches, in read order. The engine releases batches (safely buffered or
 * delivered) possibly out of order, across tags; the cursor that may be stored is that of the
 * newest batch whose earlier batches are all released, so a restart never skips an entry that was
 * not buffered (it may read some twice).
 */
export class CursorQueue {
  private cursors: string[] = [];
  private done: boolean[] = [];
  private head = 0;
  private base = 0;

  constructor(private readonly onAdvance: (cursor: string) => void) {}

  get outstanding(): number {
    return this.cursors.length - this.head;
  }

  add(cursor: string): () => void {
    const seq = this.base + this.cursors.length;
    this.cursors.push(cursor);
    this.done.push(false);
    let called = false;
    return () => {
      if (called) return;
      called = true;
      this.done[seq - this.base] = true;
      this.advance();
    };
  }

  private advance(): void {
    let head = this.head;
    let last: string | undefined;
    while (head < this.cursors.length && this.done[head] === true) last = this.cursors[head++];
    this.head = head;
    if (head > 1024 && head * 2 > this.cursors.length) {
      this.cursors.splice(0, head);
      this.done.splice(0, head);
      this.base += head;
      this.head = 0;
    }
    if (last !== undefined) this.onAdvance(last);
  }
}
