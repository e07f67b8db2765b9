package cluster

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/prodkube/prodkube"
	"github.com/prodkube/prodkube/backup"
	"github.com/prodkube/prodkube/baseline"
	"github.com/prodkube/prodkube/internal/fieldpath"
	"github.com/prodkube/prodkube/monitoring"
	"github.com/prodkube/prodkube/nodepool"
	"github.com/prodkube/prodkube/scaling"
	"github.com/prodkube/prodkube/security"
	"github.com/prodkube/prodkube/upgrade"
	"github.com/prodkube/prodkube/version"
)

// Result is the whole cluster: every object to apply, and every other file.
type Result struct {
	// ControlPlane is the kubeadm configuration, the kubeadm pools' join
	// files included.
	ControlPlane *baseline.ControlPlane
	// Pools are the pools' node templates, in Cluster.Pools order.
	Pools []*nodepool.Template
	// Plan is the upgrade plan; nil without Cluster.Upgrade.
	Plan *upgrade.Plan

	objects []prodkube.Object
	files   []prodkube.File
}

// Objects returns every Kubernetes object of the cluster, for
// prodkube.WriteYAML or prodkube.Manifests.
func (r *Result) Objects() []prodkube.Object {
	if r == nil {
		return nil
	}
	return slices.Clone(r.objects)
}

// Files returns every other artefact: kubeadm files, backup and upgrade
// scripts and runbooks, monitoring rules and reports, each at its path in
// the output tree.
func (r *Result) Files() []prodkube.File {
	if r == nil {
		return nil
	}
	out := make([]prodkube.File, len(r.files))
	for i, f := range r.files {
		f.Content = slices.Clone(f.Content)
		out[i] = f
	}
	return out
}

// Validate reports every problem of the cluster, each area's own and those
// between areas, with paths under the Cluster's fields.
func (c Cluster) Validate() field.ErrorList {
	_, errs := c.build()
	return errs
}

// Build validates the cluster and returns the whole coherent set, or an
// error listing every problem.
func (c Cluster) Build() (*Result, error) {
	r, errs := c.build()
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return r, nil
}

// builder carries what the areas build, so the cross-checks can see it.
type builder struct {
	c    Cluster
	errs field.ErrorList
	r    *Result

	pools     map[string]*nodepool.Template // by pool name
	poolSpecs map[string]Pool
	workloads map[string]*built // by "namespace/name"; nil for a workload with errors
	order     []*built          // workloads in declaration order
}

// built is one workload as built, with where it came from.
type built struct {
	path      *field.Path
	ns, name  string
	w         Workload
	labels    map[string]string // the pods' selector labels
	ports     []corev1.ContainerPort
	template  *corev1.PodTemplateSpec
	objects   []prodkube.Object
	service   *corev1.Service
	replicas  int32
	hasPDB    bool
	admitters int // flows that reach the workload
}

func (b *builder) add(errs field.ErrorList) { b.errs = append(b.errs, errs...) }

func (c Cluster) build() (*Result, field.ErrorList) {
	b := &builder{c: c, r: &Result{}, pools: map[string]*nodepool.Template{}, poolSpecs: map[string]Pool{}, workloads: map[string]*built{}}
	b.buildPools()
	b.buildControlPlane()
	b.buildNamespaces()
	b.buildFlows()
	b.checkReach()
	b.buildAutoscaler()
	b.buildMonitoring()
	b.buildBackup()
	b.buildUpgrade()
	b.buildPoolReport()
	if len(b.errs) > 0 {
		return nil, b.errs
	}
	return b.r, nil
}

