#!/usr/bin/env python3
"""sageLLM hf-embed: an OpenAI-compatible embedding server for Hugging Face models.

One file, the standard library's HTTP server, plus torch and transformers (which the host must
have). Started by the control plane's `hf-embed` backend:

    python3 hf-embed-server.py --model BAAI/bge-m3 --host 127.0.0.1 --port 8090 --device cpu

Routes: GET /health (503 while the model loads, 200 once it serves), GET /v1/models,
POST /v1/embeddings (attention-masked mean pooling, L2 normalisation, truncation at the model's
maximum length, real token counts, encoding_format float or base64). Errors use OpenAI's shape.
Exit codes: 0 after SIGTERM/SIGINT, 1 when the model cannot be served (missing torch or
transformers, no CUDA for --device cuda, a model that does not load), 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import signal
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Exit codes (docs/engines.md, "Exit codes"). 1: an unexpected failure, restarted by the control
# plane. 2 (argparse), 65, 66 and 78 mean "not startable": the engine is marked FAILED at once.
EXIT_FAILURE = 1
# EX_DATAERR: the model exists but cannot be loaded (not a model transformers understands).
EXIT_BAD_MODEL = 65
# EX_NOINPUT: the model names nothing that exists (no such local folder or Hugging Face id).
EXIT_MODEL_NOT_FOUND = 66
# EX_CONFIG: this host cannot run the engine as asked (no torch, no CUDA).
EXIT_CONFIGURATION = 78
# Cap on tokens per input when the tokenizer reports no usable maximum (its "unset" value is huge).
FALLBACK_MAX_LENGTH = 512
MAX_BODY_BYTES = 32 * 1024 * 1024


class JsonFormatter(logging.Formatter):
    """One JSON object per line on stdout, like the other engines' logs."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": int(record.created * 1000),
            "level": record.levelname.lower(),
            "name": "hf-embed",
            "pid": os.getpid(),
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry)


def make_logger() -> logging.Logger:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("hf-embed")
    logger.addHandler(handler)
    logger.setLevel(os.environ.get("SAGE_LOG_LEVEL", "info").upper())
    return logger


LOG = make_logger()


def log(level: int, message: str, **fields: object) -> None:
    LOG.log(level, message, extra={"fields": fields})


def fail(message: str, code: int = EXIT_FAILURE) -> None:
    """Print a clear message and exit non-zero (the control plane shows the log tail)."""
    log(logging.CRITICAL, message)
    print(f"hf-embed: {message}", file=sys.stderr, flush=True)
    os._exit(code)


def load_failure_code(error: BaseException) -> int:
    """A network failure may pass (restart); a missing or unreadable model will not."""
    text = str(error).lower()
    if "connect" in text or "timed out" in text or "temporarily" in text:
        return EXIT_FAILURE
    if isinstance(error, OSError):
        return EXIT_MODEL_NOT_FOUND
    return EXIT_BAD_MODEL


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hf-embed-server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="Hugging Face model id or local directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--served-model-name", default=None, help="model name in the API (default: --model)")
    parser.add_argument("--batch-size", type=int, default=32, help="inputs per forward pass")
    parser.add_argument("--max-length", type=int, default=None, help="truncate inputs to this many tokens")
    parser.add_argument("--trust-remote-code", action="store_true")
    arguments = parser.parse_args(argv)
    if not 0 <= arguments.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if arguments.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    return arguments


