package aws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/prenv/prenv/internal/atomicfile"
	"github.com/prenv/prenv/internal/eks"
	"github.com/prenv/prenv/stacks"
)

// eksCluster is the EKS cluster aws.cluster names, reached without a
// kubeconfig of the user's: one DescribeCluster per run gives the
// kubeconfig that the Kubernetes provider (either engine's) and the
// reaper's client use, whose user runs this prenv binary as the exec
// plugin, `prenv eks-token`, so tokens renew during a long up.
type eksCluster struct {
	name, region string
	binary       string // prenv, the exec plugin
	dir          string // where the Terraform module's kubeconfig file goes

	once   sync.Once
	config []byte
	err    error
}

// newEKSCluster returns the cluster bp's aws.cluster names, or nil
// without one, or for a rendering (s.Home empty), which touches nothing.
func newEKSCluster(bp *stacks.Blueprint, s stacks.Setup) *eksCluster {
	if bp.AWS.Cluster == "" || s.Home == "" {
		return nil
	}
	return &eksCluster{
		name: bp.AWS.Cluster, region: bp.AWS.Region, binary: s.Binary,
		dir: filepath.Join(s.Home, "eks", bp.AWS.Region),
	}
}

// kubeconfig describes the cluster, once per run, and returns its
// kubeconfig. It holds no secret: the exec plugin signs each token.
func (c *eksCluster) kubeconfig(ctx context.Context) ([]byte, error) {
	c.once.Do(func() {
		cfg, err := eks.LoadConfig(ctx, c.region)
		if err != nil {
			c.err = err
			return
		}
		c.config, c.err = eks.Kubeconfig(ctx, cfg, c.name, c.binary)
	})
	return c.config, c.err
}

// kubeconfigFile writes the kubeconfig where the Terraform module's
// Kubernetes provider reads it, and returns its path.
func (c *eksCluster) kubeconfigFile(ctx context.Context) (string, error) {
	data, err := c.kubeconfig(ctx)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return "", fmt.Errorf("write the kubeconfig of EKS cluster %s: %w", c.name, err)
	}
	path := filepath.Join(c.dir, c.name+".kubeconfig")
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write the kubeconfig of EKS cluster %s: %w", c.name, err)
	}
	return path, nil
}
