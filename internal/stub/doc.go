// Package stub serves stub services from WireMock mapping files, so a
// preview environment can stand in for a service it cannot run (a payment
// provider, a partner's API) without a JVM.
//
// Load reads a directory of mappings, each file one mapping or
// {"mappings": [...]}, in WireMock's documented format as far as prenv
// can serve it faithfully: the request's method, url, urlPath,
// urlPathPattern or urlPattern, queryParameters, headers and bodyPatterns
// with equalTo (caseInsensitive), contains, matches and equalToJson
// (ignoreArrayOrder, ignoreExtraElements and JsonUnit's any-string,
// any-number, any-boolean, ignore and regex placeholders); the response's
// status, headers, body, jsonBody, base64Body or bodyFileName (under
// __files) and fixedDelayMilliseconds; and priority. Anything else is
// refused at load, naming the file and the field: a mapping is never
// served differently from what WireMock would do with it.
//
//	set, err := stub.Load("stubs/payments")
//	if err != nil {
//		return err // e.g. stubs/payments/charge.json: request.cookies: ...
//	}
//	srv := stub.NewServer(set, stub.ServerOptions{})
//	http.ListenAndServe("127.0.0.1:8080", srv)
//
// A request no mapping matches gets 404 with a plain-text report naming
// the closest mapping and what differs, as WireMock does; the Server
// counts these, and serves the count and the latest ones at
// GET /__admin/requests/unmatched (FetchUnmatched reads it). It answers
// GET /__admin/health when ready.
//
// A Recorder is a reverse proxy to a real upstream that writes one mapping
// per distinct request (method, path and query, body) into a directory
// Load reads back, with secrets in response headers redacted.
package stub
