package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3Env is the fake account moto_server accepts: any key works.
var s3Env = []string{"AWS_ACCESS_KEY_ID=prenv-bench", "AWS_SECRET_ACCESS_KEY=prenv-bench", "AWS_REGION=us-east-1"}

// startMoto starts moto_server (Python moto 5.2.1, a real S3 protocol
// server; `make test-deps` installs it) on a free port, and returns its
// endpoint and the function that stops it.
func startMoto(ctx context.Context) (string, func(), error) {
	binary, err := exec.LookPath("moto_server")
	if err != nil {
		return "", nil, fmt.Errorf("moto_server not found on PATH: run `make test-deps` (or pip install 'moto[server]==5.2.1')")
	}
	port := freePort()
	cmd := exec.Command(binary, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start moto_server: %w", err)
	}
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}
	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if ctx.Err() != nil {
			break
		}
		if resp, err := http.Get(endpoint + "/"); err == nil { // any answer means it serves
			resp.Body.Close()
			return endpoint, stop, nil
		}
	}
	stop()
	return "", nil, fmt.Errorf("moto_server did not answer on port %d within a minute", port)
}

// createBucket makes bucket name on the S3 server at endpoint.
func createBucket(ctx context.Context, endpoint, name string) error {
	client := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("prenv-bench", "prenv-bench", ""),
	})
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	return err
}

// countingProxy is a reverse proxy in front of an S3 server that counts
// the requests passing through it, as the server sees them.
type countingProxy struct {
	URL      string
	requests atomic.Int64
	server   *http.Server
}

func newCountingProxy(target string) (*countingProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{URL: "http://" + l.Addr().String()}
	proxy := httputil.NewSingleHostReverseProxy(u)
	p.server = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		proxy.ServeHTTP(w, r)
	})}
	go p.server.Serve(l) //nolint:errcheck // ends with Close
	return p, nil
}

// Requests is how many requests have passed so far.
func (p *countingProxy) Requests() int64 { return p.requests.Load() }

func (p *countingProxy) Close() { p.server.Close() }
