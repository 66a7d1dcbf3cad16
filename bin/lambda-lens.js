#!/usr/bin/env node
// The `lambda-lens` command. An installed package (npm pack, npm install -g) carries the built
// CLI in dist/; a fresh clone builds it once, here, from its sources.
// `simulate` runs from the simulator bundle, which loads neither the rules nor TypeScript.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const simulator = join(root, 'dist', 'simulator.js');
if (!existsSync(cli) || !existsSync(simulator)) {
  const build = join(root, 'scripts', 'build.mjs');
  if (!existsSync(build)) {
    process.stderr.write(
      `lambda-lens: ${existsSync(cli) ? simulator : cli} is missing from this installation; reinstall the package\n`,
    );
    process.exit(3);
  }
  const { execFileSync } = require('node:child_process');
  execFileSync(process.execPath, [build], { stdio: 'inherit' });
}
/** The bundles loaded by requireWithCodeCache, by path (each is run once). */
const bundles = new Map();
const args = process.argv.slice(2);
if (args[0] === 'simulate' && !namesCdkStack(args.slice(1))) require(simulator).runSimulateProcess(args.slice(1));
else requireWithCodeCache(cli, args[0] === 'check' ? 'check' : 'other').run();

/**
 * Requires a CommonJS bundle of dist/ with a V8 code cache (vm.Script `cachedData`,
 * https://nodejs.org/api/vm.html#scriptcreatecacheddata). Compiling dist/cli.js took about a
 * third of a one-template `check`, and compiling the functions the check runs about as much
 * again; the cache, written after the first run (so it holds every function that run compiled),
 * saves most of both (bench/start.ts). It lives in the OS temp folder in a folder of this user
 * only, one file per bundle version (device, inode, size, modification and change times), V8
 * version and kind of command (a cache made by `--version` would hold little that `check`
 * runs). V8 rejects a cache made for another source length or other V8 flags; anything that goes
 * wrong falls back to a plain require. LAMBDA_LENS_NO_COMPILE_CACHE=1 turns it off.
 */
function requireWithCodeCache(file, kind) {
  if (process.env.LAMBDA_LENS_NO_COMPILE_CACHE) return require(file);
  const fs = require('node:fs');
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  const { tmpdir } = require('node:os');
  let source;
  let cacheFile;
  let cachedData;
  try {
    const st = fs.statSync(file);
    source = fs.readFileSync(file, 'utf8');
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const dir = join(tmpdir(), `lambda-lens-compile-cache${uid === undefined ? '' : `-${uid}`}`);
    const key = [st.dev, st.ino, st.size, st.mtimeMs, st.ctimeMs, process.versions.v8, process.arch, kind].join('-');
    cacheFile = join(dir, `${require('node:path').basename(file, '.js')}-${key.replace(/[^\w.-]/g, '_')}.bin`);
    if (ownFolder(fs, dir, uid)) cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet (or no source: the plain require below says what is missing).
  }
  if (source === undefined) return require(file);
  const script = new vm.Script(require('node:module').wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const dir = require('node:path').dirname(cacheFile);
        const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!ownFolder(fs, dir, uid)) return;
        const temp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temp, script.createCachedData());
        fs.renameSync(temp, cacheFile);
        // The caches of earlier builds of the bundle, for the same V8 and kind of command, are stale
        // (another Node version's are not: both would rewrite theirs on every run).
        const name = require('node:path').basename(cacheFile);
        const [prefix] = name.split('-');
        const suffix = `-${process.versions.v8}-${process.arch}-${kind}.bin`.replace(/[^\w.-]/g, '_');
        for (const old of fs.readdirSync(dir))
          if (old !== name && old.startsWith(`${prefix}-`) && old.endsWith(suffix)) fs.rmSync(join(dir, old));
      } catch {
        // A cache that cannot be written only makes the next start slower.
      }
    });
  }
  const mod = { exports: {}, filename: file, id: file, loaded: false };
  bundles.set(file, mod);
  // The bundles beside it that it requires (./yaml.js, ./js-yaml.js, ./typescript.js) load the same way.
  const plain = createRequire(file);
  const bundleRequire = (id) => {
    if (!/^\.\/[\w-]+\.js$/.test(id)) return plain(id);
    const path = join(require('node:path').dirname(file), id);
    return bundles.get(path)?.exports ?? requireWithCodeCache(path, kind);
  };
  Object.assign(bundleRequire, { resolve: plain.resolve, cache: plain.cache, main: plain.main });
  script.runInThisContext()(mod.exports, bundleRequire, mod, file, require('node:path').dirname(file));
  mod.loaded = true;
  return mod.exports;
}

/** A cache folder is trusted only when it is a real folder of this user that others cannot write to. */
function ownFolder(fs, dir, uid) {
  const st = fs.lstatSync(dir);
  return st.isDirectory() && (uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0));
}

// A CDK stack (lib/stack.ts, or a scenario whose "template" is one) is rendered by dist/cli.js,
// which has the CDK reader (server/src/cdkTargets.ts); other simulations skip loading it.
function namesCdkStack(rest) {
  const stack = /\.[cm]?[jt]sx?$/i;
  return rest.some((a) => {
    if (a.startsWith('-')) return false;
    if (stack.test(a)) return true;
    if (!/\.json$/i.test(a)) return false;
    try {
      const { readFileSync, statSync } = require('node:fs');
      if (statSync(a).size > 1024 * 1024) return false;
      const template = JSON.parse(readFileSync(a, 'utf8')).template;
      return typeof template === 'string' && stack.test(template);
    } catch {
      return false;
    }
  });
}
