package eks

import (
	"encoding/json"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientauthv1beta1 "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
)

// ExecAPIVersion is the client.authentication.k8s.io version of the
// ExecCredential prenv prints and of the exec plugin its kubeconfigs name.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// ExecCredential is the JSON an exec credential plugin prints for
// client-go: the token, and when client-go must run the plugin again.
func ExecCredential(token string, expires time.Time) ([]byte, error) {
	at := metav1.NewTime(expires.UTC())
	return json.Marshal(clientauthv1beta1.ExecCredential{
		TypeMeta: metav1.TypeMeta{APIVersion: ExecAPIVersion, Kind: "ExecCredential"},
		Status:   &clientauthv1beta1.ExecCredentialStatus{Token: token, ExpirationTimestamp: &at},
	})
}
