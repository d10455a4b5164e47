package aws

import (
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// Labels and annotations prenv puts on what it creates in Kubernetes. The
// reaper's orphan sweep recognises prenv's namespaces by them.
const (
	LabelManagedBy        = "app.kubernetes.io/managed-by"
	LabelProject          = "prenv.dev/project"
	LabelEnv              = "prenv.dev/env"
	LabelPR               = "prenv.dev/pr"
	LabelOwner            = "prenv.dev/owner"
	AnnotationExpiresAt   = "prenv.dev/expires-at"
	AnnotationRepo        = "prenv.dev/repo"
	AnnotationPublicAllow = "prenv.dev/public-load-balancer"
	ManagedBy             = "prenv"
)

// Tags every AWS resource carries.
const (
	TagRepo      = "prenv:repo"
	TagPR        = "prenv:pr"
	TagExpiresAt = "prenv:expires-at"
	TagManagedBy = "managed-by"
)

// namespaceOf returns env's namespace: the baseline's is the blueprint's
// baseline-namespace, a PR's is its naming.Names namespace.
func namespaceOf(bp *stacks.Blueprint, env stacks.Env) string {
	if env.Name == stacks.BaselineName {
		return bp.AWS.BaselineNamespace
	}
	return env.Namespace
}

// labels are the owner labels of env's Kubernetes objects.
func labels(bp *stacks.Blueprint, env stacks.Env) pulumi.StringMap {
	return pulumi.StringMap{
		LabelManagedBy: pulumi.String(ManagedBy),
		LabelProject:   pulumi.String(bp.Project),
		LabelEnv:       pulumi.String(env.Name),
		LabelPR:        pulumi.String(fmt.Sprint(env.PR)),
		LabelOwner:     pulumi.String(labelValue(env.Owner)),
	}
}

// tags are the tags of env's AWS resources, with name as the Name tag.
func tags(env stacks.Env, name string) pulumi.StringMap {
	return pulumi.StringMap{
		"Name":       pulumi.String(name),
		TagRepo:      pulumi.String(env.Repo),
		TagPR:        pulumi.String(fmt.Sprint(env.PR)),
		TagExpiresAt: pulumi.String(env.ExpiresAt.UTC().Format(time.RFC3339)),
		TagManagedBy: pulumi.String(ManagedBy),
	}
}

// labelValue makes s a valid label value: at most 63 characters of
// letters, digits, '-', '_' and '.', starting and ending alphanumeric.
func labelValue(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) > 63 {
		b = b[:63]
	}
	return strings.Trim(string(b), "-_.")
}
