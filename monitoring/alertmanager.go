package monitoring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/internal/names"
	"github.com/prodkube/prodkube/security"
)

// DefaultAlertmanagerImage is the Alertmanager image, pinned to the release
// whose configuration loader the amcheck module judges the output with.
const DefaultAlertmanagerImage = "quay.io/prometheus/alertmanager:v0.35.0"

// Defaults of Alertmanager.
const (
	DefaultAlertmanagerName     = "alertmanager"
	DefaultAlertmanagerReplicas = 2
	// DefaultPriorityClassName is the priority class of the monitoring
	// workloads: alerting must keep running when the cluster is short of
	// capacity, so it outranks every application.
	DefaultPriorityClassName = "system-cluster-critical"
	DefaultGroupWait         = 30 * time.Second
	DefaultGroupInterval     = 5 * time.Minute
	DefaultRepeatInterval    = 4 * time.Hour
)

// DefaultGroupBy are the labels alerts are grouped by when Routing.GroupBy
// is empty: one notification per alert name and namespace.
var DefaultGroupBy = []string{"alertname", "namespace"}

// Where the Alertmanager container finds its files, and its ports.
const (
	AlertmanagerConfigDir  = "/etc/alertmanager"
	AlertmanagerConfigKey  = "alertmanager.yml"
	AlertmanagerDataDir    = "/alertmanager"
	AlertmanagerSecretsDir = "/etc/alertmanager/secrets"
	AlertmanagerWebPort    = 9093
	AlertmanagerPeerPort   = 9094
)

// SecretKeyRef names one key of a Secret in the Alertmanager's namespace.
// The Secret is mounted read-only into the pods and the configuration
// refers to the key's file, so the credential never appears in the
// configuration or in any object prodkube writes.
type SecretKeyRef struct {
	// Secret is the Secret's name. Required.
	Secret string
	// Key is the key within the Secret. Required.
	Key string
}

func (r SecretKeyRef) path() string {
	return AlertmanagerSecretsDir + "/" + r.Secret + "/" + r.Key
}

func (r SecretKeyRef) set() bool { return r.Secret != "" || r.Key != "" }

func (r SecretKeyRef) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if r.Secret == "" {
		errs = append(errs, field.Required(p.Child("secret"), "the name of a Secret in the Alertmanager's namespace"))
	} else {
		for _, msg := range apivalidation.NameIsDNSSubdomain(r.Secret, false) {
			errs = append(errs, field.Invalid(p.Child("secret"), r.Secret, msg))
		}
	}
	if r.Key == "" {
		errs = append(errs, field.Required(p.Child("key"), "the key within the Secret"))
	} else {
		for _, msg := range validation.IsConfigMapKey(r.Key) {
			errs = append(errs, field.Invalid(p.Child("key"), r.Key, msg))
		}
	}
	return errs
}

// Slack notifies a Slack channel through an incoming webhook, whose URL is
// the secret.
type Slack struct {
	// APIURL is the Secret key holding the incoming-webhook URL. Required.
	APIURL SecretKeyRef
	// Channel overrides the webhook's channel (#channel or @user).
	Channel string
}

// PagerDuty pages through PagerDuty's Events API v2.
type PagerDuty struct {
	// RoutingKey is the Secret key holding the integration key. Required.
	RoutingKey SecretKeyRef
}

// Email sends notifications through an SMTP server that requires TLS.
type Email struct {
	// To is the recipient address. Required.
	To string
	// From is the sender address. Required.
	From string
	// Smarthost is the SMTP server as host:port. Required.
	Smarthost string
	// Username authenticates to the SMTP server, with the password in
	// PasswordSecret.
	Username string
	// PasswordSecret is the Secret key holding the SMTP password. Required
	// with Username.
	PasswordSecret SecretKeyRef
	// Password is never accepted: it would put the credential into the
	// configuration. It exists so that the mistake is refused by name; use
	// PasswordSecret.
	Password string
}

// Webhook posts alerts as JSON to an HTTP endpoint.
type Webhook struct {
	// URL of the endpoint, when it is not a secret (an in-cluster service,
	// for example). It must not carry credentials. Exactly one of URL and
	// URLSecret.
	URL string
	// URLSecret is the Secret key holding the URL, when the URL itself is a
	// credential.
	URLSecret SecretKeyRef
	// BearerTokenSecret, when set, is the Secret key holding a token sent
	// as "Authorization: Bearer".
	BearerTokenSecret SecretKeyRef
}

