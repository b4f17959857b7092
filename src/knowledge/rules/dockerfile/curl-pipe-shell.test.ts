import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from './curl-pipe-shell.ts';
import { issuesOf } from './test-support/lint-text.ts';

test('flags curl | sh and wget -O- | sudo bash, even inside if blocks', async () => {
  const issues = await issuesOf('FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\nRUN if true; then wget -qO- https://x.example | sudo bash -s; fi\n', rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [2, 3]);
  assert.match(issues[1]?.message ?? '', /wget output is piped into bash/);
});

test('passes a download to a file that is verified, and pipes to other programs', async () => {
  assert.deepEqual(await issuesOf('FROM debian:12\nRUN curl -fsSLo i.sh https://x.example && sha256sum -c sums && sh i.sh\nRUN curl -fsSL https://x.example/k.asc | gpg --dearmor -o /k.gpg\n', rule), []);
});

test('issue 12: other interpreters reading the download as their program (php, node, perl, ruby, python -, bash -s, versioned names)', async () => {
  const text = [
    'FROM debian:12',
    'RUN curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin',
    'RUN curl -fsSL https://deb.nodesource.com/setup_20.x | node',
    'RUN wget -qO- https://cpanmin.us | perl - App::cpanminus',
    'RUN curl -sSL https://get.rvm.io | ruby',
    'RUN curl -sSL https://install.python-poetry.org | python3 -',
    'RUN curl -sSL https://x.example/i.sh | bash -s -- --yes',
    'RUN curl -sSL https://x.example/get-pip.py | python3.11',
    'RUN curl -sSL https://x.example/i.php | sudo -E php8.2',
    'RUN curl -sSL https://x.example/i.sh | sudo -u app env HOME=/home/app bash',
    '',
  ].join('\n');
  const issues = await issuesOf(text, rule);
  assert.deepEqual(issues.map((i) => i.at?.line), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.match(issues[0]?.message ?? '', /piped into php/);
});

test('an interpreter given its program on the command line reads the download as data', async () => {
  const text = 'FROM debian:12\nRUN curl -s https://x.example/v.json | python3 -m json.tool\nRUN curl -s https://x.example/v.json | node -e "process.stdin.pipe(process.stdout)"\nRUN curl -s https://x.example/a | perl -ne print\nRUN curl -s https://x.example/a | sh -c "cat > /a"\nRUN curl -s https://x.example/a | php -r "echo 1;"\n';
  assert.deepEqual(await issuesOf(text, rule), []);
});
