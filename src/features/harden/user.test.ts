import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseUser, isRootUser } from './user.ts';
import { parsePasswd } from '../../doors/host/accounts.ts';

const PASSWD = ['root:x:0:0:root:/root:/bin/bash', 'daemon:x:1:1::/usr/sbin:/usr/sbin/nologin', 'nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin', 'app:x:1001:1001::/home/app:/bin/sh', 'broken line', 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin'].join('\n');

test('passwd lines are read; malformed ones skipped', () => {
  assert.deepEqual(parsePasswd(PASSWD).map((e) => `${e.name}:${e.uid}:${e.gid}`), ['root:0:0', 'daemon:1:1', 'nginx:101:101', 'app:1001:1001', 'nobody:65534:65534']);
});

test('root is recognised in every spelling', () => {
  for (const u of [undefined, '', '0', 'root', '0:0', 'root:wheel']) assert.equal(isRootUser(u), true, String(u));
  for (const u of ['1000', 'app', '1000:0']) assert.equal(isRootUser(u), false, u);
});

test('the choice prefers the image USER, then an account named like the process, then a regular account, then nobody', () => {
  assert.deepEqual(chooseUser({ imageUser: 'app', passwd: PASSWD, comms: new Set(['nginx']) }), { user: '1001:1001', because: "the image's own USER app" });
  assert.equal(chooseUser({ passwd: PASSWD, comms: new Set(['nginx']) }).user, '101:101');
  assert.equal(chooseUser({ passwd: PASSWD, comms: new Set(['java']) }).user, '1001:1001');
  assert.equal(chooseUser({ passwd: PASSWD.replace(/^app.*$/m, ''), comms: new Set() }).user, '65534:65534');
  assert.match(chooseUser({ comms: new Set() }).because, /no \/etc\/passwd/);
  assert.equal(chooseUser({ imageUser: '2000:3000', comms: new Set() }).user, '2000:3000');
});
