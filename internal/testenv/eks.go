package testenv

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// EKSCluster creates a cluster of its own on the server through the EKS
// API, as a platform team would, and returns its name.
func (m Moto) EKSCluster(t testing.TB) string {
	t.Helper()
	name := "prenv-" + randomHex(t, 6)
	_, err := eks.NewFromConfig(m.Config()).CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name:               aws.String(name),
		RoleArn:            aws.String("arn:aws:iam::123456789012:role/eks-cluster"),
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: []string{"subnet-prenv-a", "subnet-prenv-b"}},
	})
	if err != nil {
		t.Fatalf("create EKS cluster %s on moto_server at %s: %v", name, m.Endpoint, err)
	}
	return name
}

// CallerIdentity is what STS answered for a token: whose keys signed it.
type CallerIdentity struct {
	Account string
	Arn     string
	UserID  string
}

// VerifyEKSToken checks token as EKS's authenticator (aws-iam-authenticator)
// does, with the server in STS's place: the k8s-aws-v1. prefix, a
// GetCallerIdentity URL on the server's STS with only SigV4's query
// parameters, X-Amz-Expires within 0-900 and X-Amz-Date within 15 minutes,
// and x-k8s-aws-id among the signed headers; then it sends the URL with
// x-k8s-aws-id set to cluster, as the authenticator does, and returns the
// identity STS answers with. A token that fails any check fails t.
func (m Moto) VerifyEKSToken(t testing.TB, token, cluster string) CallerIdentity {
	t.Helper()
	u, err := presignedURL(token)
	if err != nil {
		t.Fatalf("token %.40s...: %v", token, err)
	}
	if err := m.checkPresigned(u); err != nil {
		t.Fatalf("token's URL %s: %v", u.Redacted(), err)
	}
	id, err := m.callerIdentity(t, u, cluster)
	if err != nil {
		t.Fatalf("token's URL %s: %v", u.Redacted(), err)
	}
	return id
}

// presignedURL decodes a k8s-aws-v1 token.
func presignedURL(token string) (*url.URL, error) {
	const prefix = "k8s-aws-v1."
	if !strings.HasPrefix(token, prefix) {
		return nil, fmt.Errorf("no %q prefix", prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, prefix))
	if err != nil {
		return nil, fmt.Errorf("not unpadded URL-safe base64: %v", err)
	}
	return url.Parse(string(raw))
}

// presignedParams are the only query parameters the authenticator allows.
var presignedParams = map[string]bool{
	"action": true, "version": true, "x-amz-algorithm": true, "x-amz-credential": true, "x-amz-date": true,
	"x-amz-expires": true, "x-amz-security-token": true, "x-amz-signature": true, "x-amz-signedheaders": true,
}

func (m Moto) checkPresigned(u *url.URL) error {
	if want, _ := url.Parse(m.Endpoint); u.Host != want.Host || u.Path != "/" {
		return fmt.Errorf("not STS's root on the test server %s", want.Host)
	}
	q := url.Values{}
	for k, v := range u.Query() {
		if !presignedParams[strings.ToLower(k)] || len(v) != 1 {
			return fmt.Errorf("query parameter %s is not one the authenticator allows", k)
		}
		q.Set(strings.ToLower(k), v[0])
	}
	if q.Get("action") != "GetCallerIdentity" || q.Get("x-amz-algorithm") != "AWS4-HMAC-SHA256" || q.Get("x-amz-signature") == "" {
		return fmt.Errorf("not a SigV4-presigned GetCallerIdentity")
	}
	if scope := strings.Split(q.Get("x-amz-credential"), "/"); len(scope) != 5 || scope[3] != "sts" {
		return fmt.Errorf("credential scope %q is not STS's", q.Get("x-amz-credential"))
	}
	if !strings.Contains(";"+q.Get("x-amz-signedheaders")+";", ";x-k8s-aws-id;") {
		return fmt.Errorf("x-k8s-aws-id is not among the signed headers %q", q.Get("x-amz-signedheaders"))
	}
	if n, err := strconv.Atoi(q.Get("x-amz-expires")); err != nil || n < 0 || n > 900 {
		return fmt.Errorf("X-Amz-Expires %q is not 0-900", q.Get("x-amz-expires"))
	}
	date, err := time.Parse("20060102T150405Z", q.Get("x-amz-date"))
	if err != nil || time.Since(date) > 15*time.Minute {
		return fmt.Errorf("X-Amz-Date %q is missing or older than 15 minutes", q.Get("x-amz-date"))
	}
	return nil
}

// callerIdentity sends the presigned request. moto_server picks the
// service of an unsigned-looking request by its path, and of a signed one
// by the Authorization header's credential scope, not by the query's; so
// the request also carries the query's signature in header form, which
// moto reads only to route it to STS.
func (m Moto) callerIdentity(t testing.TB, u *url.URL, cluster string) (CallerIdentity, error) {
	q := u.Query()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return CallerIdentity{}, err
	}
	req.Header.Set("x-k8s-aws-id", cluster)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=%s, Signature=%s",
		q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return CallerIdentity{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return CallerIdentity{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return CallerIdentity{}, fmt.Errorf("STS answered %s: %s", resp.Status, body)
	}
	return parseCallerIdentity(body)
}

// parseCallerIdentity reads STS's answer, in JSON as the authenticator
// asks for it, or in the query protocol's XML.
func parseCallerIdentity(body []byte) (CallerIdentity, error) {
	var asJSON struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult CallerIdentity
		}
	}
	var id CallerIdentity
	if json.Unmarshal(body, &asJSON) == nil {
		id = asJSON.GetCallerIdentityResponse.GetCallerIdentityResult
	} else {
		var asXML struct {
			Result struct {
				Account string `xml:"Account"`
				Arn     string `xml:"Arn"`
				UserID  string `xml:"UserId"`
			} `xml:"GetCallerIdentityResult"`
		}
		if err := xml.Unmarshal(body, &asXML); err != nil {
			return CallerIdentity{}, fmt.Errorf("STS's answer is neither JSON nor XML: %s", body)
		}
		id = CallerIdentity(asXML.Result)
	}
	if id.Account == "" || id.Arn == "" {
		return CallerIdentity{}, fmt.Errorf("STS's answer is not a GetCallerIdentity result: %s", body)
	}
	return id, nil
}
