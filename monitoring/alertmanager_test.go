package monitoring

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/prodkube/prodkube/security"
)

// validAlertmanager routes critical alerts to PagerDuty, the platform
// team's warnings to Slack and everything else to e-mail.
func validAlertmanager() Alertmanager {
	return Alertmanager{
		Receivers: []Receiver{
			{Name: "oncall", PagerDuty: &PagerDuty{RoutingKey: SecretKeyRef{Secret: "alertmanager-pagerduty", Key: "routing-key"}}},
			{Name: "platform-slack", Slack: &Slack{APIURL: SecretKeyRef{Secret: "alertmanager-slack", Key: "webhook-url"}, Channel: "#platform"}},
			{Name: "mail", Email: &Email{To: "ops@example.com", From: "alertmanager@example.com", Smarthost: "smtp.example.com:587",
				Username: "alertmanager", PasswordSecret: SecretKeyRef{Secret: "alertmanager-smtp", Key: "password"}}},
		},
		Routing: Routing{
			DefaultReceiver: "mail",
			Routes: []Route{
				{Severity: SeverityCritical, Receiver: "oncall", RepeatInterval: time.Hour},
				{Severity: SeverityWarning, Team: "platform", Receiver: "platform-slack"},
			},
		},
	}
}

func TestAlertmanagerValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Alertmanager)
		want   []string
	}{
		{name: "valid", mutate: func(*Alertmanager) {}},
		{name: "zero value has no receiver", mutate: func(a *Alertmanager) { *a = Alertmanager{} },
			want: []string{"Required receivers", "Required routing.defaultReceiver"}},
		{name: "route to an unknown receiver", mutate: func(a *Alertmanager) { a.Routing.Routes[1].Receiver = "nobody" },
			want: []string{"NotFound routing.routes[1].receiver"}},
		{name: "default receiver unknown", mutate: func(a *Alertmanager) { a.Routing.DefaultReceiver = "nobody" },
			want: []string{"NotFound routing.defaultReceiver"}},
		{name: "email with an inline password", mutate: func(a *Alertmanager) { a.Receivers[2].Email.Password = "hunter2" },
			want: []string{"Forbidden receivers[2].email.password"}},
		{name: "webhook with an inline password", mutate: func(a *Alertmanager) {
			a.Receivers = append(a.Receivers, Receiver{Name: "hook", Webhook: &Webhook{URL: "https://user:hunter2@hooks.example.com/alerts"}})
		}, want: []string{"Forbidden receivers[3].webhook.url"}},
		{name: "webhook with a token in the query", mutate: func(a *Alertmanager) {
			a.Receivers = append(a.Receivers, Receiver{Name: "hook", Webhook: &Webhook{URL: "https://hooks.example.com/alerts?token=x"}})
		}, want: []string{"Forbidden receivers[3].webhook.url"}},
		{name: "webhook url and secret", mutate: func(a *Alertmanager) {
			a.Receivers = append(a.Receivers, Receiver{Name: "hook", Webhook: &Webhook{URL: "https://h.example.com/", URLSecret: SecretKeyRef{Secret: "s", Key: "k"}}})
		}, want: []string{"Forbidden receivers[3].webhook.urlSecret"}},
		{name: "secret refs incomplete", mutate: func(a *Alertmanager) {
			a.Receivers[0].PagerDuty.RoutingKey = SecretKeyRef{Secret: "Bad_Name"}
			a.Receivers[1].Slack.APIURL = SecretKeyRef{Key: "a/b"}
		}, want: []string{"Invalid receivers[0].pagerDuty.routingKey.secret", "Required receivers[0].pagerDuty.routingKey.key",
			"Required receivers[1].slack.apiURL.secret", "Invalid receivers[1].slack.apiURL.key"}},
		{name: "receiver with two kinds and one without", mutate: func(a *Alertmanager) {
			a.Receivers[0].Slack = a.Receivers[1].Slack
			a.Receivers = append(a.Receivers, Receiver{Name: "empty"})
		}, want: []string{"Invalid receivers[0]", "Invalid receivers[3]"}},
		{name: "duplicate and bad receiver names", mutate: func(a *Alertmanager) {
			a.Receivers[1].Name = "oncall"
			a.Receivers[2].Name = "bad name"
			a.Routing.DefaultReceiver = "oncall"
		}, want: []string{"Duplicate receivers[1].name", "Invalid receivers[2].name", "NotFound routing.routes[1].receiver"}},
		{name: "email fields", mutate: func(a *Alertmanager) {
			a.Receivers[2].Email = &Email{To: "not an address", Smarthost: "smtp.example.com", Username: "u"}
		}, want: []string{"Invalid receivers[2].email.to", "Required receivers[2].email.from", "Invalid receivers[2].email.smarthost",
			"Required receivers[2].email.passwordSecret.secret", "Required receivers[2].email.passwordSecret.key"}},
		{name: "routes", mutate: func(a *Alertmanager) {
			a.Routing.Routes = append(a.Routing.Routes,
				Route{Receiver: "mail"},
				Route{Severity: "page", Team: "a b", Receiver: "mail", GroupBy: []string{"x", "x"}, RepeatInterval: -time.Second},
				Route{Severity: SeverityCritical, Receiver: "mail"})
		}, want: []string{"Required routing.routes[2].severity", "NotSupported routing.routes[3].severity", "Invalid routing.routes[3].team",
			"Duplicate routing.routes[3].groupBy[1]", "Invalid routing.routes[3].repeatInterval", "Duplicate routing.routes[4]"}},
		{name: "routing timings and labels", mutate: func(a *Alertmanager) {
			a.Routing.GroupBy = []string{"1bad"}
			a.Routing.GroupWait = -1
			a.Routing.RepeatInterval = time.Nanosecond
			a.Routing.InhibitEqual = []string{"alertname"}
			a.Routing.NoInhibition = true
		}, want: []string{"Invalid routing.groupBy[0]", "Invalid routing.groupWait", "Invalid routing.repeatInterval", "Forbidden routing.inhibitEqual"}},
		{name: "one replica", mutate: func(a *Alertmanager) { a.Replicas = 1 }, want: []string{"Invalid replicas"}},
		{name: "object fields", mutate: func(a *Alertmanager) {
			a.Name = strings.Repeat("a", 45)
			a.Namespace = "Bad"
			a.Image = "quay.io/prometheus/alertmanager"
			a.PriorityClassName = "Bad"
			a.ReceiverPorts = []int32{0}
			a.Labels = map[string]string{"app.kubernetes.io/name": "x"}
			a.Resources = corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi")},
			}
		}, want: []string{"TooLong name", "Invalid namespace", "Invalid image", "Invalid priorityClassName", "Invalid receiverPorts[0]",
			"Forbidden labels[app.kubernetes.io/name]", "Required resources.requests[ephemeral-storage]", "Required resources.limits[ephemeral-storage]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := validAlertmanager()
			tc.mutate(&a)
			checkPaths(t, a.Validate(), tc.want)
			b, err := a.Build()
			if (b == nil) == (err == nil) || (err == nil) != (len(tc.want) == 0) {
				t.Errorf("Build() = %v, %v", b, err)
			}
		})
	}
}

