"""POST /orders: stores the order and queues it for processing."""
import json
import os

import boto3

# Created once per execution environment and reused by warm invocations.
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
sqs = boto3.client("sqs")


def create_order(event, context):
    order = json.loads(event.get("body") or "{}")
    table.put_item(Item=order, ConditionExpression="attribute_not_exists(id)")
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(order))
    return {"statusCode": 201, "body": json.dumps({"id": order.get("id")})}
