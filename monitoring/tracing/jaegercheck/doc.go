// Package jaegercheck judges the Jaeger v2 configurations package tracing
// renders (kept in ../testdata, where package tracing's golden test holds
// them equal to Build's output).
//
// The module pins github.com/jaegertracing/jaeger v1.75.0 as a tool (go
// get -tool), so that "go tool jaeger validate --config=FILE" runs Jaeger's
// own validate command — the OpenTelemetry Collector's dry run over
// Jaeger's components: every component configuration unmarshalled into its
// type (unknown keys refused) and validated, and the pipelines checked.
// Building Jaeger from source is heavy (a cold build did not finish in 46
// minutes at -p 1 on the shared development machine), so it is not part of
// the ordinary go test run: validate.sh builds the binary and runs
// TestJaegerValidate with JAEGER_BIN set; without JAEGER_BIN that test
// skips and says so. The other tests check the configurations' wiring
// without Jaeger.
package jaegercheck
