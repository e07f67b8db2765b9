#!/usr/bin/env bash
#
# Upgrade plan v1.35.4 -> v1.37.2 in 2 hop(s): v1.36.5, v1.37.2; 21 steps.
# kubectl runs on cp-1 with /etc/kubernetes/admin.conf; node commands run over SSH with sudo
# (BatchMode: key-based SSH and passwordless sudo).
#
# Usage: plan.sh [--list] [--from N | --only N]
#   --list     print the steps
#   --from N   start at step N (to resume: a step refuses to run unless its preconditions hold)
#   --only N   run step N alone
# Environment: UPGRADE_SSH is the ssh command (default: ssh).
#
# Pre-flight: 3 object(s) use an API version a release on the way stops serving;
# migrate them first (see the runbook).
set -euo pipefail

UPGRADE_SSH=${UPGRADE_SSH:-ssh}

# on_node NODE COMMAND: run COMMAND, already quoted, on NODE over SSH.
on_node() {
	# $UPGRADE_SSH is split into words on purpose: it may carry options.
	# shellcheck disable=SC2086
	$UPGRADE_SSH -o BatchMode=yes -- "$1" "$2"
}

# check STEP KIND DESCRIPTION WANT COMMAND...: COMMAND must succeed and, when
# WANT is not empty, print exactly WANT; otherwise the plan stops here.
check() {
	local step=$1 kind=$2 desc=$3 want=$4 got
	shift 4
	if got=$("$@"); then
		if [ -z "$want" ] || [ "$got" = "$want" ]; then
			return 0
		fi
	else
		got='(command failed)'
	fi
	if [ "$kind" = precondition ]; then
		printf 'step %s refused: precondition failed: %s (want %s, got %s)\n' "$step" "$desc" "${want:-success}" "$got" >&2
	else
		printf 'step %s: verification failed: %s (want %s, got %s)\n' "$step" "$desc" "${want:-success}" "$got" >&2
	fi
	exit 1
}

# Step 1/21 [backup]: take the pre-upgrade backups (etcd snapshot, Velero backup)
# The etcd snapshot is written to /var/backups/etcd/pre-upgrade-v1-37-2.db on cp-1; copy it off the node before going on.
# Restoring the etcd snapshot rewinds the whole cluster; the Velero backup restores workloads and volumes selectively.
step_1() {
	check 1 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	on_node cp-1 'sudo install -d -m 0700 /var/backups/etcd'
	on_node cp-1 'sudo etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key snapshot save /var/backups/etcd/pre-upgrade-v1-37-2.db'
	velero backup create pre-upgrade-v1-37-2 --namespace velero --include-namespaces '*' --ttl 720h0m0s --wait
	check 1 verification 'the etcd snapshot /var/backups/etcd/pre-upgrade-v1-37-2.db on cp-1 is readable' '' on_node cp-1 'sudo etcdutl --write-out table snapshot status /var/backups/etcd/pre-upgrade-v1-37-2.db'
	check 1 verification 'the Velero backup pre-upgrade-v1-37-2 completed' Completed on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf -n velero get backups.velero.io pre-upgrade-v1-37-2 -o '\''jsonpath={.status.phase}'\'''
	:
}

# Step 2/21 [control-plane, hop 1]: control plane cp-1: upgrade to v1.36.5 (kubeadm upgrade apply)
# The first control plane node runs `kubeadm upgrade apply`; it upgrades the cluster configuration and this node's static pods. kube-proxy and CoreDNS follow once every kube-apiserver runs v1.36.5.
# Upgrade the CNI plugin now if its own upgrade notes ask for it.
step_2() {
	check 2 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 2 precondition 'cp-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=0s'
	check 2 precondition 'cp-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=0s'
	on_node cp-1 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node cp-1 'sudo apt-get update'
	on_node cp-1 'sudo apt-mark unhold kubeadm'
	on_node cp-1 'sudo apt-get install -y kubeadm=1.36.5-1.1'
	on_node cp-1 'sudo apt-mark hold kubeadm'
	on_node cp-1 'sudo kubeadm upgrade plan v1.36.5'
	on_node cp-1 'sudo kubeadm upgrade apply v1.36.5 --yes'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-1 'sudo apt-mark unhold kubelet kubectl'
	on_node cp-1 'sudo apt-get install -y kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node cp-1 'sudo apt-mark hold kubelet kubectl'
	on_node cp-1 'sudo systemctl daemon-reload'
	on_node cp-1 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-1'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=300s'
	check 2 verification 'kubeadm v1.36.5 is installed on cp-1' v1.36.5 on_node cp-1 'sudo kubeadm version -o short'
	check 2 verification 'cp-1 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 2 verification 'cp-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 2 verification 'cp-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=0s'
	:
}

