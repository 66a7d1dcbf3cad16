/**
 * Sample events for every trigger type, to start a scenario from (like `sam local generate-event`).
 * Shapes follow the AWS Lambda developer guide pages for each service (with-s3.html, with-sns.html,
 * with-sqs.html, with-kinesis.html, with-ddb.html, services-apigateway.html, urls-invocation.html,
 * services-alb.html, with-eventbridge-scheduler.html, services-cloudwatchlogs.html). A scenario uses
 * one with `"sample": "<name>"`.
 */
import alb from './alb.json';
import apigatewayHttp from './apigateway-http.json';
import apigatewayRest from './apigateway-rest.json';
import cloudwatchLogs from './cloudwatch-logs.json';
import direct from './direct.json';
import dynamodb from './dynamodb.json';
import eventbridge from './eventbridge.json';
import functionUrl from './function-url.json';
import kinesis from './kinesis.json';
import s3Put from './s3-put.json';
import schedule from './schedule.json';
import sns from './sns.json';
import sqs from './sqs.json';

/** Sample events by name. */
export const SAMPLE_EVENTS: Readonly<Record<string, unknown>> = {
  alb: alb,
  'apigateway-http': apigatewayHttp,
  'apigateway-rest': apigatewayRest,
  'cloudwatch-logs': cloudwatchLogs,
  direct: direct,
  dynamodb: dynamodb,
  eventbridge: eventbridge,
  'function-url': functionUrl,
  kinesis: kinesis,
  's3-put': s3Put,
  schedule: schedule,
  sns: sns,
  sqs: sqs,
};
