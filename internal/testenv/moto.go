package testenv

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// motoEnv is the fake account moto accepts: any key works.
var motoEnv = map[string]string{
	"AWS_ACCESS_KEY_ID":     "prenv-test",
	"AWS_SECRET_ACCESS_KEY": "prenv-test",
	"AWS_REGION":            "us-east-1",
}

// motoServer is the test binary's one moto_server, started by the first
// test that needs it and killed when the test binary exits, so that
// parallel tests share it whichever ends first.
var motoServer struct {
	once     sync.Once
	endpoint string
	err      error
}

// Moto is the test binary's moto_server, one process for every AWS
// service the tests use: S3, KMS, EKS and STS.
type Moto struct {
	Endpoint string // http://127.0.0.1:<port>
	Region   string // us-east-1
	// Env is the fake account's environment (keys and region). This test
	// process already has it; a child process needs it, and the endpoint
	// (AWS_ENDPOINT_URL), to reach the server.
	Env map[string]string
}

// MotoServer starts, once per test binary, moto_server (Python's moto
// 5.2.1, which `make test-deps` checks for) and returns it. Under -short it
// skips the test; without, a missing moto_server fails it.
func MotoServer(t testing.TB) Moto {
	t.Helper()
	RequireTool(t, "moto_server (Python moto 5.2.1, an AWS protocol server)", "make test-deps")
	moto(t)
	return Moto{Endpoint: motoServer.endpoint, Region: motoEnv["AWS_REGION"], Env: maps.Clone(motoEnv)}
}

// Config is an AWS SDK configuration that sends every service's requests
// to the server, with the fake account's static keys.
func (m Moto) Config() aws.Config {
	return aws.Config{
		Region:       m.Region,
		BaseEndpoint: aws.String(m.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(motoEnv["AWS_ACCESS_KEY_ID"], motoEnv["AWS_SECRET_ACCESS_KEY"], ""),
	}
}

// moto starts the test binary's moto_server, once, and sets the fake
// account's environment for this process.
func moto(t testing.TB) {
	t.Helper()
	motoServer.once.Do(func() {
		for k, v := range motoEnv {
			os.Setenv(k, v) // for the AWS SDKs' default credential chain in this process
		}
		motoServer.endpoint, motoServer.err = startMoto()
	})
	if motoServer.err != nil {
		t.Fatal(motoServer.err)
	}
}

// startMoto starts moto_server on a free port, trying another port if
// one was taken between choosing it and binding it.
func startMoto() (string, error) {
	binary, err := exec.LookPath("moto_server")
	if err != nil {
		return "", fmt.Errorf("moto_server not found on PATH: run `make test-deps` (or pip install 'moto[server]==5.2.1')")
	}
	var lastErr error
	for range 3 {
		endpoint, err := startMotoOnce(binary)
		if err == nil {
			return endpoint, nil
		}
		lastErr = err
	}
	return "", lastErr
}

func startMotoOnce(binary string) (string, error) {
	port, err := freeTCPPort()
	if err != nil {
		return "", err
	}
	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	log := &cappedBuffer{max: 64 << 10}
	cmd := exec.Command(binary, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = log, log
	exited, err := startTiedToBinary(cmd, func() {})
	if err != nil {
		return "", fmt.Errorf("start moto_server: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return "", fmt.Errorf("moto_server exited on port %d:\n%s", port, log)
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(endpoint + "/") // any answer means it serves
		if err == nil {
			resp.Body.Close()
			return endpoint, nil
		}
	}
	_ = cmd.Process.Kill()
	return "", fmt.Errorf("moto_server did not answer on port %d within a minute:\n%s", port, log)
}

func freeTCPPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// cappedBuffer keeps the first max bytes a server writes: enough to say
// why it failed to start, without growing with every request it logs.
type cappedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}
