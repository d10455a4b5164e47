package modules

// AWSResource is one resource of the aws target's environment: its address
// in modules/aws and the Pulumi type stacks/aws creates for it.
type AWSResource struct {
	Terraform string // address in modules/aws, without count or for_each keys
	Pulumi    string // the Pulumi type token of the same resource
}

// AWSResources is the aws target's resource list. modules/aws declares
// exactly these (a test parses it), and stacks/aws's program is compared
// with the Pulumi column, so the two engines build the same environment;
// a test in stacks/aws compares their fields too. The random passwords are
// Terraform's way to the role's and the superuser's passwords, which the
// Pulumi program makes with pulumi-random's counterpart. Stub services
// are the Pulumi program's alone (a ConfigMap of mappings and a Deployment of
// aws.stub-image each): prenv refuses a stub with engine terraform on aws.
var AWSResources = []AWSResource{
	{"kubernetes_manifest.namespace", "kubernetes:core/v1:Namespace"},
	{"kubernetes_manifest.default_deny", "kubernetes:networking.k8s.io/v1:NetworkPolicy"},
	{"kubernetes_manifest.allow", "kubernetes:networking.k8s.io/v1:NetworkPolicy"},
	{"kubernetes_manifest.allow_environments", "kubernetes:networking.k8s.io/v1:NetworkPolicy"},
	{"kubernetes_manifest.deployment", "kubernetes:apps/v1:Deployment"},
	{"kubernetes_manifest.service", "kubernetes:core/v1:Service"},
	{"kubernetes_manifest.shared", "kubernetes:core/v1:Service"},
	{"kubernetes_manifest.scaled_object", "kubernetes:keda.sh/v1alpha1:ScaledObject"},
	{"kubernetes_manifest.http_scaled_object", "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject"},
	{"kubernetes_manifest.via_interceptor", "kubernetes:networking.istio.io/v1:VirtualService"},
	{"random_password.database", "random:index/randomPassword:RandomPassword"},
	{"random_password.database_admin", "random:index/randomPassword:RandomPassword"},
	{"aws_security_group.database", "aws:ec2/securityGroup:SecurityGroup"},
	{"aws_db_instance.database", "aws:rds/instance:Instance"},
	{"aws_rds_cluster.database", "aws:rds/cluster:Cluster"},
	{"aws_rds_cluster_instance.database", "aws:rds/clusterInstance:ClusterInstance"},
	{"kubernetes_manifest.volume_snapshot_content", "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent"},
	{"kubernetes_manifest.volume_snapshot", "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot"},
	{"kubernetes_manifest.persistent_volume_claim", "kubernetes:core/v1:PersistentVolumeClaim"},
	{"kubernetes_manifest.stateful_set", "kubernetes:apps/v1:StatefulSet"},
	{"kubernetes_manifest.database_service", "kubernetes:core/v1:Service"},
	{"kubernetes_manifest.database_secret", "kubernetes:core/v1:Secret"},
	{"kubernetes_manifest.setup_secret", "kubernetes:core/v1:Secret"},
	{"kubernetes_manifest.admin_secret", "kubernetes:core/v1:Secret"},
	{"kubernetes_manifest.job", "kubernetes:batch/v1:Job"},
	{"kubernetes_manifest.virtual_service", "kubernetes:networking.istio.io/v1:VirtualService"}, // v1: the version Istio's CRD stores
	{"kubernetes_manifest.request_authentication", "kubernetes:security.istio.io/v1:RequestAuthentication"},
	{"kubernetes_manifest.authorization_policy", "kubernetes:security.istio.io/v1:AuthorizationPolicy"},
	{"aws_route53_record.host", "aws:route53/record:Record"},
	{"terraform_data.prenv_lifetime", ""}, // prenv's lifetime record: stack outputs in Pulumi
}