class ApiError(Exception):
    """An error answered in OpenAI's shape."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None,
                 error_type: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.error_type = error_type or ("invalid_request_error" if status < 500 else "server_error")

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.error_type, "param": self.param, "code": self.code}}


class Embedder:
    """Loads the model once; embeds batches under a lock (one forward pass at a time)."""

    def __init__(self, arguments: argparse.Namespace) -> None:
        self.arguments = arguments
        self.ready = threading.Event()
        self.lock = threading.Lock()
        self.torch = None
        self.model = None
        self.tokenizer = None
        self.max_length = FALLBACK_MAX_LENGTH
        self.dimensions = 0

    def load(self) -> None:
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as error:
            fail(
                f"torch and transformers are required but could not be imported ({error}). "
                "Install them on this host, e.g. `python3 -m pip install torch transformers` "
                "(for a GPU, the CUDA build of torch), or use the sage backend with a GGUF model.",
                EXIT_CONFIGURATION,
            )
            return
        if self.arguments.device == "cuda" and not torch.cuda.is_available():
            fail(
                "CUDA is unavailable: --device cuda was asked for but torch.cuda.is_available() is false "
                f"(CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES')!r}, torch {torch.__version__}). "
                "Install a CUDA build of torch with a working NVIDIA driver, or start with --device cpu. "
                "The server does not fall back to CPU.",
                EXIT_CONFIGURATION,
            )
            return
        started = time.time()
        remote = self.arguments.trust_remote_code
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.arguments.model, trust_remote_code=remote)
            model = AutoModel.from_pretrained(self.arguments.model, trust_remote_code=remote)
        except Exception as error:  # noqa: BLE001 - any load failure ends the process with its reason
            fail(f"cannot load model '{self.arguments.model}': {error}", load_failure_code(error))
            return
        self.torch = torch
        self.model = model.to(self.arguments.device).eval()
        self.max_length = self.resolve_max_length(model)
        self.dimensions = int(getattr(model.config, "hidden_size", 0))
        self.ready.set()
        log(logging.INFO, "model loaded; engine ready", model=self.arguments.model, device=self.arguments.device,
            maxLength=self.max_length, dimensions=self.dimensions, durationMs=int((time.time() - started) * 1000))

    def resolve_max_length(self, model) -> int:
        candidates = [self.arguments.max_length, getattr(self.tokenizer, "model_max_length", None),
                      getattr(model.config, "max_position_embeddings", None)]
        usable = [int(value) for value in candidates if isinstance(value, int) and 0 < value < 1_000_000]
        return min(usable) if usable else FALLBACK_MAX_LENGTH

    def encode(self, inputs: list) -> dict:
        """Tokenise text or take token ids; truncate to the maximum length; pad to one batch."""
        if isinstance(inputs[0], str):
            return self.tokenizer(inputs, padding=True, truncation=True, max_length=self.max_length,
                                  return_tensors="pt")
        features = [{"input_ids": list(ids)[: self.max_length]} for ids in inputs]
        return self.tokenizer.pad(features, padding=True, return_tensors="pt")

    def embed(self, inputs: list) -> tuple[list[list[float]], int]:
        """L2-normalised mean-pooled embeddings and the number of tokens actually embedded."""
        torch = self.torch
        vectors: list[list[float]] = []
        tokens = 0
        with self.lock, torch.inference_mode():
            for start in range(0, len(inputs), self.arguments.batch_size):
                batch = self.encode(inputs[start:start + self.arguments.batch_size])
                batch = {name: tensor.to(self.arguments.device) for name, tensor in batch.items()}
                mask = batch["attention_mask"]
                tokens += int(mask.sum().item())
                hidden = self.model(**batch).last_hidden_state
                weights = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
                normalised = torch.nn.functional.normalize(pooled.float(), p=2, dim=1)
                vectors.extend(normalised.cpu().tolist())
        return vectors, tokens


def parse_inputs(body: dict, vocabulary_size: int | None) -> list:
    """OpenAI's four input shapes → a list of strings or a list of token-id lists (400 when invalid)."""
    value = body.get("input")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or len(value) == 0:
        raise ApiError(400, "input must be a string, an array of strings or an array of token arrays", "input")
    if all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        value = [value]
    if all(isinstance(item, str) for item in value):
        for index, item in enumerate(value):
            if item == "":
                raise ApiError(400, "input must not be empty", "input" if len(value) == 1 else f"input.{index}")
        return value
    for index, item in enumerate(value):
        param = "input" if len(value) == 1 else f"input.{index}"
        if not isinstance(item, list) or len(item) == 0 or not all(
                isinstance(token, int) and not isinstance(token, bool) for token in item):
            raise ApiError(400, "input must be a string, an array of strings or an array of token arrays", param)
        bad = [token for token in item if token < 0 or (vocabulary_size is not None and token >= vocabulary_size)]
        if bad:
            raise ApiError(400, f"token id {bad[0]} is outside the vocabulary", param)
    return value


