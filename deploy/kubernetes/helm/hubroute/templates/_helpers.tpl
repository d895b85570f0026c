{{/* The ConfigMap's name: the release's FlinkDeployment name + "-config". */}}
{{- define "hubroute.configMapName" -}}
{{ .Release.Name }}-config
{{- end -}}

{{- define "hubroute.labels" -}}
app.kubernetes.io/name: hubroute
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/*
The keys the Secret must hold: every ${env:NAME} of the routes file and job.yaml, once each,
sorted; plus AZURE_STORAGE_KEY for a wasb(s):// storage URI. As DeploymentRenderer computes them.
*/}}
{{- define "hubroute.secretKeys" -}}
{{- $names := list -}}
{{- range (regexFindAll "\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}" (print .Values.routes "\n" .Values.jobConfig) -1) -}}
{{- $names = append $names (trimSuffix "}" (trimPrefix "${env:" .)) -}}
{{- end -}}
{{- if regexMatch "^wasbs?://" .Values.storageUri -}}
{{- $names = append $names "AZURE_STORAGE_KEY" -}}
{{- end -}}
{{- $names | uniq | sortAlpha | join "," -}}
{{- end -}}

{{/* Fails the render on what DeploymentRenderer refuses: missing values, ${file:}, inline keys. */}}
{{- define "hubroute.check" -}}
{{- if not .Values.image }}{{ fail "image: set --set image=REGISTRY/hubroute:TAG (built from deploy/kubernetes/Dockerfile)" }}{{ end -}}
{{- if not .Values.routes }}{{ fail "routes: pass the routes file with --set-file routes=routes.yaml" }}{{ end -}}
{{- if not .Values.jobConfig }}{{ fail "jobConfig: pass job.yaml with --set-file jobConfig=job.yaml" }}{{ end -}}
{{- if not (regexMatch "^(abfss?|wasbs?|s3[ap]?|gs|oss|hdfs)://" .Values.storageUri) }}{{ fail "storageUri: checkpoints, savepoints and HA metadata need durable storage: abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PATH, wasbs://, s3://, gs://, oss:// or hdfs://" }}{{ end -}}
{{- $files := print .Values.routes "\n" .Values.jobConfig -}}
{{- if contains "${file:" $files }}{{ fail (printf "a ${file:...} reference: pods receive connection strings as environment variables from Secret %s; write ${env:NAME} and create the key NAME in the Secret" .Values.secretName) }}{{ end -}}
{{- if regexMatch "(?i)(^|[^A-Za-z0-9])(AccountKey|SharedAccessKey|SharedAccessSignature|sig|password)\\s*=\\s*[^$\\s;\"'&]{2}" $files }}{{ fail (printf "a credential written inline in the routes file or job.yaml: move the connection string into Secret %s under a key NAME and write ${env:NAME}" .Values.secretName) }}{{ end -}}
{{- if not (get (fromYaml .Values.jobConfig) "source") }}{{ fail "jobConfig: no source section: the job on a cluster reads IoT Hub's events from it (see docs/job-config.md)" }}{{ end -}}
{{- end -}}