// TestAlertmanagerConfig pins the rendered routing tree, inhibition and
// receivers: every credential is a file under the mounted Secret.
func TestAlertmanagerConfig(t *testing.T) {
	b, err := validAlertmanager().Build()
	if err != nil {
		t.Fatal(err)
	}
	want := &AlertmanagerConfig{
		Global: &AlertmanagerGlobal{ResolveTimeout: Duration(5 * time.Minute)},
		Route: AlertmanagerRoute{
			Receiver: "mail", GroupBy: []string{"alertname", "namespace"},
			GroupWait: Duration(30 * time.Second), GroupInterval: Duration(5 * time.Minute), RepeatInterval: Duration(4 * time.Hour),
			Routes: []AlertmanagerRoute{
				{Receiver: "oncall", Matchers: []string{`severity="critical"`}, RepeatInterval: Duration(time.Hour)},
				{Receiver: "platform-slack", Matchers: []string{`severity="warning"`, `team="platform"`}},
			},
		},
		InhibitRules: []InhibitRule{{SourceMatchers: []string{`severity="critical"`}, TargetMatchers: []string{`severity="warning"`}, Equal: []string{"alertname", "namespace"}}},
		Receivers: []AlertmanagerReceiver{
			{Name: "oncall", PagerDutyConfigs: []PagerDutyConfig{{SendResolved: true, RoutingKeyFile: "/etc/alertmanager/secrets/alertmanager-pagerduty/routing-key"}}},
			{Name: "platform-slack", SlackConfigs: []SlackConfig{{SendResolved: true, APIURLFile: "/etc/alertmanager/secrets/alertmanager-slack/webhook-url", Channel: "#platform"}}},
			{Name: "mail", EmailConfigs: []EmailConfig{{SendResolved: true, To: "ops@example.com", From: "alertmanager@example.com", Smarthost: "smtp.example.com:587",
				AuthUsername: "alertmanager", AuthPasswordFile: "/etc/alertmanager/secrets/alertmanager-smtp/password", RequireTLS: ptr(true)}}},
		},
	}
	if diff := cmp.Diff(want, b.Config); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	var back AlertmanagerConfig
	if err := yaml.UnmarshalStrict([]byte(b.ConfigMap.Data[AlertmanagerConfigKey]), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, &back); diff != "" {
		t.Errorf("ConfigMap's alertmanager.yml reads back differently (-want +got):\n%s", diff)
	}
	for _, s := range []string{"hunter2", "password:", "api_url:", "routing_key:"} {
		if strings.Contains(b.ConfigMap.Data[AlertmanagerConfigKey], s) {
			t.Errorf("configuration contains %q", s)
		}
	}
}