// Receiver is a named notification target. Exactly one of its kinds is
// set.
type Receiver struct {
	// Name is what routes refer to: letters, digits, "-" and "_". Required.
	Name string
	// Slack, PagerDuty, Email and Webhook are the kinds of target.
	Slack     *Slack
	PagerDuty *PagerDuty
	Email     *Email
	Webhook   *Webhook
	// SkipResolved does not notify when alerts resolve. Default: resolved
	// alerts are notified, so that nobody keeps working on a closed issue.
	SkipResolved bool
}

// Route sends the alerts that match all of its set labels to Receiver.
// Routes are tried in order; the first match wins.
type Route struct {
	// Severity matches the alert's severity label; empty matches any.
	Severity Severity
	// Team matches the alert's team label; empty matches any.
	Team string
	// Receiver is the name of one of Alertmanager.Receivers. Required.
	Receiver string
	// GroupBy overrides Routing.GroupBy for this route.
	GroupBy []string
	// RepeatInterval overrides Routing.RepeatInterval for this route:
	// critical alerts typically repeat more often.
	RepeatInterval time.Duration
}

// Routing is the routing tree: Routes under a root that sends everything
// else to DefaultReceiver.
type Routing struct {
	// DefaultReceiver takes every alert that no route matches. Required.
	DefaultReceiver string
	// Routes by severity and team, tried in order.
	Routes []Route
	// GroupBy are the labels alerts are grouped by. Default: DefaultGroupBy.
	GroupBy []string
	// GroupWait, GroupInterval and RepeatInterval time notifications.
	// Defaults: DefaultGroupWait, DefaultGroupInterval,
	// DefaultRepeatInterval.
	GroupWait, GroupInterval, RepeatInterval time.Duration
	// InhibitEqual are the labels that make a critical and a warning alert
	// "the same alert": while the critical one fires, the warning is muted.
	// Default: alertname and namespace.
	InhibitEqual []string
	// NoInhibition turns the critical-silences-warning rule off, so both
	// notify.
	NoInhibition bool
}

// Alertmanager is the intent for a highly available Alertmanager: a
// StatefulSet of at least two peers that gossip silences and notification
// state, its configuration as typed routing and receivers, and the objects
// around it (Services, NetworkPolicy, PodDisruptionBudget).
//
// Receivers' credentials live in Secrets that the operator creates; the
// pods mount them read-only and the configuration names their files.
type Alertmanager struct {
	// Name of the StatefulSet, its Services and ServiceAccount. A DNS-1123
	// label of at most 44 characters. Default: DefaultAlertmanagerName.
	Name string
	// Namespace the peers run in; it must enforce Pod Security
	// "restricted". Default: DefaultNamespace.
	Namespace string
	// Image of Alertmanager, pinned by tag or digest. Default:
	// DefaultAlertmanagerImage.
	Image string
	// Replicas are peers that share silences and deduplicate
	// notifications. At least 2. Default: DefaultAlertmanagerReplicas.
	Replicas int32
	// Resources of the container. Default: requests of 50m CPU, 128Mi
	// memory and 256Mi ephemeral storage, limits of 500m, 256Mi and 1Gi.
	// When set, requests and limits of CPU, memory and ephemeral storage
	// are required.
	Resources corev1.ResourceRequirements
	// PriorityClassName of the pods. Default: DefaultPriorityClassName.
	PriorityClassName string
	// PrometheusNamespace is where the Prometheus servers that send alerts
	// run; the NetworkPolicy admits their pods
	// (app.kubernetes.io/name=prometheus). Default: Namespace.
	PrometheusNamespace string
	// ReceiverPorts are the TCP ports the pods may reach outside the
	// cluster's pods to deliver notifications. Default: 443, plus the port
	// of every Email smarthost.
	ReceiverPorts []int32
	// Routing is the routing tree.
	Routing Routing
	// Receivers are the notification targets. At least one.
	Receivers []Receiver
	// Labels are added to every object.
	Labels map[string]string
}

