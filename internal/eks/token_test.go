package eks_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/prenv/prenv/internal/eks"
	"github.com/prenv/prenv/internal/testenv"
)

// staticConfig is a configuration with fixed keys and no endpoint: the
// token's URL is then real STS's, though nothing is sent.
func staticConfig(region string) aws.Config {
	return aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("AKIDPRENVTEST", "secret-prenv-test", "")}
}

// decode returns a token's presigned URL.
func decode(t *testing.T, token string) *url.URL {
	t.Helper()
	if !strings.HasPrefix(token, eks.TokenPrefix) {
		t.Fatalf("token %.30s... lacks the prefix %s", token, eks.TokenPrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, eks.TokenPrefix))
	if err != nil {
		t.Fatalf("token is not unpadded URL-safe base64: %v", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatalf("token holds no URL: %v", err)
	}
	return u
}

// TestTokenIsPresignedGetCallerIdentity: offline, the token is a GET of
// regional STS's GetCallerIdentity, signed in its query string with
// x-k8s-aws-id among the signed headers, X-Amz-Expires 60, and a signature
// that SigV4 computed independently over that header's value reproduces.
func TestTokenIsPresignedGetCallerIdentity(t *testing.T) {
	t.Parallel()
	cfg := staticConfig("eu-west-1")
	before := time.Now()
	token, expires, err := eks.Token(t.Context(), cfg, "platform")
	if err != nil {
		t.Fatal(err)
	}
	u := decode(t, token)
	q := u.Query()
	if got, want := u.Scheme+"://"+u.Host+u.Path, "https://sts.eu-west-1.amazonaws.com/"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
	for k, want := range map[string]string{
		"Action": "GetCallerIdentity", "Version": "2011-06-15", "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
		"X-Amz-Expires": "60", "X-Amz-SignedHeaders": "host;x-k8s-aws-id",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got := q.Get("X-Amz-Credential"); !strings.HasPrefix(got, "AKIDPRENVTEST/") || !strings.HasSuffix(got, "/eu-west-1/sts/aws4_request") {
		t.Errorf("X-Amz-Credential = %q, want the key's STS scope in eu-west-1", got)
	}
	if got, want := resign(t, cfg, u, "platform"), q.Get("X-Amz-Signature"); got != want || want == "" {
		t.Errorf("X-Amz-Signature = %q, but signing the request with x-k8s-aws-id: platform gives %q", want, got)
	}
	if other := resign(t, cfg, u, "another"); other == q.Get("X-Amz-Signature") {
		t.Errorf("the signature does not depend on x-k8s-aws-id")
	}
	if lo, hi := before.Add(14*time.Minute), time.Now().Add(14*time.Minute); expires.Before(lo) || expires.After(hi) {
		t.Errorf("expires = %s, want 14 minutes after signing (%s to %s)", expires, lo, hi)
	}
}

// resign signs u's request again at its X-Amz-Date, with x-k8s-aws-id set
// to cluster, and returns the signature.
func resign(t *testing.T, cfg aws.Config, u *url.URL, cluster string) string {
	t.Helper()
	q := u.Query()
	signedAt, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		t.Fatalf("X-Amz-Date: %v", err)
	}
	unsigned := url.Values{"Action": q["Action"], "Version": q["Version"], "X-Amz-Expires": q["X-Amz-Expires"]}
	req, err := http.NewRequest(http.MethodGet, u.Scheme+"://"+u.Host+u.Path+"?"+unsigned.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(eks.ClusterHeader, cluster)
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	signed, _, err := v4.NewSigner().PresignHTTP(t.Context(), creds, req, emptySHA256, "sts", cfg.Region, signedAt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	return s.Query().Get("X-Amz-Signature")
}

// TestTokenExpiresWithItsCredentials: keys that expire in five minutes
// make a token that client-go renews by then, not in fourteen.
func TestTokenExpiresWithItsCredentials(t *testing.T) {
	t.Parallel()
	soon := time.Now().Add(5 * time.Minute).Truncate(time.Second)
	cfg := aws.Config{Region: "eu-west-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "ASIAPRENV", SecretAccessKey: "s", SessionToken: "session", CanExpire: true, Expires: soon}, nil
	})}
	token, expires, err := eks.Token(t.Context(), cfg, "platform")
	if err != nil {
		t.Fatal(err)
	}
	if !expires.Equal(soon) {
		t.Errorf("expires = %s, want the credentials' expiry %s", expires, soon)
	}
	if got := decode(t, token).Query().Get("X-Amz-Security-Token"); got != "session" {
		t.Errorf("X-Amz-Security-Token = %q, want the session token", got)
	}
}

// TestTokenOnMoto: STS (moto_server's) answers the token's URL, sent as
// EKS's authenticator sends it, with the identity of the keys that signed it.
func TestTokenOnMoto(t *testing.T) {
	t.Parallel()
	m := testenv.MotoServer(t)
	cluster := m.EKSCluster(t)
	token, _, err := eks.Token(t.Context(), m.Config(), cluster)
	if err != nil {
		t.Fatal(err)
	}
	id := m.VerifyEKSToken(t, token, cluster)
	if id.Account == "" || !strings.HasPrefix(id.Arn, "arn:aws:") {
		t.Errorf("STS answered %+v, want an account and an ARN", id)
	}
}
