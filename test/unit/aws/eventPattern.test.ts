/**
 * Event patterns, with the examples of the EventBridge user guide
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
 * eb-create-pattern-operators.html).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesPattern } from '../../../server/src/simulator/aws/eventPattern';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.123',
    location: null,
  },
};

test('literal values match exactly; a list of values is OR, fields are AND', () => {
  assert.equal(matchesPattern({ source: ['aws.ec2'] }, ec2Event), true);
  assert.equal(
    matchesPattern({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] }, ec2Event),
    true,
  );
  assert.equal(matchesPattern({ source: ['aws.ec2'], detail: { state: ['running', 'terminated'] } }, ec2Event), true);
  assert.equal(matchesPattern({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event), false);
  assert.equal(matchesPattern({ source: ['aws.s3'] }, ec2Event), false);
  assert.equal(matchesPattern({ detail: { location: [null] } }, ec2Event), true);
});

test('a pattern value matches an event array when any element matches', () => {
  assert.equal(
    matchesPattern(
      { resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0', 'other'] },
      ec2Event,
    ),
    true,
  );
  assert.equal(matchesPattern({ resources: ['other'] }, ec2Event), false);
});

test('prefix, suffix, equals-ignore-case and wildcard', () => {
  assert.equal(matchesPattern({ time: [{ prefix: '2017-12-22' }] }, ec2Event), true);
  assert.equal(matchesPattern({ time: [{ prefix: '2018' }] }, ec2Event), false);
  assert.equal(matchesPattern({ source: [{ suffix: '.ec2' }] }, ec2Event), true);
  assert.equal(matchesPattern({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, ec2Event), true);
  assert.equal(
    matchesPattern({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, ec2Event),
    true,
  );
  assert.equal(matchesPattern({ resources: [{ wildcard: 'arn:aws:ec2:*:instance/*' }] }, ec2Event), true);
  assert.equal(matchesPattern({ resources: [{ wildcard: 'arn:aws:s3:*' }] }, ec2Event), false);
});

test('anything-but: a value, a list, a prefix', () => {
  assert.equal(matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event), true);
  assert.equal(matchesPattern({ detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, ec2Event), false);
  assert.equal(matchesPattern({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, ec2Event), false);
  // anything-but needs the field to be present.
  assert.equal(matchesPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, ec2Event), false);
});

test('numeric ranges and exact numbers', () => {
  assert.equal(
    matchesPattern(
      {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 301.8] }],
        },
      },
      ec2Event,
    ),
    true,
  );
  assert.equal(matchesPattern({ detail: { 'c-count': [{ numeric: ['>', 5] }] } }, ec2Event), false);
  assert.equal(matchesPattern({ detail: { 'c-count': [5] } }, ec2Event), true);
  assert.equal(matchesPattern({ detail: { 'c-count': ['5'] } }, ec2Event), false);
});

test('exists, cidr and $or', () => {
  assert.equal(matchesPattern({ detail: { state: [{ exists: true }] } }, ec2Event), true);
  assert.equal(matchesPattern({ detail: { 'no-such': [{ exists: false }] } }, ec2Event), true);
  assert.equal(matchesPattern({ detail: { state: [{ exists: false }] } }, ec2Event), false);
  assert.equal(matchesPattern({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event), true);
  assert.equal(matchesPattern({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, ec2Event), false);
  assert.equal(
    matchesPattern({ detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [3] }] } }, ec2Event),
    true,
  );
  assert.equal(
    matchesPattern({ detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [4] }] } }, ec2Event),
    false,
  );
});

test('a field the event lacks fails every condition but exists: false; a malformed pattern matches nothing', () => {
  assert.equal(matchesPattern({ detail: { absent: ['x'] } }, ec2Event), false);
  assert.equal(matchesPattern({ nothing: { deeper: ['x'] } }, ec2Event), false);
  assert.equal(matchesPattern('not a pattern', ec2Event), false);
  assert.equal(matchesPattern({ source: 'aws.ec2' }, ec2Event), false);
});
