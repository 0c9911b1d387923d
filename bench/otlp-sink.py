#!/usr/bin/env python3
"""bench/otlp-sink.py: an OTLP/HTTP endpoint that answers every export with an empty success and keeps nothing.

    bench/otlp-sink.py [PORT]   (default 19318; listens on 127.0.0.1)

For benchmark variants that trace (bench/run's production variants, bench/ab --otlp-sink): the exporter's work is
measured, no collector's. Standard library only.
"""
import http.server
import sys


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 19318
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()
