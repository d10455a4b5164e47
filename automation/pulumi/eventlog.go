package pulumi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// eventLog receives a pulumi run's engine events (--event-log tcp://...)
// and forwards them to a channel, which it closes when the run ends.
type eventLog struct {
	pulumirpc.UnimplementedEventsServer
	ch chan<- events.EngineEvent
}

// serveEvents starts an event log feeding ch and returns the address to
// pass as --event-log, and a function that stops it.
func serveEvents(ch chan<- events.EngineEvent) (string, func(), error) {
	cancel := make(chan bool)
	h, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterEventsServer(s, &eventLog{ch: ch})
			return nil
		},
	})
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("tcp://127.0.0.1:%d", h.Port), func() { close(cancel); <-h.Done }, nil
}

func (l *eventLog) StreamEvents(stream pulumirpc.Events_StreamEventsServer) error {
	defer close(l.ch)
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return stream.SendAndClose(&emptypb.Empty{})
		}
		if err != nil {
			return err
		}
		var e apitype.EngineEvent
		if err := json.Unmarshal([]byte(req.GetEvent()), &e); err != nil {
			continue // an event this SDK cannot read is only progress
		}
		l.ch <- events.EngineEvent{EngineEvent: e}
	}
}
