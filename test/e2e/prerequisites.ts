// What code-server's install needs from the system, checked before anything is downloaded:
// its native modules are built with node-gyp (python3, make, a C++ compiler) and one of them,
// kerberos, compiles against the Kerberos GSS-API headers (Debian's libkrb5-dev). Without them
// the install fails after minutes of downloads, deep in node-gyp's output.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What the check asks of the system; `systemProbe()` asks the real one, tests fake it. */
export interface Probe {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  /** Whether a command of that name is on the PATH. */
  hasCommand(name: string): boolean;
  /** Whether a file exists. */
  hasFile(path: string): boolean;
  /** Whether the process runs as root (no `sudo` in the command then). */
  readonly root: boolean;
}

interface Prerequisite {
  /** What the user is told is missing. */
  readonly name: string;
  /** Whether this system has it. */
  present(probe: Probe): boolean;
  /** Its package for each package manager. */
  readonly packages: { readonly apt: string; readonly dnf: string };
}

/** Where a compiler finds `<gssapi/gssapi.h>` (Debian's libkrb5-dev and Fedora's krb5-devel: /usr/include). */
const GSSAPI_HEADERS = ['/usr/include/gssapi/gssapi.h', '/usr/local/include/gssapi/gssapi.h'];

const PREREQUISITES: readonly Prerequisite[] = [
  { name: 'python3', present: (p) => p.hasCommand('python3'), packages: { apt: 'python3', dnf: 'python3' } },
  { name: 'make', present: (p) => p.hasCommand('make'), packages: { apt: 'make', dnf: 'make' } },
  { name: 'g++', present: (p) => p.hasCommand('g++'), packages: { apt: 'g++', dnf: 'gcc-c++' } },
  {
    name: 'the Kerberos headers (libkrb5-dev)',
    present: (p) => GSSAPI_HEADERS.some((h) => p.hasFile(h)),
    packages: { apt: 'libkrb5-dev', dnf: 'krb5-devel' },
  },
];

/** The Node 24 builds on the npm registry that code-server is run with (`node-linux-<arch>`). */
export const NODE_ARCHES: readonly string[] = ['x64', 'arm64'];

/** The one line saying what is missing and the command that installs it, or undefined when nothing is. */
export function missingPrerequisites(probe: Probe): string | undefined {
  if (probe.platform !== 'linux' || !NODE_ARCHES.includes(probe.arch)) {
    return `npm run try and the e2e suites run code-server on Linux (${NODE_ARCHES.join(' or ')}) only, not ${probe.platform} ${probe.arch}: the Node 24 it needs is installed from the npm registry's node-linux-<arch> packages; elsewhere, install the extension from npm run package's .vsix`;
  }
  const missing = PREREQUISITES.filter((p) => !p.present(probe));
  if (missing.length === 0) return undefined;
  const sudo = probe.root ? '' : 'sudo ';
  let command: string;
  if (probe.hasCommand('apt-get'))
    command = `${sudo}apt-get install -y ${missing.map((m) => m.packages.apt).join(' ')}`;
  else if (probe.hasCommand('dnf')) command = `${sudo}dnf install -y ${missing.map((m) => m.packages.dnf).join(' ')}`;
  else {
    const debian = missing.map((m) => m.packages.apt).join(' ');
    const fedora = missing.map((m) => m.packages.dnf).join(' ');
    command = `your package manager (Debian: apt-get install ${debian}; Fedora: dnf install ${fedora})`;
  }
  return `missing ${missing.map((m) => m.name).join(', ')}, which code-server's install needs to build its native modules; install with: ${command}`;
}

/** The real system: commands looked up on PATH, files on disk. */
export function systemProbe(env: NodeJS.ProcessEnv = process.env): Probe {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return {
    platform: process.platform,
    arch: process.arch,
    hasCommand: (name) =>
      dirs.some((dir) => {
        try {
          accessSync(join(dir, name), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
    hasFile: (path) => existsSync(path),
    root: typeof process.getuid === 'function' && process.getuid() === 0,
  };
}