// AlertmanagerBundle holds what Alertmanager.Build returns.
type AlertmanagerBundle struct {
	// ServiceAccount the peers run as, without an API token: Alertmanager
	// does not talk to the API server.
	ServiceAccount *corev1.ServiceAccount
	// NetworkPolicy admits alerts from Prometheus and gossip between peers,
	// and lets the peers reach DNS, each other and the receivers.
	NetworkPolicy *networkingv1.NetworkPolicy
	// ConfigMap holds alertmanager.yml (AlertmanagerConfigKey).
	ConfigMap *corev1.ConfigMap
	// Service is the ClusterIP Service on the web port, which Prometheus
	// discovers the peers through.
	Service *corev1.Service
	// PeerService is the headless Service that governs the StatefulSet and
	// gives each peer the DNS name the others join it by.
	PeerService *corev1.Service
	// StatefulSet runs the peers.
	StatefulSet *appsv1.StatefulSet
	// PodDisruptionBudget keeps all but one peer running.
	PodDisruptionBudget *policyv1.PodDisruptionBudget
	// Config is the alertmanager.yml in ConfigMap.
	Config *AlertmanagerConfig
}

// Objects lists the Kubernetes objects in apply order.
func (b *AlertmanagerBundle) Objects() []prodkube.Object {
	return []prodkube.Object{b.ServiceAccount, b.NetworkPolicy, b.ConfigMap, b.Service, b.PeerService, b.StatefulSet, b.PodDisruptionBudget}
}

func (a Alertmanager) name() string      { return orString(a.Name, DefaultAlertmanagerName) }
func (a Alertmanager) namespace() string { return orString(a.Namespace, DefaultNamespace) }

func (a Alertmanager) replicas() int32 {
	if a.Replicas == 0 {
		return DefaultAlertmanagerReplicas
	}
	return a.Replicas
}

func (a Alertmanager) resources() corev1.ResourceRequirements {
	if len(a.Resources.Requests) == 0 && len(a.Resources.Limits) == 0 {
		return corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("128Mi"), corev1.ResourceEphemeralStorage: resource.MustParse("256Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi"), corev1.ResourceEphemeralStorage: resource.MustParse("1Gi")},
		}
	}
	return *a.Resources.DeepCopy()
}

var (
	receiverNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	// teamRE keeps team values to what needs no escaping in a matcher.
	teamRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	channelRE = regexp.MustCompile(`^[#@][^\s"\\]+$`)
)

// Validate reports every problem with the spec.
func (a Alertmanager) Validate() field.ErrorList {
	var errs field.ErrorList
	if a.Name != "" {
		errs = append(errs, names.LabelFormat(a.Name, field.NewPath("name"))...)
		// "-cluster" is appended for the peer Service and the StatefulSet
		// controller appends a hash to the name in a 63-character label.
		if len(a.Name) > 44 {
			errs = append(errs, field.TooLong(field.NewPath("name"), a.Name, 44))
		}
	}
	if a.Namespace != "" {
		errs = append(errs, names.LabelFormat(a.Namespace, field.NewPath("namespace"))...)
	}
	if a.PrometheusNamespace != "" {
		errs = append(errs, names.LabelFormat(a.PrometheusNamespace, field.NewPath("prometheusNamespace"))...)
	}
	if a.Image != "" {
		errs = append(errs, validateImage(a.Image, field.NewPath("image"))...)
	}
	if a.Replicas < 0 || a.Replicas == 1 {
		errs = append(errs, field.Invalid(field.NewPath("replicas"), a.Replicas, "must be at least 2 peers, so that alerting survives the loss of one (0 means the default of 2)"))
	}
	errs = append(errs, validateResources3(a.Resources, field.NewPath("resources"))...)
	if a.PriorityClassName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(a.PriorityClassName, false) {
			errs = append(errs, field.Invalid(field.NewPath("priorityClassName"), a.PriorityClassName, msg))
		}
	}
	for i, port := range a.ReceiverPorts {
		for _, msg := range validation.IsValidPortNum(int(port)) {
			errs = append(errs, field.Invalid(field.NewPath("receiverPorts").Index(i), port, msg))
		}
	}
	errs = append(errs, names.Labels(a.Labels, field.NewPath("labels"))...)
	for _, k := range sortedKeys(a.Labels) {
		if k == "app.kubernetes.io/name" || k == "app.kubernetes.io/instance" {
			errs = append(errs, field.Forbidden(field.NewPath("labels").Key(k), "set by prodkube: it selects the peers"))
		}
	}

	known := map[string]bool{}
	rp := field.NewPath("receivers")
	if len(a.Receivers) == 0 {
		errs = append(errs, field.Required(rp, "at least one receiver, the default one"))
	}
	for i, r := range a.Receivers {
		errs = append(errs, r.validate(rp.Index(i))...)
		if r.Name != "" {
			if known[r.Name] {
				errs = append(errs, field.Duplicate(rp.Index(i).Child("name"), r.Name))
			}
			known[r.Name] = true
		}
	}
	errs = append(errs, a.Routing.validate(field.NewPath("routing"), known)...)
	return errs
}

