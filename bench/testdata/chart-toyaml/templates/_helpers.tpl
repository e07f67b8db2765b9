{{- define "web.labels" -}}
app.kubernetes.io/instance: web
app.kubernetes.io/name: web
{{- end }}
