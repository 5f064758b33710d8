#!/usr/bin/env python3
"""A scripted model provider for tests: speaks the Anthropic Messages API, the
OpenAI Chat Completions and Responses APIs and Gemini's generateContent, streamed (server-sent events, as the real
providers send them) and not, so real agent CLIs and corral's LLM gateway can
be driven without the internet.

The script is a JSON file: {"steps": [STEP, ...], "chunks": N} where a STEP is
  {"text": "..."}                              a final answer
  {"tool": "Write", "input": {...}}            one tool call (Anthropic tool_use)
The step answered is the number of tool results already in the request's
conversation (Anthropic tool_result blocks, OpenAI "tool" messages), so the
server is stateless and a retried request gets the same answer. Requests without tools (an agent's side calls: titles, summaries) get
the script's "side_answer" (default "ok"). A streamed answer comes in
"chunks" deltas (default 3). Each answer reports usage: input tokens = the request
body's length / 4, output tokens = the answer's length / 4 (at least 1).

Every request is appended to the log file as one JSON line: method, path,
peer (the client's port: requests on one connection share it), headers, body. The first line on stdout is "listening PORT".

Usage: scripted_model_server.py --script FILE --log FILE [--tls CERT KEY] [--delay-ms N] [--idle-close-ms N]
(--idle-close-ms: a kept connection idle that long is closed, as providers do.)
"""
import argparse
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_LOCK = threading.Lock()


