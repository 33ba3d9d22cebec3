#!/usr/bin/env python3
"""A small OTLP/HTTP (protobuf) sink for .ci/deploy-docker.

Decodes each request with the official opentelemetry-proto bindings and appends one JSON line per
request to OUT: the signal, the metric names (or log event names), the number of points/records and
the oldest and newest timestamps, so the script can tell data queued before a restart from new data.

usage: otlp_sink.py PORT OUT
"""

import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

MAX_BODY = 64 * 1024 * 1024
LOCK = threading.Lock()


def metric_points(metric):
    kind = metric.WhichOneof("data")
    if kind is None:
        return []
    return list(getattr(metric, kind).data_points)


def summarize_metrics(req):
    names, times, points = set(), [], 0
    for rm in req.resource_metrics:
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                names.add(m.name)
                for p in metric_points(m):
                    points += 1
                    times.append(p.time_unix_nano)
    return names, times, points


def summarize_logs(req):
    names, times, records = set(), [], 0
    for rl in req.resource_logs:
        for sl in rl.scope_logs:
            for r in sl.log_records:
                records += 1
                names.add(r.event_name or "")
                times.append(r.time_unix_nano or r.observed_time_unix_nano)
    return names, times, records


class Handler(BaseHTTPRequestHandler):
    out_path = ""

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            self.send_error(400, "bad length")
            return
        body = self.rfile.read(length)
        if self.headers.get("Content-Encoding", "") == "gzip":
            body = gzip.decompress(body)
        if self.path == "/v1/metrics":
            req = metrics_service_pb2.ExportMetricsServiceRequest()
            req.ParseFromString(body)
            names, times, n = summarize_metrics(req)
            resp = metrics_service_pb2.ExportMetricsServiceResponse()
        elif self.path == "/v1/logs":
            req = logs_service_pb2.ExportLogsServiceRequest()
            req.ParseFromString(body)
            names, times, n = summarize_logs(req)
            resp = logs_service_pb2.ExportLogsServiceResponse()
        else:
            self.send_error(404)
            return
        line = {
            "signal": self.path.rsplit("/", 1)[-1],
            "names": sorted(names),
            "items": n,
            "min_time": min(times) if times else 0,
            "max_time": max(times) if times else 0,
        }
        with LOCK, open(self.out_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
        data = resp.SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    Handler.out_path = out
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
