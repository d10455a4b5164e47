package aws_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

var (
	sources = aws.Sources
	modes   = []string{"isolated", "sandbox"}
)

// example loads examples/aws/prenv.yaml with the database source and
// routing mode a test asks for.
func example(t *testing.T, source, mode string) *stacks.Blueprint {
	t.Helper()
	bp, err := stacks.Load("../../examples/aws/prenv.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bp.Database.Source, bp.Routing.Mode = source, stacks.RoutingMode(mode)
	switch source {
	case "ebs-snapshot":
		bp.Database.Golden = "snap-0123456789abcdef0"
	case aws.SharedInstance:
		bp.Database.Golden = "shop_golden"
		bp.AWS.SharedInstance = "shop-shared.abcdefghijkl.eu-west-1.rds.amazonaws.com"
	}
	return bp
}

func prEnv(t *testing.T, bp *stacks.Blueprint, pr int) stacks.Env {
	t.Helper()
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: pr, Repo: "acme/shop", SHA: "0123abcd", Owner: "octocat",
		Now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// changedWeb is a PR that changes only the web service.
var changedWeb = aws.Target{Changed: []string{"examples/app/web/main.go"}, BaseSHA: "feedbeef", Salt: "s3cret-salt"}

func render(t *testing.T, source, mode string) (*aws.Rendering, stacks.Env) {
	t.Helper()
	bp := example(t, source, mode)
	env := prEnv(t, bp, 7)
	r, err := aws.Render(bp, env, changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	return r, env
}

func names(rs []aws.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

func TestProgramPerSourceAndMode(t *testing.T) {
	t.Parallel()
	for _, source := range sources {
		for _, mode := range modes {
			t.Run(source+"/"+mode, func(t *testing.T) {
				t.Parallel()
				r, env := render(t, source, mode)
				checkDatabase(t, r, env, source)
				checkServices(t, r, env, mode)
				checkTags(t, r, env)
				checkOutputs(t, r, env, source)
				checkPlugins(t, r)
				checkNamespaced(t, r, env)
			})
		}
	}
}

func checkDatabase(t *testing.T, r *aws.Rendering, env stacks.Env, source string) {
	t.Helper()
	want := map[string]int{
		"aws:rds/instance:Instance": 0, "aws:rds/cluster:Cluster": 0, "aws:rds/clusterInstance:ClusterInstance": 0,
		"aws:ec2/securityGroup:SecurityGroup": 1, "kubernetes:apps/v1:StatefulSet": 0,
		"kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot": 0, "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent": 0,
		"kubernetes:core/v1:PersistentVolumeClaim": 0, "random:index/randomPassword:RandomPassword": 2,
		"kubernetes:core/v1:Secret": 2, "kubernetes:batch/v1:Job": 1,
	}
	switch source {
	case "rds-snapshot":
		want["aws:rds/instance:Instance"] = 1
	case "aurora-clone":
		want["aws:rds/cluster:Cluster"], want["aws:rds/clusterInstance:ClusterInstance"] = 1, 1
	case "ebs-snapshot":
		want["aws:ec2/securityGroup:SecurityGroup"] = 0
		want["kubernetes:apps/v1:StatefulSet"], want["kubernetes:core/v1:PersistentVolumeClaim"] = 1, 1
		want["kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot"], want["kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent"] = 1, 1
		want["kubernetes:core/v1:Secret"] = 3 // and the postgres pod's password
	case aws.SharedInstance: // nothing per environment but the Job's database; the instance's password is the team's
		want["aws:ec2/securityGroup:SecurityGroup"], want["random:index/randomPassword:RandomPassword"] = 0, 1
	}
	for typ, n := range want {
		if got := len(r.Find(typ)); got != n {
			t.Errorf("%d %s, want %d", got, typ, n)
		}
	}
	switch source {
	case "rds-snapshot":
		in := r.Find("aws:rds/instance:Instance")[0].Inputs
		for k, v := range map[string]any{"identifierPrefix": env.RDSIdentifier + "-", "snapshotIdentifier": "shop-golden-2026-11-21",
			"instanceClass": "db.t4g.micro", "skipFinalSnapshot": true, "deletionProtection": false, "dbSubnetGroupName": "shop-baseline", "password": aws.Masked} {
			if in[k] != v {
				t.Errorf("rds instance %s = %v, want %v", k, in[k], v)
			}
		}
	case "aurora-clone":
		in := r.Find("aws:rds/cluster:Cluster")[0].Inputs
		restore, _ := in["restoreToPointInTime"].(map[string]any)
		if restore["restoreType"] != "copy-on-write" || restore["sourceClusterIdentifier"] != "shop-golden-2026-11-21" {
			t.Errorf("aurora restoreToPointInTime = %v, want a copy-on-write clone of shop-golden-2026-11-21", restore)
		}
		if in["clusterIdentifierPrefix"] != env.RDSIdentifier+"-" {
			t.Errorf("cluster identifier prefix %v, want %s-", in["clusterIdentifierPrefix"], env.RDSIdentifier)
		}
		if class := r.Find("aws:rds/clusterInstance:ClusterInstance")[0].Inputs["instanceClass"]; class != "db.t4g.medium" {
			t.Errorf("aurora instance class %v, want db.t4g.medium, the smallest aurora-postgresql offers", class)
		}
	case "ebs-snapshot":
		content := r.Find("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent")[0].Inputs
		spec := content["spec"].(map[string]any)
		if spec["deletionPolicy"] != "Retain" || spec["source"].(map[string]any)["snapshotHandle"] != "snap-0123456789abcdef0" {
			t.Errorf("VolumeSnapshotContent spec = %v, want the golden snapshot, retained", spec)
		}
		pvc := r.Find("kubernetes:core/v1:PersistentVolumeClaim")[0].Inputs["spec"].(map[string]any)
		snapshot := r.Find("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot")[0].Inputs["metadata"].(map[string]any)["name"]
		if ds := pvc["dataSource"].(map[string]any); ds["kind"] != "VolumeSnapshot" || ds["name"] != snapshot {
			t.Errorf("PVC dataSource = %v, want the VolumeSnapshot %v", ds, snapshot)
		}
	}
	for _, s := range r.Find("kubernetes:core/v1:Secret") {
		for k, v := range s.Inputs["stringData"].(map[string]any) {
			if v != aws.Masked {
				t.Errorf("secret %s key %s = %v, want it masked as a secret", s.Name, k, v)
			}
		}
	}
	job := r.Find("kubernetes:batch/v1:Job")[0]
	pod := job.Inputs["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	args := pod["containers"].([]any)[0].(map[string]any)["args"]
	if got := compactArgs(args); got != "anonymize --blueprint prenv.yaml --migrate --scope migrations --base feedbeef --head 0123abcd" {
		t.Errorf("anonymize job args = %s, want the PR's migrations applied, then their scope anonymised", got)
	}
	if img := pod["containers"].([]any)[0].(map[string]any)["image"]; !strings.HasSuffix(img.(string), "/shop/prenv:0123abcd") {
		t.Errorf("anonymize image %v, want the anonymizer image at the PR's SHA", img)
	}
}

func compactArgs(v any) string {
	var parts []string
	for _, a := range v.([]any) {
		parts = append(parts, a.(string))
	}
	return strings.Join(parts, " ")
}

func checkServices(t *testing.T, r *aws.Rendering, env stacks.Env, mode string) {
	t.Helper()
	deployments := r.Find("kubernetes:apps/v1:Deployment")
	for _, d := range deployments {
		c := d.Inputs["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
		if !slices.ContainsFunc(c["env"].([]any), func(v any) bool {
			e := v.(map[string]any)
			return e["name"] == "PGUSER" && e["value"] == env.Role
		}) {
			t.Errorf("deployment %s env %v, want PGUSER %s", d.Name, c["env"], env.Role)
		}
	}
	want := []string{"orders", "users", "web"}
	if mode == "sandbox" {
		want = []string{"web"}
	}
	if got := names(deployments); !slices.Equal(got, want) {
		t.Errorf("deployments %v, want %v", got, want)
	}
	job := r.Find("kubernetes:batch/v1:Job")[0]
	for _, d := range deployments {
		if !slices.Contains(d.Dependencies, job.URN) {
			t.Errorf("deployment %s does not wait for the anonymisation job (depends on %v)", d.Name, d.Dependencies)
		}
		c := d.Inputs["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
		if !strings.HasSuffix(c["image"].(string), ":"+env.SHA) {
			t.Errorf("deployment %s image %v, want it tagged with the PR's SHA", d.Name, c["image"])
		}
		res := c["resources"].(map[string]any)
		if res["requests"] == nil || res["limits"] == nil {
			t.Errorf("deployment %s has no requests or limits: %v", d.Name, res)
		}
		if path := c["readinessProbe"].(map[string]any)["httpGet"].(map[string]any)["path"]; path != "/healthz" {
			t.Errorf("deployment %s readiness on %v, want /healthz", d.Name, path)
		}
	}
	var external []string
	for _, s := range r.Find("kubernetes:core/v1:Service") {
		if spec := s.Inputs["spec"].(map[string]any); spec["type"] == "ExternalName" {
			external = append(external, spec["externalName"].(string))
		}
	}
	wantExternal := []string{"payments.baseline.svc.cluster.local"}
	if mode == "sandbox" {
		wantExternal = nil
	}
	if !slices.Equal(external, wantExternal) {
		t.Errorf("ExternalName services %v, want %v", external, wantExternal)
	}
	if got := len(r.Find("kubernetes:keda.sh/v1alpha1:ScaledObject")); got != len(want) {
		t.Errorf("%d ScaledObjects, want one per running service (%d)", got, len(want))
	}
	vs := r.Find("kubernetes:networking.istio.io/v1:VirtualService")
	if len(vs) != 1 {
		t.Fatalf("%d VirtualServices, want the per-PR host", len(vs))
	}
	http := vs[0].Inputs["spec"].(map[string]any)["http"].([]any)[0].(map[string]any)
	set := http["headers"].(map[string]any)["request"].(map[string]any)["set"].(map[string]any)
	if set["x-prenv-route"] != env.Name {
		t.Errorf("host VirtualService sets %v, want x-prenv-route: %s", set, env.Name)
	}
	dest := http["route"].([]any)[0].(map[string]any)["destination"].(map[string]any)["host"]
	if dest != "web.pr-7.svc.cluster.local" {
		t.Errorf("host routes to %v, want the PR's web", dest)
	}
	rec := r.Find("aws:route53/record:Record")
	if len(rec) != 1 || rec[0].Inputs["name"] != "pr-7.preview.example.com" || rec[0].Inputs["ttl"] != int64(60) || rec[0].Inputs["type"] != "CNAME" {
		t.Errorf("route53 records %v, want pr-7.preview.example.com CNAME with TTL 60", rec)
	}
}

// checkTags: every AWS resource carries the owner and TTL tags; Route53
// records cannot carry tags.
func checkTags(t *testing.T, r *aws.Rendering, env stacks.Env) {
	t.Helper()
	want := map[string]any{"prenv:repo": "acme/shop", "prenv:pr": "7", "prenv:expires-at": env.ExpiresAt.Format(time.RFC3339), "managed-by": "prenv"}
	for _, res := range r.Resources {
		if !res.IsAWS() || res.Type == "aws:route53/record:Record" {
			continue
		}
		tags, _ := res.Inputs["tags"].(map[string]any)
		for k, v := range want {
			if tags[k] != v {
				t.Errorf("%s %s tag %s = %v, want %v", res.Type, res.Name, k, tags[k], v)
			}
		}
	}
}

func checkOutputs(t *testing.T, r *aws.Rendering, env stacks.Env, source string) {
	t.Helper()
	endpoint := map[string]string{
		"rds-snapshot":     env.RDSIdentifier + ".rendered.eu-west-1.rds.amazonaws.com",
		"aurora-clone":     env.RDSIdentifier + ".cluster-rendered.eu-west-1.rds.amazonaws.com",
		"ebs-snapshot":     "postgres.pr-7.svc.cluster.local",
		aws.SharedInstance: "shop-shared.abcdefghijkl.eu-west-1.rds.amazonaws.com",
	}[source]
	for k, v := range map[string]any{"url": "https://pr-7.preview.example.com", "namespace": "pr-7",
		"databaseEndpoint": endpoint, "expiresAt": "2026-11-24T10:00:00Z"} {
		if r.Outputs[k] != v {
			t.Errorf("output %s = %v, want %v", k, r.Outputs[k], v)
		}
	}
}

func checkPlugins(t *testing.T, r *aws.Rendering) {
	t.Helper()
	for _, res := range r.Resources {
		if !res.IsProvider() && !strings.HasPrefix(res.Type, "random:") {
			continue // explicit providers carry the version of the others
		}
		for _, p := range aws.Plugins {
			if (strings.HasPrefix(res.Type, p.Name+":") || res.Type == "pulumi:providers:"+p.Name) && res.Version != p.Version {
				t.Errorf("%s %s asks for plugin version %q, want %s", res.Type, res.Name, res.Version, p.Version)
			}
		}
	}
	for _, typ := range []string{"pulumi:providers:aws", "pulumi:providers:kubernetes"} {
		if got := r.Find(typ); len(got) != 1 {
			t.Errorf("%d %s providers, want one explicit provider", len(got), typ)
		}
	}
}

// checkNamespaced: every namespaced object is in the PR's namespace,
// carries the owner labels and waits for the namespace.
func checkNamespaced(t *testing.T, r *aws.Rendering, env stacks.Env) {
	t.Helper()
	ns := r.Find("kubernetes:core/v1:Namespace")
	if len(ns) != 1 {
		t.Fatalf("%d namespaces, want 1", len(ns))
	}
	meta := ns[0].Inputs["metadata"].(map[string]any)
	lbl := meta["labels"].(map[string]any)
	if meta["name"] != env.Namespace || lbl["istio-injection"] != "enabled" || lbl[aws.LabelProject] != "shop" || lbl[aws.LabelPR] != "7" {
		t.Errorf("namespace metadata %v, want %s with owner labels and istio injection", meta, env.Namespace)
	}
	if meta["annotations"].(map[string]any)[aws.AnnotationExpiresAt] != "2026-11-24T10:00:00Z" {
		t.Errorf("namespace annotations %v, want prenv.dev/expires-at", meta["annotations"])
	}
	for _, res := range r.Resources {
		if !res.IsKubernetes() || res.IsProvider() || res.Type == "kubernetes:core/v1:Namespace" || strings.HasSuffix(res.Type, ":VolumeSnapshotContent") || isAccess(res.Type) {
			continue
		}
		m := res.Inputs["metadata"].(map[string]any)
		if m["namespace"] != env.Namespace {
			t.Errorf("%s %s in namespace %v, want %s", res.Type, res.Name, m["namespace"], env.Namespace)
		}
		if !slices.Contains(res.Dependencies, ns[0].URN) {
			t.Errorf("%s %s does not depend on the namespace", res.Type, res.Name)
		}
	}
	var policies []string
	for _, p := range r.Find("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		policies = append(policies, p.Name)
	}
	if !slices.Contains(policies, aws.DefaultDenyPolicy) {
		t.Errorf("network policies %v, want %s", policies, aws.DefaultDenyPolicy)
	}
}

// TestResourceListMatchesModule compares the program's resource types over
// every source and mode (and the HTTP add-on) with modules.AWSResources, which modules/aws
// declares, so the two engines build the same environment.
func TestResourceListMatchesModule(t *testing.T) {
	t.Parallel()
	got := map[string]bool{}
	for _, c := range parityCases(t) {
		r, err := aws.Render(c.bp, c.env, c.target)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range r.Resources {
			if !res.IsProvider() {
				got[res.Type] = true
			}
		}
	}
	want := map[string]bool{}
	for _, res := range modules.AWSResources {
		if res.Pulumi != "" {
			want[res.Pulumi] = true
		}
	}
	if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
		t.Errorf("the program creates\n  %s\nmodules.AWSResources lists\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
}

// TestRenderingPassesPolicy: what the program creates breaks none of
// prenv's rules (the Aurora default instance class included, which the
// allow-list once refused), and an unlisted snapshot stops it.
func TestRenderingPassesPolicy(t *testing.T) {
	t.Parallel()
	for _, source := range sources {
		t.Run(source, func(t *testing.T) {
			t.Parallel()
			bp := example(t, source, "isolated")
			r, err := aws.Render(bp, prEnv(t, bp, 7), changedWeb)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Violations(t.Context(), bp)
			if err != nil || len(got) != 0 {
				t.Errorf("violations %v (%v), want none", got, err)
			}
			if source == aws.SharedInstance {
				return // a template database, not a snapshot: nothing is restored
			}
			bp.Policy.AllowedSnapshots = []string{"something-else"}
			got, _ = r.Violations(t.Context(), bp)
			if len(got) != 1 || got[0].Rule != "allowed-snapshots" {
				t.Errorf("violations %v, want the snapshot refused", got)
			}
		})
	}
}

// TestBaseline: the baseline runs in its own namespace every service that
// has an image, borrows nothing, sets no routing key and anonymises every
// ruled table.
func TestBaseline(t *testing.T) {
	t.Parallel()
	bp := example(t, "rds-snapshot", "sandbox")
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: stacks.BaselineName, Repo: "acme/shop", SHA: "beef"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := aws.Render(bp, env, changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(r.Find("kubernetes:apps/v1:Deployment")); !slices.Equal(got, []string{"orders", "users", "web"}) {
		t.Errorf("baseline deployments %v, want every service with an image", got)
	}
	for _, m := range r.Manifests() {
		if ns, _ := m["metadata"].(map[string]any)["namespace"].(string); ns != "" && ns != "baseline" && !isAccess("kubernetes:security.istio.io/v1:"+m["kind"].(string)) {
			t.Errorf("%v %v in namespace %s, want baseline", m["kind"], m["metadata"], ns)
		}
		if spec, _ := m["spec"].(map[string]any); m["kind"] == "Service" && spec["type"] == "ExternalName" {
			t.Errorf("the baseline borrows %v", spec)
		}
	}
	http := r.Find("kubernetes:networking.istio.io/v1:VirtualService")[0].Inputs["spec"].(map[string]any)["http"].([]any)[0].(map[string]any)
	if _, ok := http["headers"]; ok {
		t.Errorf("the baseline's host sets a routing key: %v", http)
	}
	job := r.Find("kubernetes:batch/v1:Job")[0].Inputs["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	if got := compactArgs(job["containers"].([]any)[0].(map[string]any)["args"]); got != "anonymize --blueprint prenv.yaml --migrate --scope all" {
		t.Errorf("baseline anonymize args %q, want every ruled table", got)
	}
	if r.Outputs["url"] != "https://baseline.preview.example.com" {
		t.Errorf("baseline url %v", r.Outputs["url"])
	}
}

// TestStatelessApplication: a blueprint without a database section gets no
// database: none of the database's AWS or Kubernetes resources, services
// that read no database Secret and wait for no Job, no database egress and
// no databaseEndpoint output; and the policy still passes it.
func TestStatelessApplication(t *testing.T) {
	t.Parallel()
	section := "database:\n  source: rds-snapshot\n  golden: golden-1\n  anonymize:\n    rules:\n      users.email: {transformer: email}\n"
	if !strings.Contains(awsBlueprint, section) {
		t.Fatal("awsBlueprint's database section changed: update this test")
	}
	bp, err := stacks.Parse("prenv.yaml", []byte(strings.Replace(awsBlueprint, section, "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	env := prEnv(t, bp, 7)
	r, err := aws.Render(bp, env, aws.Target{})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{
		"aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance", "aws:ec2/securityGroup:SecurityGroup",
		"kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot", "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent",
		"kubernetes:core/v1:PersistentVolumeClaim", "kubernetes:apps/v1:StatefulSet", "random:index/randomPassword:RandomPassword",
		"kubernetes:core/v1:Secret", "kubernetes:batch/v1:Job",
	} {
		if got := r.Find(typ); len(got) != 0 {
			t.Errorf("%d %s (%v), want none without a database", len(got), typ, names(got))
		}
	}
	deployments := r.Find("kubernetes:apps/v1:Deployment")
	if got := names(deployments); !slices.Equal(got, []string{"web"}) {
		t.Fatalf("deployments %v, want web", got)
	}
	c := deployments[0].Inputs["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	if from, ok := c["envFrom"]; ok {
		t.Errorf("web reads %v, want no database Secret", from)
	}
	for _, v := range c["env"].([]any) {
		if name := v.(map[string]any)["name"].(string); strings.HasPrefix(name, "PG") || name == "DATABASE_URL" {
			t.Errorf("web has %s, want no database variable", name)
		}
	}
	for _, p := range r.Find("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		if strings.Contains(fmt.Sprint(p.Inputs), "5432") {
			t.Errorf("network policy %s allows the database port: %v", p.Name, p.Inputs)
		}
	}
	if v, ok := r.Outputs["databaseEndpoint"]; ok {
		t.Errorf("output databaseEndpoint = %v, want none", v)
	}
	if r.Outputs["url"] != "https://pr-7.preview.example.com" || r.Outputs["namespace"] != "pr-7" {
		t.Errorf("outputs %v, want the url and namespace", r.Outputs)
	}
	if got, err := r.Violations(t.Context(), bp); err != nil || len(got) != 0 {
		t.Errorf("violations %v (%v), want none", got, err)
	}
}
