/**
 * One rewritten line on a terminal's stderr, at most ten times a second: bytes read and
 * layers done while an image streams past. Callers create it only when stderr is a TTY.
 */
export class Progress {
  private bytes = 0;
  private layers = 0;
  private last = 0;
  private shown = false;
  private readonly out: NodeJS.WritableStream;
  constructor(out: NodeJS.WritableStream) {
    this.out = out;
  }
  add(n: number): void {
    this.bytes += n;
    this.draw(false);
  }
  layerDone(): void {
    this.layers++;
    this.draw(true);
  }
  clear(): void {
    if (this.shown) this.out.write('\r\u001b[K');
    this.shown = false;
  }
  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    this.out.write(`\r\u001b[Kreading image: ${(this.bytes / 1024 / 1024).toFixed(0)} MB, ${this.layers} layer${this.layers === 1 ? '' : 's'} done`);
  }
}
