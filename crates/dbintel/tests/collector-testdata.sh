#!/usr/bin/env bash
# Copies the Collector's own component test configs, for the components dbintel has, out of local
# clones (or bare mirrors) of opentelemetry-collector and opentelemetry-collector-contrib, named
# `<kind>__<type>__<path>.yaml`, for the ignored test `collector_testdata::the_collectors_own_testdata_files`:
#
#   crates/dbintel/tests/collector-testdata.sh CORE_GIT_DIR CONTRIB_GIT_DIR OUT_DIR
#   DBINTEL_COLLECTOR_TESTDATA=OUT_DIR cargo test -p dbintel --test collector_testdata -- --ignored --nocapture
#
# A file missing from a clone is skipped with a note. Nothing of theirs is kept in this repository.
# Files whose top-level keys are not component IDs (otlpexporter's invalid_configs.yaml, the
# exporterhelper queuebatch testdata) and README examples need a harness that knows them; the one
# used for docs/compatibility.md's counts wraps those too (see the note there).
set -euo pipefail
core=$1 contrib=$2 out=$3
mkdir -p "$out"
copy() { # repo kind type path
    local name
    name="$2__$3__$(echo "$4" | tr '/' '_')"
    if git -C "$1" show "HEAD:$4" > "$out/$name" 2>/dev/null; then :; else
        rm -f "$out/$name"; echo "not in $(basename "$1"): $4" >&2
    fi
}
copy "$core" extension zpages extension/zpagesextension/testdata/config.yaml
copy "$core" processor batch processor/batchprocessor/testdata/config.yaml
copy "$core" exporter otlp exporter/otlpexporter/testdata/config.yaml
copy "$core" exporter otlp exporter/otlpexporter/testdata/default-batch.yaml
copy "$core" exporter otlphttp exporter/otlphttpexporter/testdata/config.yaml
for f in config_output_paths config_output_paths_empty config_verbosity config_verbosity_typo; do
    copy "$core" exporter debug "exporter/debugexporter/testdata/$f.yaml"
done
for f in config default only_grpc only_http only_http_empty_map only_http_null uds \
         invalid_logs_path invalid_metrics_path invalid_traces_path invalid_profiles_path; do
    copy "$core" receiver otlp "receiver/otlpreceiver/testdata/$f.yaml"
done
copy "$contrib" extension health_check extension/healthcheckextension/testdata/config.yaml
copy "$contrib" extension pprof extension/pprofextension/testdata/config.yaml
copy "$contrib" extension file_storage extension/storage/filestorage/testdata/config.yaml
copy "$contrib" processor transform processor/transformprocessor/testdata/config.yaml
copy "$contrib" processor attributes processor/attributesprocessor/testdata/config.yaml
copy "$contrib" processor resource processor/resourceprocessor/testdata/config.yaml
copy "$contrib" processor probabilistic_sampler processor/probabilisticsamplerprocessor/testdata/config.yaml
for f in config_ottl config_traces config_logs_min_severity config_strict config_regexp config_expr \
         config_logs_strict config_logs_regexp config_logs_record_attributes_strict config_logs_severity_regexp \
         config_logs_body_regexp; do
    copy "$contrib" processor filter "processor/filterprocessor/testdata/$f.yaml"
done
copy "$contrib" exporter file exporter/fileexporter/testdata/config.yaml
copy "$contrib" exporter prometheus exporter/prometheusexporter/testdata/config.yaml
copy "$contrib" receiver postgresql receiver/postgresqlreceiver/testdata/config.yaml
copy "$contrib" receiver mysql receiver/mysqlreceiver/testdata/config.yaml
for f in config config-logs config-datasource-config config-logs-datasource-config config-invalid-driver; do
    copy "$contrib" receiver sqlquery "receiver/sqlqueryreceiver/testdata/$f.yaml"
done
copy "$core" processor memory_limiter internal/memorylimiter/testdata/config.yaml
ls "$out" | wc -l
