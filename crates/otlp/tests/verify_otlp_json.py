#!/usr/bin/env python3
"""Real-peer check of dbintel's OTLP-JSON: parse each line with the official `opentelemetry-proto`
Python package (protobuf's json_format, strict: unknown fields are errors) and print a normalized
summary that the Rust test compares with what it wrote.

Usage: verify_otlp_json.py [--proto-hex] FILE   (one MetricsData or LogsData JSON object per line)

With --proto-hex it prints, after each line's summary, `proto <hex>`: the binary protobuf encoding of
what it parsed, so the Rust test can compare it with the message it encoded (fields the summary
does not show included).

For each line it also re-encodes the parsed message with protobuf's own JSON mapping (MessageToDict,
integer enums, default-valued fields omitted) and checks that the result equals our object, so that
field names, omission of defaults, 64-bit integers as strings and base64 bytes all match protojson.
OTLP deviates from protojson for traceId/spanId (hex instead of base64): those are converted both ways.
"""

import base64
import json
import math
import struct
import sys

from google.protobuf import json_format
from opentelemetry.proto.logs.v1.logs_pb2 import LogsData
from opentelemetry.proto.metrics.v1.metrics_pb2 import MetricsData

ID_KEYS = ("traceId", "spanId")


def convert_ids(obj, to_base64):
    """Rewrites traceId/spanId values (OTLP hex <-> protojson base64) in place."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ID_KEYS and isinstance(v, str):
                if to_base64:
                    obj[k] = base64.b64encode(bytes.fromhex(v)).decode("ascii")
                else:
                    obj[k] = base64.b64decode(v).hex()
            else:
                convert_ids(v, to_base64)
    elif isinstance(obj, list):
        for v in obj:
            convert_ids(v, to_base64)


def fstr(s):
    if all(0x20 <= ord(c) < 0x7F and c not in '"\\' for c in s):
        return '"' + s + '"'
    return "hex:" + s.encode("utf-8").hex()


def fdouble(d):
    if math.isnan(d):
        return "f64:NaN"
    return "f64:" + struct.pack(">d", d).hex()


def fvalue(v):
    kind = v.WhichOneof("value")
    if kind == "string_value":
        return fstr(v.string_value)
    if kind == "bool_value":
        return "bool:" + ("true" if v.bool_value else "false")
    if kind == "int_value":
        return "int:%d" % v.int_value
    if kind == "double_value":
        return fdouble(v.double_value)
    if kind == "bytes_value":
        return "bytes:" + v.bytes_value.hex()
    if kind == "array_value":
        return "[" + ",".join(fvalue(x) for x in v.array_value.values) + "]"
    if kind == "kvlist_value":
        return fattrs(v.kvlist_value.values)
    return "empty"


def fattrs(kvs):
    return "{" + ",".join(fstr(kv.key) + "=" + fvalue(kv.value) for kv in kvs) + "}"


def ftimes(p):
    return "start=%d time=%d flags=%d" % (p.start_time_unix_nano, p.time_unix_nano, p.flags)


def summarize_metrics(md, out):
    for rm in md.resource_metrics:
        out.append("resource %s schema=%s" % (fattrs(rm.resource.attributes), fstr(rm.schema_url)))
        for sm in rm.scope_metrics:
            s = sm.scope
            out.append("scope %s %s %s schema=%s" % (fstr(s.name), fstr(s.version), fattrs(s.attributes), fstr(sm.schema_url)))
            for m in sm.metrics:
                kind = m.WhichOneof("data")
                head = "metric %s desc=%s unit=%s kind=%s" % (fstr(m.name), fstr(m.description), fstr(m.unit), kind)
                if kind == "gauge":
                    out.append(head)
                    points = m.gauge.data_points
                elif kind == "sum":
                    out.append(head + " temporality=%d monotonic=%s" % (m.sum.aggregation_temporality, str(m.sum.is_monotonic).lower()))
                    points = m.sum.data_points
                elif kind == "histogram":
                    out.append(head + " temporality=%d" % m.histogram.aggregation_temporality)
                    points = m.histogram.data_points
                elif kind == "summary":
                    out.append(head)
                    points = m.summary.data_points
                else:
                    out.append(head)
                    points = []
                for p in points:
                    if kind in ("gauge", "sum"):
                        vk = p.WhichOneof("value")
                        val = "int:%d" % p.as_int if vk == "as_int" else fdouble(p.as_double)
                        out.append("  point %s %s value=%s" % (fattrs(p.attributes), ftimes(p), val))
                    elif kind == "histogram":
                        opt = lambda f: fdouble(getattr(p, f)) if p.HasField(f) else "none"
                        out.append("  point %s %s count=%d sum=%s buckets=[%s] bounds=[%s] min=%s max=%s" % (
                            fattrs(p.attributes), ftimes(p), p.count, opt("sum"),
                            ",".join(str(c) for c in p.bucket_counts),
                            ",".join(fdouble(b) for b in p.explicit_bounds), opt("min"), opt("max")))
                    else:
                        qs = ",".join("(%s,%s)" % (fdouble(q.quantile), fdouble(q.value)) for q in p.quantile_values)
                        out.append("  point %s %s count=%d sum=%s quantiles=[%s]" % (
                            fattrs(p.attributes), ftimes(p), p.count, fdouble(p.sum), qs))


def summarize_logs(ld, out):
    for rl in ld.resource_logs:
        out.append("resource %s schema=%s" % (fattrs(rl.resource.attributes), fstr(rl.schema_url)))
        for sl in rl.scope_logs:
            s = sl.scope
            out.append("scope %s %s %s schema=%s" % (fstr(s.name), fstr(s.version), fattrs(s.attributes), fstr(sl.schema_url)))
            for r in sl.log_records:
                body = fvalue(r.body) if r.HasField("body") else "none"
                out.append("log event=%s time=%d observed=%d severity=%d %s body=%s attrs=%s flags=%d trace=%s span=%s" % (
                    fstr(r.event_name), r.time_unix_nano, r.observed_time_unix_nano, r.severity_number,
                    fstr(r.severity_text), body, fattrs(r.attributes), r.flags, r.trace_id.hex(), r.span_id.hex()))


def same_json(a, b):
    """Structural equality where JSON numbers compare by value (1 == 1.0)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return a == b


def main():
    out = []
    args = sys.argv[1:]
    proto_hex = "--proto-hex" in args
    path = [a for a in args if a != "--proto-hex"][0]
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            ours = json.loads(line)
            if "resourceLogs" in ours:
                msg, summarize = LogsData(), summarize_logs
            else:
                msg, summarize = MetricsData(), summarize_metrics
            converted = json.loads(line)
            convert_ids(converted, to_base64=True)
            # Strict: unknown fields, wrong types and malformed values raise ParseError.
            json_format.Parse(json.dumps(converted), msg, ignore_unknown_fields=False)
            out.append("line %d %s" % (lineno, type(msg).__name__))
            summarize(msg, out)
            theirs = json_format.MessageToDict(msg, use_integers_for_enums=True)
            convert_ids(theirs, to_base64=False)
            if same_json(ours, theirs):
                out.append("mapping ok")
            else:
                out.append("mapping mismatch")
                out.append("  ours:   " + json.dumps(ours, sort_keys=True))
                out.append("  protobuf: " + json.dumps(theirs, sort_keys=True))
            if proto_hex:
                out.append("proto " + msg.SerializeToString().hex())
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
