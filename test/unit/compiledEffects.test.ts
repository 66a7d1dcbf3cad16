/**
 * Java, Go and C# handlers: what their sources import sets the severity of the retry-wiring
 * findings (handlers/compiled.ts). Each project is written to a temporary folder beside its
 * template and checked through the language service with the real file system.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { URI } from 'vscode-uri';
import { LanguageService } from '../../server/src/service';
import { nodeFileSystem } from '../../server/src/nodeFs';

/** An EventBridge-invoked function (LL2003) reading an SQS queue (LL2004) whose visibility is 2× its timeout (LL2001). */
const template = (runtime: string, handler: string, codeUri = 'fn') => `Transform: AWS::Serverless-2016-10-31
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${codeUri}
      Handler: ${handler}
      Runtime: ${runtime}
      Timeout: 30
      Events:
        Rule:
          Type: EventBridgeRule
          Properties:
            Pattern: { source: [orders] }
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            BatchSize: 10
`;

function severities(
  runtime: string,
  handler: string,
  files: Record<string, string>,
  artifact?: string,
  edit: (text: string) => string = (text) => text,
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'compiled-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, 'fn', path)), { recursive: true });
      writeFileSync(join(dir, 'fn', path), text);
    }
    const file = join(dir, 'template.yaml');
    const text = edit(template(runtime, handler, artifact !== undefined ? `fn/${artifact}` : 'fn'));
    writeFileSync(file, text);
    const service = new LanguageService({ fs: nodeFileSystem() });
    const found = service.validate({ uri: URI.file(file).toString(), text, version: 1 });
    const out: Record<string, string> = {};
    for (const d of found)
      if (['LL2001', 'LL2003', 'LL2004'].includes(d.ruleId)) out[d.ruleId] = d.severity ?? 'warning';
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const JAVA_LOGS = `package com.example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.example.model.Order;
import com.google.gson.Gson;
import java.util.Map;
public class App {
  public void handleRequest(ScheduledEvent event, Context context) {
    context.getLogger().log(new Gson().toJson(new Order(event.getDetail())));
  }
}
`;
const JAVA_MODEL = `package com.example.model;
import java.util.Map;
public record Order(Map<String, Object> detail) {}
`;
const ALL_INFO = { LL2001: 'info', LL2003: 'info', LL2004: 'info' };
const ALL_WARNINGS = { LL2001: 'warning', LL2003: 'warning', LL2004: 'warning' };

test('a Java handler that imports only the runtime, its own classes, Gson and java.util: the findings are infos', () => {
  assert.deepEqual(
    severities('java21', 'com.example.App::handleRequest', {
      'src/main/java/com/example/App.java': JAVA_LOGS,
      'src/main/java/com/example/model/Order.java': JAVA_MODEL,
      // Tests are not the function's code.
      'src/test/java/com/example/AppTest.java':
        'package com.example;\nimport software.amazon.awssdk.services.s3.S3Client;\nclass AppTest {}\n',
    }),
    ALL_INFO,
  );
});

test('a Java class of the project that calls the AWS SDK, or a fully qualified client, keeps the warnings', () => {
  const writer = `package com.example.model;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
public class Store { final DynamoDbClient db = DynamoDbClient.create(); }
`;
  assert.deepEqual(
    severities('java21', 'com.example.App::handleRequest', {
      'src/main/java/com/example/App.java': JAVA_LOGS,
      'src/main/java/com/example/model/Order.java': JAVA_MODEL,
      'src/main/java/com/example/model/Store.java': writer,
    }),
    ALL_WARNINGS,
  );
  assert.deepEqual(
    severities('java17', 'com.example.App::handleRequest', {
      'src/main/java/com/example/App.java': JAVA_LOGS.replace(
        'context.getLogger()',
        'java.net.http.HttpClient.newHttpClient(); context.getLogger()',
      ),
      'src/main/java/com/example/model/Order.java': JAVA_MODEL,
    }),
    ALL_WARNINGS,
  );
});

test('LL2001 stays a warning when the queue has a redrive policy: extra receives move messages to the DLQ', () => {
  const files = {
    'src/main/java/com/example/App.java': JAVA_LOGS,
    'src/main/java/com/example/model/Order.java': JAVA_MODEL,
  };
  const redrive = (text: string) =>
    text.replace(
      '      VisibilityTimeout: 60\n',
      '      VisibilityTimeout: 60\n      RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 3 }\n  Dlq:\n    Type: AWS::SQS::Queue\n',
    );
  assert.deepEqual(severities('java21', 'com.example.App::handleRequest', files, undefined, redrive), {
    ...ALL_INFO,
    LL2001: 'warning',
  });
});

test('two Java handlers in one unbuilt jar are judged apart: each by its package and the project classes it imports', () => {
  const files = {
    'src/main/java/com/example/consumer/Consumer.java': `package com.example.consumer;
import com.amazonaws.services.lambda.runtime.Context;
import com.example.model.Order;
public class Consumer { public void handleRequest(Object e, Context c) { c.getLogger().log(new Message(new Order()).toString()); } }
`,
    'src/main/java/com/example/consumer/Message.java':
      'package com.example.consumer;\nimport com.example.model.Order;\npublic record Message(Order order) {}\n',
    'src/main/java/com/example/model/Order.java': 'package com.example.model;\npublic class Order {}\n',
    'src/main/java/com/example/producer/Producer.java': `package com.example.producer;
import com.example.utils.Topics;
public class Producer { public void handleRequest(Object e) { Topics.publish(e); } }
`,
    'src/main/java/com/example/utils/Topics.java': `package com.example.utils;
import software.amazon.awssdk.services.sns.SnsClient;
public class Topics { public static void publish(Object e) { SnsClient.create(); } }
`,
  };
  const jar = (handler: string) => severities('java21', handler, files, 'target/app-1.0.jar');
  assert.deepEqual(jar('com.example.consumer.Consumer::handleRequest'), ALL_INFO);
  assert.deepEqual(jar('com.example.producer.Producer::handleRequest'), ALL_WARNINGS);
  // A handler class that is not found: the whole project is read, the producer's SDK included.
  assert.deepEqual(jar('com.example.Missing::handleRequest'), ALL_WARNINGS);
});

