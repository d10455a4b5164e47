package stacks

// Blueprint is one repository's prenv.yaml: what every preview environment
// of the project holds and the rules it obeys.
type Blueprint struct {
	Project   string     `yaml:"project" required:"true" doc:"Project name: 2-30 lowercase letters, digits and hyphens. Prefixes every stack, database and DNS name."`
	Engine    EngineName `yaml:"engine" enum:"pulumi,terraform" doc:"Engine that holds each environment's state. Default pulumi."`
	Target    TargetName `yaml:"target" enum:"local,aws,none" doc:"Where environments live. Default local."`
	TTL       Duration   `yaml:"ttl" doc:"How long an environment lives before the reaper removes it, e.g. 72h or 3d. Default 72h."`
	TTLFrom   TTLFrom    `yaml:"ttl-from" enum:"creation,last-update" doc:"Whether the TTL counts from creation or from the last update. Default creation."`
	Backend   string     `yaml:"backend" doc:"State backend URL: file://<dir> or s3://<bucket>. Default file://~/.prenv/state."`
	Services  []Service  `yaml:"services" doc:"The services that make up the application."`
	Database  Database   `yaml:"database" doc:"The database every environment clones from the anonymised golden copy. Leave it out for an application without a database: its environments get none, and its services no DATABASE_URL."`
	Routing   Routing    `yaml:"routing" doc:"How requests reach an environment's services."`
	DNS       DNS        `yaml:"dns" doc:"The environment's public names."`
	Policy    Policy     `yaml:"policy" doc:"Limits that keep environments cheap and safe."`
	Access    Access     `yaml:"access" doc:"Who may open pr-<n>.<domain> on the aws target. The local target serves on 127.0.0.1 and ignores it."`
	Terraform Terraform  `yaml:"terraform" doc:"Settings of engine: terraform."`
	AWS       AWS        `yaml:"aws" doc:"The EKS cluster, network and shared pieces the aws target plugs each environment into."`
	FinOps    FinOps     `yaml:"finops" doc:"The rates prenv stats prices environments with."`
	// SecretsProvider is no enum: beside passphrase, it is a key's URL.
	SecretsProvider string `yaml:"secrets-provider" doc:"What encrypts the Pulumi stacks' secrets: passphrase (PULUMI_CONFIG_PASSPHRASE), or a key: awskms://<key id or alias/name>?region=<region>, gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>, azurekeyvault://<vault>.vault.azure.net/keys/<key> or hashivault://<key>. Default passphrase."`

	// path is the file the blueprint was loaded from, for error messages.
	path string
}

// Service is one process of the application.
type Service struct {
	Name   string            `yaml:"name" required:"true" doc:"Service name: a lowercase DNS label. Becomes <name>.pr-<n>.<domain>."`
	Entry  bool              `yaml:"entry" doc:"Whether pr-<n>.<domain> points at this service. Exactly one service is the entry."`
	Port   int               `yaml:"port" doc:"Port the service listens on inside its container. Locally a free PORT is given instead."`
	Paths  []string          `yaml:"paths" doc:"Globs of the files this service is built from; a PR that changes none of them reuses the baseline in sandbox mode."`
	Health string            `yaml:"health" doc:"HTTP path that answers 2xx when the service is ready. Default /healthz."`
	Env    map[string]string `yaml:"env" doc:"Environment variables given to the service."`
	Shared bool              `yaml:"shared" doc:"Whether every environment reuses the baseline's instance instead of running its own."`
	Run    string            `yaml:"run" doc:"Command that starts the service on the local target."`
	Image  string            `yaml:"image" doc:"Container image the aws target runs; tagged with the PR's commit SHA."`
	Stub   Stub              `yaml:"stub" doc:"Serve the service from WireMock mapping files instead of running a program: prenv serves the stub itself, as a local process or, on aws, a Deployment of aws.stub-image. A stub has no run, image, env or health; its paths default to its mappings directory."`
}

// Stub is a service prenv serves from WireMock mapping files.
type Stub struct {
	Mappings string `yaml:"mappings" required:"true" doc:"Directory of WireMock mapping files (JSON), relative to the blueprint, with response bodies under its __files directory; prenv stub record writes one. A mapping prenv cannot serve faithfully is refused, naming its file and field."`
}

