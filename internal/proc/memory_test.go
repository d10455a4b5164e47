package proc

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// TestMemory starts a child that holds 64 MiB: this process's Memory
// counts it, and Children finds the child.
func TestMemory(t *testing.T) {
	before, err := Memory(os.Getpid())
	if err != nil || before <= 0 {
		t.Fatalf("Memory of this process = %d, %v; want a positive size", before, err)
	}
	// 64 MiB of touched memory in a child: bash's string of that length.
	cmd := exec.Command("/bin/sh", "-c", `x=$(head -c 67108864 /dev/zero | tr '\0' a); echo ready; sleep 30`)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 6)
	if _, err := out.Read(buf); err != nil {
		t.Fatal(err)
	}
	if kids := Children(os.Getpid()); !slices.Contains(kids, cmd.Process.Pid) {
		t.Errorf("Children = %v, want the shell %d among them", kids, cmd.Process.Pid)
	}
	after, err := Memory(os.Getpid())
	if err != nil || after-before < 60<<20 {
		t.Errorf("Memory grew by %d bytes (%v) with a child holding 64 MiB, want at least 60 MiB", after-before, err)
	}
}