func (r Receiver) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if r.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), "routes refer to receivers by name"))
	} else if !receiverNameRE.MatchString(r.Name) {
		errs = append(errs, field.Invalid(p.Child("name"), r.Name, "must be letters, digits, '-' and '_', starting with a letter or digit"))
	}
	kinds := 0
	if s := r.Slack; s != nil {
		kinds++
		sp := p.Child("slack")
		errs = append(errs, s.APIURL.validate(sp.Child("apiURL"))...)
		if s.Channel != "" && !channelRE.MatchString(s.Channel) {
			errs = append(errs, field.Invalid(sp.Child("channel"), s.Channel, "must be #channel or @user"))
		}
	}
	if pd := r.PagerDuty; pd != nil {
		kinds++
		errs = append(errs, pd.RoutingKey.validate(p.Child("pagerDuty", "routingKey"))...)
	}
	if e := r.Email; e != nil {
		kinds++
		ep := p.Child("email")
		for _, a := range []struct{ name, v string }{{"to", e.To}, {"from", e.From}} {
			if a.v == "" {
				errs = append(errs, field.Required(ep.Child(a.name), "an e-mail address"))
			} else if addr, err := mail.ParseAddress(a.v); err != nil || addr.Address != a.v {
				errs = append(errs, field.Invalid(ep.Child(a.name), a.v, "must be a plain e-mail address such as alerts@example.com"))
			}
		}
		if e.Smarthost == "" {
			errs = append(errs, field.Required(ep.Child("smarthost"), "the SMTP server as host:port"))
		} else if _, err := smarthostPort(e.Smarthost); err != nil {
			errs = append(errs, field.Invalid(ep.Child("smarthost"), e.Smarthost, err.Error()))
		}
		if e.Password != "" {
			errs = append(errs, field.Forbidden(ep.Child("password"), "credentials are never inlined; put the password in a Secret and name it in passwordSecret"))
		}
		if e.Username != "" || e.PasswordSecret.set() {
			if e.Username == "" {
				errs = append(errs, field.Required(ep.Child("username"), "the SMTP user the password belongs to"))
			} else if strings.ContainsAny(e.Username, "\x00\n\r") || !utf8Valid(e.Username) {
				errs = append(errs, field.Invalid(ep.Child("username"), e.Username, "must be printable text"))
			}
			errs = append(errs, e.PasswordSecret.validate(ep.Child("passwordSecret"))...)
		}
	}
	if w := r.Webhook; w != nil {
		kinds++
		wp := p.Child("webhook")
		switch {
		case w.URL != "" && w.URLSecret.set():
			errs = append(errs, field.Forbidden(wp.Child("urlSecret"), "set either url or urlSecret, not both"))
		case w.URL == "" && !w.URLSecret.set():
			errs = append(errs, field.Required(wp.Child("url"), "the endpoint, or urlSecret when the URL is a secret"))
		case w.URL != "":
			u, err := url.Parse(w.URL)
			switch {
			case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(w.URL, " \t\n\r\x00"):
				errs = append(errs, field.Invalid(wp.Child("url"), w.URL, "must be an http(s) URL with a host"))
			case u.User != nil:
				if _, hasPassword := u.User.Password(); hasPassword {
					errs = append(errs, field.Forbidden(wp.Child("url"), "the URL carries an inline password; credentials are never inlined: put the URL in a Secret (urlSecret) or use bearerTokenSecret"))
				} else {
					errs = append(errs, field.Forbidden(wp.Child("url"), "the URL carries user information; put the URL in a Secret (urlSecret)"))
				}
			case u.RawQuery != "":
				errs = append(errs, field.Forbidden(wp.Child("url"), "a query string often carries a token; put such a URL in a Secret (urlSecret)"))
			}
		default:
			errs = append(errs, w.URLSecret.validate(wp.Child("urlSecret"))...)
		}
		if w.BearerTokenSecret.set() {
			errs = append(errs, w.BearerTokenSecret.validate(wp.Child("bearerTokenSecret"))...)
		}
	}
	if kinds != 1 {
		errs = append(errs, field.Invalid(p, r.Name, fmt.Sprintf("must set exactly one of slack, pagerDuty, email and webhook; %d set", kinds)))
	}
	return errs
}

