package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryAWSCloudCheckStopsUp: a blueprint naming what AWS (here
// moto_server's baseline) does not have stops preview and up with exit 2
// before anything runs, every broken field on a line of its own after
// "prenv: ", and nothing written to the backend; fixed, it gets past the
// checks.
func TestBinaryAWSCloudCheckStopsUp(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.extraEnv = append(s.extraEnv, "GITHUB_SHA=0123abcd", "PULUMI_HOME="+t.TempDir())
	good := s.onMoto()
	ebs := strings.Replace(good, "source: rds-snapshot", "source: ebs-snapshot", 1)
	ebs = strings.Replace(ebs, "golden: "+s.baseline.Snapshot, "golden: "+s.baseline.EBSSnapshots[0], 1)
	noZone := strings.Replace(good, "hosted-zone-id: "+s.baseline.HostedZoneID, "hosted-zone-id: ZNOSUCHZONE", 1)
	// snap-0123456789abcdef0 is allowed by the example's policy, and moto has no such snapshot.
	noZoneNoGolden := strings.Replace(strings.Replace(ebs, "hosted-zone-id: "+s.baseline.HostedZoneID, "hosted-zone-id: ZNOSUCHZONE", 1),
		"golden: "+s.baseline.EBSSnapshots[0], "golden: snap-0123456789abcdef0", 1)
	blueprint := filepath.Join(s.dir, "aws.yaml")

	for _, tc := range []struct {
		name, blueprint string
		want            []string // the start of stderr's last lines
	}{
		{name: "hosted zone missing", blueprint: noZone, want: []string{
			"prenv: aws.hosted-zone-id: Route53 hosted zone ZNOSUCHZONE not found",
		}},
		{name: "hosted zone and EBS golden missing", blueprint: noZoneNoGolden, want: []string{
			"prenv: aws.hosted-zone-id: Route53 hosted zone ZNOSUCHZONE not found",
			"database.golden: EBS snapshot snap-0123456789abcdef0 not found in " + testenv.MotoServer(t).Region + ": name the golden EBS snapshot",
		}},
	} {
		writeBlueprint(t, blueprint, tc.blueprint)
		for _, cmd := range []string{"preview", "up"} {
			_, stderr, code := s.run(cmd, "--blueprint", blueprint, "--pr", "3")
			lines := strings.Split(strings.TrimSpace(stderr), "\n") // notices, then the error
			last := lines[max(0, len(lines)-len(tc.want)):]
			ok := code == 2 && len(last) == len(tc.want)
			for i := range last {
				ok = ok && strings.HasPrefix(last[i], tc.want[i])
			}
			if !ok {
				t.Errorf("%s, %s: exit %d, stderr\n%s\nwant 2, ending in lines starting %q", tc.name, cmd, code, stderr, tc.want)
			}
		}
	}
	if entries, _ := os.ReadDir(s.backend); len(entries) != 0 {
		t.Errorf("the refused runs wrote to the backend: %v", entries)
	}

	// Fixed, preview gets past the checks, to the missing plugins.
	writeBlueprint(t, blueprint, ebs)
	_, stderr, code := s.run("preview", "--blueprint", blueprint, "--pr", "3", "--offline")
	if code == 0 || code == 2 || !strings.Contains(stderr, "pulumi plugin install") {
		t.Errorf("preview of the fixed ebs-snapshot blueprint: exit %d, %s; want it past the checks, stopped by the missing plugins", code, stderr)
	}
}
