/**
 * Hovers on versions, aliases and deployments (issue 10): immutability, `$LATEST`, weighted
 * routing, and why a deployment means cold starts. A `|` marks the cursor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LanguageService } from '../../server/src/service';
import { newVersionShare, parseTrafficShift } from '../../server/src/service/model/deployment';

function hover(template: string): string {
  const offset = template.indexOf('|');
  const text = template.slice(0, offset) + template.slice(offset + 1);
  const h = new LanguageService({ today: () => '2026-11-27' }).hover({ uri: 'file:///t/template.yaml', text }, offset);
  assert.ok(h, 'a hover');
  return h.markdown;
}

const SAM = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      AutoPublishAlias: live
`;

test('AutoPublishAlias: versions are immutable, $LATEST is the mutable one, a new version starts cold', () => {
  const md = hover(SAM.replace('AutoPublishAlias', 'AutoPublish|Alias'));
  assert.match(md, /never changes/);
  assert.match(md, /`\$LATEST` is the only mutable version/);
  assert.match(md, /cold starts/);
});

test('DeploymentPreference.Type: the shift read from its name, with the cold-start wave', () => {
  const md = hover(`${SAM}      DeploymentPreference:
        Type: Canary10Percent5Min|utes
`);
  assert.match(md, /10 % of the alias's requests go to the new version for 5 minutes, then all of them/);
  assert.match(md, /wave of cold starts/);
});

test('Alias RoutingConfig.AdditionalVersionWeights: fraction 0–1, one version, separate environments', () => {
  const md = hover(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Live:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: fn
      Name: live
      FunctionVersion: '1'
      RoutingConfig:
        AdditionalVersion|Weights:
          - FunctionVersion: '2'
            FunctionWeight: 0.1
`);
  assert.match(md, /at most 1 additional version/);
  assert.match(md, /0\.0–1\.0/);
  assert.match(md, /separate environments/);
});

test('traffic shifts: canary and linear shares over time', () => {
  const canary = parseTrafficShift('Canary10Percent5Minutes');
  const linear = parseTrafficShift('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
  assert.ok(canary && linear);
  assert.equal(newVersionShare(canary, 0), 0.1);
  assert.equal(newVersionShare(canary, 5 * 60_000), 1);
  assert.equal(newVersionShare(linear, 0), 0.1);
  assert.equal(newVersionShare(linear, 4.5 * 60_000), 0.5);
  assert.equal(newVersionShare(linear, 20 * 60_000), 1);
  assert.equal(parseTrafficShift('Blue'), undefined);
});