# Step 3/21 [control-plane, hop 1]: control plane cp-2: upgrade to v1.36.5 (kubeadm upgrade node)
step_3() {
	check 3 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 3 precondition 'cp-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=0s'
	check 3 precondition 'cp-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=0s'
	check 3 precondition 'cp-1 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 3 precondition 'cp-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node cp-2 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node cp-2 'sudo apt-get update'
	on_node cp-2 'sudo apt-mark unhold kubeadm'
	on_node cp-2 'sudo apt-get install -y kubeadm=1.36.5-1.1'
	on_node cp-2 'sudo apt-mark hold kubeadm'
	on_node cp-2 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-2 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-2 'sudo apt-mark unhold kubelet kubectl'
	on_node cp-2 'sudo apt-get install -y kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node cp-2 'sudo apt-mark hold kubelet kubectl'
	on_node cp-2 'sudo systemctl daemon-reload'
	on_node cp-2 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-2'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=300s'
	check 3 verification 'kubeadm v1.36.5 is installed on cp-2' v1.36.5 on_node cp-2 'sudo kubeadm version -o short'
	check 3 verification 'cp-2 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 3 verification 'cp-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 3 verification 'cp-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=0s'
	:
}

# Step 4/21 [control-plane, hop 1]: control plane cp-3: upgrade to v1.36.5 (kubeadm upgrade node)
step_4() {
	check 4 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 4 precondition 'cp-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=0s'
	check 4 precondition 'cp-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=0s'
	check 4 precondition 'cp-2 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 4 precondition 'cp-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node cp-3 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node cp-3 'sudo apt-get update'
	on_node cp-3 'sudo apt-mark unhold kubeadm'
	on_node cp-3 'sudo apt-get install -y kubeadm=1.36.5-1.1'
	on_node cp-3 'sudo apt-mark hold kubeadm'
	on_node cp-3 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-3 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-3 'sudo apt-mark unhold kubelet kubectl'
	on_node cp-3 'sudo apt-get install -y kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node cp-3 'sudo apt-mark hold kubelet kubectl'
	on_node cp-3 'sudo systemctl daemon-reload'
	on_node cp-3 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-3'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=300s'
	check 4 verification 'kubeadm v1.36.5 is installed on cp-3' v1.36.5 on_node cp-3 'sudo kubeadm version -o short'
	check 4 verification 'cp-3 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 4 verification 'cp-3 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 4 verification 'cp-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=0s'
	:
}

# Step 5/21 [workers, hop 1]: pool general: upgrade general-1, general-2 in place to v1.36.5
step_5() {
	check 5 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 5 precondition 'cp-3 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 5 precondition 'general-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=0s'
	check 5 precondition 'general-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=0s'
	on_node general-1 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node general-1 'sudo apt-get update'
	on_node general-1 'sudo apt-mark unhold kubeadm'
	on_node general-1 'sudo apt-get install -y kubeadm=1.36.5-1.1'
	on_node general-1 'sudo apt-mark hold kubeadm'
	on_node general-1 'sudo kubeadm upgrade node'
	on_node general-2 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node general-2 'sudo apt-get update'
	on_node general-2 'sudo apt-mark unhold kubeadm'
	on_node general-2 'sudo apt-get install -y kubeadm=1.36.5-1.1'
	on_node general-2 'sudo apt-mark hold kubeadm'
	on_node general-2 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain general-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain general-2 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node general-1 'sudo apt-mark unhold kubelet kubectl'
	on_node general-1 'sudo apt-get install -y kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node general-1 'sudo apt-mark hold kubelet kubectl'
	on_node general-1 'sudo systemctl daemon-reload'
	on_node general-1 'sudo systemctl restart kubelet'
	on_node general-2 'sudo apt-mark unhold kubelet kubectl'
	on_node general-2 'sudo apt-get install -y kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node general-2 'sudo apt-mark hold kubelet kubectl'
	on_node general-2 'sudo systemctl daemon-reload'
	on_node general-2 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon general-1'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=300s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon general-2'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=300s'
	check 5 verification 'general-1 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 5 verification 'general-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 5 verification 'general-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=0s'
	check 5 verification 'general-2 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 5 verification 'general-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 5 verification 'general-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=0s'
	:
}

