"""Lambda Lens: the Python runtime bootstrap of one simulated execution environment.

It behaves like Lambda's Python runtime (awslambdaric): it imports the handler's module once
(INIT), then calls the handler for one request at a time with Lambda's context object, and
reports errors in Lambda's shape ({errorMessage, errorType, requestId, stackTrace}).

It talks to the simulator over two pipes, file descriptor 3 (from the simulator) and 4 (to
it), one JSON message per line, with the same messages as the Node bootstrap
(server/src/simulator/runtimes/protocol.ts, CHANNEL_FDS). Output written to stdout/stderr,
including print(), goes over the same channel, so log lines stay in order with results; every
write waits until the pipe takes it, so a flood of output slows the code down instead of
piling up in its memory.
"""
import decimal
import importlib
import json
import logging
import os
import sys
import time
import traceback

# Lambda's code directory is read-only, so no bytecode is written there; nor is any written into
# the user's project by a simulation.
sys.dont_write_bytecode = True

try:
    import resource
except ImportError:  # Windows: no peak memory figure from the runtime itself.
    resource = None

CHANNEL_IN = 3
CHANNEL_OUT = 4
# Processes the handler starts do not get the channel.
for _fd in (CHANNEL_IN, CHANNEL_OUT):
    os.set_inheritable(_fd, False)


def send(message):
    data = (json.dumps(message) + "\n").encode("utf-8")
    while data:
        written = os.write(CHANNEL_OUT, data)
        data = data[written:]


def max_rss_kb():
    if resource is None:
        return 0
    # Linux reports kilobytes, macOS bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def cpu_meter():
    """Starts measuring a phase's CPU (issue 18, durations/model.ts): the main thread's on-CPU
    and run-queue wait from /proc/self/schedstat on Linux, else the process's CPU time with no
    wait figure. The returned function gives the use since, as protocol.ts's PhaseCpu."""

    def schedstat():
        try:
            with open("/proc/self/schedstat") as f:
                on_cpu, wait, _ = f.read().split()
            return int(on_cpu) / 1e6, int(wait) / 1e6
        except (OSError, ValueError):
            return None

    main = schedstat()
    process0 = time.process_time()

    def used():
        process_cpu_ms = (time.process_time() - process0) * 1000
        now = schedstat() if main is not None else None
        if main is not None and now is not None:
            return {"cpuMs": now[0] - main[0], "waitMs": now[1] - main[1], "source": "schedstat", "processCpuMs": process_cpu_ms}
        return {"cpuMs": process_cpu_ms, "waitMs": 0, "source": "process", "processCpuMs": process_cpu_ms}

    return used


class ChannelWriter:
    """sys.stdout / sys.stderr: every write goes to the simulator as raw output."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, name):
        self.name = name

    def write(self, text):
        if text:
            send({"t": "out", "text": text})
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        raise OSError("Lambda Lens: stdout is captured")


state = {"handler": None, "request_id": None, "clock_offset_ms": 0}


class LambdaLogFormatter(logging.Formatter):
    """awslambdaric's format: "[LEVEL]\\t<ISO time>Z\\t<request id>\\t<message>"."""

    def format(self, record):
        wall = record.created + state["clock_offset_ms"] / 1000.0
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(wall)) + ".%03dZ" % (int(wall * 1000) % 1000)
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        return "[%s]\t%s\t%s\t%s" % (record.levelname, stamp, state["request_id"] or "", message)


class LambdaLogHandler(logging.Handler):
    def emit(self, record):
        try:
            send({"t": "log", "line": self.format(record)})
        except Exception:  # noqa: BLE001 - a log line must never fail the request
            pass


def install_logging():
    handler = LambdaLogHandler()
    handler.setFormatter(LambdaLogFormatter())
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    # Lambda's root logger passes WARNING and above unless the function changes it.
    root.setLevel(logging.WARNING)


class CognitoIdentity:
    cognito_identity_id = None
    cognito_identity_pool_id = None


class LambdaContext:
    """The context object awslambdaric passes (lambda_context.py)."""

    def __init__(self, message):
        self.aws_request_id = message["requestId"]
        self.log_group_name = message["logGroupName"]
        self.log_stream_name = message["logStreamName"]
        self.function_name = message["functionName"]
        # A string, as in awslambdaric (it reads AWS_LAMBDA_FUNCTION_MEMORY_SIZE).
        self.memory_limit_in_mb = message["memoryLimitInMB"]
        self.function_version = message["functionVersion"]
        self.invoked_function_arn = message["invokedFunctionArn"]
        self.client_context = None
        self.identity = CognitoIdentity()
        self._deadline_ms = int(time.time() * 1000) + int(message["remainingMs"])

    def get_remaining_time_in_millis(self):
        left = self._deadline_ms - int(time.time() * 1000)
        return left if left > 0 else 0

    def log(self, msg):
        send({"t": "out", "text": str(msg)})


def error_payload(error_type, error_message, stack_trace, request_id):
    """Lambda's Python error shape; `trace` carries the same lines for displays made for Node's shape."""
    return {
        "errorType": error_type,
        "errorMessage": error_message,
        "requestId": request_id or "",
        "stackTrace": stack_trace,
        "trace": stack_trace,
    }


def stack_of(exc):
    return traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])