def float_base64(vector: list[float]) -> str:
    """OpenAI's encoding_format base64: little-endian float32 bytes."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def make_handler(embedder: Embedder, served_model_name: str, created: int):
    class Handler(BaseHTTPRequestHandler):
        server_version = "sage-hf-embed"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            log(logging.DEBUG, format % args)

        def send_json(self, status: int, body: dict, headers: dict | None = None) -> None:
            payload = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def send_error_body(self, error: ApiError) -> None:
            headers = {"retry-after": "1"} if error.status == 503 else None
            self.send_json(error.status, error.body(), headers)

        def require_ready(self) -> None:
            if not embedder.ready.is_set():
                raise ApiError(503, f"the model '{served_model_name}' is still loading; retry shortly",
                               code="model_loading", error_type="service_unavailable_error")

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            try:
                if self.path == "/health":
                    ready = embedder.ready.is_set()
                    body = {"status": "ready" if ready else "loading", "model": served_model_name, "kind": "embedding"}
                    self.send_json(200 if ready else 503, body)
                elif self.path == "/v1/models":
                    self.require_ready()
                    self.send_json(200, {"object": "list", "data": [
                        {"id": served_model_name, "object": "model", "created": created, "owned_by": "sage",
                         "kind": "embedding"}]})
                else:
                    raise ApiError(404, f"no route GET {self.path}", code="not_found")
            except ApiError as error:
                self.send_error_body(error)

        def do_POST(self) -> None:  # noqa: N802 - stdlib naming
            try:
                if self.path != "/v1/embeddings":
                    raise ApiError(404, f"no route POST {self.path}", code="not_found")
                self.send_json(200, self.embeddings(self.read_json()))
            except ApiError as error:
                self.send_error_body(error)
            except Exception as error:  # noqa: BLE001 - answered as a 500 in OpenAI's shape
                log(logging.ERROR, "request failed", error=repr(error))
                self.send_error_body(ApiError(500, f"internal engine error: {error}"))

        def read_json(self) -> dict:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY_BYTES:
                raise ApiError(400, f"the body is larger than {MAX_BODY_BYTES} bytes")
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"null")
            except (ValueError, UnicodeDecodeError) as error:
                raise ApiError(400, f"invalid embedding request: the body is not valid JSON ({error})") from error
            if not isinstance(body, dict):
                raise ApiError(400, "invalid embedding request: the body must be a JSON object")
            return body

        def embeddings(self, body: dict) -> dict:
            self.require_ready()
            model = body.get("model")
            if model is not None and model != served_model_name:
                raise ApiError(404, f"The model '{model}' does not exist. This engine serves '{served_model_name}'.",
                               "model", "model_not_found")
            encoding = body.get("encoding_format", "float")
            if encoding not in ("float", "base64"):
                raise ApiError(400, "encoding_format must be 'float' or 'base64'", "encoding_format")
            dimensions = body.get("dimensions")
            if dimensions is not None and dimensions != embedder.dimensions:
                raise ApiError(400, f"this model produces {embedder.dimensions}-dimensional embeddings and cannot "
                                    f"change that (dimensions {dimensions})", "dimensions")
            inputs = parse_inputs(body, len(embedder.tokenizer))
            started = time.time()
            vectors, tokens = embedder.embed(inputs)
            log(logging.INFO, "request finished", endpoint="/v1/embeddings", inputs=len(inputs), promptTokens=tokens,
                durationMs=int((time.time() - started) * 1000))
            return {
                "object": "list",
                "data": [{"object": "embedding", "index": index,
                          "embedding": float_base64(vector) if encoding == "base64" else vector}
                         for index, vector in enumerate(vectors)],
                "model": served_model_name,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }

    return Handler


def main(argv: list[str]) -> None:
    arguments = parse_arguments(argv)
    served_model_name = arguments.served_model_name or arguments.model
    embedder = Embedder(arguments)
    server = ThreadingHTTPServer((arguments.host, arguments.port),
                                 make_handler(embedder, served_model_name, int(time.time())))
    server.daemon_threads = True
    log(logging.INFO, "engine listening", host=arguments.host, port=server.server_address[1], kind="embedding",
        model=served_model_name)

    def stop(signum: int, _frame: object) -> None:
        log(logging.INFO, "signal received, closing", signal=signal.Signals(signum).name)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=embedder.load, name="load-model", daemon=True).start()
    server.serve_forever()
    server.server_close()
    log(logging.INFO, "engine stopped")


if __name__ == "__main__":
    main(sys.argv[1:])
