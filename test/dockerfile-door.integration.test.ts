/**
 * The Dockerfile door against the real builder: the engine's own Dockerfile parser
 * (moby's, the one BuildKit's frontend shares) builds each file FROM scratch, and what it
 * recorded in the image config (labels, env, cmd, entrypoint, workdir, user, ports,
 * healthcheck) must equal what Moat read. Nothing is pulled; every image is labelled and
 * removed by name afterwards.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile } from '../src/doors/dockerfile/parse.ts';
import type { DockerfileSpec, Instruction } from '../src/models/dockerfile-spec.ts';
import { docker, TEST_LABEL } from './support/engine.ts';

const CASES: Record<string, string> = {
  continuations: 'FROM scratch\nLABEL a="x \\\n    # a comment the builder drops\n\n    y" \\\n  b=two\\ words "c d"=e\nENV E1=1 E2="q r" \\\n    E3=\'s\\ t\'\nENV LEGACY value with  spaces\nCMD echo hi \\\n  && echo there\n',
  'escape directive and CRLF': '# escape=`\r\nFROM scratch\r\nLABEL path="C:\\\\tools" `\r\n      other=1\r\nWORKDIR /srv/app\r\nENTRYPOINT ["/app", `\r\n  "--flag"]\r\nUSER 10001:10001\r\n',
  'byte-order mark, exec forms, ports, healthcheck': '\uFEFFFROM scratch\nEXPOSE 80 443/tcp 53/udp\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\nCMD ["a", "b c", "d\\"e"]\nENTRYPOINT [not, json]\n',
  'blanks after the escape, indented comments, # inside values': 'FROM scratch\nLABEL a=1 \\   \n  # indented comment\n\t\n  b=2\nLABEL c="# not a comment" d=\\#e\nCMD ["sh", "-c", \\\n  "x && \\\n   y"]\n',
  'json healthcheck and last-wins': 'FROM scratch\nLABEL k=1\nLABEL k=2\nENV A=1\nENV A=2\nHEALTHCHECK CMD ["/bin/check", "--quick"]\nWORKDIR /a\nWORKDIR /b/c\n',
};

const made: string[] = [];
after(async () => {
  if (made.length) await docker('rmi', '-f', ...made);
});

interface ImageConfig {
  Labels: Record<string, string> | null;
  Env: string[] | null;
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  WorkingDir: string;
  User: string;
  ExposedPorts: Record<string, object> | null;
  Healthcheck?: { Test: string[] } | null;
}

/** What the builder would record, computed from Moat's model alone. */
function expected(spec: DockerfileSpec): Partial<ImageConfig> {
  const labels: Record<string, string> = {};
  const env = new Map<string, string>();
  let cmd: string[] | null = null;
  let entrypoint: string[] | null = null;
  let workdir = '';
  let user = '';
  let ports: Record<string, object> | null = null;
  let health: string[] | undefined;
  const execOrShell = (i: Instruction): string[] => (i.json ? i.json.map((w) => w.value) : ['/bin/sh', '-c', i.text]);
  for (const i of spec.instructions) {
    if (i.keyword === 'LABEL') for (const p of i.pairs ?? []) labels[p.key] = p.value ?? '';
    if (i.keyword === 'ENV') for (const p of i.pairs ?? []) env.set(p.key, p.value ?? '');
    if (i.keyword === 'CMD') cmd = execOrShell(i);
    if (i.keyword === 'ENTRYPOINT') entrypoint = execOrShell(i);
    if (i.keyword === 'WORKDIR') workdir = i.text;
    if (i.keyword === 'USER') user = i.text;
    if (i.keyword === 'EXPOSE') ports = Object.fromEntries(i.args.map((w) => [w.value.includes('/') ? w.value : `${w.value}/tcp`, {}]));
    if (i.keyword === 'HEALTHCHECK') {
      const script = i.shell?.text;
      const json = /CMD\s+(\[.*\])\s*$/s.exec(i.text)?.[1];
      health = script !== undefined ? ['CMD-SHELL', script] : ['CMD', ...(JSON.parse(json ?? '[]') as string[])];
    }
  }
  labels[TEST_LABEL.split('=')[0] as string] = '1';
  return {
    Labels: labels,
    Env: [...env].map(([k, v]) => `${k}=${v}`),
    Cmd: cmd,
    Entrypoint: entrypoint,
    WorkingDir: workdir,
    User: user,
    ExposedPorts: ports,
    ...(health ? { Healthcheck: { Test: health } } : {}),
  };
}

for (const [name, text] of Object.entries(CASES)) {
  test(`the engine's builder and Moat read the same thing: ${name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moat-door-'));
    const tag = `moat-test/door-${made.length + 1}-${process.pid}:1`;
    try {
      writeFileSync(join(dir, 'Dockerfile'), text);
      await docker('build', '-q', '--label', TEST_LABEL, '-t', tag, dir);
      made.push(tag);
      const config = JSON.parse(await docker('image', 'inspect', '--format', '{{json .Config}}', tag)) as ImageConfig;
      const spec = await parseDockerfile(new TextEncoder().encode(text), { file: 'Dockerfile' });
      const want = expected(spec);
      const got: Partial<ImageConfig> = {
        Labels: config.Labels,
        Env: (config.Env ?? []).filter((e) => !e.startsWith('PATH=')),
        // The engine leaves unset fields out of its JSON.
        Cmd: config.Cmd ?? null,
        Entrypoint: config.Entrypoint ?? null,
        WorkingDir: config.WorkingDir ?? '',
        User: config.User ?? '',
        ExposedPorts: config.ExposedPorts ?? null,
        ...(config.Healthcheck ? { Healthcheck: { Test: config.Healthcheck.Test } } : {}),
      };
      assert.deepEqual(got, want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
