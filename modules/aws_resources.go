package modules

// AWSResource is one resource of the aws target's environment: its address
// in modules/aws and the Pulumi type stacks/aws creates for it.
type AWSResource struct {
	Terraform string // address in modules/aws, without count or for_each keys
	Pulumi    string // the Pulumi type token of the same resource
}

// AWSResources is the aws target's resource list. modules/aws declares
// exactly these (a test parses it), and stacks/aws's program is compared
// with the Pulumi column, so the two engines build the same environment.
// The random password is Terraform's way to the role's password, which the
// Pulumi program makes with pulumi-random's counterpart. Stub services are
// the Pulumi program's alone (a ConfigMap of mappings and a Deployment of
// aws.stub-image each): prenv refuses a stub with engine terraform on aws.
var AWSResources = []AWSResource{
	{"kubernetes_namespace_v1.env", "kubernetes:core/v1:Namespace"},
	{"kubernetes_network_policy_v1.default_deny", "kubernetes:networking.k8s.io/v1:NetworkPolicy"},
	{"kubernetes_deployment_v1.service", "kubernetes:apps/v1:Deployment"},
	{"kubernetes_service_v1.service", "kubernetes:core/v1:Service"},
	{"kubernetes_service_v1.shared", "kubernetes:core/v1:Service"},
	{"kubernetes_manifest.scaled_object", "kubernetes:keda.sh/v1alpha1:ScaledObject"},
	{"random_password.database", "random:index/randomPassword:RandomPassword"},
	{"aws_security_group.database", "aws:ec2/securityGroup:SecurityGroup"},
	{"aws_db_instance.database", "aws:rds/instance:Instance"},
	{"aws_rds_cluster.database", "aws:rds/cluster:Cluster"},
	{"aws_rds_cluster_instance.database", "aws:rds/clusterInstance:ClusterInstance"},
	{"kubernetes_manifest.volume_snapshot_content", "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent"},
	{"kubernetes_manifest.volume_snapshot", "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot"},
	{"kubernetes_persistent_volume_claim_v1.database", "kubernetes:core/v1:PersistentVolumeClaim"},
	{"kubernetes_stateful_set_v1.database", "kubernetes:apps/v1:StatefulSet"},
	{"kubernetes_service_v1.database", "kubernetes:core/v1:Service"},
	{"kubernetes_secret_v1.database", "kubernetes:core/v1:Secret"},
	{"kubernetes_job_v1.anonymize", "kubernetes:batch/v1:Job"},
	{"kubernetes_manifest.virtual_service", "kubernetes:networking.istio.io/v1:VirtualService"}, // v1: the version Istio's CRD stores
	{"aws_route53_record.host", "aws:route53/record:Record"},
	{"terraform_data.prenv_lifetime", ""}, // prenv's lifetime record: stack outputs in Pulumi
}
