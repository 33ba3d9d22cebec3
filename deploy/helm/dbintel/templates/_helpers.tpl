{{/* Names: <release>-dbintel, or the release name when it already says dbintel (at most 40
characters, so "<fullname>-gateway-<hash>" and "<fullname>-agent-<N>" stay valid pod names). */}}
{{- define "dbintel.fullname" -}}
{{- if contains "dbintel" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-dbintel" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "dbintel.labels" -}}
app.kubernetes.io/name: dbintel
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "agent"). */}}
{{- define "dbintel.selectorLabels" -}}
app.kubernetes.io/name: dbintel
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "dbintel.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dbintel.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "dbintel.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The environment variable that carries one database's password: DBINTEL_DB_<NAME>_PASSWORD. */}}
{{- define "dbintel.passwordEnv" -}}
{{- printf "DBINTEL_DB_%s_PASSWORD" (.name | upper | replace "-" "_") -}}
{{- end -}}

{{/* New Relic's OTLP endpoint for the region and protocol (or newRelic.endpoint). */}}
{{- define "dbintel.newRelicEndpoint" -}}
{{- if .Values.newRelic.endpoint -}}
{{- .Values.newRelic.endpoint -}}
{{- else -}}
{{- $host := ternary "otlp.eu01.nr-data.net" "otlp.nr-data.net" (eq .Values.newRelic.region "eu") -}}
{{- if eq (default "http" .Values.newRelic.protocol) "grpc" -}}
{{- printf "%s:4317" $host -}}
{{- else -}}
{{- printf "https://%s" $host -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The exporters that deliver to the backend (New Relic and exporters.extra), as a dict id -> config.
Used by the gateway when gateway.enabled, else by the agents. */}}
{{- define "dbintel.backendExporters" -}}
{{- $exporters := dict -}}
{{- if .Values.exporters.newRelic.enabled -}}
{{- $nr := dict "endpoint" (include "dbintel.newRelicEndpoint" .) "headers" (dict "api-key" "${env:NEW_RELIC_LICENSE_KEY}") "compression" "gzip" "temporality_preference" "delta" "timeout" "30s" -}}
{{- $queue := dict "enabled" true "storage" "file_storage" "queue_size" 5000 "max_size_mib" (ternary .Values.gateway.queueSizeMiB .Values.queueSizeMiB .Values.gateway.enabled) -}}
{{- $_ := set $nr "sending_queue" $queue -}}
{{- if eq (default "http" .Values.newRelic.protocol) "grpc" -}}
{{- $_ := set $exporters "otlp/newrelic" $nr -}}
{{- else -}}
{{- $_ := set $nr "max_request_size" 1000000 -}}
{{- $_ := set $exporters "otlphttp/newrelic" $nr -}}
{{- end -}}
{{- end -}}
{{- range $id, $cfg := .Values.exporters.extra -}}
{{- $_ := set $exporters $id (default dict $cfg) -}}
{{- end -}}
{{- if not $exporters -}}
{{- fail "no exporter: set exporters.newRelic.enabled or add exporters.extra" -}}
{{- end -}}
{{- toJson $exporters -}}
{{- end -}}

{{/* The parts every dbintel config shares: memory_limiter and batch, health_check on the pod IP,
file_storage on the queue volume, JSON logs, self-telemetry on :8888. */}}
{{- define "dbintel.commonConfig" -}}
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  batch:
    timeout: 5s
extensions:
  health_check:
    endpoint: 0.0.0.0:13133
  file_storage:
    directory: /var/lib/dbintel/queue
service:
  extensions: [health_check, file_storage]
  telemetry:
    logs: {level: info, encoding: json}
    metrics:
      readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: 8888}}}}]
{{- end -}}

{{/* The agents' dbintel config, rendered from .Values.databases. */}}
{{- define "dbintel.agentConfig" -}}
{{- $root := . -}}
{{- $config := fromYaml (include "dbintel.commonConfig" .) -}}
{{- $receivers := dict -}}
{{- $ids := list -}}
{{- range .Values.databases -}}
{{- $id := printf "%s/%s" .type .name -}}
{{- if hasKey $receivers $id -}}
{{- fail (printf "databases: the name %q is used twice for %s" .name .type) -}}
{{- end -}}
{{- $r := dict "endpoint" .endpoint "username" .user "password" (printf "${env:%s}" (include "dbintel.passwordEnv" .)) "collection_interval" (default $root.Values.collectionInterval .collectionInterval) -}}
{{- if eq .type "postgresql" -}}
{{- $_ := set $r "databases" (default list .databases) -}}
{{- $_ := set $r "resource_model" "semconv" -}}
{{- else if .databases -}}
{{- $_ := set $r "database" (first .databases) -}}
{{- end -}}
{{- if $root.Values.queryEvents -}}
{{- $_ := set $r "events" (dict "db.server.top_query" (dict "enabled" true) "db.server.query_sample" (dict "enabled" true)) -}}
{{- end -}}
{{- with .tls -}}
{{- $_ := set $r "tls" (deepCopy .) -}}
{{- end -}}
{{- with .settings -}}
{{- $r = mergeOverwrite $r (deepCopy .) -}}
{{- end -}}
{{- $_ := set $receivers $id $r -}}
{{- $ids = append $ids $id -}}
{{- end -}}
{{- $_ := set $config "receivers" $receivers -}}
{{- $exporters := dict -}}
{{- if .Values.gateway.enabled -}}
{{- $gw := dict "endpoint" (printf "%s-gateway.%s.svc:4317" (include "dbintel.fullname" .) .Release.Namespace) "tls" (dict "insecure" true) "compression" "zstd" -}}
{{- $_ := set $gw "sending_queue" (dict "enabled" true "storage" "file_storage" "queue_size" 5000 "max_size_mib" .Values.queueSizeMiB) -}}
{{- $_ := set $exporters "otlp/gateway" $gw -}}
{{- else -}}
{{- $exporters = fromJson (include "dbintel.backendExporters" .) -}}
{{- end -}}
{{- $_ := set $config "exporters" $exporters -}}
{{- $exporterIds := keys $exporters | sortAlpha -}}
{{- $pipeline := dict "receivers" $ids "processors" (list "memory_limiter" "batch") "exporters" $exporterIds -}}
{{- $_ := set $config.service "pipelines" (dict "metrics" $pipeline "logs" (deepCopy $pipeline)) -}}
{{- if eq .Values.mode "sharded" -}}
{{- $_ := set $config.service "sharding" (dict "replicas" (int .Values.sharding.replicas)) -}}
{{- end -}}
{{- $config = mergeOverwrite $config (deepCopy .Values.extraConfig) -}}
{{- toYaml $config -}}
{{- end -}}

