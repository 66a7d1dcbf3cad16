/**
 * Inside a Node environment's process (bundled into the bootstrap): makes the AWS SDK available
 * as Lambda's Node runtimes do, and points the SDK versions that do not read
 * `AWS_ENDPOINT_URL` at the run's local endpoint.
 *
 * - Lambda's Node.js 18+ runtimes include the AWS SDK for JavaScript v3, resolvable by code that
 *   does not bundle it (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included).
 *   When the workspace's own node_modules lack it, `@aws-sdk/*` (and its `@smithy/*` parts)
 *   resolve from the copy in Lambda Lens's cache folder (`lambda-lens sdk install`), for
 *   `require` (a global path) and `import` (a resolve hook that runs only after the normal
 *   resolution failed).
 * - SDK v3 reads `AWS_ENDPOINT_URL` itself (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html);
 *   SDK v2 (`aws-sdk`, which a handler may bundle) does not, so its global config gets the
 *   endpoint when it is first loaded.
 */
import Module, { createRequire, register } from 'node:module';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SDK_SPECIFIER = /^(@aws-sdk|@smithy|@aws-crypto|@aws|aws-sdk)(\/|$)/;

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;
let hooked = false;

export function installSdkHooks(sdkDir: string | undefined, endpoint: string | undefined): void {
  if (hooked) return;
  hooked = true;
  if (sdkDir) {
    // CommonJS: the copy's node_modules joins the global folders, after NODE_PATH's (as
    // /var/runtime/node_modules comes last on Lambda); the variable the handler sees is unchanged.
    const visible = process.env['NODE_PATH'];
    process.env['NODE_PATH'] = [visible, join(sdkDir, 'node_modules')].filter((p) => p).join(delimiter);
    (Module as unknown as { _initPaths(): void })._initPaths();
    if (visible === undefined) delete process.env['NODE_PATH'];
    else process.env['NODE_PATH'] = visible;
    const parent = pathToFileURL(join(sdkDir, 'package.json')).href;
    const source = [
      `const SDK = ${SDK_SPECIFIER.toString()};`,
      'export async function resolve(specifier, context, next) {',
      '  try { return await next(specifier, context); } catch (e) {',
      "    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || !SDK.test(specifier)) throw e;",
      `    return next(specifier, { ...context, parentURL: ${JSON.stringify(parent)} });`,
      '  }',
      '}',
    ].join('\n');
    try {
      register(`data:text/javascript,${encodeURIComponent(source)}`);
    } catch {
      // Node without module.register (before 20.6): `import` of the SDK then needs it installed beside the code.
    }
  }
  if (endpoint) {
    const M = Module as unknown as { _load: LoadFn };
    const load = M._load;
    let configured = false;
    M._load = function (request: string, parent: unknown, isMain: boolean): unknown {
      const loaded = load.call(this, request, parent, isMain);
      if (!configured && /^aws-sdk(\/|$)/.test(request)) {
        configured = true;
        try {
          const from = (parent as { filename?: string } | null)?.filename ?? join(process.cwd(), 'index.js');
          const core = createRequire(from)('aws-sdk/lib/core') as { config?: { update(o: object): void } };
          core.config?.update({ endpoint, s3ForcePathStyle: true });
        } catch {
          configured = false;
        }
      }
      return loaded;
    };
  }
}