func smarthostPort(hp string) (int32, error) {
	host, port, err := net.SplitHostPort(hp)
	if err != nil || host == "" || strings.ContainsAny(hp, " \t\n\r\x00/") {
		return 0, fmt.Errorf("must be host:port")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("must be host:port with a port from 1 to 65535")
	}
	return int32(n), nil
}

func (r Routing) validate(p *field.Path, known map[string]bool) field.ErrorList {
	var errs field.ErrorList
	dp := p.Child("defaultReceiver")
	if r.DefaultReceiver == "" {
		errs = append(errs, field.Required(dp, "the receiver of every alert no route takes"))
	} else if !known[r.DefaultReceiver] {
		errs = append(errs, field.NotFound(dp, r.DefaultReceiver))
	}
	errs = append(errs, validateGroupBy(r.GroupBy, p.Child("groupBy"))...)
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"groupWait", r.GroupWait}, {"groupInterval", r.GroupInterval}, {"repeatInterval", r.RepeatInterval}} {
		errs = append(errs, validatePositive(d.v, p.Child(d.name))...)
	}
	if r.NoInhibition && len(r.InhibitEqual) > 0 {
		errs = append(errs, field.Forbidden(p.Child("inhibitEqual"), "inhibition is off (noInhibition)"))
	}
	errs = append(errs, validateLabelList(r.InhibitEqual, p.Child("inhibitEqual"))...)
	seen := map[[2]string]int{}
	for i, rt := range r.Routes {
		ip := p.Child("routes").Index(i)
		if rt.Receiver == "" {
			errs = append(errs, field.Required(ip.Child("receiver"), "the receiver of the alerts this route takes"))
		} else if !known[rt.Receiver] {
			errs = append(errs, field.NotFound(ip.Child("receiver"), rt.Receiver))
		}
		if rt.Severity != "" && !containsString(severityNames, string(rt.Severity)) {
			errs = append(errs, field.NotSupported(ip.Child("severity"), rt.Severity, severityNames))
		}
		if rt.Team != "" && !teamRE.MatchString(rt.Team) {
			errs = append(errs, field.Invalid(ip.Child("team"), rt.Team, "must be letters, digits, '.', '-' and '_'"))
		}
		if rt.Severity == "" && rt.Team == "" {
			errs = append(errs, field.Required(ip.Child("severity"), "a route matches a severity, a team or both (the default receiver takes the rest)"))
		}
		key := [2]string{string(rt.Severity), rt.Team}
		if j, dup := seen[key]; dup {
			errs = append(errs, field.Duplicate(ip, fmt.Sprintf("severity %q team %q, as routes[%d]: it would never match", rt.Severity, rt.Team, j)))
		}
		seen[key] = i
		errs = append(errs, validateGroupBy(rt.GroupBy, ip.Child("groupBy"))...)
		errs = append(errs, validatePositive(rt.RepeatInterval, ip.Child("repeatInterval"))...)
	}
	return errs
}

func validateGroupBy(labels []string, p *field.Path) field.ErrorList {
	return validateLabelList(labels, p)
}

func validateLabelList(labels []string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, l := range labels {
		errs = append(errs, validateLabelName(l, p.Index(i))...)
		if seen[l] {
			errs = append(errs, field.Duplicate(p.Index(i), l))
		}
		seen[l] = true
	}
	return errs
}

// validateResources3 is validateResources with ephemeral storage required
// as well.
func validateResources3(r corev1.ResourceRequirements, p *field.Path) field.ErrorList {
	if len(r.Requests) == 0 && len(r.Limits) == 0 {
		return nil
	}
	errs := validateResources(r, p)
	name := corev1.ResourceEphemeralStorage
	req, hasReq := r.Requests[name]
	lim, hasLim := r.Limits[name]
	if !hasReq {
		errs = append(errs, field.Required(p.Child("requests").Key(string(name)), "every container has requests and limits"))
	} else if req.Sign() <= 0 {
		errs = append(errs, field.Invalid(p.Child("requests").Key(string(name)), req.String(), "must be positive"))
	}
	if !hasLim {
		errs = append(errs, field.Required(p.Child("limits").Key(string(name)), "every container has requests and limits"))
	} else if lim.Sign() <= 0 {
		errs = append(errs, field.Invalid(p.Child("limits").Key(string(name)), lim.String(), "must be positive"))
	}
	if hasReq && hasLim && req.Cmp(lim) > 0 {
		errs = append(errs, field.Invalid(p.Child("requests").Key(string(name)), req.String(), fmt.Sprintf("must not exceed the limit (%s)", lim.String())))
	}
	return errs
}

