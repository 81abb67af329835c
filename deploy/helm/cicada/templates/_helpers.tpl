{{/* The release's base name for every object, at most 63 characters. */}}
{{- define "cicada.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; "component" is added where it applies. */}}
{{- define "cicada.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* What a Service or Deployment selects its pods by (with a component). */}}
{{- define "cicada.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cicada.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{- define "cicada.scenarioConfigMap" -}}
{{- .Values.existingScenarioConfigMap | default (printf "%s-scenario" (include "cicada.fullname" .)) -}}
{{- end -}}

{{/* The master's address for workers: its Service. */}}
{{- define "cicada.masterHost" -}}
{{ include "cicada.fullname" . }}-master
{{- end -}}

{{/* The pod's security settings: cicada's image runs as uid 10001. */}}
{{- define "cicada.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
{{- end -}}

{{- define "cicada.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Liveness: restart a node whose event loop stopped answering. */}}
{{- define "cicada.livenessProbe" -}}
httpGet:
  path: /healthz
  port: health
initialDelaySeconds: 5
periodSeconds: 10
timeoutSeconds: 5
failureThreshold: 3
{{- end -}}

{{- define "cicada.readinessProbe" -}}
httpGet:
  path: /readyz
  port: health
periodSeconds: 5
timeoutSeconds: 5
{{- end -}}