// IsStub reports whether prenv serves the service from mapping files.
func (s Service) IsStub() bool { return s.Stub.Mappings != "" }

// HasStubs reports whether any service is a stub.
func (bp *Blueprint) HasStubs() bool {
	for _, s := range bp.Services {
		if s.IsStub() {
			return true
		}
	}
	return false
}

// Database says where each environment's database comes from.
type Database struct {
	Engine     string    `yaml:"engine" enum:"postgres" doc:"Database engine. Default postgres."`
	Source     string    `yaml:"source" enum:"template,rds-snapshot,aurora-clone,ebs-snapshot,shared-instance" doc:"How the golden copy is cloned. Default template (local). On aws: rds-snapshot (10-20 minutes), aurora-clone (8-15 minutes), ebs-snapshot, or shared-instance (seconds: CREATE DATABASE ... TEMPLATE on aws.shared-instance)."`
	Golden     string    `yaml:"golden" doc:"The golden copy: a template database (local, shared-instance), snapshot identifier or source cluster."`
	Migrations string    `yaml:"migrations" doc:"Directory of SQL migrations, applied in name order after the clone."`
	Migrate    string    `yaml:"migrate" doc:"Command that applies the migrations to a new clone instead of the built-in runner for <version>_<name>.up.sql files. It runs in the blueprint's directory with DATABASE_URL set to the clone, as the environment's role. prenv cannot tell which tables it touched, so it then anonymises every table with rules."`
	Anonymize  Anonymize `yaml:"anonymize" doc:"How personal data is anonymised."`
	Clone      Clone     `yaml:"clone" enum:"auto,thin,template" doc:"How the local target clones the golden for each environment. thin: the golden is a PostgreSQL cluster of its own, and each environment gets a copy-on-write copy of its files (reflinks, O(1) in the golden's size; XFS with reflink, btrfs or APFS) run by a PostgreSQL of its own. template: CREATE DATABASE ... STRATEGY FILE_COPY in one shared PostgreSQL, a full copy. auto: thin where the filesystem of prenv's home shares blocks, else template. Default auto."`
	Thin       Thin      `yaml:"thin" doc:"The size of each environment's own PostgreSQL under clone: thin."`
}

// Thin sizes the PostgreSQL each environment runs under clone: thin. The
// defaults keep an idle one small; raise them for a busier application.
type Thin struct {
	SharedBuffers  string `yaml:"shared-buffers" doc:"shared_buffers, in kB, MB or GB, e.g. 128MB. Default 16MB."`
	MaxConnections int    `yaml:"max-connections" doc:"max_connections, at least 10. Default 40."`
}

// Anonymize holds the anonymisation rules of the database.
type Anonymize struct {
	Scope   string                   `yaml:"scope" enum:"migrations,all" doc:"Which tables are rewritten after migrations: those the PR's migrations touch, or all with rules. Default migrations."`
	SaltEnv string                   `yaml:"salt-env" doc:"Name of the environment variable that holds the keyed-hash salt."`
	Rules   map[string]AnonymizeRule `yaml:"rules" doc:"table.column: transformer."`
	Allow   []string                 `yaml:"allow" doc:"table.column entries that look personal but are known not to be."`
}

// AnonymizeRule is one column's transformer and its options.
type AnonymizeRule struct {
	Transformer string         `yaml:"transformer" required:"true" doc:"Transformer name, e.g. hash, email, name, null, mask."`
	Options     map[string]any `yaml:"options" doc:"Transformer options."`
}

// Routing says how requests find an environment's services.
type Routing struct {
	Mode   RoutingMode `yaml:"mode" enum:"isolated,sandbox" doc:"isolated runs every service per PR; sandbox runs only changed services and routes the rest to the baseline. Default isolated."`
	Header string      `yaml:"header" doc:"Request header that carries the routing key. Default x-prenv-route."`
}

// DNS names the environment's hosts.
type DNS struct {
	Domain string `yaml:"domain" doc:"Domain under which pr-<n>.<domain> is created. Default localhost on the local target."`
}

