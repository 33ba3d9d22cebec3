#!/usr/bin/env python3
"""Parses a Prometheus exposition from stdin with the official Python client and prints it as JSON.

Usage: prometheus_parse.py text|openmetrics < exposition

Output: {"families": [{"name", "type", "help", "samples": [{"name", "labels", "value", "timestamp"}]}]}
Values that JSON cannot carry (NaN, +Inf, -Inf) are strings.
Exit codes: 0 parsed, 1 the parser rejected the input (message on stderr), 2 prometheus_client missing.
Used by crates/exporters/tests/prometheus_e2e.rs (needs `pip install prometheus-client`).
"""

import json
import math
import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
    from prometheus_client.parser import text_string_to_metric_families as parse_text
except ImportError as e:  # pragma: no cover - environment problem, reported to the Rust test
    print(f"prometheus_client is not installed ({e}); run `pip install prometheus-client`", file=sys.stderr)
    sys.exit(2)


def number(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "NaN" if math.isnan(v) else ("+Inf" if v > 0 else "-Inf")
    return v


def timestamp(ts):
    if ts is None:
        return None
    # Text format: a float of seconds; OpenMetrics: a Timestamp(sec, nsec).
    if hasattr(ts, "sec"):
        return ts.sec + ts.nsec / 1e9
    return float(ts)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("text", "openmetrics"):
        print(__doc__, file=sys.stderr)
        return 64
    body = sys.stdin.read()
    parse = parse_text if sys.argv[1] == "text" else parse_openmetrics
    try:
        families = []
        for fam in parse(body):
            families.append(
                {
                    "name": fam.name,
                    "type": fam.type,
                    "help": fam.documentation,
                    "samples": [
                        {
                            "name": s.name,
                            "labels": dict(s.labels),
                            "value": number(s.value),
                            "timestamp": timestamp(s.timestamp),
                        }
                        for s in fam.samples
                    ],
                }
            )
    except Exception as e:  # the parser raises ValueError and friends on bad input
        print(f"{sys.argv[1]} parser rejected the exposition: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    json.dump({"families": families}, sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
