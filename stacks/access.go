package stacks

import (
	"net/url"
	"regexp"
)

// AccessMode says who may open an environment's host.
type AccessMode string

// The access modes.
const (
	AccessPublic AccessMode = "public" // anyone; the policy refuses it without policy.allow-public
	AccessOIDC   AccessMode = "oidc"   // the mesh's external authorizer, or a bearer token of access.issuer
)

// Access protects pr-<n>.<domain> on the aws target's shared gateway: an
// Istio AuthorizationPolicy sends requests to the mesh's external
// authorizer (access.provider, e.g. oauth2-proxy), and a
// RequestAuthentication admits bearer tokens of access.issuer, so CI can
// call the preview with a workload token.
type Access struct {
	Mode            AccessMode        `yaml:"mode" enum:"public,oidc" doc:"public: anyone may open the host (the policy refuses it unless policy.allow-public). oidc: the team, through the mesh's external authorizer, or a bearer token of access.issuer. Default public."`
	Provider        string            `yaml:"provider" doc:"Name of the mesh's extension provider that authorizes requests (meshConfig.extensionProviders), e.g. oauth2-proxy. Required with oidc."`
	Issuer          string            `yaml:"issuer" doc:"https URL of the issuer whose bearer tokens skip the authorizer, e.g. https://token.actions.githubusercontent.com. Required with oidc."`
	JWKSURI         string            `yaml:"jwks-uri" doc:"https URL of the issuer's keys. Default: found from the issuer's discovery document."`
	Audiences       []string          `yaml:"audiences" doc:"Audiences a bearer token must have. Default: any."`
	GatewaySelector map[string]string `yaml:"gateway-selector" doc:"Labels of the gateway's pods, which the access objects select in the gateway's namespace. Default istio: ingressgateway."`
}

// Protected reports whether the host is behind the authorizer.
func (a Access) Protected() bool { return a.Mode == AccessOIDC }

var providerPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)

// validateAccess names each missing or malformed access field.
func (bp *Blueprint) validateAccess(fail func(field, format string, args ...any)) {
	a := bp.Access
	if !a.Protected() {
		return
	}
	if a.Provider == "" {
		fail("access.provider", "is required with mode oidc: the mesh's extension provider, e.g. oauth2-proxy")
	} else if !providerPattern.MatchString(a.Provider) {
		fail("access.provider", "%q is not an extension provider name; use letters, digits, '.', '_' and '-'", a.Provider)
	}
	if a.Issuer == "" {
		fail("access.issuer", "is required with mode oidc: the https URL of the issuer of CI's tokens")
	} else if !isHTTPS(a.Issuer) {
		fail("access.issuer", "%q is not an https URL; write it like https://token.actions.githubusercontent.com", a.Issuer)
	}
	if a.JWKSURI != "" && !isHTTPS(a.JWKSURI) {
		fail("access.jwks-uri", "%q is not an https URL; leave it out to use the issuer's discovery document", a.JWKSURI)
	}
}

func isHTTPS(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}
