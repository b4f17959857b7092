import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountinfo, unescapeMountPath } from './mounts.ts';

test('parses mountinfo fields, with and without optional fields', () => {
  const m = parseMountinfo(
    [
      '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
      '42 27 254:0 /srv/docker /var/lib/docker rw,nosuid master:1 shared:2 - ext4 /dev/vda rw',
      '50 27 0:45 / /mnt/no\\040optional ro - tmpfs tmpfs rw,size=4k',
    ].join('\n'),
  );
  assert.deepEqual(m[0], { mountPoint: '/', root: '/', fsType: 'ext4', source: '/dev/vda', device: '254:0', options: ['rw', 'relatime'] });
  assert.deepEqual(m[1], { mountPoint: '/var/lib/docker', root: '/srv/docker', fsType: 'ext4', source: '/dev/vda', device: '254:0', options: ['rw', 'nosuid'] });
  assert.equal(m[2]?.mountPoint, '/mnt/no optional');
  assert.equal(m[2]?.fsType, 'tmpfs');
});

test('skips lines that do not have the mountinfo shape', () => {
  assert.deepEqual(parseMountinfo('garbage\n\n1 2 x:y / / rw - ext4 /dev/a rw\n1 2 3:4 / / rw ext4 /dev/a rw'), []);
});

test('unescapes the octal escapes the kernel writes', () => {
  assert.equal(unescapeMountPath('/a\\040b\\011c\\012d\\134e'), '/a b\tc\nd\\e');
});
