package testenv

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3Bucket is a bucket of its own on the test binary's S3 server.
type S3Bucket struct {
	// URL is the bucket as a backend URL that pulumi and internal/state
	// both open: s3://<bucket>?endpoint=http://127.0.0.1:<port>&s3ForcePathStyle=true&region=us-east-1.
	URL      string
	Name     string
	Endpoint string // http://127.0.0.1:<port>
	// Env is the AWS environment a process needs to reach the bucket. This
	// test process already has it: S3 sets it once, for in-process readers.
	Env map[string]string
}

// S3 starts, once per test binary, a real S3 protocol server (moto_server
// from Python's moto 5.2.1, which `make test-deps` checks for) and returns
// a fresh bucket on it, created through the S3 API. Under -short it skips
// the test; without, a missing moto_server fails it.
func S3(t testing.TB) S3Bucket {
	t.Helper()
	RequireTool(t, "moto_server (Python moto 5.2.1, an S3 protocol server)", "make test-deps")
	moto(t)
	name := "prenv-" + randomHex(t, 8)
	if err := createBucket(t.Context(), motoServer.endpoint, name); err != nil {
		t.Fatalf("create bucket %s on moto_server at %s: %v", name, motoServer.endpoint, err)
	}
	return S3Bucket{
		URL:      fmt.Sprintf("s3://%s?endpoint=%s&s3ForcePathStyle=true&region=%s", name, motoServer.endpoint, motoEnv["AWS_REGION"]),
		Name:     name,
		Endpoint: motoServer.endpoint,
		Env:      motoEnv,
	}
}

// createBucket makes bucket name through the S3 API, as a team would.
func createBucket(ctx context.Context, endpoint, name string) error {
	client := s3.New(s3.Options{
		Region:       motoEnv["AWS_REGION"],
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(motoEnv["AWS_ACCESS_KEY_ID"], motoEnv["AWS_SECRET_ACCESS_KEY"], ""),
	})
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	return err
}
