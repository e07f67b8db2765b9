package monitoring

// AlertmanagerConfig is the part of Alertmanager's configuration file
// (alertmanager.yml) that prodkube writes. Field names and YAML keys follow
// Alertmanager's own configuration; Alertmanager.Build fills it from intent.
// Credentials appear only as paths of files mounted from Secrets (the
// *_file keys), never as values.
type AlertmanagerConfig struct {
	// Global holds the defaults every receiver inherits.
	Global *AlertmanagerGlobal `json:"global,omitempty"`
	// Route is the root of the routing tree; its receiver is the default.
	Route AlertmanagerRoute `json:"route"`
	// InhibitRules mute alerts while others fire.
	InhibitRules []InhibitRule `json:"inhibit_rules,omitempty"`
	// Receivers are the notification targets routes name.
	Receivers []AlertmanagerReceiver `json:"receivers"`
}

// AlertmanagerGlobal is the "global" section of alertmanager.yml.
type AlertmanagerGlobal struct {
	// ResolveTimeout is how long an alert without an end time stays firing
	// after its last update.
	ResolveTimeout Duration `json:"resolve_timeout,omitempty"`
}

// AlertmanagerRoute is one node of the routing tree.
type AlertmanagerRoute struct {
	// Receiver notified for alerts this route takes.
	Receiver string `json:"receiver,omitempty"`
	// GroupBy are the labels by which alerts are grouped into one
	// notification.
	GroupBy []string `json:"group_by,omitempty"`
	// Matchers an alert must satisfy to take this route, in Alertmanager's
	// matcher syntax (label="value").
	Matchers []string `json:"matchers,omitempty"`
	// Continue keeps matching sibling routes after this one matched.
	Continue bool `json:"continue,omitempty"`
	// GroupWait is how long a new group waits for more alerts before the
	// first notification.
	GroupWait Duration `json:"group_wait,omitempty"`
	// GroupInterval is how long to wait before notifying about new alerts
	// of a group already notified.
	GroupInterval Duration `json:"group_interval,omitempty"`
	// RepeatInterval is how long to wait before repeating a notification
	// that has not changed.
	RepeatInterval Duration `json:"repeat_interval,omitempty"`
	// Routes are the child routes, matched in order.
	Routes []AlertmanagerRoute `json:"routes,omitempty"`
}

// InhibitRule mutes alerts matching TargetMatchers while an alert matching
// SourceMatchers fires with the same values of the Equal labels.
type InhibitRule struct {
	// SourceMatchers select the inhibiting alerts.
	SourceMatchers []string `json:"source_matchers"`
	// TargetMatchers select the muted alerts.
	TargetMatchers []string `json:"target_matchers"`
	// Equal are the labels whose values must be equal in both alerts.
	Equal []string `json:"equal,omitempty"`
}

// AlertmanagerReceiver is one entry of "receivers".
type AlertmanagerReceiver struct {
	// Name is what routes refer to.
	Name string `json:"name"`
	// SlackConfigs notify Slack channels through incoming webhooks.
	SlackConfigs []SlackConfig `json:"slack_configs,omitempty"`
	// PagerDutyConfigs page through PagerDuty's Events API v2.
	PagerDutyConfigs []PagerDutyConfig `json:"pagerduty_configs,omitempty"`
	// EmailConfigs send e-mail through an SMTP server.
	EmailConfigs []EmailConfig `json:"email_configs,omitempty"`
	// WebhookConfigs post alerts as JSON to an HTTP endpoint.
	WebhookConfigs []WebhookConfig `json:"webhook_configs,omitempty"`
}

// SlackConfig is one entry of "slack_configs".
type SlackConfig struct {
	// SendResolved also notifies when alerts resolve.
	SendResolved bool `json:"send_resolved,omitempty"`
	// APIURLFile is the file holding the incoming-webhook URL (a secret).
	APIURLFile string `json:"api_url_file"`
	// Channel overrides the webhook's default channel.
	Channel string `json:"channel,omitempty"`
}

// PagerDutyConfig is one entry of "pagerduty_configs".
type PagerDutyConfig struct {
	// SendResolved also notifies when alerts resolve.
	SendResolved bool `json:"send_resolved,omitempty"`
	// RoutingKeyFile is the file holding the Events API v2 integration key.
	RoutingKeyFile string `json:"routing_key_file"`
}

// EmailConfig is one entry of "email_configs".
type EmailConfig struct {
	// SendResolved also notifies when alerts resolve.
	SendResolved bool `json:"send_resolved,omitempty"`
	// To is the recipient address.
	To string `json:"to"`
	// From is the sender address.
	From string `json:"from"`
	// Smarthost is the SMTP server as host:port.
	Smarthost string `json:"smarthost"`
	// AuthUsername is the SMTP user name.
	AuthUsername string `json:"auth_username,omitempty"`
	// AuthPasswordFile is the file holding the SMTP password.
	AuthPasswordFile string `json:"auth_password_file,omitempty"`
	// RequireTLS refuses to send without STARTTLS (Alertmanager's default
	// is true; prodkube writes it explicitly).
	RequireTLS *bool `json:"require_tls,omitempty"`
}

// WebhookConfig is one entry of "webhook_configs".
type WebhookConfig struct {
	// SendResolved also notifies when alerts resolve.
	SendResolved bool `json:"send_resolved,omitempty"`
	// URL is the endpoint, when it is not a secret.
	URL string `json:"url,omitempty"`
	// URLFile is the file holding the endpoint, when it is a secret.
	URLFile string `json:"url_file,omitempty"`
	// HTTPConfig authenticates the request.
	HTTPConfig *AlertmanagerHTTPConfig `json:"http_config,omitempty"`
}

// AlertmanagerHTTPConfig is the "http_config" of a receiver.
type AlertmanagerHTTPConfig struct {
	// Authorization sends an Authorization header read from a file.
	Authorization *Authorization `json:"authorization,omitempty"`
}