{{/* The gateway's dbintel config: otlp receiver -> memory_limiter -> batch -> the backend. */}}
{{- define "dbintel.gatewayConfig" -}}
{{- $config := fromYaml (include "dbintel.commonConfig" .) -}}
{{- $_ := set $config "receivers" (dict "otlp" (dict "protocols" (dict "grpc" (dict "endpoint" "0.0.0.0:4317") "http" (dict "endpoint" "0.0.0.0:4318")))) -}}
{{- $_ := set $config.processors "batch" (dict "timeout" "5s" "send_batch_size" 8192) -}}
{{- $exporters := fromJson (include "dbintel.backendExporters" .) -}}
{{- $_ := set $config "exporters" $exporters -}}
{{- $pipeline := dict "receivers" (list "otlp") "processors" (list "memory_limiter" "batch") "exporters" (keys $exporters | sortAlpha) -}}
{{- $_ := set $config.service "pipelines" (dict "metrics" $pipeline "logs" (deepCopy $pipeline)) -}}
{{- toYaml $config -}}
{{- end -}}

{{/* The container's hardening, the same in every mode. */}}
{{- define "dbintel.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "dbintel.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "dbintel.probes" -}}
startupProbe:
  httpGet: {path: /, port: dbintel-health}
  periodSeconds: 2
  failureThreshold: 30
livenessProbe:
  httpGet: {path: /, port: dbintel-health}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 6
readinessProbe:
  httpGet: {path: /, port: dbintel-health}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 2
{{- end -}}

{{/* The agent container (fleet, sharded, and the sidecar patch). Volumes are named dbintel-*, so the
sidecar's do not clash with the database pod's. */}}
{{- define "dbintel.agentContainer" -}}
name: dbintel
image: {{ include "dbintel.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
args: ["run", "--config", "/etc/dbintel/config.yaml"]
env:
{{- if ne .Values.mode "sidecar" }}
  - name: POD_NAME
    valueFrom:
      fieldRef:
        fieldPath: metadata.name
{{- end }}
{{- if eq .Values.mode "sharded" }}
  - name: DBINTEL_SHARD_REPLICAS
    value: {{ .Values.sharding.replicas | quote }}
{{- end }}
{{- range .Values.databases }}
  - name: {{ include "dbintel.passwordEnv" . }}
    valueFrom:
      secretKeyRef:
        name: {{ .passwordSecret.name }}
        key: {{ .passwordSecret.key }}
{{- end }}
{{- if and (not .Values.gateway.enabled) .Values.exporters.newRelic.enabled }}
  - name: NEW_RELIC_LICENSE_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.newRelic.licenseKeySecret.name }}
        key: {{ .Values.newRelic.licenseKeySecret.key }}
{{- end }}
ports:
  - name: dbintel-health
    containerPort: 13133
  - name: dbintel-metrics
    containerPort: 8888
{{ include "dbintel.probes" . }}
resources:
  {{- toYaml .Values.resources | nindent 2 }}
securityContext:
  {{- include "dbintel.containerSecurityContext" . | nindent 2 }}
volumeMounts:
  - name: dbintel-config
    mountPath: /etc/dbintel
    readOnly: true
  - name: dbintel-queue
    mountPath: /var/lib/dbintel
  - name: dbintel-tmp
    mountPath: /tmp
{{- end -}}

{{/* NetworkPolicy egress rules: DNS, and the backend (New Relic: HTTPS and OTLP/gRPC on public addresses). */}}
{{- define "dbintel.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .Values.networkPolicy.dnsNamespace }}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- end -}}

{{- define "dbintel.backendEgress" -}}
- to:
    - ipBlock:
        cidr: 0.0.0.0/0
        except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]
  ports:
    - {protocol: TCP, port: 443}
    - {protocol: TCP, port: 4317}
{{- end -}}
