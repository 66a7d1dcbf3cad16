/**
 * `npm run try` and the e2e suites check what code-server's install needs before downloading
 * anything (test/e2e/prerequisites.ts). Here the system is faked: which commands are on the PATH,
 * which headers exist, the platform and the user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingPrerequisites, systemProbe, type Probe } from '../e2e/prerequisites';

function fake(
  platform: NodeJS.Platform,
  commands: readonly string[],
  files: readonly string[],
  root = false,
  arch = 'x64',
): Probe {
  return { platform, arch, hasCommand: (n) => commands.includes(n), hasFile: (f) => files.includes(f), root };
}

const TOOLS = ['python3', 'make', 'g++'];
const HEADER = '/usr/include/gssapi/gssapi.h';

test('nothing missing: no message', () => {
  assert.equal(missingPrerequisites(fake('linux', [...TOOLS, 'apt-get'], [HEADER])), undefined);
  assert.equal(
    missingPrerequisites(fake('linux', [...TOOLS, 'dnf'], ['/usr/local/include/gssapi/gssapi.h'])),
    undefined,
  );
  assert.equal(missingPrerequisites(fake('linux', [...TOOLS, 'apt-get'], [HEADER], false, 'arm64')), undefined);
});

test('Debian without libkrb5-dev: one line with the apt-get command, sudo unless root', () => {
  const line = missingPrerequisites(fake('linux', [...TOOLS, 'apt-get'], []));
  assert.ok(line);
  assert.doesNotMatch(line, /\n/);
  assert.match(line, /^missing the Kerberos headers \(libkrb5-dev\), /);
  assert.match(line, /install with: sudo apt-get install -y libkrb5-dev$/);
  assert.match(
    missingPrerequisites(fake('linux', [...TOOLS, 'apt-get'], [], true)) ?? '',
    /install with: apt-get install -y libkrb5-dev$/,
  );
});

test('several missing on Debian and on Fedora: every one named, each distribution its package names', () => {
  const debian = missingPrerequisites(fake('linux', ['apt-get'], []));
  assert.match(debian ?? '', /^missing python3, make, g\+\+, the Kerberos headers \(libkrb5-dev\),/);
  assert.match(debian ?? '', /sudo apt-get install -y python3 make g\+\+ libkrb5-dev$/);
  const fedora = missingPrerequisites(fake('linux', ['dnf', 'python3'], []));
  assert.match(fedora ?? '', /^missing make, g\+\+, the Kerberos headers/);
  assert.match(fedora ?? '', /sudo dnf install -y make gcc-c\+\+ krb5-devel$/);
});

test('not Linux x64/arm64: said at once, before any tool is looked for', () => {
  assert.match(
    missingPrerequisites(fake('darwin', [], [], false, 'arm64')) ?? '',
    /on Linux \(x64 or arm64\) only, not darwin arm64/,
  );
  assert.match(missingPrerequisites(fake('linux', [...TOOLS], [HEADER], false, 'ia32')) ?? '', /not linux ia32/);
});

test('an unknown package manager: both common spellings', () => {
  const line = missingPrerequisites(fake('linux', TOOLS, []));
  assert.match(line ?? '', /Debian: apt-get install libkrb5-dev; Fedora: dnf install krb5-devel/);
});

test('the real probe finds commands on PATH only', () => {
  const probe = systemProbe({ PATH: '/nonexistent' });
  assert.equal(probe.hasCommand('sh'), false);
  assert.equal(systemProbe({ PATH: '/bin:/usr/bin' }).hasCommand('sh'), true);
  assert.equal(probe.hasFile('/'), true);
});
