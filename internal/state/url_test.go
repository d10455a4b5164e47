package state

import (
	"errors"
	"os/user"
	"path/filepath"
	"testing"
)

func TestLocate(t *testing.T) {
	t.Parallel()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("rel/state")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url  string
		want location
	}{
		{"file:///var/state", location{open: "file:///var/state?no_tmp_dir=true", base: "file:///var/state", dir: "/var/state"}},
		{"file:///var/state?no_tmp_dir=false", location{open: "file:///var/state", base: "file:///var/state", dir: "/var/state"}},
		{"file://~/.prenv/state", location{open: "file://" + u.HomeDir + "/.prenv/state?no_tmp_dir=true", base: "file://" + u.HomeDir + "/.prenv/state", dir: u.HomeDir + "/.prenv/state"}},
		{"file://rel/state", location{open: "file://" + abs + "?no_tmp_dir=true", base: "file://" + abs, dir: abs}},
		{"s3://team-state", location{open: "s3://team-state", base: "s3://team-state"}},
		{"s3://team-state/prenv/shop?region=eu-west-1", location{open: "s3://team-state/prenv/shop?region=eu-west-1", prefix: "prenv/shop/", base: "s3://team-state/prenv/shop"}},
		// pulumi's spellings from the AWS SDK v1 days, rewritten as it does.
		{"s3://b?endpoint=minio:9000&disableSSL=true&s3ForcePathStyle=true", location{
			open: "s3://b?disable_https=true&endpoint=http%3A%2F%2Fminio%3A9000&s3ForcePathStyle=true", base: "s3://b"}},
		{"s3://b?endpoint=r2.example.com", location{open: "s3://b?endpoint=https%3A%2F%2Fr2.example.com", base: "s3://b"}},
		{"s3://b?endpoint=http://127.0.0.1:9000&use_path_style=true&region=us-east-1", location{
			open: "s3://b?endpoint=http://127.0.0.1:9000&use_path_style=true&region=us-east-1", base: "s3://b"}},
		{"gs://team-state/sub", location{open: "gs://team-state/sub", prefix: "sub/", base: "gs://team-state/sub"}},
		{"azblob://container", location{open: "azblob://container", base: "azblob://container"}},
	}
	for _, tt := range tests {
		got, err := locate(tt.url)
		if err != nil || got != tt.want {
			t.Errorf("locate(%q) =\n  %+v, %v\nwant\n  %+v", tt.url, got, err, tt.want)
		}
	}
}

func TestLocateRefuses(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"http://example.com/state", "s3://b?disableSSL=maybe", "::"} {
		_, err := locate(raw)
		var urlErr *URLError
		if !errors.As(err, &urlErr) || urlErr.URL != raw {
			t.Errorf("locate(%q) err = %v, want a *URLError for it", raw, err)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	if got := redact("s3://key:secret@bucket?region=x"); got != "s3://bucket?region=x" {
		t.Errorf("redact = %q", got)
	}
}

func TestParseS3(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url  string
		want S3Bucket
	}{
		{"s3://team-state", S3Bucket{Name: "team-state"}},
		{"s3://team-state/prenv/shop?region=eu-west-1&profile=ci", S3Bucket{Name: "team-state", Prefix: "prenv/shop/", Region: "eu-west-1", Profile: "ci"}},
		{"s3://b?endpoint=http://127.0.0.1:9000&use_path_style=true&region=us-east-1", S3Bucket{
			Name: "b", Region: "us-east-1", Endpoint: "http://127.0.0.1:9000", PathStyle: true}},
		{"s3://b?endpoint=minio:9000&disableSSL=true&s3ForcePathStyle=true", S3Bucket{Name: "b", Endpoint: "http://minio:9000", PathStyle: true}},
		{"s3://b?endpoint=r2.example.com", S3Bucket{Name: "b", Endpoint: "https://r2.example.com"}},
	}
	for _, tt := range tests {
		if got, err := ParseS3(tt.url); err != nil || got != tt.want {
			t.Errorf("ParseS3(%q) = %+v, %v; want %+v", tt.url, got, err, tt.want)
		}
	}
	for _, bad := range []string{"file:///state", "gs://b", "s3://b?awssdk=v1", "s3://b?use_path_style=maybe"} {
		var urlErr *URLError
		if _, err := ParseS3(bad); !errors.As(err, &urlErr) {
			t.Errorf("ParseS3(%q) err = %v, want a *URLError", bad, err)
		}
	}
}

func TestLocalDir(t *testing.T) {
	t.Parallel()
	if dir, err := LocalDir("file:///var/state?no_tmp_dir=false"); err != nil || dir != "/var/state" {
		t.Errorf("LocalDir = %q, %v", dir, err)
	}
	if _, err := LocalDir("s3://b"); err == nil {
		t.Error("LocalDir of an s3:// URL: no error")
	}
}
