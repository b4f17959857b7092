/** One HTTP/1.1 answer as a client reads it off the wire. */
export interface Reply {
  /** The status line whole (`HTTP/1.1 200 OK`). */
  statusLine: string;
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/**
 * The complete answers (Content-Length framed) in what a client read; a partial one at the end
 * is left out. `stopAtClose`: as a client does, nothing after an answer that closes the
 * connection is read (node:http can write more there: a chunked body cut by bad bytes gets
 * its 400 twice, with a stray chunk between).
 */
export function parseReplies(raw: string, opts: { stopAtClose?: boolean } = {}): Reply[] {
  const out: Reply[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const [line = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const length = Number(headers['content-length'] ?? 0);
    if (rest.length < end + 4 + length) return out;
    out.push({ statusLine: line, status: Number(line.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    if (opts.stopAtClose && headers.connection?.toLowerCase() === 'close') return out;
    rest = rest.slice(end + 4 + length);
  }
}
