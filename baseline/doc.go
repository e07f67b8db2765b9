// Package baseline turns the baseline of a production cluster into validated
// configuration: an HA control plane bootstrapped with kubeadm, per-namespace
// ResourceQuota and LimitRange, a resource check for pod specs (including
// whether a pod fits a quota and a LimitRange), and Deployment and
// StatefulSet workloads that need nothing added for production: pinned
// images, requests and limits, restricted security contexts, probes, at
// least two replicas with a PodDisruptionBudget, zone and host spread, a
// dedicated ServiceAccount and an optional Service.
//
// The control plane's own pieces are typed intent too: the API server load
// balancer of the kubeadm high-availability guide (LoadBalancer: keepalived
// and HAProxy static Pods per control plane node), the kubelet and
// kube-proxy configuration (Kubelet), the members of an external etcd
// cluster (EtcdCluster), the API server's audit policy (Audit) and
// encryption at rest (Encryption), and a one-page summary of all of it
// (ControlPlaneReport). Their files mirror a node's file system under
// NodeDir(node), SharedDir and EtcdHostDir(member); the component
// configuration types live in package componentconfig, and the nested
// module componentcheck judges them with the upstream decoders and
// validators.
//
// Every spec is a plain struct with Validate() field.ErrorList and Build();
// Build reports every problem at once, each with its field path.
package baseline