# Step 6/21 [workers, hop 1]: pool general: upgrade general-3 in place to v1.36.5
step_6() {
	check 6 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 6 precondition 'cp-3 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 6 precondition 'general-1 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 6 precondition 'general-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 6 precondition 'general-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=0s'
	check 6 precondition 'general-2 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 6 precondition 'general-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 6 precondition 'general-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=0s'
	check 6 precondition 'general-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-3 --timeout=0s'
	on_node general-3 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node general-3 'sudo apt-get update'
	on_node general-3 'sudo apt-mark unhold kubeadm'
	on_node general-3 'sudo apt-get install -y kubeadm=1.36.5-1.1'
	on_node general-3 'sudo apt-mark hold kubeadm'
	on_node general-3 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain general-3 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node general-3 'sudo apt-mark unhold kubelet kubectl'
	on_node general-3 'sudo apt-get install -y kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node general-3 'sudo apt-mark hold kubelet kubectl'
	on_node general-3 'sudo systemctl daemon-reload'
	on_node general-3 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon general-3'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-3 --timeout=300s'
	check 6 verification 'general-3 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 6 verification 'general-3 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-3 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 6 verification 'general-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-3 --timeout=0s'
	:
}

# Step 7/21 [workers, hop 1]: pool batch: join 2 new nodes at v1.36.5 (surge)
# Before this step, provision 2 machines with the host names batch-v1-36-5-1, batch-v1-36-5-2, reachable over SSH, with /etc/kubernetes/kubeadm-join.yaml in place (a kubeadm JoinConfiguration with a fresh bootstrap token and the pool's labels and taints).
step_7() {
	check 7 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 7 precondition 'cp-3 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 7 precondition 'batch-v1-36-5-1 is provisioned and reachable' '' on_node batch-v1-36-5-1 'sudo true'
	check 7 precondition 'batch-v1-36-5-2 is provisioned and reachable' '' on_node batch-v1-36-5-2 'sudo true'
	on_node batch-v1-36-5-1 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node batch-v1-36-5-1 'sudo apt-get update'
	on_node batch-v1-36-5-1 'sudo apt-mark unhold kubeadm kubelet kubectl'
	on_node batch-v1-36-5-1 'sudo apt-get install -y kubeadm=1.36.5-1.1 kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node batch-v1-36-5-1 'sudo apt-mark hold kubeadm kubelet kubectl'
	on_node batch-v1-36-5-1 'sudo sh -c '\''test -f /etc/kubernetes/kubelet.conf || exec kubeadm join --config "$1"'\'' sh /etc/kubernetes/kubeadm-join.yaml'
	on_node batch-v1-36-5-2 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node batch-v1-36-5-2 'sudo apt-get update'
	on_node batch-v1-36-5-2 'sudo apt-mark unhold kubeadm kubelet kubectl'
	on_node batch-v1-36-5-2 'sudo apt-get install -y kubeadm=1.36.5-1.1 kubelet=1.36.5-1.1 kubectl=1.36.5-1.1'
	on_node batch-v1-36-5-2 'sudo apt-mark hold kubeadm kubelet kubectl'
	on_node batch-v1-36-5-2 'sudo sh -c '\''test -f /etc/kubernetes/kubelet.conf || exec kubeadm join --config "$1"'\'' sh /etc/kubernetes/kubeadm-join.yaml'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-1 --timeout=300s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-2 --timeout=300s'
	check 7 verification 'batch-v1-36-5-1 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 7 verification 'batch-v1-36-5-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 7 verification 'batch-v1-36-5-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-1 --timeout=0s'
	check 7 verification 'batch-v1-36-5-2 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 7 verification 'batch-v1-36-5-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 7 verification 'batch-v1-36-5-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-2 --timeout=0s'
	:
}

# Step 8/21 [workers, hop 1]: pool batch: taint the 2 old nodes NoSchedule
step_8() {
	check 8 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 8 precondition 'batch-v1-36-5-1 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 8 precondition 'batch-v1-36-5-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-1 --timeout=0s'
	check 8 precondition 'batch-v1-36-5-2 runs kubelet v1.36.5' v1.36.5 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 8 precondition 'batch-v1-36-5-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-2 --timeout=0s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf taint nodes batch-1 upgrade.prodkube.io/retiring=v1-36-5:NoSchedule --overwrite'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf taint nodes batch-2 upgrade.prodkube.io/retiring=v1-36-5:NoSchedule --overwrite'
	check 8 verification 'batch-1 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-1 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	check 8 verification 'batch-2 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-2 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	:
}