// TestAlertmanagerPod judges the pod template with Pod Security
// "restricted" and checks the hardening the issue asks for.
func TestAlertmanagerPod(t *testing.T) {
	b, err := validAlertmanager().Build()
	if err != nil {
		t.Fatal(err)
	}
	tpl := b.StatefulSet.Spec.Template
	if errs := security.CheckPodSpec(security.LevelRestricted, &tpl.ObjectMeta, &tpl.Spec); len(errs) > 0 {
		t.Errorf("pod template fails restricted: %v", errs.ToAggregate())
	}
	if *b.StatefulSet.Spec.Replicas != 2 || b.PodDisruptionBudget.Spec.MaxUnavailable.IntValue() != 1 {
		t.Errorf("replicas %d, PDB %v", *b.StatefulSet.Spec.Replicas, b.PodDisruptionBudget.Spec.MaxUnavailable)
	}
	if tpl.Spec.PriorityClassName != DefaultPriorityClassName {
		t.Errorf("priority class %q", tpl.Spec.PriorityClassName)
	}
	c := tpl.Spec.Containers[0]
	if c.ImagePullPolicy != corev1.PullAlways || c.Image != "quay.io/prometheus/alertmanager:v0.35.0" {
		t.Errorf("image %q pull %q", c.Image, c.ImagePullPolicy)
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("no %s request", r)
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("no %s limit", r)
		}
	}
	if c.ReadinessProbe.HTTPGet.Path != "/-/ready" || c.LivenessProbe.HTTPGet.Path != "/-/healthy" {
		t.Errorf("probes %v %v", c.ReadinessProbe.HTTPGet, c.LivenessProbe.HTTPGet)
	}
	var peers []string
	for _, a := range c.Args {
		if p, ok := strings.CutPrefix(a, "--cluster.peer="); ok {
			peers = append(peers, p)
		}
	}
	if diff := cmp.Diff([]string{
		"alertmanager-0.alertmanager-cluster.monitoring.svc:9094",
		"alertmanager-1.alertmanager-cluster.monitoring.svc:9094",
	}, peers); diff != "" {
		t.Errorf("peers (-want +got):\n%s", diff)
	}
	if b.StatefulSet.Spec.ServiceName != b.PeerService.Name || !b.PeerService.Spec.PublishNotReadyAddresses || b.PeerService.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Errorf("peer service %s: %+v", b.StatefulSet.Spec.ServiceName, b.PeerService.Spec)
	}
	mounts := map[string]bool{}
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m.ReadOnly
	}
	for _, s := range []string{"alertmanager-pagerduty", "alertmanager-slack", "alertmanager-smtp"} {
		if ro, ok := mounts["/etc/alertmanager/secrets/"+s]; !ok || !ro {
			t.Errorf("Secret %s not mounted read-only: %v", s, mounts)
		}
	}
	for _, o := range b.Objects() {
		l := o.GetLabels()
		if l["app.kubernetes.io/name"] != "alertmanager" || l["app.kubernetes.io/instance"] != "alertmanager" {
			t.Errorf("%s %s labels %v", o.GetObjectKind().GroupVersionKind().Kind, o.GetName(), l)
		}
	}
}

// TestAlertmanagerNetworkPolicy pins what the policy admits: Prometheus
// on the web port, peers on the gossip port, and egress to DNS, peers and
// the receivers' ports only.
func TestAlertmanagerNetworkPolicy(t *testing.T) {
	b, err := validAlertmanager().Build()
	if err != nil {
		t.Fatal(err)
	}
	np := b.NetworkPolicy.Spec
	if len(np.PolicyTypes) != 2 || len(np.Ingress) != 2 || len(np.Egress) != 3 {
		t.Fatalf("policy %+v", np)
	}
	if got := np.Ingress[0].From[0].PodSelector.MatchLabels["app.kubernetes.io/name"]; got != "prometheus" || np.Ingress[0].Ports[0].Port.IntValue() != 9093 {
		t.Errorf("ingress 0: %+v", np.Ingress[0])
	}
	var ports []int
	for _, p := range np.Egress[2].Ports {
		ports = append(ports, p.Port.IntValue())
	}
	if diff := cmp.Diff([]int{443, 587}, ports); diff != "" {
		t.Errorf("receiver ports (-want +got):\n%s", diff)
	}
}