// Policy limits what environments may cost or touch.
type Policy struct {
	MaxTTL           Duration `yaml:"max-ttl" doc:"Longest TTL an environment may be given or extended to. Default 168h."`
	MaxEnvironments  int      `yaml:"max-environments" doc:"Most environments that may exist at once; 0 means no limit."`
	AllowedSnapshots []string `yaml:"allowed-snapshots" doc:"Snapshot or cluster identifiers a database may be restored from."`
	Protect          []string `yaml:"protect" doc:"Globs of stack names the reaper never removes."`
	AllowPublic      bool     `yaml:"allow-public" doc:"Whether the policy lets an aws environment's host be open to anyone (access.mode public). Default false: the policy refuses a public host."`
}

// Terraform configures engine: terraform.
type Terraform struct {
	Module string            `yaml:"module" doc:"Directory of your own root module, instead of prenv's embedded module for the target. It declares the variables pr_number, env_name, git_sha, created_at and expires_at, outputs prenv__created-at and prenv__expires-at (set from created_at and expires_at), and holds a terraform_data.prenv_lifetime resource for prenv extend."`
	Vars   map[string]string `yaml:"vars" doc:"Extra variables for the module, by name."`
}

// AWS configures the aws target: where in an existing EKS cluster and AWS
// account each environment goes, and what it may use there.
type AWS struct {
	Region                 string    `yaml:"region" doc:"AWS region of the cluster and the databases, e.g. eu-west-1."`
	Cluster                string    `yaml:"cluster" doc:"Name of the EKS cluster in aws.region. prenv reads its endpoint and CA with eks:DescribeCluster and reaches it as itself, the kubeconfig's exec plugin (prenv eks-token), with the AWS credentials of the standard chain: no aws CLI or kubeconfig needed. Instead of kubeconfig and context."`
	Kubeconfig             string    `yaml:"kubeconfig" doc:"Path of the kubeconfig that reaches the EKS cluster. Default: $KUBECONFIG or ~/.kube/config."`
	Context                string    `yaml:"context" doc:"kubeconfig context to use. Default: its current context."`
	Gateway                string    `yaml:"gateway" doc:"The shared Istio gateway every pr-<n>.<domain> host is served on, as namespace/name."`
	GatewayHostname        string    `yaml:"gateway-hostname" doc:"DNS name of the gateway's load balancer, which each environment's Route53 record points at."`
	HostedZoneID           string    `yaml:"hosted-zone-id" doc:"Route53 hosted zone of dns.domain, e.g. Z0123456789ABC."`
	BaselineNamespace      string    `yaml:"baseline-namespace" doc:"Namespace of the baseline environment, which shared and unchanged services come from. Default baseline."`
	VPCID                  string    `yaml:"vpc-id" doc:"VPC of the cluster and the databases (rds-snapshot, aurora-clone)."`
	ClusterCIDR            string    `yaml:"cluster-cidr" doc:"CIDR of the cluster's pods: the only source a database's security group admits, e.g. 10.0.0.0/16."`
	DatabaseCIDRs          []string  `yaml:"database-cidrs" doc:"CIDRs the databases live in (the DB subnet group's subnets, or the shared instance's): the only destination of the pods' database egress, on port 5432. Required for rds-snapshot, aurora-clone and shared-instance."`
	SubnetGroup            string    `yaml:"subnet-group" doc:"The baseline's DB subnet group, reused by every environment's database (rds-snapshot, aurora-clone)."`
	InstanceClass          string    `yaml:"instance-class" doc:"Instance class of each environment's database. Default db.t4g.micro for rds-snapshot, db.t4g.medium for aurora-clone (aurora-postgresql offers no micro or small class)."`
	AllowedInstanceClasses []string  `yaml:"allowed-instance-classes" doc:"Instance classes the policy allows. Default db.t4g.micro, db.t4g.small, db.t3.micro and db.t3.small for rds-snapshot; db.t4g.medium and db.t3.medium for aurora-clone."`
	SharedInstance         string    `yaml:"shared-instance" doc:"Host name of the long-lived PostgreSQL instance (shared-instance) on which each environment's database is created from the template database.golden, as aws.master-username."`
	SharedInstancePassEnv  string    `yaml:"shared-instance-password-env" doc:"Variable holding aws.master-username's password on aws.shared-instance (shared-instance); up and preview read it. Default PRENV_SHARED_INSTANCE_PASSWORD."`
	DatabaseName           string    `yaml:"database-name" doc:"Database inside the golden that the services use. Default postgres."`
	MasterUsername         string    `yaml:"master-username" doc:"Superuser of the golden database; each clone resets its password. Default postgres."`
	AnonymizerImage        string    `yaml:"anonymizer-image" doc:"Image, tagged with the PR's SHA, holding prenv and the repository with its git history, its working directory the blueprint's; it runs prenv anonymize on each clone."`
	PostgresImage          string    `yaml:"postgres-image" doc:"PostgreSQL image of the ebs-snapshot StatefulSet and of the role set-up. Default postgres:15."`
	SnapshotClass          string    `yaml:"snapshot-class" doc:"VolumeSnapshotClass of the EBS CSI driver (ebs-snapshot). Default ebs-csi."`
	StorageClass           string    `yaml:"storage-class" doc:"StorageClass of the database volume (ebs-snapshot). Default gp3."`
	VolumeSize             string    `yaml:"volume-size" doc:"Size of the database volume (ebs-snapshot), at least the snapshot's. Default 20Gi."`
	ScaleToZero            bool      `yaml:"scale-to-zero" doc:"Whether a PR's idle services scale down through KEDA. To zero only with aws.http-interceptor, which holds a request while a pod starts; without it one replica stays. The baseline never scales down."`
	HTTPInterceptor        string    `yaml:"http-interceptor" doc:"The KEDA HTTP add-on's interceptor proxy as namespace/service:port, e.g. keda/keda-add-ons-http-interceptor-proxy:8080. With scale-to-zero, each service gets an HTTPScaledObject and its requests go through the interceptor."`
	IstioRevision          string    `yaml:"istio-revision" doc:"Istio revision whose sidecars the namespaces get (label istio.io/rev), for revision-based installs. Default none: istio-injection=enabled."`
	Prometheus             string    `yaml:"prometheus" doc:"Prometheus whose Istio request metrics tell KEDA a service is idle. Default http://prometheus.istio-system:9090."`
	Requests               Resources `yaml:"requests" doc:"Resource requests of each service container. Default cpu 100m, memory 128Mi."`
	Limits                 Resources `yaml:"limits" doc:"Resource limits of each service container. Default cpu 500m, memory 512Mi."`
	Policies               []string  `yaml:"policies" doc:"The team's own .rego files, relative to the blueprint, evaluated with prenv's rules before every up."`
	StubImage              string    `yaml:"stub-image" doc:"Image holding prenv, its entrypoint prenv, that serves the stub services, e.g. ghcr.io/prenv/prenv:v1.2.3 (the Action's image); used as given, not tagged with the PR's SHA. Required when a service is a stub."`
}