# Step 9/21 [workers, hop 1]: pool batch: drain old node batch-1
step_9() {
	check 9 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 9 precondition 'batch-1 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-1 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain batch-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	check 9 verification 'batch-1 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	:
}

# Step 10/21 [workers, hop 1]: pool batch: drain old node batch-2
step_10() {
	check 10 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 10 precondition 'batch-2 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-2 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	check 10 precondition 'batch-1 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain batch-2 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	check 10 verification 'batch-2 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	:
}

# Step 11/21 [workers, hop 1]: pool batch: remove the 2 old nodes
# After this step, decommission the old machines batch-1, batch-2.
step_11() {
	check 11 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 11 precondition 'batch-1 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 11 precondition 'batch-2 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node batch-1 'sudo systemctl disable --now kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf delete node batch-1 --ignore-not-found'
	on_node batch-2 'sudo systemctl disable --now kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf delete node batch-2 --ignore-not-found'
	check 11 verification 'batch-v1-36-5-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-1 --timeout=0s'
	check 11 verification 'batch-v1-36-5-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-36-5-2 --timeout=0s'
	:
}

# Step 12/21 [control-plane, hop 2]: control plane cp-1: upgrade to v1.37.2 (kubeadm upgrade apply)
# The first control plane node runs `kubeadm upgrade apply`; it upgrades the cluster configuration and this node's static pods. kube-proxy and CoreDNS follow once every kube-apiserver runs v1.37.2.
# Upgrade the CNI plugin now if its own upgrade notes ask for it.
step_12() {
	check 12 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 12 precondition 'cp-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=0s'
	check 12 precondition 'cp-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=0s'
	on_node cp-1 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node cp-1 'sudo apt-get update'
	on_node cp-1 'sudo apt-mark unhold kubeadm'
	on_node cp-1 'sudo apt-get install -y kubeadm=1.37.2-1.1'
	on_node cp-1 'sudo apt-mark hold kubeadm'
	on_node cp-1 'sudo kubeadm upgrade plan v1.37.2'
	on_node cp-1 'sudo kubeadm upgrade apply v1.37.2 --yes'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-1 'sudo apt-mark unhold kubelet kubectl'
	on_node cp-1 'sudo apt-get install -y kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node cp-1 'sudo apt-mark hold kubelet kubectl'
	on_node cp-1 'sudo systemctl daemon-reload'
	on_node cp-1 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-1'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=300s'
	check 12 verification 'kubeadm v1.37.2 is installed on cp-1' v1.37.2 on_node cp-1 'sudo kubeadm version -o short'
	check 12 verification 'cp-1 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 12 verification 'cp-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 12 verification 'cp-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=0s'
	:
}

# Step 13/21 [control-plane, hop 2]: control plane cp-2: upgrade to v1.37.2 (kubeadm upgrade node)
step_13() {
	check 13 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 13 precondition 'cp-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=0s'
	check 13 precondition 'cp-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=0s'
	check 13 precondition 'cp-1 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 13 precondition 'cp-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node cp-2 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node cp-2 'sudo apt-get update'
	on_node cp-2 'sudo apt-mark unhold kubeadm'
	on_node cp-2 'sudo apt-get install -y kubeadm=1.37.2-1.1'
	on_node cp-2 'sudo apt-mark hold kubeadm'
	on_node cp-2 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-2 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-2 'sudo apt-mark unhold kubelet kubectl'
	on_node cp-2 'sudo apt-get install -y kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node cp-2 'sudo apt-mark hold kubelet kubectl'
	on_node cp-2 'sudo systemctl daemon-reload'
	on_node cp-2 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-2'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=300s'
	check 13 verification 'kubeadm v1.37.2 is installed on cp-2' v1.37.2 on_node cp-2 'sudo kubeadm version -o short'
	check 13 verification 'cp-2 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 13 verification 'cp-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 13 verification 'cp-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=0s'
	:
}