func (b *builder) buildPools() {
	p := field.NewPath("pools")
	if len(b.c.Pools) == 0 {
		b.add(field.ErrorList{field.Required(p, "at least one worker pool: workloads do not run on the control plane")})
	}
	for i, pool := range b.c.Pools {
		pp := p.Index(i)
		if _, dup := b.poolSpecs[pool.Name]; dup && pool.Name != "" {
			b.add(field.ErrorList{field.Duplicate(pp.Child("name"), pool.Name)})
			continue
		}
		tmpl, err := pool.Pool.Build()
		if err != nil {
			b.add(fieldpath.Under(pp, pool.Pool.Validate()))
			continue
		}
		if len(pool.Zones) == 0 {
			b.add(field.ErrorList{field.Required(pp.Child("zones"), "the zones the pool's nodes are in")})
		}
		seen := map[string]bool{}
		for j, z := range pool.Zones {
			if seen[z] {
				b.add(field.ErrorList{field.Duplicate(pp.Child("zones").Index(j), z)})
			}
			seen[z] = true
			// A zone becomes a label value and part of a join file's name.
			b.add(validateZone(pp.Child("zones").Index(j), z))
		}
		if pool.NodesPerZone < 1 {
			b.add(field.ErrorList{field.Invalid(pp.Child("nodesPerZone"), pool.NodesPerZone, "at least 1")})
		}
		if a := pool.Autoscale; a != nil {
			ap := pp.Child("autoscale")
			if b.c.Autoscaler == nil {
				b.add(field.ErrorList{field.Forbidden(ap, "needs autoscaler: no cluster-autoscaler would resize the pool")})
			}
			if a.Min < 0 || a.Max < 1 || a.Min > a.Max {
				b.add(field.ErrorList{field.Invalid(ap, fmt.Sprintf("%d..%d", a.Min, a.Max), "need 0 <= min <= max and max >= 1")})
			}
			if n := pool.NodesPerZone * len(pool.Zones); n > 0 && (n < a.Min || n > a.Max) {
				b.add(field.ErrorList{field.Invalid(pp.Child("nodesPerZone"), pool.NodesPerZone, fmt.Sprintf("the pool's %d nodes must lie within its autoscaling bounds %d..%d", n, a.Min, a.Max))})
			}
		}
		b.pools[pool.Name] = tmpl
		b.poolSpecs[pool.Name] = pool
		b.r.Pools = append(b.r.Pools, tmpl)
	}
}

func validateZone(p *field.Path, z string) field.ErrorList {
	var errs field.ErrorList
	if z == "" {
		return field.ErrorList{field.Required(p, "a zone name")}
	}
	for _, msg := range validation.IsDNS1123Label(z) {
		errs = append(errs, field.Invalid(p, z, msg))
	}
	return errs
}

func (b *builder) buildControlPlane() {
	p := field.NewPath("controlPlane")
	ha := b.c.ControlPlane
	if len(ha.Workers) > 0 {
		b.add(field.ErrorList{field.Forbidden(p.Child("workers"), "worker join files come from pools; declare the workers as a pool")})
		return
	}
	for _, pool := range b.c.Pools {
		tmpl := b.pools[pool.Name]
		if tmpl == nil || tmpl.Registration == nil {
			continue // managed providers join their own nodes
		}
		for _, z := range pool.Zones {
			ha.Workers = append(ha.Workers, baseline.WorkerJoin{
				Name:       pool.Name + "-" + z,
				Zone:       z,
				Taints:     tmpl.Registration.Taints,
				NodeLabels: tmpl.Registration.NodeLabels,
			})
		}
	}
	cp, err := ha.Build()
	if err != nil {
		b.add(fieldpath.Under(p, ha.Validate()))
		return
	}
	b.r.ControlPlane = cp
	b.r.files = append(b.r.files, cp.Files()...)
}

