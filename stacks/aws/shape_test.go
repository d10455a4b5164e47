package aws_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// The tests in this file each catch one way the program failed, or would
// have misbehaved, in a real account and cluster (issue 15).

// spec returns m's spec, or of a Pulumi resource's inputs.
func spec(m map[string]any) map[string]any { return m["spec"].(map[string]any) }

func podSpec(m map[string]any) map[string]any {
	return spec(m)["template"].(map[string]any)["spec"].(map[string]any)
}

func containerNames(cs any) []string {
	var out []string
	for _, c := range asList(cs) {
		out = append(out, c.(map[string]any)["name"].(string))
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func parseAWS(t *testing.T, replace ...string) (*stacks.Blueprint, error) {
	t.Helper()
	src := awsBlueprint
	for i := 0; i < len(replace); i += 2 {
		if !strings.Contains(src, replace[i]) {
			t.Fatalf("the blueprint has no %q", replace[i])
		}
		src = strings.Replace(src, replace[i], replace[i+1], 1)
	}
	return stacks.Parse("prenv.yaml", []byte(src))
}

// TestAuroraInstanceClass: aurora-postgresql offers no micro or small
// class, so aurora-clone defaults to db.t4g.medium, the default allow-list
// admits it, and a micro class is refused before AWS refuses it.
func TestAuroraInstanceClass(t *testing.T) {
	t.Parallel()
	bp, err := parseAWS(t, "source: rds-snapshot", "source: aurora-clone")
	if err != nil {
		t.Fatal(err)
	}
	if got := bp.DatabaseInstanceClass(); got != "db.t4g.medium" {
		t.Errorf("aurora-clone's default class %s, want db.t4g.medium", got)
	}
	if got := bp.AllowedInstanceClasses(); !slices.Contains(got, "db.t4g.medium") || slices.Contains(got, "db.t4g.micro") {
		t.Errorf("aurora-clone's default allow-list %v, want the medium classes", got)
	}
	_, err = parseAWS(t, "source: rds-snapshot", "source: aurora-clone", "  subnet-group: baseline\n", "  subnet-group: baseline\n  instance-class: db.t4g.micro\n")
	if err == nil || !strings.Contains(err.Error(), "aws.instance-class: db.t4g.micro is not offered for aurora-postgresql") {
		t.Errorf("aurora-clone with db.t4g.micro: %v, want it refused naming aws.instance-class", err)
	}
	// A source chosen after loading (prenv render --database-source) gets its own default.
	rds, err := parseAWS(t)
	if err != nil {
		t.Fatal(err)
	}
	rds.Database.Source = "aurora-clone"
	if got := rds.DatabaseInstanceClass(); got != "db.t4g.medium" {
		t.Errorf("source switched to aurora-clone: class %s, want db.t4g.medium", got)
	}
}

// TestNewAWSFieldChecks: each new field's bad value is one line naming it.
func TestNewAWSFieldChecks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		replace []string
		want    string
	}{
		{"database CIDRs required", []string{"  database-cidrs: [10.1.0.0/24]\n", ""}, "aws.database-cidrs: is required on the aws target"},
		{"database CIDR malformed", []string{"[10.1.0.0/24]", "[10.1.0.0]"}, `aws.database-cidrs[0]: "10.1.0.0" is not a CIDR`},
		{"shared instance host", []string{"source: rds-snapshot", "source: shared-instance"}, "aws.shared-instance: is required on the aws target"},
		{"interceptor", []string{"  subnet-group: baseline\n", "  subnet-group: baseline\n  http-interceptor: keda-proxy\n"}, `aws.http-interceptor: "keda-proxy" is not namespace/service:port`},
		{"istio revision", []string{"  subnet-group: baseline\n", "  subnet-group: baseline\n  istio-revision: 1/22\n"}, `aws.istio-revision: "1/22" is not a label value`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseAWS(t, c.replace...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse: %v, want %q", err, c.want)
			}
		})
	}
}