def log_error(payload):
    """What awslambdaric logs for a failed request: "[ERROR] Type: message" and the traceback."""
    lines = ["[ERROR] %s: %s" % (payload["errorType"], payload["errorMessage"])]
    if payload["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(line.rstrip("\n") for line in payload["stackTrace"])
    send({"t": "log", "line": "\n".join(lines)})


def load_handler(handler):
    """Resolve "path/module.function" as awslambdaric does; returns (function, error payload)."""
    try:
        module_path, function_name = handler.rsplit(".", 1)
    except ValueError as exc:
        return None, error_payload("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, exc), [], None)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return None, error_payload("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, exc), [], None)
    except SyntaxError as exc:
        message = "Syntax error in module '%s': %s" % (module_name, exc)
        return None, error_payload("Runtime.UserCodeSyntaxError", message, [line for line in traceback.format_exception_only(type(exc), exc)], None)
    except Exception as exc:  # noqa: BLE001 - any error in module-scope code fails INIT
        return None, error_payload(type(exc).__name__, str(exc), stack_of(exc), None)
    fn = getattr(module, function_name, None)
    if fn is None:
        return None, error_payload("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name), [], None)
    return fn, None


class _BotocoreEndpoint:
    """Points botocore clients at the run's local endpoint.

    botocore reads AWS_ENDPOINT_URL itself since 1.31 (boto3 1.28,
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html); older releases, such
    as Debian 12's boto3 1.26, do not. So when botocore.session is first imported, its
    Session.create_client gets the endpoint as the default endpoint_url. Nothing is imported
    before the handler imports botocore, so INIT is not slowed for handlers that do not use it.
    """

    def __init__(self, url):
        self.url = url
        self.done = False

    def find_spec(self, name, path=None, target=None):
        if name != "botocore.session" or self.done:
            return None
        self.done = True
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        exec_module = loader.exec_module
        url = self.url

        def patched_exec(module):
            exec_module(module)
            original = module.Session.create_client

            def create_client(self, service_name, region_name=None, api_version=None, use_ssl=True,
                              verify=None, endpoint_url=None, *args, **kwargs):
                if endpoint_url is None:
                    endpoint_url = url
                return original(self, service_name, region_name, api_version, use_ssl, verify, endpoint_url,
                                *args, **kwargs)

            module.Session.create_client = create_client

        loader.exec_module = patched_exec
        return spec


def install_endpoint_hook():
    url = os.environ.get("AWS_ENDPOINT_URL")
    if url and not any(isinstance(f, _BotocoreEndpoint) for f in sys.meta_path):
        sys.meta_path.insert(0, _BotocoreEndpoint(url))


def on_init(message):
    os.environ.clear()
    os.environ.update(message["env"])
    install_endpoint_hook()
    state["clock_offset_ms"] = message.get("clockOffsetMs", 0)
    task_root = message["taskRoot"]
    os.chdir(task_root)
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    meter = cpu_meter()
    started = time.perf_counter()
    fn, error = load_handler(message["handler"])
    init_ms = (time.perf_counter() - started) * 1000
    cpu = meter()
    if error is not None:
        log_error(error)
    state["handler"] = fn
    send({"t": "init-done", "initMs": init_ms, "error": error, "maxRssKb": max_rss_kb(), "cpu": cpu})


class LambdaEncoder(json.JSONEncoder):
    """awslambdaric's marshaller also writes Decimal (from DynamoDB) as a number."""

    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def on_invoke(message):
    request_id = message["requestId"]
    state["request_id"] = request_id
    state["clock_offset_ms"] = message.get("clockOffsetMs", state["clock_offset_ms"])
    os.environ["_X_AMZN_TRACE_ID"] = message["traceId"]
    context = LambdaContext(message)
    meter = cpu_meter()
    started = time.perf_counter()
    response_json = None
    error = None
    try:
        result = state["handler"](message["event"], context)
        try:
            response_json = json.dumps(result, cls=LambdaEncoder)
        except (TypeError, ValueError) as exc:
            error = error_payload("Runtime.MarshalError", "Unable to marshal response: %s" % exc, [], request_id)
    except SystemExit as exc:
        # sys.exit() ends the runtime: Lambda reports Runtime.ExitError and resets the environment.
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        os._exit(code)
    except Exception as exc:  # noqa: BLE001 - the handler's error is the request's result
        error = error_payload(type(exc).__name__, str(exc), stack_of(exc), request_id)
    duration_ms = (time.perf_counter() - started) * 1000
    cpu = meter()
    if error is not None:
        log_error(error)
    send({
        "t": "result",
        "requestId": request_id,
        "durationMs": duration_ms,
        "responseJson": None if response_json == "null" else response_json,
        "error": error,
        "maxRssKb": max_rss_kb(),
        "cpu": cpu,
    })
    state["request_id"] = None


def main():
    sys.stdout = ChannelWriter("<stdout>")
    sys.stderr = ChannelWriter("<stderr>")
    install_logging()
    send({"t": "ready"})
    pending = b""
    while True:
        chunk = os.read(CHANNEL_IN, 1 << 16)
        if not chunk:
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if not line.strip():
                continue
            message = json.loads(line)
            if message.get("t") == "init":
                on_init(message)
            elif message.get("t") == "invoke":
                on_invoke(message)


if __name__ == "__main__":
    main()