def tokens_of(text):
    return max(1, len(text) // 4)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # answers stream event by event, as providers do
    script = {"steps": []}
    log_path = None
    delay = 0.0

    def log_message(self, *args):
        pass

    def record(self, body):
        with LOG_LOCK, open(self.log_path, "a") as log:
            log.write(json.dumps({"method": self.command, "path": self.path, "peer": self.client_address[1],
                                  "headers": {k.lower(): v for k, v in self.headers.items()},
                                  "body": body}) + "\n")

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(length).decode("utf-8", "replace")
        self.record(raw)
        try:
            request = json.loads(raw) if raw else {}
        except ValueError:
            return self.send_json(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                                   "message": "body is not JSON"}})
        path = self.path.split("?")[0]
        if path.endswith("/messages/count_tokens"):
            return self.send_json(200, {"input_tokens": tokens_of(raw)})
        if path.endswith("/messages"):
            return self.anthropic(request, raw)
        if path.endswith("/chat/completions"):
            return self.openai(request, raw)
        if path.endswith("/responses"):
            return self.openai_responses(request, raw)
        if ":generateContent" in path or ":streamGenerateContent" in path:
            return self.gemini(request, raw, path)
        if path.endswith(":countTokens"):
            return self.send_json(200, {"totalTokens": tokens_of(raw)})
        self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": path}})

    def do_GET(self):
        self.record("")
        self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def step_after(self, request, answered):
        """The script's step once `answered` tool calls have their results in the
        conversation (each wire format counts its own); a side call (no tools)
        gets the side answer."""
        if not request.get("tools"):
            return {"text": self.script.get("side_answer", "ok")}
        steps = self.script.get("steps", [])
        return steps[answered] if answered < len(steps) else {"text": "done"}

    # --- Anthropic Messages -------------------------------------------------
    def anthropic(self, request, raw):
        step = self.step_after(request, answered_tool_calls(request.get("messages", [])))
        model = request.get("model", "scripted")
        usage_in = tokens_of(raw)
        if "tool" in step:
            block = {"type": "tool_use", "id": "toolu_%08d" % abs(hash(raw) % 10**8),
                     "name": step["tool"], "input": step["input"]}
            answer = json.dumps(step["input"])
            stop = "tool_use"
        else:
            block = {"type": "text", "text": step["text"]}
            answer = step["text"]
            stop = "end_turn"
        usage_out = tokens_of(answer)
        # A fresh id per answer: clients merge streamed parts that share one.
        message = {"id": "msg_%d_%08d" % (answered_tool_calls(request.get("messages", [])), abs(hash(raw)) % 10**8), "type": "message", "role": "assistant", "model": model,
                   "content": [block], "stop_reason": stop, "stop_sequence": None,
                   "usage": {"input_tokens": usage_in, "output_tokens": usage_out}}
        if not request.get("stream"):
            return self.send_json(200, message)
        start = dict(message, content=[], stop_reason=None,
                     usage={"input_tokens": usage_in, "output_tokens": 1})
        events = [("message_start", {"type": "message_start", "message": start}), ("ping", {"type": "ping"})]
        if block["type"] == "tool_use":
            events.append(("content_block_start", {"type": "content_block_start", "index": 0,
                                                   "content_block": dict(block, input={})}))
            for piece in chunks(answer, self.script.get("chunks", 3)):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                       "delta": {"type": "input_json_delta",
                                                                 "partial_json": piece}}))
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": 0,
                                                   "content_block": {"type": "text", "text": ""}}))
            for piece in chunks(answer, self.script.get("chunks", 3)):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                       "delta": {"type": "text_delta", "text": piece}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
        events.append(("message_delta", {"type": "message_delta",
                                         "delta": {"stop_reason": stop, "stop_sequence": None},
                                         "usage": {"output_tokens": usage_out}}))
        events.append(("message_stop", {"type": "message_stop"}))
        self.stream([("event: %s\ndata: %s\n\n" % (name, json.dumps(data))) for name, data in events])

    # --- OpenAI Chat Completions ---------------------------------------------
    def openai(self, request, raw):
        step = self.step_after(request, answered_tool_calls(request.get("messages", [])))
        answer = step.get("text", json.dumps(step.get("input", {})))
        usage = {"prompt_tokens": tokens_of(raw), "completion_tokens": tokens_of(answer)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        model = request.get("model", "scripted")
        if not request.get("stream"):
            return self.send_json(200, {"id": "chatcmpl-scripted", "object": "chat.completion", "model": model,
                                        "choices": [{"index": 0, "finish_reason": "stop",
                                                     "message": {"role": "assistant", "content": answer}}],
                                        "usage": usage})
        frames = []
        for piece in chunks(answer, self.script.get("chunks", 3)):
            frames.append({"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "model": model,
                           "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
        frames.append({"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "model": model,
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if request.get("stream_options", {}).get("include_usage"):
            frames.append({"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "model": model,
                           "choices": [], "usage": usage})
        self.stream(["data: %s\n\n" % json.dumps(f) for f in frames] + ["data: [DONE]\n\n"])

    # --- OpenAI Responses -----------------------------------------------------
    def openai_responses(self, request, raw):  # not "responses": BaseHTTPRequestHandler has that
        items = request.get("input", [])
        items = items if isinstance(items, list) else []
        step = self.step_after(request, sum(1 for item in items if isinstance(item, dict) and
                                            item.get("type") in ("function_call_output", "custom_tool_call_output")))
        ident = "%d_%08d" % (len(items), abs(hash(raw)) % 10**8)
        if "tool" in step:
            answer = json.dumps(step["input"])
            item = {"type": "function_call", "id": "fc_" + ident, "call_id": "call_" + ident, "name": step["tool"],
                    "arguments": answer, "status": "completed"}
        else:
            answer = step["text"]
            item = {"type": "message", "id": "msg_" + ident, "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": answer, "annotations": []}]}
        usage = {"input_tokens": tokens_of(raw), "output_tokens": tokens_of(answer)}
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        response = {"id": "resp_" + ident, "object": "response", "model": request.get("model", "scripted"),
                    "status": "completed", "output": [item], "usage": usage}
        if not request.get("stream"):
            return self.send_json(200, response)
        started = dict(response, status="in_progress", output=[], usage=None)
        events = [("response.created", {"type": "response.created", "response": started})]
        if item["type"] == "message":
            events.append(("response.output_item.added", {"type": "response.output_item.added", "output_index": 0,
                                                          "item": dict(item, status="in_progress", content=[])}))
            for piece in chunks(answer, self.script.get("chunks", 3)):
                events.append(("response.output_text.delta", {"type": "response.output_text.delta", "item_id": item["id"],
                                                              "output_index": 0, "content_index": 0, "delta": piece}))
        else:
            events.append(("response.output_item.added", {"type": "response.output_item.added", "output_index": 0,
                                                          "item": dict(item, status="in_progress", arguments="")}))
        events.append(("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}))
        events.append(("response.completed", {"type": "response.completed", "response": response}))
        self.stream([("event: %s\ndata: %s\n\n" % (name, json.dumps(data))) for name, data in events])

    # --- Gemini generateContent ---------------------------------------------
    def gemini(self, request, raw, path):
        config = request.get("generationConfig", {})
        schema = config.get("responseJsonSchema") or config.get("responseSchema")
        if schema:  # an agent's side call that wants JSON (a router, a classifier): a conforming object
            step = {"text": json.dumps(fill_schema(schema))}
        else:
            step = self.step_after(request, sum(1 for content in request.get("contents", [])
                                                for part in content.get("parts", []) if "functionResponse" in part))
        if "tool" in step:
            part = {"functionCall": {"name": step["tool"], "args": step["input"]}}
            answer = json.dumps(step["input"])
        else:
            answer = step["text"]
            part = None
        usage = {"promptTokenCount": tokens_of(raw), "candidatesTokenCount": tokens_of(answer)}
        usage["totalTokenCount"] = usage["promptTokenCount"] + usage["candidatesTokenCount"]
        model = path.split("/models/")[-1].split(":")[0]

        def chunk(parts, final):
            candidate = {"content": {"role": "model", "parts": parts}, "index": 0}
            if final:
                candidate["finishReason"] = "STOP"
            return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model}
        if ":streamGenerateContent" not in path:
            return self.send_json(200, chunk([part] if part else [{"text": answer}], True))
        if part:
            frames = [chunk([part], True)]
        else:
            pieces = chunks(answer, self.script.get("chunks", 3))
            frames = [chunk([{"text": p}], i == len(pieces) - 1) for i, p in enumerate(pieces)]
        self.stream(["data: %s\r\n\r\n" % json.dumps(f) for f in frames])

    def stream(self, pieces):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for piece in pieces:
            data = piece.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            if self.delay:
                time.sleep(self.delay)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def fill_schema(schema):
    """A minimal value that a JSON schema (OpenAPI-style types, either case) accepts."""
    kind = str(schema.get("type", "object")).lower()
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: fill_schema(sub) for name, sub in properties.items()}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return "scripted"


def answered_tool_calls(messages):
    count = 0
    for message in messages:
        if message.get("role") == "tool":
            count += 1
        content = message.get("content")
        if isinstance(content, list):
            count += sum(1 for block in content if isinstance(block, dict) and block.get("type") == "tool_result")
    return count


def chunks(text, count):
    size = max(1, -(-len(text) // count))
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--delay-ms", type=float, default=0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--idle-close-ms", type=float, default=0)
    args = parser.parse_args()
    with open(args.script) as f:
        Handler.script = json.load(f)
    Handler.log_path = args.log
    Handler.delay = args.delay_ms / 1000.0
    if args.idle_close_ms:
        Handler.timeout = args.idle_close_ms / 1000.0  # socketserver closes the connection on it
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
