"""Parses an OTLP-JSON lines file with the official opentelemetry-proto package (strict protobuf JSON
mapping) and prints a normalized JSON summary for the Rust end-to-end tests to compare."""
import json
import sys

from google.protobuf import json_format
from opentelemetry.proto.logs.v1.logs_pb2 import LogsData
from opentelemetry.proto.metrics.v1.metrics_pb2 import MetricsData


def any_value(v):
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind in ("array_value",):
        return [any_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in v.kvlist_value.values}
    if kind == "bytes_value":
        return v.bytes_value.hex()
    return getattr(v, kind)


def attrs(kvs):
    return {kv.key: any_value(kv.value) for kv in kvs}


def number(p):
    return p.as_int if p.WhichOneof("value") == "as_int" else p.as_double


out = {"metrics": [], "logs": [], "metric_lines": 0, "log_lines": 0}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        obj = json.loads(line)
        if "resourceMetrics" in obj:
            out["metric_lines"] += 1
            md = json_format.Parse(line, MetricsData())  # raises on any mapping error
            for rm in md.resource_metrics:
                res = attrs(rm.resource.attributes)
                for sm in rm.scope_metrics:
                    for m in sm.metrics:
                        kind = m.WhichOneof("data")
                        body = getattr(m, kind)
                        for p in body.data_points:
                            out["metrics"].append({
                                "name": m.name,
                                "unit": m.unit,
                                "kind": kind,
                                "monotonic": getattr(body, "is_monotonic", None),
                                "temporality": getattr(body, "aggregation_temporality", None),
                                "attributes": attrs(p.attributes),
                                "value": number(p),
                                "time_unix_nano": p.time_unix_nano,
                                "resource": res,
                                "scope": sm.scope.name,
                            })
        elif "resourceLogs" in obj:
            out["log_lines"] += 1
            ld = json_format.Parse(line, LogsData())
            for rl in ld.resource_logs:
                for sl in rl.scope_logs:
                    for r in sl.log_records:
                        out["logs"].append({
                            "body": any_value(r.body),
                            "attributes": attrs(r.attributes),
                            "time_unix_nano": r.time_unix_nano,
                            "observed_time_unix_nano": r.observed_time_unix_nano,
                        })
        else:
            raise SystemExit(f"line is neither MetricsData nor LogsData: {line[:200]}")
print(json.dumps(out))