# Step 14/21 [control-plane, hop 2]: control plane cp-3: upgrade to v1.37.2 (kubeadm upgrade node)
step_14() {
	check 14 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 14 precondition 'cp-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-1 --timeout=0s'
	check 14 precondition 'cp-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-2 --timeout=0s'
	check 14 precondition 'cp-2 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 14 precondition 'cp-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node cp-3 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node cp-3 'sudo apt-get update'
	on_node cp-3 'sudo apt-mark unhold kubeadm'
	on_node cp-3 'sudo apt-get install -y kubeadm=1.37.2-1.1'
	on_node cp-3 'sudo apt-mark hold kubeadm'
	on_node cp-3 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain cp-3 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-3 'sudo apt-mark unhold kubelet kubectl'
	on_node cp-3 'sudo apt-get install -y kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node cp-3 'sudo apt-mark hold kubelet kubectl'
	on_node cp-3 'sudo systemctl daemon-reload'
	on_node cp-3 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon cp-3'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=300s'
	check 14 verification 'kubeadm v1.37.2 is installed on cp-3' v1.37.2 on_node cp-3 'sudo kubeadm version -o short'
	check 14 verification 'cp-3 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 14 verification 'cp-3 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 14 verification 'cp-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/cp-3 --timeout=0s'
	:
}

# Step 15/21 [workers, hop 2]: pool general: upgrade general-1, general-2 in place to v1.37.2
step_15() {
	check 15 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 15 precondition 'cp-3 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 15 precondition 'general-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=0s'
	check 15 precondition 'general-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=0s'
	on_node general-1 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node general-1 'sudo apt-get update'
	on_node general-1 'sudo apt-mark unhold kubeadm'
	on_node general-1 'sudo apt-get install -y kubeadm=1.37.2-1.1'
	on_node general-1 'sudo apt-mark hold kubeadm'
	on_node general-1 'sudo kubeadm upgrade node'
	on_node general-2 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node general-2 'sudo apt-get update'
	on_node general-2 'sudo apt-mark unhold kubeadm'
	on_node general-2 'sudo apt-get install -y kubeadm=1.37.2-1.1'
	on_node general-2 'sudo apt-mark hold kubeadm'
	on_node general-2 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain general-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain general-2 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node general-1 'sudo apt-mark unhold kubelet kubectl'
	on_node general-1 'sudo apt-get install -y kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node general-1 'sudo apt-mark hold kubelet kubectl'
	on_node general-1 'sudo systemctl daemon-reload'
	on_node general-1 'sudo systemctl restart kubelet'
	on_node general-2 'sudo apt-mark unhold kubelet kubectl'
	on_node general-2 'sudo apt-get install -y kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node general-2 'sudo apt-mark hold kubelet kubectl'
	on_node general-2 'sudo systemctl daemon-reload'
	on_node general-2 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon general-1'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=300s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon general-2'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=300s'
	check 15 verification 'general-1 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 15 verification 'general-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 15 verification 'general-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=0s'
	check 15 verification 'general-2 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 15 verification 'general-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 15 verification 'general-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=0s'
	:
}

# Step 16/21 [workers, hop 2]: pool general: upgrade general-3 in place to v1.37.2
step_16() {
	check 16 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 16 precondition 'cp-3 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 16 precondition 'general-1 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 16 precondition 'general-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 16 precondition 'general-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-1 --timeout=0s'
	check 16 precondition 'general-2 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 16 precondition 'general-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 16 precondition 'general-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-2 --timeout=0s'
	check 16 precondition 'general-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-3 --timeout=0s'
	on_node general-3 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node general-3 'sudo apt-get update'
	on_node general-3 'sudo apt-mark unhold kubeadm'
	on_node general-3 'sudo apt-get install -y kubeadm=1.37.2-1.1'
	on_node general-3 'sudo apt-mark hold kubeadm'
	on_node general-3 'sudo kubeadm upgrade node'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain general-3 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	on_node general-3 'sudo apt-mark unhold kubelet kubectl'
	on_node general-3 'sudo apt-get install -y kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node general-3 'sudo apt-mark hold kubelet kubectl'
	on_node general-3 'sudo systemctl daemon-reload'
	on_node general-3 'sudo systemctl restart kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf uncordon general-3'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-3 --timeout=300s'
	check 16 verification 'general-3 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 16 verification 'general-3 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node general-3 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 16 verification 'general-3 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/general-3 --timeout=0s'
	:
}

