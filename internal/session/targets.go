package session

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
	"github.com/prenv/prenv/stacks/local"
)

// targets are the targets this binary is built with. Adding a target is a
// package under stacks/ and one line here.
var targets = map[stacks.TargetName]stacks.Prepare{
	stacks.TargetNone:  prepareNone,
	stacks.TargetLocal: local.Prepare,
	stacks.TargetAWS:   aws.Prepare,
}

func prepareNone(context.Context, *stacks.Blueprint, stacks.Setup) (stacks.Target, error) {
	return stacks.None{}, nil
}

// lookupTarget finds a target by the blueprint's name for it.
func lookupTarget(name stacks.TargetName) (stacks.Prepare, error) {
	if p, ok := targets[name]; ok {
		return p, nil
	}
	names := make([]string, 0, len(targets))
	for n := range targets {
		names = append(names, string(n))
	}
	slices.Sort(names)
	return nil, stacks.Input(fmt.Errorf("target %q is not available in this build: use one of %s", name, strings.Join(names, ", ")))
}