// Resources is a container's CPU and memory, as Kubernetes quantities.
type Resources struct {
	CPU    string `yaml:"cpu" doc:"CPU quantity, e.g. 100m or 1."`
	Memory string `yaml:"memory" doc:"Memory quantity, e.g. 128Mi or 1Gi."`
}

// Path returns the file the blueprint was loaded from, or "" if it was built
// in code.
func (bp *Blueprint) Path() string { return bp.path }

// HasDatabase reports whether the blueprint's environments have a
// database: a blueprint without a database section (so without
// database.golden) describes a stateless application, which gets none.
func (bp *Blueprint) HasDatabase() bool { return bp.Database.Golden != "" }

// EntryService returns the service marked entry, or nil if none is.
func (bp *Blueprint) EntryService() *Service {
	for i := range bp.Services {
		if bp.Services[i].Entry {
			return &bp.Services[i]
		}
	}
	return nil
}

// RunsOwn reports whether env runs its own instance of service s rather
// than borrowing the baseline's: the baseline and a self-contained
// environment run every service; other environments borrow shared
// services and, in sandbox mode, every service the PR's changed files do
// not touch.
func (bp *Blueprint) RunsOwn(s Service, env Env, changed []string) bool {
	switch {
	case env.Name == BaselineName, env.SelfContained:
		return true
	case s.Shared:
		return false
	case bp.Routing.Mode == RoutingSandbox:
		return s.Changed(changed)
	}
	return true
}
