# An OTLP sender built on the official opentelemetry-proto package (grpcio for gRPC, urllib for
# HTTP). argv: GRPC_HOST:PORT HTTP_BASE_URL. Prints one JSON object: what each case got back.
import gzip
import json
import sys
import urllib.error
import urllib.request
import zlib

import grpc
import zstandard
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2

grpc_target, http_base = sys.argv[1], sys.argv[2]
results = {}


def gauge_request(exp_histograms=0, value=1.5):
    req = metrics_service_pb2.ExportMetricsServiceRequest()
    rm = req.resource_metrics.add()
    rm.resource.attributes.add(key="service.name", value=common_pb2.AnyValue(string_value="py"))
    sm = rm.scope_metrics.add()
    m = sm.metrics.add(name="py.gauge", unit="1")
    p = m.gauge.data_points.add(time_unix_nano=1_700_000_000_000_000_000, as_double=value)
    p.attributes.add(key="k", value=common_pb2.AnyValue(string_value="v"))
    if exp_histograms:
        e = sm.metrics.add(name="py.exp")
        e.exponential_histogram.aggregation_temporality = 2
        for _ in range(exp_histograms):
            e.exponential_histogram.data_points.add(count=1, scale=1)
    return req


def post(path, body, content_type, encoding=None, headers=None, method="POST"):
    h = {"Content-Type": content_type}
    if encoding:
        h["Content-Encoding"] = encoding
    h.update(headers or {})
    req = urllib.request.Request(http_base + path, data=body, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def metrics_answer(status, body, content_type):
    out = {"status": status}
    if status == 200:
        resp = metrics_service_pb2.ExportMetricsServiceResponse()
        if content_type == "application/json":
            json_format.Parse(body, resp)
        else:
            resp.ParseFromString(body)
        out["rejected"] = resp.partial_success.rejected_data_points
        out["message"] = resp.partial_success.error_message
    return out


# HTTP: protobuf, gzip.
s, b, _ = post("/v1/metrics", gzip.compress(gauge_request().SerializeToString()), "application/x-protobuf", "gzip")
results["http_gzip_protobuf"] = metrics_answer(s, b, "application/x-protobuf")

# HTTP: JSON (protobuf JSON mapping), zstd.
body = json_format.MessageToJson(gauge_request()).encode()
s, b, _ = post("/v1/metrics", zstandard.ZstdCompressor().compress(body), "application/json", "zstd")
results["http_zstd_json"] = metrics_answer(s, b, "application/json")

# HTTP: logs, deflate (zlib), with a hex trace id in OTLP-JSON... as protobuf here; a 2^40 int.
logs = logs_service_pb2.ExportLogsServiceRequest()
rec = logs.resource_logs.add().scope_logs.add().log_records.add(
    time_unix_nano=1_700_000_000_000_000_000,
    severity_number=9,
    body=common_pb2.AnyValue(string_value="hello"),
    trace_id=bytes.fromhex("5b8efff798038103d269b633813fc60c"),
    span_id=bytes.fromhex("eee19b7ec3c1b174"),
)
rec.attributes.add(key="n", value=common_pb2.AnyValue(int_value=1 << 40))
s, b, _ = post("/v1/logs", zlib.compress(logs.SerializeToString()), "application/x-protobuf", "deflate")
results["http_deflate_logs"] = {"status": s}

# HTTP: partial success (exponential histograms are refused per point).
s, b, _ = post("/v1/metrics", gauge_request(exp_histograms=2).SerializeToString(), "application/x-protobuf")
results["http_partial"] = metrics_answer(s, b, "application/x-protobuf")

# HTTP: over max_request_body_size (200000) raw, and as a small gzip that inflates past it.
big = gauge_request()
big.resource_metrics[0].resource.attributes.add(key="pad", value=common_pb2.AnyValue(string_value="x" * 300_000))
s, _, _ = post("/v1/metrics", big.SerializeToString(), "application/x-protobuf")
results["http_oversize"] = {"status": s}
s, _, _ = post("/v1/metrics", gzip.compress(big.SerializeToString()), "application/x-protobuf", "gzip")
results["http_zip_bomb"] = {"status": s}

# HTTP: wrong content type, garbage body, wrong path, wrong method.
s, _, _ = post("/v1/metrics", b"x", "text/plain")
results["http_bad_type"] = {"status": s}
s, _, _ = post("/v1/metrics", b"\xff\xff\xff\xff", "application/x-protobuf")
results["http_garbage"] = {"status": s}
s, _, _ = post("/v2/metrics", b"", "application/x-protobuf")
results["http_wrong_path"] = {"status": s}
s, _, _ = post("/v1/metrics", None, "application/x-protobuf", method="GET")
results["http_get"] = {"status": s}

# CORS preflight: an allowed origin (wildcard) and another one.
for name, origin in [("cors_preflight", "https://app.example.com"), ("cors_other_origin", "https://evil.test")]:
    s, _, h = post(
        "/v1/metrics",
        None,
        "application/x-protobuf",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        method="OPTIONS",
    )
    results[name] = {
        "status": s,
        "allow_origin": h.get("Access-Control-Allow-Origin"),
        "max_age": h.get("Access-Control-Max-Age"),
    }

# gRPC: gzip, partial success, over max_recv_msg_size_mib (1 MiB).
with grpc.insecure_channel(grpc_target, options=[("grpc.max_send_message_length", 8 << 20)]) as channel:
    stub = metrics_service_pb2_grpc.MetricsServiceStub(channel)
    resp = stub.Export(gauge_request(), compression=grpc.Compression.Gzip, timeout=10)
    results["grpc_gzip"] = {"code": "OK", "rejected": resp.partial_success.rejected_data_points}
    resp = stub.Export(gauge_request(exp_histograms=2), timeout=10)
    results["grpc_partial"] = {"rejected": resp.partial_success.rejected_data_points}
    huge = gauge_request()
    huge.resource_metrics[0].resource.attributes.add(key="pad", value=common_pb2.AnyValue(string_value="x" * (2 << 20)))
    try:
        stub.Export(huge, timeout=10)
        results["grpc_oversize"] = {"code": "OK"}
    except grpc.RpcError as e:
        results["grpc_oversize"] = {"code": e.code().name}

print(json.dumps(results))
