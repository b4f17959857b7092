import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MoatError } from '../../util/errors.ts';
import { containerFromRunArgs } from './argv.ts';
import { RUN_FLAGS } from './flags.ts';
import { findRunLines } from './shell.ts';

const run = promisify(execFile);

/** The installed docker CLI's own `--help` is the oracle for which flags exist and which take a value. */
async function cliFlags(verb: string): Promise<Map<string, { short?: string; takesValue: boolean }>> {
  const { stdout } = await run('docker', [verb, '--help']);
  const out = new Map<string, { short?: string; takesValue: boolean }>();
  for (const m of stdout.matchAll(/^\s+(?:-(\w), )?--([\w-]+)(?: (\S+))?/gm)) out.set(m[2] as string, { ...(m[1] ? { short: m[1] } : {}), takesValue: m[3] !== undefined });
  return out;
}

test("the flag table matches the installed CLI's docker run and docker create --help", async () => {
  for (const verb of ['run', 'create']) {
    const cli = await cliFlags(verb);
    assert.ok(cli.size > 90, `parsed ${cli.size} flags from docker ${verb} --help`);
    const visible = RUN_FLAGS.filter((f) => !f.hidden && (verb === 'run' || !f.runOnly));
    assert.deepEqual(visible.map((f) => f.long).sort(), [...cli.keys()].sort(), `docker ${verb}: the same flags`);
    for (const f of visible) {
      assert.equal(f.kind === 'value', cli.get(f.long)?.takesValue, `--${f.long} ${f.kind}`);
      assert.equal(f.short, cli.get(f.long)?.short, `--${f.long} shorthand`);
    }
  }
});

test('reads long, short, combined and attached forms like pflag', () => {
  const r = containerFromRunArgs(['docker', '--host', 'unix:///x', 'container', 'run', '-itdP', '-p80:80', '-m=64m', '--cpus=0.25', '-u', '-1', '--read-only=true', '--privileged=false', 'img', '--privileged', 'x']);
  assert.equal(r.verb, 'run');
  assert.equal(r.spec.image, 'img');
  assert.deepEqual(r.command, ['--privileged', 'x'], 'flags stop at the image');
  assert.equal(r.spec.publishAllPorts, true);
  assert.equal(r.spec.resources.memory, 64 * 1024 * 1024);
  assert.equal(r.spec.resources.nanoCpus, 250_000_000);
  assert.equal(r.spec.user, '-1', 'a value flag takes the next word whatever it looks like');
  assert.equal(r.spec.readOnlyRootfs, true);
  assert.equal(r.spec.privileged, false);
  assert.deepEqual(r.spec.ports.map((p) => [p.hostIp, p.hostPort, p.containerPort]), [['', 80, 80]]);
  assert.deepEqual(r.spec.where['resources.memory'], { path: 'argv[7]' });
  assert.deepEqual(containerFromRunArgs(['create', '--privileged', 'false']).spec.image, 'false', 'a bool flag never takes the next word');
  assert.equal(containerFromRunArgs(['run', '--', 'img']).spec.image, 'img');
});

