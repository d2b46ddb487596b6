"""Test-only HTTP front for chdb: enough of ClickHouse's HTTP interface (port 8123) for
clickhouse-connect, with the real ClickHouse engine (chdb) behind it. It lets the dashboard's HTTP
path (data.clickhouse_load.HttpTarget, queries.engines.ClickHouseServerReader) run end to end where
no ClickHouse server binary can be installed. NOT a server for anything but tests: no auth, one
chdb session for every client (chdb allows one per process), statements run one at a time.

What it implements of https://clickhouse.com/docs/interfaces/http:
- the statement from the `query` URL parameter and/or the POST body (joined by a newline, as the
  server does); an INSERT ... FORMAT X whose rows are the body (clickhouse-connect's inserts) runs as
  INSERT ... SELECT * FROM file(<body>, X);
- `param_<name>` URL parameters bind `{name:Type}` placeholders; `database` selects the database;
  `default_format` is the output format when the statement names none; every other parameter that is
  not transport-only is a setting, applied with SET for that one statement and reset after it;
- request bodies compressed with gzip / deflate / zstd / lz4 (Content-Encoding);
- X-ClickHouse-Summary / -Format / -Timezone / -Query-Id / -Server-Display-Name headers; errors as
  HTTP 500 with the exception text and X-ClickHouse-Exception-Code, which the client raises.

Run: python -m tests.chdb_http [--port 0] [--path DIR]  (prints "listening <port>" when ready)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

# URL parameters that steer the HTTP transport, never settings.
_TRANSPORT = {"query", "database", "default_format", "session_id", "session_timeout", "session_check",
              "query_id", "compress", "decompress", "user", "password", "quota_key", "stacktrace",
              "close_session", "buffer_size", "wait_end_of_query", "client_protocol_version"}
_SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(?P<target>.+?)\s+FORMAT\s+(?P<fmt>\w+)\s*$", re.I | re.S)
_FORMAT_AT_END = re.compile(r"\bFORMAT\s+(\w+)\s*;?\s*$", re.I)
_ERROR_CODE = re.compile(r"Code:\s*(\d+)")


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _decompress(body: bytes, encoding: str) -> bytes:
    encoding = (encoding or "").strip().lower()
    if not encoding or encoding == "identity":
        return body
    if encoding == "gzip":
        import gzip
        return gzip.decompress(body)
    if encoding == "deflate":
        import zlib
        return zlib.decompress(body)
    if encoding == "zstd":
        import zstandard
        return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    if encoding == "lz4":
        import lz4.frame
        return lz4.frame.decompress(body)
    if encoding == "br":
        import brotli  # noqa: F401 - clickhouse-connect sends it only when brotli is installed
        return brotli.decompress(body)
    raise ValueError(f"unsupported Content-Encoding {encoding}")


class Engine:
    """The one chdb session, one statement at a time."""

    def __init__(self, path: str):
        from chdb import session
        self.session = session.Session(path)
        self.lock = threading.Lock()
        self.tmpdir = os.path.join(path, "http-inserts")   # insert bodies, each removed after its INSERT
        os.makedirs(self.tmpdir, exist_ok=True)

    def run(self, statement: str, data: bytes | None, params: dict[str, str], settings: dict[str, str],
            database: str | None, default_format: str) -> tuple[bytes, str, int]:
        """(body, output format, rows) of one statement."""
        with self.lock:
            if database:
                self.session.query(f"USE `{database.replace('`', '')}`")
            applied = []
            try:
                for name, value in settings.items():
                    self.session.query(f"SET {name} = {_quote(value)}")
                    applied.append(name)
                insert = _INSERT.match(statement) if data else None
                if insert:
                    path = os.path.join(self.tmpdir, uuid.uuid4().hex)
                    with open(path, "wb") as f:
                        f.write(data)
                    try:
                        self.session.query(f"INSERT INTO {insert['target']} SELECT * FROM "   # noqa: S608 - test front
                                           f"file({_quote(path)}, {insert['fmt']})")
                    finally:
                        os.remove(path)
                    return b"", default_format, 0
                if data:   # a body after a `query` parameter continues the statement
                    statement = statement + "\n" + data.decode()
                named = _FORMAT_AT_END.search(statement)
                fmt = named.group(1) if named else default_format
                result = self.session.query(statement, fmt, params=params) if params else \
                    self.session.query(statement, fmt)
                rows = int(getattr(result, "rows_read", lambda: 0)() or 0)
                return result.bytes(), fmt, rows
            finally:
                for name in applied:
                    self.session.query(f"SET {name} = DEFAULT")


def handler_for(engine: Engine):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):   # quiet: tests read failures from the client side
            if os.environ.get("CHDB_HTTP_LOG"):
                sys.stderr.write("chdb_http: " + (args[0] % args[1:]) + "\n")

        def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self, body: bytes) -> None:
            url = urlsplit(self.path)
            if url.path in ("/ping", "/"):
                if url.path == "/ping" or not url.query and not body:
                    return self._reply(200, b"Ok.\n", {"Content-Type": "text/plain; charset=UTF-8"})
            query: dict[str, str] = {}
            for k, v in parse_qsl(url.query, keep_blank_values=True):
                query[k] = v
            query_id = query.get("query_id") or str(uuid.uuid4())
            base = {"X-ClickHouse-Query-Id": query_id, "X-ClickHouse-Timezone": "UTC",
                    "X-ClickHouse-Server-Display-Name": "chdb-http-test-front"}
            try:
                body = _decompress(body, self.headers.get("Content-Encoding", ""))
                if "query" in query:
                    statement, data = query["query"], body or None
                else:
                    statement, data = body.decode(), None
                params = {k[len("param_"):]: v for k, v in query.items() if k.startswith("param_")}
                settings = {k: v for k, v in query.items()
                            if k not in _TRANSPORT and not k.startswith("param_") and _SETTING_NAME.match(k)}
                out, fmt, rows = engine.run(statement, data, params, settings, query.get("database"),
                                            query.get("default_format") or "TabSeparated")
            except Exception as exc:   # ClickHouse's HTTP error: 500 + the exception text
                text = str(exc)
                code = _ERROR_CODE.search(text)
                return self._reply(500, (text.strip() + "\n").encode(), {
                    **base, "Content-Type": "text/plain; charset=UTF-8",
                    "X-ClickHouse-Exception-Code": code.group(1) if code else "1000"})
            summary = {"read_rows": str(rows), "read_bytes": "0", "written_rows": "0", "written_bytes": "0",
                       "total_rows_to_read": "0", "result_rows": "0", "result_bytes": str(len(out)),
                       "elapsed_ns": "0"}
            self._reply(200, out, {**base, "X-ClickHouse-Format": fmt,
                                   "X-ClickHouse-Summary": json.dumps(summary),
                                   "Content-Type": "application/octet-stream"})

        def do_GET(self):
            self._handle(b"")

        def do_POST(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                body = b"".join(chunks)
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._handle(body)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--path", default=None, help="chdb data directory (default: a temporary one)")
    args = parser.parse_args(argv)
    path = args.path or tempfile.mkdtemp(prefix="chdb-http-data-")
    engine = Engine(path)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(engine))
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