func (b *builder) buildNamespaces() {
	p := field.NewPath("namespaces")
	seen := map[string]bool{}
	for i, ns := range b.c.Namespaces {
		np := p.Index(i)
		if seen[ns.Name] {
			b.add(field.ErrorList{field.Duplicate(np.Child("name"), ns.Name)})
			continue
		}
		seen[ns.Name] = true
		if isSystemNamespace(ns.Name) {
			b.add(field.ErrorList{field.Forbidden(np.Child("name"), ns.Name+" belongs to the platform; workloads go in namespaces of their own")})
			continue
		}
		nsObj, err := security.Namespace{Name: ns.Name}.Build()
		if err != nil {
			b.add(fieldpath.Under(np, security.Namespace{Name: ns.Name}.Validate()))
			continue
		}
		deny, err1 := security.DefaultDeny{Namespace: ns.Name}.Build()
		dns, err2 := security.AllowDNS{Namespace: ns.Name}.Build()
		if err1 != nil || err2 != nil {
			b.add(field.ErrorList{field.InternalError(np, fmt.Errorf("namespace policies: %v %v", err1, err2))})
			continue
		}
		b.r.objects = append(b.r.objects, nsObj, deny, dns)
		if q := ns.Quota; q != nil {
			spec := *q
			spec.Namespace = defaultTo(spec.Namespace, ns.Name)
			if spec.Namespace != ns.Name {
				b.add(field.ErrorList{field.Invalid(np.Child("quota", "namespace"), spec.Namespace, "must be the enclosing namespace "+ns.Name)})
			} else if obj, err := spec.Build(); err != nil {
				b.add(fieldpath.Under(np.Child("quota"), spec.Validate()))
			} else {
				b.r.objects = append(b.r.objects, obj)
			}
		}
		if lr := ns.LimitRange; lr != nil {
			spec := *lr
			spec.Namespace = defaultTo(spec.Namespace, ns.Name)
			if spec.Namespace != ns.Name {
				b.add(field.ErrorList{field.Invalid(np.Child("limitRange", "namespace"), spec.Namespace, "must be the enclosing namespace "+ns.Name)})
			} else if obj, err := spec.Build(); err != nil {
				b.add(fieldpath.Under(np.Child("limitRange"), spec.Validate()))
			} else {
				b.r.objects = append(b.r.objects, obj)
			}
		}
		for j, sa := range ns.ServiceAccounts {
			sa.Namespace = defaultTo(sa.Namespace, ns.Name)
			b.namespaced(np.Child("serviceAccounts").Index(j), ns.Name, sa.Namespace, func() (prodkube.Object, field.ErrorList) {
				obj, err := sa.Build()
				return obj, errsOf(err, sa.Validate)
			})
		}
		for j, r := range ns.Roles {
			r.Namespace = defaultTo(r.Namespace, ns.Name)
			b.namespaced(np.Child("roles").Index(j), ns.Name, r.Namespace, func() (prodkube.Object, field.ErrorList) {
				obj, err := r.Build()
				return obj, errsOf(err, r.Validate)
			})
		}
		for j, rb := range ns.RoleBindings {
			rb.Namespace = defaultTo(rb.Namespace, ns.Name)
			b.namespaced(np.Child("roleBindings").Index(j), ns.Name, rb.Namespace, func() (prodkube.Object, field.ErrorList) {
				obj, err := rb.Build()
				return obj, errsOf(err, rb.Validate)
			})
		}
		for j, w := range ns.Workloads {
			b.buildWorkload(np.Child("workloads").Index(j), ns.Name, w)
		}
	}
}

// namespaced builds one namespaced object of a namespace's own.
func (b *builder) namespaced(p *field.Path, ns, got string, build func() (prodkube.Object, field.ErrorList)) {
	if got != ns {
		b.add(field.ErrorList{field.Invalid(p.Child("namespace"), got, "must be the enclosing namespace "+ns)})
		return
	}
	obj, errs := build()
	if len(errs) > 0 {
		b.add(fieldpath.Under(p, errs))
		return
	}
	b.r.objects = append(b.r.objects, obj)
}

// errsOf returns nil after a successful build, else the spec's errors (or
// the build error itself, should validation have passed).
func errsOf(err error, validate func() field.ErrorList) field.ErrorList {
	if err == nil {
		return nil
	}
	if errs := validate(); len(errs) > 0 {
		return errs
	}
	return field.ErrorList{field.InternalError(nil, err)}
}

