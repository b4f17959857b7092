import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerGroupOf, nameMaps, parseGroup, parsePasswd } from './accounts.ts';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000::/home/alice:/bin/bash\nci:x:1001:998::/home/ci:/bin/sh\nbroken:line\n+::::::\n';
const GROUP = 'root:x:0:\ndocker:x:998:alice, bob\nalice:x:1000:\n';

test('parses passwd and group, skipping lines that are not entries', () => {
  assert.deepEqual(parsePasswd(PASSWD).map((u) => u.name), ['root', 'alice', 'ci']);
  assert.deepEqual(parseGroup(GROUP).find((g) => g.name === 'docker'), { name: 'docker', gid: 998, members: ['alice', 'bob'] });
});

test('docker group members include users whose primary group it is', () => {
  assert.deepEqual(dockerGroupOf(parseGroup(GROUP), parsePasswd(PASSWD)), { gid: 998, members: ['alice', 'bob', 'ci'] });
});

test('no docker group, no members', () => {
  assert.equal(dockerGroupOf(parseGroup('root:x:0:\n'), parsePasswd(PASSWD)), undefined);
});

test('name maps keep the first name of a repeated id', () => {
  const m = nameMaps(parsePasswd('root:x:0:0::/:/bin/sh\ntoor:x:0:0::/:/bin/sh\n'), parseGroup(GROUP));
  assert.equal(m.users.get(0), 'root');
  assert.equal(m.groups.get(998), 'docker');
});
