/**
 * LL1013 on packages too large to keep as fixtures: a file system that reports sizes
 * without holding the bytes. (test/fixtures/rules/LL1013 keeps the small, silent case.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService } from '../../server/src/service';
import type { FileSystem } from '../../server/src/service/fs';

const MB = 1024 * 1024;
const ROOT = '/project';

/** Files with sizes; folders are implied by their paths. */
function sizedFs(files: Readonly<Record<string, number>>): FileSystem {
  const dirs = new Map<string, Set<string>>();
  for (const path of Object.keys(files)) {
    let child = path;
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      const names = dirs.get(dir) ?? new Set<string>();
      names.add(child.slice(dir === '/' ? 1 : dir.length + 1));
      dirs.set(dir, names);
      if (dir === '/') break;
      child = dir;
    }
  }
  return {
    readFile: () => undefined,
    stat: (path) => {
      const size = files[path];
      if (size !== undefined) return { isFile: true, isDirectory: false, size };
      return dirs.has(path) ? { isFile: false, isDirectory: true, size: 0 } : undefined;
    },
    readDirectory: (path) => [...(dirs.get(path) ?? [])],
  };
}

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      CodeUri: src/
      Layers:
        - !Ref Shared
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
`;

function findings(files: Readonly<Record<string, number>>): { message: string; at: string }[] {
  const service = new LanguageService({ fs: sizedFs(files), today: () => '2026-11-27' });
  const uri = URI.file(join(ROOT, 'template.yaml')).toString();
  return service
    .validate({ uri, text: TEMPLATE, version: 1 })
    .filter((d) => d.ruleId === 'LL1013')
    .map((d) => ({ message: d.message, at: TEMPLATE.slice(d.span.start, d.span.end) }));
}

test('LL1013: a CodeUri folder over 250 MB names its largest node_modules packages', () => {
  const got = findings({
    '/project/src/index.js': 2 * MB,
    '/project/src/node_modules/@aws-sdk/client-s3/dist/index.js': 40 * MB,
    '/project/src/node_modules/typescript/lib/typescript.js': 120 * MB,
    '/project/src/node_modules/typescript/lib/tsserver.js': 30 * MB,
    '/project/src/node_modules/puppeteer/chrome/chrome': 90 * MB,
    '/project/layer/nodejs/shared.js': 1 * MB,
  });
  assert.equal(got.length, 1);
  const [f] = got;
  assert.equal(f?.at, 'src/');
  assert.match(f?.message ?? '', /Orders with its local layer is 283 MB on disk/);
  assert.match(
    f?.message ?? '',
    /Largest: node_modules\/typescript 150 MB, node_modules\/puppeteer 90 MB, node_modules\/@aws-sdk\/client-s3 40 MB\./,
  );
});

test('LL1013: local layers count towards the 250 MB', () => {
  const got = findings({ '/project/src/index.js': 200 * MB, '/project/layer/nodejs/big.bin': 60 * MB });
  assert.equal(got.length, 1);
  assert.match(got[0]?.message ?? '', /260 MB on disk.*Largest: index\.js 200 MB, layer Shared 60 MB/);
});

test('LL1013: 250 MB or less, or a missing folder, is not reported', () => {
  assert.deepEqual(findings({ '/project/src/index.js': 200 * MB, '/project/layer/nodejs/big.bin': 50 * MB }), []);
  assert.deepEqual(findings({}), []);
});