func defaultTo(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func isSystemNamespace(n string) bool {
	switch n {
	case "kube-system", "kube-public", "kube-node-lease", "default":
		return true
	}
	return false
}

func (b *builder) buildWorkload(wp *field.Path, ns string, w Workload) {
	if (w.Deployment == nil) == (w.StatefulSet == nil) {
		b.add(field.ErrorList{field.Required(wp, "exactly one of deployment and statefulSet")})
		return
	}
	var wl *baseline.Workload
	var specPath *field.Path
	if w.Deployment != nil {
		d := *w.Deployment
		wl, specPath = &d.Workload, wp.Child("deployment")
		w.Deployment = &d
	} else {
		s := *w.StatefulSet
		wl, specPath = &s.Workload, wp.Child("statefulSet")
		w.StatefulSet = &s
	}
	wl.Namespace = defaultTo(wl.Namespace, ns)
	if wl.Namespace != ns {
		b.add(field.ErrorList{field.Invalid(specPath.Child("namespace"), wl.Namespace, "must be the enclosing namespace "+ns)})
		return
	}
	key := ns + "/" + wl.Name
	if _, dup := b.workloads[key]; dup {
		b.add(field.ErrorList{field.Duplicate(specPath.Child("name"), wl.Name)})
		return
	}
	// Known from here on, even if it fails below, so that calls to it do
	// not report it missing as well.
	b.workloads[key] = nil
	if w.Autoscale != nil {
		if wl.Replicas != 0 {
			b.add(field.ErrorList{field.Forbidden(specPath.Child("replicas"), "the HorizontalPodAutoscaler of autoscale owns the replica count")})
			return
		}
		wl.Autoscaled = true
	}
	bw := &built{path: wp, ns: ns, name: wl.Name, w: w}
	var tmpl *corev1.PodTemplateSpec
	if w.Deployment != nil {
		objs, err := w.Deployment.Build()
		if err != nil {
			b.add(fieldpath.Under(specPath, w.Deployment.Validate()))
			return
		}
		tmpl = &objs.Deployment.Spec.Template
		bw.objects, bw.service, bw.hasPDB = objs.Objects(), objs.Service, objs.PodDisruptionBudget != nil
		bw.replicas = replicasOf(objs.Deployment.Spec.Replicas, w.Autoscale)
		bw.labels = objs.Deployment.Spec.Selector.MatchLabels
	} else {
		objs, err := w.StatefulSet.Build()
		if err != nil {
			b.add(fieldpath.Under(specPath, w.StatefulSet.Validate()))
			return
		}
		tmpl = &objs.StatefulSet.Spec.Template
		bw.objects, bw.service, bw.hasPDB = objs.Objects(), objs.Service, objs.PodDisruptionBudget != nil
		bw.replicas = replicasOf(objs.StatefulSet.Spec.Replicas, w.Autoscale)
		bw.labels = objs.StatefulSet.Spec.Selector.MatchLabels
	}
	bw.template = tmpl
	for _, c := range tmpl.Spec.Containers {
		bw.ports = append(bw.ports, c.Ports...)
	}
	if !b.place(bw, wp) {
		return
	}
	b.workloads[key] = bw
	b.order = append(b.order, bw)
	b.r.objects = append(b.r.objects, bw.objects...)
	if a := w.Autoscale; a != nil {
		b.buildHPA(bw, wp.Child("autoscale"), a)
	}
}

func replicasOf(r *int32, a *Autoscale) int32 {
	switch {
	case r != nil:
		return *r
	case a != nil && a.MinReplicas > 0:
		return a.MinReplicas
	}
	return scaling.DefaultMinReplicas
}

// place puts the workload's pods on its pool, or checks that a shared pool
// takes them, and that no dedicated pool it did not ask for does.
func (b *builder) place(bw *built, wp *field.Path) bool {
	spec := &bw.template.Spec
	if bw.w.Pool == "" {
		if bw.w.GPUs != 0 {
			b.add(field.ErrorList{field.Forbidden(wp.Child("gpus"), "GPUs need a GPU pool in pool")})
			return false
		}
		for _, name := range b.poolNames() {
			if ok, _ := nodepool.Schedulable(spec, b.pools[name].Node()); ok && !b.pools[name].Dedicated {
				return true
			}
		}
		if len(b.pools) > 0 {
			b.add(field.ErrorList{field.Required(wp.Child("pool"), "no shared pool takes these pods: name a pool, or add a pool that is not dedicated")})
		}
		return false
	}
	tmpl, ok := b.pools[bw.w.Pool]
	if !ok {
		b.add(field.ErrorList{field.NotFound(wp.Child("pool"), bw.w.Pool)})
		return false
	}
	placed, err := nodepool.Place(spec, b.poolSpecs[bw.w.Pool].Pool, nodepool.Placement{
		GPUs:                   bw.w.GPUs,
		Replicas:               bw.replicas,
		PodDisruptionBudget:    bw.hasPDB,
		AcceptSpotInterruption: bw.w.AcceptSpotInterruption,
	})
	if err != nil {
		b.add(field.ErrorList{field.Invalid(wp.Child("pool"), bw.w.Pool, err.Error())})
		return false
	}
	*spec = *placed
	if errs := security.CheckPodSpec(security.LevelRestricted, &bw.template.ObjectMeta, spec); len(errs) > 0 {
		b.add(fieldpath.Under(wp.Child("pool"), errs))
		return false
	}
	// The pods must not fit any other dedicated pool.
	for _, name := range b.poolNames() {
		if other := b.pools[name]; name != tmpl.Pool && other.Dedicated {
			if ok, _ := nodepool.Schedulable(spec, other.Node()); ok {
				b.add(field.ErrorList{field.Invalid(wp.Child("pool"), bw.w.Pool, "the pods would also fit dedicated pool "+name)})
				return false
			}
		}
	}
	return true
}

func (b *builder) poolNames() []string {
	names := make([]string, 0, len(b.pools))
	for _, p := range b.c.Pools {
		if b.pools[p.Name] != nil {
			names = append(names, p.Name)
		}
	}
	return names
}

func (b *builder) buildHPA(bw *built, p *field.Path, a *Autoscale) {
	if !b.c.Platform.MetricsAPI {
		b.add(field.ErrorList{field.Forbidden(p, "a HorizontalPodAutoscaler reads the resource metrics API (metrics.k8s.io): set platform.metricsAPI once the platform runs metrics-server or an equivalent")})
		return
	}
	var target metav1.Object
	kind := scaling.KindDeployment
	for _, o := range bw.objects {
		switch t := o.(type) {
		case *appsv1.Deployment:
			target = t
		case *appsv1.StatefulSet:
			target, kind = t, scaling.KindStatefulSet
		}
	}
	spec := scaling.HPA{
		Name: bw.name, Namespace: bw.ns, TargetKind: kind, Workload: target,
		MinReplicas: a.MinReplicas, MaxReplicas: a.MaxReplicas,
		CPUUtilization: a.CPUUtilization, MemoryUtilization: a.MemoryUtilization,
	}
	hpa, err := spec.Build()
	if err != nil {
		b.add(fieldpath.Under(p, spec.Validate()))
		if len(spec.Validate()) == 0 {
			b.add(field.ErrorList{field.Invalid(p, bw.name, err.Error())})
		}
		return
	}
	b.r.objects = append(b.r.objects, hpa)
}

func (b *builder) buildAutoscaler() {
	ca := b.c.Autoscaler
	if ca == nil {
		return
	}
	p := field.NewPath("autoscaler")
	spec := *ca
	if len(spec.NodeGroups) > 0 {
		b.add(field.ErrorList{field.Forbidden(p.Child("nodeGroups"), "node groups come from pools[].autoscale, so that every group is a pool")})
		return
	}
	for _, pool := range b.c.Pools {
		if a := pool.Autoscale; a != nil && b.pools[pool.Name] != nil {
			spec.NodeGroups = append(spec.NodeGroups, scaling.NodeGroup{Name: defaultTo(a.Name, pool.Name), Min: a.Min, Max: a.Max})
		}
	}
	if len(spec.NodeGroups) == 0 && len(spec.AutoDiscovery) == 0 {
		b.add(field.ErrorList{field.Required(p, "no pool sets autoscale: the autoscaler would have nothing to resize")})
		return
	}
	if spec.KubernetesVersion == (version.Version{}) {
		if v, err := version.Parse(b.c.ControlPlane.KubernetesVersion); err == nil {
			spec.KubernetesVersion = v
		}
	}
	bundle, err := spec.Build()
	if err != nil {
		b.add(fieldpath.Under(p, spec.Validate()))
		return
	}
	b.r.objects = append(b.r.objects, bundle.Objects()...)
}

func (b *builder) buildMonitoring() {
	m := b.c.Monitoring
	if m == nil {
		for _, x := range []struct {
			name string
			set  bool
		}{{"alertmanager", b.c.Alertmanager != nil}, {"nodeExporter", b.c.NodeExporter != nil}, {"kubeStateMetrics", b.c.KubeStateMetrics != nil}} {
			if x.set {
				b.add(field.ErrorList{field.Forbidden(field.NewPath(x.name), "needs monitoring: nothing would read it")})
			}
		}
		return
	}
	p := field.NewPath("monitoring")
	ns := defaultTo(m.Namespace, monitoring.DefaultNamespace)
	for _, n := range b.c.Namespaces {
		if n.Name == ns {
			b.add(field.ErrorList{field.Invalid(p.Child("namespace"), ns, "Prometheus runs in a namespace of its own, not one of namespaces[]")})
			return
		}
	}
	nsObj, err := security.Namespace{Name: ns}.Build()
	if err != nil {
		b.add(fieldpath.Under(p.Child("namespace"), security.Namespace{Name: ns}.Validate()))
		return
	}
	bundle, err := m.Build()
	if err != nil {
		b.add(fieldpath.Under(p, m.Validate()))
		return
	}
	b.r.objects = append(b.r.objects, nsObj)
	b.r.objects = append(b.r.objects, bundle.Objects()...)
	b.r.files = append(b.r.files, bundle.Files()...)
	if a := b.c.Alertmanager; a != nil {
		if res, err := a.Build(); err != nil {
			b.add(fieldpath.Under(field.NewPath("alertmanager"), a.Validate()))
		} else {
			b.r.objects = append(b.r.objects, res.Objects()...)
		}
	}
	if x := b.c.NodeExporter; x != nil {
		if res, err := x.Build(); err != nil {
			b.add(fieldpath.Under(field.NewPath("nodeExporter"), x.Validate()))
		} else {
			b.r.objects = append(b.r.objects, res.Objects()...)
		}
	}
	if x := b.c.KubeStateMetrics; x != nil {
		if res, err := x.Build(); err != nil {
			b.add(fieldpath.Under(field.NewPath("kubeStateMetrics"), x.Validate()))
		} else {
			b.r.objects = append(b.r.objects, res.Objects()...)
		}
	}
}

func (b *builder) buildBackup() {
	if b.r.ControlPlane != nil {
		snap, err := backup.EtcdSnapshotFromHA(b.c.ControlPlane)
		if err == nil {
			var etcd *backup.EtcdBackup
			if etcd, err = snap.Build(); err == nil {
				b.r.files = append(b.r.files, etcd.Files()...)
			}
		}
		if err != nil {
			b.add(field.ErrorList{field.Invalid(field.NewPath("controlPlane", "etcd"), "", "etcd snapshot: "+err.Error())})
		}
	}
	v := b.c.Backup
	if v == nil {
		if b.c.RestoreDrill != nil {
			b.add(field.ErrorList{field.Forbidden(field.NewPath("restoreDrill"), "needs backup: there is no backup to restore")})
		}
		return
	}
	p := field.NewPath("backup")
	setup, err := v.Build()
	if err != nil {
		b.add(fieldpath.Under(p, v.Validate()))
		return
	}
	// Every namespace a backup covers must be one the cluster has.
	known := map[string]bool{}
	for _, n := range b.c.Namespaces {
		known[n.Name] = true
	}
	check := func(pp *field.Path, nss []string) {
		for k, n := range nss {
			if n != "*" && !known[n] {
				b.add(field.ErrorList{field.NotFound(pp.Child("includeNamespaces").Index(k), n)})
			}
		}
	}
	for i, s := range v.Schedules {
		check(p.Child("schedules").Index(i), s.IncludeNamespaces)
	}
	for i, bk := range v.Backups {
		check(p.Child("backups").Index(i), bk.IncludeNamespaces)
	}
	b.r.objects = append(b.r.objects, setup.Objects()...)
	b.r.files = append(b.r.files, setup.Files()...)
	b.buildDrill(v)
}

// buildDrill checks that the drill restores a backup that exists and holds
// its namespace.
func (b *builder) buildDrill(v *backup.Velero) {
	d := b.c.RestoreDrill
	if d == nil {
		return
	}
	p := field.NewPath("restoreDrill")
	covers := func(o backup.BackupOptions) bool {
		return len(o.IncludeNamespaces) == 0 || slices.Contains(o.IncludeNamespaces, "*") || slices.Contains(o.IncludeNamespaces, d.Namespace)
	}
	switch {
	case d.FromSchedule != "":
		i := slices.IndexFunc(v.Schedules, func(s backup.Schedule) bool { return s.Name == d.FromSchedule })
		if i < 0 {
			b.add(field.ErrorList{field.NotFound(p.Child("fromSchedule"), d.FromSchedule)})
			return
		}
		if !covers(v.Schedules[i].BackupOptions) {
			b.add(field.ErrorList{field.Invalid(p.Child("fromSchedule"), d.FromSchedule, "the schedule does not back up namespace "+d.Namespace)})
			return
		}
	case d.FromBackup != "":
		i := slices.IndexFunc(v.Backups, func(s backup.Backup) bool { return s.Name == d.FromBackup })
		if i < 0 {
			b.add(field.ErrorList{field.NotFound(p.Child("fromBackup"), d.FromBackup)})
			return
		}
		if !covers(v.Backups[i].BackupOptions) {
			b.add(field.ErrorList{field.Invalid(p.Child("fromBackup"), d.FromBackup, "the backup does not hold namespace "+d.Namespace)})
			return
		}
	}
	plan, err := d.Plan()
	if err != nil {
		b.add(fieldpath.Under(p, d.Validate()))
		return
	}
	b.r.files = append(b.r.files, plan.Files()...)
}

func (b *builder) buildUpgrade() {
	u := b.c.Upgrade
	if u == nil || b.r.ControlPlane == nil {
		return
	}
	p := field.NewPath("upgrade")
	spec := upgrade.Spec{Target: u.Target, Releases: u.Releases}
	for _, n := range b.c.ControlPlane.ControlPlaneNodes {
		spec.ControlPlane = append(spec.ControlPlane, upgrade.ControlPlaneNode{Name: n.Name, Version: u.From})
	}
	for _, pool := range b.c.Pools {
		tmpl := b.pools[pool.Name]
		if tmpl == nil || tmpl.Registration == nil {
			continue // a managed provider upgrades its own nodes
		}
		// Batches are drained in node order, zone by zone: a batch as large
		// as a zone's nodes empties the zone, and pods spread across zones
		// as a hard constraint then cannot come back until it returns, so
		// a second eviction of the same workload waits on its disruption
		// budget for ever. The simulated cluster showed exactly that.
		if mu := pool.Upgrade.MaxUnavailable; mu > 1 && mu >= pool.NodesPerZone {
			b.add(field.ErrorList{field.Invalid(field.NewPath("pools").Index(slices.IndexFunc(b.c.Pools, func(p Pool) bool { return p.Name == pool.Name })).Child("upgrade", "maxUnavailable"), mu,
				fmt.Sprintf("a batch of %d drains every node of a zone (%d per zone): workloads spread across zones could not reschedule and their disruption budgets would block the drain; use at most %d", mu, pool.NodesPerZone, max(1, pool.NodesPerZone-1)))})
			continue
		}
		up := upgrade.Pool{Name: pool.Name, Strategy: pool.Upgrade.Strategy, MaxUnavailable: pool.Upgrade.MaxUnavailable}
		for _, z := range pool.Zones {
			for k := 1; k <= pool.NodesPerZone; k++ {
				up.Nodes = append(up.Nodes, upgrade.Node{Name: NodeName(pool.Name, z, k), Version: u.From})
			}
		}
		spec.Pools = append(spec.Pools, up)
	}
	if snap, err := backup.EtcdSnapshotFromHA(b.c.ControlPlane); err == nil {
		spec.Backups = upgrade.BackupSpecs{Etcd: snap}
	}
	var manifests bytes.Buffer
	if err := prodkube.WriteYAML(&manifests, b.r.objects...); err != nil {
		b.add(field.ErrorList{field.InternalError(p, err)})
		return
	}
	spec.Manifests = []upgrade.Manifest{{Name: "manifests", Data: manifests.Bytes()}}
	plan, err := spec.Plan()
	if err != nil {
		b.add(fieldpath.Under(p, spec.Validate()))
		if len(spec.Validate()) == 0 {
			b.add(field.ErrorList{field.Invalid(p.Child("target"), u.Target, err.Error())})
		}
		return
	}
	b.r.Plan = plan
	b.r.files = append(b.r.files, plan.Files()...)
}

// NodeName is the name the cluster gives the k-th node (from 1) of a pool
// in a zone, in the upgrade plan and the pool report.
func NodeName(pool, zone string, k int) string {
	return pool + "-" + zone + "-" + strconv.Itoa(k)
}
