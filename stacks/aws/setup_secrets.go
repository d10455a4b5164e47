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

	"github.com/prenv/prenv/stacks"
)

// The database's setup Secrets hold what only the setup reads: the
// superuser's connection (on a shared instance, the instance's own), the
// anonymisation salt and, on the ebs-snapshot path, the password the
// postgres pod sets on a freshly restored volume. prenv deletes them after
// every successful up (FinishUp), so none outlives the setup it served.
//
// Their names carry what their readers' runs depend on, so a change that
// runs the Job again (another commit, base, golden or blueprint) or
// restores another volume (another golden) makes new Secrets first.
const (
	SetupSecretPrefix = "database-setup-"
	AdminSecretPrefix = "database-admin-"
	// LabelSetup marks the Secrets FinishUp deletes.
	LabelSetup = "prenv.dev/setup"
)

// setupSecret is the name of the Secret the Job reads.
func (e *envBuild) setupSecret() string {
	inputs, _ := json.Marshal(struct { // plain data: it cannot fail
		SHA, Base string
		Database  stacks.Database
		AWS       stacks.AWS
	}{e.env.SHA, e.t.BaseSHA, e.bp.Database, e.bp.AWS})
	sum := sha256.Sum256(inputs)
	return SetupSecretPrefix + hex.EncodeToString(sum[:5])
}

// adminSecret is the name of the Secret the ebs-snapshot postgres pod
// reads its superuser's password from: one per golden, as its volume is.
func (e *envBuild) adminSecret() string {
	return AdminSecretPrefix + goldenKey(e.bp.Database.Golden)
}

// FinishUp implements stacks.UpFinisher: it deletes env's setup Secrets,
// now that the Job that read them has completed. Each is deleted only if
// it is still the Secret listed (its UID).
func (t Target) FinishUp(ctx context.Context, bp *stacks.Blueprint, env stacks.Env) error {
	if !bp.HasDatabase() {
		return nil
	}
	ns := namespaceOf(bp, env)
	fail := func(err error) error {
		return fmt.Errorf("%s is up, but its database setup Secrets (the superuser's password, the salt) are still in namespace %s: %w; delete them with kubectl --namespace %s delete secret -l %s=true", env.Name, ns, err, ns, LabelSetup)
	}
	client, err := t.kubeClient(ctx, bp, "delete the database setup Secrets")
	if err != nil {
		return fail(err)
	}
	secrets := client.CoreV1().Secrets(ns)
	list, err := secrets.List(ctx, k8smeta.ListOptions{LabelSelector: LabelSetup + "=true"})
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
