package testenv

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// KMSKey is a key of its own on the test binary's moto_server, which
// serves AWS KMS beside S3.
type KMSKey struct {
	ID string
	// URL is the key as a secrets provider that pulumi and gocloud both
	// open: awskms://<id>?region=us-east-1&endpoint=http://127.0.0.1:<port>.
	URL      string
	Endpoint string // http://127.0.0.1:<port>
	// Env is the AWS environment a process needs to use the key. This
	// test process already has it, as with S3.
	Env map[string]string
}

// KMS returns a fresh symmetric key, created through the KMS API on the
// moto_server S3 starts. Under -short it skips the test; without, a
// missing moto_server fails it.
func KMS(t testing.TB) KMSKey {
	t.Helper()
	RequireTool(t, "moto_server (Python moto 5.2.1, an S3 and KMS protocol server)", "make test-deps")
	moto(t)
	client := kms.New(kms.Options{
		Region:       motoEnv["AWS_REGION"],
		BaseEndpoint: aws.String(motoServer.endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(motoEnv["AWS_ACCESS_KEY_ID"], motoEnv["AWS_SECRET_ACCESS_KEY"], ""),
	})
	out, err := client.CreateKey(t.Context(), &kms.CreateKeyInput{Description: aws.String("prenv test " + t.Name())})
	if err != nil {
		t.Fatalf("create a KMS key on moto_server at %s: %v", motoServer.endpoint, err)
	}
	id := aws.ToString(out.KeyMetadata.KeyId)
	return KMSKey{
		ID:       id,
		URL:      fmt.Sprintf("awskms://%s?region=%s&endpoint=%s", id, motoEnv["AWS_REGION"], motoServer.endpoint),
		Endpoint: motoServer.endpoint,
		Env:      motoEnv,
	}
}
