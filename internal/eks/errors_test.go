package eks_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/prenv/prenv/internal/eks"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// TestErrorsNameCauseAndFix: each failure is one line, an input error
// (exit 2), naming what is wrong and what to do.
func TestErrorsNameCauseAndFix(t *testing.T) {
	t.Parallel()
	noKeys := aws.Config{Region: "eu-west-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no EC2 IMDS role found")
	})}
	tests := []struct {
		name string
		run  func(context.Context) error
		want []string
	}{
		{"token without region", func(ctx context.Context) error {
			_, _, err := eks.Token(ctx, staticConfig(""), "platform")
			return err
		}, []string{"no AWS region", "--region", "AWS_REGION"}},
		{"token without cluster", func(ctx context.Context) error {
			_, _, err := eks.Token(ctx, staticConfig("eu-west-1"), "")
			return err
		}, []string{"--cluster"}},
		{"token without credentials", func(ctx context.Context) error {
			_, _, err := eks.Token(ctx, noKeys, "platform")
			return err
		}, []string{"no AWS credentials", "no EC2 IMDS role found", "configure-aws-credentials"}},
		{"kubeconfig without credentials", func(ctx context.Context) error {
			_, err := eks.Kubeconfig(ctx, aws.Config{Region: "eu-west-1"}, "platform", "prenv")
			return err
		}, []string{"no AWS credentials", "configure-aws-credentials"}},
		{"kubeconfig without region", func(ctx context.Context) error {
			_, err := eks.Kubeconfig(ctx, staticConfig(""), "platform", "prenv")
			return err
		}, []string{"no AWS region"}},
		{"bad cluster name", func(ctx context.Context) error {
			_, err := eks.Kubeconfig(ctx, staticConfig("eu-west-1"), "my cluster", "prenv")
			return err
		}, []string{`"my cluster" is not an EKS cluster name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkError(t, tt.run(t.Context()), tt.want...)
		})
	}
}

// TestUnknownClusterOnMoto: a cluster the account does not have is named,
// with the fields to check.
func TestUnknownClusterOnMoto(t *testing.T) {
	t.Parallel()
	m := testenv.MotoServer(t)
	_, err := eks.Kubeconfig(t.Context(), m.Config(), "no-such-cluster", "prenv")
	checkError(t, err, "EKS cluster no-such-cluster not found in us-east-1", "aws.cluster", "aws.region")
}

func checkError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want one naming %q", want)
	}
	if !stacks.IsInput(err) {
		t.Errorf("%v: not an input error (exit 2)", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("%q spans lines", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q does not say %q", err, w)
		}
	}
}
