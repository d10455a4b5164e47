package state

import (
	"errors"
	"fmt"
	"net/url"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// location is where a backend URL keeps its state, in the forms gocloud
// and people need.
type location struct {
	open   string // the URL gocloud opens, spelled as pulumi's diy backend spells it
	prefix string // the directory under the bucket's root ("" or "dir/"), for s3, gs and azblob
	base   string // the backend's root as people read it, without query or credentials
	dir    string // the directory of a file:// backend; "" for the others
}

// locate turns a backend URL into the URL gocloud opens, by the rules
// pulumi's diy backend applies (massageBlobPath and translateLegacyS3Params
// in pkg/backend/diy), so both read the same bucket the same way:
//   - file://: ~ is the user's home, a relative path is made absolute, and
//     temporary files are written beside their final name (no_tmp_dir).
//   - s3://: disableSSL becomes disable_https, and an endpoint without a
//     scheme gets http:// with disableSSL=true, else https://.
//   - s3://, gs://, azblob://: the path after the bucket is a directory
//     under the bucket's root.
func locate(raw string) (location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return location{}, &URLError{URL: raw, Err: err}
	}
	switch u.Scheme {
	case "file":
		return locateFile(raw)
	case "s3":
		open, err := translateS3Params(u)
		if err != nil {
			return location{}, &URLError{URL: raw, Err: err}
		}
		return bucketLocation(u, open), nil
	case "gs", "azblob":
		return bucketLocation(u, raw), nil
	default:
		return location{}, &URLError{URL: raw, Err: fmt.Errorf("unsupported scheme %q: use file://, s3://, gs:// or azblob://", u.Scheme)}
	}
}

func bucketLocation(u *url.URL, open string) location {
	loc := location{open: open, base: u.Scheme + "://" + u.Host}
	if sub := strings.Trim(u.Path, "/"); sub != "" {
		loc.prefix = sub + "/"
		loc.base += "/" + sub
	}
	return loc
}

// locateFile reads a file:// URL as pulumi does: everything after file://
// up to the query is a path, not a host and a path.
func locateFile(raw string) (location, error) {
	rest := strings.TrimPrefix(raw, "file://")
	path, rawQuery, _ := strings.Cut(rest, "?")
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return location{}, &URLError{URL: raw, Err: err}
	}
	switch query.Get("no_tmp_dir") {
	case "":
		query.Set("no_tmp_dir", "true") // pulumi's choice: a temp dir may be on another file system
	case "false":
		query.Del("no_tmp_dir") // fileblob takes any value as true
	}
	if path == "~" || strings.HasPrefix(path, "~/") {
		u, err := user.Current()
		if err != nil {
			return location{}, &URLError{URL: raw, Err: fmt.Errorf("find the home directory for ~: %w", err)}
		}
		path = filepath.Join(u.HomeDir, strings.TrimPrefix(path, "~"))
	}
	if path, err = filepath.Abs(path); err != nil {
		return location{}, &URLError{URL: raw, Err: err}
	}
	open := "file://" + filepath.ToSlash(path)
	if len(query) > 0 {
		open += "?" + query.Encode()
	}
	return location{open: open, base: "file://" + path, dir: path}, nil
}

// translateS3Params rewrites the AWS SDK v1 parameters that gocloud v0.46
// no longer reads, exactly as pulumi's diy backend does.
func translateS3Params(u *url.URL) (string, error) {
	query := u.Query()
	changed := false
	disableSSL := false
	if values, ok := query["disableSSL"]; ok {
		var err error
		if disableSSL, err = strconv.ParseBool(values[len(values)-1]); err != nil {
			return "", fmt.Errorf("invalid value for query parameter %q: %w", "disableSSL", err)
		}
		query.Del("disableSSL")
		query.Set("disable_https", strconv.FormatBool(disableSSL))
		changed = true
	}
	if endpoint := query.Get("endpoint"); endpoint != "" && !strings.Contains(endpoint, "://") {
		scheme := "https"
		if disableSSL {
			scheme = "http"
		}
		query.Set("endpoint", scheme+"://"+endpoint)
		changed = true
	}
	if !changed {
		return u.String(), nil
	}
	v := *u
	v.RawQuery = query.Encode()
	return v.String(), nil
}

// LocalDir returns the directory a file:// backend URL names, read as
// pulumi reads it: ~ is the user's home, a relative path is made absolute.
func LocalDir(backendURL string) (string, error) {
	if !strings.HasPrefix(backendURL, "file://") {
		return "", &URLError{URL: backendURL, Err: errors.New("not a file:// URL")}
	}
	loc, err := locateFile(backendURL)
	return loc.dir, err
}

// S3Bucket is an s3:// backend URL as an S3 client is configured from it,
// by the rules locate applies: what Terraform's s3 backend is told.
type S3Bucket struct {
	Name   string
	Prefix string // the directory under the bucket's root: "" or "dir/"
	Region string // "" leaves it to AWS_REGION or the shared config
	// Endpoint is an S3-compatible store's URL, with its scheme; "" for AWS.
	Endpoint  string
	PathStyle bool   // path-style requests (bucket in the path), as MinIO needs
	Profile   string // the shared config profile; "" for the default chain
}

// s3Params are the parameters of an s3:// URL that ParseS3 reads; pulumi
// takes more, which an S3 client configured from S3Bucket would ignore.
var s3Params = []string{"region", "endpoint", "use_path_style", "s3ForcePathStyle", "disableSSL", "disable_https", "profile"}

// ParseS3 reads an s3:// backend URL's bucket, directory and the
// parameters that say how to reach it: region, endpoint (a bare host gets
// http:// with disableSSL=true, else https://), use_path_style or
// s3ForcePathStyle, and profile. Any other parameter is refused, rather
// than ignored, since the client would then reach another store than
// pulumi does.
func ParseS3(backendURL string) (S3Bucket, error) {
	loc, err := locate(backendURL)
	if err != nil {
		return S3Bucket{}, err
	}
	u, err := url.Parse(loc.open)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return S3Bucket{}, &URLError{URL: backendURL, Err: errors.New("not an s3://<bucket> URL")}
	}
	q := u.Query()
	for name := range q {
		if !slices.Contains(s3Params, name) {
			return S3Bucket{}, &URLError{URL: backendURL, Err: fmt.Errorf("parameter %q is not one prenv can pass on to Terraform's s3 backend: use only %s", name, strings.Join(s3Params, ", "))}
		}
	}
	b := S3Bucket{Name: u.Host, Prefix: loc.prefix, Region: q.Get("region"), Endpoint: q.Get("endpoint"), Profile: q.Get("profile")}
	for _, name := range []string{"use_path_style", "s3ForcePathStyle"} {
		if v := q.Get(name); v != "" {
			on, err := strconv.ParseBool(v)
			if err != nil {
				return S3Bucket{}, &URLError{URL: backendURL, Err: fmt.Errorf("invalid value for query parameter %q: %w", name, err)}
			}
			b.PathStyle = b.PathStyle || on
		}
	}
	return b, nil
}
