package amcheck

import (
	"fmt"

	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/common/model"
)

// Check loads alertmanager.yml content with Alertmanager's configuration
// loader, which refuses unknown keys, routes to receivers that do not
// exist, malformed matchers and receivers without their required
// settings.
func Check(yaml []byte) error {
	_, err := config.Load(string(yaml))
	return err
}

// Route loads alertmanager.yml content and returns the receivers an alert
// with labels is sent to, as Alertmanager's dispatcher chooses them: a
// depth-first search of the routing tree.
func Route(yaml []byte, labels map[string]string) ([]string, error) {
	cfg, err := config.Load(string(yaml))
	if err != nil {
		return nil, err
	}
	if cfg.Route == nil {
		return nil, fmt.Errorf("amcheck: configuration has no route")
	}
	lset := model.LabelSet{}
	for k, v := range labels {
		lset[model.LabelName(k)] = model.LabelValue(v)
	}
	var out []string
	for _, r := range dispatch.NewRoute(cfg.Route, nil).Match(lset) {
		out = append(out, r.RouteOpts.Receiver)
	}
	return out, nil
}
