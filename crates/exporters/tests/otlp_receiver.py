#!/usr/bin/env python3
"""A small OTLP receiver built on the official `opentelemetry-proto` Python package, `grpcio` and
`http.server`, used as an independent peer by crates/exporters/tests/otlp_*.rs.

It serves OTLP/gRPC (metrics, logs and trace services; gzip through grpcio) and OTLP/HTTP (/v1/metrics,
/v1/logs, /v1/traces; protobuf or JSON bodies; gzip or zstd Content-Encoding), optionally over TLS or mTLS, and
appends one JSON line per request to --out: {"transport", "signal", "encoding", "compression",
"headers", "request", "raw"[, "body"]} where `request` is google.protobuf.json_format.MessageToDict
of the decoded export request, `raw` its protobuf encoding in hex and `body` (JSON requests only) the
decompressed body as received, in hex. As the OTLP spec asks of a receiver, traceId/spanId in a JSON
body are read as hex (protobuf's own JSON mapping would read them as base64), parentSpanId too. It prints "READY <grpc_port> <http_port>" on stdout when both servers listen.
With --partial N each response carries a partial success rejecting N items.
Packages: opentelemetry-proto, grpcio, zstandard (protobuf comes with opentelemetry-proto).
"""
import argparse
import base64
import gzip
import json
import ssl
import sys
import threading
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import zstandard
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

LOCK = threading.Lock()
ARGS = None


def record(transport, signal, encoding, compression, headers, message, body=None):
    entry = {
        "transport": transport,
        "signal": signal,
        "encoding": encoding,
        "compression": compression,
        "headers": headers,
        "request": json_format.MessageToDict(message),
        "raw": message.SerializeToString().hex(),
    }
    if body is not None:
        entry["body"] = body.hex()
    line = json.dumps(entry)
    with LOCK:
        with open(ARGS.out, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def hex_ids_to_base64(obj):
    """OTLP/JSON carries traceId/spanId as hex; protobuf's JSON parser expects base64 for bytes."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                obj[k] = base64.b64encode(bytes.fromhex(v)).decode("ascii")
            else:
                hex_ids_to_base64(v)
    elif isinstance(obj, list):
        for v in obj:
            hex_ids_to_base64(v)


def metrics_response():
    r = metrics_service_pb2.ExportMetricsServiceResponse()
    if ARGS.partial:
        r.partial_success.rejected_data_points = ARGS.partial
        r.partial_success.error_message = "test receiver rejects some points"
    return r


def logs_response():
    r = logs_service_pb2.ExportLogsServiceResponse()
    if ARGS.partial:
        r.partial_success.rejected_log_records = ARGS.partial
        r.partial_success.error_message = "test receiver rejects some records"
    return r


def traces_response():
    r = trace_service_pb2.ExportTraceServiceResponse()
    if ARGS.partial:
        r.partial_success.rejected_spans = ARGS.partial
        r.partial_success.error_message = "test receiver rejects some spans"
    return r


class TraceService(trace_service_pb2_grpc.TraceServiceServicer):
    def Export(self, request, context):
        md = {k: v for k, v in context.invocation_metadata()}
        record("grpc", "traces", "proto", md.get("grpc-encoding", "identity"), md, request)
        return traces_response()


class MetricsService(metrics_service_pb2_grpc.MetricsServiceServicer):
    def Export(self, request, context):
        md = {k: v for k, v in context.invocation_metadata()}
        record("grpc", "metrics", "proto", md.get("grpc-encoding", "identity"), md, request)
        return metrics_response()


class LogsService(logs_service_pb2_grpc.LogsServiceServicer):
    def Export(self, request, context):
        md = {k: v for k, v in context.invocation_metadata()}
        record("grpc", "logs", "proto", md.get("grpc-encoding", "identity"), md, request)
        return logs_response()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        enc = (self.headers.get("Content-Encoding") or "identity").lower()
        try:
            if enc == "gzip":
                body = gzip.decompress(body)
            elif enc == "zstd":
                body = zstandard.ZstdDecompressor().decompress(body, max_output_size=64 << 20)
            elif enc != "identity":
                return self.reply(415, b"unsupported encoding", "text/plain")
            ctype = (self.headers.get("Content-Type") or "").lower()
            is_json = "json" in ctype
            if self.path == "/v1/metrics":
                req, resp, signal = metrics_service_pb2.ExportMetricsServiceRequest(), metrics_response(), "metrics"
            elif self.path == "/v1/logs":
                req, resp, signal = logs_service_pb2.ExportLogsServiceRequest(), logs_response(), "logs"
            elif self.path == "/v1/traces":
                req, resp, signal = trace_service_pb2.ExportTraceServiceRequest(), traces_response(), "traces"
            else:
                return self.reply(404, b"not found", "text/plain")
            if is_json:
                obj = json.loads(body.decode("utf-8"))
                hex_ids_to_base64(obj)
                json_format.Parse(json.dumps(obj), req)
            else:
                req.ParseFromString(body)
        except Exception as e:  # noqa: BLE001 - report anything as a 400
            return self.reply(400, str(e).encode(), "text/plain")
        headers = {k.lower(): v for k, v in self.headers.items()}
        record("http", signal, "json" if is_json else "proto", enc, headers, req, body if is_json else None)
        if is_json:
            self.reply(200, json_format.MessageToJson(resp).encode(), "application/json")
        else:
            self.reply(200, resp.SerializeToString(), "application/x-protobuf")

    def reply(self, code, body, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-ca", help="require client certificates signed by this CA (mTLS)")
    p.add_argument("--partial", type=int, default=0)
    p.add_argument("--grpc-unix", help="also serve gRPC (plaintext) on this Unix domain socket")
    ARGS = p.parse_args()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         options=[("grpc.max_receive_message_length", 64 << 20)])
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(MetricsService(), server)
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(LogsService(), server)
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(TraceService(), server)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if ARGS.cert:
        cert = open(ARGS.cert, "rb").read()
        key = open(ARGS.key, "rb").read()
        ca = open(ARGS.client_ca, "rb").read() if ARGS.client_ca else None
        creds = grpc.ssl_server_credentials([(key, cert)], root_certificates=ca,
                                            require_client_auth=ca is not None)
        grpc_port = server.add_secure_port("127.0.0.1:0", creds)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        if ARGS.client_ca:
            ctx.load_verify_locations(ARGS.client_ca)
            ctx.verify_mode = ssl.CERT_REQUIRED
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    else:
        grpc_port = server.add_insecure_port("127.0.0.1:0")
    if ARGS.grpc_unix:
        server.add_insecure_port("unix:" + ARGS.grpc_unix)
    server.start()
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"READY {grpc_port} {httpd.server_address[1]}", flush=True)
    try:
        sys.stdin.read()  # exit when the test closes stdin (or dies)
    finally:
        server.stop(0)
        httpd.shutdown()


if __name__ == "__main__":
    main()
