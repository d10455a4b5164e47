package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/prenv/prenv/stacks/aws"
)

func main() {
	name := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	if err := serve(context.Background(), name); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// serve runs the stand-in for plugin name at the version stacks/aws pins.
func serve(ctx context.Context, name string) error {
	var version string
	for _, pin := range aws.Plugins {
		if pin.Name == name {
			version = pin.Version
		}
	}
	var res infer.InferredResource
	switch name {
	case "aws":
		res = infer.Resource(&Record{})
	case "random":
		res = infer.Resource(&RandomPassword{})
	}
	if version == "" || res == nil {
		return fmt.Errorf("standins: no stand-in for plugin %q: install it as pulumi-resource-aws or pulumi-resource-random", name)
	}
	prov, err := infer.NewProviderBuilder().WithResources(res).Build()
	if err != nil {
		return err
	}
	return p.RunProvider(ctx, name, version, prov)
}

// Record stands in for aws:route53/record:Record: it keeps its inputs.
type Record struct{}

// RecordArgs are the inputs the aws program gives a Record.
type RecordArgs struct {
	ZoneID  string   `pulumi:"zoneId"`
	Name    string   `pulumi:"name"`
	Type    string   `pulumi:"type"`
	TTL     int      `pulumi:"ttl,optional"`
	Records []string `pulumi:"records,optional"`
}

// Annotate gives the resource pulumi-aws's token.
func (*Record) Annotate(a infer.Annotator) { a.SetToken("route53/record", "Record") }

// Create implements infer.CustomCreate.
func (*Record) Create(_ context.Context, req infer.CreateRequest[RecordArgs]) (infer.CreateResponse[RecordArgs], error) {
	id := req.Inputs.ZoneID + "_" + req.Inputs.Name + "_" + req.Inputs.Type
	return infer.CreateResponse[RecordArgs]{ID: id, Output: req.Inputs}, nil
}

// RandomPassword stands in for random:index/randomPassword:RandomPassword.
type RandomPassword struct{}

// RandomPasswordArgs are the inputs the aws program gives a RandomPassword.
type RandomPasswordArgs struct {
	Length  int   `pulumi:"length"`
	Special *bool `pulumi:"special,optional"`
}

// RandomPasswordState adds the password.
type RandomPasswordState struct {
	RandomPasswordArgs
	Result string `pulumi:"result" provider:"secret"`
}

// Annotate gives the resource pulumi-random's token.
func (*RandomPassword) Annotate(a infer.Annotator) {
	a.SetToken("index/randomPassword", "RandomPassword")
}

// Create implements infer.CustomCreate: Length alphanumeric characters.
func (*RandomPassword) Create(_ context.Context, req infer.CreateRequest[RandomPasswordArgs]) (infer.CreateResponse[RandomPasswordState], error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := RandomPasswordState{RandomPasswordArgs: req.Inputs}
	if !req.DryRun {
		b := make([]byte, req.Inputs.Length)
		if _, err := rand.Read(b); err != nil {
			return infer.CreateResponse[RandomPasswordState]{}, err
		}
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		out.Result = string(b)
	}
	return infer.CreateResponse[RandomPasswordState]{ID: "none", Output: out}, nil
}
