"""Reads orders from SQS and marks them processed."""
import json
import os

import boto3

processed = 0


def handler(event, context):
    global processed
    # Finding LL3001: a client per invocation; create it once, outside the handler.
    table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            # Finding LL2101: ADD runs again when SQS redelivers the message.
            table.update_item(
                Key={"id": order["id"]},
                UpdateExpression="ADD attempts :one SET #s = :s",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":one": 1, ":s": "processed"},
            )
            # Finding LL3002: module-scope counter carried across warm invocations.
            processed += 1
        except (KeyError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