# Step 17/21 [workers, hop 2]: pool batch: join 2 new nodes at v1.37.2 (surge)
# Before this step, provision 2 machines with the host names batch-v1-37-2-1, batch-v1-37-2-2, reachable over SSH, with /etc/kubernetes/kubeadm-join.yaml in place (a kubeadm JoinConfiguration with a fresh bootstrap token and the pool's labels and taints).
step_17() {
	check 17 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 17 precondition 'cp-3 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node cp-3 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 17 precondition 'batch-v1-37-2-1 is provisioned and reachable' '' on_node batch-v1-37-2-1 'sudo true'
	check 17 precondition 'batch-v1-37-2-2 is provisioned and reachable' '' on_node batch-v1-37-2-2 'sudo true'
	on_node batch-v1-37-2-1 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node batch-v1-37-2-1 'sudo apt-get update'
	on_node batch-v1-37-2-1 'sudo apt-mark unhold kubeadm kubelet kubectl'
	on_node batch-v1-37-2-1 'sudo apt-get install -y kubeadm=1.37.2-1.1 kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node batch-v1-37-2-1 'sudo apt-mark hold kubeadm kubelet kubectl'
	on_node batch-v1-37-2-1 'sudo sh -c '\''test -f /etc/kubernetes/kubelet.conf || exec kubeadm join --config "$1"'\'' sh /etc/kubernetes/kubeadm-join.yaml'
	on_node batch-v1-37-2-2 'sudo sh -c '\''printf '\''\'\'''\''%s\n'\''\'\'''\'' "$1" > "$2"'\'' sh '\''deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /'\'' /etc/apt/sources.list.d/kubernetes.list'
	on_node batch-v1-37-2-2 'sudo apt-get update'
	on_node batch-v1-37-2-2 'sudo apt-mark unhold kubeadm kubelet kubectl'
	on_node batch-v1-37-2-2 'sudo apt-get install -y kubeadm=1.37.2-1.1 kubelet=1.37.2-1.1 kubectl=1.37.2-1.1'
	on_node batch-v1-37-2-2 'sudo apt-mark hold kubeadm kubelet kubectl'
	on_node batch-v1-37-2-2 'sudo sh -c '\''test -f /etc/kubernetes/kubelet.conf || exec kubeadm join --config "$1"'\'' sh /etc/kubernetes/kubeadm-join.yaml'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-1 --timeout=300s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-2 --timeout=300s'
	check 17 verification 'batch-v1-37-2-1 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-37-2-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 17 verification 'batch-v1-37-2-1 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-37-2-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 17 verification 'batch-v1-37-2-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-1 --timeout=0s'
	check 17 verification 'batch-v1-37-2-2 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-37-2-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 17 verification 'batch-v1-37-2-2 is schedulable (not cordoned)' schedulable on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-37-2-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 17 verification 'batch-v1-37-2-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-2 --timeout=0s'
	:
}

# Step 18/21 [workers, hop 2]: pool batch: taint the 2 old nodes NoSchedule
step_18() {
	check 18 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 18 precondition 'batch-v1-37-2-1 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-37-2-1 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 18 precondition 'batch-v1-37-2-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-1 --timeout=0s'
	check 18 precondition 'batch-v1-37-2-2 runs kubelet v1.37.2' v1.37.2 on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-37-2-2 -o '\''jsonpath={.status.nodeInfo.kubeletVersion}'\'''
	check 18 precondition 'batch-v1-37-2-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-2 --timeout=0s'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf taint nodes batch-v1-36-5-1 upgrade.prodkube.io/retiring=v1-37-2:NoSchedule --overwrite'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf taint nodes batch-v1-36-5-2 upgrade.prodkube.io/retiring=v1-37-2:NoSchedule --overwrite'
	check 18 verification 'batch-v1-36-5-1 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	check 18 verification 'batch-v1-36-5-2 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-2 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	:
}

# Step 19/21 [workers, hop 2]: pool batch: drain old node batch-v1-36-5-1
step_19() {
	check 19 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 19 precondition 'batch-v1-36-5-1 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain batch-v1-36-5-1 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	check 19 verification 'batch-v1-36-5-1 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	:
}

# Step 20/21 [workers, hop 2]: pool batch: drain old node batch-v1-36-5-2
step_20() {
	check 20 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 20 precondition 'batch-v1-36-5-2 carries the upgrade.prodkube.io/retiring taint' NoSchedule on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-2 -o '\''jsonpath={.spec.taints[?(@.key=="upgrade.prodkube.io/retiring")].effect}'\'''
	check 20 precondition 'batch-v1-36-5-1 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf drain batch-v1-36-5-2 --ignore-daemonsets --delete-emptydir-data --timeout=600s'
	check 20 verification 'batch-v1-36-5-2 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	:
}