test('maps the security-relevant flags', () => {
  const r = containerFromRunArgs([
    'run', '--cap-add=ALL', '--cap-add', 'cap_net_admin', '--cap-drop', 'CAP_CHOWN', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor:unconfined',
    '--pid=host', '--network', 'name=front,alias=web', '--network', 'back', '-v', '/:/host:ro,rshared', '-v', 'data:/data:z', '--mount', 'type=bind,"src=/a,b",dst=/c,ro=true,bind-propagation=rslave',
    '--tmpfs', '/run:ro', '--device', '/dev/sda:rw', '--ulimit', 'nofile=1:2', '--ulimit', 'nofile=3', '--restart', 'on-failure:5', '--no-healthcheck',
    '-p', '[::1]:80:80', '-p', '127.0.0.1:8080-8081:80-81/udp', '-p', '9000-9010:90', '--use-api-socket', '--sysctl', 'net.core.somaxconn=1024', '-e', 'HOME', 'img',
  ], { env: { HOME: '/root' } });
  const s = r.spec;
  assert.deepEqual(s.capAdd, ['ALL', 'NET_ADMIN']);
  assert.deepEqual(s.capDrop, ['CHOWN']);
  assert.equal(s.security.seccomp, 'unconfined');
  assert.equal(s.security.apparmor, 'unconfined');
  assert.equal(s.namespaces.pid, 'host');
  assert.equal(s.namespaces.network, 'front');
  assert.deepEqual(s.networks, ['front', 'back']);
  assert.deepEqual(s.mounts.map((m) => [m.type, m.source, m.target, m.readOnly, m.propagation]), [
    ['bind', '/', '/host', true, 'rshared'], ['volume', 'data', '/data', false, undefined], ['bind', '/a,b', '/c', true, 'rslave'], ['tmpfs', '', '/run', true, undefined],
    ['bind', '/var/run/docker.sock', '/var/run/docker.sock', false, undefined],
  ]);
  assert.deepEqual(s.devices.map((d) => [d.hostPath, d.containerPath, d.permissions]), [['/dev/sda', '/dev/sda', 'rw']]);
  assert.deepEqual(s.resources.ulimits.map((u) => [u.name, u.soft, u.hard]), [['nofile', 3, 3]], 'a later --ulimit of the same name replaces');
  assert.deepEqual(s.restartPolicy, { name: 'on-failure', maxRetries: 5 });
  assert.deepEqual(s.healthcheck, { test: ['NONE'], disabled: true });
  assert.deepEqual(s.ports.map((p) => [p.hostIp, p.hostPort, p.hostPortEnd, p.containerPort, p.protocol]), [
    ['::1', 80, undefined, 80, 'tcp'], ['127.0.0.1', 8080, undefined, 80, 'udp'], ['127.0.0.1', 8081, undefined, 81, 'udp'], ['', 9000, 9010, 90, 'tcp'],
  ]);
  assert.deepEqual(s.sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual(s.env, ['HOME=/root']);
  assert.ok(r.set.includes('privileged') === false && s.where.privileged !== undefined, 'unset fields point at the command');
});

test('rejects what the CLI rejects, at the offending word, in one line', () => {
  const bad: Array<[string[], RegExp]> = [
    [['run', '--privilegd', 'img'], /argv\[1\]: unknown flag --privilegd/],
    [['run', '-Z', 'img'], /unknown shorthand flag 'Z'/],
    [['create', '-d', 'img'], /docker run flag; docker create rejects it/],
    [['run', '--name'], /--name needs a value/],
    [['run', '--privileged=maybe', 'img'], /invalid boolean "maybe"/],
    [['run', '-p', '70000:80', 'img'], /argv\[2\]: --publish: host port "70000" is out of range/],
    [['run', '-p', '1.2.3:80:80', 'img'], /invalid host IP/],
    [['run', '-p', '8000-8002:80-81', 'img'], /differ in size/],
    [['run', '-v', 'rel/x:/y', 'img'], /neither an absolute host path nor a volume name/],
    [['run', '-v', '/a:b', 'img'], /not an absolute path/],
    [['run', '-m', '12q', 'img'], /invalid size "12q"/],
    [['run', '--cpus', '0.0000000001', 'img'], /too precise/],
    [['run', '--ulimit', 'nofile=5:2', 'img'], /soft limit 5 is above the hard limit 2/],
    [['run', '--ulimit', 'bogus=1', 'img'], /unknown ulimit "bogus"/],
    [['run', '--restart', 'sometimes', 'img'], /invalid restart policy/],
    [['run', '--mount', 'type=bind,target=/x', 'img'], /needs a source/],
    [['run', '--mount', 'type=bind,source=/a,target=/x,colour=red', 'img'], /unknown --mount key "colour"/],
    [['run', '--cap-add', 'SYS_ADMIN,NET_ADMIN', 'img'], /not a capability name/],
    [['run', '--no-healthcheck', '--health-cmd', 'x', 'img'], /conflicts/],
    [['run', '-it'], /needs an image/],
    [['docker', 'ps'], /expected "run" or "create"/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(() => containerFromRunArgs(argv), (e: unknown) => e instanceof MoatError && re.test(e.message) && !e.message.includes('\n'), argv.join(' '));
  }
});

test('finds run lines in scripts: continuations, quotes, sudo, env, chains and substitutions', async () => {
  const script = [
    '#!/bin/bash',
    'if [ -n "$X" ]; then',
    '  ID=$(sudo -u deploy env A=1 docker run -d \\',
    '     --name "web app" -e "MSG=it\'s \\"ok\\"" -v "$PWD/data:/data" \\',
    "     nginx:1.25) || exit 1",
    'fi',
    'docker ps; docker images | grep x',
    "echo 'docker run --privileged not-a-command'",
    'docker container create $'+"'--privileged'"+' x # comment',
    '$DOCKER run --pid host y',
  ].join('\n');
  const lines = await findRunLines(script, 'deploy.sh');
  assert.equal(lines.length, 3);
  const [first, second, third] = lines;
  assert.deepEqual(first?.argv, ['docker', 'run', '-d', '--name', 'web app', '-e', 'MSG=it\'s "ok"', '-v', '$PWD/data:/data', 'nginx:1.25']);
  assert.deepEqual(first?.at, { file: 'deploy.sh', line: 3, column: 31 });
  assert.deepEqual(first?.positions[9], { file: 'deploy.sh', line: 5, column: 6 });
  assert.deepEqual(first?.expansions[8], ['PWD']);
  assert.match(first?.warnings[0]?.message ?? '', /depends on \$PWD/);
  const spec = containerFromRunArgs(first?.argv ?? [], { file: 'deploy.sh', positions: first?.positions, expansions: first?.expansions });
  assert.equal(spec.spec.mounts[0]?.type, 'bind', 'a bind source from $PWD is still a bind');
  assert.ok(spec.warnings.some((w) => /--volume depends on \$PWD/.test(w.message)));
  assert.deepEqual(second?.argv, ['docker', 'container', 'create', '--privileged', 'x']);
  assert.deepEqual(third?.argv, ['docker', 'run', '--pid', 'host', 'y']);
  await assert.rejects(findRunLines('docker run --name "unterminated x\n', 's.sh'), (e: unknown) => e instanceof MoatError && /s\.sh:1:\d+: shell syntax error/.test(e.message));
});

test('refuses a boolean flag whose value only the shell knows', async () => {
  const [line] = await findRunLines('docker run --privileged=$PRIV img', 'x.sh');
  assert.throws(() => containerFromRunArgs(line?.argv ?? [], { positions: line?.positions, expansions: line?.expansions }), /x\.sh:1:12: the value of --privileged comes from \$PRIV/);
});

test('finds run lines in Makefile recipes: $(DOCKER), $$, prefixes and continuations', async () => {
  const mk = 'DOCKER ?= docker\nIMAGE = app\n\nrun: build\n\t@$(DOCKER) run --rm \\\n\t  --cap-add SYS_ADMIN -e HOME=$$HOME $(IMAGE)\n\techo "docker run --privileged"\n\nnot-a-recipe = docker run --privileged\n';
  const lines = await findRunLines(mk, 'Makefile');
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0]?.argv, ['docker', 'run', '--rm', '--cap-add', 'SYS_ADMIN', '-e', 'HOME=$HOME', '$(IMAGE)']);
  assert.deepEqual(lines[0]?.positions[3], { file: 'Makefile', line: 6, column: 4 });
  assert.deepEqual(lines[0]?.at, { file: 'Makefile', line: 5, column: 3 });
});

test('issue 12: make variables continued over tabbed lines with backquotes (the __check_defined idiom) and define blocks are make, not shell', async () => {
  const mk = [
    'IMAGE ?= app',
    'check_defined = \\',
    '\t$(strip $(foreach 1,$1, \\',
    '\t\t$(call __check_defined,$1,$(strip $(value 2)))))',
    '__check_defined = \\',
    "\t$(if $(value $1),, \\",
    "\t  $(error Undefined `$1'$(if $2, ($2))))",
    'define HELP',
    "\techo `unbalanced",
    'endef',
    'X := a',
    "\techo 'not a recipe: no rule yet",
    'run: ## start it',
    '\t@$(call check_defined, IMAGE)',
    'ifeq ($(DEBUG),1)',
    '\tdocker run --privileged \\',
    '\t\t$(IMAGE)',
    'endif',
    '',
  ].join('\n');
  const lines = await findRunLines(mk, 'Makefile');
  assert.deepEqual(lines.map((l) => [l.at.line, l.argv.slice(0, 3)]), [[16, ['docker', 'run', '--privileged']]]);
});
