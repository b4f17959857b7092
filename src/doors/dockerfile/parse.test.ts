import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from './parse.ts';
import { MoatError } from '../../util/errors.ts';
import type { DockerfileSpec, ShellCommand } from '../../models/dockerfile-spec.ts';

const parse = (text: string | Uint8Array): Promise<DockerfileSpec> => parseDockerfile(text, { file: 'Dockerfile' });
const pos = (c: { at: { line?: number; column?: number } }): [number | undefined, number | undefined] => [c.at.line, c.at.column];
const cmds = (spec: DockerfileSpec): ShellCommand[] => spec.instructions.flatMap((i) => (i.onbuild ?? i).shell?.commands ?? []);

async function rejects(text: string | Uint8Array, message: RegExp): Promise<void> {
  await assert.rejects(parse(text), (e: unknown) => {
    assert.ok(e instanceof MoatError, `not a MoatError: ${String(e)}`);
    assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('continuation lines join as BuildKit joins them: comments and blank lines inside are dropped', async () => {
  const spec = await parse('FROM debian:12\nRUN apt-get update && \\\n    # install the tools\n\n    apt-get install -y "foo bar" curl\n');
  const run = spec.instructions[1];
  assert.equal(run?.text, 'apt-get update &&     apt-get install -y "foo bar" curl');
  assert.deepEqual(run?.span, { line: 2, column: 1, endLine: 5, endColumn: 38 });
  const [update, install] = cmds(spec);
  assert.deepEqual(pos(update as ShellCommand), [2, 5]);
  assert.deepEqual(install?.argv.map((w) => [w.value, w.at.line, w.at.column]), [
    ['apt-get', 5, 5],
    ['install', 5, 13],
    ['-y', 5, 21],
    ['foo bar', 5, 24],
    ['curl', 5, 34],
  ]);
});

test('a real shell parser finds commands in && chains, pipes, if blocks, subshells and substitutions', async () => {
  const spec = await parse('FROM debian:12\nRUN set -eux; if [ -n "$X" ]; then (cd /src && make install); fi; curl -fsSL https://x.example | tar -xz; echo "$(id -u)" || true\n');
  const names = cmds(spec).map((c) => `${c.name}${c.pipeline !== undefined ? '|' : ''}${c.conditional ? '?' : ''}`);
  assert.deepEqual(names, ['set', 'cd?', 'make?', 'curl|', 'tar|', 'echo', 'id?', 'true?']);
  assert.equal(spec.instructions[1]?.shell?.hasPipe, true);
  assert.equal(cmds(spec).find((c) => c.name === 'echo')?.argv[1]?.literal, false);
});

test('flags of RUN, COPY and FROM are read with their positions; JSON and shell forms are told apart', async () => {
  const spec = await parse('FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nRUN --mount=type=cache,target=/root/.cache --network=none go build\nFROM debian:12\nCOPY --from=build --chown=10001 /out /app\nCMD ["/app", "--port", "8080"]\nENTRYPOINT [not json\n');
  const [from, run, , copy, cmd, entry] = spec.instructions;
  assert.deepEqual(from?.flags.map((f) => [f.name, f.value, f.at.column]), [['platform', '$BUILDPLATFORM', 6]]);
  assert.deepEqual(run?.flags.map((f) => f.name), ['mount', 'network']);
  assert.equal(run?.text, 'go build');
  assert.deepEqual(copy?.flags.map((f) => `${f.name}=${f.value}`), ['from=build', 'chown=10001']);
  assert.deepEqual(cmd?.json?.map((w) => [w.value, w.at.column]), [['/app', 6], ['--port', 14], ['8080', 24]]);
  assert.equal(entry?.json, undefined);
  assert.ok(entry?.shell, 'an invalid JSON array is the shell form');
  assert.equal(spec.stages[1]?.base.repository, 'debian');
});

test('ARG before FROM feeds the base image; stages are named and referenced', async () => {
  const spec = await parse('ARG BASE=ghcr.io/acme/base:1.2@sha256:abc\nARG VARIANT\nFROM ${BASE} AS Base\nFROM base\nFROM localhost:5000/x/y:$VARIANT\n');
  assert.equal(spec.globalArgs.length, 2);
  const [a, b, c] = spec.stages;
  assert.deepEqual([a?.name, a?.base.registry, a?.base.repository, a?.base.tag, a?.base.digest], ['base', 'ghcr.io', 'acme/base', '1.2', 'sha256:abc']);
  assert.equal(b?.base.stage, 0);
  assert.deepEqual([c?.base.registry, c?.base.usesVariable], ['localhost:5000', true]);
});

test('heredocs: a RUN script is parsed as shell with its own positions; COPY bodies are data; <<- strips tabs', async () => {
  const spec = await parse('FROM debian:12\nRUN <<EOF\nset -e\napt-get install -y curl\nEOF\nCOPY <<-"CONF" /etc/app.conf\n\tkey=$VALUE\n\tCONF\nRUN python3 <<PY\nimport os\nPY\nCMD ["x"]\n');
  const [, run, copy, py, cmd] = spec.instructions;
  assert.deepEqual(run?.heredocs.map((h) => [h.name, h.script, h.body]), [['EOF', true, 'set -e\napt-get install -y curl\n']]);
  assert.deepEqual(run?.shell?.commands.map((c) => [c.name, ...pos(c)]), [['set', 3, 1], ['apt-get', 4, 1]]);
  assert.deepEqual(copy?.heredocs.map((h) => [h.name, h.quoted, h.stripTabs, h.body, h.script]), [['CONF', true, true, 'key=$VALUE\n', false]]);
  assert.deepEqual(py?.heredocs.map((h) => h.script), [false]);
  assert.deepEqual(py?.shell?.commands.map((c) => c.name), ['python3']);
  assert.equal(cmd?.span.line, 12);
});

test('ONBUILD registers a trigger parsed like any instruction', async () => {
  const spec = await parse('FROM debian:12\nONBUILD RUN apt-get install -y curl\nONBUILD COPY --chown=1 . /src\n');
  const [, a, b] = spec.instructions;
  assert.equal(a?.onbuild?.keyword, 'RUN');
  assert.equal(a?.onbuild?.trigger, true);
  assert.deepEqual(a?.onbuild?.shell?.commands.map((c) => [c.name, ...pos(c)]), [['apt-get', 2, 13]]);
  assert.deepEqual(b?.onbuild?.flags.map((f) => f.name), ['chown']);
});

test('the escape and syntax directives are read; with escape=` the backtick continues lines', async () => {
  const spec = await parse('# syntax=docker/dockerfile:1.7\n# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n  && echo b\nWORKDIR C:\\app\n');
  assert.deepEqual(spec.directives.map((d) => [d.name, d.value]), [['syntax', 'docker/dockerfile:1.7'], ['escape', '`']]);
  assert.equal(spec.escape, '`');
  assert.equal(spec.instructions[1]?.text, 'echo a   && echo b');
  assert.equal(spec.instructions[2]?.text, 'C:\\app');
  // Once an instruction has started, `# escape=` is an ordinary comment.
  const late = await parse('FROM x\n# escape=`\nRUN a \\\n  b\n');
  assert.equal(late.escape, '\\');
  assert.equal(late.instructions[1]?.text, 'a   b');
});

test('a SHELL that is not POSIX stops shell parsing, and a stage built on another inherits it', async () => {
  const spec = await parse('FROM mcr.microsoft.com/powershell AS ps\nSHELL ["pwsh", "-c"]\nRUN Get-ChildItem | Select-Object Name\nFROM ps\nRUN Write-Host hi\nFROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n');
  const runs = spec.instructions.filter((i) => i.keyword === 'RUN');
  assert.deepEqual(runs.map((r) => r.shell?.shell.join(' ')), [undefined, undefined, '/bin/bash -o pipefail -c']);
});

test('CRLF line ends and a UTF-8 byte-order mark change no position', async () => {
  const lf = await parse('FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl\n');
  const crlf = await parse(new TextEncoder().encode('\uFEFFFROM debian:12\r\nRUN apt-get update \\\r\n  && apt-get install -y curl\r\n'));
  const shape = (s: DockerfileSpec) => [s.instructions.map((i) => [i.keyword, i.text, i.span]), cmds(s).map((c) => [c.name, ...pos(c)])];
  assert.deepEqual(shape(crlf), shape(lf));
  assert.deepEqual(pos(cmds(crlf)[1] as ShellCommand), [3, 6]);
});

test('columns count UTF-16 units, as SARIF does', async () => {
  const spec = await parse('FROM debian:12\nRUN echo "héllo wörld 😀" && apt-get install -y x\n');
  // The emoji is two UTF-16 units: apt-get starts at 30 (29 in code points).
  assert.deepEqual(pos(cmds(spec)[1] as ShellCommand), [2, 30]);
});

test('bad input gets a located one-line error', async () => {
  await rejects(new Uint8Array([0x46, 0x52, 0x4f, 0x4d, 0x0a, 0x00, 0x01]), /^Dockerfile:2:1: NUL byte: this is a binary file/);
  await rejects(new Uint8Array([0xff, 0xfe, 0x46, 0x00]), /^Dockerfile:1:1: file is UTF-16 encoded/);
  await rejects(new Uint8Array([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xc3, 0x28]), /^Dockerfile:1:6: invalid UTF-8/);
  await rejects('FROM debian:12\nRUN <<EOF\necho never closed\n', /^Dockerfile:2:5: unterminated heredoc <<EOF: no line "EOF" closes it/);
  await rejects('# escape=x\nFROM debian:12\n', /^Dockerfile:1:10: invalid escape directive "x"/);
  await rejects('# escape=`\n# escape=\\\nFROM x\n', /^Dockerfile:2:1: the "escape" parser directive is given twice/);
  await rejects('FROM x\n"quoted"\n', /^Dockerfile:2:1: .* is not an instruction/);
  await rejects(new Uint8Array(4 * 1024 * 1024 + 1).fill(0x23), /^Dockerfile: file is 4\.0 MiB, over the 4 MiB limit/);
});

test('a large Dockerfile parses in linear time', async () => {
  const body = Array.from({ length: 2000 }, (_, i) => `RUN apt-get install -y pkg${i}=1.0 && echo ${i} | tee /log${i}`).join('\n');
  const t0 = performance.now();
  const spec = await parse(`FROM debian:12\n${body}\n`);
  const ms = performance.now() - t0;
  assert.equal(cmds(spec).length, 6000);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test('commands in a <<- heredoc keep their real columns (after the stripped tabs)', async () => {
  const spec = await parse('FROM debian:12\nRUN <<-EOF\n\t\tapt-get install -y curl\n\tEOF\n');
  assert.deepEqual(spec.instructions[1]?.shell?.commands.map((c) => [c.name, ...pos(c)]), [['apt-get', 3, 3]]);
});

test('a RUN gives its blank-split words with their positions, long or short (a long one makes them when they are read)', async () => {
  const long = `apt-get update && apt-get install -y --no-install-recommends ${Array.from({ length: 30 }, (_, i) => `pkg${i}`).join(' ')} \\\n    && rm -rf /var/lib/apt/lists/*`;
  const spec = await parse(`FROM debian:12\nRUN  echo hi  there\nRUN ${long}\n`);
  const [, short, chain] = spec.instructions;
  assert.deepEqual(short?.args.map((w) => [w.value, w.at.line, w.at.column]), [['echo', 2, 6], ['hi', 2, 11], ['there', 2, 15]]);
  const words = chain?.args ?? [];
  assert.ok((chain?.text.length ?? 0) > 128);
  assert.equal(words.length, 41);
  assert.deepEqual([words[0]?.value, words[0]?.at.line, words[0]?.at.column], ['apt-get', 3, 5]);
  // Past the continuation: the next line, where the word is.
  assert.deepEqual([words.at(-1)?.value, words.at(-1)?.at.line, words.at(-1)?.at.column], ['/var/lib/apt/lists/*', 4, 15]);
  // Read twice, the same words; set, the value given.
  assert.equal(chain?.args, words);
  if (chain) chain.args = [];
  assert.deepEqual(chain?.args, []);
  assert.ok(Object.keys(chain ?? {}).includes('args'), 'an own, enumerable property, as on every instruction');
});
