/**
 * Finds the first syntax error in a JSON text (RFC 8259, what dockerd's Go decoder
 * accepts) and says what is wrong in words, with its offset. JSON.parse stays the
 * judge of validity; its own messages are not used because V8 reports some errors
 * with a position and others (`Unexpected token '}', ..."x": }" is not valid JSON`)
 * with none. Iterative, so a deeply nested file cannot exhaust the stack.
 */
export interface JsonSyntaxError {
  /** UTF-16 offset of the offending character (the text's length at end of input). */
  offset: number;
  message: string;
}

type Container = '{' | '[';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let pos = 0;
  const stack: Container[] = [];
  const fail = (message: string, at = pos): JsonSyntaxError => ({ offset: at, message });
  const skipWs = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const describe = (at: number): string => {
    if (at >= text.length) return 'end of file';
    const ch = text[at] ?? '';
    if (ch === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) return 'a comment (JSON has no comments)';
    if (ch === "'") return "a single quote (JSON strings use double quotes)";
    const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(at, at + 40))?.[0];
    if (word) return `\`${word}\` (text must be in double quotes; literals are true, false and null)`;
    const code = ch.charCodeAt(0);
    if (code < 0x20) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return `'${ch}'`;
  };

  /** Reads one string starting at the opening quote; returns an error or undefined. */
  const readString = (): JsonSyntaxError | undefined => {
    pos++;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return undefined;
      }
      if (c < 0x20) return fail(`${c === 0x0a ? 'line break' : describe(pos)} inside a string (escape it, e.g. \\n)`);
      if (c === 0x5c) {
        const e = text[pos + 1];
        if (e === undefined) break;
        if ('"\\/bfnrt'.includes(e)) pos += 2;
        else if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(pos + 2, pos + 6))) return fail('\\u must be followed by four hexadecimal digits');
          pos += 6;
        } else return fail(`invalid escape \\${e} in a string`);
        continue;
      }
      pos++;
    }
    return fail('end of file inside a string (missing closing ")');
  };

  const readNumber = (): JsonSyntaxError | undefined => {
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail(`invalid number ${/^[-+\w.]+/.exec(text.slice(pos, pos + 40))?.[0] ?? describe(pos)}`);
    const end = pos + m[0].length;
    // `01`, `1.`, `.5`, `1e` are not JSON numbers: the digits run on where the grammar stops.
    if (/[\w.+-]/.test(text[end] ?? '')) return fail(`invalid number ${/^[-+\w.]+/.exec(text.slice(pos, pos + 40))?.[0] ?? m[0]}`);
    pos = end;
    return undefined;
  };

  /** After a value: what closes or continues the enclosing container. Returns true when the document is complete. */
  const afterValue = (): JsonSyntaxError | true | undefined => {
    for (;;) {
      skipWs();
      const top = stack[stack.length - 1];
      if (top === undefined) return pos < text.length ? fail(`unexpected ${describe(pos)} after the end of the JSON document`) : true;
      const ch = text[pos];
      const close = top === '{' ? '}' : ']';
      if (ch === close) {
        stack.pop();
        pos++;
        continue;
      }
      if (ch === ',') {
        pos++;
        skipWs();
        if (text[pos] === close) return fail(`trailing comma before '${close}' (JSON does not allow one)`);
        if (top === '{') return objectKey();
        return undefined;
      }
      if (pos >= text.length) return fail(`end of file inside ${top === '{' ? 'an object (missing })' : 'an array (missing ])'}`);
      return fail(`expected ',' or '${close}' ${top === '{' ? 'after an object member' : 'after an array element'}, found ${describe(pos)}`);
    }
  };

  /** At the start of an object member: a key, a colon. Leaves pos at the value. */
  const objectKey = (): JsonSyntaxError | undefined => {
    skipWs();
    if (text[pos] !== '"') return fail(`expected a property name in double quotes, found ${describe(pos)}`);
    const err = readString();
    if (err) return err;
    skipWs();
    if (text[pos] !== ':') return fail(`expected ':' after the property name, found ${describe(pos)}`);
    pos++;
    return undefined;
  };

  skipWs();
  if (pos >= text.length) return fail('the file is empty');
  for (;;) {
    skipWs();
    const ch = text[pos];
    let err: JsonSyntaxError | undefined;
    if (ch === '{' || ch === '[') {
      stack.push(ch);
      pos++;
      skipWs();
      const close = ch === '{' ? '}' : ']';
      if (text[pos] === close) {
        stack.pop();
        pos++;
      } else {
        if (ch === '{') {
          err = objectKey();
          if (err) return err;
        }
        continue;
      }
    } else if (ch === '"') err = readString();
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) err = readNumber();
    else if (text.startsWith('true', pos) || text.startsWith('null', pos)) pos += 4;
    else if (text.startsWith('false', pos)) pos += 5;
    else err = fail(pos >= text.length ? `end of file where a value was expected` : `expected a value, found ${describe(pos)}`);
    if (err) return err;
    const next = afterValue();
    if (next === true) return undefined;
    if (next) return next;
  }
}

/** 1-based line and column of a UTF-16 offset; lines end at \n (a \r before it belongs to the line). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
