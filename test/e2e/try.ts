// `npm run try`: builds Lambda Lens, installs it into the cached code-server and opens
// `examples/` in it, so anyone can use the extension in a browser without installing
// VS Code. Runs until Ctrl+C, then stops code-server and removes its session folders.
import { join } from 'node:path';
import { repoRoot, workbenchUrl } from './codeServer';
import { startSession } from './session';

async function main(): Promise<void> {
  const log = (message: string) => process.stderr.write(`try: ${message}\n`);
  const session = await startSession({ log });
  const url = workbenchUrl(session.server, join(repoRoot, 'examples'));
  process.stdout.write(
    `\nLambda Lens is running in VS Code (code-server) on examples/:\n\n  ${url}\n\nOpen it in a browser. Press Ctrl+C to stop.\n`,
  );
  await session.server.exited;
  // Reached only if code-server stopped on its own; Ctrl+C exits through the session's handler.
  await session.stop();
  throw new Error(`code-server exited unexpectedly:\n${session.server.output().split('\n').slice(-20).join('\n')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`try: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
