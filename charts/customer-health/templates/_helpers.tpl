{{/*
Chart name, overridable with nameOverride; 63 characters at most (a DNS label).
*/}}
{{- define "customer-health.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name: fullnameOverride, or "<release>-<chart name>" unless the release name already holds the
chart name.
*/}}
{{- define "customer-health.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A resource name made of the full name and a suffix, shortened so that the whole stays within 63 characters.
Call with (list $ "suffix").
*/}}
{{- define "customer-health.suffixedName" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- $max := sub 62 (len $suffix) | int }}
{{- printf "%s-%s" (include "customer-health.fullname" $root | trunc $max | trimSuffix "-") $suffix }}
{{- end }}

{{/*
Labels on every resource.
*/}}
{{- define "customer-health.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "customer-health.instanceLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: customer-health
{{- end }}

{{/*
Name and instance: what every pod of the release carries.
*/}}
{{- define "customer-health.instanceLabels" -}}
app.kubernetes.io/name: {{ include "customer-health.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector of the server pods (Deployment, Service, PDB, anti-affinity). The component label keeps the migration pods
out of the Service and the disruption budget.
*/}}
{{- define "customer-health.selectorLabels" -}}
{{ include "customer-health.instanceLabels" . }}
app.kubernetes.io/component: server
{{- end }}

{{/*
The service account of the server pods.
*/}}
{{- define "customer-health.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "customer-health.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference: repository with digest, or with tag (default: the chart's appVersion).
*/}}
{{- define "customer-health.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (toString (.Values.image.tag | default .Chart.AppVersion)) }}
{{- end }}
{{- end }}

{{/*
The database provider spelled as the service spells it (Sqlite, PostgreSql, SqlServer), whatever the case in values.
*/}}
{{- define "customer-health.provider" -}}
{{- $p := lower (toString .Values.database.provider) }}
{{- if eq $p "sqlite" }}
{{- "Sqlite" }}
{{- else if eq $p "postgresql" }}
{{- "PostgreSql" }}
{{- else if eq $p "sqlserver" }}
{{- "SqlServer" }}
{{- else }}
{{- fail (printf "database.provider must be Sqlite, PostgreSql or SqlServer, not %q" (toString .Values.database.provider)) }}
{{- end }}
{{- end }}

{{/*
"true" when the database is SQLite, else empty (usable in if).
*/}}
{{- define "customer-health.isSqlite" -}}
{{- if eq (include "customer-health.provider" .) "Sqlite" }}true{{ end }}
{{- end }}

{{/*
"true" when the migration hook Job is rendered: enabled, and a server database.
*/}}
{{- define "customer-health.migrationEnabled" -}}
{{- if and .Values.migration.enabled (not (include "customer-health.isSqlite" .)) }}true{{ end }}
{{- end }}

{{/*
Refuses combinations that cannot work. Renders nothing otherwise.
*/}}
{{- define "customer-health.validate" -}}
{{- if include "customer-health.isSqlite" . }}
{{- if gt (int .Values.replicaCount) 1 }}
{{- fail "database.provider Sqlite allows one replica only (one process owns the file): set replicaCount to 1, or use PostgreSql or SqlServer" }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "database.provider Sqlite cannot autoscale (one replica only): set autoscaling.enabled to false, or use PostgreSql or SqlServer" }}
{{- end }}
{{- if not .Values.persistence.enabled }}
{{- fail "database.provider Sqlite needs persistence.enabled (a PersistentVolumeClaim for the database file)" }}
{{- end }}
{{- else if not (or .Values.database.existingSecret .Values.database.connectionString) }}
{{- fail (printf "database.provider %s needs database.connectionString or database.existingSecret" (include "customer-health.provider" .)) }}
{{- end }}
{{- $jwt := .Values.auth.jwt }}
{{- if not (or $jwt.authority $jwt.metadataAddress $jwt.signingKeys.secretName .Values.auth.clientCertificates.enabled) }}
{{- fail "the server refuses to listen on the pod's address without authentication: set auth.jwt.authority (or metadataAddress, or signingKeys.secretName with issuer) or auth.clientCertificates (see docs/security.md)" }}
{{- end }}
{{- if and .Values.web.enabled .Values.metrics.enabled (eq (int .Values.web.port) (int .Values.metrics.port)) }}
{{- fail "web.port and metrics.port must differ: each endpoint needs a port of its own" }}
{{- end }}
{{- if and $jwt.signingKeys.secretName (not $jwt.issuer) }}
{{- fail "auth.jwt.signingKeys needs auth.jwt.issuer (the issuer the tokens must name)" }}
{{- end }}
{{- if .Values.auth.clientCertificates.enabled }}
{{- if not .Values.tls.enabled }}
{{- fail "auth.clientCertificates needs tls.enabled (client certificates travel in the TLS handshake)" }}
{{- end }}
{{- if not .Values.auth.clientCertificates.caSecretName }}
{{- fail "auth.clientCertificates needs caSecretName (the Secret with the trusted client CAs)" }}
{{- end }}
{{- if not .Values.auth.clientCertificates.callers }}
{{- fail "auth.clientCertificates needs at least one entry in callers" }}
{{- end }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.secretName) }}
{{- fail "tls.enabled needs tls.secretName (a kubernetes.io/tls Secret)" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not (and .Values.resources .Values.resources.requests .Values.resources.requests.cpu)) }}
{{- fail "autoscaling on CPU needs resources.requests.cpu" }}
{{- end }}
{{- end }}

{{/*
The Secret with the connection string that the server pods read, and its key.
*/}}
{{- define "customer-health.secretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- include "customer-health.suffixedName" (list . "database") }}
{{- end }}
{{- end }}

{{- define "customer-health.secretKey" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecretKey | default "connectionString" }}
{{- else }}
{{- "connectionString" }}
{{- end }}
{{- end }}

{{/*
The Secret the migration hook reads. A Secret created by the chart as a normal resource does not exist yet when a
pre-install hook runs, so the chart gives the hook its own copy, itself a hook created just before the Job.
*/}}
{{- define "customer-health.migrationSecretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- include "customer-health.suffixedName" (list . "migrate-database") }}
{{- end }}
{{- end }}

{{/*
The connection string the chart stores when it creates the Secret.
*/}}
{{- define "customer-health.connectionString" -}}
{{- if .Values.database.connectionString }}
{{- .Values.database.connectionString }}
{{- else }}
{{- printf "Data Source=%s/customerhealth.db" (trimSuffix "/" .Values.persistence.mountPath) }}
{{- end }}
{{- end }}

{{/*
Environment of the server and migration containers: listening address, provider, migrate-on-start-up, connection
string (from a Secret), then values.config as configuration keys and values.extraEnv.
Call with (dict "root" $ "secretName" "..."), plus "server" true for the server pods (the web and metrics listeners).
*/}}
{{- define "customer-health.env" -}}
{{- $root := .root -}}
- name: Kestrel__Endpoints__Grpc__Url
  value: {{ ternary "https://0.0.0.0:5080" "http://0.0.0.0:5080" $root.Values.tls.enabled | quote }}
{{- if $root.Values.tls.enabled }}
- name: Kestrel__Endpoints__Grpc__Certificate__Path
  value: /etc/customer-health/tls/tls.crt
- name: Kestrel__Endpoints__Grpc__Certificate__KeyPath
  value: /etc/customer-health/tls/tls.key
{{- end }}
- name: Kestrel__Endpoints__Probes__Url
  value: "http://0.0.0.0:5081"
- name: Kestrel__Endpoints__Probes__Protocols
  value: Http2
- name: Probes__Port
  value: "5081"
{{- if and .server $root.Values.web.enabled }}
- name: Kestrel__Endpoints__Web__Url
  value: {{ printf "%s://0.0.0.0:%d" (ternary "https" "http" $root.Values.tls.enabled) (int $root.Values.web.port) | quote }}
- name: Kestrel__Endpoints__Web__Protocols
  value: Http1
{{- if $root.Values.tls.enabled }}
- name: Kestrel__Endpoints__Web__Certificate__Path
  value: /etc/customer-health/tls/tls.crt
- name: Kestrel__Endpoints__Web__Certificate__KeyPath
  value: /etc/customer-health/tls/tls.key
{{- end }}
{{- end }}
{{- if and .server $root.Values.metrics.enabled }}
- name: Kestrel__Endpoints__Metrics__Url
  value: {{ printf "http://0.0.0.0:%d" (int $root.Values.metrics.port) | quote }}
- name: Kestrel__Endpoints__Metrics__Protocols
  value: Http1
- name: Telemetry__PrometheusPort
  value: {{ $root.Values.metrics.port | quote }}
{{- end }}
{{- with $root.Values.auth.jwt }}
{{- if .authority }}
- name: Authentication__Jwt__Authority
  value: {{ .authority | quote }}
{{- end }}
{{- if .metadataAddress }}
- name: Authentication__Jwt__MetadataAddress
  value: {{ .metadataAddress | quote }}
{{- end }}
{{- if .issuer }}
- name: Authentication__Jwt__Issuer
  value: {{ .issuer | quote }}
{{- end }}
- name: Authentication__Jwt__Audience
  value: {{ .audience | quote }}
{{- if .signingKeys.secretName }}
- name: Authentication__Jwt__SigningKeysFile
  value: {{ printf "/etc/customer-health/jwt/%s" .signingKeys.key | quote }}
{{- end }}
{{- end }}
{{- with $root.Values.auth.clientCertificates }}
{{- if .enabled }}
- name: Authentication__Certificate__Enabled
  value: "true"
- name: Authentication__Certificate__TrustedCaFile
  value: {{ printf "/etc/customer-health/client-ca/%s" .caKey | quote }}
{{- range $i, $caller := .callers }}
{{- with $caller.subject }}
- name: Authentication__Certificate__Callers__{{ $i }}__Subject
  value: {{ . | quote }}
{{- end }}
{{- with $caller.dnsName }}
- name: Authentication__Certificate__Callers__{{ $i }}__DnsName
  value: {{ . | quote }}
{{- end }}
{{- with $caller.uri }}
- name: Authentication__Certificate__Callers__{{ $i }}__Uri
  value: {{ . | quote }}
{{- end }}
{{- range $j, $scope := $caller.scopes }}
- name: Authentication__Certificate__Callers__{{ $i }}__Scopes__{{ $j }}
  value: {{ $scope | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
- name: Database__Provider
  value: {{ include "customer-health.provider" $root | quote }}
- name: Database__MigrateOnStartup
  value: {{ ternary "true" "false" (eq (include "customer-health.isSqlite" $root) "true") | quote }}
- name: ConnectionStrings__CustomerHealth
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ include "customer-health.secretKey" $root }}
{{- range $key, $value := $root.Values.config }}
- name: {{ $key | replace ":" "__" }}
  value: {{ toString $value | quote }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Volumes and mounts of the TLS certificate, the JWT signing keys and the client CA bundle, each read-only.
*/}}
{{- define "customer-health.securityVolumes" -}}
{{- if .Values.tls.enabled }}
- name: tls
  secret:
    secretName: {{ .Values.tls.secretName }}
{{- end }}
{{- if .Values.auth.jwt.signingKeys.secretName }}
- name: jwt-keys
  secret:
    secretName: {{ .Values.auth.jwt.signingKeys.secretName }}
{{- end }}
{{- if .Values.auth.clientCertificates.enabled }}
- name: client-ca
  secret:
    secretName: {{ .Values.auth.clientCertificates.caSecretName }}
{{- end }}
{{- end }}

{{- define "customer-health.securityVolumeMounts" -}}
{{- if .Values.tls.enabled }}
- name: tls
  mountPath: /etc/customer-health/tls
  readOnly: true
{{- end }}
{{- if .Values.auth.jwt.signingKeys.secretName }}
- name: jwt-keys
  mountPath: /etc/customer-health/jwt
  readOnly: true
{{- end }}
{{- if .Values.auth.clientCertificates.enabled }}
- name: client-ca
  mountPath: /etc/customer-health/client-ca
  readOnly: true
{{- end }}
{{- end }}