func matcher(label, value string) string { return label + `="` + value + `"` }

// config renders the typed alertmanager.yml of a valid spec.
func (a Alertmanager) config() *AlertmanagerConfig {
	r := a.Routing
	groupBy := r.GroupBy
	if len(groupBy) == 0 {
		groupBy = DefaultGroupBy
	}
	c := &AlertmanagerConfig{
		Global: &AlertmanagerGlobal{ResolveTimeout: Duration(5 * time.Minute)},
		Route: AlertmanagerRoute{
			Receiver:       r.DefaultReceiver,
			GroupBy:        append([]string(nil), groupBy...),
			GroupWait:      Duration(orDuration(r.GroupWait, DefaultGroupWait)),
			GroupInterval:  Duration(orDuration(r.GroupInterval, DefaultGroupInterval)),
			RepeatInterval: Duration(orDuration(r.RepeatInterval, DefaultRepeatInterval)),
		},
	}
	for _, rt := range r.Routes {
		child := AlertmanagerRoute{Receiver: rt.Receiver, GroupBy: append([]string(nil), rt.GroupBy...), RepeatInterval: Duration(rt.RepeatInterval)}
		if rt.Severity != "" {
			child.Matchers = append(child.Matchers, matcher("severity", string(rt.Severity)))
		}
		if rt.Team != "" {
			child.Matchers = append(child.Matchers, matcher("team", rt.Team))
		}
		c.Route.Routes = append(c.Route.Routes, child)
	}
	if !r.NoInhibition {
		equal := r.InhibitEqual
		if len(equal) == 0 {
			equal = []string{"alertname", "namespace"}
		}
		c.InhibitRules = []InhibitRule{{
			SourceMatchers: []string{matcher("severity", string(SeverityCritical))},
			TargetMatchers: []string{matcher("severity", string(SeverityWarning))},
			Equal:          append([]string(nil), equal...),
		}}
	}
	for _, rc := range a.Receivers {
		out := AlertmanagerReceiver{Name: rc.Name}
		resolved := !rc.SkipResolved
		switch {
		case rc.Slack != nil:
			out.SlackConfigs = []SlackConfig{{SendResolved: resolved, APIURLFile: rc.Slack.APIURL.path(), Channel: rc.Slack.Channel}}
		case rc.PagerDuty != nil:
			out.PagerDutyConfigs = []PagerDutyConfig{{SendResolved: resolved, RoutingKeyFile: rc.PagerDuty.RoutingKey.path()}}
		case rc.Email != nil:
			e := EmailConfig{SendResolved: resolved, To: rc.Email.To, From: rc.Email.From, Smarthost: rc.Email.Smarthost, RequireTLS: ptr(true)}
			if rc.Email.Username != "" {
				e.AuthUsername = rc.Email.Username
				e.AuthPasswordFile = rc.Email.PasswordSecret.path()
			}
			out.EmailConfigs = []EmailConfig{e}
		case rc.Webhook != nil:
			w := WebhookConfig{SendResolved: resolved, URL: rc.Webhook.URL}
			if rc.Webhook.URLSecret.set() {
				w.URLFile = rc.Webhook.URLSecret.path()
			}
			if rc.Webhook.BearerTokenSecret.set() {
				w.HTTPConfig = &AlertmanagerHTTPConfig{Authorization: &Authorization{CredentialsFile: rc.Webhook.BearerTokenSecret.path()}}
			}
			out.WebhookConfigs = []WebhookConfig{w}
		}
		c.Receivers = append(c.Receivers, out)
	}
	return c
}

