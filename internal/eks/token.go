package eks

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/prenv/prenv/stacks"
)

// The token's format, as aws-iam-authenticator and EKS read it.
const (
	// TokenPrefix starts every token; the rest is the presigned URL in
	// unpadded URL-safe base64.
	TokenPrefix = "k8s-aws-v1."
	// ClusterHeader is the signed header that binds a token to one
	// cluster, so that it cannot be replayed against another.
	ClusterHeader = "x-k8s-aws-id"
	// presignExpires is X-Amz-Expires. STS ignores it (a presigned
	// GetCallerIdentity is valid 15 minutes after X-Amz-Date, whatever it
	// says), and authenticators up to 0.3.0 refuse a value above 60.
	presignExpires = 60
	// urlLifetime is how long STS accepts the presigned URL.
	urlLifetime = 15 * time.Minute
	// renewMargin is how much sooner than STS client-go is told the token
	// expires, so that it asks for a new one before the cluster refuses it.
	renewMargin = time.Minute
)

// Token signs a token for cluster with cfg's credentials: an STS
// GetCallerIdentity request presigned in its query string, with the
// x-k8s-aws-id header naming the cluster among the signed headers, as
// "k8s-aws-v1." + base64url(URL). expires is when client-go should ask
// again: 14 minutes from now, or sooner if the credentials expire first.
func Token(ctx context.Context, cfg aws.Config, cluster string) (string, time.Time, error) {
	if cluster == "" {
		return "", time.Time{}, stacks.Input(errors.New("no EKS cluster to sign a token for: pass --cluster NAME (aws.cluster in the blueprint)"))
	}
	if cfg.Region == "" {
		return "", time.Time{}, ErrNoRegion
	}
	creds, err := credentials(ctx, cfg)
	if err != nil {
		return "", time.Time{}, err
	}
	now := time.Now()
	presigner := sts.NewPresignClient(sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, bindToCluster(cluster))
	}))
	req, err := presigner.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign an STS GetCallerIdentity request for EKS cluster %s: %w", cluster, err)
	}
	expires := now.Add(urlLifetime - renewMargin)
	if creds.CanExpire && creds.Expires.Before(expires) {
		expires = creds.Expires
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL)), expires, nil
}

// bindToCluster adds, once the request is serialised and before it is
// signed, the x-k8s-aws-id header and X-Amz-Expires.
func bindToCluster(cluster string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Build.Add(middleware.BuildMiddlewareFunc("prenvEKSCluster", func(
			ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler,
		) (middleware.BuildOutput, middleware.Metadata, error) {
			req, ok := in.Request.(*smithyhttp.Request)
			if !ok {
				return middleware.BuildOutput{}, middleware.Metadata{}, fmt.Errorf("sign an EKS token: unexpected transport request %T", in.Request)
			}
			req.Header.Set(ClusterHeader, cluster)
			query := req.URL.Query()
			query.Set("X-Amz-Expires", strconv.Itoa(presignExpires))
			req.URL.RawQuery = query.Encode()
			return next.HandleBuild(ctx, in)
		}), middleware.After)
	}
}
