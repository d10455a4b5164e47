package pulumi

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// languageHost serves one Go program to a pulumi CLI started with
// --client=<addr>: the Automation API's inline programs, without the extra
// CLI calls that auto.Stack.Up makes after every update.
type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	program sdk.RunFunc
}

// ServeProgram serves program to pulumi runs started with
// --client=<addr>. It returns that address and a function that stops it.
func ServeProgram(program sdk.RunFunc) (string, func(), error) {
	cancel := make(chan bool)
	h, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, &languageHost{program: program})
			return nil
		},
	})
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("127.0.0.1:%d", h.Port), func() { close(cancel); <-h.Done }, nil
}

func (l *languageHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (l *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "1.0.0"}, nil
}

func (l *languageHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return nil
}

func (l *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	var engine string
	if len(req.GetArgs()) > 0 {
		engine = req.GetArgs()[0]
	}
	pctx, err := sdk.NewContext(ctx, sdk.RunInfo{
		EngineAddr: engine, MonitorAddr: req.GetMonitorAddress(),
		Config: req.GetConfig(), ConfigSecretKeys: req.GetConfigSecretKeys(),
		Project: req.GetProject(), Stack: req.GetStack(), Organization: req.GetOrganization(),
		Parallel: req.GetParallel(), DryRun: req.GetDryRun(),
	})
	if err != nil {
		return nil, err
	}
	defer pctx.Close()
	if err := runRecovering(pctx, l.program); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// runRecovering runs program, turning a panic into an error so one bad
// program cannot take prenv down with it.
func runRecovering(ctx *sdk.Context, program sdk.RunFunc) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("program panicked: %v", r)
		}
	}()
	return sdk.RunWithContext(ctx, program)
}
