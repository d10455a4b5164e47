package state_test

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestS3EndpointSpellings opens moto buckets by each spelling of an
// S3-compatible endpoint that pulumi's diy backend accepts, including
// the AWS SDK v1 ones (a bare host with disableSSL), and by a directory
// under the bucket's root.
func TestS3EndpointSpellings(t *testing.T) {
	t.Parallel()
	root, nested := testenv.S3(t), testenv.S3(t)
	seedBucket(t, root.URL, "")
	seedBucket(t, nested.URL, "teams/shop/")
	host := strings.TrimPrefix(root.Endpoint, "http://")
	tests := []struct {
		url    string
		stacks int
	}{
		{"s3://" + root.Name + "?endpoint=" + root.Endpoint + "&s3ForcePathStyle=true&region=us-east-1", 3},
		{"s3://" + root.Name + "?endpoint=" + root.Endpoint + "&use_path_style=true&region=us-east-1", 3},
		{"s3://" + root.Name + "?endpoint=" + host + "&disableSSL=true&s3ForcePathStyle=true&region=us-east-1", 3},
		{"s3://" + nested.Name + "/teams/shop?endpoint=" + root.Endpoint + "&s3ForcePathStyle=true&region=us-east-1", 3},
		{"s3://" + nested.Name + "?endpoint=" + root.Endpoint + "&s3ForcePathStyle=true&region=us-east-1", 0},
	}
	for _, tt := range tests {
		b := open(t, tt.url)
		stacks, err := b.Stacks(t.Context(), "shop")
		if err != nil || len(stacks) != tt.stacks {
			t.Errorf("%s: Stacks = %d stacks, %v; want %d", tt.url, len(stacks), err, tt.stacks)
			continue
		}
		if tt.stacks == 0 {
			continue
		}
		if l := stacks[2].Locks; len(l) != 1 || !strings.HasPrefix(l[0].Holder.URL, b.String()+"/.pulumi/locks/") {
			t.Errorf("%s: lock %+v not named under %s", tt.url, l, b)
		}
	}
}