test('Go: fmt and the lambda package are infos; net/http or the SDK are warnings; the module own packages are its code', () => {
  const main = (imports: string) => `package main
import (
\t"context"
\t"fmt"
${imports}
\t"github.com/aws/aws-lambda-go/lambda"
)
func handle(ctx context.Context, e any) error { fmt.Println(e); return nil }
func main() { lambda.Start(handle) }
`;
  const goMod = 'module example.com/orders\n\ngo 1.22\n';
  assert.deepEqual(
    severities('provided.al2023', 'bootstrap', {
      'go.mod': goMod,
      'main.go': main('\t"example.com/orders/internal/format"'),
      'internal/format/format.go':
        'package format\nimport "strings"\nfunc Upper(s string) string { return strings.ToUpper(s) }\n',
      'main_test.go': 'package main\nimport "net/http"\nvar _ = http.Get\n',
    }),
    ALL_INFO,
  );
  assert.deepEqual(severities('go1.x', 'main', { 'main.go': main('\t"net/http"') }), ALL_WARNINGS);
  assert.deepEqual(
    severities('provided.al2', 'bootstrap', {
      'go.mod': goMod,
      'main.go': main('\tddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"'),
    }),
    ALL_WARNINGS,
  );
});

test('C#: Core and event packages are infos; an SDK using or an HttpClient from the implicit usings are warnings', () => {
  const cs = (usings: string, body: string) => `using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
${usings}
namespace Orders;
public class Function {
  public async Task Handler(SQSEvent e, ILambdaContext context) { ${body} context.Logger.LogInformation("done"); }
}
`;
  assert.deepEqual(severities('dotnet8', 'Orders::Orders.Function::Handler', { 'Function.cs': cs('', '') }), ALL_INFO);
  assert.deepEqual(
    severities('dotnet8', 'Orders::Orders.Function::Handler', { 'Function.cs': cs('using Amazon.DynamoDBv2;', '') }),
    ALL_WARNINGS,
  );
  assert.deepEqual(
    severities('dotnet8', 'Orders::Orders.Function::Handler', {
      'Function.cs': cs('', 'await new HttpClient().GetAsync("https://example.com");'),
    }),
    ALL_WARNINGS,
  );
});

test('Rust: the crates Cargo.toml depends on decide; a workspace or a manifest that does not parse keeps the warnings', () => {
  const cargo = (deps: string) =>
    `[package]\nname = "orders"\nversion = "0.1.0"\n\n[dependencies]\nlambda_runtime = "0.13"\naws_lambda_events = { version = "0.15", default-features = false, features = ["sqs"] }\nserde-json = "1"\ntokio = { version = "1", features = ["macros"] }\n${deps}`;
  assert.deepEqual(severities('provided.al2023', 'bootstrap', { 'Cargo.toml': cargo('') }), ALL_INFO);
  assert.deepEqual(
    severities('provided.al2023', 'bootstrap', { 'Cargo.toml': cargo('aws-sdk-dynamodb = "1"\n') }),
    ALL_WARNINGS,
  );
  assert.deepEqual(
    severities('provided.al2', 'bootstrap', {
      'Cargo.toml': `${cargo('')}\n[target.'cfg(unix)'.dependencies]\nreqwest = "0.12"\n`,
    }),
    ALL_WARNINGS,
  );
  assert.deepEqual(
    severities('provided.al2023', 'bootstrap', { 'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\n' }),
    ALL_WARNINGS,
  );
  assert.deepEqual(severities('provided.al2023', 'bootstrap', { 'Cargo.toml': '[package\nname = ' }), ALL_WARNINGS);
});

test('code that cannot all be read keeps the warnings: no sources, a linked folder loop', () => {
  assert.deepEqual(severities('java21', 'com.example.App::handleRequest', { 'pom.xml': '<project/>' }), ALL_WARNINGS);
  const dir = mkdtempSync(join(tmpdir(), 'compiled-loop-'));
  try {
    mkdirSync(join(dir, 'fn/src'), { recursive: true });
    writeFileSync(
      join(dir, 'fn/src/App.java'),
      JAVA_LOGS.replace('import com.example.model.Order;\n', '').replace('new Order(event.getDetail())', 'event'),
    );
    symlinkSync(join(dir, 'fn'), join(dir, 'fn/src/loop'));
    const file = join(dir, 'template.yaml');
    writeFileSync(file, template('java21', 'com.example.App::handleRequest'));
    const found = new LanguageService({ fs: nodeFileSystem() }).validate({
      uri: URI.file(file).toString(),
      text: template('java21', 'com.example.App::handleRequest'),
      version: 1,
    });
    // The loop is not followed; the one class imports nothing with an effect.
    assert.equal(found.find((d) => d.ruleId === 'LL2003')?.severity, 'info');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
