/** The plain-command path of `parseShell` gives exactly what the grammar gives, and only where it may. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShell, parseShellTree, shellParser } from './shell.ts';
import { MappedText } from './text.ts';

function mapped(text: string): MappedText {
  const m = new MappedText();
  m.append(text, 7, 5);
  return m;
}

test('plain commands: the same commands, words and positions as the grammar', async () => {
  const parser = await shellParser();
  for (const text of ['make install', 'echo line 4', '  npm ci --omit=dev  ', 'go build -o /out/app ./cmd/app', 'chmod 755 /usr/local/bin/x', 'pip install flask==2.0', 'useradd -u 10001 app', 'a', 'x.y-z/w:1,2@3+4%5^6']) {
    const sh = ['/bin/sh', '-c'];
    assert.deepEqual(parseShell(parser, mapped(text), sh, 'Dockerfile'), parseShellTree(parser, mapped(text), sh, 'Dockerfile'), text);
  }
});

test('anything the shell treats specially goes to the grammar', async () => {
  const parser = await shellParser();
  for (const text of ['a && b', 'FOO=1 make', 'echo "x"', "echo 'x'", 'echo $HOME', 'ls *', 'a | b', 'a > f', 'if true', 'for x', 'echo ~', 'a # c', 'a\nb', 'a;b', 'a\\ b', 'echo `x`', '{ a; }']) {
    const sh = ['/bin/sh', '-c'];
    // The grammar path and parseShell agree here too: parseShell did not take the shortcut wrongly.
    assert.deepEqual(parseShell(parser, mapped(text), sh, 'Dockerfile'), parseShellTree(parser, mapped(text), sh, 'Dockerfile'), text);
  }
});
