package stub_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/prenv/prenv/internal/stub"
)

// A directory of WireMock mappings served: a request a mapping matches
// gets its response; one none matches gets 404, and is counted.
func ExampleNewServer() {
	set, err := stub.Load("testdata/wiremock-docs/stubbing")
	if err != nil {
		fmt.Println(err) // every mapping prenv cannot serve, by file and field
		return
	}
	srv := httptest.NewServer(stub.NewServer(set, stub.ServerOptions{}))
	defer srv.Close()
	for _, path := range []string{"/some/thing", "/some/thing/else"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			fmt.Printf("%s: %d %s\n", path, resp.StatusCode, body)
		} else {
			fmt.Printf("%s: %d\n", path, resp.StatusCode)
		}
	}
	unmatched, _ := stub.FetchUnmatched(context.Background(), nil, srv.URL)
	fmt.Println("unmatched:", unmatched.Count, "closest:", unmatched.Requests[0].Closest)
	// Output:
	// /some/thing: 200 Hello, world!
	// /some/thing/else: 404
	// unmatched: 1 closest: basic.json
}
