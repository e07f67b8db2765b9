package componentconfig

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// AuditLevel is how much of a request an audit event records.
type AuditLevel string

// The audit levels, from nothing to everything.
const (
	AuditLevelNone            AuditLevel = "None"
	AuditLevelMetadata        AuditLevel = "Metadata"
	AuditLevelRequest         AuditLevel = "Request"
	AuditLevelRequestResponse AuditLevel = "RequestResponse"
)

// AuditStage is a stage of request handling at which events are generated.
type AuditStage string

// AuditStageRequestReceived is the stage before the request is handled; its
// event duplicates the ResponseComplete one and is usually omitted.
const AuditStageRequestReceived AuditStage = "RequestReceived"

// AuditPolicy is audit.k8s.io/v1 Policy: the rules that decide the level of
// each request's audit event; the first rule that matches wins.
type AuditPolicy struct {
	metav1.TypeMeta `json:",inline"`
	// Rules are matched in order.
	Rules []AuditPolicyRule `json:"rules"`
	// OmitStages are stages that generate no event, for every rule.
	OmitStages []AuditStage `json:"omitStages,omitempty"`
	// OmitManagedFields leaves managedFields out of recorded bodies.
	OmitManagedFields bool `json:"omitManagedFields,omitempty"`
}

// AuditPolicyRule maps requests to a level. Empty lists match everything.
type AuditPolicyRule struct {
	// Level is the level of matching requests.
	Level AuditLevel `json:"level"`
	// Users and UserGroups match the authenticated user.
	Users      []string `json:"users,omitempty"`
	UserGroups []string `json:"userGroups,omitempty"`
	// Verbs match the request verb (get, list, watch, create, ...).
	Verbs []string `json:"verbs,omitempty"`
	// Resources match resource requests.
	Resources []AuditGroupResources `json:"resources,omitempty"`
	// Namespaces match namespaced resources; "" matches cluster-scoped ones.
	Namespaces []string `json:"namespaces,omitempty"`
	// NonResourceURLs match non-resource paths; a trailing * is a prefix.
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

// AuditGroupResources names resources of one API group ("" is core).
type AuditGroupResources struct {
	Group         string   `json:"group"`
	Resources     []string `json:"resources,omitempty"`
	ResourceNames []string `json:"resourceNames,omitempty"`
}

// EncryptionConfiguration is apiserver.config.k8s.io/v1
// EncryptionConfiguration: how the API server encrypts resources in etcd.
type EncryptionConfiguration struct {
	metav1.TypeMeta `json:",inline"`
	// Resources lists the resources and their providers.
	Resources []EncryptionResources `json:"resources"`
}

// EncryptionResources are resources and the providers that encrypt them:
// the first writes, every one is tried for reading.
type EncryptionResources struct {
	Resources []string             `json:"resources"`
	Providers []EncryptionProvider `json:"providers"`
}

// EncryptionProvider is exactly one of its fields.
type EncryptionProvider struct {
	AESCBC    *EncryptionKeys `json:"aescbc,omitempty"`
	Secretbox *EncryptionKeys `json:"secretbox,omitempty"`
	KMS       *KMSProvider    `json:"kms,omitempty"`
	Identity  *struct{}       `json:"identity,omitempty"`
}

// EncryptionKeys are the keys of a local provider; the first encrypts.
type EncryptionKeys struct {
	Keys []EncryptionKey `json:"keys"`
}

// EncryptionKey is a named key, base64 encoded.
type EncryptionKey struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
}

// KMSProvider is a KMS plugin the API server reaches on a UNIX socket.
type KMSProvider struct {
	// APIVersion is "v2" (KMS v1 is deprecated and off by default).
	APIVersion string `json:"apiVersion"`
	Name       string `json:"name"`
	// Endpoint is "unix:///path/to/socket".
	Endpoint string           `json:"endpoint"`
	Timeout  *metav1.Duration `json:"timeout,omitempty"`
}
