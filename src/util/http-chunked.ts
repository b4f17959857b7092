/**
 * The chunked framing of an HTTP/1.1 body (RFC 9112 §7.1), decoded without copying: the data
 * comes out as slices of the buffers it was given. Node's llhttp binding copies every body
 * byte into a new Buffer before its callback sees it; on an image export that is the whole
 * image copied once more, and the copies' collection (measured in docs/dependencies.md). The
 * status line and headers stay llhttp's; only the body's framing is read here, as strictly as
 * llhttp reads it (src/util/http-chunked.test.ts holds the two to the same answers).
 */

/** Where in the framing the next byte falls (numbers: the decoder's switch stays a jump table). */
const State = {
  Size: 0,
  SizeLf: 1,
  Data: 2,
  DataCr: 3,
  DataLf: 4,
  ExtNameStart: 5,
  ExtName: 6,
  ExtValueStart: 7,
  ExtValue: 8,
  ExtQuoted: 9,
  ExtQuotedPair: 10,
  ExtQuotedEnd: 11,
  TrailerStart: 12,
  TrailerName: 13,
  TrailerValue: 14,
  TrailerLf: 15,
  EndLf: 16,
  Done: 17,
} as const;
type State = (typeof State)[keyof typeof State];

/** What a write found: more to come, the body's end (with how many bytes of the buffer it used), or what was wrong. */
export type ChunkedStep = { kind: 'more' } | { kind: 'end'; used: number } | { kind: 'error'; detail: string };

const MORE: ChunkedStep = { kind: 'more' };
const CR = 0x0d;
const LF = 0x0a;
const SEMI = 0x3b;
const QUOTE = 0x22;

export class ChunkedDecoder {
  private state: State = State.Size;
  private size = 0;
  private digits = 0;
  private left = 0;

  /** Decodes `buf`, giving each run of data to `data` (a slice of `buf`, never copied). */
  write(buf: Buffer, data: (slice: Buffer) => void): ChunkedStep {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      const c = buf[i] as number;
      switch (this.state) {
        case State.Data: {
          const take = Math.min(this.left, n - i);
          data(buf.subarray(i, i + take));
          i += take;
          this.left -= take;
          if (this.left === 0) this.state = State.DataCr;
          continue;
        }
        case State.Size: {
          const v = hexValue(c);
          if (v >= 0) {
            // Past 2^53 a size is no longer exact; no body Moat reads comes near it.
            if (this.size > (Number.MAX_SAFE_INTEGER - v) / 16) return fail('a chunk size past 2^53 bytes');
            this.size = this.size * 16 + v;
            this.digits++;
          } else if (this.digits === 0) return fail(`a chunk size expected, found ${describe(c)}`);
          else if (c === SEMI) this.state = State.ExtNameStart;
          else if (c === CR) this.state = State.SizeLf;
          else return fail(`${describe(c)} in a chunk size`);
          break;
        }
        case State.SizeLf:
          if (c !== LF) return fail(`a line feed expected after a chunk size, found ${describe(c)}`);
          this.state = this.size === 0 ? State.TrailerStart : State.Data;
          this.left = this.size;
          this.size = 0;
          this.digits = 0;
          break;
        case State.DataCr:
          if (c !== CR) return fail(`the end of a chunk's data expected, found ${describe(c)}`);
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (c !== LF) return fail(`a line feed expected after a chunk's data, found ${describe(c)}`);
          this.state = State.Size;
          break;
        // chunk-ext = *( ";" token [ "=" ( token / quoted-string ) ] ), read as llhttp reads it in strict mode: no whitespace.
        case State.ExtNameStart:
          // llhttp lets a name be empty (";=v", ";;"), but not a size line end right after ";".
          if (isToken(c)) this.state = State.ExtName;
          else if (c === 0x3d) this.state = State.ExtValueStart;
          else if (c !== SEMI) return fail(`${describe(c)} where a chunk extension's name begins`);
          break;
        case State.ExtName:
          if (c === 0x3d) this.state = State.ExtValueStart;
          else if (!this.extensionGoesOn(c) && !isToken(c)) return fail(`${describe(c)} in a chunk extension's name`);
          break;
        case State.ExtValueStart:
          if (c === QUOTE) this.state = State.ExtQuoted;
          else if (isToken(c)) this.state = State.ExtValue;
          else if (!this.extensionGoesOn(c)) return fail(`${describe(c)} in a chunk extension's value`);
          break;
        case State.ExtValue:
          // llhttp, again: a quote inside a token value opens a quoted part (`0"a b"`).
          if (c === QUOTE) this.state = State.ExtQuoted;
          else if (!this.extensionGoesOn(c) && !isToken(c)) return fail(`${describe(c)} in a chunk extension's value`);
          break;
        case State.ExtQuoted:
          if (c === QUOTE) this.state = State.ExtQuotedEnd;
          else if (c === 0x5c) this.state = State.ExtQuotedPair;
          else if (!isFieldText(c)) return fail(`${describe(c)} in a chunk extension's quoted value`);
          break;
        case State.ExtQuotedPair:
          if (!isFieldText(c)) return fail(`${describe(c)} escaped in a chunk extension's quoted value`);
          this.state = State.ExtQuoted;
          break;
        case State.ExtQuotedEnd:
          if (!this.extensionGoesOn(c)) return fail(`${describe(c)} after a chunk extension's quoted value`);
          break;
        // trailer-section = *( field-name ":" field-value CRLF ), no folded lines.
        case State.TrailerStart:
          if (c === CR) this.state = State.EndLf;
          else if (isToken(c)) this.state = State.TrailerName;
          else return fail(`${describe(c)} where a trailer field begins`);
          break;
        case State.TrailerName:
          if (c === 0x3a) this.state = State.TrailerValue;
          else if (!isToken(c)) return fail(`${describe(c)} in a trailer field's name`);
          break;
        case State.TrailerValue:
          if (c === CR) this.state = State.TrailerLf;
          else if (!isFieldText(c)) return fail(`${describe(c)} in a trailer field's value`);
          break;
        case State.TrailerLf:
          if (c !== LF) return fail(`a line feed expected after a trailer field, found ${describe(c)}`);
          this.state = State.TrailerStart;
          break;
        case State.EndLf:
          if (c !== LF) return fail(`a line feed expected at the body's end, found ${describe(c)}`);
          this.state = State.Done;
          return { kind: 'end', used: i + 1 };
        case State.Done:
          return { kind: 'end', used: 0 };
      }
      i++;
    }
    return MORE;
  }

  /** Whether the body's end was read. */
  get complete(): boolean {
    return this.state === State.Done;
  }

  /** After an extension's name or value: another extension, or the size line's end. */
  private extensionGoesOn(c: number): boolean {
    if (c === SEMI) this.state = State.ExtNameStart;
    else if (c === CR) this.state = State.SizeLf;
    else return false;
    return true;
  }
}

function fail(detail: string): ChunkedStep {
  return { kind: 'error', detail: `chunked body: ${detail}` };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** A field value's or quoted string's bytes: tab, space, visible characters and obs-text; no other control character. */
function isFieldText(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f);
}

const TOKEN = new Uint8Array(256);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[ch.charCodeAt(0)] = 1;

/** RFC 9110 tchar. */
function isToken(c: number): boolean {
  return TOKEN[c] === 1;
}

function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