// secrets lists the Secrets the receivers refer to, sorted.
func (a Alertmanager) secrets() []string {
	set := map[string]bool{}
	for _, rc := range a.Receivers {
		for _, ref := range []SecretKeyRef{
			func() SecretKeyRef {
				if rc.Slack != nil {
					return rc.Slack.APIURL
				}
				return SecretKeyRef{}
			}(),
			func() SecretKeyRef {
				if rc.PagerDuty != nil {
					return rc.PagerDuty.RoutingKey
				}
				return SecretKeyRef{}
			}(),
			func() SecretKeyRef {
				if rc.Email != nil {
					return rc.Email.PasswordSecret
				}
				return SecretKeyRef{}
			}(),
			func() SecretKeyRef {
				if rc.Webhook != nil {
					return rc.Webhook.URLSecret
				}
				return SecretKeyRef{}
			}(),
			func() SecretKeyRef {
				if rc.Webhook != nil {
					return rc.Webhook.BearerTokenSecret
				}
				return SecretKeyRef{}
			}(),
		} {
			if ref.Secret != "" {
				set[ref.Secret] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func (a Alertmanager) receiverPorts() []int32 {
	set := map[int32]bool{}
	if len(a.ReceiverPorts) > 0 {
		for _, p := range a.ReceiverPorts {
			set[p] = true
		}
	} else {
		set[443] = true
		for _, rc := range a.Receivers {
			if rc.Email != nil {
				if p, err := smarthostPort(rc.Email.Smarthost); err == nil {
					set[p] = true
				}
			}
		}
	}
	out := make([]int32, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Build validates the spec and returns the Alertmanager's objects.
func (a Alertmanager) Build() (*AlertmanagerBundle, error) {
	if errs := a.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	name, ns := a.name(), a.namespace()
	peerName := name + "-cluster"
	cfg := a.config()
	cfgFile, err := prodkube.YAMLFile(AlertmanagerConfigKey, cfg)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(cfgFile.Content)

	selector := map[string]string{"app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": name}
	labels := copyMap(a.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	for k, v := range selector {
		labels[k] = v
	}
	labels["app.kubernetes.io/component"] = "monitoring"

	sa, err := security.ServiceAccount{Name: name, Namespace: ns, Labels: labels}.Build()
	if err != nil {
		return nil, err
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name + "-config", Namespace: ns, Labels: copyMap(labels)},
		Data:       map[string]string{AlertmanagerConfigKey: string(cfgFile.Content)},
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: corev1.ServiceSpec{
			Selector: copyMap(selector),
			Ports:    []corev1.ServicePort{{Name: "web", Port: AlertmanagerWebPort, TargetPort: intstr.FromString("web"), Protocol: corev1.ProtocolTCP}},
		},
	}
	peerSvc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: peerName, Namespace: ns, Labels: copyMap(labels)},
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  copyMap(selector),
			// Peers must find each other before they are ready: readiness
			// waits for the gossip to settle.
			PublishNotReadyAddresses: true,
			Ports: []corev1.ServicePort{
				{Name: "peer-tcp", Port: AlertmanagerPeerPort, TargetPort: intstr.FromString("peer-tcp"), Protocol: corev1.ProtocolTCP},
				{Name: "peer-udp", Port: AlertmanagerPeerPort, TargetPort: intstr.FromString("peer-udp"), Protocol: corev1.ProtocolUDP},
			},
		},
	}

	replicas := a.replicas()
	args := []string{
		"--config.file=" + AlertmanagerConfigDir + "/" + AlertmanagerConfigKey,
		"--storage.path=" + AlertmanagerDataDir,
		fmt.Sprintf("--web.listen-address=:%d", AlertmanagerWebPort),
		fmt.Sprintf("--cluster.listen-address=0.0.0.0:%d", AlertmanagerPeerPort),
		fmt.Sprintf("--cluster.advertise-address=$(POD_IP):%d", AlertmanagerPeerPort),
	}
	for i := int32(0); i < replicas; i++ {
		args = append(args, fmt.Sprintf("--cluster.peer=%s-%d.%s.%s.svc:%d", name, i, peerName, ns, AlertmanagerPeerPort))
	}
	uid := prometheusUID
	sc, err := security.Restricted{RunAsUser: &uid, RunAsGroup: &uid, FSGroup: &uid}.Build()
	if err != nil {
		return nil, err
	}
	dataSize := resource.MustParse("512Mi")
	spec := corev1.PodSpec{
		ServiceAccountName:            name,
		AutomountServiceAccountToken:  ptr(false),
		PriorityClassName:             orString(a.PriorityClassName, DefaultPriorityClassName),
		TerminationGracePeriodSeconds: ptr(int64(60)),
		Containers: []corev1.Container{{
			Name:            "alertmanager",
			Image:           orString(a.Image, DefaultAlertmanagerImage),
			ImagePullPolicy: corev1.PullAlways,
			Args:            args,
			Env: []corev1.EnvVar{{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{
				FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "status.podIP"},
			}}},
			Ports: []corev1.ContainerPort{
				{Name: "web", ContainerPort: AlertmanagerWebPort, Protocol: corev1.ProtocolTCP},
				{Name: "peer-tcp", ContainerPort: AlertmanagerPeerPort, Protocol: corev1.ProtocolTCP},
				{Name: "peer-udp", ContainerPort: AlertmanagerPeerPort, Protocol: corev1.ProtocolUDP},
			},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/-/ready", Port: intstr.FromString("web")}},
				PeriodSeconds:    5,
				TimeoutSeconds:   3,
				FailureThreshold: 3,
			},
			LivenessProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/-/healthy", Port: intstr.FromString("web")}},
				PeriodSeconds:    15,
				TimeoutSeconds:   3,
				FailureThreshold: 4,
			},
			Resources: a.resources(),
			VolumeMounts: []corev1.VolumeMount{
				{Name: "config", MountPath: AlertmanagerConfigDir, ReadOnly: true},
				{Name: "data", MountPath: AlertmanagerDataDir},
			},
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		}},
		Volumes: []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm.Name}}}},
			// Silences and the notification log; the peers gossip them, so
			// a replaced pod catches up from the others.
			{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &dataSize}}},
		},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{MatchLabels: copyMap(selector)}},
			{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: &metav1.LabelSelector{MatchLabels: copyMap(selector)}},
		},
	}
	for i, s := range a.secrets() {
		vol := fmt.Sprintf("secret-%d", i)
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: vol, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: s, DefaultMode: ptr(int32(0o440)),
		}}})
		spec.Containers[0].VolumeMounts = append(spec.Containers[0].VolumeMounts,
			corev1.VolumeMount{Name: vol, MountPath: AlertmanagerSecretsDir + "/" + s, ReadOnly: true})
	}
	sc.Apply(&spec)

	sts := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: appsv1.StatefulSetSpec{
			Replicas:            ptr(replicas),
			Selector:            &metav1.LabelSelector{MatchLabels: copyMap(selector)},
			ServiceName:         peerName,
			PodManagementPolicy: appsv1.ParallelPodManagement,
			UpdateStrategy:      appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      copyMap(labels),
					Annotations: map[string]string{configHashKey: hex.EncodeToString(sum[:])},
				},
				Spec: spec,
			},
		},
	}
	pdb := &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: ptr(intstr.FromInt32(1)),
			Selector:       &metav1.LabelSelector{MatchLabels: copyMap(selector)},
		},
	}

	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	port := func(proto corev1.Protocol, n int32) networkingv1.NetworkPolicyPort {
		p := intstr.FromInt32(n)
		return networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &p}
	}
	peers := []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: copyMap(selector)}}}
	peerPorts := []networkingv1.NetworkPolicyPort{port(tcp, AlertmanagerPeerPort), port(udp, AlertmanagerPeerPort)}
	var external []networkingv1.NetworkPolicyPort
	for _, p := range a.receiverPorts() {
		external = append(external, port(tcp, p))
	}
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(labels)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: copyMap(selector)},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{
				{
					From: []networkingv1.NetworkPolicyPeer{{
						NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": orString(a.PrometheusNamespace, ns)}},
						PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "prometheus"}},
					}},
					Ports: []networkingv1.NetworkPolicyPort{port(tcp, AlertmanagerWebPort)},
				},
				{From: peers, Ports: peerPorts},
			},
			Egress: []networkingv1.NetworkPolicyEgressRule{
				dnsEgress(),
				{To: peers, Ports: peerPorts},
				// Receivers are outside the cluster at addresses that are not
				// known in advance; only their ports are.
				{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}}, {IPBlock: &networkingv1.IPBlock{CIDR: "::/0"}}}, Ports: external},
			},
		},
	}
	return &AlertmanagerBundle{ServiceAccount: sa, NetworkPolicy: np, ConfigMap: cm, Service: svc, PeerService: peerSvc, StatefulSet: sts, PodDisruptionBudget: pdb, Config: cfg}, nil
}

// dnsEgress lets pods resolve names through the cluster DNS (CoreDNS pods
// labelled k8s-app=kube-dns in kube-system).
func dnsEgress() networkingv1.NetworkPolicyEgressRule {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	p53 := intstr.FromInt32(53)
	return networkingv1.NetworkPolicyEgressRule{
		To: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
			PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
		}},
		Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &p53}, {Protocol: &tcp, Port: &p53}},
	}
}