// TestGoldenRotationIsReplacementSafe: rotating the golden forces new
// databases, which Pulumi creates before deleting the old ones; so no
// fixed RDS identifier or security group name may clash, and the EBS
// path's immutable snapshot objects are named after the snapshot, so a
// rotation makes new ones instead of an update the API refuses.
func TestGoldenRotationIsReplacementSafe(t *testing.T) {
	t.Parallel()
	for _, source := range []string{"rds-snapshot", "aurora-clone"} {
		r, _ := render(t, source, "isolated")
		for _, res := range r.Resources {
			if !res.IsAWS() || res.Type == "aws:route53/record:Record" {
				continue
			}
			for _, fixed := range []string{"identifier", "clusterIdentifier", "name"} {
				// A cluster instance's clusterIdentifier is its cluster's ID, not a name of its own.
				if v, ok := res.Inputs[fixed]; ok && !(fixed == "clusterIdentifier" && res.Type == "aws:rds/clusterInstance:ClusterInstance") {
					t.Errorf("%s %s has the fixed %s %v: a replacement would clash with it", res.Type, res.Name, fixed, v)
				}
			}
			prefix, _ := res.Inputs["identifierPrefix"].(string)
			for _, k := range []string{"clusterIdentifierPrefix", "namePrefix"} {
				if p, ok := res.Inputs[k].(string); ok {
					prefix = p
				}
			}
			if res.Type != "aws:ec2/securityGroup:SecurityGroup" && (prefix == "" || len(prefix) > 37 || !strings.HasSuffix(prefix, "-")) {
				t.Errorf("%s %s name prefix %q, want one of at most 37 characters ending in '-'", res.Type, res.Name, prefix)
			}
		}
	}
	names := func(golden string) map[string]string {
		bp := example(t, "ebs-snapshot", "isolated")
		bp.Database.Golden = golden
		r, err := aws.Render(bp, prEnv(t, bp, 7), changedWeb)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, m := range r.Manifests() {
			out[m["kind"].(string)] = m["metadata"].(map[string]any)["name"].(string)
			switch m["kind"] {
			case "VolumeSnapshotContent":
				out["ref"] = spec(m)["volumeSnapshotRef"].(map[string]any)["name"].(string)
			case "StatefulSet":
				vol := asList(podSpec(m)["volumes"])[0].(map[string]any)
				out["claim"] = vol["persistentVolumeClaim"].(map[string]any)["claimName"].(string)
			}
		}
		return out
	}
	before, after := names("snap-0123456789abcdef0"), names("snap-0fedcba987654321f")
	for _, kind := range []string{"VolumeSnapshotContent", "VolumeSnapshot", "PersistentVolumeClaim"} {
		if before[kind] == after[kind] {
			t.Errorf("%s keeps its name %s across a golden rotation: its immutable source cannot change", kind, before[kind])
		}
	}
	for _, n := range []map[string]string{before, after} {
		if n["ref"] != n["VolumeSnapshot"] || n["claim"] != n["PersistentVolumeClaim"] {
			t.Errorf("names do not bind: content → %s, snapshot %s; statefulset → %s, claim %s", n["ref"], n["VolumeSnapshot"], n["claim"], n["PersistentVolumeClaim"])
		}
	}
	// The longest project and PR still leave room for the unique suffix.
	bp := example(t, "rds-snapshot", "isolated")
	bp.Project = strings.Repeat("p", 30)
	r, err := aws.Render(bp, prEnv(t, bp, 99999), changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Find("aws:rds/instance:Instance")[0].Inputs["identifierPrefix"].(string); len(p) > 37 || !strings.HasSuffix(p, "-") || strings.HasSuffix(p, "--") {
		t.Errorf("identifier prefix %q of a long project: want at most 37 characters ending in one '-'", p)
	}
}

// TestJobMigratesBeforeAnonymising: the Job creates the role, applies the
// PR's migrations, then anonymises what they touched; a failed Job is
// replaced on the next up; and the blueprint's own migrate command runs
// before an anonymisation of every table.
func TestJobMigratesBeforeAnonymising(t *testing.T) {
	t.Parallel()
	job := func(bp *stacks.Blueprint) map[string]any {
		r, err := aws.Render(bp, prEnv(t, bp, 7), changedWeb)
		if err != nil {
			t.Fatal(err)
		}
		return first(t, r.Manifests(), "Job")
	}
	bp := example(t, "rds-snapshot", "isolated")
	j := job(bp)
	if got := j["metadata"].(map[string]any)["annotations"].(map[string]any)[aws.AnnotationReplaceUnready]; got != "true" {
		t.Errorf("job annotation %s = %v, want true: a failed Job must be retried on a rerun", aws.AnnotationReplaceUnready, got)
	}
	pod := podSpec(j)
	if got := containerNames(pod["initContainers"]); !slices.Equal(got, []string{"role"}) {
		t.Errorf("init containers %v, want the role first", got)
	}
	args := compactArgs(asList(pod["containers"])[0].(map[string]any)["args"])
	if !strings.Contains(args, "--migrate --scope migrations") {
		t.Errorf("anonymize args %q, want the migrations applied before their scope is anonymised", args)
	}
	if pod["automountServiceAccountToken"] != false {
		t.Errorf("the Job mounts an API token: %v", pod["automountServiceAccountToken"])
	}
	bp.Database.Migrate = "make migrate"
	pod = podSpec(job(bp))
	if got := containerNames(pod["initContainers"]); !slices.Equal(got, []string{"role", "migrate"}) {
		t.Fatalf("init containers %v, want role, then the blueprint's migrate command", got)
	}
	migrate := asList(pod["initContainers"])[1].(map[string]any)
	if got := compactArgs(migrate["command"]); got != "sh -c make migrate" {
		t.Errorf("migrate command %q, want the blueprint's", got)
	}
	if args := compactArgs(asList(pod["containers"])[0].(map[string]any)["args"]); strings.Contains(args, "--migrate") || !strings.HasSuffix(args, "--scope all") {
		t.Errorf("anonymize args %q after a migrate command, want every ruled table and no second migration", args)
	}
}

// TestIstioRevision: a revision-based Istio install injects only
// namespaces labelled istio.io/rev, which istio-injection=enabled would
// override.
func TestIstioRevision(t *testing.T) {
	t.Parallel()
	bp := example(t, "rds-snapshot", "isolated")
	bp.AWS.IstioRevision = "1-22"
	r, err := aws.Render(bp, prEnv(t, bp, 7), changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	lbl := first(t, r.Manifests(), "Namespace")["metadata"].(map[string]any)["labels"].(map[string]any)
	if lbl[aws.LabelIstioRevision] != "1-22" || lbl[aws.LabelIstioInjection] != nil {
		t.Errorf("namespace labels %v, want istio.io/rev=1-22 and no istio-injection", lbl)
	}
}

// TestExternalNameServicesHavePorts: Istio routes an ExternalName
// Service's traffic by its port.
func TestExternalNameServicesHavePorts(t *testing.T) {
	t.Parallel()
	r, _ := render(t, "rds-snapshot", "isolated")
	n := 0
	for _, m := range r.Manifests() {
		if m["kind"] != "Service" || spec(m)["type"] != "ExternalName" {
			continue
		}
		n++
		ports := asList(spec(m)["ports"])
		if len(ports) != 1 || ports[0].(map[string]any)["port"] != int64(8080) {
			t.Errorf("ExternalName service %v ports %v, want the service's port 8080", m["metadata"], ports)
		}
	}
	if n == 0 {
		t.Fatal("no ExternalName service rendered")
	}
}

// TestEBSPostgresStartsOnTheRestoredVolume: fsGroup leaves the volume's
// root group-writable (2770), which PostgreSQL refuses as a data
// directory. So PGDATA is a directory below the mount, and the init
// container that resets the password runs ResetScript, which restores
// 0700 before postgres --single (TestResetScriptRestoresDataDirMode runs
// that script on a real PostgreSQL).
func TestEBSPostgresStartsOnTheRestoredVolume(t *testing.T) {
	t.Parallel()
	r, _ := render(t, "ebs-snapshot", "isolated")
	pod := podSpec(first(t, r.Manifests(), "StatefulSet"))
	inits, containers := asList(pod["initContainers"]), asList(pod["containers"])
	if len(inits) != 1 || fmt.Sprint(inits[0].(map[string]any)["command"]) != fmt.Sprint([]any{"sh", "-c", aws.ResetScript}) {
		t.Fatalf("the StatefulSet's init containers %v, want one running sh -c ResetScript", inits)
	}
	for _, c := range append(inits, containers...) {
		c := c.(map[string]any)
		var mount, pgdata string
		for _, m := range asList(c["volumeMounts"]) {
			if m := m.(map[string]any); m["name"] == "data" {
				mount = m["mountPath"].(string)
			}
		}
		for _, e := range asList(c["env"]) {
			if e := e.(map[string]any); e["name"] == "PGDATA" {
				pgdata, _ = e["value"].(string)
			}
		}
		if mount == "" || !strings.HasPrefix(pgdata, strings.TrimSuffix(mount, "/")+"/") {
			t.Errorf("container %v: PGDATA %q is not a directory below the data volume's mount %q", c["name"], pgdata, mount)
		}
	}
}

// TestSetupSecretsAreTheSetups: what only the database's setup reads (the
// superuser's connection, the salt, the ebs pod's password) is in Secrets
// labelled for deletion after up, whose names change with what their
// readers' runs depend on; no service references them, and none mounts an
// API token.
func TestSetupSecretsAreTheSetups(t *testing.T) {
	t.Parallel()
	for _, source := range sources {
		r, _ := render(t, source, "isolated")
		var setup []string
		for _, m := range r.Manifests() {
			meta := m["metadata"].(map[string]any)
			switch m["kind"] {
			case "Secret":
				labels, _ := meta["labels"].(map[string]any)
				name := meta["name"].(string)
				data := fmt.Sprint(m["stringData"])
				if labels[aws.LabelSetup] == "true" {
					setup = append(setup, name)
				} else if strings.Contains(data, "PRENV_DATABASE_URL") || strings.Contains(data, "PGADMINPASSWORD") || strings.Contains(data, "PRENV_ANONYMIZE_SALT") {
					t.Errorf("%s: Secret %s holds the setup's credentials but is not labelled %s=true: %s", source, name, aws.LabelSetup, data)
				}
			case "Deployment":
				pod := podSpec(m)
				if pod["automountServiceAccountToken"] != false {
					t.Errorf("%s: deployment %v mounts an API token", source, meta["name"])
				}
				if text := fmt.Sprint(pod); strings.Contains(text, aws.SetupSecretPrefix) || strings.Contains(text, aws.AdminSecretPrefix) {
					t.Errorf("%s: deployment %v references a setup Secret: %s", source, meta["name"], text)
				}
			}
		}
		want := 1
		if source == "ebs-snapshot" {
			want = 2 // and the postgres pod's password
		}
		if len(setup) != want {
			t.Errorf("%s: setup Secrets %v, want %d", source, setup, want)
		}
	}
}

// TestSetupSecretFollowsTheJob: a run that runs the Job again (another
// commit, or another golden) has a new setup Secret, made before the Job;
// the same inputs give the same name, so a rerun changes nothing.
func TestSetupSecretFollowsTheJob(t *testing.T) {
	t.Parallel()
	names := func(bp *stacks.Blueprint, sha string) []string {
		t.Helper()
		env := prEnv(t, bp, 7)
		env.SHA = sha
		r, err := aws.Render(bp, env, changedWeb)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range r.Manifests() {
			if name := m["metadata"].(map[string]any)["name"].(string); m["kind"] == "Secret" && strings.HasPrefix(name, "database-") && name != aws.DatabaseSecret {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	bp := example(t, "ebs-snapshot", "isolated")
	first := names(bp, "1111111")
	if again := names(bp, "1111111"); !slices.Equal(first, again) {
		t.Errorf("the same inputs name the setup Secrets %v, then %v", first, again)
	}
	next := names(bp, "2222222")
	if next[0] != first[0] || next[1] == first[1] {
		t.Errorf("another commit: %v, then %v; want the Job's Secret renamed, the postgres pod's kept", first, next)
	}
	bp.Database.Golden = "snap-0fedcba9876543210"
	if rotated := names(bp, "1111111"); rotated[0] == first[0] || rotated[1] == first[1] {
		t.Errorf("another golden: %v, then %v; want both renamed", first, rotated)
	}
}

// TestSetupRevisionFollowsTheJob: the setup Secret's name covers the
// Job's pod template through its inputs and SetupRevision, which stands
// for the template's shape in the code. The template, its setup Secret's
// name left out, is recorded here with the revision: a change to its shape
// fails until SetupRevision is bumped and the digest recorded again. A
// replaced Job whose Secret kept its name would find it deleted.
func TestSetupRevisionFollowsTheJob(t *testing.T) {
	t.Parallel()
	const revision, recorded = 1, "1215ba640ceddd7f"
	bp := example(t, "rds-snapshot", "isolated")
	env := prEnv(t, bp, 7)
	env.SHA = "0123abcd"
	r, err := aws.Render(bp, env, changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	var setup string
	for _, m := range r.Manifests() {
		if name := m["metadata"].(map[string]any)["name"].(string); m["kind"] == "Secret" && strings.HasPrefix(name, aws.SetupSecretPrefix) {
			setup = name
		}
	}
	job := first(t, r.Manifests(), "Job")
	data, err := json.Marshal(spec(job)["template"])
	if err != nil || setup == "" {
		t.Fatalf("the Job's template (%v) or its setup Secret (%q) is missing", err, setup)
	}
	sum := sha256.Sum256([]byte(strings.ReplaceAll(string(data), setup, "SETUP")))
	if got := hex.EncodeToString(sum[:8]); aws.SetupRevision != revision || got != recorded {
		t.Errorf("the Job's pod template is %s at SetupRevision %d; recorded %s at %d: if its shape changed, bump aws.SetupRevision and record both here", got, aws.SetupRevision, recorded, revision)
	}
}

// TestScaleToZeroWithoutTheHTTPAddOn: a Prometheus trigger cannot hold
// a request while a pod starts, so without the HTTP add-on KEDA keeps one
// replica; a new environment is never scaled down at once; and the
// baseline, which every PR borrows from, is never scaled.
func TestScaleToZeroWithoutTheHTTPAddOn(t *testing.T) {
	t.Parallel()
	r, _ := render(t, "rds-snapshot", "isolated")
	for _, m := range r.Manifests() {
		switch m["kind"] {
		case "ScaledObject":
			s := spec(m)
			if s["minReplicaCount"] != int64(1) || s["initialCooldownPeriod"] != int64(aws.InitialCooldown) {
				t.Errorf("ScaledObject %v: min %v, initialCooldownPeriod %v; want 1 and %d", m["metadata"], s["minReplicaCount"], s["initialCooldownPeriod"], aws.InitialCooldown)
			}
		case "HTTPScaledObject":
			t.Errorf("an HTTPScaledObject without aws.http-interceptor: %v", m["metadata"])
		case "Deployment":
			if _, ok := spec(m)["replicas"]; ok {
				t.Errorf("deployment %v sets replicas, which KEDA owns", m["metadata"])
			}
		}
	}
	bp := example(t, "rds-snapshot", "isolated")
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: stacks.BaselineName, Repo: "acme/shop", SHA: "beef"})
	if err != nil {
		t.Fatal(err)
	}
	base, err := aws.Render(bp, env, changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(base.Find("kubernetes:keda.sh/v1alpha1:ScaledObject")); got != 0 {
		t.Errorf("%d ScaledObjects in the baseline, want none", got)
	}
	for _, d := range base.Find("kubernetes:apps/v1:Deployment") {
		if spec(d.Inputs)["replicas"] != int64(1) {
			t.Errorf("baseline deployment %s replicas %v, want 1", d.Name, spec(d.Inputs)["replicas"])
		}
	}
}

// interceptorBlueprint scales to zero through the KEDA HTTP add-on.
func interceptorBlueprint(t *testing.T, mode string) *stacks.Blueprint {
	t.Helper()
	bp := example(t, "rds-snapshot", mode)
	bp.AWS.HTTPInterceptor = "keda/keda-add-ons-http-interceptor-proxy:8080"
	return bp
}

// TestScaleToZeroThroughTheHTTPAddOn: with the add-on each service gets an
// HTTPScaledObject (to zero, after the initial cooldown), and every way
// in (the gateway's host, the namespace's own calls, the routes stack's
// sandbox routes) goes through the interceptor, which holds the request
// while a pod starts.
func TestScaleToZeroThroughTheHTTPAddOn(t *testing.T) {
	t.Parallel()
	const interceptor = "keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local"
	bp := interceptorBlueprint(t, "isolated")
	r, err := aws.Render(bp, prEnv(t, bp, 7), changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	scaled := map[string]map[string]any{}
	for _, m := range r.Manifests() {
		if m["kind"] == "HTTPScaledObject" {
			scaled[m["metadata"].(map[string]any)["name"].(string)] = spec(m)
		}
		if m["kind"] == "ScaledObject" {
			t.Errorf("a Prometheus ScaledObject beside the HTTP add-on: %v", m["metadata"])
		}
	}
	web := scaled["web"]
	if len(scaled) != 3 || web == nil {
		t.Fatalf("HTTPScaledObjects %v, want one per service", scaled)
	}
	if fmt.Sprint(web["replicas"]) != "map[max:1 min:0]" || web["initialCooldownPeriod"] != int64(aws.InitialCooldown) ||
		!slices.Equal(asList(web["hosts"]), []any{"web.pr-7.svc.cluster.local", "pr-7.preview.example.com"}) {
		t.Errorf("web's HTTPScaledObject %v, want 0..1 replicas, the initial cooldown and its cluster and public hosts", web)
	}
	for _, v := range r.Find("kubernetes:networking.istio.io/v1:VirtualService") {
		s := spec(v.Inputs)
		dest := asList(asList(s["http"])[0].(map[string]any)["route"])[0].(map[string]any)["destination"].(map[string]any)["host"]
		if dest != interceptor {
			t.Errorf("VirtualService %s routes to %v, want the interceptor", v.Name, dest)
		}
		if v.Name != "host" && !slices.Equal(asList(s["exportTo"]), []any{"."}) {
			t.Errorf("VirtualService %s exported to %v, want only its namespace (else the interceptor's own request loops)", v.Name, s["exportTo"])
		}
	}
	routes, err := aws.RenderRoutes(interceptorBlueprint(t, "sandbox"), live)
	if err != nil {
		t.Fatal(err)
	}
	vs := routes.Find("kubernetes:networking.istio.io/v1:VirtualService")
	webRoutes := spec(vs[slices.IndexFunc(vs, func(r aws.Resource) bool { return r.Name == "prenv-routes-web" })].Inputs)
	pr7 := asList(webRoutes["http"])[0].(map[string]any)
	if dest := asList(pr7["route"])[0].(map[string]any)["destination"].(map[string]any)["host"]; dest != interceptor ||
		pr7["rewrite"].(map[string]any)["authority"] != "web.pr-7.svc.cluster.local" {
		t.Errorf("the routes stack's pr-7 route %v, want the interceptor with pr-7's web as authority", pr7)
	}
}

// TestInterceptorConnectivity: the interceptor reaches the PR's services
// and the PR's pods and the baseline (sandbox routes) reach it.
func TestInterceptorConnectivity(t *testing.T) {
	t.Parallel()
	bp := interceptorBlueprint(t, "sandbox")
	w := &world{}
	baseline, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: stacks.BaselineName, Repo: "acme/shop", SHA: "beef"})
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []stacks.Env{baseline, prEnv(t, bp, 7)} {
		r, err := aws.Render(bp, env, changedWeb)
		if err != nil {
			t.Fatal(err)
		}
		w.add(t, r)
	}
	w.namespace("keda", nil)
	w.pod("keda", "interceptor", map[string]string{"app": "interceptor"})
	pe := w.engine(t)
	for _, c := range []struct {
		src, dst, port string
		want           bool
	}{
		{"keda/interceptor", "pr-7/web", "8080", true},
		{"pr-7/web", "keda/interceptor", "8080", true},
		{"baseline/orders", "keda/interceptor", "8080", true},
		{"keda/interceptor", "pr-7/web", "9090", false},
		{"pr-7/web", "keda/interceptor", "9090", false},
	} {
		got, err := pe.CheckIfAllowed(c.src, c.dst, "TCP", c.port)
		if err != nil || got != c.want {
			t.Errorf("%s -> %s:%s allowed = %v (%v), want %v", c.src, c.dst, c.port, got, err, c.want)
		}
	}
}
