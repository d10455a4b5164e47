package aws

import (
	"maps"
	"slices"
	"strings"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// DefaultPort is the container port of a service whose blueprint gives none.
const DefaultPort = 8080

// services creates a Deployment and a Service for each service env runs,
// after the database's anonymisation Job when there is a database (db not
// nil), and an ExternalName Service for each shared one in isolated mode.
// It returns the names of those it runs.
func (e *envBuild) services(db *database) ([]string, error) {
	var running []string
	for _, s := range e.t.running(e.bp, e.env) {
		var err error
		if s.IsStub() {
			err = e.stub(s)
		} else {
			err = e.deployment(s, db)
		}
		if err != nil {
			return nil, err
		}
		if err := e.service(s); err != nil {
			return nil, err
		}
		if e.scales() {
			if err := e.scaler(s); err != nil {
				return nil, err
			}
		}
		running = append(running, s.Name)
	}
	if e.bp.Routing.Mode == stacks.RoutingSandbox {
		return running, nil
	}
	for _, s := range e.bp.Services {
		if !s.Shared || e.ns == e.bp.AWS.BaselineNamespace {
			continue
		}
		// Istio needs the port to route an ExternalName Service's traffic.
		if _, err := corev1.NewService(e.ctx, "shared-"+s.Name, &corev1.ServiceArgs{
			Metadata: e.meta(s.Name, pulumi.StringMap{"app": pulumi.String(s.Name)}),
			Spec: corev1.ServiceSpecArgs{
				Type:         pulumi.String("ExternalName"),
				ExternalName: pulumi.String(e.baselineHost(s.Name)),
				Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
					Name: pulumi.String("http"), Port: pulumi.Int(portOf(s)), Protocol: pulumi.String("TCP"),
				}},
			},
		}, e.k8s()...); err != nil {
			return nil, err
		}
	}
	return running, nil
}

func (e *envBuild) deployment(s stacks.Service, db *database) error {
	app := pulumi.StringMap{"app": pulumi.String(s.Name)}
	port := portOf(s)
	env := e.serviceEnv(s)
	var envFrom corev1.EnvFromSourceArrayInput
	var ready []pulumi.Resource
	if db != nil {
		env = append(env, db.env...)
		envFrom = corev1.EnvFromSourceArray{corev1.EnvFromSourceArgs{SecretRef: corev1.SecretEnvSourceArgs{Name: pulumi.String(DatabaseSecret)}}}
		ready = db.ready
	}
	spec := appsv1.DeploymentSpecArgs{
		Selector: metav1.LabelSelectorArgs{MatchLabels: app},
		Template: corev1.PodTemplateSpecArgs{
			Metadata: metav1.ObjectMetaArgs{Labels: app},
			Spec: corev1.PodSpecArgs{
				// No API token: the app has no business with the cluster's API,
				// and none reaches another Secret through it.
				AutomountServiceAccountToken: pulumi.Bool(false),
				Containers: corev1.ContainerArray{corev1.ContainerArgs{
					Name:    pulumi.String(s.Name),
					Image:   pulumi.String(s.Image + ":" + e.env.SHA),
					Ports:   corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(port)}},
					Env:     env,
					EnvFrom: envFrom,
					ReadinessProbe: corev1.ProbeArgs{
						HttpGet:       corev1.HTTPGetActionArgs{Path: pulumi.String(s.Health), Port: pulumi.Int(port)},
						PeriodSeconds: pulumi.Int(5),
					},
					Resources: corev1.ResourceRequirementsArgs{
						Requests: pulumi.StringMap{"cpu": pulumi.String(e.bp.AWS.Requests.CPU), "memory": pulumi.String(e.bp.AWS.Requests.Memory)},
						Limits:   pulumi.StringMap{"cpu": pulumi.String(e.bp.AWS.Limits.CPU), "memory": pulumi.String(e.bp.AWS.Limits.Memory)},
					},
				}}},
		},
	}
	if !e.scales() { // KEDA owns the replica count otherwise
		spec.Replicas = pulumi.Int(1)
	}
	// The database must be anonymised before any service reads it.
	_, err := appsv1.NewDeployment(e.ctx, s.Name, &appsv1.DeploymentArgs{
		Metadata: e.meta(s.Name, app),
		Spec:     spec,
	}, e.k8s(pulumi.DependsOn(ready))...)
	return err
}

// serviceEnv is a service's environment: the blueprint's, PORT, and a
// <SERVICE>_URL for every service, in the namespace when the environment
// runs it and in the baseline's otherwise.
func (e *envBuild) serviceEnv(s stacks.Service) corev1.EnvVarArray {
	vars := e.serviceEnvMap(s)
	var out corev1.EnvVarArray
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, corev1.EnvVarArgs{Name: pulumi.String(k), Value: pulumi.String(vars[k])})
	}
	return out
}

func (e *envBuild) service(s stacks.Service) error {
	app := pulumi.StringMap{"app": pulumi.String(s.Name)}
	_, err := corev1.NewService(e.ctx, s.Name, &corev1.ServiceArgs{
		Metadata: e.meta(s.Name, app),
		Spec: corev1.ServiceSpecArgs{
			Selector: app,
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String("http"), Port: pulumi.Int(portOf(s)), TargetPort: pulumi.String("http"),
			}},
		},
	}, e.k8s()...)
	return err
}

// baselineHost is the cluster name of the baseline's service svc.
func (e *envBuild) baselineHost(svc string) string {
	return svc + "." + e.bp.AWS.BaselineNamespace + ".svc.cluster.local"
}

func portOf(s stacks.Service) int {
	if s.Port == 0 {
		return DefaultPort
	}
	return s.Port
}

// upstreamVar is the variable that gives a service another's URL, e.g.
// ORDERS_URL.
func upstreamVar(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_URL"
}