# Step 21/21 [workers, hop 2]: pool batch: remove the 2 old nodes
# After this step, decommission the old machines batch-v1-36-5-1, batch-v1-36-5-2.
step_21() {
	check 21 precondition 'the API server answers /readyz' ok on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw=/readyz'
	check 21 precondition 'batch-v1-36-5-1 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-1 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	check 21 precondition 'batch-v1-36-5-2 is cordoned (drained)' cordoned on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get node batch-v1-36-5-2 -o '\''go-template={{if .spec.unschedulable}}cordoned{{else}}schedulable{{end}}'\'''
	on_node batch-v1-36-5-1 'sudo systemctl disable --now kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf delete node batch-v1-36-5-1 --ignore-not-found'
	on_node batch-v1-36-5-2 'sudo systemctl disable --now kubelet'
	on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf delete node batch-v1-36-5-2 --ignore-not-found'
	check 21 verification 'batch-v1-37-2-1 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-1 --timeout=0s'
	check 21 verification 'batch-v1-37-2-2 is Ready' '' on_node cp-1 'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready node/batch-v1-37-2-2 --timeout=0s'
	:
}

STEPS=21
TITLES=('' 'take the pre-upgrade backups (etcd snapshot, Velero backup)' 'control plane cp-1: upgrade to v1.36.5 (kubeadm upgrade apply)' 'control plane cp-2: upgrade to v1.36.5 (kubeadm upgrade node)' 'control plane cp-3: upgrade to v1.36.5 (kubeadm upgrade node)' 'pool general: upgrade general-1, general-2 in place to v1.36.5' 'pool general: upgrade general-3 in place to v1.36.5' 'pool batch: join 2 new nodes at v1.36.5 (surge)' 'pool batch: taint the 2 old nodes NoSchedule' 'pool batch: drain old node batch-1' 'pool batch: drain old node batch-2' 'pool batch: remove the 2 old nodes' 'control plane cp-1: upgrade to v1.37.2 (kubeadm upgrade apply)' 'control plane cp-2: upgrade to v1.37.2 (kubeadm upgrade node)' 'control plane cp-3: upgrade to v1.37.2 (kubeadm upgrade node)' 'pool general: upgrade general-1, general-2 in place to v1.37.2' 'pool general: upgrade general-3 in place to v1.37.2' 'pool batch: join 2 new nodes at v1.37.2 (surge)' 'pool batch: taint the 2 old nodes NoSchedule' 'pool batch: drain old node batch-v1-36-5-1' 'pool batch: drain old node batch-v1-36-5-2' 'pool batch: remove the 2 old nodes')

usage() {
	echo 'Usage: plan.sh [--list] [--from N | --only N]'
	echo '  --list     print the steps'
	echo '  --from N   start at step N (to resume: a step refuses to run unless its preconditions hold)'
	echo '  --only N   run step N alone'
	echo 'Environment: UPGRADE_SSH is the ssh command (default: ssh).'
}

list() {
	local i
	for ((i = 1; i <= STEPS; i++)); do
		printf '%4d  %s\n' "$i" "${TITLES[i]}"
	done
}

from=1
to=$STEPS
while [ $# -gt 0 ]; do
	case $1 in
	--list)
		list
		exit 0
		;;
	--from | --only)
		if [ $# -lt 2 ]; then
			echo "$1 needs a step number" >&2
			exit 2
		fi
		case $2 in
		'' | *[!0-9]*)
			echo "$1 needs a step number, got $2" >&2
			exit 2
			;;
		esac
		if [ "${#2}" -gt 9 ] || [ "$((10#$2))" -lt 1 ] || [ "$((10#$2))" -gt "$STEPS" ]; then
			echo "step $2 is not between 1 and $STEPS" >&2
			exit 2
		fi
		from=$((10#$2))
		if [ "$1" = --only ]; then
			to=$from
		fi
		shift 2
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "unknown argument: $1 (try --help)" >&2
		exit 2
		;;
	esac
done

if [ "$STEPS" -eq 0 ]; then
	echo "nothing to upgrade"
	exit 0
fi
for ((i = from; i <= to; i++)); do
	printf '==> step %d/%d: %s\n' "$i" "$STEPS" "${TITLES[i]}"
	"step_$i"
done
echo "upgrade plan complete"
