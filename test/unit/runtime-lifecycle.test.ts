/**
 * LL1011 by date: the same template is supported, deprecated, create-blocked and
 * update-blocked as `today` moves, and an unknown runtime comes with a quick fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LanguageService } from '../../server/src/service';

const template = (runtime: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: ${runtime}
`;

function ll1011(text: string, today: string, uri = 'file:///t.yaml') {
  return new LanguageService({ today: () => today }).validate({ uri, text }).filter((d) => d.ruleId === 'LL1011');
}

test('nodejs22.x moves from supported to deprecated to blocked, with its dates in the message', () => {
  const text = template('nodejs22.x');
  assert.deepEqual(ll1011(text, '2027-04-29'), []);
  const deprecated = ll1011(text, '2027-04-30');
  assert.equal(deprecated.length, 1);
  assert.equal(deprecated[0]?.severity, 'warning');
  assert.match(
    deprecated[0]?.message ?? '',
    /deprecated since 2027-04-30.*blocked from 2027-06-01.*updating them from 2027-07-01/,
  );
  const createBlocked = ll1011(text, '2027-06-01');
  assert.equal(createBlocked[0]?.severity, 'error');
  assert.match(
    createBlocked[0]?.message ?? '',
    /blocked for new functions since 2027-06-01.*updates are blocked from 2027-07-01.*Move to nodejs24\.x/,
  );
  const updateBlocked = ll1011(text, '2027-07-01');
  assert.equal(updateBlocked[0]?.severity, 'error');
  assert.match(updateBlocked[0]?.message ?? '', /updates blocked since 2027-07-01/);
  assert.equal(text.slice(updateBlocked[0]?.span.start, updateBlocked[0]?.span.end), 'nodejs22.x');
});

test('an unknown runtime is an error with a "did you mean" quick fix that keeps the quotes', () => {
  const yaml = ll1011(template('nodejs22.z'), '2026-11-27');
  assert.equal(yaml.length, 1);
  assert.equal(yaml[0]?.severity, 'error');
  assert.match(yaml[0]?.message ?? '', /did you mean nodejs22\.x\?/);
  assert.deepEqual(
    yaml[0]?.fixes.map((f) => f.edits.map((e) => e.newText)),
    [['nodejs22.x']],
  );
  const jsonText =
    '{ "Transform": "AWS::Serverless-2016-10-31", "Resources": { "Fn": { "Type": "AWS::Serverless::Function", "Properties": { "Handler": "app.handler", "Runtime": "pyhton3.13" } } } }';
  const json = ll1011(jsonText, '2026-11-27', 'file:///t.json');
  const edit = json[0]?.fixes[0]?.edits[0];
  assert.ok(edit);
  const fixed = jsonText.slice(0, edit.span.start) + edit.newText + jsonText.slice(edit.span.end);
  assert.deepEqual(JSON.parse(fixed).Resources.Fn.Properties.Runtime, 'python3.13');
  const none = ll1011(template('cobol85'), '2026-11-27');
  assert.deepEqual(none[0]?.fixes, []);
});

test('a build-step placeholder is not reported as an unknown runtime; a capitalised typo still is', () => {
  for (const placeholder of ['PYTHON3_VERSION', 'JAVA_VERSION', '__RUNTIME__', 'NODE_JS_RUNTIME'])
    assert.deepEqual(ll1011(template(placeholder), '2026-11-27'), [], placeholder);
  for (const typo of ['PYTHON3.12', 'NODEJS'])
    assert.equal(ll1011(template(typo), '2026-11-27')[0]?.severity, 'error', typo);
});

test('a runtime with no announced dates stays silent', () => {
  assert.deepEqual(ll1011(template('java25'), '2030-01-01'), []);
});
