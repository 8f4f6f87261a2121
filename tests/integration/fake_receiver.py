#!/usr/bin/env python3
"""A scripted HTTP receiver for the exporter fault tests (tests/integration/exporter_faults_test.sh).

Answers every request by a script given on the command line and records each request as one JSON line
(time, method, path, headers, body length, body SHA-256, the status answered) in --log, so that a test can
count attempts and tell a retried batch (same body) from a new one.

  --script 500,500,204   answer the first request 500, the second 500, then 204 for ever (the last entry
                         repeats); an entry "hang" reads the request and never answers
  --mode hang            the same as --script hang: every request is read, logged and never answered

The body is read whole before answering, as a real receiver does. Hanging requests are held until the
client closes the connection or the receiver exits (SIGTERM or SIGINT end it with status 0).
"""

import argparse
import hashlib
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Script:
    """The answers in order, the last one repeated; thread-safe."""

    def __init__(self, entries):
        self._entries = entries
        self._next = 0
        self._lock = threading.Lock()

    def take(self):
        with self._lock:
            entry = self._entries[min(self._next, len(self._entries) - 1)]
            self._next += 1
            return entry


def parse_script(text):
    entries = []
    for item in text.split(","):
        item = item.strip()
        if item == "hang":
            entries.append("hang")
        elif item.isdigit() and 100 <= int(item) <= 599:
            entries.append(int(item))
        else:
            raise argparse.ArgumentTypeError(f"script entry {item!r} is neither an HTTP status nor 'hang'")
    if not entries:
        raise argparse.ArgumentTypeError("empty script")
    return entries


def make_handler(script, log_file, log_lock, stop):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class's signature
            pass  # the JSON log is the record; stderr stays quiet

        def _record(self, body, answer):
            entry = {
                "time": time.time(),
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_length": len(body),
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "answer": answer,
            }
            with log_lock:
                log_file.write(json.dumps(entry, sort_keys=True) + "\n")
                log_file.flush()

        def _read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                return self.rfile.read(length)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            return b""

        def _answer(self):
            body = self._read_body()
            answer = script.take()
            self._record(body, answer)
            if answer == "hang":
                # Hold the connection until the receiver stops; the client's timeout must end the attempt.
                stop.wait()
                self.close_connection = True
                return
            payload = b"" if answer == 204 else f"scripted status {answer}\n".encode()
            self.send_response(answer)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        do_POST = _answer
        do_PUT = _answer
        do_GET = _answer

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="port on --address (0: any free port)")
    parser.add_argument("--address", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--script", type=parse_script, default=[204], help="answers in order, last repeated")
    parser.add_argument("--mode", choices=["script", "hang"], default="script")
    parser.add_argument("--log", required=True, help="JSON lines, one per request")
    parser.add_argument("--ready-file", help="written with the port once listening")
    args = parser.parse_args()
    if not args.address.startswith("127."):
        parser.error("only loopback addresses (127.0.0.0/8)")
    script = Script(["hang"] if args.mode == "hang" else args.script)

    stop = threading.Event()
    log_lock = threading.Lock()
    with open(args.log, "a", encoding="utf-8") as log_file:
        server = ThreadingHTTPServer((args.address, args.port), make_handler(script, log_file, log_lock, stop))
        server.daemon_threads = True  # hanging handlers must not keep the process alive

        def on_signal(signum, frame):
            stop.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        if args.ready_file:
            tmp = args.ready_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(f"{server.server_address[1]}\n")
            os.replace(tmp, args.ready_file)
        server.serve_forever(poll_interval=0.2)
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
