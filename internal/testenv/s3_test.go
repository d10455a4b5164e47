package testenv_test

import (
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestS3BucketsAreFreshAndShared: two tests' buckets differ and live on
// the one server the test binary started.
func TestS3BucketsAreFreshAndShared(t *testing.T) {
	t.Parallel()
	a, b := testenv.S3(t), testenv.S3(t)
	if a.Name == b.Name || a.URL == b.URL {
		t.Errorf("two calls returned one bucket: %s", a.URL)
	}
	if a.Endpoint != b.Endpoint {
		t.Errorf("two calls started two servers: %s and %s", a.Endpoint, b.Endpoint)
	}
	if a.Env["AWS_REGION"] == "" || a.Env["AWS_ACCESS_KEY_ID"] == "" {
		t.Errorf("Env = %v, want the AWS region and keys", a.Env)
	}
}
