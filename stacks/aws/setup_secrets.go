package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// The database's setup Secrets hold what only the setup reads: the
// superuser's connection (on a shared instance, the instance's own), the
// anonymisation salt and, on the ebs-snapshot path, the password the
// postgres pod sets on a freshly restored volume. prenv deletes them after
// every successful up on the Pulumi engine (FinishUp), so none outlives
// the setup it served.
//
// Their names carry what their readers' runs depend on, so a change that
// runs the Job again (another commit, base, golden or blueprint) or
// restores another volume (another golden or storage) makes new Secrets
// first; any other change to one recreates it (setupSecretOptions).
const (
	SetupSecretPrefix = "database-setup-"
	AdminSecretPrefix = "database-admin-"
	// LabelSetup marks the Secrets FinishUp deletes.
	LabelSetup = "prenv.dev/setup"
)

// SetupRevision stands for the shape of the Job's pod template in this
// code. A change to it replaces the Job, which must then find a setup
// Secret of a new name: bump it with any such change
// (TestSetupRevisionFollowsTheJob fails until it is).
const SetupRevision = 1

// setupSecret is the name of the Secret the Job reads. It changes with
// everything the Job's pod template is made of: another name makes
// another Secret, before the Job is replaced.
func (e *envBuild) setupSecret() string {
	return SetupSecretPrefix + digest(struct {
		Revision          int
		Env, SHA, Base    string
		Database          stacks.Database
		AWS               stacks.AWS
		Role              string
		Args              []string
		Salted, Shared    bool
		RoleScript, Reset string
	}{SetupRevision, e.env.Name, e.env.SHA, e.t.BaseSHA, e.bp.Database, e.bp.AWS, e.env.Role,
		e.anonymizeArgs(), e.t.Salt != "", e.bp.Database.Source == SharedInstance, RoleScript, ResetScript})
}

// adminSecret is the name of the Secret the ebs-snapshot postgres pod
// reads its superuser's password from. It changes with what restores
// another volume (the golden, the aws section's storage), so a new volume
// always finds its password.
func (e *envBuild) adminSecret() string {
	return AdminSecretPrefix + digest(struct {
		Revision int
		Golden   string
		AWS      stacks.AWS
	}{SetupRevision, e.bp.Database.Golden, e.bp.AWS})
}

// newSetupSecret creates the setup Secret name, labelled for FinishUp,
// holding data. Any change to it is a replacement, deleting first:
// FinishUp has usually deleted it already (deleting what is gone is a
// no-op), and an update would read it first and fail.
func (e *envBuild) newSetupSecret(resource, name string, data pulumi.StringMap) (*corev1.Secret, error) {
	return corev1.NewSecret(e.ctx, resource, &corev1.SecretArgs{
		Metadata:   e.meta(name, pulumi.StringMap{LabelSetup: pulumi.String("true")}),
		StringData: data,
	}, e.k8s(pulumi.ReplaceOnChanges([]string{"*"}), pulumi.DeleteBeforeReplace(true))...)
}

// digest is a short hash of plain data, for a name.
func digest(v any) string {
	data, err := json.Marshal(v)
	if err != nil { // a rule's options JSON cannot hold: Go's own spelling still tells them apart
		data = fmt.Appendf(nil, "%#v", v)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:5])
}

// FinishUp implements stacks.UpFinisher: it deletes env's setup Secrets,
// now that the Job that read them has completed. Each is deleted only if
// it is still the Secret listed (its UID). On the Terraform engine it
// leaves them: Terraform applies and destroys without a refresh, so its
// state would still hold them, and its next replace or destroy would
// delete what is gone.
func (t Target) FinishUp(ctx context.Context, bp *stacks.Blueprint, env stacks.Env) error {
	if !bp.HasDatabase() || bp.Engine != stacks.EnginePulumi {
		return nil
	}
	ns := namespaceOf(bp, env)
	selector := fmt.Sprintf("%s=true,%s=%s,%s=%s", LabelSetup, LabelProject, bp.Project, LabelEnv, env.Name)
	fail := func(err error) error {
		return fmt.Errorf("%s is up, but its database setup Secrets (the superuser's password, the salt) are still in namespace %s: %w; delete them with kubectl --namespace %s delete secret -l %s", env.Name, ns, err, ns, selector)
	}
	client, err := t.kubeClient(ctx, bp, "delete the database setup Secrets")
	if err != nil {
		return fail(err)
	}
	secrets := client.CoreV1().Secrets(ns)
	list, err := secrets.List(ctx, k8smeta.ListOptions{LabelSelector: selector})
	if err != nil {
		return fail(err)
	}
	var failed []error
	for _, s := range list.Items {
		uid := s.UID
		err := secrets.Delete(ctx, s.Name, k8smeta.DeleteOptions{Preconditions: &k8smeta.Preconditions{UID: &uid}})
		if err != nil && !apierrors.IsNotFound(err) {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return fail(errors.Join(failed...))
	}
	return nil
}
